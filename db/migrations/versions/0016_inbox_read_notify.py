"""Inbox rows marked read are announced on the `jobpool_changes` channel too, so every window's bell recounts at once.

Revision 0014 announces new inbox rows; a row marked read on another desktop (or by another window, or the CLI) left
this window's count as it was until its next look. A statement-level trigger on UPDATE of `notification` now sends
the same payload, `{"inbox": profile id}`, once per profile that had a row's read state change in the statement.
Marking rows told (`notified_at`, what every look does) changes no read state and is not announced, so a look that a
notification asks for never announces itself. Transition tables cannot go with a column list (`UPDATE OF read_at`):
the function compares the old and new rows instead.

Revision ID: 0016_inbox_read_notify
Revises: 0015_card_progress
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0016_inbox_read_notify"
down_revision = "0015_card_progress"
branch_labels = None
depends_on = None

_FUNCTION = """
CREATE FUNCTION jobpool_notify_inbox_read() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    profile uuid;
BEGIN
    FOR profile IN
        SELECT DISTINCT new_rows.user_id
        FROM new_rows JOIN old_rows ON old_rows.id = new_rows.id
        WHERE new_rows.read_at IS DISTINCT FROM old_rows.read_at
    LOOP
        PERFORM pg_notify('jobpool_changes', json_build_object('inbox', profile)::text);
    END LOOP;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.execute(_FUNCTION)
    op.execute(
        "CREATE TRIGGER jobpool_notify_inbox_read AFTER UPDATE ON notification "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION jobpool_notify_inbox_read()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS jobpool_notify_inbox_read ON notification")
    op.execute("DROP FUNCTION IF EXISTS jobpool_notify_inbox_read()")
