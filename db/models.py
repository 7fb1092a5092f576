"""The v2 schema: profiles, the shared job pool, per-profile links and the ingestion log."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Computed,
    Enum,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JobStatus, created_at, uuid_pk

EMBEDDING_DIM = 1536
EMBEDDING_COMMENT = (
    "Embedding of the job's title, company, location and description (in that order, plain text), "
    "zero-padded to 1536 dimensions; the model is named in embedding_model."
)
# Nearest-neighbour searches use an HNSW index over the leading 512 dimensions at half precision (the local model's
# whole vector; a prefix of larger models, re-ranked on the full vector), m=12: ~4x cheaper inserts than the
# vector(1536) m=16 index (revision 0002 has the figures).
EMBEDDING_INDEX_DIM = 512
EMBEDDING_INDEX_EXPRESSION = f"subvector(embedding, 1, {EMBEDDING_INDEX_DIM})::halfvec({EMBEDDING_INDEX_DIM})"
# Stored, so a search checks each row's vector instead of re-parsing its description (0.7 s -> ms at 50k cards).
SEARCH_VECTOR_EXPRESSION = (
    "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(company, '') || ' ' "
    "|| left(coalesce(description, ''), 100000))"
)

job_status_enum = Enum(
    JobStatus,
    name="job_status",
    values_callable=lambda enum_cls: [member.value for member in enum_cls],
    validate_strings=True,
)

RUN_STATUSES = ("running", "succeeded", "failed", "cancelled", "interrupted")


class User(Base):
    """A local profile (the UI says "profile")."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(Text, unique=True)
    email: Mapped[str | None] = mapped_column(Text)
    resume_text: Mapped[str | None] = mapped_column(Text)
    # Deferred: reading a profile should not parse 1,536 floats of text (milliseconds); read it where it is used.
    resume_embedding: Mapped[Any | None] = mapped_column(Vector(EMBEDDING_DIM), deferred=True)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    # The database role whose profile this is (team mode: row-level security lets only that role change it).
    owner: Mapped[str] = mapped_column(Text, server_default=text("CURRENT_USER"), index=True)
    # Insights: leave this profile out of the figures pooled across profiles (revision 0010).
    exclude_from_pooled: Mapped[bool] = mapped_column(server_default=text("false"))


class PoolJob(Base):
    """One unique posting, shared by every profile."""

    __tablename__ = "job_pool"

    id: Mapped[uuid.UUID] = uuid_pk()
    hash: Mapped[str] = mapped_column(Text, unique=True)
    source: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    apply_url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    company: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    salary_min: Mapped[Decimal | None] = mapped_column(Numeric)
    salary_max: Mapped[Decimal | None] = mapped_column(Numeric)
    salary_currency: Mapped[str | None] = mapped_column(Text)
    salary_period: Mapped[str | None] = mapped_column(Text)
    job_type: Mapped[str | None] = mapped_column(Text)
    is_remote: Mapped[bool | None]
    posted_at: Mapped[datetime | None]
    skills: Mapped[list[Any] | None]
    metadata_: Mapped[dict[str, Any] | None] = mapped_column("metadata")
    criteria_tags: Mapped[list[Any]] = mapped_column(server_default=text("'[]'::jsonb"))
    embedding: Mapped[Any | None] = mapped_column(Vector(EMBEDDING_DIM), comment=EMBEDDING_COMMENT)
    embedding_model: Mapped[str | None] = mapped_column(Text)
    scraped_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    last_verified_at: Mapped[datetime | None]
    # The database role that inserted the row (team mode: only it may change what the row already holds).
    contributed_by: Mapped[str] = mapped_column(Text, server_default=text("CURRENT_USER"))
    # Revision 0007: the date was counted back from an age ("10 days ago"), not read; the export shape it came in.
    posted_at_inferred: Mapped[bool] = mapped_column(server_default=text("false"))
    source_format: Mapped[str | None] = mapped_column(Text)
    search_vector: Mapped[Any | None] = mapped_column(
        TSVECTOR, Computed(SEARCH_VECTOR_EXPRESSION, persisted=True), deferred=True
    )

    __table_args__ = (
        Index("ix_job_pool_scraped_at", "scraped_at"),
        Index(
            "ix_job_pool_embedding_head_hnsw",
            literal_column(f"({EMBEDDING_INDEX_EXPRESSION})").label("embedding_head"),
            postgresql_using="hnsw",
            postgresql_with={"m": 12, "ef_construction": 64},
            postgresql_ops={"embedding_head": "halfvec_cosine_ops"},
        ),
        Index("ix_job_pool_fulltext", "search_vector", postgresql_using="gin"),
    )


class UserJob(Base):
    """A profile's link to a pool job: its column, place, score and notes."""

    __tablename__ = "user_job"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    job_pool_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("job_pool.id", ondelete="CASCADE"))
    status: Mapped[JobStatus] = mapped_column(job_status_enum, server_default=JobStatus.RECOMMENDED.value)
    match_score: Mapped[int | None]
    gap_analysis: Mapped[dict[str, Any] | None]
    notes: Mapped[str | None] = mapped_column(Text)
    position: Mapped[float | None]
    added_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    status_changed_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    tailored_resume_id: Mapped[uuid.UUID | None]
    legacy_job_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)
    legacy_status: Mapped[str | None] = mapped_column(Text)
    seen_at: Mapped[datetime | None]
    tags: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'::text[]"))
    # The résumé that gave the card its match score (the best of the profile's résumés); revision 0013.
    best_resume_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("resume.id", ondelete="SET NULL"))
    priority: Mapped[str | None] = mapped_column(Text)
    # The pool job's search_vector, copied by triggers (revision 0017) and indexed: a board search reads the
    # profile's own cards, not the pool.
    search_vector: Mapped[Any | None] = mapped_column(TSVECTOR, deferred=True)

    __table_args__ = (
        UniqueConstraint("user_id", "job_pool_id"),
        CheckConstraint("match_score BETWEEN 0 AND 100", name="match_score_range"),
        CheckConstraint("priority IN ('low', 'medium', 'high')", name="priority_known"),
        Index("ix_user_job_user_id", "user_id"),
        Index("ix_user_job_status", "status"),
        Index("ix_user_job_user_id_status_position", "user_id", "status", "position"),
        Index("ix_user_job_job_pool_id", "job_pool_id"),
        Index("ix_user_job_search_vector", "search_vector", postgresql_using="gin"),
    )


class UserJobCount(Base):
    """How many cards a profile has in each column, kept exact by triggers on user_job (revision 0003).

    The board header shows exact counts; a GROUP BY over a profile's links grows with them (13 ms at 50,000), this
    row read does not. Statement-level triggers with transition tables apply each INSERT, UPDATE and DELETE of
    user_job as one aggregated upsert, so every writer (the app, the CLI, another tool) keeps the counts true.
    """

    __tablename__ = "user_job_count"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[JobStatus] = mapped_column(job_status_enum, primary_key=True)
    cards: Mapped[int] = mapped_column(server_default=text("0"))


class IngestionRun(Base):
    """One ingestion: where the jobs came from, for which criteria, and what happened."""

    __tablename__ = "ingestion_run"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(Text)
    criteria: Mapped[dict[str, Any] | None]
    criteria_key: Mapped[str | None] = mapped_column(Text)
    apify_run_id: Mapped[str | None] = mapped_column(Text)
    dataset_id: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), server_default="running")
    fetched: Mapped[int] = mapped_column(server_default="0")
    rejected: Mapped[int] = mapped_column(server_default="0")
    pool_inserts: Mapped[int] = mapped_column(server_default="0")
    pool_hits: Mapped[int] = mapped_column(server_default="0")
    links_created: Mapped[int] = mapped_column(server_default="0")
    links_existing: Mapped[int] = mapped_column(server_default="0")
    served_from_run_id: Mapped[uuid.UUID | None]
    rejections: Mapped[list[Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    finished_at: Mapped[datetime | None]
    saved_search_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("saved_search.id", ondelete="SET NULL"), index=True
    )

    __table_args__ = (
        CheckConstraint(
            "status IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')", name="status_known"
        ),
        Index("ix_ingestion_run_criteria_key_finished_at", "criteria_key", "finished_at"),
        Index("ix_ingestion_run_started_at", "started_at"),
    )


class IngestionRunJob(Base):
    """Which pool jobs a run produced, so a later run for the same criteria is served from the pool."""

    __tablename__ = "ingestion_run_job"

    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ingestion_run.id", ondelete="CASCADE"), primary_key=True)
    job_pool_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("job_pool.id", ondelete="CASCADE"), primary_key=True, index=True
    )


INTERVIEW_KINDS = ("phone", "video", "onsite", "take-home")


class Interview(Base):
    """An interview for a card: when (a moment, time zone aware), what kind, with whom, notes."""

    __tablename__ = "interview"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_job.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str | None] = mapped_column(Text)
    with_whom: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (
        CheckConstraint("kind IN ('phone', 'video', 'onsite', 'take-home')", name="kind_known"),
        Index("ix_interview_at", "at"),
    )


class Contact(Base):
    """A person connected with a card: name, role, how to reach them, notes."""

    __tablename__ = "contact"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_job.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()


class CoachGrant(Base):
    """Team mode: a member (the coach, a database role) may read one profile they do not own."""

    __tablename__ = "profile_coach"

    profile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    coach: Mapped[str] = mapped_column(Text, primary_key=True, index=True)


class StatusEvent(Base):
    """One change of a card's column (from_status NULL: the card was added), written by triggers on user_job.

    Revision 0005 holds the triggers; `via` says how the change was made (the transaction's `jobpool.via`).
    """

    __tablename__ = "status_event"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    user_job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_job.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    from_status: Mapped[JobStatus | None] = mapped_column(job_status_enum)
    to_status: Mapped[JobStatus] = mapped_column(job_status_enum)
    via: Mapped[str] = mapped_column(Text)
    # Kept by the triggers of revision 0014, so the Stats view needs no window or (week, card) pass over the history:
    # when the card left the column this event put it in (its next event; NULL while it is there), when it last
    # entered the same column before, and (events with no from_status) its previous such event.
    left_at: Mapped[datetime | None]
    previous_arrival_at: Mapped[datetime | None]
    previous_added_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_status_event_user_job_id_at", "user_job_id", "at"),)


class CardProgress(Base):
    """A card's first arrival in Applied, Interviewing and Offer (a later stage counts for the earlier ones).

    Only cards that reached Applied have a row. Kept by statement-level triggers on status_event (revision 0014) in
    the same transaction as the history, so the Stats view's funnel and response figures need no pass over it.
    """

    __tablename__ = "card_progress"

    user_job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_job.id", ondelete="CASCADE"), primary_key=True)
    applied_at: Mapped[datetime]
    interviewing_at: Mapped[datetime | None]
    offer_at: Mapped[datetime | None]


class Reminder(Base):
    """A card's follow-up: when it is due, a note, and when it was done."""

    __tablename__ = "reminder"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_job.id", ondelete="CASCADE"), unique=True)
    due_on: Mapped[date] = mapped_column(index=True)
    note: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_at()


class PoolSighting(Base):
    """When a pool job was seen: first, last, how many times, and when it came back after a gap (a repost).

    Its own narrow table, so counting a sighting on every pool hit never rewrites the wide pool row (and its stored
    full-text vector). A job seen once has no row: it was first and last seen when scraped (job_pool.scraped_at).
    """

    __tablename__ = "job_pool_sighting"

    job_pool_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("job_pool.id", ondelete="CASCADE"), primary_key=True)
    first_seen_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    last_seen_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    times_seen: Mapped[int] = mapped_column(server_default=text("1"))
    reposted_at: Mapped[datetime | None]


class PoolMerge(Base):
    """A pool job merged into another (same posting under the v3 hash, or merged by a person): the audit trail."""

    __tablename__ = "job_pool_merge"

    dropped_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # Ingestion maps a posting with this hash to kept_id, so a merge made by a person holds on the next import.
    dropped_hash: Mapped[str] = mapped_column(Text, index=True)
    kept_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("job_pool.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    # Cards the merge combined in this kept job's group, counted on the group's first dropped row (0 on the others).
    cards_merged: Mapped[int] = mapped_column(server_default="0")
    merged_at: Mapped[datetime] = mapped_column(server_default=text("now()"))


class NotDuplicate(Base):
    """A profile's "Not a duplicate" answer for two pool jobs that looked alike (the smaller id first)."""

    __tablename__ = "job_pool_not_duplicate"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    job_pool_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("job_pool.id", ondelete="CASCADE"), primary_key=True)
    other_job_pool_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("job_pool.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    decided_at: Mapped[datetime] = mapped_column(server_default=text("now()"))

    __table_args__ = (CheckConstraint("job_pool_id < other_job_pool_id", name="pair_ordered"),)


class SavedSearch(Base):
    """A profile's Apify search run on a schedule: every N hours, or on days of the week at a local time."""

    __tablename__ = "saved_search"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(Text)
    query: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    max_items: Mapped[int] = mapped_column(server_default=text("100"))
    criteria_key: Mapped[str] = mapped_column(Text)
    every_hours: Mapped[int | None]
    days_of_week: Mapped[list[int] | None] = mapped_column(ARRAY(Integer))
    at_time: Mapped[time | None]
    next_run_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    last_run_at: Mapped[datetime | None]
    last_status: Mapped[str | None] = mapped_column(String(16))
    last_error: Mapped[str | None] = mapped_column(Text)
    failures_in_a_row: Mapped[int] = mapped_column(server_default=text("0"))
    paused: Mapped[bool] = mapped_column(server_default=text("false"))
    pause_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (
        CheckConstraint(
            "(every_hours IS NOT NULL AND every_hours > 0) OR (days_of_week IS NOT NULL AND at_time IS NOT NULL)",
            name="schedule_given",
        ),
        CheckConstraint("max_items > 0", name="max_items_positive"),
        Index("ix_saved_search_next_run_at", "next_run_at"),
    )


class SavedSearchLease(Base):
    """Who runs a saved search right now and until when; a crashed runner's lease simply expires."""

    __tablename__ = "saved_search_lease"

    search_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saved_search.id", ondelete="CASCADE"), primary_key=True)
    holder: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime]


class Resume(Base):
    """One of a profile's résumés: a label, a focus area, its text and embedding; one per profile is primary.

    The primary résumé is mirrored into users.resume_text / resume_embedding (readers of the single résumé keep
    working); cards are scored against every résumé and keep the best score (user_job.best_resume_id).
    """

    __tablename__ = "resume"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(Text)
    focus: Mapped[str | None] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)
    embedding: Mapped[Any | None] = mapped_column(Vector(EMBEDDING_DIM), deferred=True)
    is_primary: Mapped[bool] = mapped_column(server_default=text("false"))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = mapped_column(server_default=text("now()"))

    __table_args__ = (
        UniqueConstraint("user_id", "label"),
        Index("uq_resume_one_primary", "user_id", unique=True, postgresql_where=text("is_primary")),
    )


NOTIFICATION_KINDS = ("new_jobs", "reminder_due", "run_failed", "migration", "backup")


class Notification(Base):
    """One entry of a profile's inbox; `dedup_key` makes each event land once however often it is looked for."""

    __tablename__ = "notification"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    job_pool_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("job_pool.id", ondelete="SET NULL"))
    dedup_key: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()
    read_at: Mapped[datetime | None]
    # When the desktop was told (or the telling was skipped: switched off, quiet hours); NULL: not yet.
    notified_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("user_id", "dedup_key"),
        CheckConstraint("kind IN ('new_jobs', 'reminder_due', 'run_failed', 'migration', 'backup')", name="kind_known"),
        Index("ix_notification_user_id_created_at", "user_id", "created_at"),
    )
