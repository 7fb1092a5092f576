"""The detail pane tells a repost of a job the profile applied to, and a posting date inferred from an age."""

from __future__ import annotations

from sqlalchemy import text

from app.records import JobStatus
from tests.support.synthetic import linkedin_items
from tests.ui.helpers import ScriptedPrompts
from ui.shell.main_window import MainWindow
from ui.support.window_state import AppSettings


def test_detail_pane_says_when_a_repost_was_applied_to_and_when_a_date_was_inferred(ctx, qtbot, loop, tmp_path):
    alex = ctx.profiles.add("Alex")
    item = {**linkedin_items(0, 1)[0], "postedAt": "3 weeks ago"}
    ctx.ingestion.run(alex.id, [[item]], source="test", embed=False)
    card = ctx.board.cards_for(alex.id)[0]
    ctx.cards.move_job("Alex", card.job_pool_id, "applied")
    with ctx.database.engine.begin() as conn:  # the application and the last sighting, a month ago
        conn.execute(text("UPDATE user_job SET status_changed_at = '2026-03-03T12:00:00Z'"))
        conn.execute(text("UPDATE job_pool SET scraped_at = '2026-03-04T12:00:00Z'"))
    ctx.ingestion.run(alex.id, [[item]], source="test", embed=False)  # the posting comes back
    window = MainWindow(ctx, settings=AppSettings(tmp_path / "s.ini"), prompts=ScriptedPrompts())
    window.prompts.parent = window
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.controller.has_loaded and window.controller.total == 1, timeout=10_000)
    window.board_view.select_cards(JobStatus.APPLIED, [card.user_job_id])
    pane = window.detail
    qtbot.waitUntil(lambda: pane.detail is not None, timeout=10_000)

    assert pane.tracking.text().startswith("You applied to this on 3 Mar (an earlier version of this posting).")
    assert "seen 2 times" in pane.tracking.text()
    assert "(from its age)" in pane.meta.text()
    window.close()
