"""The fake Apify server answers the real apify-client the way the Apify API does."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from apify_client import ApifyClient
from apify_client.errors import NotFoundError, RateLimitError, ServerError, UnauthorizedError

from tests.support.fake_apify import FOREVER, FakeApify, Script

ACTOR = "someone/job-scraper"

pytestmark = pytest.mark.timeout(60)  # a run that never ends must fail the test, not hang the suite


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def fake():
    with FakeApify() as server:
        yield server


def client_for(fake: FakeApify, token: str | None = "token", max_retries: int = 0) -> ApifyClient:
    return ApifyClient(
        token, api_url=fake.url, max_retries=max_retries, min_delay_between_retries=timedelta(milliseconds=1)
    )


def jobs(count: int) -> list[dict]:
    return [{"id": str(i), "title": f"Engineer {i}", "companyName": f"Company {i}"} for i in range(count)]


def test_run_stays_running_for_the_scripted_polls_then_succeeds(fake: FakeApify) -> None:
    fake.add_actor(ACTOR, Script(items=jobs(9), polls_running=2))
    client = client_for(fake)

    run = client.actor(ACTOR).start(run_input={"query": "python"})
    statuses = [run.status] + [client.run(run.id).get().status for _ in range(4)]

    assert statuses == ["RUNNING", "RUNNING", "RUNNING", "SUCCEEDED", "SUCCEEDED"]
    final = client.run(run.id).get()
    assert final.finished_at is not None and final.finished_at.tzinfo is not None
    assert final.default_dataset_id == run.default_dataset_id
    assert fake.runs_started(ACTOR)[0].status == "SUCCEEDED"


def test_items_appear_progressively_across_polls(fake: FakeApify) -> None:
    fake.add_actor(ACTOR, Script(items=jobs(30), polls_running=2))
    client = client_for(fake)
    run = client.actor(ACTOR).start()
    dataset = client.dataset(run.default_dataset_id)

    totals = [dataset.list_items().total]
    for _ in range(3):
        client.run(run.id).get()
        totals.append(dataset.list_items().total)

    assert totals == [0, 10, 20, 30]


def test_item_pages_carry_pagination_headers_and_clean_drops_empty_items_and_hidden_fields(fake: FakeApify) -> None:
    items = [*jobs(5), {}, {"id": "6", "title": "T", "#debug": "hidden"}]
    fake.add_actor(ACTOR, Script(items=items))
    client = client_for(fake)
    run = client.actor(ACTOR).start()
    client.run(run.id).get()
    dataset = client.dataset(run.default_dataset_id)

    page = dataset.list_items(offset=4, limit=3, clean=True)

    assert (page.total, page.offset, page.count, page.limit, page.desc) == (7, 4, 3, 3, False)
    assert page.items == [jobs(5)[4], {"id": "6", "title": "T"}]
    assert len(list(dataset.iterate_items(chunk_size=2))) == 7


def test_gzip_request_body_is_decoded_and_inputs_are_recorded(fake: FakeApify) -> None:
    fake.add_actor(ACTOR)
    big_input = {"query": "x" * 5000, "nested": {"list": [1, 2, 3]}}

    client_for(fake).actor(ACTOR.replace("/", "~")).start(run_input=big_input, max_items=40)

    started = fake.runs_started(ACTOR)
    assert [run.run_input for run in started] == [big_input]
    assert started[0].max_items == 40
    start_request = next(req for req in fake.requests if req.method == "POST")
    assert start_request.headers["content-encoding"] == "gzip"
    assert start_request.json() == big_input
    assert start_request.query["maxItems"] == "40"


def test_max_items_caps_the_dataset_unless_the_actor_ignores_it(fake: FakeApify) -> None:
    fake.add_actor("a/honours", Script(items=jobs(50)))
    fake.add_actor("a/ignores", Script(items=jobs(50), honour_max_items=False))
    client = client_for(fake)

    totals = {}
    for actor in ("a/honours", "a/ignores"):
        run = client.actor(actor).start(max_items=20)
        client.run(run.id).get()
        totals[actor] = client.dataset(run.default_dataset_id).list_items().total

    assert totals == {"a/honours": 20, "a/ignores": 50}


def test_wrong_or_missing_token_gets_401_with_the_apify_error_body(fake: FakeApify) -> None:
    fake.add_actor(ACTOR, Script(token="right"))

    for token in ("wrong", None):
        with pytest.raises(UnauthorizedError) as info:
            client_for(fake, token=token).actor(ACTOR).start()
        assert info.value.status_code == 401
        assert info.value.type == "token-not-valid"

    assert client_for(fake, token="right").actor(ACTOR).start().status == "RUNNING"


def test_unknown_actor_is_404_record_not_found_and_unknown_run_is_none(fake: FakeApify) -> None:
    client = client_for(fake)

    with pytest.raises(NotFoundError) as info:
        client.actor("nobody/nothing").start()

    assert info.value.type == "record-not-found"
    assert client.run("00000000000000000").get() is None
    assert fake.runs_started() == []


def test_transient_errors_are_answered_first_then_the_normal_response(fake: FakeApify) -> None:
    fake.add_actor(
        ACTOR, Script(items=jobs(3), transient_errors=2, transient_status=429, transient_on=("start", "poll"))
    )

    client = client_for(fake, max_retries=3)
    run = client.actor(ACTOR).start()
    assert client.run(run.id).get().status == "SUCCEEDED"

    statuses = [req.status for req in fake.requests]
    assert statuses == [429, 429, 201, 429, 429, 200]


def test_errors_forever_exhaust_the_client_retries(fake: FakeApify) -> None:
    fake.add_actor("a/busy", Script(transient_errors=FOREVER, transient_status=429))
    fake.add_actor("a/broken", Script(transient_errors=FOREVER, transient_status=500))
    client = client_for(fake, max_retries=2)

    with pytest.raises(RateLimitError):
        client.actor("a/busy").start()
    with pytest.raises(ServerError):
        client.actor("a/broken").start()

    assert [req.status for req in fake.requests] == [429] * 3 + [500] * 3


def test_never_finishing_run_stays_running_until_aborted(fake: FakeApify) -> None:
    fake.add_actor(ACTOR, Script(items=jobs(4), polls_running=1, never_finishes=True))
    client = client_for(fake)
    run = client.actor(ACTOR).start()

    assert {client.run(run.id).get().status for _ in range(5)} == {"RUNNING"}
    aborted = client.run(run.id).abort()

    assert aborted.status == "ABORTED"
    assert client.run(run.id).get().status == "ABORTED"
    assert fake.aborted_run_ids() == [run.id]
    assert client.dataset(run.default_dataset_id).list_items().total == 4


@pytest.mark.parametrize("status", ["FAILED", "TIMED-OUT", "ABORTED"])
def test_failing_run_ends_with_its_status_message_after_the_items_before_the_failure(
    fake: FakeApify, status: str
) -> None:
    fake.add_actor(ACTOR, Script(items=jobs(10), final_status=status, fail_after=4, status_message="Blocked"))
    client = client_for(fake)
    run = client.actor(ACTOR).start()

    final = client.run(run.id).get()

    assert (final.status, final.status_message, final.exit_code) == (status, "Blocked", 1)
    assert client.dataset(run.default_dataset_id).list_items().items == jobs(4)


def test_held_run_finishes_once_released_and_wait_for_finish_is_answered_at_once(fake: FakeApify) -> None:
    release = threading.Event()
    fake.add_actor(ACTOR, Script(items=jobs(2), hold=release))
    client = client_for(fake)
    run = client.actor(ACTOR).start()

    assert client.run(run.id).get().status == "RUNNING"
    release.set()
    finished = client.run(run.id).wait_for_finish(wait_duration=timedelta(seconds=30))

    assert finished is not None and finished.status == "SUCCEEDED"
    poll = [req for req in fake.requests if req.method == "GET" and "waitForFinish" in req.query][-1]
    assert int(poll.query["waitForFinish"]) > 0


def test_wait_for_runs_sees_a_run_started_from_another_thread(fake: FakeApify) -> None:
    fake.add_actor(ACTOR)
    starter = threading.Thread(target=lambda: client_for(fake).actor(ACTOR).start())

    starter.start()
    assert fake.wait_for_runs(ACTOR, count=1, timeout=10)
    starter.join()
    assert not fake.wait_for_runs(ACTOR, count=2, timeout=0.01)
