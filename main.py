"""JobPool entry point: `python main.py` opens the window; `python main.py <command>` runs headless."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from types import ModuleType

from cli import (
    add,
    board,
    contact,
    discover,
    history,
    ingest,
    interview,
    migrate,
    notifications,
    possible_duplicates,
    profiles,
    reminders,
    run_due,
    searches,
    server,
    show,
    stats,
    tag,
)

# Each command module has NAME, register(subparsers) and run(args, ctx); the order is the order of `--help`.
COMMAND_MODULES: tuple[ModuleType, ...] = (
    profiles,
    board,
    ingest,
    migrate,
    discover,
    add,
    interview,
    contact,
    tag,
    searches,
    run_due,
    server,
    history,
    reminders,
    show,
    possible_duplicates,
    stats,
    notifications,
)
COMMAND_ALIASES: dict[str, ModuleType] = {"move": board, "interviews": interview, "remind": reminders}


def _command_modules() -> dict[str, ModuleType]:
    modules: dict[str, ModuleType] = {module.NAME: module for module in COMMAND_MODULES}
    modules.update(COMMAND_ALIASES)
    return modules


def build_parser(modules: dict[str, ModuleType]) -> argparse.ArgumentParser:
    """The command-line parser: global options, then one sub-command per module."""
    parser = argparse.ArgumentParser(
        prog="jobpool",
        description="JobPool: a job-hunt Kanban board over one shared, deduplicated job pool.",
    )
    parser.add_argument("--db-url", help="PostgreSQL URL (with pgvector); default: the embedded server")
    parser.add_argument("--data-dir", help="where the embedded server and app data live")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in dict.fromkeys(modules.values()):
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run a command or the window; returns the exit code."""
    if hasattr(os, "umask"):
        os.umask(0o077)  # settings, backups, logs and exports hold private notes: owner only
    modules = _command_modules()
    args = build_parser(modules).parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if args.command is None:
        from ui.shell.app import run_window

        return run_window(db_url=args.db_url, data_dir=args.data_dir)

    from app.context import open_context
    from app.database import is_read_only_refusal
    from app.errors import JobPoolError

    module = modules[args.command]
    upgrades = getattr(module, "UPGRADES_SCHEMA", True)
    try:
        ctx = open_context(args.db_url, args.data_dir, upgrade=upgrades)
    except JobPoolError as exc:
        print(f"jobpool: {exc.message}", file=sys.stderr)
        return 1
    if ctx.database.read_only:
        print(f"jobpool: warning: {ctx.database.read_only_message}", file=sys.stderr)
    try:
        if upgrades and ctx.needs_migration:
            print(
                "jobpool: this database holds the earlier per-user schema. Migrate it to the shared pool first: "
                "python main.py migrate --dry-run (preview), then python main.py migrate.",
                file=sys.stderr,
            )
            return 1
        code = module.run(args, ctx)
        sys.stdout.flush()  # here, so that a reader gone away is handled below and not at interpreter exit
        return code
    except KeyboardInterrupt:
        print("jobpool: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`board | head`): what it read is all it wanted. Point stdout at
        # devnull so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if ctx.database.read_only and is_read_only_refusal(exc):
            print(f"jobpool: not saved: {ctx.database.read_only_message}", file=sys.stderr)
            return 1
        if isinstance(exc, JobPoolError):
            print(f"jobpool: {exc.message}", file=sys.stderr)
            return 1
        raise
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
