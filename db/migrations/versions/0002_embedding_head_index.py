"""Nearest-neighbour index over the leading 512 embedding dimensions at half precision, m=12.

The HNSW index over the whole vector(1536) with m=16 cost 5-9 ms per new row: embedding new pool rows ran at
~120 rows/s at a 100,000-job pool on two cores (bench/bench_matching.py --compare-index). The local model fills only
the first 512 dimensions, so an index over `subvector(embedding, 1, 512)::halfvec(512)` loses nothing for it (larger
models get their candidates re-ranked on the full vector) and is a sixth of the size. m=12 shortens the neighbour
lists each insert rewrites; m=8 was faster still (~900 rows/s) but some of its graphs left a whole cluster of
similar postings unreachable (Discover recall 0 for one profile), as did ef_construction=32 and pgvector's parallel
build, so the index is built serially. Measured at 100,000 jobs: embedding + indexing 650-770 rows/s with two
writers (v1 index: 200-240), Discover SQL p95 ~8.5 ms, recall@20 ~1.0 (worst profile 0.9) at ef_search 200.
Queries must order by the same expression (app/matching/discover.py).

Revision ID: 0002_embedding_head_index
Revises: 0001_shared_pool
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0002_embedding_head_index"
down_revision = "0001_shared_pool"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_job_pool_embedding_hnsw", table_name="job_pool")
    # A parallel HNSW build over clustered postings left whole clusters unreachable; serial builds and the
    # inserts the app makes afterwards did not. Only databases that already hold jobs pay the slower build.
    op.execute("SET LOCAL max_parallel_maintenance_workers = 0")
    op.execute(
        "CREATE INDEX ix_job_pool_embedding_head_hnsw ON job_pool "
        "USING hnsw ((subvector(embedding, 1, 512)::halfvec(512)) halfvec_cosine_ops) "
        "WITH (m = 12, ef_construction = 64)"
    )


def downgrade() -> None:
    op.drop_index("ix_job_pool_embedding_head_hnsw", table_name="job_pool")
    op.create_index(
        "ix_job_pool_embedding_hnsw",
        "job_pool",
        ["embedding"],
        postgresql_using="hnsw",
        postgresql_with={"m": 16, "ef_construction": 64},
        postgresql_ops={"embedding": "vector_cosine_ops"},
    )
