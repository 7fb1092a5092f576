"""Ingest from Apify, Ingestion history and Settings in the real window: real PostgreSQL, the real apify-client
against the fake Apify server, real widgets offscreen; the token goes through the Settings dialog or app.settings."""

from __future__ import annotations

import json
from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QDialog, QLabel

from app import settings as secrets
from app.errors import ApifyAuthError
from app.ingestion.live import ApifyConfig, SearchRequest
from tests.support.fake_apify import FakeApify, Script
from tests.support.synthetic import linkedin_items
from tests.ui.helpers import ScriptedPrompts

ACTOR = "curious_coder/linkedin-jobs-scraper"
TOKEN = "apify_api_ui_test_token"
WAIT_MS = 30_000


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path) -> Iterator[None]:
    """No token or URL from the environment, settings under tmp_path, and no system keyring (the fallback path)."""
    monkeypatch.delenv(secrets.TOKEN_ENV, raising=False)
    monkeypatch.delenv(secrets.API_URL_ENV, raising=False)
    monkeypatch.setenv("JOBPOOL_DATA_DIR", str(tmp_path / "data"))
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture
def fake() -> Iterator[FakeApify]:
    with FakeApify() as server:
        yield server


@pytest.fixture
def window(ctx, fake, loop, qtbot, tmp_path):
    """The main window on profile Ana (Ben exists too), with the live service polling without delay."""
    from ui.shell.main_window import MainWindow
    from ui.support.window_state import AppSettings

    ctx.live.config = ApifyConfig(token=None, api_url=None, poll_interval=0.0)
    ctx.profiles.add("Ana")
    ctx.profiles.add("Ben")
    main = MainWindow(ctx, settings=AppSettings(tmp_path / "window.ini"), prompts=ScriptedPrompts())
    main.prompts.parent = main
    main.show()
    qtbot.waitUntil(lambda: main.current_profile is not None and main.current_profile.name == "Ana", timeout=WAIT_MS)
    yield main
    qtbot.waitUntil(lambda: main.tasks.active == 0, timeout=WAIT_MS)
    main.close()
    main.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def save_settings(window, fake) -> None:
    """What the Settings dialog saves: the token (settings-file fallback here) and the fake's URL."""
    data_dir = window.ctx.database.location.data_dir
    secrets.save_apify_token(TOKEN, data_dir)
    secrets.save_apify_settings(fake.url, 24, data_dir)


def open_apify(window, qtbot):
    dialog = window.open_dialog("apify")
    assert dialog is not None and dialog.isVisible()
    return dialog


def fill(dialog, qtbot, query: str, location: str = "", max_items: int = 30, preset: str = "linkedin") -> None:
    dialog.preset_combo.setCurrentIndex(dialog.preset_combo.findData(preset))
    dialog.query_edit.clear()
    qtbot.keyClicks(dialog.query_edit, query)
    dialog.location_edit.setText(location)
    dialog.max_spin.setValue(max_items)


def wait_probe(dialog, qtbot, expected: str) -> None:
    qtbot.waitUntil(lambda: dialog.probe is not None and expected in dialog.pool_state.text(), timeout=WAIT_MS)


def start(dialog, qtbot):
    with qtbot.waitSignal(dialog.search_finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    return finished.args[0]


def cards(window, name: str) -> set:
    profile = window.ctx.profiles.get(name)
    return {card.job_pool_id for card in window.ctx.board.cards_for(profile.id)}


def test_a_new_user_sets_the_token_and_the_search_lands_on_the_board(window, fake, qtbot) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 30), polls_running=3, token=TOKEN))
    dialog = open_apify(window, qtbot)
    fill(dialog, qtbot, "Python Developer", "Berlin", 30)
    wait_probe(dialog, qtbot, "No Apify token")
    assert dialog.settings_button.isVisible()

    qtbot.mouseClick(dialog.settings_button, Qt.MouseButton.LeftButton)
    settings = dialog.settings_dialog
    qtbot.waitUntil(lambda: settings.loaded, timeout=WAIT_MS)
    assert settings.token_edit.echoMode() == settings.token_edit.EchoMode.Password
    assert "stored unencrypted in the settings file" in settings.storage_label.text()
    qtbot.keyClicks(settings.token_edit, TOKEN)
    settings.api_url_edit.setText(fake.url)
    settings.freshness_spin.setValue(12)
    with qtbot.waitSignal(settings.finished, timeout=WAIT_MS) as closed:
        qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    assert closed.args == [QDialog.DialogCode.Accepted.value]  # saved, then closed
    wait_probe(dialog, qtbot, "Not in the pool from the last 12 h")
    assert not dialog.settings_button.isVisible()

    phases: list[str] = []
    dialog.progress.connect(lambda progress: phases.append(progress.phase), Qt.ConnectionType.DirectConnection)
    report = start(dialog, qtbot)
    assert report.status == "succeeded", report.error
    assert (report.fetched, report.pool_inserts, report.links_created) == (30, 30, 30)
    assert {"scraping", "ingesting"} <= set(phases)
    assert "Pool hit 0 · Pool insert 30" in dialog.result_label.text()
    assert "Served from the pool" not in dialog.result_label.text()
    assert len(fake.runs_started(ACTOR)) == 1
    assert fake.run_inputs(ACTOR)[0]["urls"][0].endswith("keywords=Python%20Developer&location=Berlin")
    assert len(cards(window, "Ana")) == 30
    qtbot.waitUntil(lambda: window.controller.total == 30, timeout=WAIT_MS)  # the board refreshed itself


def test_a_second_profile_is_served_from_the_pool_without_a_second_run(window, fake, qtbot) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 25), polls_running=1, token=TOKEN))
    save_settings(window, fake)
    first = open_apify(window, qtbot)
    fill(first, qtbot, "Data Engineer", "Remote", 25)
    wait_probe(first, qtbot, "Not in the pool")
    assert start(first, qtbot).pool_inserts == 25
    first.reject()

    window.switch_profile(window.ctx.profiles.get("Ben"))
    second = open_apify(window, qtbot)
    assert "Ben’s board" in second.findChildren(type(second.pool_state))[1].text()
    fill(second, qtbot, "  data   ENGINEER ", "remote", 25)
    wait_probe(second, qtbot, "Fresh in the pool")
    assert second.pool_state.property("kind") == "fresh"
    report = start(second, qtbot)
    assert report.served_from_pool and report.status == "succeeded"
    assert "Served from the pool — no Apify call" in second.result_label.text()
    assert "served from the pool (no scraper call)" in second.result_label.text()
    assert len(fake.runs_started(ACTOR)) == 1  # no second paid run
    assert cards(window, "Ben") == cards(window, "Ana") and len(cards(window, "Ben")) == 25
    qtbot.waitUntil(lambda: window.controller.total == 25, timeout=WAIT_MS)


def test_cancel_aborts_the_apify_run_and_keeps_the_dialog_until_it_stopped(window, fake, qtbot) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 40), never_finishes=True, token=TOKEN))
    save_settings(window, fake)
    dialog = open_apify(window, qtbot)
    fill(dialog, qtbot, "python", "", 40)
    wait_probe(dialog, qtbot, "Not in the pool")
    with qtbot.waitSignal(dialog.search_finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.phase_label.text() == "Scraping on Apify", timeout=WAIT_MS)
        assert dialog.close_button.text() == "Cancel" and not dialog.start_button.isEnabled()
        dialog.reject()  # Esc or the window's close box: cancels, the dialog stays while the run stops
        assert dialog.isVisible()
    report = finished.args[0]
    assert report.status == "cancelled"
    started = [run.run_id for run in fake.runs_started(ACTOR)]
    assert len(started) == 1 and fake.aborted_run_ids() == started
    assert dialog.result_label.text().startswith("Cancelled: the Apify run was aborted")
    assert window.ctx.history.runs()[0].status == "cancelled"
    assert dialog.close_button.text() == "Close" and dialog.start_button.isEnabled()


def test_a_missing_token_is_a_message_with_settings_and_sends_nothing(window, fake, qtbot) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 5)))
    dialog = open_apify(window, qtbot)
    fill(dialog, qtbot, "python", "", 5)
    wait_probe(dialog, qtbot, "No Apify token")
    assert dialog.pool_state.property("kind") == "warning"
    assert not dialog.start_button.isEnabled(), "Start waits for a token"
    assert dialog.settings_button.isVisible()
    assert token_messages(dialog) == [dialog.pool_state.text()]
    # Typing on keeps Start off: the token does not come back with every pool check.
    qtbot.keyClicks(dialog.query_edit, " developer")
    assert not dialog.start_button.isEnabled()
    wait_probe(dialog, qtbot, "No Apify token")
    # A start that beat the pool check (Enter right after opening) ends in the same single message.
    with qtbot.waitSignal(dialog.search_finished, timeout=WAIT_MS) as finished:
        dialog.start()
    assert finished.args == [None]
    wait_probe(dialog, qtbot, "No Apify token")
    assert token_messages(dialog) == [dialog.pool_state.text()]
    assert not dialog.start_button.isEnabled() and dialog.settings_button.isVisible()
    assert fake.requests == []
    assert window.ctx.history.runs() == []


def token_messages(dialog) -> list[str]:
    """The visible texts of the dialog that talk about the token."""
    return [label.text() for label in dialog.findChildren(QLabel) if label.isVisible() and "token" in label.text()]


def test_a_rejected_token_shows_the_service_message_and_offers_settings(window, fake, qtbot) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 5), token=TOKEN))
    data_dir = window.ctx.database.location.data_dir
    secrets.save_apify_token("apify_api_wrong", data_dir)
    secrets.save_apify_settings(fake.url, 24, data_dir)
    dialog = open_apify(window, qtbot)
    fill(dialog, qtbot, "python", "", 5)
    wait_probe(dialog, qtbot, "Not in the pool")
    report = start(dialog, qtbot)
    assert report.status == "failed" and report.error == ApifyAuthError().message
    assert dialog.result_label.text().startswith(f"Stopped: {ApifyAuthError().message}")
    assert dialog.result_label.property("kind") == "error"
    assert "apify_api_wrong" not in dialog.result_label.text()
    assert dialog.settings_button.isVisible()


def test_a_custom_actor_template_is_validated_live_and_filled_in(window, fake, qtbot) -> None:
    custom = "someone/job-finder"
    fake.add_actor(custom, Script(items=linkedin_items(0, 8), token=TOKEN))
    save_settings(window, fake)
    dialog = open_apify(window, qtbot)
    fill(dialog, qtbot, "rust", "Lisbon", 8, preset="")
    assert dialog.is_custom and dialog.actor_edit.isVisible() and dialog.template_edit.isVisible()
    assert not dialog.start_button.isEnabled()  # no actor id yet
    qtbot.keyClicks(dialog.actor_edit, custom)
    dialog.template_edit.setPlainText('{"search": "{query}", "where": "{location}", "limit": "{max_items}",')
    assert dialog.template_state.text().startswith("✗ The actor input template is not valid JSON")
    assert not dialog.start_button.isEnabled()
    dialog.template_edit.setPlainText('{"search": "{query}", "where": "{location}", "limit": "{max_items}"}')
    assert dialog.template_state.text().startswith("✓ Valid JSON")
    wait_probe(dialog, qtbot, "Not in the pool")
    report = start(dialog, qtbot)
    assert report.status == "succeeded" and report.pool_inserts == 8
    assert fake.run_inputs(custom) == [{"search": "rust", "where": "Lisbon", "limit": 8}]


def test_history_lists_both_runs_passes_the_model_tester_and_reruns(window, fake, qtbot, qtmodeltester) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 20), token=TOKEN))
    save_settings(window, fake)
    window.ctx.live.config = ApifyConfig(token=TOKEN, api_url=fake.url, poll_interval=0.0)
    request = SearchRequest("linkedin", "Backend Engineer", "Madrid", max_items=20)
    window.ctx.live.search("Ana", request)
    window.ctx.live.search("Ben", request)

    history = window.open_dialog("history")
    qtbot.waitUntil(lambda: history.model.rowCount() == 2, timeout=WAIT_MS)
    model = history.model
    qtmodeltester.check(model)
    by_profile = {model.record(row).profile: row for row in range(2)}
    ana, ben = by_profile["Ana"], by_profile["Ben"]

    def text(row: int, column: int) -> str:
        return model.index(row, column).data()

    from ui.dialogs import history_dialog as h

    assert text(ana, h.COL_SOURCE) == "Apify · LinkedIn" and text(ben, h.COL_SOURCE) == "Pool ← LinkedIn"
    assert text(ana, h.COL_CRITERIA) == "Backend Engineer · Madrid · max 20"
    assert (text(ana, h.COL_STATUS), text(ana, h.COL_FETCHED), text(ana, h.COL_POOL_INSERTS)) == (
        "Succeeded",
        "20",
        "20",
    )
    assert (text(ben, h.COL_POOL_HITS), text(ben, h.COL_POOL_INSERTS), text(ben, h.COL_LINKS)) == ("20", "0", "20")
    assert (text(ana, h.COL_FROM_POOL), text(ben, h.COL_FROM_POOL)) == ("", "✓")
    assert model.index(ben, h.COL_FROM_POOL).data(Qt.ItemDataRole.ToolTipRole) == h.POOL_TOOLTIP
    assert text(ana, h.COL_DURATION).endswith(" s")

    history.select_row(history.proxy.mapFromSource(model.index(ana, 0)).row())
    assert history.selected_record().profile == "Ana" and history.rerun_button.isEnabled()
    qtbot.mouseClick(history.rerun_button, Qt.MouseButton.LeftButton)
    rerun = history.rerun_dialog
    assert (
        rerun.preset_combo.currentData(),
        rerun.query_edit.text(),
        rerun.location_edit.text(),
        rerun.max_spin.value(),
    ) == ("linkedin", "Backend Engineer", "Madrid", 20)
    wait_probe(rerun, qtbot, "Fresh in the pool")
    rerun.force_check.setChecked(True)  # scrape again: a real second actor run
    wait_probe(rerun, qtbot, "you asked to scrape again")
    report = start(rerun, qtbot)
    assert report.status == "succeeded" and not report.served_from_pool and report.pool_hits == 20
    assert len(fake.runs_started(ACTOR)) == 2
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=WAIT_MS)  # refreshed after the ingestion
    assert model.record(0).source == "apify:linkedin" and model.record(0).profile == "Ana"


def test_history_shows_a_failed_run_with_its_error_and_no_rerun_for_files(window, fake, qtbot, tmp_path) -> None:
    fake.add_actor(
        ACTOR,
        Script(
            items=linkedin_items(0, 30),
            polls_running=1,
            final_status="FAILED",
            fail_after=12,
            status_message="The actor crashed",
            token=TOKEN,
        ),
    )
    window.ctx.live.config = ApifyConfig(token=TOKEN, api_url=fake.url, poll_interval=0.0)
    window.ctx.live.search("Ana", SearchRequest("linkedin", "qa", None, max_items=30))
    export = tmp_path / "export.json"
    export.write_text(json.dumps(linkedin_items(100, 103)), encoding="utf-8")
    window.ctx.ingestion.ingest_file("Ana", str(export))

    history = window.open_dialog("history")
    qtbot.waitUntil(lambda: history.model.rowCount() == 2, timeout=WAIT_MS)
    from ui.dialogs import history_dialog as h

    model = history.model
    failed = next(row for row in range(2) if model.record(row).status == "failed")
    file_row = 1 - failed
    assert model.index(failed, h.COL_STATUS).data() == "Failed"
    assert model.index(failed, h.COL_FETCHED).data() == "12"
    assert "The actor crashed" in model.index(failed, h.COL_STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(file_row, h.COL_SOURCE).data().startswith("File · ")
    assert model.index(file_row, h.COL_CRITERIA).data() == "export.json"
    history.select_row(history.proxy.mapFromSource(model.index(file_row, 0)).row())
    assert not history.rerun_button.isEnabled() and history.rerun_selected() is None


def test_history_model_inserts_new_runs_at_the_top_without_a_reset(window, fake, qtbot, qtmodeltester) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 6), token=TOKEN))
    window.ctx.live.config = ApifyConfig(token=TOKEN, api_url=fake.url, poll_interval=0.0)
    window.ctx.live.search("Ana", SearchRequest("linkedin", "first", None, max_items=6))
    from ui.dialogs.history_dialog import HistoryModel

    model = HistoryModel()
    qtmodeltester.check(model)
    model.set_records(window.ctx.history.runs())
    window.ctx.live.search("Ben", SearchRequest("linkedin", "second", None, max_items=6))
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsInserted):
        model.set_records(window.ctx.history.runs())
    assert [model.record(row).criteria["query"] for row in range(2)] == ["second", "first"]
    qtmodeltester.check(model)


def test_settings_show_hide_validation_and_where_the_token_is_kept(window, qtbot, monkeypatch) -> None:
    from tests.app.test_settings import MemoryKeyring
    from ui.dialogs.settings_dialog import SettingsDialog

    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    dialog = SettingsDialog(window)
    dialog.open()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=WAIT_MS)
    assert dialog.storage_label.text().startswith("The token is kept in the system keyring")
    assert dialog.storage_label.property("kind") == "info"
    qtbot.keyClicks(dialog.token_edit, TOKEN)
    assert dialog.token_edit.echoMode() == dialog.token_edit.EchoMode.Password
    dialog.show_token.setChecked(True)
    assert dialog.token_edit.echoMode() == dialog.token_edit.EchoMode.Normal
    dialog.api_url_edit.setText("127.0.0.1:9000")
    assert not dialog.save_button.isEnabled() and "http://" in dialog.error_label.text()
    dialog.api_url_edit.setText("http://127.0.0.1:9000")
    assert dialog.save_button.isEnabled() and dialog.error_label.isHidden()
    assert dialog.threshold_spin.value() == window.ctx.matching.recommendations.threshold
    dialog.threshold_spin.setValue(0.55)
    assert dialog.follow_up_spin.value() == secrets.DEFAULT_FOLLOW_UP_DAYS
    dialog.follow_up_spin.setValue(0)
    assert dialog.follow_up_spin.text() == "Off"
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].storage == secrets.TokenStorage.KEYRING
    data_dir = window.ctx.database.location.data_dir
    assert memory.items == {(secrets.KEYRING_SERVICE, secrets.KEYRING_USER): TOKEN}
    assert TOKEN not in secrets.settings_path(data_dir).read_text(encoding="utf-8")
    assert window.ctx.live.config.token == TOKEN and window.ctx.live.config.api_url == "http://127.0.0.1:9000"
    assert window.ctx.matching.recommendations.threshold == 0.55
    assert secrets.load_fanout_threshold(data_dir) == 0.55
    assert secrets.load_follow_up_days(data_dir) == 0

    monkeypatch.setenv(secrets.TOKEN_ENV, "apify_api_from_the_environment")
    again = SettingsDialog(window)
    again.open()
    qtbot.waitUntil(lambda: again.loaded, timeout=WAIT_MS)
    assert again.token_edit.text() == TOKEN  # the saved token is what the dialog edits
    assert again.threshold_spin.value() == 0.55 and again.follow_up_spin.value() == 0
    assert again.storage_label.text().startswith("APIFY_TOKEN is set in the environment")
    again.reject()
