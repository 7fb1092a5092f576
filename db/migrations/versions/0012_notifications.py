"""The notifications inbox: one row per event a profile should hear about (new jobs, follow-ups, failed runs).

Each row carries a key naming its event (a run, a reminder and its due date), unique per profile, so looking for
events again never adds a row twice; `notified_at` records that the desktop was told (or told nothing on purpose).
The table has a `user_id`, so team mode's row-level security covers it after `server init`.

Revision ID: 0012_notifications
Revises: 0011_saved_searches
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0012_notifications"
down_revision = "0011_saved_searches"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", pg.UUID(as_uuid=True), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("job_pool_id", pg.UUID(as_uuid=True), nullable=True),
        sa.Column("dedup_key", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('new_jobs', 'reminder_due', 'run_failed', 'migration', 'backup')",
            name="ck_notification_kind_known",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_notification_user_id_users", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["job_pool_id"], ["job_pool.id"], name="fk_notification_job_pool_id_job_pool", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_notification"),
        sa.UniqueConstraint("user_id", "dedup_key", name="uq_notification_user_id_dedup_key"),
    )
    op.create_index("ix_notification_user_id_created_at", "notification", ["user_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_notification_user_id_created_at", table_name="notification")
    op.drop_table("notification")
