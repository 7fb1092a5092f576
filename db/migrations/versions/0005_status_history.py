"""Status history and follow-up reminders: status_event, reminder.

Every change of a card's column is recorded in status_event by triggers on user_job, in the same transaction as the
change, so every writer (the window, the CLI, fan-out, the legacy migration, another tool) leaves a history. How
the change was made ("drag", "keyboard", "menu", "cli", "import", "fan-out", "migration") comes from the
transaction-local setting `jobpool.via`; a writer that sets none is recorded as "other" (a change) or "import" (a
new card).

- A status change is one row-level AFTER UPDATE OF status trigger, filtered by its WHEN clause: updates of scores,
  notes or positions never call it, and a move pays one small insert.
- New cards get an "added" event (from_status NULL) at their added_at, from a statement-level trigger over the
  inserted rows (an ingestion adds thousands at once). A card created in a later column with a later
  status_changed_at (the legacy migration carries both times over) gets a second event for that change.
- The revision backfills what is known of existing cards the same way: added_at, and status_changed_at for the
  current column.

reminder holds one follow-up per card: a due date, a note, and when it was done; it goes with its card.

Revision ID: 0005_status_history
Revises: 0004_run_interrupted
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0005_status_history"
down_revision = "0004_run_interrupted"
branch_labels = None
depends_on = None

# The events a set of new cards (a table with user_job's columns, named `c`) brings: added, then, when the card sits
# further along than Recommended since a time after it was added, the change that put it there. Cards are added in
# Recommended (ingestion, fan-out); which columns the card passed through in between is not known, so from_status
# of that change stays NULL.
_LATER = "c.status <> 'recommended' AND c.status_changed_at > c.added_at"
_NEW_CARD_EVENTS = f"""
SELECT c.id, c.added_at, NULL::job_status, CASE WHEN {_LATER} THEN 'recommended'::job_status ELSE c.status END,
       {{via}}
FROM {{rows}} c
UNION ALL
SELECT c.id, c.status_changed_at, NULL::job_status, c.status, {{via}}
FROM {{rows}} c
WHERE {_LATER}
"""

_VIA_OR_IMPORT = "coalesce(nullif(current_setting('jobpool.via', true), ''), 'import')"
_ADDED = f"""
CREATE FUNCTION status_event_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO status_event (user_job_id, at, from_status, to_status, via)
    {_NEW_CARD_EVENTS.format(rows="new_rows", via=_VIA_OR_IMPORT)};
    RETURN NULL;
END
$$
"""

_CHANGED = """
CREATE FUNCTION status_event_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO status_event (user_job_id, at, from_status, to_status, via)
    VALUES (NEW.id, now(), OLD.status, NEW.status,
            coalesce(nullif(current_setting('jobpool.via', true), ''), 'other'));
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    # No card may change between the backfill and the triggers taking over.
    op.execute("LOCK TABLE user_job IN SHARE ROW EXCLUSIVE MODE")
    op.create_table(
        "status_event",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column(
            "user_job_id", pg.UUID(as_uuid=True), sa.ForeignKey("user_job.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("from_status", pg.ENUM(name="job_status", create_type=False), nullable=True),
        sa.Column("to_status", pg.ENUM(name="job_status", create_type=False), nullable=False),
        sa.Column("via", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_status_event_user_job_id_at", "status_event", ["user_job_id", "at"])
    op.create_table(
        "reminder",
        sa.Column("id", pg.UUID(as_uuid=True), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "user_job_id", pg.UUID(as_uuid=True), sa.ForeignKey("user_job.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_job_id"),
    )
    op.create_index("ix_reminder_due_on", "reminder", ["due_on"])
    op.execute(
        "INSERT INTO status_event (user_job_id, at, from_status, to_status, via) "
        + _NEW_CARD_EVENTS.format(rows="user_job", via="'migration'")
        + " ORDER BY 2"
    )
    op.execute(_ADDED)
    op.execute(
        "CREATE TRIGGER status_event_added AFTER INSERT ON user_job REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION status_event_added()"
    )
    op.execute(_CHANGED)
    op.execute(
        "CREATE TRIGGER status_event_changed AFTER UPDATE OF status ON user_job "
        "FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION status_event_changed()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS status_event_changed ON user_job")
    op.execute("DROP TRIGGER IF EXISTS status_event_added ON user_job")
    op.execute("DROP FUNCTION IF EXISTS status_event_changed()")
    op.execute("DROP FUNCTION IF EXISTS status_event_added()")
    op.drop_index("ix_reminder_due_on", table_name="reminder")
    op.drop_table("reminder")
    op.drop_index("ix_status_event_user_job_id_at", table_name="status_event")
    op.drop_table("status_event")
