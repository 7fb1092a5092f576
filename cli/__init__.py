"""Headless commands (docs/ARCHITECTURE.md, "Command line"): one sub-command per module, over the shared services.

A command module provides `NAME`, `register(subparsers)` and `run(args, ctx) -> int`; `UPGRADES_SCHEMA = False`
lets a command open a database that still holds the v1 schema (the migration).
"""
