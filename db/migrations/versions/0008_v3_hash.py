"""The v3 pool hash over canonical locations; merges pool jobs that turn out to be one posting.

"Paris, A8, FR" (Indeed) and "Paris, Île-de-France, France" (LinkedIn) are one place under v3 (app.locations), so
the same posting scraped from two boards is one pool job. The upgrade re-hashes every pool job (Python, cached per
distinct company/title/location, batches of 10,000), then merges the rows that now share a hash with set-based SQL
(app.dedup.merge: each profile keeps one card with the most advanced status, every note, the earliest added date).
Each merged row is recorded in job_pool_merge and the counts are logged. Running it again changes nothing.
Also adds job_pool_not_duplicate, a profile's "Not a duplicate" answers about two similar pool jobs.

Downgrade drops the two tables and puts back v2 hashes; merged pool jobs stay merged (their cards were combined).

Revision ID: 0008_v3_hash
Revises: 0007_pool_sightings
Create Date: 2026-11-30
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from app.dedup.rehash import rehash_pool
from app.hashing import norm, norm_company
from app.migration.legacy import copy_rows

revision = "0008_v3_hash"
down_revision = "0007_pool_sightings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_pool_merge",
        sa.Column("dropped_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("dropped_hash", sa.Text(), nullable=False),
        sa.Column("kept_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("cards_merged", sa.Integer(), server_default="0", nullable=False),
        sa.Column("merged_at", pg.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["kept_id"], ["job_pool.id"], name="fk_job_pool_merge_kept_id_job_pool", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("dropped_id", name="pk_job_pool_merge"),
    )
    op.create_index("ix_job_pool_merge_kept_id", "job_pool_merge", ["kept_id"])
    op.create_index("ix_job_pool_merge_dropped_hash", "job_pool_merge", ["dropped_hash"])
    op.create_table(
        "job_pool_not_duplicate",
        sa.Column("user_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("job_pool_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("other_job_pool_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("decided_at", pg.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("job_pool_id < other_job_pool_id", name="ck_job_pool_not_duplicate_pair_ordered"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_job_pool_not_duplicate_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["job_pool_id"], ["job_pool.id"], name="fk_job_pool_not_duplicate_job_pool_id_job_pool", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["other_job_pool_id"],
            ["job_pool.id"],
            name="fk_job_pool_not_duplicate_other_job_pool_id_job_pool",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "job_pool_id", "other_job_pool_id", name="pk_job_pool_not_duplicate"),
    )
    op.create_index("ix_job_pool_not_duplicate_other_job_pool_id", "job_pool_not_duplicate", ["other_job_pool_id"])
    rehash_pool(op.get_bind())


# The v2 rule, frozen here: downgrading must give back exactly the hashes the v2 code computes.
_PUNCTUATION = re.compile(r"[^\w\s]|_", re.UNICODE)
_WHITESPACE = re.compile(r"\s+", re.UNICODE)


def _v2_norm(value: str | None) -> str:
    if not value:
        return ""
    text = unicodedata.normalize("NFKC", html.unescape(str(value))).casefold()
    return _WHITESPACE.sub(" ", _PUNCTUATION.sub(" ", text)).strip()


def _v2_hash(company: str | None, title: str | None, location: str | None) -> str:
    key = f"v2|{norm_company(company)}|{norm(title)}|{_v2_norm(location)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def downgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, company, title, location FROM job_pool")).all()
    bind.exec_driver_sql("CREATE TEMP TABLE pool_v2 (id uuid PRIMARY KEY, hash text NOT NULL) ON COMMIT DROP")
    copy_rows(bind, "pool_v2", ("id", "hash"), ((r.id, _v2_hash(r.company, r.title, r.location)) for r in rows))
    # Two jobs v3 tells apart may share a v2 hash: the later keeps its v3 hash (the unique key must hold).
    bind.exec_driver_sql(
        "UPDATE job_pool p SET hash = v.hash FROM (SELECT v.id, v.hash, row_number() OVER "
        "(PARTITION BY v.hash ORDER BY p.scraped_at, p.id) AS n FROM pool_v2 v JOIN job_pool p ON p.id = v.id) v "
        "WHERE p.id = v.id AND v.n = 1"
    )
    op.drop_index("ix_job_pool_not_duplicate_other_job_pool_id", table_name="job_pool_not_duplicate")
    op.drop_table("job_pool_not_duplicate")
    op.drop_index("ix_job_pool_merge_dropped_hash", table_name="job_pool_merge")
    op.drop_index("ix_job_pool_merge_kept_id", table_name="job_pool_merge")
    op.drop_table("job_pool_merge")
