"""Frozen records the migration service returns: preview, progress, migration, verification and rollback reports."""

from __future__ import annotations

import dataclasses
import enum
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.records import counted
from db.base import JobStatus

STATE_LEGACY = "legacy_v1"
STATE_MIGRATED = "migrated"
STATE_CURRENT = "current"
STATE_EMPTY = "empty"

_STATE_LINES = {
    STATE_LEGACY: "This database holds the earlier per-user (v1) schema and can be migrated to the shared pool.",
    STATE_MIGRATED: "This database was migrated to the shared pool already.",
    STATE_CURRENT: "This database uses the shared pool and was never a v1 database: there is nothing to migrate.",
    STATE_EMPTY: "This database holds no JobPool tables: there is nothing to migrate.",
}


def state_line(state: str) -> str:
    """One sentence saying what a database state means for the migration."""
    return _STATE_LINES.get(state, f"Unknown database state {state!r}.")


def _jsonable(value: Any) -> Any:
    if isinstance(value, _Record):
        return value.to_json()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID | Path | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return value


class _Record:
    """Adds to_json() to a frozen dataclass: every field, plus the names in _EXTRA (properties)."""

    __slots__ = ()
    _EXTRA: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (ids, paths and enums as strings)."""
        out = {field.name: _jsonable(getattr(self, field.name)) for field in dataclasses.fields(self)}  # type: ignore[arg-type]
        out.update({name: _jsonable(getattr(self, name)) for name in self._EXTRA})
        return out


@dataclass(frozen=True, slots=True)
class MigrationProgress(_Record):
    """Where a running migration or rollback is: step `done` of `total`, and a line for the user."""

    phase: str
    done: int
    total: int
    message: str


@dataclass(frozen=True, slots=True)
class StatusCount(_Record):
    """One distinct v1 status value, how many legacy rows hold it, and the column it maps to."""

    value: str
    rows: int
    maps_to: JobStatus
    known: bool


@dataclass(frozen=True, slots=True)
class MergeGroup(_Record):
    """Legacy rows of one profile that are one pool job under the pool hash: they become a single card."""

    user_id: uuid.UUID
    profile: str
    title: str
    company: str | None
    legacy_job_ids: tuple[uuid.UUID, ...]
    statuses: tuple[str, ...]
    status: JobStatus
    notes_kept: int


@dataclass(frozen=True, slots=True)
class ProfilePreview(_Record):
    """A v1 user as it will appear as a profile: its name after migration and what it brings along."""

    user_id: uuid.UUID
    name: str
    legacy_name: str | None
    legacy_rows: int
    cards: int

    _EXTRA = ("renamed",)

    @property
    def renamed(self) -> bool:
        """True when the v1 name was empty, untidy or a duplicate and the profile gets another one."""
        return self.name != self.legacy_name


@dataclass(frozen=True, slots=True)
class MigrationPreview(_Record):
    """What a migration would do, computed in a read-only transaction (nothing is written)."""

    state: str
    legacy_rows: int = 0
    profiles: tuple[ProfilePreview, ...] = ()
    pool_jobs: int = 0
    shared_pool_jobs: int = 0
    joined_old_hashes: int = 0
    links: int = 0
    merged_rows: int = 0
    merges: tuple[MergeGroup, ...] = ()
    statuses: tuple[StatusCount, ...] = ()
    null_hashes: int = 0
    salaries: int = 0
    salaries_parsed: int = 0
    embeddings_kept: int = 0
    tailored_resumes: int = 0
    cards_with_resume: int = 0
    scores_clamped: int = 0

    _EXTRA = ("unmapped", "message")

    @property
    def unmapped(self) -> tuple[StatusCount, ...]:
        """Status values with no mapping: their cards go to Recommended and keep the text visible."""
        return tuple(s for s in self.statuses if not s.known)

    @property
    def message(self) -> str:
        """A one-line summary."""
        if self.state != STATE_LEGACY:
            return state_line(self.state)
        merge = "merges" if self.merged_rows == 1 else "merge"
        lack = "has" if len(self.unmapped) == 1 else "have"
        return (
            f"{counted(self.legacy_rows, 'legacy job')} of {counted(len(self.profiles), 'profile')} become "
            f"{counted(self.pool_jobs, 'pool job')} and {counted(self.links, 'card')} "
            f"({counted(self.merged_rows, 'row')} {merge} into another card of the same profile); "
            f"{counted(len(self.unmapped), 'status value')} {lack} no mapping. Nothing was written."
        )


@dataclass(frozen=True, slots=True)
class Check(_Record):
    """One verification check and how many rows break it."""

    name: str
    ok: bool
    violations: int
    detail: str


@dataclass(frozen=True, slots=True)
class UnaccountedRow(_Record):
    """A legacy row whose card cannot be found, and why."""

    legacy_job_id: uuid.UUID
    user_id: uuid.UUID
    reason: str


@dataclass(frozen=True, slots=True)
class VerificationReport(_Record):
    """Every legacy row accounted for (its card, or the card it merged into), the counts and the key checks."""

    state: str
    ok: bool
    legacy_rows: int = 0
    accounted_rows: int = 0
    merged_rows: int = 0
    unaccounted: tuple[UnaccountedRow, ...] = ()
    profiles: int = 0
    pool_jobs: int = 0
    links: int = 0
    links_from_legacy: int = 0
    links_since_migration: int = 0
    cards_changed_since_migration: int = 0
    checks: tuple[Check, ...] = ()

    _EXTRA = ("message",)

    @property
    def message(self) -> str:
        """A one-line verdict."""
        if self.state != STATE_MIGRATED:
            return state_line(self.state)
        if self.ok:
            return (
                f"Verified: {'the' if self.legacy_rows == 1 else 'all'} {counted(self.legacy_rows, 'legacy job')} "
                f"{'is' if self.legacy_rows == 1 else 'are'} accounted for ({self.merged_rows:,} "
                f"merged into another card); {counted(self.links, 'card')} on {counted(self.pool_jobs, 'pool job')}; "
                "every check passed."
            )
        failed = ", ".join(c.name for c in self.checks if not c.ok)
        verb = "is" if len(self.unaccounted) == 1 else "are"
        return (
            f"Verification found problems: {len(self.unaccounted):,} of {counted(self.legacy_rows, 'legacy job')} "
            f"{verb} not accounted for; failed checks: {failed or 'none'}."
        )


@dataclass(frozen=True, slots=True)
class MigrationReport(_Record):
    """What a migration did (or that the database was migrated already)."""

    already_migrated: bool
    state: str
    backup_path: Path | None = None
    legacy_rows: int = 0
    profiles: int = 0
    profiles_renamed: int = 0
    pool_jobs: int = 0
    links: int = 0
    merged_rows: int = 0
    unmapped: tuple[StatusCount, ...] = ()
    pool_salaries_parsed: int = 0
    embeddings_kept: int = 0
    cards_with_resume: int = 0
    scores_clamped: int = 0
    seconds: float = 0.0
    verification: VerificationReport | None = None

    _EXTRA = ("message",)

    @property
    def message(self) -> str:
        """A one-line summary."""
        if self.already_migrated:
            return "Already migrated: nothing was changed."
        if self.state != STATE_MIGRATED:
            return state_line(self.state)
        backup = f" Backup: {self.backup_path}." if self.backup_path else " No backup was taken."
        return (
            f"Migrated {counted(self.legacy_rows, 'legacy job')} of {counted(self.profiles, 'profile')} into "
            f"{counted(self.pool_jobs, 'pool job')} and {counted(self.links, 'card')} ({self.merged_rows:,} merged) "
            f"in {self.seconds:.1f} s.{backup}"
        )


@dataclass(frozen=True, slots=True)
class RollbackReport(_Record):
    """What a rollback did: the v1 rows restored, the new cards carried back, what only v2 could hold."""

    rolled_back: bool
    state: str
    backup_path: Path | None = None
    restored_rows: int = 0
    carried_back_rows: int = 0
    updated_rows: int = 0
    removed_links: int = 0
    removed_pool_jobs: int = 0
    profile_resumes_dropped: int = 0
    ingestion_runs_dropped: int = 0
    seconds: float = 0.0

    _EXTRA = ("message",)

    @property
    def message(self) -> str:
        """A one-line summary."""
        if not self.rolled_back:
            if self.state == STATE_LEGACY:
                return "Nothing to roll back: the database holds the v1 schema already."
            return state_line(self.state)
        backup = f" The shared-pool state was saved to {self.backup_path}." if self.backup_path else ""
        return (
            f"Rolled back: {counted(self.restored_rows, 'legacy job')} restored, "
            f"{counted(self.carried_back_rows, 'card')} added since the migration carried back, "
            f"{counted(self.updated_rows, 'row')} updated with later changes.{backup}"
        )
