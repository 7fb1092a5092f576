"""The detail pane shows everything about the current card: posting, match, gap analysis, tags, other profiles."""

from __future__ import annotations

import json

from sqlalchemy import text

from app.records import JobStatus
from tests.support.synthetic import linkedin_items
from tests.ui.helpers import ScriptedPrompts
from ui.shell.main_window import MainWindow
from ui.support.window_state import AppSettings


def test_detail_pane_shows_match_gaps_tags_and_other_profiles(ctx, qtbot, loop, tmp_path):
    alex = ctx.profiles.add("Alex")
    ctx.ingestion.run(alex.id, [linkedin_items(0, 3)], source="test", embed=False, criteria_tags=["python · Berlin"])
    sam = ctx.profiles.add("Sam")
    ctx.ingestion.run(sam.id, [linkedin_items(0, 1)], source="test", embed=False)
    card = next(
        c
        for c in ctx.board.cards_for(alex.id)
        if c.title == linkedin_items(0, 1)[0]["title"] and c.company == linkedin_items(0, 1)[0]["companyName"]
    )
    gap = {"have": ["Python", "PostgreSQL"], "missing": ["Kubernetes"]}
    with ctx.database.engine.begin() as conn:  # scores come from the matching service; written directly here
        conn.execute(
            text("UPDATE user_job SET match_score = 82, gap_analysis = CAST(:gap AS jsonb) WHERE id = :id"),
            {"gap": json.dumps(gap), "id": card.user_job_id},
        )
    window = MainWindow(ctx, settings=AppSettings(tmp_path / "s.ini"), prompts=ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.total == 3, timeout=10_000)
    window.board_view.select_cards(JobStatus.RECOMMENDED, [card.user_job_id])
    pane = window.detail
    qtbot.waitUntil(
        lambda: pane.detail is not None and pane.detail.card.user_job_id == card.user_job_id, timeout=10_000
    )
    assert pane.title.text() == card.title and card.company in pane.subtitle.text()
    assert pane.score.text() == "Match 82%" and not pane.score.isHidden()
    assert pane.have_chips.chips == ["Python", "PostgreSQL"] and pane.missing_chips.chips == ["Kubernetes"]
    assert pane.tag_chips.chips == ["python · Berlin"]
    assert "tracked by 1 other profile" in pane.tracking.text()
    assert "via LinkedIn" in pane.meta.text() and "Posted" in pane.meta.text()
    assert pane.description.toPlainText().strip() == ctx.board.detail(card.user_job_id).description.strip()
    assert pane.status_box.currentText() == "Recommended"
    model = window.controller.models[JobStatus.RECOMMENDED]
    assert model.card_at(model.row_of(card.user_job_id)).match_score == 82
    window.close()
