"""Titles, companies and profile names are shown as typed: never interpreted as rich text, never with escapes."""

from __future__ import annotations

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel
from sqlalchemy import text

from app.errors import InvalidInput
from app.records import JobStatus
from tests.support.synthetic import linkedin_items
from tests.ui.helpers import ScriptedPrompts
from ui.shell.main_window import MainWindow
from ui.support.plain_text import tooltip_text
from ui.support.window_state import AppSettings

TITLE = "<b>Bold</b> & <a href='https://x.example'>Co</a>"
COMPANY = "<i>Acme</i>"
PROFILE = "<u>Ann</u>"


def shows_literally(label: QLabel) -> bool:
    """Whether Qt draws the label's text as it is (plain text, or automatic text Qt takes for plain)."""
    fmt = label.textFormat()
    if fmt == Qt.TextFormat.PlainText:
        return True
    return fmt == Qt.TextFormat.AutoText and not QtGui.Qt.mightBeRichText(label.text())


def rendered(tooltip: str) -> str:
    """The text a tooltip shows: Qt renders it as rich text when it looks like rich text."""
    document = QTextDocument()
    if QtGui.Qt.mightBeRichText(tooltip):
        document.setHtml(tooltip)
    else:
        document.setPlainText(tooltip)
    return document.toPlainText()


def test_a_markup_title_shows_literally_in_the_pane_the_tooltip_and_the_status_bar(ctx, qtbot, loop, tmp_path):
    profile = ctx.profiles.add(PROFILE)
    ctx.ingestion.run(profile.id, [linkedin_items(0, 1)], source="test", embed=False)
    card = ctx.board.cards_for(profile.id)[0]
    with ctx.database.engine.begin() as conn:
        conn.execute(
            text("UPDATE job_pool SET title = :title, company = :company WHERE id = :id"),
            {"title": TITLE, "company": COMPANY, "id": card.job_pool_id},
        )
    window = MainWindow(ctx, settings=AppSettings(tmp_path / "s.ini"), prompts=ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.total == 1, timeout=10_000)
    window.board_view.select_cards(JobStatus.RECOMMENDED, [card.user_job_id])
    pane = window.detail
    qtbot.waitUntil(lambda: pane.detail is not None, timeout=10_000)
    qtbot.waitUntil(lambda: window.status.cards_label.text().startswith(PROFILE), timeout=10_000)

    assert pane.title.text() == TITLE and COMPANY in pane.subtitle.text()
    showing_data = [
        label
        for label in window.findChildren(QLabel)
        if any(marker in label.text() for marker in ("<b>", "<i>", "<u>"))
    ]
    assert {pane.title, pane.subtitle, window.status.cards_label} <= set(showing_data)
    assert [label.objectName() for label in showing_data if not shows_literally(label)] == []

    model = window.controller.models[JobStatus.RECOMMENDED]
    tip = model.data(model.index(model.row_of(card.user_job_id)), Qt.ItemDataRole.ToolTipRole)
    shown = rendered(tip)
    assert TITLE in shown and COMPANY in shown
    window.close()


def test_tooltips_keep_markup_and_line_breaks_as_text():
    assert rendered(tooltip_text("<b>Bold</b>\nsecond line")) == "<b>Bold</b>\nsecond line"
    assert tooltip_text("") == ""


def test_profile_names_lose_terminal_escapes_and_control_characters(ctx):
    added = ctx.profiles.add("\x1b[31mRed\x1b[0m Team\x07")
    assert added.name == "Red Team"
    renamed = ctx.profiles.rename(added.id, "\x1b]0;window title\x07Blue\tTeam\x1b[1m\x00")
    assert renamed.name == "Blue Team"
    assert [p.name for p in ctx.profiles.list()] == ["Blue Team"]
    assert ctx.profiles.get("\x1b[32mBlue Team\x1b[0m").id == added.id
    with pytest.raises(InvalidInput):
        ctx.profiles.add("\x1b[31m\x07\x1b[0m")
