"""The detail pane's skill gaps come from the card's best résumé; the switcher shows the other résumés' gaps."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.records import JobStatus
from tests.support.matching_samples import JOBS, NURSE_RESUME, PYTHON_RESUME
from tests.ui.helpers import ScriptedPrompts
from ui.shell.main_window import MainWindow
from ui.support.window_state import AppSettings

HOSTILE_LABEL = "<b>Care</b>"


def test_detail_pane_switches_between_resume_gaps(ctx, qtbot, loop, tmp_path):
    ctx.profiles.add("Dana")
    ctx.matching.resumes.add_resume("Dana", NURSE_RESUME, HOSTILE_LABEL)
    ctx.matching.resumes.add_resume("Dana", PYTHON_RESUME, "Backend")
    ctx.ingestion.run("Dana", [JOBS], source="test")
    dana = ctx.profiles.get("Dana")
    card = next(c for c in ctx.board.cards_for(dana.id) if c.title == "Senior Python Backend Engineer")
    assert card.best_resume == "Backend"
    others = {g.label: g for g in ctx.matching.resumes.card_gaps(card.user_job_id)}

    window = MainWindow(ctx, settings=AppSettings(tmp_path / "s.ini"), prompts=ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.total == len(JOBS), timeout=10_000)
    pane, switcher = window.detail, window.detail.resume_switcher
    assert switcher is not None
    with qtbot.waitSignal(switcher.gaps_loaded, timeout=10_000):
        window.board_view.select_cards(JobStatus.RECOMMENDED, [card.user_job_id])
    assert switcher.isVisible()
    model = window.controller.models[JobStatus.RECOMMENDED]
    tooltip = model.data(model.index(model.row_of(card.user_job_id)), Qt.ItemDataRole.ToolTipRole)
    assert f"Match score {card.match_score} with the résumé “Backend”" in tooltip
    assert [switcher.box.itemText(i) for i in range(switcher.box.count())] == [
        f"Backend · {card.match_score} % (best)",
        f"{HOSTILE_LABEL} · {others[HOSTILE_LABEL].score} %",
    ]
    assert pane.missing_chips.chips == card.gap_analysis["missing"]
    assert pane.have_label.text() == "Matches “Backend”"

    switcher.choose(1)
    assert pane.missing_chips.chips == others[HOSTILE_LABEL].missing
    assert pane.have_chips.chips == others[HOSTILE_LABEL].have
    assert pane.missing_label.text() == f"Missing from “{HOSTILE_LABEL}”"  # plain text, not markup
    assert set(others[HOSTILE_LABEL].missing) > set(card.gap_analysis["missing"])  # the nursing résumé lacks more
    with qtbot.waitSignal(pane.detail_loaded, timeout=10_000):
        pane.reload()  # rereading the card keeps the résumé chosen
    assert pane.missing_chips.chips == others[HOSTILE_LABEL].missing
    switcher.choose(0)
    assert pane.missing_chips.chips == card.gap_analysis["missing"]
    window.close()


def test_switcher_stays_hidden_with_one_resume(ctx, qtbot, loop, tmp_path):
    ctx.profiles.add("Dana")
    ctx.matching.resumes.add_resume("Dana", PYTHON_RESUME, "Backend")
    ctx.ingestion.run("Dana", [JOBS[:2]], source="test")
    card = ctx.board.cards_for(ctx.profiles.get("Dana").id)[0]
    window = MainWindow(ctx, settings=AppSettings(tmp_path / "s.ini"), prompts=ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.total == 2, timeout=10_000)
    switcher = window.detail.resume_switcher
    with qtbot.waitSignal(switcher.gaps_loaded, timeout=10_000):
        window.board_view.select_cards(JobStatus.RECOMMENDED, [card.user_job_id])
    assert not switcher.isVisible() and switcher.box.count() == 1
    assert window.detail.missing_chips.chips == card.gap_analysis["missing"]
    window.close()
