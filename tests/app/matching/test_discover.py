"""Discover over a real PostgreSQL: nearest unlinked pool jobs through the HNSW index, and adding them."""

from __future__ import annotations

import itertools
import json
import random
import uuid

import pytest
from sqlalchemy import select, text

from app.errors import InvalidInput, NotFound
from app.matching import discover as discover_sql
from bench.matching_corpus import make_job
from db.models import User, UserJob
from tests.support.matching_samples import JOBS, NURSE_RESUME, PYTHON_RESUME


@pytest.fixture
def pool(ctx):
    """Scout ingested every sample posting; Dana (Python resume) has none of them yet."""
    ctx.profiles.add("Scout")
    ctx.profiles.add("Dana")
    ctx.matching.recommendations.threshold = 1.0  # keep Dana's board empty: this file tests Discover, not fan-out
    ctx.ingestion.run("Scout", [JOBS], source="test")
    ctx.matching.resumes.set_resume("Dana", PYTHON_RESUME)
    return ctx


def _titles(items) -> list[str]:
    return [item.title for item in items]


def test_discover_lists_nearest_jobs_first(pool):
    items = pool.matching.discovery.discover("Dana", limit=len(JOBS))
    assert len(items) == len(JOBS)
    similarities = [item.similarity for item in items]
    assert similarities == sorted(similarities, reverse=True)  # here the scores follow the similarities
    assert {title for title in _titles(items)[:3]} == {j["title"] for j in JOBS if j["family"] == "python"}
    top = items[0]
    assert top.match_score >= 80 and "Python" in top.have and top.skills
    assert all("Registered Nurse" not in item.have for item in items)
    assert set(top.to_json()) >= {"job_pool_id", "title", "company", "similarity", "match_score", "missing"}


def test_discover_order_follows_the_scores_it_shows(pool):
    """A near job whose skills the resume lacks scores below a less near one: it is listed below it."""
    before = pool.matching.discovery.discover("Dana", limit=len(JOBS))
    near = before[1]
    with pool.database.engine.begin() as conn:
        conn.execute(
            text("UPDATE job_pool SET skills = CAST(:skills AS jsonb) WHERE id = :id"),
            {"skills": json.dumps(["COBOL", "Fortran", "Mainframe"]), "id": near.job_pool_id},
        )
    items = pool.matching.discovery.discover("Dana", limit=len(JOBS))
    scores = [item.match_score for item in items]
    assert scores == sorted(scores, reverse=True)
    assert [item.similarity for item in items] != sorted((item.similarity for item in items), reverse=True), (
        "the case needs a nearer job with a lower score"
    )
    assert [i.job_pool_id for i in items].index(near.job_pool_id) > 1
    tied = [(a, b) for a, b in itertools.pairwise(items) if a.match_score == b.match_score]
    assert all(a.similarity >= b.similarity for a, b in tied), "equal scores: nearest first"


def test_discover_excludes_every_linked_job_whatever_its_column(pool):
    first = pool.matching.discovery.discover("Dana", limit=3)
    assert pool.matching.discovery.add_from_discover("Dana", [first[0].job_pool_id, first[1].job_pool_id]) == 2
    dana = pool.profiles.get("Dana").id
    card = next(c for c in pool.board.cards_for(dana) if c.job_pool_id == first[0].job_pool_id)
    pool.cards.move([card.user_job_id], "rejected")

    after = pool.matching.discovery.discover("Dana", limit=len(JOBS))
    assert len(after) == len(JOBS) - 2
    assert first[0].job_pool_id not in {i.job_pool_id for i in after}
    assert first[1].job_pool_id not in {i.job_pool_id for i in after}
    assert after[0].job_pool_id == first[2].job_pool_id


def test_add_from_discover_links_scored_seen_cards_once(pool):
    items = pool.matching.discovery.discover("Dana", limit=2)
    ids = [item.job_pool_id for item in items]
    assert pool.matching.discovery.add_from_discover("Dana", ids) == 2
    assert pool.matching.discovery.add_from_discover("Dana", ids) == 0
    with pool.database.sessions() as session:
        rows = session.execute(
            select(UserJob.job_pool_id, UserJob.status, UserJob.match_score, UserJob.seen_at, UserJob.gap_analysis)
            .join(User, User.id == UserJob.user_id)
            .where(User.name == "Dana")
        ).all()
    assert {row[0] for row in rows} == set(ids)
    by_id = {item.job_pool_id: item for item in items}
    for pool_id, status, score, seen_at, gap in rows:
        assert status == "recommended" and seen_at is not None
        assert score == by_id[pool_id].match_score and gap["missing"] == by_id[pool_id].missing
    with pytest.raises(NotFound):
        pool.matching.discovery.add_from_discover("Dana", [uuid.uuid4()])


def test_discover_needs_a_resume_and_a_sane_limit(pool):
    with pytest.raises(InvalidInput, match="no resume"):
        pool.matching.discovery.discover("Scout")
    with pytest.raises(InvalidInput):
        pool.matching.discovery.discover("Dana", limit=0)


def test_discover_query_walks_the_hnsw_index_and_filters_links_in_a_hashed_subplan(pool):
    with pool.database.sessions() as session:
        session.execute(text("SET LOCAL enable_seqscan = off"))  # a 12-row table would be scanned otherwise
        user = session.execute(select(User.id, User.resume_embedding).where(User.name == "Dana")).one()
        plan = discover_sql.explain_nearest_unlinked(session, user[0], user[1], pool.matching.scorer.model, 20)
    assert "Index Scan using ix_job_pool_embedding_head_hnsw on job_pool" in plan
    assert "hashed SubPlan" in plan
    assert "Anti Join" not in plan


def test_iterative_scan_fills_the_list_when_the_nearest_jobs_are_all_linked(ctx):
    rng = random.Random(3)
    jobs = [make_job(rng, "nursing" if i % 2 else "python") for i in range(400)]
    items = [
        {"title": j.title, "companyName": j.company, "location": j.location, "description": j.description} for j in jobs
    ]
    ctx.profiles.add("Scout")
    ctx.profiles.add("Maria")
    ctx.matching.recommendations.threshold = 1.0
    ctx.ingestion.run("Scout", [items], source="test")
    ctx.matching.resumes.set_resume("Maria", NURSE_RESUME)
    nearest = ctx.matching.discovery.discover("Maria", limit=200)
    ctx.matching.discovery.add_from_discover("Maria", [item.job_pool_id for item in nearest])
    nearest += ctx.matching.discovery.discover("Maria", limit=50)
    ctx.matching.discovery.add_from_discover("Maria", [item.job_pool_id for item in nearest[200:]])

    with ctx.database.sessions() as session:
        session.execute(text("SET LOCAL enable_seqscan = off"))
        user = session.execute(select(User.id, User.resume_embedding).where(User.name == "Maria")).one()
        # 250 linked jobs are nearer than anything left: more than one index pass yields (ef_search 200).
        rows = discover_sql.nearest_unlinked(session, user[0], user[1], ctx.matching.scorer.model, 20, iterative=True)
    assert len(rows) == 20
    linked = {item.job_pool_id for item in nearest}
    assert not linked & {row.id for row in rows}
    assert min(item.similarity for item in nearest) >= max(row.similarity for row in rows) - 0.05
