"""Card details: tags and priority on cards, interviews and contacts per card.

Tags are a text array on the card (what the card face paints comes with the card's row, no extra query);
interviews and contacts are rows of their own, removed with their card.

Revision ID: 0006_card_details
Revises: 0005_status_history
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0006_card_details"
down_revision = "0005_status_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "user_job", sa.Column("tags", pg.ARRAY(sa.Text()), server_default=sa.text("'{}'::text[]"), nullable=False)
    )
    op.add_column("user_job", sa.Column("priority", sa.Text(), nullable=True))
    op.create_check_constraint("ck_user_job_priority_known", "user_job", "priority IN ('low', 'medium', 'high')")
    op.create_table(
        "interview",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_job_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("with_whom", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("kind IN ('phone', 'video', 'onsite', 'take-home')", name="ck_interview_kind_known"),
        sa.ForeignKeyConstraint(
            ["user_job_id"], ["user_job.id"], name="fk_interview_user_job_id_user_job", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_interview"),
    )
    op.create_index("ix_interview_user_job_id", "interview", ["user_job_id"])
    op.create_index("ix_interview_at", "interview", ["at"])
    op.create_table(
        "contact",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_job_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_job_id"], ["user_job.id"], name="fk_contact_user_job_id_user_job", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_contact"),
    )
    op.create_index("ix_contact_user_job_id", "contact", ["user_job_id"])


def downgrade() -> None:
    op.drop_table("contact")
    op.drop_table("interview")
    op.drop_constraint("ck_user_job_priority_known", "user_job", type_="check")
    op.drop_column("user_job", "priority")
    op.drop_column("user_job", "tags")
