"""Insights against hand-computed examples: histories with known timestamps on a real PostgreSQL, including moves
back and forth and a card deleted mid-way."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from app.errors import NotFound
from app.insights.service import DateRange
from tests.support.history_rows import card_with_history, pool_job


def _at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


NOW = _at(3, 31, 12)


@pytest.fixture
def ana(ctx):
    """Ana's hunt in March 2026 (see the comments for each card), and the pool jobs by letter."""
    engine = ctx.database.engine
    user = ctx.profiles.add("Ana").id
    jobs = {
        "A": pool_job(engine, "Senior Data Engineer", "Acme", "linkedin"),
        "B": pool_job(engine, "Data Engineer - Remote", "Beta", "linkedin"),
        "C": pool_job(engine, "Backend Developer", "Acme", "indeed"),
        "D": pool_job(engine, "Junior Backend Developer", "Gamma", "indeed"),
        "E": pool_job(engine, "Designer", "Delta", "url"),
        "F": pool_job(engine, "Analyst", "Epsilon", "manual"),
        "G": pool_job(engine, "Tester", "Zeta", "linkedin"),
    }
    # A: applied, interviewed after 5 days, then rejected: counts as interviewed.
    card_with_history(engine, user, jobs["A"], [
        (None, "recommended", _at(3, 2, 9)),
        ("recommended", "applied", _at(3, 3, 9)),
        ("applied", "interviewing", _at(3, 8, 9)),
        ("interviewing", "rejected", _at(3, 20, 9)),
    ])  # fmt: skip
    # B: added straight into Applied, rejected without an interview: no response.
    card_with_history(engine, user, jobs["B"], [
        (None, "applied", _at(3, 3, 10)),
        ("applied", "rejected", _at(3, 10, 10)),
    ])  # fmt: skip
    # C: back and forth (an undo of Applied, Interviewing → Applied → Interviewing), then an offer.
    card_with_history(engine, user, jobs["C"], [
        (None, "recommended", _at(3, 2, 8)),
        ("recommended", "applied", _at(3, 4, 8)),
        ("applied", "recommended", _at(3, 4, 9)),
        ("recommended", "applied", _at(3, 5, 8)),
        ("applied", "interviewing", _at(3, 15, 8)),
        ("interviewing", "applied", _at(3, 16, 8)),
        ("applied", "interviewing", _at(3, 17, 8)),
        ("interviewing", "offer", _at(3, 24, 8)),
    ])  # fmt: skip
    # D: applied on March 10 and nothing since: stale on March 31 (21 days > 14).
    card_with_history(engine, user, jobs["D"], [
        (None, "recommended", _at(3, 9, 12)),
        ("recommended", "applied", _at(3, 10, 12)),
    ])  # fmt: skip
    # E: an interview 42 days after applying: reached Interviewing, but no response within 30 days.
    card_with_history(engine, user, jobs["E"], [
        (None, "applied", _at(2, 2, 10)),
        ("applied", "interviewing", _at(3, 16, 10)),
    ])  # fmt: skip
    # F: never applied.
    card_with_history(engine, user, jobs["F"], [(None, "recommended", _at(3, 16, 10))])
    # G: applied and interviewed, then deleted: it leaves every figure.
    g = card_with_history(engine, user, jobs["G"], [
        (None, "recommended", _at(3, 2, 7)),
        ("recommended", "applied", _at(3, 3, 7)),
        ("applied", "interviewing", _at(3, 5, 7)),
    ])  # fmt: skip
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM user_job WHERE id = :id"), {"id": g})
    return user, jobs


def test_the_funnel_counts_each_card_once_and_later_stages_count_for_earlier_ones(ctx, ana) -> None:
    figures = ctx.insights.for_profile("Ana", now=NOW)
    assert (figures.funnel.applied, figures.funnel.interviewing, figures.funnel.offer) == (5, 3, 1)
    assert figures.funnel.applied_to_interviewing == pytest.approx(3 / 5)
    assert figures.funnel.interviewing_to_offer == pytest.approx(1 / 3)
    assert figures.by_status == {
        "recommended": 1,
        "applied": 1,
        "interviewing": 1,
        "offer": 1,
        "rejected": 2,
        "archived": 0,
    }


def test_response_rate_and_median_days_to_a_response(ctx, ana) -> None:
    figures = ctx.insights.for_profile("Ana", now=NOW)
    assert figures.responded == 2  # A after 5 days, C after 11; E's 42 days are past the 30-day window
    assert figures.response_rate == pytest.approx(0.4)
    assert figures.median_days_to_response == 8.0
    assert [(r.key, r.applied, r.responded, r.response_rate) for r in figures.by_source] == [
        ("indeed", 2, 1, 0.5),
        ("linkedin", 2, 1, 0.5),
        ("url", 1, 0, 0.0),
    ]
    assert [(r.key, r.applied, r.responded, r.median_days) for r in figures.by_company] == [
        ("Acme", 2, 2, 8.0),
        ("Beta", 1, 0, None),
        ("Delta", 1, 0, None),
        ("Gamma", 1, 0, None),
    ]
    assert [(r.key, r.applied, r.responded) for r in figures.by_title_family] == [
        ("backend developer", 2, 1),
        ("data engineer", 2, 1),
        ("designer", 1, 0),
    ]


def test_a_longer_response_window_counts_the_late_interview(ctx, ana) -> None:
    ctx.insights.response_days = 60
    figures = ctx.insights.for_profile("Ana", now=NOW)
    assert figures.responded == 3
    assert figures.median_days_to_response == 11.0


def test_weekly_activity_counts_distinct_cards_and_fills_quiet_weeks(ctx, ana) -> None:
    weeks = ctx.insights.for_profile("Ana", now=NOW).weekly
    assert [(w.week, w.added, w.applied, w.interviews, w.offers, w.rejections) for w in weeks] == [
        (date(2026, 2, 2), 1, 1, 0, 0, 0),
        (date(2026, 2, 9), 0, 0, 0, 0, 0),
        (date(2026, 2, 16), 0, 0, 0, 0, 0),
        (date(2026, 2, 23), 0, 0, 0, 0, 0),
        (date(2026, 3, 2), 3, 3, 1, 0, 0),  # C applied twice that week: once
        (date(2026, 3, 9), 1, 1, 1, 0, 1),
        (date(2026, 3, 16), 1, 1, 2, 0, 1),
        (date(2026, 3, 23), 0, 0, 0, 1, 0),
    ]


def test_time_in_each_stage_is_the_median_of_stays_that_ended(ctx, ana) -> None:
    stages = ctx.insights.for_profile("Ana", now=NOW).stage_times
    assert [(s.status, s.stays, s.median_days) for s in stages] == [
        ("recommended", 4, 1.0),  # 1, 2, 23/24 and 1 days
        ("applied", 6, 6.0),  # 5, 7, 1/24, 10, 1 and 42 days
        ("interviewing", 3, 7.0),  # 12, 1 and 7 days
    ]


def test_stale_cards_sit_in_applied_longer_than_the_setting(ctx, ana) -> None:
    _user, jobs = ana
    figures = ctx.insights.for_profile("Ana", now=NOW)
    assert figures.stale == (jobs["D"],)
    assert [(c.job_pool_id, c.last_change) for c in figures.stale_cards] == [(jobs["D"], _at(3, 10, 12))]
    assert ctx.insights.for_profile("Ana", now=_at(3, 20, 12)).stale == ()  # 10 days: not yet
    ctx.insights.stale_days = 30
    assert ctx.insights.for_profile("Ana", now=NOW).stale == ()


def test_a_date_range_picks_the_cohort_that_applied_in_it(ctx, ana) -> None:
    figures = ctx.insights.for_profile("Ana", DateRange(date(2026, 3, 3), date(2026, 3, 4)), now=NOW)
    # A and B applied on March 3, C on March 4; their later interviews and offer still count.
    assert (figures.funnel.applied, figures.funnel.interviewing, figures.funnel.offer) == (3, 2, 1)
    assert figures.response_rate == pytest.approx(2 / 3)
    assert [(w.week, w.added, w.applied, w.interviews) for w in figures.weekly] == [(date(2026, 3, 2), 1, 3, 0)]
    empty = ctx.insights.for_profile("Ana", DateRange(date(2025, 1, 1), date(2025, 1, 31)), now=NOW)
    assert empty.funnel.applied == 0
    assert empty.response_rate is None and empty.funnel.applied_to_interviewing is None
    assert empty.median_days_to_response is None and empty.weekly == ()


def test_the_json_document_has_the_documented_shape(ctx, ana) -> None:
    doc = ctx.insights.for_profile("Ana", now=NOW).to_json()
    assert list(doc) == [
        "by_status",
        "reached",
        "conversion",
        "response_rate",
        "median_days_to_response",
        "by_source",
        "weekly",
        "stale",
    ]
    assert doc["reached"] == {"applied": 5, "interviewing": 3, "offer": 1}
    assert doc["by_source"][0] == {"source": "indeed", "applied": 2, "responded": 1, "response_rate": 0.5}
    assert doc["weekly"][0] == {
        "week": "2026-02-02",
        "added": 1,
        "applied": 1,
        "interviews": 0,
        "offers": 0,
        "rejections": 0,
    }
    assert doc["stale"] == [str(ana[1]["D"])]


def test_application_statistics_for_a_profile(ctx, ana) -> None:
    stats = ctx.insights.application_statistics("Ana", now=NOW)
    assert stats.by_source == {"indeed": 2, "linkedin": 2, "manual": 1, "url": 1}
    assert stats.by_status["rejected"] == 2
    assert (stats.applications_this_week, stats.applications_this_month) == (0, 4)
    early = ctx.insights.application_statistics("Ana", now=_at(3, 5, 12))
    assert early.applications_this_week == 3  # A, B (March 3) and C (March 4)


def test_across_profiles_side_by_side_collisions_and_exclusion(ctx, ana) -> None:
    engine = ctx.database.engine
    _user, jobs = ana
    ben = ctx.profiles.add("Ben").id
    cy = ctx.profiles.add("Cy").id
    card_with_history(engine, ben, jobs["A"], [
        (None, "recommended", _at(3, 2, 9)),
        ("recommended", "applied", _at(3, 6, 9)),
        ("applied", "interviewing", _at(3, 7, 9)),
    ])  # fmt: skip
    card_with_history(engine, cy, jobs["B"], [(None, "applied", _at(3, 4, 9))])
    ctx.insights.set_excluded_from_pooled("Cy", True)

    pooled = ctx.insights.across_profiles(now=NOW)
    assert [(p.profile, p.excluded, p.insights.funnel.applied) for p in pooled.profiles] == [
        ("Ana", False, 5),
        ("Ben", False, 1),
        ("Cy", True, 1),
    ]
    assert (pooled.pooled.funnel.applied, pooled.pooled.responded) == (6, 3)
    assert pooled.pooled.response_rate == pytest.approx(0.5)
    acme = pooled.pooled.by_company[0]
    assert (acme.key, acme.applied, acme.responded) == ("Acme", 3, 3)
    assert [(c.key, c.profiles) for c in pooled.job_collisions] == [(str(jobs["A"]), ("Ana", "Ben"))]
    assert [(c.label, c.profiles) for c in pooled.company_collisions] == [("Acme", ("Ana", "Ben"))]

    ctx.insights.set_excluded_from_pooled("Cy", False)
    assert not ctx.insights.excluded_from_pooled("Cy")
    pooled = ctx.insights.across_profiles(now=NOW)
    assert pooled.pooled.funnel.applied == 7
    assert {c.key for c in pooled.job_collisions} == {str(jobs["A"]), str(jobs["B"])}
    assert [c.label for c in pooled.company_collisions] == ["Acme", "Beta"]


def test_no_profiles_and_unknown_profiles(ctx) -> None:
    pooled = ctx.insights.across_profiles(now=NOW)
    assert pooled.profiles == () and pooled.pooled.funnel.applied == 0 and pooled.pooled.response_rate is None
    with pytest.raises(NotFound):
        ctx.insights.for_profile("Nobody")


def test_the_response_window_and_stale_threshold_are_settings(tmp_path) -> None:
    from app.settings import load_stats_days, save_stats_days

    assert load_stats_days(tmp_path) == (30, 14)
    save_stats_days(45, 7, tmp_path)
    assert load_stats_days(tmp_path) == (45, 7)
    with pytest.raises(ValueError):
        save_stats_days(0, 7, tmp_path)
