"""Jobs → Saved searches and the window's background runner: real PostgreSQL, the real apify-client against the fake
Apify server, real widgets offscreen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QDialog

from app.ingestion.live import ApifyConfig
from app.searches.schedule import Schedule
from tests.support.fake_apify import FakeApify, Script
from tests.support.synthetic import linkedin_items
from tests.ui.helpers import ScriptedPrompts
from ui.dialogs.saved_searches_dialog import COL_OUTCOME, HEADERS

ACTOR = "curious_coder/linkedin-jobs-scraper"
TOKEN = "apify_api_ui_test_token"
WAIT_MS = 30_000
HOSTILE = '<img src=x onerror=alert(1)><a href="javascript:x">python</a>'


@pytest.fixture
def fake() -> Iterator[FakeApify]:
    with FakeApify() as server:
        yield server


@pytest.fixture
def window(ctx, fake, loop, qtbot, tmp_path, monkeypatch):
    """The main window on profile Ana, Apify pointed at the fake through the environment."""
    from ui.shell.main_window import MainWindow
    from ui.support.window_state import AppSettings

    monkeypatch.setenv("APIFY_TOKEN", TOKEN)
    monkeypatch.setenv("APIFY_API_URL", fake.url)
    ctx.live.config = ApifyConfig(token=TOKEN, api_url=fake.url, poll_interval=0.0)
    ctx.profiles.add("Ana")
    main = MainWindow(ctx, settings=AppSettings(tmp_path / "window.ini"), prompts=ScriptedPrompts())
    main.show()
    qtbot.waitUntil(lambda: main.current_profile is not None, timeout=WAIT_MS)
    yield main
    qtbot.waitUntil(lambda: main.tasks.active == 0, timeout=WAIT_MS)
    main.close()
    main.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _open(window, qtbot):
    window.menu_actions["saved_searches"].trigger()
    dialog = window.last_dialog
    assert isinstance(dialog, QDialog) and dialog.isVisible() and dialog.windowTitle().endswith("Ana")
    return dialog


def _cell(dialog, row: int, header: str) -> str:
    return dialog.table.item(row, HEADERS.index(header)).text()


def test_add_run_in_the_background_pause_resume_and_remove(window, fake, qtbot) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 12), token=TOKEN, polls_running=2))
    dialog = _open(window, qtbot)
    assert dialog.table.rowCount() == 0
    dialog.actor.setCurrentIndex(dialog.actor.findData("linkedin"))
    dialog.query.setText(HOSTILE)
    dialog.location.setText("Berlin")
    dialog.max_items.setValue(12)
    dialog.every_hours.setValue(6)
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=WAIT_MS)
    assert _cell(dialog, 0, "Query") == HOSTILE  # shown as typed, never as markup
    assert (_cell(dialog, 0, "Schedule"), _cell(dialog, 0, "Last outcome")) == ("every 6 h", "never run")
    [saved] = window.ctx.searches.list("Ana")
    assert (saved.actor, saved.location, saved.max_items) == ("linkedin", "Berlin", 12)

    # The window's runner: never modal, progress in the status bar, the board and the dialog follow.
    progress: list[str] = []
    window.search_scheduler.progress.connect(progress.append)
    with qtbot.waitSignal(window.search_scheduler.pass_finished, timeout=WAIT_MS) as finished:
        window.search_scheduler.run_pass()
    assert [o.status for o in finished.args[0].ran] == ["succeeded"]
    assert any(text.startswith("Saved search 1/1 · Ana:") for text in progress) and progress[-1] == ""
    assert not window.search_label.isVisible()
    assert window.findChildren(QDialog, options=Qt.FindChildOption.FindDirectChildrenOnly) == [dialog]
    qtbot.waitUntil(lambda: _cell(dialog, 0, "Last outcome") == "succeeded", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.status.cards_label.text() != "", timeout=WAIT_MS)
    assert len(window.ctx.board.cards_for(window.current_profile.id)) == 12

    dialog.table.selectRow(0)
    assert dialog.pause_button.text() == "Pause"
    dialog.pause_button.click()
    qtbot.waitUntil(lambda: _cell(dialog, 0, "Next run") == "paused", timeout=WAIT_MS)
    assert dialog.pause_button.text() == "Resume"
    assert not dialog.run_now_button.isEnabled()
    dialog.pause_button.click()
    qtbot.waitUntil(lambda: _cell(dialog, 0, "Next run") != "paused", timeout=WAIT_MS)
    assert not window.ctx.searches.get(saved.id).paused

    dialog.remove_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=WAIT_MS)
    assert window.prompts.confirmations
    assert window.ctx.searches.list() == []


def test_a_paused_search_shows_why(window, fake, qtbot) -> None:
    fake.add_actor(ACTOR, Script(refuse_start=(402, "not-enough-usage-to-run-paid-actor")))
    search = window.ctx.searches.add("Ana", "linkedin", "go", None, 5, Schedule(1))
    messages: list[str] = []
    window.search_scheduler.paused.connect(messages.append)
    for _ in range(3):
        with qtbot.waitSignal(window.search_scheduler.pass_finished, timeout=WAIT_MS):
            window.search_scheduler.run_pass()
        window.ctx.searches.make_due(search.id)
    assert len(messages) == 1 and "out of credit" in messages[0]
    assert window.message_bar.text == messages[0]
    dialog = _open(window, qtbot)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=WAIT_MS)
    outcome = dialog.table.item(0, COL_OUTCOME)
    assert outcome.text().startswith("paused: 3 failures in a row") and "HTTP 402" in outcome.text()
    assert "HTTP 402" in outcome.toolTip()
    dialog.table.selectRow(0)
    assert dialog.pause_button.text() == "Resume"


def test_a_weekly_schedule_from_the_form(window, qtbot) -> None:
    dialog = _open(window, qtbot)
    dialog.query.setText("data")
    dialog.weekly_radio.setChecked(True)
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Not done:"), timeout=WAIT_MS)
    dialog.day_boxes[0].setChecked(True)
    dialog.day_boxes[3].setChecked(True)
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=WAIT_MS)
    assert _cell(dialog, 0, "Schedule") == "mon, thu at 08:00"
