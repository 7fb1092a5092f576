"""Several résumés per profile: a `resume` table (label, focus area, text, embedding, one primary per profile) and
`user_job.best_resume_id`, the résumé that gave a card its score.

Each profile's single résumé (users.resume_text / resume_embedding) becomes its primary résumé, labelled "Main";
the users' columns stay, mirroring the primary résumé, so their readers keep working. Cards already scored were
scored against that résumé, so it becomes their best one (its label goes into their gap analysis).

Revision ID: 0013_resumes
Revises: 0012_notifications
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector

revision = "0013_resumes"
down_revision = "0012_notifications"
branch_labels = None
depends_on = None

MIGRATED_LABEL = "Main"


def upgrade() -> None:
    op.create_table(
        "resume",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("focus", sa.Text(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("embedding", Vector(1536), nullable=True),
        sa.Column("is_primary", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.TIMESTAMP(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_resume_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_resume"),
        sa.UniqueConstraint("user_id", "label", name="uq_resume_user_id_label"),
    )
    op.create_index("uq_resume_one_primary", "resume", ["user_id"], unique=True, postgresql_where=sa.text("is_primary"))
    op.add_column("user_job", sa.Column("best_resume_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        "fk_user_job_best_resume_id_resume", "user_job", "resume", ["best_resume_id"], ["id"], ondelete="SET NULL"
    )
    op.execute(
        sa.text(
            "INSERT INTO resume (user_id, label, content, embedding, is_primary, created_at, updated_at) "
            "SELECT id, :label, resume_text, resume_embedding, true, updated_at, updated_at FROM users "
            "WHERE resume_text IS NOT NULL AND resume_text <> ''"
        ).bindparams(label=MIGRATED_LABEL)
    )
    op.execute(
        "UPDATE user_job l SET best_resume_id = r.id, "
        "gap_analysis = l.gap_analysis || jsonb_build_object('resume', r.label, 'resume_id', r.id::text) "
        "FROM resume r WHERE r.user_id = l.user_id AND r.is_primary AND l.match_score IS NOT NULL "
        "AND jsonb_typeof(l.gap_analysis) = 'object'"
    )


def downgrade() -> None:
    # The users' columns already mirror the primary résumé; the other résumés go with the table.
    op.execute(
        "UPDATE users u SET resume_text = r.content, resume_embedding = r.embedding FROM resume r "
        "WHERE r.user_id = u.id AND r.is_primary"
    )
    op.drop_constraint("fk_user_job_best_resume_id_resume", "user_job", type_="foreignkey")
    op.drop_column("user_job", "best_resume_id")
    op.drop_index("uq_resume_one_primary", table_name="resume")
    op.drop_table("resume")
