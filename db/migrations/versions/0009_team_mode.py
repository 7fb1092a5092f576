"""Team mode: profiles have an owner (a database role), pool rows name their contributor, and every change to
cards is announced on the `jobpool_changes` channel (LISTEN/NOTIFY) so other desktops update within a second.

Row-level security itself is not part of the schema: `server init` applies it from the catalog (app/team.py), so
a single-user database (the embedded server) keeps its plain tables and tables added later are covered too.

The notification is sent by a statement-level trigger with transition tables: one NOTIFY per profile touched by a
statement, its payload the profile id and at most NOTIFY_CARD_LIMIT card ids (ids only; an ingestion of thousands
of cards sends `"cards": null`, meaning "reload the board"), far below PostgreSQL's 8,000-byte payload limit.

Revision ID: 0009_team_mode
Revises: 0008_v3_hash
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_team_mode"
down_revision = "0008_v3_hash"
branch_labels = None
depends_on = None

NOTIFY_CARD_LIMIT = 50

# One function per event: a trigger function may name only the transition tables its trigger declares.
_NOTIFY_FUNCTIONS = {
    "insert": ("REFERENCING NEW TABLE AS new_rows", "new_rows"),
    "update": (
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "new_rows UNION SELECT user_id, id FROM old_rows",
    ),
    "delete": ("REFERENCING OLD TABLE AS old_rows", "old_rows"),
}


def _function(event: str, source: str) -> str:
    return f"""
CREATE FUNCTION jobpool_notify_cards_{event}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched record;
BEGIN
    FOR touched IN
        SELECT user_id, count(*) AS n, (array_agg(id ORDER BY id))[1:{NOTIFY_CARD_LIMIT}] AS ids
        FROM (SELECT user_id, id FROM {source}) AS rows_ GROUP BY user_id
    LOOP
        PERFORM pg_notify(
            'jobpool_changes',
            json_build_object(
                'profile', touched.user_id,
                'cards', CASE WHEN touched.n <= {NOTIFY_CARD_LIMIT} THEN to_json(touched.ids) END
            )::text
        );
    END LOOP;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.add_column("users", sa.Column("owner", sa.Text(), server_default=sa.text("CURRENT_USER"), nullable=False))
    op.create_index("ix_users_owner", "users", ["owner"])
    op.add_column(
        "job_pool", sa.Column("contributed_by", sa.Text(), server_default=sa.text("CURRENT_USER"), nullable=False)
    )
    op.create_table(
        "profile_coach",
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column("coach", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("profile_id", "coach", name="pk_profile_coach"),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["users.id"], name="fk_profile_coach_profile_id_users", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_profile_coach_coach", "profile_coach", ["coach"])
    for event, (referencing, source) in _NOTIFY_FUNCTIONS.items():
        op.execute(_function(event, source))
        op.execute(
            f"CREATE TRIGGER jobpool_notify_cards_{event} AFTER {event.upper()} ON user_job {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION jobpool_notify_cards_{event}()"
        )


def downgrade() -> None:
    for event in _NOTIFY_FUNCTIONS:
        op.execute(f"DROP TRIGGER IF EXISTS jobpool_notify_cards_{event} ON user_job")
        op.execute(f"DROP FUNCTION IF EXISTS jobpool_notify_cards_{event}()")
    op.drop_table("profile_coach")
    op.drop_column("job_pool", "contributed_by")
    op.drop_index("ix_users_owner", table_name="users")
    op.drop_column("users", "owner")
