"""The detail pane's "possible duplicate of …" banner: shown as plain text, Merge and Not a duplicate work."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton
from sqlalchemy import text

from app.records import JobStatus
from tests.ui.helpers import ScriptedPrompts
from ui.shell.main_window import MainWindow
from ui.support.window_state import AppSettings

ITEMS = [
    {"id": "1", "title": "Senior QA Analyst", "companyName": "Initech", "location": "Berlin, Germany"},
    {"id": "2", "title": "Sr. QA Analyst (m/w/d)", "companyName": "Initech GmbH", "location": "Berlin"},
    {"id": "3", "title": "Junior Developer", "companyName": "Initech", "location": "Austin, TX"},
    {"id": "4", "title": "Jr. Developer", "companyName": "Initech", "location": "Austin, Texas, USA"},
    {"id": "5", "title": "Office Manager", "companyName": "Initech", "location": "Berlin"},
]


def _button(banner, label: str) -> QPushButton:
    return next(b for b in banner.findChildren(QPushButton) if b.text() == label and b.isVisible())


def test_banner_merge_and_not_a_duplicate(ctx, qtbot, loop, tmp_path):
    alex = ctx.profiles.add("Alex")
    items = [dict(item, descriptionText="Test the TPS reports.") for item in ITEMS]
    ctx.ingestion.run(alex.id, [items], source="test", embed=False)
    window = MainWindow(ctx, settings=AppSettings(tmp_path / "s.ini"), prompts=ScriptedPrompts())
    qtbot.addWidget(window)
    window.resize(1440, 880)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.controller.has_loaded and window.controller.total == 5, timeout=30_000)
    cards = {c.title: c for c in ctx.board.cards_for(alex.id)}
    banner = window.detail.duplicates
    assert banner is not None

    window.board_view.select_cards(JobStatus.RECOMMENDED, [cards["Sr. QA Analyst (m/w/d)"].user_job_id])
    qtbot.waitUntil(lambda: banner.isVisible() and len(banner.items) == 1, timeout=30_000)
    labels = [label.text() for label in banner.findChildren(QLabel, "duplicateText")]
    assert labels == ["Possible duplicate of “Senior QA Analyst” at Initech, Berlin, Germany (title spelling)"]
    assert all(label.textFormat() == label.textFormat().PlainText for label in banner.findChildren(QLabel))
    with qtbot.waitSignal(banner.answered, timeout=30_000):
        _button(banner, "Not a duplicate").click()
    qtbot.waitUntil(lambda: banner.isHidden() and banner.items == [], timeout=30_000)
    remaining = ctx.duplicates.possible_duplicates("Alex")
    # Cards added in one import share their added time: either of the two may be listed as the later one.
    assert [{d.title, d.duplicate_of_title} for d in remaining] == [{"Jr. Developer", "Junior Developer"}]

    window.board_view.select_cards(JobStatus.RECOMMENDED, [cards["Junior Developer"].user_job_id])
    qtbot.waitUntil(lambda: banner.isVisible() and len(banner.items) == 1, timeout=30_000)
    with qtbot.waitSignal(banner.answered, timeout=30_000):
        _button(banner, "Merge").click()
    qtbot.waitUntil(lambda: window.controller.total == 4, timeout=30_000)
    with ctx.database.sessions() as session:
        titles = session.execute(text("SELECT title FROM job_pool ORDER BY title")).scalars().all()
    assert len(titles) == 4 and ("Junior Developer" in titles) != ("Jr. Developer" in titles)
    assert ctx.duplicates.possible_duplicates("Alex") == []
    window.close()
