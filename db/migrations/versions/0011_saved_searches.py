"""Saved searches: a profile's Apify search on a schedule, a lease per search so two runners never run it twice,
and the ingestion log naming the saved search each run came from.

Revision ID: 0011_saved_searches
Revises: 0010_stats
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0011_saved_searches"
down_revision = "0010_stats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_search",
        sa.Column("id", pg.UUID(as_uuid=True), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("max_items", sa.Integer(), server_default=sa.text("100"), nullable=False),
        sa.Column("criteria_key", sa.Text(), nullable=False),
        sa.Column("every_hours", sa.Integer(), nullable=True),
        sa.Column("days_of_week", pg.ARRAY(sa.Integer()), nullable=True),
        sa.Column("at_time", sa.Time(), nullable=True),
        sa.Column("next_run_at", pg.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("last_run_at", pg.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("last_status", sa.String(16), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("failures_in_a_row", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("paused", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("pause_reason", sa.Text(), nullable=True),
        sa.Column("created_at", pg.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "(every_hours IS NOT NULL AND every_hours > 0) OR (days_of_week IS NOT NULL AND at_time IS NOT NULL)",
            name=op.f("ck_saved_search_schedule_given"),
        ),
        sa.CheckConstraint("max_items > 0", name=op.f("ck_saved_search_max_items_positive")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_saved_search_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_search")),
    )
    op.create_index(op.f("ix_saved_search_user_id"), "saved_search", ["user_id"])
    op.create_index(op.f("ix_saved_search_next_run_at"), "saved_search", ["next_run_at"])
    op.create_table(
        "saved_search_lease",
        sa.Column("search_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("holder", sa.Text(), nullable=False),
        sa.Column("expires_at", pg.TIMESTAMP(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["search_id"],
            ["saved_search.id"],
            name=op.f("fk_saved_search_lease_search_id_saved_search"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("search_id", name=op.f("pk_saved_search_lease")),
    )
    op.add_column("ingestion_run", sa.Column("saved_search_id", pg.UUID(as_uuid=True), nullable=True))
    op.create_foreign_key(
        op.f("fk_ingestion_run_saved_search_id_saved_search"),
        "ingestion_run",
        "saved_search",
        ["saved_search_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index(op.f("ix_ingestion_run_saved_search_id"), "ingestion_run", ["saved_search_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_ingestion_run_saved_search_id"), table_name="ingestion_run")
    op.drop_constraint(op.f("fk_ingestion_run_saved_search_id_saved_search"), "ingestion_run", type_="foreignkey")
    op.drop_column("ingestion_run", "saved_search_id")
    op.drop_table("saved_search_lease")
    op.drop_index(op.f("ix_saved_search_next_run_at"), table_name="saved_search")
    op.drop_index(op.f("ix_saved_search_user_id"), table_name="saved_search")
    op.drop_table("saved_search")
