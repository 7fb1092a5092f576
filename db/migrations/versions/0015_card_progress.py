"""What the Stats view reads per card and per event, kept by triggers: card_progress, and status_event's left_at,
previous_arrival_at and previous_added_at.

Every figure of the Stats view came from the status history at each opening: the first arrival of each card in
Applied, Interviewing and Offer (an aggregate over all the profile's events) and the length of each stay (a window
over them, sorted by card and time), and the cards active in each week (distinct cards per week and kind: an
aggregate over every (week, card) pair). At 10,000 cards with 20,000 events these were most of the view's 80 ms
statement (bench/bench_stats.py).

- card_progress holds, for each card that reached Applied (or a later stage: Applied < Interviewing < Offer), its
  first arrival in each stage; cards that never applied have no row. A move back and forth keeps the first arrival.
- status_event.left_at is when the card left the column the event put it in: the time of the card's next event
  (ordered by time, then id); NULL while the card is still there.
- status_event.previous_arrival_at is when the card last entered the same column before this event, and
  previous_added_at (events with no from_status only) the time of the card's previous such event; NULL for the
  first. An event is then the card's first of its kind in a week, within a date range, when the previous one is
  NULL or before the later of the week's Monday and the range's start: the weekly figures count such events, no
  (week, card) aggregate.

Statement-level AFTER triggers on status_event keep them in the same transaction as the events:
- an INSERT merges the new events' first arrivals into card_progress (an earlier arrival can only lower them),
  rows locked in key order, and sets the kept columns of the affected cards' events (windows over those cards
  only);
- an UPDATE that changes a card, a time or a column, and every DELETE (a card's events go with it), recompute
  them for the cards concerned from their remaining events; an UPDATE of the kept columns alone (the triggers'
  own) is left alone, so the triggers do not call themselves;
- TRUNCATE empties card_progress.
The revision backfills them from the existing history.

Revision ID: 0015_card_progress
Revises: 0014_inbox_notify
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_card_progress"
down_revision = "0014_inbox_notify"
branch_labels = None
depends_on = None

# The first arrivals of the events of `{events}` (a table with status_event's columns), one row per card that
# reached Applied or later.
_ARRIVALS = """
SELECT user_job_id,
       min(at) FILTER (WHERE to_status IN ('applied', 'interviewing', 'offer')),
       min(at) FILTER (WHERE to_status IN ('interviewing', 'offer')),
       min(at) FILTER (WHERE to_status = 'offer')
FROM {events}
WHERE to_status IN ('applied', 'interviewing', 'offer') {where}
GROUP BY user_job_id ORDER BY user_job_id
"""

# left_at, previous_arrival_at and previous_added_at of every event of the cards in `{cards}` (a query of
# user_job_id), set where they changed.
_LEFT_AT = """
UPDATE status_event e
SET left_at = s.next_at, previous_arrival_at = s.arrival_at, previous_added_at = s.added_at
FROM (
    SELECT id, left_at, previous_arrival_at, previous_added_at,
           lead(at) OVER (PARTITION BY user_job_id ORDER BY at, id) AS next_at,
           lag(at) OVER (PARTITION BY user_job_id, to_status ORDER BY at, id) AS arrival_at,
           CASE WHEN from_status IS NULL
                THEN lag(at) OVER (PARTITION BY user_job_id, from_status IS NULL ORDER BY at, id) END AS added_at
    FROM status_event WHERE user_job_id IN ({cards})
) s
WHERE e.id = s.id
  AND (s.left_at, s.previous_arrival_at, s.previous_added_at) IS DISTINCT FROM (s.next_at, s.arrival_at, s.added_at)
"""

_CARDS_CHANGED = "SELECT user_job_id FROM old_rows UNION SELECT user_job_id FROM new_rows"
_CARDS_DELETED = "SELECT user_job_id FROM old_rows"


def _planned_each_time(statement: str) -> str:
    """A statement of a trigger function run through EXECUTE, so it is planned for the transition table at hand
    each time: a plan kept from an ingestion of thousands of cards (a hash join over the whole history) made a later
    move of one card read every event (300 moves of single cards: p95 3.5 ms with kept plans, 1.7 ms planned each
    time, 1.3 ms without these triggers)."""
    return f"EXECUTE $sql${statement}$sql$;"


def _recompute(cards: str) -> str:
    """card_progress and the kept columns of the cards in `cards`, from their events as they are now."""
    upsert = (
        "INSERT INTO card_progress AS p (user_job_id, applied_at, interviewing_at, offer_at)"
        + _ARRIVALS.format(events="status_event", where=f"AND user_job_id IN ({cards})")
        + "ON CONFLICT (user_job_id) DO UPDATE SET applied_at = EXCLUDED.applied_at, "
        "interviewing_at = EXCLUDED.interviewing_at, offer_at = EXCLUDED.offer_at"
    )
    gone = (
        f"DELETE FROM card_progress p WHERE p.user_job_id IN ({cards}) AND NOT EXISTS ("
        "SELECT 1 FROM status_event e "
        "WHERE e.user_job_id = p.user_job_id AND e.to_status IN ('applied', 'interviewing', 'offer'))"
    )
    return "\n".join(_planned_each_time(sql) for sql in (upsert, gone, _LEFT_AT.format(cards=cards)))


_INSERT = f"""
CREATE FUNCTION card_progress_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO card_progress AS p (user_job_id, applied_at, interviewing_at, offer_at)
    {_ARRIVALS.format(events="new_rows", where="")}
    ON CONFLICT (user_job_id) DO UPDATE SET
        applied_at = least(p.applied_at, EXCLUDED.applied_at),
        interviewing_at = least(p.interviewing_at, EXCLUDED.interviewing_at),
        offer_at = least(p.offer_at, EXCLUDED.offer_at);
    {_planned_each_time(_LEFT_AT.format(cards="SELECT user_job_id FROM new_rows"))}
    RETURN NULL;
END
$$
"""

_RECOMPUTE = f"""
CREATE FUNCTION card_progress_recompute() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NOT EXISTS (
            SELECT 1 FROM old_rows o FULL JOIN new_rows n ON n.id = o.id
            WHERE (o.user_job_id, o.at, o.from_status, o.to_status)
                IS DISTINCT FROM (n.user_job_id, n.at, n.from_status, n.to_status)
        ) THEN
            RETURN NULL;
        END IF;
        {_recompute(_CARDS_CHANGED)}
    ELSE
        {_recompute(_CARDS_DELETED)}
    END IF;
    RETURN NULL;
END
$$
"""

_CLEAR = """
CREATE FUNCTION card_progress_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM card_progress;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    # No event may be written between the backfill and the triggers taking over.
    op.execute("LOCK TABLE status_event IN SHARE ROW EXCLUSIVE MODE")
    op.create_table(
        "card_progress",
        sa.Column("user_job_id", sa.Uuid(), nullable=False),
        sa.Column("applied_at", sa.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("interviewing_at", sa.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("offer_at", sa.TIMESTAMP(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_job_id"], ["user_job.id"], name="fk_card_progress_user_job_id_user_job", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_job_id", name="pk_card_progress"),
    )
    for column in ("left_at", "previous_arrival_at", "previous_added_at"):
        op.add_column("status_event", sa.Column(column, sa.TIMESTAMP(timezone=True), nullable=True))
    op.execute(
        "INSERT INTO card_progress (user_job_id, applied_at, interviewing_at, offer_at) "
        + _ARRIVALS.format(events="status_event", where="")
    )
    op.execute(_LEFT_AT.format(cards="SELECT id FROM user_job"))
    op.execute(_INSERT)
    op.execute(
        "CREATE TRIGGER card_progress_insert AFTER INSERT ON status_event REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION card_progress_insert()"
    )
    op.execute(_RECOMPUTE)
    op.execute(
        "CREATE TRIGGER card_progress_update AFTER UPDATE ON status_event "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION card_progress_recompute()"
    )
    op.execute(
        "CREATE TRIGGER card_progress_delete AFTER DELETE ON status_event REFERENCING OLD TABLE AS old_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION card_progress_recompute()"
    )
    op.execute(_CLEAR)
    op.execute(
        "CREATE TRIGGER card_progress_truncate AFTER TRUNCATE ON status_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION card_progress_clear()"
    )


def downgrade() -> None:
    for event in ("insert", "update", "delete", "truncate"):
        op.execute(f"DROP TRIGGER IF EXISTS card_progress_{event} ON status_event")
    for function in ("card_progress_insert", "card_progress_recompute", "card_progress_clear"):
        op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    for column in ("left_at", "previous_arrival_at", "previous_added_at"):
        op.drop_column("status_event", column)
    op.drop_table("card_progress")
