"""`migrate [--dry-run | --rollback | --verify] [--no-backup] [--backup-dir DIR] [--json]`: v1 -> shared pool."""

from __future__ import annotations

import argparse
import sys

from app.context import AppContext
from app.migration.records import (
    STATE_CURRENT,
    STATE_EMPTY,
    MigrationPreview,
    MigrationProgress,
    MigrationReport,
    RollbackReport,
    VerificationReport,
    state_line,
)
from app.migration.service import MigrationService
from cli.output import print_json

NAME = "migrate"
UPGRADES_SCHEMA = False  # open a v1 database as it is: migrating it is this command's job
MAX_LISTED = 20


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `migrate` command."""
    parser = subparsers.add_parser(
        NAME, help="migrate a v1 per-user database into the shared pool (backup first), or roll it back"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="preview what would happen; write nothing")
    mode.add_argument("--rollback", action="store_true", help="give back the v1 schema, keeping later cards")
    mode.add_argument("--verify", action="store_true", help="check a migrated database again")
    parser.add_argument("--no-backup", action="store_true", help="skip the pg_dump backup (not recommended)")
    parser.add_argument("--backup-dir", help="where the backup goes (default: the data directory's backups/)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")


def _progress(progress: MigrationProgress) -> None:
    print(f"  [{progress.done}/{progress.total}] {progress.message}", file=sys.stderr)


def _print_preview(preview: MigrationPreview) -> None:
    print(f"Legacy jobs: {preview.legacy_rows} of {len(preview.profiles)} profiles")
    print(
        f"Pool jobs they become: {preview.pool_jobs} ({preview.shared_pool_jobs} shared by several profiles, "
        f"{preview.joined_old_hashes} joined from rows with different old hashes)"
    )
    print(f"Cards: {preview.links} ({preview.merged_rows} legacy rows merge into another card of their profile)")
    print("Profiles:")
    for profile in preview.profiles:
        renamed = f" (was {profile.legacy_name!r})" if profile.renamed else ""
        print(f"  {profile.name}{renamed}: {profile.legacy_rows} legacy jobs -> {profile.cards} cards")
    if preview.merges:
        print("Merges (the later status in board order wins; every note is kept):")
        for merge in preview.merges[:MAX_LISTED]:
            statuses = ", ".join(repr(s) for s in merge.statuses)
            print(f"  {merge.profile}: {merge.title} ({merge.company or '-'}): {statuses} -> {merge.status.value}")
        if len(preview.merges) > MAX_LISTED:
            print(f"  … and {len(preview.merges) - MAX_LISTED} more (see --json)")
    print("Status values:")
    for status in preview.statuses[: MAX_LISTED * 2]:
        flag = "" if status.known else "   (no mapping: kept visible on the card)"
        print(f"  {status.value!r} x{status.rows} -> {status.maps_to.value}{flag}")
    if preview.unmapped:
        print(f"Values with no mapping: {', '.join(repr(s.value) for s in preview.unmapped)}")
    print(
        f"Salaries parsed: {preview.salaries_parsed} of {preview.salaries}; embeddings kept: "
        f"{preview.embeddings_kept}; tailored resumes: {preview.tailored_resumes}; "
        f"scores clamped to 0-100: {preview.scores_clamped}"
    )
    print("Nothing was written. Run `migrate` without --dry-run to migrate (a backup is taken first).")


def _print_verification(report: VerificationReport) -> None:
    print(report.message)
    for check in report.checks:
        print(f"  [{'ok' if check.ok else 'FAIL'}] {check.name}: {check.detail}")
    for row in report.unaccounted[:MAX_LISTED]:
        print(f"  unaccounted legacy job {row.legacy_job_id}: {row.reason}")
    if report.links_since_migration or report.cards_changed_since_migration:
        print(
            f"  since the migration: {report.links_since_migration} new cards, "
            f"{report.cards_changed_since_migration} migrated cards changed"
        )


def _print_migration(report: MigrationReport) -> None:
    print(report.message)
    for status in report.unmapped:
        print(
            f"  status {status.value!r} x{status.rows} had no mapping: those cards are in "
            f"{status.maps_to.value} and show the original text"
        )
    if report.profiles_renamed:
        print(f"  {report.profiles_renamed} profiles got a new name (empty or duplicate in v1)")
    if report.verification is not None:
        _print_verification(report.verification)


def _print_rollback(report: RollbackReport) -> None:
    print(report.message)
    if report.profile_resumes_dropped or report.ingestion_runs_dropped:
        print(
            f"  v1 cannot hold {report.profile_resumes_dropped} profile resumes and {report.ingestion_runs_dropped}"
            " ingestion log entries; they are in the backup",
            file=sys.stderr,
        )


def _emit(args: argparse.Namespace, record, printer) -> None:
    if args.json:
        print_json(record.to_json())
    else:
        printer(record)


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """Preview, migrate, verify or roll back, and print the report."""
    service = MigrationService(ctx.database)
    on_progress = None if args.json else _progress
    if args.dry_run:
        preview = service.preview()
        _emit(args, preview, _print_preview if preview.state == "legacy_v1" else lambda p: print(p.message))
        return 0
    if args.verify:
        verification = service.verify()
        _emit(args, verification, _print_verification)
        return 0 if verification.ok else 1
    backup = not args.no_backup
    if args.rollback:
        rolled = service.rollback(on_progress, backup=backup, backup_dir=args.backup_dir)
        _emit(args, rolled, _print_rollback)
        return 0
    state = service.state()
    if state in (STATE_CURRENT, STATE_EMPTY):
        if args.json:
            print_json({"already_migrated": False, "state": state, "message": state_line(state)})
        else:
            print(state_line(state))
        return 0
    report = service.migrate(backup=backup, backup_dir=args.backup_dir, on_progress=on_progress)
    _emit(args, report, _print_migration)
    return 0
