"""Jobs → Add job…: fetch a page into the form, edit, add; by hand; from a saved page; a link dropped on a column."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialog

from app.records import JobStatus
from tests.support.page_server import page_server
from tests.support.paths import JOB_PAGES
from tests.ui.helpers import ScriptedPrompts
from ui.board.dropped_links import dropped_link
from ui.dialogs.add_job_dialog import NO_POSTING, AddJobByHandDialog, AddJobDialog
from ui.shell.main_window import MainWindow
from ui.support.window_state import AppSettings


@pytest.fixture
def server():
    with page_server() as base:
        yield base


@pytest.fixture
def window(ctx, qtbot, loop, tmp_path):
    """A window showing "Alex", whose board is empty."""
    ctx.profiles.add("Alex")
    main = MainWindow(ctx, settings=AppSettings(tmp_path / "settings.ini"), prompts=ScriptedPrompts())
    main.prompts.parent = main
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    qtbot.waitUntil(lambda: main.current_profile is not None, timeout=10_000)
    yield main
    main.close()


def cards(ctx, status: str | None = None):
    profile = ctx.profiles.get("Alex")
    return ctx.board.cards_for(profile.id, JobStatus(status) if status else None, None)


def test_fetch_fills_the_form_and_add_puts_the_edited_job_on_the_board(window, ctx, qtbot, server) -> None:
    window.menu_actions["add_job"].trigger()
    dialog = window.last_dialog
    assert isinstance(dialog, AddJobDialog)
    with qtbot.waitSignal(dialog.draft_shown, timeout=15_000):
        dialog.fetch(f"{server}/pages/greenhouse_sonatus_senior-staff-ai-engineer.html")
    assert (dialog.title_edit.text(), dialog.company_edit.text()) == ("Senior Staff AI Engineer", "Sonatus")
    assert (dialog.location_edit.text(), dialog.salary_min_edit.text(), dialog.salary_max_edit.text()) == (
        "Sunnyvale, CA",
        "227500",
        "300000",
    )
    assert dialog.posted_edit.text() == "2026-03-09" and not dialog.message.isVisible()
    dialog.location_edit.setText("Sunnyvale, CA (hybrid)")
    dialog.set_status("applied")
    with qtbot.waitSignal(dialog.added, timeout=20_000) as added:
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert added.args[0].source == "url" and added.args[0].location == "Sunnyvale, CA (hybrid)"
    assert [c.title for c in cards(ctx, "applied")] == ["Senior Staff AI Engineer"]
    qtbot.waitUntil(lambda: "Added" in window.message_bar.text, timeout=5_000)


def test_a_page_without_a_posting_says_so_and_keeps_address_and_title(window, qtbot, server, tmp_path) -> None:
    wall = tmp_path / "wall.html"
    wall.write_text("<html><head><title>Sign in &lt;b&gt;now&lt;/b&gt;</title></head><body></body></html>")
    dialog = window.open_dialog("add_job")
    with qtbot.waitSignal(dialog.draft_shown, timeout=10_000):
        dialog.load_file(wall)
    assert dialog.message.text() == NO_POSTING and dialog.message.textFormat() == Qt.TextFormat.PlainText
    assert dialog.title_edit.text() == "Sign in now"  # markup in a page title is dropped, not rendered
    assert dialog.company_edit.text() == ""
    dialog.add()
    assert "title and a company" in dialog.message.text()  # nothing added without a company


def test_a_refused_address_is_reported_in_the_dialog(window, qtbot) -> None:
    dialog = window.open_dialog("add_job")
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as failed:
        dialog.fetch("javascript:alert(1)")
    assert "Only http:// and https://" in failed.args[0] and not dialog.busy


def test_add_by_hand_is_the_same_form_empty(window, ctx, qtbot) -> None:
    window.menu_actions["add_job_by_hand"].trigger()
    dialog = window.last_dialog
    assert isinstance(dialog, AddJobByHandDialog)
    assert dialog.title_edit.text() == "" and not dialog.fetch_button.isVisible()
    dialog.title_edit.setText("Engineer")
    dialog.company_edit.setText("Initech")
    dialog.salary_min_edit.setText("90,000")
    dialog.salary_max_edit.setText("lots")
    dialog.add()
    assert "Salary maximum" in dialog.message.text()
    dialog.salary_max_edit.setText("120000")
    with qtbot.waitSignal(dialog.added, timeout=20_000) as added:
        dialog.add()
    assert added.args[0].source == "manual" and added.args[0].salary_min == 90000
    assert [c.title for c in cards(ctx)] == ["Engineer"]


def test_add_job_from_saved_page(window, ctx, qtbot) -> None:
    dialog = window.add_job_from_file(str(JOB_PAGES / "workday_medtronic_fpa-consultant.html"))
    assert isinstance(dialog, AddJobDialog)
    qtbot.waitUntil(lambda: dialog.title_edit.text() == "FP&A Consultant", timeout=10_000)
    assert dialog.company_edit.text() == "Medtronic"
    assert dialog.url_edit.text().startswith("https://medtronic.wd1.myworkdayjobs.com/")


def test_ctrl_l_is_the_add_job_shortcut(window) -> None:
    assert window.menu_actions["add_job"].shortcut().toString() == "Ctrl+L"


@pytest.mark.parametrize(
    ("kind", "payload", "expected"),
    [
        ("urls", "https://jobs.example.com/1", "https://jobs.example.com/1"),
        ("text", "  https://jobs.example.com/2\n", "https://jobs.example.com/2"),
        ("urls", "javascript:alert(1)", None),
        ("text", "file:///etc/passwd", None),
        ("text", "look at https://x.example", None),
    ],
)
def test_dropped_link_takes_http_addresses_only(kind: str, payload: str, expected: str | None, qapp) -> None:
    mime = QMimeData()
    if kind == "urls":
        mime.setUrls([QUrl(payload)])
    else:
        mime.setText(payload)
    assert dropped_link(mime) == expected


def test_a_link_dropped_on_a_column_opens_the_form_for_that_column(window, ctx, qtbot, server) -> None:
    view = window.board_view.columns[JobStatus.INTERVIEWING].view
    mime = QMimeData()
    mime.setUrls([QUrl(f"{server}/pages/lever_leverdemo_software-engineer.html")])
    event = QDropEvent(
        QPointF(QPoint(20, 20)),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.dropEvent(event)
    assert event.isAccepted()
    dialog = window.last_dialog
    assert isinstance(dialog, AddJobDialog)
    qtbot.waitUntil(lambda: dialog.company_edit.text() == "Lever Demo 2", timeout=15_000)
    assert dialog.status_combo.currentData() == "interviewing"
    with qtbot.waitSignal(dialog.added, timeout=20_000):
        dialog.add()
    assert [c.title for c in cards(ctx, "interviewing")] == ["Software Engineer"]
