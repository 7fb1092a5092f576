"""Insights: a profile may be left out of the figures pooled across profiles (`users.exclude_from_pooled`).

Revision ID: 0010_stats
Revises: 0009_team_mode
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_stats"
down_revision = "0009_team_mode"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("exclude_from_pooled", sa.Boolean(), server_default=sa.text("false"), nullable=False)
    )


def downgrade() -> None:
    op.drop_column("users", "exclude_from_pooled")
