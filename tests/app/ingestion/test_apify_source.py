"""ApifySource drives the real apify-client against the fake Apify server; presets and criteria keys."""

from __future__ import annotations

import socket
import traceback
from datetime import timedelta

import pytest

from app.errors import (
    ApifyAuthError,
    ApifyError,
    ApifyNotFound,
    ApifyRateLimited,
    ApifyRunFailed,
    ApifyUnavailable,
    IngestionCancelled,
    InvalidInput,
    JobPoolError,
    MissingToken,
)
from app.ingestion.apify import (
    ApifyProgress,
    ApifySource,
    build_run_input,
    criteria_dict,
    criteria_key,
    resolve_actor,
)
from tests.support.fake_apify import FOREVER, FakeApify, Script

TOKEN = "apify_api_S3cretTokenValue0123456789"
LINKEDIN = "curious_coder/linkedin-jobs-scraper"

pytestmark = pytest.mark.timeout(60)  # a run that never ends must fail the test, not hang the suite


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def fake():
    with FakeApify() as server:
        yield server


def source_for(fake: FakeApify, token: str | None = TOKEN, **options) -> ApifySource:
    options.setdefault("max_retries", 2)
    return ApifySource(
        token, fake.url, poll_interval=0.0, min_delay_between_retries=timedelta(milliseconds=1), **options
    )


def jobs(count: int) -> list[dict]:
    return [{"id": str(i), "title": f"Engineer {i}", "companyName": f"Company {i}"} for i in range(count)]


def assert_token_hidden(exc: BaseException) -> None:
    text = "".join(traceback.format_exception(exc)) + repr(exc) + str(getattr(exc, "message", ""))
    assert TOKEN not in text


def test_long_run_arrives_complete_in_pages_while_the_actor_still_runs(fake: FakeApify) -> None:
    items = jobs(2500)
    fake.add_actor(LINKEDIN, Script(items=items, polls_running=4))
    progress: list[ApifyProgress] = []
    started: list[tuple[str, str]] = []
    pages, status_at_page = [], []

    for page in source_for(fake, page_size=400).run(
        resolve_actor("linkedin"),
        {"urls": []},
        max_items=None,
        on_progress=progress.append,
        on_started=lambda run_id, dataset_id: started.append((run_id, dataset_id)),
    ):
        pages.append(page)
        status_at_page.append(fake.runs_started(LINKEDIN)[0].status)

    assert [item for page in pages for item in page] == items
    assert len(pages) >= 7 and all(len(page) <= 400 for page in pages)
    assert "RUNNING" in status_at_page, "pages must arrive before the run finishes"
    run = fake.runs_started(LINKEDIN)[0]
    assert started == [(run.run_id, run.dataset_id)]
    assert progress[-1].status == "SUCCEEDED" and progress[-1].items == 2500 and progress[-1].finished
    assert progress[-1].apify_run_id == run.run_id
    assert [p.items for p in progress] == sorted(p.items for p in progress)


@pytest.mark.parametrize("status", ["FAILED", "TIMED-OUT", "ABORTED"])
def test_failed_run_yields_the_items_before_the_failure_then_raises(fake: FakeApify, status: str) -> None:
    items = jobs(300)
    fake.add_actor(
        LINKEDIN,
        Script(
            items=items, polls_running=2, final_status=status, fail_after=120, status_message="Blocked by the job site"
        ),
    )
    received: list[dict] = []

    with pytest.raises(ApifyRunFailed) as info:
        for page in source_for(fake, page_size=50).run(resolve_actor("linkedin"), {}):
            received.extend(page)

    assert received == items[:120]
    assert info.value.status == status
    assert info.value.status_message == "Blocked by the job site"
    assert info.value.run_id == fake.runs_started(LINKEDIN)[0].run_id
    assert status in str(info.value) and "Blocked by the job site" in str(info.value)
    assert fake.aborted_run_ids() == []


def test_rejected_token_raises_auth_error_without_the_token_anywhere(fake: FakeApify) -> None:
    fake.add_actor(LINKEDIN, Script(token="a-different-token"))

    with pytest.raises(ApifyAuthError) as info:
        list(source_for(fake).run(resolve_actor("linkedin"), {}))

    assert "check it in Settings or APIFY_TOKEN" in str(info.value)
    assert_token_hidden(info.value)
    assert fake.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in repr(source_for(fake))


def test_missing_token_raises_before_any_request(fake: FakeApify) -> None:
    fake.add_actor(LINKEDIN)

    with pytest.raises(MissingToken) as info:
        list(source_for(fake, token="  ").run(resolve_actor("linkedin"), {}))

    assert "APIFY_TOKEN" in str(info.value)
    assert fake.requests == []


def test_rate_limited_twice_then_success_delivers_the_items(fake: FakeApify) -> None:
    items = [*jobs(40), "not an object"]  # malformed items are passed on for the normalizer to reject
    fake.add_actor(
        LINKEDIN,
        Script(
            items=items,
            polls_running=1,
            transient_errors=2,
            transient_status=429,
            transient_on=("start", "poll", "items"),
        ),
    )

    pages = list(source_for(fake, max_retries=3).run(resolve_actor("linkedin"), {}))

    assert [item for page in pages for item in page] == items
    assert [req.status for req in fake.requests].count(429) == 6


def test_rate_limited_forever_raises_rate_limited(fake: FakeApify) -> None:
    fake.add_actor(LINKEDIN, Script(transient_errors=FOREVER, transient_status=429))

    with pytest.raises(ApifyRateLimited) as info:
        list(source_for(fake, max_retries=2).run(resolve_actor("linkedin"), {}))

    assert "429" in str(info.value)
    assert len(fake.requests) == 3


def test_server_errors_forever_raise_unavailable_naming_the_host(fake: FakeApify) -> None:
    fake.add_actor(LINKEDIN, Script(transient_errors=FOREVER, transient_status=500))
    source = source_for(fake, max_retries=2)

    with pytest.raises(ApifyUnavailable) as info:
        list(source.run(resolve_actor("linkedin"), {}))

    assert source.api_host in str(info.value) and "HTTP 500" in str(info.value)
    assert [req.status for req in fake.requests] == [500, 500, 500]
    assert_token_hidden(info.value)


@pytest.mark.timeout(30)
def test_unreachable_api_raises_unavailable_quickly() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below: nothing listens there
    source = ApifySource(
        TOKEN,
        f"http://127.0.0.1:{port}",
        poll_interval=0.0,
        max_retries=1,
        min_delay_between_retries=timedelta(milliseconds=1),
        request_timeout=timedelta(seconds=2),
    )

    with pytest.raises(ApifyUnavailable) as info:
        list(source.run(resolve_actor("indeed"), {}))

    assert str(info.value).startswith(f"Cannot reach Apify at 127.0.0.1:{port}: connection refused")
    assert info.value.__cause__ is None
    assert_token_hidden(info.value)


def test_unknown_actor_raises_not_found_naming_it(fake: FakeApify) -> None:
    with pytest.raises(ApifyNotFound) as info:
        list(source_for(fake).run(resolve_actor("nobody/no-such-actor"), {}))

    assert "nobody/no-such-actor" in str(info.value) and "rented" in str(info.value)


@pytest.mark.parametrize(
    ("refusal", "error", "words"),
    [
        ((403, "actor-is-not-rented"), ApifyNotFound, "not rented"),
        ((403, "insufficient-permissions"), ApifyAuthError, "rejected the token"),
        ((400, "invalid-input"), ApifyError, "invalid-input"),
    ],
)
def test_refused_start_is_explained(fake: FakeApify, refusal, error, words) -> None:
    fake.add_actor(LINKEDIN, Script(refuse_start=refusal))

    with pytest.raises(error) as info:
        list(source_for(fake).run(resolve_actor("linkedin"), {}))

    assert words in str(info.value)
    assert fake.runs_started() == []


def test_cancel_of_a_never_finishing_run_aborts_it_and_keeps_what_arrived(fake: FakeApify) -> None:
    fake.add_actor(LINKEDIN, Script(items=jobs(60), polls_running=2, never_finishes=True))
    received: list[dict] = []

    with pytest.raises(IngestionCancelled) as info:
        for page in source_for(fake, page_size=25).run(
            resolve_actor("linkedin"), {}, should_cancel=lambda: len(received) >= 60
        ):
            received.extend(page)

    run = fake.runs_started(LINKEDIN)[0]
    assert received == jobs(60)
    assert fake.aborted_run_ids() == [run.run_id]
    assert run.status == "ABORTED"
    assert "aborted" in str(info.value)


def test_cancel_before_any_item_aborts_at_once(fake: FakeApify) -> None:
    fake.add_actor(LINKEDIN, Script(items=jobs(10), never_finishes=True))

    with pytest.raises(IngestionCancelled):
        list(source_for(fake).run(resolve_actor("linkedin"), {}, should_cancel=lambda: True))

    assert fake.aborted_run_ids() == [fake.runs_started(LINKEDIN)[0].run_id]


def test_caller_that_stops_reading_early_gets_the_run_aborted(fake: FakeApify) -> None:
    fake.add_actor(LINKEDIN, Script(items=jobs(100), polls_running=3, never_finishes=True))

    pages = source_for(fake, page_size=10).run(resolve_actor("linkedin"), {})
    first = next(pages)
    pages.close()

    assert first == jobs(10)
    assert fake.aborted_run_ids() == [fake.runs_started(LINKEDIN)[0].run_id]


def test_max_items_is_sent_to_apify_and_enforced_when_the_actor_ignores_it(fake: FakeApify) -> None:
    fake.add_actor(LINKEDIN, Script(items=jobs(100), polls_running=3, honour_max_items=False))

    pages = list(source_for(fake, page_size=20).run(resolve_actor("linkedin"), {}, max_items=30))

    assert [item for page in pages for item in page] == jobs(30)
    run = fake.runs_started(LINKEDIN)[0]
    assert run.max_items == 30
    assert fake.aborted_run_ids() == [run.run_id], "a run that has delivered enough is stopped"


PRESET_INPUTS = [
    (
        "linkedin",
        LINKEDIN,
        {
            "urls": [
                "https://www.linkedin.com/jobs/search/?keywords=Data%20Engineer%20%2F%20ML&location=Berlin%2C%20Germany"
            ],
            "count": 25,
            "scrapeCompany": False,
        },
    ),
    (
        "linkedin-bebity",
        "bebity/linkedin-jobs-scraper",
        {"title": "Data Engineer / ML", "location": "Berlin, Germany", "rows": 25},
    ),
    (
        "indeed",
        "misceres/indeed-scraper",
        {"position": "Data Engineer / ML", "country": "US", "location": "Berlin, Germany", "maxItems": 25},
    ),
    (
        "indeed-valig",
        "valig/indeed-jobs-scraper",
        {"country": "us", "title": "Data Engineer / ML", "location": "Berlin, Germany", "limit": 25},
    ),
    (
        "someone/custom-jobs",
        "someone/custom-jobs",
        {"query": "Data Engineer / ML", "location": "Berlin, Germany", "maxItems": 25},
    ),
]


@pytest.mark.parametrize(("preset_key", "actor_id", "expected"), PRESET_INPUTS, ids=[p[0] for p in PRESET_INPUTS])
def test_each_preset_sends_its_actor_the_right_input(fake: FakeApify, preset_key, actor_id, expected) -> None:
    fake.add_actor(actor_id, Script(items=jobs(3)))
    preset = resolve_actor(preset_key)
    run_input = build_run_input(preset, "  Data Engineer /  ML ", "Berlin, Germany", 25)

    pages = list(source_for(fake).run(preset, run_input, max_items=25))

    assert fake.run_inputs(actor_id) == [expected]
    assert fake.runs_started(actor_id)[0].max_items == 25
    assert [item for page in pages for item in page] == jobs(3)


def test_linkedin_count_has_a_floor_of_ten_and_location_is_optional() -> None:
    run_input = build_run_input(resolve_actor("linkedin"), "rust", "", 3)

    assert run_input == {
        "urls": ["https://www.linkedin.com/jobs/search/?keywords=rust"],
        "count": 10,
        "scrapeCompany": False,
    }
    assert build_run_input(resolve_actor("indeed"), "rust", None, 3) == {
        "position": "rust",
        "country": "US",
        "maxItems": 3,
    }


def test_custom_template_fills_placeholders_in_nested_strings(fake: FakeApify) -> None:
    template = '{"search": {"q": "{query} in {location}"}, "limit": "{max_items}", "tags": ["{query}"], "raw": true}'
    preset = resolve_actor("someone~custom-jobs")

    run_input = build_run_input(preset, "{location} python", "Oslo", 7, template=template)

    assert preset.actor_id == "someone/custom-jobs" and preset.schema is None
    assert run_input == {
        "search": {"q": "{location} python in Oslo"},
        "limit": 7,
        "tags": ["{location} python"],
        "raw": True,
    }


def test_resolve_actor_knows_the_presets_and_rejects_typos() -> None:
    schemas = {
        key: (resolve_actor(key).actor_id, resolve_actor(key).schema)
        for key in ("linkedin", "LinkedIn-Bebity", " indeed ", "indeed-valig")
    }

    assert schemas == {
        "linkedin": (LINKEDIN, "linkedin-curious"),
        "LinkedIn-Bebity": ("bebity/linkedin-jobs-scraper", "linkedin-bebity"),
        " indeed ": ("misceres/indeed-scraper", "indeed-misceres"),
        "indeed-valig": ("valig/indeed-jobs-scraper", "indeed-valig"),
    }
    with pytest.raises(InvalidInput) as info:
        resolve_actor("linkdin")
    assert "linkedin" in str(info.value) and "username/actor-name" in str(info.value)


@pytest.mark.parametrize(
    ("query", "max_items", "template"),
    [
        ("", 10, None),
        ("python", 0, None),
        ("python", 10, "{not json"),
        ("python", 10, "[1, 2]"),
    ],
)
def test_bad_search_input_is_rejected_with_a_message(query, max_items, template) -> None:
    with pytest.raises(InvalidInput):
        build_run_input(resolve_actor("someone/custom"), query, "", max_items, template=template)


def test_criteria_key_ignores_case_and_whitespace_and_preset_spelling() -> None:
    key = criteria_key("linkedin", "Data  Engineer", " Berlin ", 50)

    assert key == criteria_key(LINKEDIN, "data engineer", "BERLIN", 50)
    assert key == criteria_key("LINKEDIN", "\tDATA engineer\n", "berlin", 50)
    assert len(key) == 64 and int(key, 16) >= 0
    assert criteria_dict("linkedin", "Data  Engineer", " Berlin ", 50) == {
        "actor": LINKEDIN,
        "query": "data engineer",
        "location": "berlin",
        "max_items": 50,
    }


def test_criteria_key_differs_when_the_search_differs() -> None:
    base = criteria_key("linkedin", "data engineer", "berlin", 50)

    assert base != criteria_key("linkedin", "data engineer", "berlin", 51)
    assert base != criteria_key("linkedin", "data engineer", "munich", 50)
    assert base != criteria_key("indeed", "data engineer", "berlin", 50)
    assert base != criteria_key("linkedin", "data engineer", "berlin", 50, template={"q": "{query}"})


def test_every_error_is_a_jobpool_error() -> None:
    for error in (ApifyAuthError(), MissingToken(), ApifyRunFailed("FAILED"), IngestionCancelled()):
        assert isinstance(error, JobPoolError) and str(error) == error.message
