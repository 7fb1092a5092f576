"""Possible duplicates: found by title spelling or by posting vectors, dismissed for good, or merged."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from app.context import AppContext
from app.dedup.possible import REASON_TITLE, REASON_VECTOR, title_key
from app.errors import InvalidInput, NotFound
from app.locations import canonical_location
from app.records import JobStatus

DIM = 1536


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Sr. Data Engineer", "Senior Data Engineer"),
        ("Data Engineer (m/w/d)", "Data Engineer"),
        ("Data Engineer (w/m/d)", "Data engineer – m/f/d"),
        ("Ingénieur Data H/F", "Ingénieur data (F/H)"),
        ("Software Eng II", "Software Engineer 2"),
        ("Product Mgr (all genders)", "Product Manager"),
    ],
)
def test_title_spellings_meet(a: str, b: str) -> None:
    assert title_key(a) == title_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Senior Data Engineer", "Data Engineer"), ("Data Engineer", "Data Analyst"), ("Head of Data", "Data")],
)
def test_other_titles_stay_apart(a: str, b: str) -> None:
    assert title_key(a) != title_key(b)


def _items(*rows: tuple[str, str, str]) -> list[dict]:
    return [
        {"id": f"{i}", "title": title, "companyName": company, "location": location, "descriptionText": "x" * 40}
        for i, (title, company, location) in enumerate(rows)
    ]


def _board(ctx: AppContext, items: list[dict]) -> dict[str, uuid.UUID]:
    ctx.profiles.add("alex")
    ctx.ingestion.run("alex", [items], source="file", embed=False)
    with ctx.database.sessions() as session:
        rows = session.execute(text("SELECT title, company, id FROM job_pool")).all()
    return {f"{title} at {company}": job_id for title, company, job_id in rows}


def test_title_spelling_in_one_metro_is_a_possible_duplicate(ctx: AppContext) -> None:
    _board(
        ctx,
        _items(
            ("Sr. Data Engineer (m/w/d)", "Acme GmbH", "Berlin"),
            ("Senior Data Engineer", "Acme", "Berlin, Germany"),
            ("Senior Data Engineer ", "Acme", "Munich, Germany"),  # another metro
            ("Senior Data Engineer  ", "Globex", "Berlin"),  # another company
        ),
    )
    found = ctx.duplicates.possible_duplicates("alex")
    titles = [(d.title, d.duplicate_of_title, d.reason) for d in found if d.reason == REASON_TITLE]
    assert len(titles) == 1
    assert {titles[0][0], titles[0][1]} == {"Sr. Data Engineer (m/w/d)", "Senior Data Engineer"}
    pair = found[0]
    seen_from_other = ctx.duplicates.for_job("alex", pair.duplicate_of)
    assert [(d.job_pool_id, d.duplicate_of) for d in seen_from_other] == [(pair.duplicate_of, pair.job_pool_id)]
    with ctx.database.sessions() as session:  # the pool holds all four postings: nothing was merged by itself
        assert session.execute(text("SELECT count(*) FROM job_pool")).scalar_one() == 4


def test_one_jobs_duplicates_are_those_of_the_whole_board_that_involve_it(ctx: AppContext) -> None:
    """The detail pane compares one job with its own company's cards only: it finds what the whole board finds."""
    jobs = _board(
        ctx,
        _items(
            ("Sr. Data Engineer (m/w/d)", "Acme GmbH", "Berlin"),
            ("Senior Data Engineer", "Acme", "Berlin, Germany"),
            ("Data Engineer (w/m/d)", "Acme", "Berlin"),
            ("Sr. QA Analyst", "Initech", "Austin, TX"),
            ("Senior QA Analyst", "Initech", "Austin"),
            ("Senior QA Analyst ", "Globex", "Austin"),
            ("Nowhere Else", "Umbrella", "Paris"),
        ),
    )
    board = ctx.duplicates.possible_duplicates("alex")
    assert len(board) == 2
    for job_id in jobs.values():
        involving = [d for d in board if job_id in (d.job_pool_id, d.duplicate_of)]
        found = ctx.duplicates.for_job("alex", job_id)
        assert [(d.job_pool_id, d.duplicate_of, d.reason) for d in found] == [
            (job_id, d.duplicate_of if d.job_pool_id == job_id else d.job_pool_id, d.reason) for d in involving
        ]
    assert ctx.duplicates.for_job("alex", uuid.uuid4()) == []


def test_not_a_duplicate_is_remembered(ctx: AppContext) -> None:
    _board(ctx, _items(("Sr. QA Analyst", "Initech", "Austin, TX"), ("Senior QA Analyst", "Initech", "Austin")))
    [pair] = ctx.duplicates.possible_duplicates("alex")
    ctx.duplicates.not_duplicate("alex", pair.job_pool_id, pair.duplicate_of)
    ctx.duplicates.not_duplicate("alex", pair.duplicate_of, pair.job_pool_id)  # the same answer, either way round
    assert ctx.duplicates.possible_duplicates("alex") == []
    ctx.profiles.add("sam")  # another profile's board is not affected by alex's answer
    with ctx.database.sessions.begin() as session:
        session.execute(
            text(
                "INSERT INTO user_job (user_id, job_pool_id) SELECT u.id, p.id FROM users u, job_pool p "
                "WHERE u.name = 'sam'"
            )
        )
    assert len(ctx.duplicates.possible_duplicates("sam")) == 1
    with pytest.raises(InvalidInput):
        ctx.duplicates.not_duplicate("alex", pair.job_pool_id, pair.job_pool_id)
    with pytest.raises(NotFound):
        ctx.duplicates.not_duplicate("alex", pair.job_pool_id, uuid.uuid4())


def test_merge_combines_the_cards_and_holds_on_the_next_import(ctx: AppContext) -> None:
    items = _items(("Sr. QA Analyst", "Initech", "Austin, TX"), ("Senior QA Analyst", "Initech", "Austin"))
    _board(ctx, items)
    [pair] = ctx.duplicates.possible_duplicates("alex")
    report = ctx.duplicates.merge("alex", pair.job_pool_id, pair.duplicate_of)
    assert report.pool_jobs_merged == 1 and report.cards_merged == 1
    with ctx.database.sessions() as session:
        assert session.execute(text("SELECT id FROM job_pool")).scalars().all() == [pair.duplicate_of]
        assert session.execute(text("SELECT count(*) FROM user_job")).scalar_one() == 1
    again = ctx.ingestion.run("alex", [items], source="file", embed=False)
    assert again.pool_inserts == 0
    with ctx.database.sessions() as session:
        assert session.execute(text("SELECT count(*) FROM job_pool")).scalar_one() == 1
        assert session.execute(text("SELECT count(*) FROM user_job")).scalar_one() == 1
    assert ctx.duplicates.possible_duplicates("alex") == []


def _set_vector(ctx: AppContext, job_id: uuid.UUID, values: dict[int, float]) -> None:
    vector = [0.0] * DIM
    for index, value in values.items():
        vector[index] = value
    with ctx.database.sessions.begin() as session:
        session.execute(
            text("UPDATE job_pool SET embedding = CAST(:v AS vector), embedding_model = 'test' WHERE id = :id"),
            {"v": str(vector), "id": job_id},
        )


def test_close_vectors_within_one_company(ctx: AppContext) -> None:
    ids = _board(
        ctx,
        _items(
            ("Platform Engineer", "Hooli", "Palo Alto, CA"),
            ("Infrastructure Engineer", "Hooli", "Mountain View, CA"),
            ("Site Reliability Engineer", "Hooli", "Palo Alto, CA"),
            ("Platform Engineer", "Pied Piper", "Palo Alto, CA"),
        ),
    )
    platform, infra = ids["Platform Engineer at Hooli"], ids["Infrastructure Engineer at Hooli"]
    _set_vector(ctx, platform, {0: 1.0, 1: 0.1})
    _set_vector(ctx, infra, {0: 1.0, 1: 0.12})
    _set_vector(ctx, ids["Site Reliability Engineer at Hooli"], {0: 0.2, 1: 1.0})
    # The same vector at another company: not a duplicate.
    _set_vector(ctx, ids["Platform Engineer at Pied Piper"], {0: 1.0, 1: 0.1})
    found = ctx.duplicates.possible_duplicates("alex")
    assert [(d.reason, {d.job_pool_id, d.duplicate_of}) for d in found] == [(REASON_VECTOR, {platform, infra})]
    assert 0.95 <= found[0].score <= 1.0


def test_a_merge_keeps_the_history_follow_up_tags_and_interviews_of_both_cards(ctx: AppContext) -> None:
    _board(ctx, _items(("Sr. QA Analyst", "Initech", "Austin, TX"), ("Senior QA Analyst", "Initech", "Austin")))
    [pair] = ctx.duplicates.possible_duplicates("alex")
    with ctx.database.sessions() as session:
        card_of = {row[0]: row[1] for row in session.execute(text("SELECT job_pool_id, id FROM user_job"))}
    first, second = card_of[pair.job_pool_id], card_of[pair.duplicate_of]
    ctx.cards.move([first], JobStatus.APPLIED)
    ctx.cards.move([second], JobStatus.REJECTED)  # the furthest column: this card is the one the profile keeps
    ctx.details.set_tags(first, ["remote"])
    ctx.details.set_tags(second, ["dream job"])
    ctx.reminders.set(first, date(2026, 12, 10), "call back")
    ctx.reminders.set(second, date(2026, 12, 3), "email")
    ctx.details.add_interview(first, datetime(2026, 12, 8, 14, 0, tzinfo=UTC), kind="video")
    ctx.details.add_interview(second, datetime(2026, 12, 9, 9, 30, tzinfo=UTC), kind="phone")

    ctx.duplicates.merge("alex", pair.job_pool_id, pair.duplicate_of)

    with ctx.database.sessions() as session:
        assert session.execute(text("SELECT id FROM user_job")).scalars().all() == [second]
    card = ctx.board.card(second)
    assert card.status is JobStatus.REJECTED
    assert set(card.tags) == {"remote", "dream job"}
    alex = ctx.profiles.get("alex")
    assert [i.user_job_id for i in ctx.details.interviews(alex.id)] == [second, second]
    assert card.next_reminder == date(2026, 12, 3)  # one follow-up per card: the kept card's own
    moves = [(e.from_status, e.to_status) for e in ctx.status_history.events(second)]
    assert (JobStatus.RECOMMENDED, JobStatus.REJECTED) in moves  # its own move
    assert (JobStatus.RECOMMENDED, JobStatus.APPLIED) in moves  # the other card's move, carried over


def test_places_are_read_only_for_cards_that_share_a_title(ctx: AppContext) -> None:
    """Reading a place can load the city gazetteer (about a second, once per process): the detail pane's check of
    a card whose company has no second card of its title reads none."""
    jobs = _board(
        ctx,
        _items(
            ("Data Engineer", "Acme", "Berlin"),
            ("QA Analyst", "Acme", "Paris"),
            ("Sr. QA Analyst", "Initech", "Austin, TX"),
            ("Senior QA Analyst", "Initech", "Austin"),
        ),
    )
    before = canonical_location.cache_info()
    assert ctx.duplicates.for_job("alex", jobs["Data Engineer at Acme"]) == []
    after = canonical_location.cache_info()
    assert (after.hits + after.misses) == (before.hits + before.misses)
    assert len(ctx.duplicates.for_job("alex", jobs["Senior QA Analyst at Initech"])) == 1
    assert canonical_location.cache_info().hits + canonical_location.cache_info().misses > after.hits + after.misses
