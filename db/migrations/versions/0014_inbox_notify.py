"""New inbox rows are announced on the `jobpool_changes` channel, so an open window's bell counts them at once.

A statement-level trigger on `notification` sends one NOTIFY per profile that got rows, with the payload
`{"inbox": profile id}`. The payload has no `profile` key, so a listener that predates it ignores it; a statement
that adds nothing (a look for events that finds none) sends nothing. Marking rows read or told is an update and is
not announced.

Revision ID: 0014_inbox_notify
Revises: 0013_resumes
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0014_inbox_notify"
down_revision = "0013_resumes"
branch_labels = None
depends_on = None

_FUNCTION = """
CREATE FUNCTION jobpool_notify_inbox() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    profile uuid;
BEGIN
    FOR profile IN SELECT DISTINCT user_id FROM new_rows LOOP
        PERFORM pg_notify('jobpool_changes', json_build_object('inbox', profile)::text);
    END LOOP;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.execute(_FUNCTION)
    op.execute(
        "CREATE TRIGGER jobpool_notify_inbox AFTER INSERT ON notification REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION jobpool_notify_inbox()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS jobpool_notify_inbox ON notification")
    op.execute("DROP FUNCTION IF EXISTS jobpool_notify_inbox()")
