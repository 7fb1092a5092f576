"""Exact per-column card counts kept by triggers: user_job_count.

Opening a board showed each column's exact count from a GROUP BY over the profile's links: 0.4 ms at 1,000 links,
13 ms at 50,000 (bench/bench.py). user_job_count holds one row per (profile, column); statement-level AFTER
triggers on user_job aggregate each statement's transition table into one upsert, rows locked in key order so
concurrent writers cannot deadlock on them. A delete that comes from removing the profile itself (ON DELETE
CASCADE) finds the profile gone and leaves the counts to their own cascade; TRUNCATE (also by cascade from job_pool)
empties the counts.

Revision ID: 0003_user_job_counts
Revises: 0002_embedding_head_index
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0003_user_job_counts"
down_revision = "0002_embedding_head_index"
branch_labels = None
depends_on = None

_APPLY = """
CREATE FUNCTION user_job_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO user_job_count AS c (user_id, status, cards)
        SELECT user_id, status, count(*) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (user_id, status) DO UPDATE SET cards = c.cards + EXCLUDED.cards;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO user_job_count AS c (user_id, status, cards)
        SELECT o.user_id, o.status, -count(*) FROM old_rows o
        WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = o.user_id)
        GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (user_id, status) DO UPDATE SET cards = c.cards + EXCLUDED.cards;
    ELSE
        INSERT INTO user_job_count AS c (user_id, status, cards)
        SELECT d.user_id, d.status, sum(d.k) FROM (
            SELECT user_id, status, 1 AS k FROM new_rows
            UNION ALL
            SELECT user_id, status, -1 FROM old_rows
        ) d
        WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = d.user_id)
        GROUP BY 1, 2 HAVING sum(d.k) <> 0 ORDER BY 1, 2
        ON CONFLICT (user_id, status) DO UPDATE SET cards = c.cards + EXCLUDED.cards;
    END IF;
    RETURN NULL;
END
$$
"""


_CLEAR = """
CREATE FUNCTION user_job_count_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM user_job_count;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    # No card may change between the backfill and the triggers taking over.
    op.execute("LOCK TABLE user_job IN SHARE ROW EXCLUSIVE MODE")
    op.create_table(
        "user_job_count",
        sa.Column("user_id", pg.UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", pg.ENUM(name="job_status", create_type=False), nullable=False),
        sa.Column("cards", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "status"),
    )
    op.execute(
        "INSERT INTO user_job_count (user_id, status, cards) "
        "SELECT user_id, status, count(*) FROM user_job GROUP BY 1, 2"
    )
    op.execute(_APPLY)
    op.execute(
        "CREATE TRIGGER user_job_count_insert AFTER INSERT ON user_job REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION user_job_count_apply()"
    )
    op.execute(
        "CREATE TRIGGER user_job_count_update AFTER UPDATE ON user_job "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION user_job_count_apply()"
    )
    op.execute(
        "CREATE TRIGGER user_job_count_delete AFTER DELETE ON user_job REFERENCING OLD TABLE AS old_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION user_job_count_apply()"
    )
    op.execute(_CLEAR)
    op.execute(
        "CREATE TRIGGER user_job_count_truncate AFTER TRUNCATE ON user_job "
        "FOR EACH STATEMENT EXECUTE FUNCTION user_job_count_clear()"
    )


def downgrade() -> None:
    for event in ("insert", "update", "delete", "truncate"):
        op.execute(f"DROP TRIGGER IF EXISTS user_job_count_{event} ON user_job")
    op.execute("DROP FUNCTION IF EXISTS user_job_count_apply()")
    op.execute("DROP FUNCTION IF EXISTS user_job_count_clear()")
    op.drop_table("user_job_count")
