"""Schema v2: profiles, the shared job pool, per-profile links, the ingestion log.

Revision ID: 0001_shared_pool
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector
from sqlalchemy.dialects import postgresql as pg

revision = "0001_shared_pool"
down_revision = None
branch_labels = None
depends_on = None

EMBEDDING_COMMENT = (
    "Embedding of the job's title, company, location and description (in that order, plain text), "
    "zero-padded to 1536 dimensions; the model is named in embedding_model."
)
# Stored, so a search checks each row's vector instead of re-parsing its description (0.7 s -> ms at 50k cards).
SEARCH_VECTOR_EXPRESSION = (
    "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(company, '') || ' ' "
    "|| left(coalesce(description, ''), 100000))"
)
STATUSES = ("recommended", "applied", "interviewing", "offer", "rejected", "archived")


def _now() -> sa.TextClause:
    return sa.text("now()")


def _uuid_pk() -> sa.Column:
    return sa.Column("id", pg.UUID(as_uuid=True), server_default=sa.text("gen_random_uuid()"), nullable=False)


def _create_users() -> None:
    bind = op.get_bind()
    if sa.inspect(bind).has_table("users"):
        _widen_legacy_users()
        return
    op.create_table(
        "users",
        _uuid_pk(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("resume_text", sa.Text(), nullable=True),
        sa.Column("resume_embedding", Vector(1536), nullable=True),
        sa.Column("created_at", pg.TIMESTAMP(timezone=True), server_default=_now(), nullable=False),
        sa.Column("updated_at", pg.TIMESTAMP(timezone=True), server_default=_now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )


def _widen_legacy_users() -> None:
    """A v1 database keeps its users table (and every id); it gains the v2 columns and unique, tidy names.

    users_legacy keeps the v1 rows, column shape and unique constraints (plus the name each user got) so that
    downgrade() can give back exactly what was there. Names: whitespace tidied; an empty name falls back to the
    e-mail, then to "Profile <id>"; case-insensitive duplicates after the oldest user get " (<id>)" appended. The
    migration's preview predicts the same names (app/migration/preview.py, PROFILE_NAMES_SQL). v1's unique e-mail
    goes: v2 profiles may share an address.
    """
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    op.execute("CREATE TABLE users_legacy (LIKE users INCLUDING DEFAULTS INCLUDING INDEXES)")
    op.execute("INSERT INTO users_legacy SELECT * FROM users")
    op.execute("ALTER TABLE users_legacy ADD COLUMN v2_name text")
    for (name,) in bind.execute(
        sa.text(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype = 'u' ORDER BY conname"
        )
    ).all():
        op.drop_constraint(name, "users", type_="unique")
    op.add_column("users", sa.Column("resume_text", sa.Text(), nullable=True))
    op.add_column("users", sa.Column("resume_embedding", Vector(1536), nullable=True))
    op.add_column("users", sa.Column("updated_at", pg.TIMESTAMP(timezone=True), server_default=_now(), nullable=False))
    op.execute(
        "UPDATE users SET name = t.clean FROM ("
        "  SELECT id, coalesce(nullif(btrim(regexp_replace(name, '[ \\t\\n\\r\\f\\v]+', ' ', 'g')), ''),"
        "                      nullif(btrim(regexp_replace(email, '[ \\t\\n\\r\\f\\v]+', ' ', 'g')), ''),"
        "                      'Profile ' || left(id::text, 8)) AS clean FROM users) t "
        "WHERE t.id = users.id AND users.name IS DISTINCT FROM t.clean"
    )
    op.execute(
        "UPDATE users u SET name = u.name || ' (' || left(u.id::text, 8) || ')' FROM ("
        "  SELECT id, row_number() OVER (PARTITION BY lower(name) ORDER BY created_at NULLS LAST, id) AS n"
        "  FROM users) d WHERE d.id = u.id AND d.n > 1"
    )
    op.execute("UPDATE users_legacy l SET v2_name = u.name FROM users u WHERE u.id = l.id")
    # A missing creation time becomes the user's first job's (so migrating the same data twice gives one result).
    first_job = "(SELECT min(j.created_at) FROM job j WHERE j.user_id = users.id)"
    if not inspector.has_table("job"):
        first_job = "NULL"
    op.execute(f"UPDATE users SET created_at = coalesce({first_job}, now()) WHERE created_at IS NULL")
    op.alter_column("users", "name", nullable=False)
    op.alter_column("users", "created_at", server_default=_now(), nullable=False)
    op.create_unique_constraint("uq_users_name", "users", ["name"])


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    job_status = pg.ENUM(*STATUSES, name="job_status", create_type=False)
    job_status.create(op.get_bind(), checkfirst=True)
    _create_users()

    op.create_table(
        "job_pool",
        _uuid_pk(),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("apply_url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("company", sa.Text(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("salary_min", sa.Numeric(), nullable=True),
        sa.Column("salary_max", sa.Numeric(), nullable=True),
        sa.Column("salary_currency", sa.Text(), nullable=True),
        sa.Column("salary_period", sa.Text(), nullable=True),
        sa.Column("job_type", sa.Text(), nullable=True),
        sa.Column("is_remote", sa.Boolean(), nullable=True),
        sa.Column("posted_at", pg.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("skills", pg.JSONB(), nullable=True),
        sa.Column("metadata", pg.JSONB(), nullable=True),
        sa.Column("criteria_tags", pg.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False),
        sa.Column("embedding", Vector(1536), nullable=True, comment=EMBEDDING_COMMENT),
        sa.Column("embedding_model", sa.Text(), nullable=True),
        sa.Column("scraped_at", pg.TIMESTAMP(timezone=True), server_default=_now(), nullable=False),
        sa.Column("last_verified_at", pg.TIMESTAMP(timezone=True), nullable=True),
        sa.Column("search_vector", pg.TSVECTOR(), sa.Computed(SEARCH_VECTOR_EXPRESSION, persisted=True)),
        sa.PrimaryKeyConstraint("id", name="pk_job_pool"),
        sa.UniqueConstraint("hash", name="uq_job_pool_hash"),
    )
    op.create_index("ix_job_pool_scraped_at", "job_pool", ["scraped_at"])
    op.create_index(
        "ix_job_pool_embedding_hnsw",
        "job_pool",
        ["embedding"],
        postgresql_using="hnsw",
        postgresql_with={"m": 16, "ef_construction": 64},
        postgresql_ops={"embedding": "vector_cosine_ops"},
    )
    op.create_index("ix_job_pool_fulltext", "job_pool", ["search_vector"], postgresql_using="gin")

    op.create_table(
        "user_job",
        _uuid_pk(),
        sa.Column("user_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("job_pool_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("status", job_status, server_default="recommended", nullable=False),
        sa.Column("match_score", sa.Integer(), nullable=True),
        sa.Column("gap_analysis", pg.JSONB(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("position", sa.Double(), nullable=True),
        sa.Column("added_at", pg.TIMESTAMP(timezone=True), server_default=_now(), nullable=False),
        sa.Column("updated_at", pg.TIMESTAMP(timezone=True), server_default=_now(), nullable=False),
        sa.Column("status_changed_at", pg.TIMESTAMP(timezone=True), server_default=_now(), nullable=False),
        sa.Column("tailored_resume_id", pg.UUID(as_uuid=True), nullable=True),
        sa.Column("legacy_job_id", pg.UUID(as_uuid=True), nullable=True),
        sa.Column("legacy_status", sa.Text(), nullable=True),
        sa.Column("seen_at", pg.TIMESTAMP(timezone=True), nullable=True),
        sa.CheckConstraint("match_score BETWEEN 0 AND 100", name="ck_user_job_match_score_range"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_user_job_user_id_users", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["job_pool_id"], ["job_pool.id"], name="fk_user_job_job_pool_id_job_pool", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_user_job"),
        sa.UniqueConstraint("user_id", "job_pool_id", name="uq_user_job_user_id_job_pool_id"),
        sa.UniqueConstraint("legacy_job_id", name="uq_user_job_legacy_job_id"),
    )
    op.create_index("ix_user_job_user_id", "user_job", ["user_id"])
    op.create_index("ix_user_job_status", "user_job", ["status"])
    op.create_index("ix_user_job_user_id_status_position", "user_job", ["user_id", "status", "position"])
    op.create_index("ix_user_job_job_pool_id", "user_job", ["job_pool_id"])

    op.create_table(
        "ingestion_run",
        _uuid_pk(),
        sa.Column("user_id", pg.UUID(as_uuid=True), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("criteria", pg.JSONB(), nullable=True),
        sa.Column("criteria_key", sa.Text(), nullable=True),
        sa.Column("apify_run_id", sa.Text(), nullable=True),
        sa.Column("dataset_id", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="running", nullable=False),
        sa.Column("fetched", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rejected", sa.Integer(), server_default="0", nullable=False),
        sa.Column("pool_inserts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("pool_hits", sa.Integer(), server_default="0", nullable=False),
        sa.Column("links_created", sa.Integer(), server_default="0", nullable=False),
        sa.Column("links_existing", sa.Integer(), server_default="0", nullable=False),
        sa.Column("served_from_run_id", pg.UUID(as_uuid=True), nullable=True),
        sa.Column("rejections", pg.JSONB(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", pg.TIMESTAMP(timezone=True), server_default=_now(), nullable=False),
        sa.Column("finished_at", pg.TIMESTAMP(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('running', 'succeeded', 'failed', 'cancelled')", name="ck_ingestion_run_status_known"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_ingestion_run_user_id_users", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_ingestion_run"),
    )
    op.create_index("ix_ingestion_run_criteria_key_finished_at", "ingestion_run", ["criteria_key", "finished_at"])
    op.create_index("ix_ingestion_run_started_at", "ingestion_run", ["started_at"])

    op.create_table(
        "ingestion_run_job",
        sa.Column("run_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("job_pool_id", pg.UUID(as_uuid=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingestion_run.id"], name="fk_ingestion_run_job_run_id_ingestion_run", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["job_pool_id"], ["job_pool.id"], name="fk_ingestion_run_job_job_pool_id_job_pool", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_id", "job_pool_id", name="pk_ingestion_run_job"),
    )
    op.create_index("ix_ingestion_run_job_job_pool_id", "ingestion_run_job", ["job_pool_id"])


def downgrade() -> None:
    op.drop_table("ingestion_run_job")
    op.drop_table("ingestion_run")
    op.drop_table("user_job")
    op.drop_table("job_pool")
    bind = op.get_bind()
    if sa.inspect(bind).has_table("job_legacy") or sa.inspect(bind).has_table("job"):
        # A migrated v1 database: give the users table back its v1 shape, keeping every row.
        op.drop_constraint("uq_users_name", "users", type_="unique")
        if sa.inspect(bind).has_table("users_legacy"):
            # The v1 column shape and the v1 values the widening changed (a name renamed since stays).
            shape = bind.execute(
                sa.text(
                    "SELECT column_name, is_nullable, column_default FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = 'users_legacy' "
                    "AND column_name IN ('name', 'created_at')"
                )
            ).all()
            for column, nullable, default in shape:
                not_null = "DROP NOT NULL" if nullable == "YES" else "SET NOT NULL"
                column_default = f"SET DEFAULT {default}" if default is not None else "DROP DEFAULT"
                op.execute(f'ALTER TABLE users ALTER COLUMN "{column}" {not_null}')
                op.execute(f'ALTER TABLE users ALTER COLUMN "{column}" {column_default}')
            op.execute(
                "UPDATE users u SET name = l.name FROM users_legacy l "
                "WHERE l.id = u.id AND u.name = l.v2_name AND l.name IS DISTINCT FROM l.v2_name"
            )
            op.execute(
                "UPDATE users u SET created_at = NULL FROM users_legacy l WHERE l.id = u.id AND l.created_at IS NULL"
            )
            # v1's unique constraints (LIKE named the copies users_legacy_*; the originals were users_*).
            for name, definition in bind.execute(
                sa.text(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = 'users_legacy'::regclass AND contype = 'u' ORDER BY conname"
                )
            ).all():
                original = name.replace("users_legacy", "users", 1)
                op.execute(f'ALTER TABLE users ADD CONSTRAINT "{original}" {definition}')
            op.drop_table("users_legacy")
        else:
            op.alter_column("users", "name", nullable=True)
        op.drop_column("users", "updated_at")
        op.drop_column("users", "resume_embedding")
        op.drop_column("users", "resume_text")
    else:
        op.drop_table("users")
    sa.Enum(name="job_status").drop(bind, checkfirst=True)
