"""Several résumés per profile: best-of scoring, removal, primary mirror, Discover, fan-out and the revision."""

from __future__ import annotations

import numpy as np
import pytest
from alembic import command
from sqlalchemy import select, text

from app.errors import InvalidInput, NotFound
from app.matching.resume_service import MAX_RESUMES
from db.models import Resume, User, UserJob
from db.schema import alembic_config, upgrade_connection
from tests.support.matching_samples import JOBS, NURSE_RESUME, PYTHON_RESUME


def _family(title: str) -> str:
    return next(job["family"] for job in JOBS if job["title"] == title)


def _scores(ctx, profile: str) -> dict[str, tuple[int | None, str | None]]:
    user = ctx.profiles.get(profile)
    return {card.title: (card.match_score, card.best_resume) for card in ctx.board.cards_for(user.id)}


@pytest.fixture
def references(ctx):
    """Nora (nursing résumé only) and Pete (Python résumé only) hold every sample posting, scored."""
    ctx.matching.recommendations.threshold = 1.0  # fan-out is tested on its own below
    for name, resume in (("Nora", NURSE_RESUME), ("Pete", PYTHON_RESUME)):
        ctx.profiles.add(name)
        ctx.matching.resumes.add_resume(name, resume, "Only")
        ctx.ingestion.run(name, [JOBS], source="test")
    return ctx


def test_a_card_is_scored_with_the_better_of_two_resumes(references):
    ctx = references
    ctx.profiles.add("Dana")
    ctx.matching.resumes.add_resume("Dana", NURSE_RESUME, "Care", "ICU nursing")
    ctx.ingestion.run("Dana", [JOBS], source="test")
    before = _scores(ctx, "Dana")
    assert {label for _, label in before.values()} == {"Care"}

    update = ctx.matching.resumes.add_resume("Dana", PYTHON_RESUME, "Backend", "Python services")
    assert update.links_rescored == len(JOBS) and update.label == "Backend"
    nora, pete, dana = _scores(ctx, "Nora"), _scores(ctx, "Pete"), _scores(ctx, "Dana")
    for title, (score, label) in dana.items():
        care, backend = nora[title][0], pete[title][0]
        assert score == max(care, backend), title
        assert label == ("Backend" if backend > care else "Care"), title
    assert {dana[t][1] for t in dana if _family(t) == "python"} == {"Backend"}
    assert {dana[t][1] for t in dana if _family(t) == "nursing"} == {"Care"}
    # The Python postings gained from the second résumé; the nursing ones kept their score.
    assert all(dana[t][0] > before[t][0] + 40 for t in dana if _family(t) == "python")
    assert all(dana[t] == before[t] for t in dana if _family(t) == "nursing")
    # The card records which résumé gave its score, and its gap analysis is that résumé's.
    dana_id = ctx.profiles.get("Dana").id
    with ctx.database.sessions() as session:
        ids = {
            row[0]: row[1] for row in session.execute(select(Resume.label, Resume.id).where(Resume.user_id == dana_id))
        }
        rows = session.execute(select(UserJob.best_resume_id, UserJob.gap_analysis).where(UserJob.user_id == dana_id))
        pairs = [(row[0], row[1]["resume"], row[1]["resume_id"]) for row in rows]
    assert len(pairs) == len(JOBS)
    assert all(best == ids[label] and str(best) == gap_id for best, label, gap_id in pairs)
    python_card = next(c for c in ctx.board.cards_for(ctx.profiles.get("Dana").id) if _family(c.title) == "python")
    pete_card = next(c for c in ctx.board.cards_for(ctx.profiles.get("Pete").id) if c.title == python_card.title)
    assert python_card.gap_analysis["missing"] == pete_card.gap_analysis["missing"]
    assert python_card.to_json()["best_resume"] == "Backend"


def test_removing_a_resume_rescores_with_the_others(references):
    ctx = references
    ctx.profiles.add("Dana")
    ctx.matching.resumes.add_resume("Dana", NURSE_RESUME, "Care")
    ctx.matching.resumes.add_resume("Dana", PYTHON_RESUME, "Backend")
    ctx.ingestion.run("Dana", [JOBS], source="test")
    assert {label for t, (_, label) in _scores(ctx, "Dana").items() if _family(t) == "python"} == {"Backend"}
    backend = next(entry for entry in ctx.matching.resumes.resumes("Dana") if entry.label == "Backend")

    assert ctx.matching.resumes.remove_resume("Dana", backend.id) == len(JOBS)
    nora, dana = _scores(ctx, "Nora"), _scores(ctx, "Dana")
    assert {title: (score, "Care") for title, (score, _) in nora.items()} == dana
    with ctx.database.sessions() as session:
        assert session.scalar(select(UserJob.id).where(UserJob.best_resume_id == backend.id)) is None

    care = ctx.matching.resumes.resumes("Dana")[0]
    assert ctx.matching.resumes.remove_resume("Dana", care.id) == len(JOBS)
    assert set(_scores(ctx, "Dana").values()) == {(None, None)}
    with pytest.raises(NotFound):
        ctx.matching.resumes.remove_resume("Dana", care.id)


def test_the_primary_resume_is_mirrored_on_the_profile(ctx):
    ctx.profiles.add("Dana")
    ctx.matching.resumes.add_resume("Dana", PYTHON_RESUME, "Backend")  # the first one is primary
    ctx.matching.resumes.add_resume("Dana", NURSE_RESUME, "Care")
    entries = ctx.matching.resumes.resumes("Dana")
    assert [(e.label, e.primary) for e in entries] == [("Backend", True), ("Care", False)]
    assert ctx.matching.resumes.resume("Dana").text == PYTHON_RESUME.strip()

    ctx.matching.resumes.set_primary("Dana", entries[1].id)
    assert ctx.matching.resumes.resume("Dana").text == NURSE_RESUME.strip()
    with ctx.database.sessions() as session:
        user_vector, care_vector = session.execute(
            select(User.resume_embedding, Resume.embedding)
            .join(Resume, Resume.user_id == User.id)
            .where(Resume.label == "Care")
        ).one()
    assert np.allclose(user_vector, care_vector)

    # set_resume replaces the primary résumé's text; the other one stays.
    ctx.matching.resumes.set_resume("Dana", NURSE_RESUME + "\nNight shifts.")
    assert [(e.label, e.primary) for e in ctx.matching.resumes.resumes("Dana")] == [("Care", True), ("Backend", False)]
    # Removing the primary one makes the remaining one primary; clearing removes all.
    ctx.matching.resumes.remove_resume("Dana", entries[1].id)
    assert ctx.matching.resumes.resume("Dana").text == PYTHON_RESUME.strip()
    ctx.matching.resumes.clear_resume("Dana")
    assert ctx.matching.resumes.resumes("Dana") == [] and ctx.matching.resumes.resume("Dana").text is None


def test_resume_labels_are_checked(ctx):
    ctx.profiles.add("Dana")
    for label in ("", "   ", "x" * 61):
        with pytest.raises(InvalidInput):
            ctx.matching.resumes.add_resume("Dana", PYTHON_RESUME, label)
    ctx.matching.resumes.add_resume("Dana", PYTHON_RESUME, "  Back   end ")
    ctx.matching.resumes.add_resume("Dana", NURSE_RESUME, "BACK END")  # the same label, another case: replaced
    assert [(e.label, e.text) for e in ctx.matching.resumes.resumes("Dana")] == [("BACK END", NURSE_RESUME.strip())]
    with pytest.raises(InvalidInput, match="focus area"):
        ctx.matching.resumes.add_resume("Dana", PYTHON_RESUME, "Data", "x" * 201)
    for n in range(MAX_RESUMES - 1):
        ctx.matching.resumes.add_resume("Dana", f"Resume number {n}", f"R{n}")
    with pytest.raises(InvalidInput, match="already has 20 resumes"):
        ctx.matching.resumes.add_resume("Dana", PYTHON_RESUME, "One too many")
    ctx.matching.resumes.add_resume("Dana", PYTHON_RESUME, "R0")  # replacing one is still fine
    first = ctx.matching.resumes.resumes("Dana")[0]
    with pytest.raises(InvalidInput, match="already has a resume labelled"):
        ctx.matching.resumes.add_resume("Dana", PYTHON_RESUME, "R1", resume_id=first.id)


def test_card_gaps_for_each_resume_best_first(references):
    ctx = references
    ctx.profiles.add("Dana")
    ctx.matching.resumes.add_resume("Dana", NURSE_RESUME, "Care")
    ctx.matching.resumes.add_resume("Dana", PYTHON_RESUME, "Backend")
    ctx.ingestion.run("Dana", [JOBS], source="test")
    card = next(c for c in ctx.board.cards_for(ctx.profiles.get("Dana").id) if _family(c.title) == "python")
    gaps = ctx.matching.resumes.card_gaps(card.user_job_id)
    assert [g.label for g in gaps] == ["Backend", "Care"]
    assert gaps[0].score == card.match_score and gaps[0].missing == card.gap_analysis["missing"]
    nora_card = next(c for c in ctx.board.cards_for(ctx.profiles.get("Nora").id) if c.title == card.title)
    assert (gaps[1].score, gaps[1].missing) == (nora_card.match_score, nora_card.gap_analysis["missing"])


def test_discover_uses_the_best_resume(references):
    ctx = references
    ctx.profiles.add("Dana")
    ctx.matching.resumes.add_resume("Dana", NURSE_RESUME, "Care")
    ctx.matching.resumes.add_resume("Dana", PYTHON_RESUME, "Backend")
    for name in ("Nora", "Pete"):  # empty their boards so Discover lists every posting for them too
        ctx.profiles.remove(name)
        ctx.profiles.add(name)
    ctx.matching.resumes.add_resume("Nora", NURSE_RESUME, "Only")
    ctx.matching.resumes.add_resume("Pete", PYTHON_RESUME, "Only")
    limit = len(JOBS)
    nora = {i.title: i.match_score for i in ctx.matching.discovery.discover("Nora", limit=limit)}
    pete = {i.title: i.match_score for i in ctx.matching.discovery.discover("Pete", limit=limit)}
    items = ctx.matching.discovery.discover("Dana", limit=limit)
    assert {i.title for i in items} == {job["title"] for job in JOBS}
    for item in items:
        assert item.match_score == max(nora[item.title], pete[item.title]), item.title
        assert item.best_resume == ("Backend" if pete[item.title] > nora[item.title] else "Care")
        assert item.to_json()["best_resume"] == item.best_resume
    assert [i.match_score for i in items] == sorted((i.match_score for i in items), reverse=True)
    # The Python postings rank with the Python résumé: with the primary (nursing) one alone they would score low.
    python = [i for i in items if _family(i.title) == "python"]
    assert {i.best_resume for i in python} == {"Backend"}
    assert all(i.match_score > nora[i.title] + 40 for i in python)
    # Added from Discover, the card keeps that score and résumé.
    assert ctx.matching.discovery.add_from_discover("Dana", [python[0].job_pool_id]) == 1
    card = ctx.board.cards_for(ctx.profiles.get("Dana").id)[0]
    assert (card.match_score, card.best_resume) == (python[0].match_score, "Backend")


def test_fan_out_uses_the_best_resume(ctx):
    ctx.profiles.add("Scout")
    ctx.profiles.add("Dana")
    ctx.matching.resumes.add_resume("Dana", NURSE_RESUME, "Care")  # primary
    ctx.matching.resumes.add_resume("Dana", PYTHON_RESUME, "Backend")
    python_jobs = [job for job in JOBS if job["family"] == "python"]
    ctx.ingestion.run("Scout", [python_jobs], source="test")
    # The nursing résumé alone is too far from these postings; the Python one brings them to Dana's board.
    dana = _scores(ctx, "Dana")
    assert set(dana) == {job["title"] for job in python_jobs}
    assert {label for _, label in dana.values()} == {"Backend"}
    assert min(score for score, _ in dana.values()) >= 75


def test_revision_makes_the_single_resume_the_primary_one(ctx):
    ctx.matching.recommendations.threshold = 1.0
    ctx.profiles.add("Dana")
    ctx.profiles.add("Scout")
    ctx.matching.resumes.set_resume("Dana", PYTHON_RESUME)
    ctx.ingestion.run("Dana", [JOBS], source="test")
    ctx.matching.resumes.add_resume("Dana", NURSE_RESUME, "Care")  # a second one goes down with the table
    engine = ctx.database.engine
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0009_team_mode")
    with engine.begin() as connection:
        assert "resume" not in {row[0] for row in connection.execute(text("SELECT tablename FROM pg_tables"))}
        # What a database of the single-résumé design holds: one résumé on the profile, scored cards.
        connection.execute(text("UPDATE users SET resume_text = 'Python developer, Django' WHERE name = 'Dana'"))
        stored = connection.execute(text("SELECT resume_embedding::text FROM users WHERE name = 'Dana'")).scalar()
    with engine.begin() as connection:
        upgrade_connection(connection)
    engine.dispose()
    entries = ctx.matching.resumes.resumes("Dana")
    assert [(e.label, e.primary, e.text, e.embedded) for e in entries] == [
        ("Main", True, "Python developer, Django", True)
    ]
    assert ctx.matching.resumes.resumes("Scout") == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT embedding::text FROM resume")).scalar() == stored
        unlinked = connection.execute(
            text("SELECT count(*) FROM user_job WHERE match_score IS NOT NULL AND best_resume_id IS DISTINCT FROM :id"),
            {"id": entries[0].id},
        ).scalar()
    assert unlinked == 0
    assert {card.best_resume for card in ctx.board.cards_for(ctx.profiles.get("Dana").id)} == {"Main"}
