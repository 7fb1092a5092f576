"""MigrationService: preview, migrate (with backup), verify and roll back a v1 database, one transaction each."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import psycopg
from psycopg import errors as pg_errors
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from app import settings as secrets
from app.database import Database
from app.errors import JobPoolError, SchemaError, WriteFailed
from app.migration import migrate as steps
from app.migration import rollback as undo
from app.migration.backup import dump_database
from app.migration.legacy import LOCK_KEY, KnownHashes, database_state, load_keys, load_status_map
from app.migration.preview import build_preview
from app.migration.records import (
    STATE_EMPTY,
    STATE_LEGACY,
    STATE_MIGRATED,
    MigrationPreview,
    MigrationProgress,
    MigrationReport,
    RollbackReport,
    StatusCount,
    VerificationReport,
)
from app.migration.verify import verify_connection
from app.notifications import MIGRATION, NotificationService
from app.transactions import retry_conflicts
from db.base import JobStatus
from db.schema import SchemaState, upgrade_connection

log = logging.getLogger(__name__)

ProgressCallback = Callable[[MigrationProgress], None]
# Test-only hook: the name of a phase at which the process stops inside the transaction, says so on stderr
# and waits for a line on stdin (tests kill it there to prove an interrupted migration changes nothing).
PAUSE_ENV = "JOBPOOL_MIGRATION_TEST_PAUSE"
DEFAULT_LOCK_TIMEOUT_MS = 10_000

MIGRATE_PHASES = (
    ("lock", "Waiting for other JobPool instances"),
    ("backup", "Backing up the database"),
    ("schema", "Creating the shared-pool tables"),
    ("hash", "Computing the shared-pool key of every legacy job"),
    ("pool", "Filling the job pool"),
    ("links", "Creating each profile's cards"),
    ("archive", "Keeping the legacy table as job_legacy"),
    ("verify", "Verifying every legacy job is accounted for"),
    ("commit", "Saving"),
)
ROLLBACK_PHASES = (
    ("lock", "Waiting for other JobPool instances"),
    ("backup", "Backing up the shared-pool state"),
    ("changes", "Carrying changes made since the migration back"),
    ("new", "Carrying cards added since the migration back"),
    ("schema", "Restoring the v1 schema"),
    ("commit", "Saving"),
)

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class _Change:
    """A schema change between v1 and the shared pool: what it is called, its phases, the states it goes between."""

    action: str
    phases: tuple[tuple[str, str], ...]
    from_state: str
    done_state: str
    result: SchemaState
    backup_label: str
    refusal: Callable[[str], str]  # why a database in another state is refused


_MIGRATE = _Change(
    action="migrate",
    phases=MIGRATE_PHASES,
    from_state=STATE_LEGACY,
    done_state=STATE_MIGRATED,
    result=SchemaState.CURRENT,
    backup_label="v1-before-migration",
    refusal=lambda state: (
        "This database is empty: there is nothing to migrate."
        if state == STATE_EMPTY
        else "This database does not hold the v1 per-user schema, so there is nothing to migrate."
    ),
)
_ROLLBACK = _Change(
    action="roll back",
    phases=ROLLBACK_PHASES,
    from_state=STATE_MIGRATED,
    done_state=STATE_LEGACY,
    result=SchemaState.LEGACY_V1,
    backup_label="v2-before-rollback",
    refusal=lambda _state: "This database was not migrated from the v1 schema, so there is nothing to roll back.",
)


def _first_line(exc: BaseException) -> str:
    message = str(getattr(exc, "orig", None) or exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__


class _Steps:
    """Reports phases to a progress callback (and honours the test-only pause hook)."""

    def __init__(self, phases: tuple[tuple[str, str], ...], on_progress: ProgressCallback | None) -> None:
        self._phases = phases
        self._on_progress = on_progress

    def enter(self, phase: str) -> None:
        index = next(i for i, (name, _) in enumerate(self._phases) if name == phase)
        if self._on_progress:
            self._on_progress(MigrationProgress(phase, index, len(self._phases), self._phases[index][1] + "…"))
        if os.environ.get(PAUSE_ENV) == phase:
            sys.stderr.write(f"jobpool-migration-paused:{phase}\n")
            sys.stderr.flush()
            if not sys.stdin.readline():
                raise WriteFailed("The migration was interrupted; nothing was changed.")

    def done(self) -> None:
        if self._on_progress:
            total = len(self._phases)
            self._on_progress(MigrationProgress("done", total, total, "Done."))


class MigrationService:
    """Moves a v1 per-user database into the shared pool and back; every call is one transaction."""

    def __init__(self, database: Database, *, lock_timeout_ms: int = DEFAULT_LOCK_TIMEOUT_MS) -> None:
        self._database = database
        self.lock_timeout_ms = lock_timeout_ms
        # Pool hashes a preview computed, reused by the migration after it (hashing every legacy row is seconds).
        self._known_hashes: KnownHashes = {}

    @property
    def default_backup_dir(self) -> Path:
        """The backups/ folder of the data directory."""
        return self._database.location.data_dir / "backups"

    @property
    def backups_kept(self) -> int:
        """How many backups a backup folder keeps (the saved setting; older ones are deleted after a backup)."""
        return secrets.load_backups_kept(self._database.location.data_dir)

    def state(self) -> str:
        """legacy_v1, migrated, current or empty."""
        with self._database.engine.connect() as connection:
            return database_state(connection)

    def preview(self) -> MigrationPreview:
        """The dry run: what migrate() would do, read in a READ ONLY transaction."""
        with self._transaction("preview the migration", read_only=True) as connection:
            state = database_state(connection)
            if state != STATE_LEGACY:
                return MigrationPreview(state=state)
            return build_preview(connection, state, self._known_hashes)

    def migrate(
        self, *, backup: bool = True, backup_dir: str | Path | None = None, on_progress: ProgressCallback | None = None
    ) -> MigrationReport:
        """Back up (unless told not to), then migrate in one transaction; says so if migrated already."""
        started = time.perf_counter()
        report = self._schema_change(
            _MIGRATE,
            on_progress,
            backup=backup,
            backup_dir=backup_dir,
            already=lambda state: MigrationReport(already_migrated=True, state=state),
            work=lambda connection, progress, path: self._migrate(connection, progress, path, started),
        )
        if not report.already_migrated:
            self._known_hashes = {}
            log.info("%s", report.message)
            self._tell_profiles(report)
        return report

    def _tell_profiles(self, report: MigrationReport) -> None:
        """Every profile's inbox keeps the migration's result and where its backup went."""
        try:
            NotificationService(self._database.sessions).post_all(
                MIGRATION, report.message, f"migration:{time.time_ns()}"
            )
        except (DBAPIError, JobPoolError) as exc:  # the migration is committed; the inbox row is a courtesy
            log.warning("could not note the migration in the inboxes: %s", exc)

    def _migrate(self, connection: Connection, progress: _Steps, path: Path | None, started: float) -> MigrationReport:
        connection.exec_driver_sql("LOCK TABLE users, job, tailored_resume IN ACCESS EXCLUSIVE MODE")
        scores_clamped = connection.execute(
            text("SELECT count(*) FROM job WHERE match_score NOT BETWEEN 0 AND 100")
        ).scalar_one()
        progress.enter("schema")
        upgrade_connection(connection)
        progress.enter("hash")
        legacy_rows = load_keys(connection, known=self._known_hashes)
        load_status_map(connection)
        steps.build_row_table(connection)
        progress.enter("pool")
        pool_jobs, embeddings, salaries = steps.insert_pool_jobs(connection)
        progress.enter("links")
        links = steps.insert_links(connection)
        progress.enter("archive")
        with_resume = steps.archive_legacy_table(connection)
        progress.enter("verify")
        verification = verify_connection(connection, strict=True)
        if not verification.ok:
            problems = "; ".join(c.detail for c in verification.checks if not c.ok) or "rows unaccounted for"
            raise WriteFailed(f"The migration was undone because verification failed ({problems}). Nothing changed.")
        unmapped = tuple(
            StatusCount(value=row.raw, rows=int(row.n), maps_to=JobStatus(row.status), known=False)
            for row in connection.execute(
                text(
                    "SELECT s.raw, s.status, count(*) AS n FROM mig_status s JOIN job_legacy j ON j.status = s.raw "
                    "WHERE NOT s.known GROUP BY s.raw, s.status ORDER BY count(*) DESC, s.raw"
                )
            )
        )
        renamed = connection.execute(
            text("SELECT count(*) FROM users_legacy WHERE v2_name IS DISTINCT FROM name")
        ).scalar_one()
        progress.enter("commit")
        return MigrationReport(
            already_migrated=False,
            state=STATE_MIGRATED,
            backup_path=path,
            legacy_rows=legacy_rows,
            profiles=verification.profiles,
            profiles_renamed=int(renamed),
            pool_jobs=pool_jobs,
            links=links,
            merged_rows=legacy_rows - links,
            unmapped=unmapped,
            pool_salaries_parsed=salaries,
            embeddings_kept=embeddings,
            cards_with_resume=with_resume,
            scores_clamped=int(scores_clamped),
            seconds=time.perf_counter() - started,
            verification=verification,
        )

    def verify(self) -> VerificationReport:
        """Check a migrated database: every legacy row accounted for, the counts and the key checks."""
        with self._transaction("verify the migration", read_only=True) as connection:
            state = database_state(connection)
            if state != STATE_MIGRATED:
                return VerificationReport(state=state, ok=state == STATE_LEGACY)
            return verify_connection(connection, strict=False)

    def rollback(
        self,
        on_progress: ProgressCallback | None = None,
        *,
        backup: bool = True,
        backup_dir: str | Path | None = None,
    ) -> RollbackReport:
        """Give back the v1 schema: job restored with the same ids and values, later cards carried back."""
        started = time.perf_counter()
        return self._schema_change(
            _ROLLBACK,
            on_progress,
            backup=backup,
            backup_dir=backup_dir,
            already=lambda state: RollbackReport(rolled_back=False, state=state),
            work=lambda connection, progress, path: self._rollback(connection, progress, path, started),
        )

    def _rollback(self, connection: Connection, progress: _Steps, path: Path | None, started: float) -> RollbackReport:
        connection.exec_driver_sql(
            "LOCK TABLE users, job_legacy, tailored_resume, job_pool, user_job IN ACCESS EXCLUSIVE MODE"
        )
        counts = undo.count_before(connection)
        progress.enter("changes")
        load_status_map(connection, "job_legacy")
        updated = undo.carry_back_changes(connection)
        progress.enter("new")
        carried = undo.carry_back_new_links(connection)
        progress.enter("schema")
        undo.restore_v1_schema(connection)
        if database_state(connection) != STATE_LEGACY:
            raise WriteFailed("The rollback was undone: the schema did not come back as v1. Nothing changed.")
        progress.enter("commit")
        return RollbackReport(
            rolled_back=True,
            state=STATE_LEGACY,
            backup_path=path,
            restored_rows=counts["restored"],
            carried_back_rows=carried,
            updated_rows=updated,
            removed_links=counts["links"],
            removed_pool_jobs=counts["pool_jobs"],
            profile_resumes_dropped=counts["resumes"],
            ingestion_runs_dropped=counts["runs"],
            seconds=time.perf_counter() - started,
        )

    def _schema_change(
        self,
        change: _Change,
        on_progress: ProgressCallback | None,
        *,
        backup: bool,
        backup_dir: str | Path | None,
        already: Callable[[str], R],
        work: Callable[[Connection, _Steps, Path | None], R],
    ) -> R:
        """The shape a migration and a rollback share: one transaction under the advisory lock, the state checked
        (done already, or not the state it starts from), an optional backup, the work, then the new schema state."""
        progress = _Steps(change.phases, on_progress)

        def attempt() -> tuple[bool, R]:
            with self._connection() as connection:
                progress.enter("lock")
                self._lock(connection)
                state = database_state(connection)
                if state == change.done_state:
                    return False, already(state)
                if state != change.from_state:
                    raise SchemaError(change.refusal(state))
                path = None
                if backup:
                    progress.enter("backup")
                    path = dump_database(
                        connection,
                        Path(backup_dir) if backup_dir else self.default_backup_dir,
                        change.backup_label,
                        lock_wait_ms=self.lock_timeout_ms,
                        keep=self.backups_kept,
                    )
                return True, work(connection, progress, path)

        # Taking its table locks one by one, the change can deadlock with a window's read that started just
        # before it (the read holds one table and waits for the next). PostgreSQL then aborts one of the two;
        # when it is the change, nothing was written, so it starts again once the read is gone.
        with self._readable_errors(change.action):
            changed, report = retry_conflicts(attempt)
        if changed:
            self._database.state = change.result
        progress.done()
        return report

    @contextmanager
    def _connection(self, *, read_only: bool = False) -> Iterator[Connection]:
        """One transaction with a lock timeout and no statement timeout."""
        with self._database.engine.connect() as connection, connection.begin():
            if read_only:  # the server itself then refuses any write
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {int(self.lock_timeout_ms)}")
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
            yield connection

    @contextmanager
    def _transaction(self, action: str, *, read_only: bool = False) -> Iterator[Connection]:
        """One transaction with a lock timeout; database errors become one readable message."""
        with self._readable_errors(action), self._connection(read_only=read_only) as connection:
            yield connection

    @contextmanager
    def _readable_errors(self, action: str) -> Iterator[None]:
        """Database errors become one readable message saying nothing was changed."""
        try:
            yield
        except JobPoolError:
            raise
        except (DBAPIError, psycopg.Error) as exc:
            cause = getattr(exc, "orig", exc)
            if isinstance(cause, pg_errors.LockNotAvailable):
                raise WriteFailed(
                    f"Could not {action}: the database is busy (another JobPool or an older version is using it). "
                    "Close the other program and try again. Nothing was changed."
                ) from exc
            raise WriteFailed(f"Could not {action}: {_first_line(exc)}. Nothing was changed.") from exc

    def _lock(self, connection: Connection) -> None:
        """Serialize migrations and rollbacks of this database across processes (released at commit)."""
        try:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        except DBAPIError as exc:
            if isinstance(exc.orig, pg_errors.LockNotAvailable):
                raise WriteFailed(
                    "Another JobPool is migrating or rolling back this database right now. "
                    "Try again when it has finished; nothing was changed."
                ) from exc
            raise
