"""Pool jobs seen again: sightings counted, reposts marked, missing fields filled in, never good ones replaced."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import text

from tests.support.synthetic import linkedin_item

_AGO = (
    "UPDATE job_pool_sighting SET last_seen_at = now() - make_interval(days => :days) "
    "WHERE job_pool_id = (SELECT id FROM job_pool WHERE external_id = :external_id)"
)


def _row(ctx, sql: str, **params):
    with ctx.database.engine.connect() as conn:
        return conn.execute(text(sql), params).one()


def _execute(ctx, sql: str, **params) -> None:
    with ctx.database.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_every_hit_counts_a_sighting_and_a_return_after_the_gap_is_a_repost(ctx) -> None:
    ctx.profiles.add("Ana")
    items = [linkedin_item(i) for i in range(3)]
    ctx.ingestion.run("Ana", [items], source="test")
    ctx.ingestion.run("Ana", [items[:2]], source="test")

    seen = _row(
        ctx, "SELECT sum(times_seen), count(*) FILTER (WHERE last_seen_at > first_seen_at) FROM job_pool_sighting"
    )
    assert tuple(seen) == (4, 2)  # the third job, seen once, has no sighting row: it was seen when scraped
    assert _row(ctx, "SELECT count(*) FROM job_pool_sighting WHERE reposted_at IS NOT NULL")[0] == 0

    # Twenty-two days later the first job comes back; the second, seen twenty days ago, is no repost yet.
    _execute(ctx, _AGO, days=22, external_id="1000000")
    _execute(ctx, _AGO, days=20, external_id="1000001")
    ctx.ingestion.run("Ana", [items[:2]], source="test")

    reposted = _row(
        ctx,
        "SELECT array_agg(external_id ORDER BY external_id) FROM job_pool "
        "JOIN job_pool_sighting ON job_pool_id = id WHERE reposted_at IS NOT NULL",
    )
    assert reposted[0] == ["1000000"]
    profile = ctx.profiles.get("Ana")
    by_id = {card.url.rsplit("/", 1)[-1]: card for card in ctx.board.cards_for(profile.id)}
    assert by_id["1000000"].reposted and not by_id["1000001"].reposted
    assert by_id["1000000"].to_json()["reposted"] is True


def test_the_repost_gap_is_a_setting(ctx) -> None:
    ctx.profiles.add("Ana")
    ctx.pool.repost_gap_days = 5
    ctx.ingestion.run("Ana", [[linkedin_item(0)]], source="test")
    _execute(ctx, "UPDATE job_pool SET scraped_at = now() - interval '6 days'")  # seen once, six days ago

    ctx.ingestion.run("Ana", [[linkedin_item(0)]], source="test")

    assert _row(ctx, "SELECT reposted_at IS NOT NULL FROM job_pool_sighting")[0] is True


def test_a_repost_of_a_job_the_profile_applied_to_says_so(ctx) -> None:
    ctx.profiles.add("Ana")
    ctx.ingestion.run("Ana", [[linkedin_item(0)]], source="test")
    job_pool_id = _row(ctx, "SELECT id FROM job_pool")[0]
    ctx.cards.move_job("Ana", job_pool_id, "applied")
    _execute(
        ctx,
        "UPDATE user_job SET status_changed_at = '2026-03-03T10:00:00Z'; "
        "UPDATE job_pool SET scraped_at = '2026-03-04T10:00:00Z'",
    )
    profile = ctx.profiles.get("Ana")
    assert ctx.board.cards_for(profile.id)[0].applied_before is None  # not reposted: nothing to say

    ctx.ingestion.run("Ana", [[linkedin_item(0)]], source="test")

    card = ctx.board.cards_for(profile.id)[0]
    assert card.applied_before == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    assert card.applied_before_text == "You applied to this on 3 Mar"
    detail = ctx.board.detail(ctx.board.card_id_for(profile.id, job_pool_id))
    assert detail.to_json()["applied_before"].startswith("2026-03-03")


def test_a_later_import_fills_in_what_the_pool_row_lacks_and_keeps_what_it_has(ctx) -> None:
    ctx.profiles.add("Ana")
    bare = {"title": "Data Engineer", "companyName": "Globex", "location": "New York, NY", "age": "3 days ago"}
    rich = {
        **bare,
        "jobKey": "9f8e7d6c5b4a3210",
        "url": "https://www.indeed.com/viewjob?jk=9f8e7d6c5b4a3210&from=serp",
        "salary": {"salaryMin": 23.5, "salaryMax": 29.4, "salaryCurrency": "USD", "salaryType": "HOURLY"},
        "descriptionText": "Pipelines in Python.",
        "datePublished": "2026-11-02",
    }
    other = {**rich, "descriptionText": "Another text.", "datePublished": "2026-10-01"}
    other["salary"] = {"salaryMin": 90000, "salaryMax": 100000, "salaryCurrency": "USD", "salaryType": "YEARLY"}

    first = ctx.ingestion.run("Ana", [[bare]], source="test")
    assert first.dates_inferred == 1
    assert _row(ctx, "SELECT posted_at_inferred, salary_min FROM job_pool")[0:2] == (True, None)
    ctx.ingestion.run("Ana", [[rich]], source="test")
    ctx.ingestion.run("Ana", [[other]], source="test")

    row = _row(
        ctx,
        "SELECT description, salary_min, salary_max, salary_currency, salary_period, posted_at, posted_at_inferred, "
        "url, external_id, times_seen FROM job_pool JOIN job_pool_sighting ON job_pool_id = id",
    )
    assert tuple(row) == (
        "Pipelines in Python.",
        Decimal("23.5"),
        Decimal("29.4"),
        "USD",
        "hour",
        datetime(2026, 11, 2, tzinfo=UTC),
        False,
        "https://www.indeed.com/viewjob?jk=9f8e7d6c5b4a3210",
        "9f8e7d6c5b4a3210",
        3,
    )


def test_the_report_names_the_detected_format_and_source(ctx) -> None:
    ctx.profiles.add("Ana")
    item = {
        "jobKey": "0a1b2c3d4e5f6071",
        "title": "Ingénieur Data",
        "companyName": "Lumière",
        "url": "https://fr.indeed.com/viewjob?jk=0a1b2c3d4e5f6071",
        "location": {"city": "Paris", "formattedAddressShort": "Paris (75)"},
        "salary": {"salaryMin": 48000},
        "descriptionText": "x",
        "descriptionHtml": "<p>x</p>",
        "age": "10 days ago",
    }

    report = ctx.ingestion.run("Ana", [[item]], source="file:json")

    assert (report.format, report.job_source, report.dates_inferred) == ("indeed-scraper", "indeed", 1)
    data = report.to_json()
    assert (data["format"], data["source"], data["run_source"]) == ("indeed-scraper", "indeed", "file:json")
    assert "Read as indeed-scraper, jobs from indeed" in report.detected
    assert "1 posting date inferred from an age" in report.summary
    assert _row(ctx, "SELECT source, source_format FROM job_pool")[0:2] == ("indeed", "indeed-scraper")
