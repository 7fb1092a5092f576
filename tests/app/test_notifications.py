"""The notifications inbox against a real PostgreSQL: grouped new jobs per run, due follow-ups once, failed runs."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import text

from app.errors import InvalidInput
from app.notifications import NEW_JOBS, REMINDER_DUE, RUN_FAILED, desktop_lines, new_jobs_title
from app.settings import NotificationSettings, load_notification_settings, save_notification_settings
from tests.support.matching_samples import DATA_RESUME, JOBS, NURSE_RESUME, PYTHON_RESUME
from tests.support.synthetic import linkedin_items

TODAY = date.today()


def _profiles(ctx):
    for name, resume in (("Dana", PYTHON_RESUME), ("Maria", NURSE_RESUME), ("Sam", DATA_RESUME)):
        ctx.profiles.add(name)
        ctx.matching.resumes.set_resume(name, resume)
    return {p.name: p.id for p in ctx.profiles.list()}


def _scores(ctx, user_id, min_score: int) -> list[tuple[int, str]]:
    with ctx.database.engine.connect() as conn:
        return [
            (row[0], str(row[1]))
            for row in conn.execute(
                text(
                    "SELECT match_score, job_pool_id FROM user_job WHERE user_id = :u AND match_score >= :m "
                    "ORDER BY match_score DESC, job_pool_id"
                ),
                {"u": user_id, "m": min_score},
            )
        ]


def test_a_run_gives_one_grouped_row_per_profile_never_one_per_job(ctx) -> None:
    ids = _profiles(ctx)
    ctx.ingestion.run("Maria", [JOBS], source="test")  # Maria's import fans out to Dana and Sam

    for name in ("Dana", "Sam", "Maria"):
        good = _scores(ctx, ids[name], ctx.notifications.min_score)
        rows = ctx.notifications.inbox(ids[name])
        assert len(rows) == (1 if good else 0), name
        if good:
            assert rows[0].kind == NEW_JOBS and not rows[0].read
            assert rows[0].title == f"{len(good)} new for {name}, best {good[0][0]} %"
            assert str(rows[0].job_pool_id) == good[0][1]  # clicking it opens the best card
            assert rows[0].user_job_id is not None
    assert len(_scores(ctx, ids["Dana"], 60)) == 3  # Dana got three Python jobs: one row, not three

    # Looking again (a repeated hook) adds nothing; a later run of the same postings brings no new cards.
    ctx.notifications.after_ingest(ids["Maria"], [])
    ctx.ingestion.run("Maria", [JOBS], source="test")
    assert [len(ctx.notifications.inbox(ids[n])) for n in ("Dana", "Sam")] == [1, 1]


def test_a_run_with_nothing_above_the_score_adds_no_row(ctx) -> None:
    ids = _profiles(ctx)
    ctx.notifications.min_score = 101
    ctx.ingestion.run("Maria", [JOBS], source="test")
    assert all(ctx.notifications.inbox(i) == [] for i in ids.values())


def test_due_follow_ups_land_once_and_the_desktop_hears_once(ctx) -> None:
    profile = ctx.profiles.add("Ana")
    ctx.ingestion.run("Ana", [linkedin_items(0, 3)], source="test", embed=False)
    cards = ctx.board.cards_for(profile.id)
    ctx.reminders.set(cards[0].user_job_id, TODAY - timedelta(days=1), "overdue")
    ctx.reminders.set(cards[1].user_job_id, TODAY + timedelta(days=2), "later")

    assert ctx.notifications.sync(profile.id) == 1
    assert ctx.notifications.sync(profile.id) == 0  # not again
    rows = ctx.notifications.inbox(profile.id)
    assert [(r.kind, r.job_pool_id) for r in rows] == [(REMINDER_DUE, cards[0].job_pool_id)]
    assert rows[0].title.startswith(f"Follow up: {cards[0].title}")

    told = ctx.notifications.take_undelivered([profile.id])
    assert [t.id for t in told] == [rows[0].id]
    assert ctx.notifications.take_undelivered([profile.id]) == []
    assert desktop_lines(told, {profile.id: "Ana"}) == ["1 follow-up due for Ana"]

    # The later one falls due (a day passes): it arrives, the first does not come back.
    assert ctx.notifications.sync(profile.id, today=TODAY + timedelta(days=2)) == 1
    assert len(ctx.notifications.inbox(profile.id)) == 2


def test_mark_read_one_then_all(ctx) -> None:
    profile = ctx.profiles.add("Ana")
    other = ctx.profiles.add("Bo")
    for n in range(3):
        assert ctx.notifications.post(profile.id, RUN_FAILED, f"Failed {n}", f"test:{n}")
    assert not ctx.notifications.post(profile.id, RUN_FAILED, "Failed 0 again", "test:0")
    ctx.notifications.post(other.id, RUN_FAILED, "Bo's", "test:0")
    first = ctx.notifications.inbox(profile.id)[0]
    assert ctx.notifications.unread_count(profile.id) == 3

    assert ctx.notifications.mark_read(profile.id, [first.id]) == 1
    assert ctx.notifications.unread_count(profile.id) == 2
    assert first.id not in [r.id for r in ctx.notifications.inbox(profile.id, unread_only=True)]
    assert ctx.notifications.mark_read(other.id, [first.id]) == 0  # another profile's row is not theirs to mark

    assert ctx.notifications.mark_read(profile.id) == 2
    assert ctx.notifications.unread_count(profile.id) == 0
    assert ctx.notifications.unread_count(other.id) == 1
    assert all(r.read for r in ctx.notifications.inbox(profile.id))


def test_a_failed_run_notifies_once(ctx) -> None:
    profile = ctx.profiles.add("Ana")

    def pages():
        yield linkedin_items(0, 2)
        raise InvalidInput("Apify refused the run: out of credit (402).")

    report = ctx.ingestion.run("Ana", pages(), source="apify:linkedin", embed=False)
    assert report.status == "failed"
    assert ctx.notifications.sync(profile.id) == 1
    assert ctx.notifications.sync(profile.id) == 0
    (row,) = ctx.notifications.inbox(profile.id)
    assert row.kind == RUN_FAILED
    assert row.title == "Failed: apify:linkedin — Apify refused the run: out of credit (402)."
    ctx.ingestion.run("Ana", [linkedin_items(2, 3)], source="test", embed=False)  # a good run: no failure row
    assert ctx.notifications.sync(profile.id) == 0


def test_hostile_titles_are_kept_short_and_plain(ctx) -> None:
    profile = ctx.profiles.add("Ana")
    ctx.notifications.post(profile.id, RUN_FAILED, "<b>x</b>\x00\n" + "y" * 5000, "test:big")
    (row,) = ctx.notifications.inbox(profile.id)
    assert len(row.title) <= 300 and "\x00" not in row.title and "\n" not in row.title


def test_results_for_every_profile(ctx) -> None:
    a, b = ctx.profiles.add("Ana"), ctx.profiles.add("Bo")
    assert ctx.notifications.post_all("backup", "Backup saved", "backup:1") == 2
    assert ctx.notifications.post_all("backup", "Backup saved", "backup:1") == 0
    assert [r.title for r in ctx.notifications.inbox(a.id)] == [r.title for r in ctx.notifications.inbox(b.id)]


def test_quiet_hours_and_settings_round_trip(tmp_path) -> None:
    night = NotificationSettings(quiet_start=time(22, 0), quiet_end=time(7, 0))
    assert night.quiet_at(time(23, 30)) and night.quiet_at(time(6, 59)) and night.quiet_at(time(22, 0))
    assert not night.quiet_at(time(7, 0)) and not night.quiet_at(time(12, 0))
    lunch = NotificationSettings(quiet_start=time(12, 0), quiet_end=time(13, 0))
    assert lunch.quiet_at(time(12, 30)) and not lunch.quiet_at(time(13, 30))
    assert not NotificationSettings().quiet_at(time(3, 0))
    assert not NotificationSettings(desktop=False).desktop_allowed(time(12, 0))

    assert load_notification_settings(tmp_path) == NotificationSettings()
    save_notification_settings(NotificationSettings(True, time(21, 30), time(8, 0), 75), tmp_path)
    assert load_notification_settings(tmp_path) == NotificationSettings(True, time(21, 30), time(8, 0), 75)
    (tmp_path / "settings.json").write_text('{"notifications": {"quiet_start": "late", "min_score": 900}}')
    assert load_notification_settings(tmp_path) == NotificationSettings()


def test_desktop_lines_never_flood() -> None:
    import uuid
    from datetime import UTC, datetime

    from app.notifications import InboxItem

    user = uuid.uuid4()
    items = [
        InboxItem(uuid.uuid4(), user, NEW_JOBS, new_jobs_title(n, "Sam", 80), datetime.now(UTC), False, None)
        for n in range(1, 9)
    ]
    lines = desktop_lines(items, {user: "Sam"})
    assert lines == ["1 new for Sam, best 80 %", "2 new for Sam, best 80 %", "and 6 more in the inbox"]


def test_a_paused_saved_search_notifies_once_per_pause(ctx) -> None:
    from app.searches.schedule import Schedule

    profile = ctx.profiles.add("Ana")
    search = ctx.searches.add("Ana", "linkedin", "python developer", None, 10, Schedule(6))
    assert ctx.notifications.sync(profile.id) == 0
    with ctx.database.sessions.begin() as session:
        session.execute(
            text(
                "UPDATE saved_search SET paused = true, last_run_at = now(), failures_in_a_row = 3, "
                "pause_reason = '3 failures in a row; the last: out of credit (HTTP 402)' WHERE id = :id"
            ),
            {"id": search.id},
        )
    assert ctx.notifications.sync(profile.id) == 1
    assert ctx.notifications.sync(profile.id) == 0  # the same pause is not told twice
    (row,) = ctx.notifications.inbox(profile.id)
    assert row.kind == RUN_FAILED
    assert row.title.startswith("Saved search paused: python developer — 3 failures in a row")
