"""Pool jobs keep their sightings (first and last seen, how often, when reposted) and how their data was read.

`posted_at_inferred` says the posting date was counted back from an age ("10 days ago") rather than read;
`source_format` names the export shape the job was read from. Existing rows were first seen when scraped.

Revision ID: 0007_pool_sightings
Revises: 0004_run_interrupted
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007_pool_sightings"
down_revision = "0004_run_interrupted"
branch_labels = None
depends_on = None

_TIMESTAMP = postgresql.TIMESTAMP(timezone=True)


def upgrade() -> None:
    op.add_column("job_pool", sa.Column("first_seen_at", _TIMESTAMP, server_default=sa.text("now()"), nullable=False))
    op.add_column("job_pool", sa.Column("last_seen_at", _TIMESTAMP, server_default=sa.text("now()"), nullable=False))
    op.add_column("job_pool", sa.Column("times_seen", sa.Integer(), server_default=sa.text("1"), nullable=False))
    op.add_column("job_pool", sa.Column("reposted_at", _TIMESTAMP, nullable=True))
    op.add_column(
        "job_pool", sa.Column("posted_at_inferred", sa.Boolean(), server_default=sa.text("false"), nullable=False)
    )
    op.add_column("job_pool", sa.Column("source_format", sa.Text(), nullable=True))
    op.execute(
        "UPDATE job_pool SET first_seen_at = scraped_at, "
        "last_seen_at = greatest(scraped_at, coalesce(last_verified_at, scraped_at)), "
        "source_format = metadata->>'schema'"
    )


def downgrade() -> None:
    for column in ("source_format", "posted_at_inferred", "reposted_at", "times_seen", "last_seen_at", "first_seen_at"):
        op.drop_column("job_pool", column)
