"""Matching against a real PostgreSQL: scores, skill gaps, resume changes, fan-out, model changes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sqlalchemy import select, text

from app.errors import InvalidInput, NotFound
from app.matching.embedding import HashingEmbedder
from db.models import PoolJob, User, UserJob
from tests.support.matching_samples import DATA_RESUME, JOBS, NURSE_RESUME, PYTHON_RESUME


def _ingest(ctx, profile: str, jobs: list[dict]):
    return ctx.ingestion.run(profile, [jobs], source="test")


def _cards_by_title(ctx, profile: str) -> dict[str, object]:
    user = ctx.profiles.get(profile)
    return {card.title: card for card in ctx.board.cards_for(user.id)}


def _family(title: str) -> str:
    return next(job["family"] for job in JOBS if job["title"] == title)


def test_python_resume_ranks_python_backend_jobs_above_nursing(ctx):
    ctx.profiles.add("Dana")
    ctx.matching.resumes.set_resume("Dana", PYTHON_RESUME)
    _ingest(ctx, "Dana", JOBS)

    cards = _cards_by_title(ctx, "Dana")
    assert len(cards) == len(JOBS)
    assert all(card.match_score is not None for card in cards.values())
    python = [c.match_score for t, c in cards.items() if _family(t) == "python"]
    nursing = [c.match_score for t, c in cards.items() if _family(t) == "nursing"]
    assert min(python) > max(nursing) + 40
    assert min(python) >= 75 and max(nursing) <= 25

    # The Recommended column sorted by score starts with the Python backend postings.
    user = ctx.profiles.get("Dana")
    page = ctx.board.column_page(user.id, "recommended", order="score")
    assert {_family(card.title) for card in page.cards[:3]} == {"python"}


def test_gap_analysis_lists_have_and_missing_skills(ctx):
    ctx.profiles.add("Dana")
    ctx.matching.resumes.set_resume("Dana", PYTHON_RESUME)
    _ingest(ctx, "Dana", JOBS)
    gap = _cards_by_title(ctx, "Dana")["Senior Python Backend Engineer"].gap_analysis
    assert gap["model"] == HashingEmbedder.model
    assert {"Python", "Django", "PostgreSQL", "Kubernetes", "Redis"} <= set(gap["have"])
    assert set(gap["have"]) | set(gap["missing"]) == set(gap["skills"])
    assert not set(gap["have"]) & set(gap["missing"])
    nurse_gap = _cards_by_title(ctx, "Dana")["Registered Nurse - ICU"].gap_analysis
    assert {"Registered Nurse", "Advanced Cardiac Life Support"} <= set(nurse_gap["missing"])


def test_pool_jobs_get_skills_in_the_embedding_pass(ctx):
    ctx.profiles.add("Dana")
    _ingest(ctx, "Dana", JOBS)
    with ctx.database.sessions() as session:
        rows = dict(session.execute(select(PoolJob.title, PoolJob.skills)).all())
        models = set(session.scalars(select(PoolJob.embedding_model)))
    assert models == {HashingEmbedder.model}
    assert {"Kubernetes", "PostgreSQL", "Amazon Web Services"} <= set(rows["Python Developer (FastAPI)"])
    assert "Epic" in rows["Registered Nurse - ICU"]


def test_resume_change_rescores_links(ctx):
    ctx.profiles.add("Alex")
    ctx.matching.resumes.set_resume("Alex", PYTHON_RESUME)
    _ingest(ctx, "Alex", JOBS)
    before = {t: c.match_score for t, c in _cards_by_title(ctx, "Alex").items()}

    update = ctx.matching.resumes.set_resume("Alex", NURSE_RESUME)
    assert update.links_rescored == len(JOBS)
    assert "Registered Nurse" in update.skills
    after = {t: c.match_score for t, c in _cards_by_title(ctx, "Alex").items()}
    assert after["Registered Nurse - ICU"] > before["Registered Nurse - ICU"] + 40
    assert after["Senior Python Backend Engineer"] < before["Senior Python Backend Engineer"] - 40
    assert max(after, key=after.get) in {"Registered Nurse - ICU", "Medical-Surgical Nurse"}
    assert ctx.matching.resumes.resume("Alex").text.startswith("Maria Santos")


def test_links_stay_unscored_without_resume_and_clear_resume_drops_scores(ctx):
    ctx.profiles.add("Kim")
    _ingest(ctx, "Kim", JOBS[:3])
    assert all(c.match_score is None for c in _cards_by_title(ctx, "Kim").values())
    ctx.matching.resumes.set_resume("Kim", DATA_RESUME)
    assert all(c.match_score is not None for c in _cards_by_title(ctx, "Kim").values())
    assert ctx.matching.resumes.clear_resume("Kim") == 3
    assert all(c.match_score is None and c.gap_analysis is None for c in _cards_by_title(ctx, "Kim").values())
    assert ctx.matching.resumes.resume("Kim").text is None


def test_set_resume_rejects_empty_text_and_unknown_profile(ctx):
    ctx.profiles.add("Kim")
    with pytest.raises(InvalidInput, match="empty"):
        ctx.matching.resumes.set_resume("Kim", "  \n\t ")
    with pytest.raises(NotFound):
        ctx.matching.resumes.set_resume("Nobody", PYTHON_RESUME)


def _link_state(ctx, profile: str) -> dict[str, tuple]:
    with ctx.database.sessions() as session:
        rows = session.execute(
            select(
                PoolJob.title,
                UserJob.status,
                UserJob.position,
                UserJob.match_score,
                UserJob.updated_at,
                UserJob.seen_at,
            )
            .join(PoolJob, PoolJob.id == UserJob.job_pool_id)
            .join(User, User.id == UserJob.user_id)
            .where(User.name == profile)
        ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def test_fan_out_recommends_new_jobs_only_to_profiles_they_fit(ctx):
    for name, resume in (("Dana", PYTHON_RESUME), ("Maria", NURSE_RESUME), ("Sam", DATA_RESUME)):
        ctx.profiles.add(name)
        ctx.matching.resumes.set_resume(name, resume)
    ctx.profiles.add("NoResume")

    _ingest(ctx, "Maria", JOBS)  # Maria's search brings in every posting

    dana = _link_state(ctx, "Dana")
    assert {_family(t) for t in dana} == {"python"}
    assert len(dana) == 3
    assert all(state[0] == "recommended" and state[2] >= 60 and state[4] is None for state in dana.values())
    sam = _link_state(ctx, "Sam")
    assert {_family(t) for t in sam} == {"data"}
    assert _link_state(ctx, "NoResume") == {}
    assert len(_link_state(ctx, "Maria")) == len(JOBS)  # the ingesting profile gets every card once

    news = {n.profile_name: n.count for n in ctx.matching.recommendations.new_recommendations()}
    assert news["Dana"] == 3 and news["NoResume"] == 0
    ctx.cards.mark_seen(ctx.profiles.get("Dana").id)
    assert {n.profile_name: n.count for n in ctx.matching.recommendations.new_recommendations()}["Dana"] == 0


def test_fan_out_never_duplicates_or_touches_rejected_and_archived_links(ctx):
    for name, resume in (("Dana", PYTHON_RESUME), ("Maria", NURSE_RESUME)):
        ctx.profiles.add(name)
        ctx.matching.resumes.set_resume(name, resume)
    python_jobs = [job for job in JOBS if job["family"] == "python"]
    _ingest(ctx, "Dana", python_jobs)
    dana_id = ctx.profiles.get("Dana").id
    cards = {c.title: c for c in ctx.board.cards_for(dana_id)}
    ctx.cards.move([cards["Senior Python Backend Engineer"].user_job_id], "rejected")
    ctx.cards.move([cards["Python Developer (FastAPI)"].user_job_id], "archived")
    before = _link_state(ctx, "Dana")

    # Maria ingests the same postings again plus nursing ones; then a fan-out is forced over every pool job.
    _ingest(ctx, "Maria", JOBS)
    with ctx.database.sessions() as session:
        all_ids = list(session.scalars(select(PoolJob.id)))
    report = ctx.matching.recommendations.fan_out(ctx.profiles.get("Maria").id, all_ids, threshold=0.0)
    assert "Dana" in report.links_created  # nursing jobs at threshold 0: new links, but only for unlinked jobs

    after = _link_state(ctx, "Dana")
    for title in before:
        assert after[title] == before[title]  # rejected, archived and recommended links untouched
    assert after["Senior Python Backend Engineer"][0] == "rejected"
    assert after["Python Developer (FastAPI)"][0] == "archived"
    with ctx.database.sessions() as session:
        duplicates = session.execute(
            text("SELECT count(*) FROM (SELECT user_id, job_pool_id FROM user_job GROUP BY 1, 2 HAVING count(*) > 1) d")
        ).scalar_one()
    assert duplicates == 0
    assert ctx.matching.recommendations.fan_out(ctx.profiles.get("Maria").id, all_ids, threshold=0.0).total == 0


def test_fan_out_threshold_is_a_setting(ctx):
    for name, resume in (("Dana", PYTHON_RESUME), ("Maria", NURSE_RESUME)):
        ctx.profiles.add(name)
        ctx.matching.resumes.set_resume(name, resume)
    ctx.matching.recommendations.threshold = 0.99
    _ingest(ctx, "Maria", JOBS)
    assert _link_state(ctx, "Dana") == {}
    with pytest.raises(InvalidInput):
        ctx.matching.recommendations.fan_out(None, [], threshold=1.5)


class _OtherModel(HashingEmbedder):
    model = "test-hashing-256"

    def __init__(self) -> None:
        super().__init__(dim=256)


def test_model_change_reembeds_pool_resumes_and_scores(ctx):
    ctx.profiles.add("Dana")
    ctx.matching.resumes.set_resume("Dana", PYTHON_RESUME)
    _ingest(ctx, "Dana", JOBS)
    with ctx.database.sessions() as session:
        old_resume = session.scalar(select(User.resume_embedding))

    ctx.embedding.embedder = _OtherModel()
    assert ctx.matching.refresh.stale_jobs() == len(JOBS)
    progress: list[tuple[int, int]] = []
    ctx.embedding.batch_size = 5
    report = ctx.matching.refresh.refresh_model(on_progress=lambda done, total: progress.append((done, total)))

    assert report.model == "test-hashing-256"
    assert (report.jobs_embedded, report.resumes_embedded, report.links_rescored) == (len(JOBS), 1, len(JOBS))
    assert progress[-1] == (len(JOBS), len(JOBS)) and len(progress) == 3
    assert ctx.matching.refresh.stale_jobs() == 0
    with ctx.database.sessions() as session:
        assert set(session.scalars(select(PoolJob.embedding_model))) == {"test-hashing-256"}
        new_resume = session.scalar(select(User.resume_embedding))
        gap_models = set(session.scalars(text("SELECT DISTINCT gap_analysis ->> 'model' FROM user_job")))
    assert gap_models == {"test-hashing-256"}
    old_resume, new_resume = np.asarray(old_resume), np.asarray(new_resume)
    assert old_resume[256:512].any() and not new_resume[256:].any()  # 512 dimensions before, 256 now
    cards = _cards_by_title(ctx, "Dana")
    assert cards["Senior Python Backend Engineer"].match_score > cards["Registered Nurse - ICU"].match_score


def test_refresh_model_can_be_cancelled_between_batches(ctx):
    ctx.profiles.add("Dana")
    _ingest(ctx, "Dana", JOBS)
    ctx.embedding.embedder = _OtherModel()
    ctx.embedding.batch_size = 4
    calls = itertools.count()  # next() is atomic: batches ask from two writer threads

    def cancel_after_first_batch() -> bool:
        return next(calls) > 0

    report = ctx.matching.refresh.refresh_model(should_cancel=cancel_after_first_batch)
    assert report.cancelled and report.jobs_embedded == 4
    assert ctx.matching.refresh.stale_jobs() == len(JOBS) - 4


class _UnreachableEmbedder(HashingEmbedder):
    """The local model's name, but every call fails the way an HTTP embedder that went away does."""

    def embed(self, texts):
        from app.errors import JobPoolError

        raise JobPoolError("The embeddings server did not answer.")


def test_jobs_embedded_late_are_still_recommended_to_the_profiles_they_fit(ctx):
    for name, resume in (("Dana", PYTHON_RESUME), ("Maria", NURSE_RESUME)):
        ctx.profiles.add(name)
        ctx.matching.resumes.set_resume(name, resume)
    working = ctx.embedding.embedder
    ctx.embedding.embedder = _UnreachableEmbedder()
    report = _ingest(ctx, "Maria", JOBS)  # the cards land; embedding and fan-out cannot happen yet
    assert report.links_created == len(JOBS) and _link_state(ctx, "Dana") == {}
    ctx.embedding.embedder = working
    refreshed = ctx.matching.refresh.refresh_model()
    assert refreshed.jobs_embedded == len(JOBS)
    assert {_family(t) for t in _link_state(ctx, "Dana")} == {"python"}
    ctx.matching.refresh.refresh_model()  # nothing new: no second offer, nothing changes
    assert len(_link_state(ctx, "Dana")) == 3
