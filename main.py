"""JobPool entry point: `python main.py` opens the window; `python main.py <command>` runs headless."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from types import ModuleType
from typing import NoReturn

COMMAND_ALIASES: dict[str, str] = {"move": "board", "interviews": "interview", "remind": "reminders"}


def _command_modules() -> dict[str, ModuleType]:
    """The sub-commands' modules by command name (aliases included), in the order of `--help`. Each has NAME,
    register(subparsers) and run(args, ctx). Imported here, when a command is given, not at start: they load the
    services, and the window shows its splash before those load."""
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

    ordered = (
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
    modules: dict[str, ModuleType] = {module.NAME: module for module in ordered}
    modules.update({alias: modules[name] for alias, name in COMMAND_ALIASES.items()})
    return modules


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db-url", help="PostgreSQL URL (with pgvector); default: the embedded server")
    parser.add_argument("--data-dir", help="where the embedded server and app data live")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens to stderr")


class _NotTheWindow(Exception):
    """The command line is more than the window's global options: the full parser reads it."""


class _WindowOptionsParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """Hand a line this parser cannot read to the full parser, which says what is wrong with it."""
        raise _NotTheWindow(message)


def _window_options(argv: list[str] | None) -> argparse.Namespace | None:
    """The global options when the command line asks for the window (no command, no --help), else None.

    Read without importing the sub-commands, so that the window's splash is the first thing the start does.
    """
    parser = _WindowOptionsParser(prog="jobpool", add_help=False)
    _add_global_options(parser)
    try:
        args, rest = parser.parse_known_args(argv)
    except _NotTheWindow:
        return None
    return None if rest else args


def build_parser(modules: dict[str, ModuleType]) -> argparse.ArgumentParser:
    """The command-line parser: global options, then one sub-command per module."""
    parser = argparse.ArgumentParser(
        prog="jobpool",
        description="JobPool: a job-hunt Kanban board over one shared, deduplicated job pool.",
    )
    _add_global_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in dict.fromkeys(modules.values()):
        module.register(subparsers)
    return parser


def _configure_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_not_an_interrupt)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[handler],
    )


def _not_an_interrupt(record: logging.LogRecord) -> bool:
    """Drop records of a Ctrl-C (or of an error it caused): when it lands while SQLAlchemy's pool resets a
    connection, the pool logs it with a traceback, and the command already says "jobpool: interrupted" in one line
    of its own."""
    if not record.exc_info:
        return True
    from app.errors import cut_by_interrupt  # here, not at the top: the splash comes before anything of app/

    return not cut_by_interrupt(record.exc_info[1])


def run_window(db_url: str | None, data_dir: str | None) -> int:
    """The window: the splash first (Qt alone loaded), then the services and the window while it shows."""
    from ui.shell.splash import let_paint, show_splash

    splash = show_splash()
    # The embedded server starts in a thread while the services load (starting it is mostly waiting); the database
    # opens (off the GUI thread) once they are loaded, while the window's own modules load. Opening it beside the
    # services' imports brought the window later, not sooner, as the two contend for the GIL.
    from app.startup import start_server_in_background

    start_server_in_background(db_url, data_dir)
    import app.context

    opening = app.context.open_in_background(db_url, data_dir)
    let_paint()
    from ui.shell.app import run_window as run

    let_paint()
    return run(db_url=db_url, data_dir=data_dir, splash=splash, opening=opening)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run a command or the window; returns the exit code."""
    if hasattr(os, "umask"):
        os.umask(0o077)  # settings, backups, logs and exports hold private notes: owner only
    window = _window_options(argv)
    if window is not None:
        _configure_logging(window.verbose)
        return run_window(db_url=window.db_url, data_dir=window.data_dir)
    modules = _command_modules()
    args = build_parser(modules).parse_args(argv)
    _configure_logging(args.verbose)
    if args.command is None:  # only options the window ignores were given (the full parser accepted them)
        return run_window(db_url=args.db_url, data_dir=args.data_dir)

    from app.context import open_context
    from app.database import is_read_only_refusal
    from app.errors import JobPoolError, cut_by_interrupt

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
        if cut_by_interrupt(exc):  # a Ctrl-C amid a statement: the failed rollback after it came out instead
            print("jobpool: interrupted", file=sys.stderr)
            return 130
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
