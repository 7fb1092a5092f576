"""Headless commands (DESIGN.md, "CLI"): each module adds one sub-command and runs it over the shared services.

A command module provides `NAME`, `register(subparsers)` and `run(args, ctx) -> int`; `UPGRADES_SCHEMA = False`
lets a command open a database that still holds the v1 schema (the migration).
"""
