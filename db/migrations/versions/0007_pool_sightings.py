"""Pool jobs keep their sightings (first and last seen, how often, when reposted) and how their data was read.

`job_pool_sighting` holds a row per pool job seen more than once, updated on every pool hit; a job without one
was seen once, when scraped. On `job_pool`, `posted_at_inferred` says the posting date was counted back from an
age ("10 days ago") rather than read, and `source_format` names the export shape the job was read from.

Revision ID: 0007_pool_sightings
Revises: 0006_card_details
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007_pool_sightings"
down_revision = "0006_card_details"
branch_labels = None
depends_on = None

_TIMESTAMP = postgresql.TIMESTAMP(timezone=True)


def upgrade() -> None:
    op.add_column(
        "job_pool", sa.Column("posted_at_inferred", sa.Boolean(), server_default=sa.text("false"), nullable=False)
    )
    op.add_column("job_pool", sa.Column("source_format", sa.Text(), nullable=True))
    op.execute("UPDATE job_pool SET source_format = metadata->>'schema' WHERE metadata ? 'schema'")
    op.create_table(
        "job_pool_sighting",
        sa.Column("job_pool_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("first_seen_at", _TIMESTAMP, server_default=sa.text("now()"), nullable=False),
        sa.Column("last_seen_at", _TIMESTAMP, server_default=sa.text("now()"), nullable=False),
        sa.Column("times_seen", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("reposted_at", _TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["job_pool_id"],
            ["job_pool.id"],
            name=op.f("fk_job_pool_sighting_job_pool_id_job_pool"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_pool_id", name=op.f("pk_job_pool_sighting")),
    )


def downgrade() -> None:
    op.drop_table("job_pool_sighting")
    op.drop_column("job_pool", "source_format")
    op.drop_column("job_pool", "posted_at_inferred")
