"""Ingestion runs can end `interrupted`: the process running them stopped (killed, crashed, its server died).

A run in progress is owned by a session advisory lock of the process running it; the next start marks a `running`
run whose lock nobody holds as interrupted, keeping the counts its committed chunks recorded.

Revision ID: 0004_run_interrupted
Revises: 0003_user_job_counts
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0004_run_interrupted"
down_revision = "0003_user_job_counts"
branch_labels = None
depends_on = None

_NAME = "ck_ingestion_run_status_known"


def upgrade() -> None:
    op.drop_constraint(_NAME, "ingestion_run", type_="check")
    op.create_check_constraint(
        _NAME, "ingestion_run", "status IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')"
    )


def downgrade() -> None:
    op.execute("UPDATE ingestion_run SET status = 'failed' WHERE status = 'interrupted'")
    op.drop_constraint(_NAME, "ingestion_run", type_="check")
    op.create_check_constraint(_NAME, "ingestion_run", "status IN ('running', 'succeeded', 'failed', 'cancelled')")
