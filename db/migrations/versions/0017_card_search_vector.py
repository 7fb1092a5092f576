"""Each card carries its pool job's full-text vector, indexed: a board search reads only the profile's own cards.

A search line on the board filtered `job_pool.search_vector`: per card, a probe of the pool row and its stored vector,
or one scan of the pool's GIN index for every matching posting. With a pool of 1,000,000 postings, larger than
shared_buffers, "data engin" over 10,000 or 50,000 cards took 2-3 s at p95 (bench/bench.py --pool 1000000).

`user_job.search_vector` is a copy of `job_pool.search_vector` for the card's pool job, with a GIN index of its own:
a search intersects it with the profile's cards (the user_id index) and reads no pool row but the ones it shows.
Triggers keep the copy equal to the pool job's vector, for every writer:
- a row BEFORE INSERT on user_job sets it from the pool job (whatever the INSERT gave); a row BEFORE UPDATE sets it
  again when the card moves to another pool job (a merge) or when the UPDATE sets the copy itself;
- a row AFTER UPDATE OF title, company, description on job_pool (enrichment on a hit, a merge filling the kept job)
  sets it on every card of that job when the pool's vector changed. It runs as its owner (SECURITY DEFINER): in team
  mode a member who fills a posting's description updates the cards of other members' profiles, which row-level
  security would hide from them.
The revision fills the copy for the existing cards.

Revision ID: 0017_card_search_vector
Revises: 0016_inbox_read_notify
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0017_card_search_vector"
down_revision = "0016_inbox_read_notify"
branch_labels = None
depends_on = None

_FROM_POOL = """
CREATE FUNCTION jobpool_card_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := (SELECT p.search_vector FROM job_pool p WHERE p.id = NEW.job_pool_id);
    RETURN NEW;
END $$
"""

_TO_CARDS = """
CREATE FUNCTION jobpool_pool_search_vector() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE user_job SET search_vector = NEW.search_vector
    WHERE job_pool_id = NEW.id AND search_vector IS DISTINCT FROM NEW.search_vector;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.add_column("user_job", sa.Column("search_vector", pg.TSVECTOR(), nullable=True))
    op.execute("UPDATE user_job u SET search_vector = p.search_vector FROM job_pool p WHERE p.id = u.job_pool_id")
    op.create_index("ix_user_job_search_vector", "user_job", ["search_vector"], postgresql_using="gin")
    op.execute(_FROM_POOL)
    op.execute(
        "CREATE TRIGGER jobpool_card_search_vector_insert BEFORE INSERT ON user_job "
        "FOR EACH ROW EXECUTE FUNCTION jobpool_card_search_vector()"
    )
    op.execute(
        "CREATE TRIGGER jobpool_card_search_vector_update BEFORE UPDATE OF job_pool_id, search_vector ON user_job "
        "FOR EACH ROW WHEN (OLD.job_pool_id IS DISTINCT FROM NEW.job_pool_id "
        "OR OLD.search_vector IS DISTINCT FROM NEW.search_vector) "
        "EXECUTE FUNCTION jobpool_card_search_vector()"
    )
    op.execute(_TO_CARDS)
    op.execute(
        "CREATE TRIGGER jobpool_pool_search_vector AFTER UPDATE OF title, company, description ON job_pool "
        "FOR EACH ROW WHEN (OLD.search_vector IS DISTINCT FROM NEW.search_vector) "
        "EXECUTE FUNCTION jobpool_pool_search_vector()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS jobpool_pool_search_vector ON job_pool")
    op.execute("DROP FUNCTION IF EXISTS jobpool_pool_search_vector()")
    op.execute("DROP TRIGGER IF EXISTS jobpool_card_search_vector_update ON user_job")
    op.execute("DROP TRIGGER IF EXISTS jobpool_card_search_vector_insert ON user_job")
    op.execute("DROP FUNCTION IF EXISTS jobpool_card_search_vector()")
    op.drop_index("ix_user_job_search_vector", table_name="user_job")
    op.drop_column("user_job", "search_vector")
