"""The Résumé and Discover dialogs in a real window over a real database (offscreen Qt)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from tests.app.matching.test_resume import text_pdf
from tests.support.matching_samples import JOBS, NURSE_RESUME, PYTHON_RESUME
from tests.ui.helpers import ScriptedPrompts
from ui.dialogs.discover_dialog import ADD_TEXT, ADDED_TEXT, COL_ADD, COL_SCORE, COL_TITLE, RECORD_ROLE, DiscoverDialog
from ui.dialogs.resume_dialog import ResumeDialog
from ui.shell.main_window import MainWindow
from ui.support.window_state import AppSettings

PYTHON_TITLES = {job["title"] for job in JOBS if job["family"] == "python"}


@pytest.fixture
def window(ctx, qtbot, loop, tmp_path):
    """A window showing "Dana" (no cards, no résumé yet); "Scout" brought every sample job into the pool."""
    ctx.matching.recommendations.threshold = 1.0  # nothing is recommended to Dana by itself: Discover has to find it
    ctx.profiles.add("Scout")
    ctx.profiles.add("Dana")
    ctx.ingestion.run("Scout", [JOBS], source="test")
    main = MainWindow(ctx, settings=AppSettings(tmp_path / "settings.ini"), prompts=ScriptedPrompts())
    main.prompts.parent = main
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    qtbot.waitUntil(lambda: main.current_profile is not None and main.current_profile.name == "Dana", timeout=10_000)
    yield main
    main.close()


def open_resume_dialog(window, qtbot) -> ResumeDialog:
    dialog = window.open_dialog("resume")
    assert isinstance(dialog, ResumeDialog)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    return dialog


def test_resume_dialog_previews_skills_saves_and_rescores(window, ctx, qtbot):
    dialog = open_resume_dialog(window, qtbot)
    assert dialog.editor.toPlainText() == "" and not dialog.clear_button.isEnabled()

    dialog.editor.setPlainText(PYTHON_RESUME)
    qtbot.waitUntil(lambda: "Kubernetes" in dialog.skill_chips.chips, timeout=5_000)
    assert {"Python", "Django", "PostgreSQL"} <= set(dialog.skill_chips.chips)

    with qtbot.waitSignal(dialog.saved, timeout=15_000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].profile_name == "Dana"
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert ctx.matching.resumes.resume("Dana").text.startswith("Dana Kowalski")
    assert "cards rescored" in window.message_bar.text

    again = open_resume_dialog(window, qtbot)
    assert again.editor.toPlainText().startswith("Dana Kowalski") and again.clear_button.isEnabled()
    again.reject()


def test_resume_dialog_imports_files_and_explains_bad_ones(window, ctx, qtbot, tmp_path):
    dialog = open_resume_dialog(window, qtbot)
    pdf = text_pdf(tmp_path / "cv.pdf", ["Maria Santos RN", "Patient care, IV therapy, BLS, ACLS"])
    dialog.import_file(pdf)
    qtbot.waitUntil(lambda: "Maria Santos RN" in dialog.editor.toPlainText(), timeout=10_000)
    qtbot.waitUntil(lambda: "Registered Nurse" in dialog.skill_chips.chips, timeout=5_000)
    assert "Imported cv.pdf" in dialog.status_label.text()
    assert ctx.matching.resumes.resume("Dana").text is None  # importing fills the editor; only Save stores

    empty = tmp_path / "empty.txt"
    empty.write_text("")
    dialog.import_file(empty)
    qtbot.waitUntil(lambda: "is empty" in dialog.status_label.text(), timeout=10_000)
    assert "Maria Santos RN" in dialog.editor.toPlainText()  # a bad file loses nothing already typed

    dialog.editor.setPlainText("   ")
    dialog.save()
    qtbot.waitUntil(lambda: "empty" in dialog.status_label.text() and not dialog.busy, timeout=10_000)
    assert dialog.isVisible() and ctx.matching.resumes.resume("Dana").text is None
    dialog.reject()


def test_resume_dialog_removes_a_resume_after_confirmation(window, ctx, qtbot):
    ctx.matching.resumes.set_resume("Dana", PYTHON_RESUME)
    dialog = open_resume_dialog(window, qtbot)
    assert dialog.clear_button.isEnabled()
    window.prompts.confirm_answer = False
    dialog.clear_resume()
    assert ctx.matching.resumes.resume("Dana").text is not None
    window.prompts.confirm_answer = True
    dialog.clear_resume()
    qtbot.waitUntil(lambda: "was removed" in dialog.status_label.text(), timeout=10_000)
    assert ctx.matching.resumes.resume("Dana").text is None and dialog.editor.toPlainText() == ""
    dialog.reject()


def test_resume_dialog_keeps_several_resumes(window, ctx, qtbot):
    ctx.matching.resumes.add_resume("Dana", PYTHON_RESUME, "Backend")
    dialog = open_resume_dialog(window, qtbot)
    assert [dialog.picker.itemText(i) for i in range(dialog.picker.count())] == ["Backend (primary)", "New résumé…"]
    assert dialog.label_edit.text() == "Backend" and not dialog.primary_box.isEnabled()

    dialog.picker.setCurrentIndex(1)  # a new one: empty, not primary
    assert dialog.editor.toPlainText() == "" and dialog.label_edit.text() == "" and not dialog.primary_box.isChecked()
    assert not dialog.clear_button.isEnabled()
    dialog.editor.setPlainText(NURSE_RESUME)
    dialog.label_edit.setText("Care")
    dialog.focus_edit.setText("ICU nursing")
    with qtbot.waitSignal(dialog.saved, timeout=15_000):
        dialog.save()
    entries = ctx.matching.resumes.resumes("Dana")
    assert [(e.label, e.focus, e.primary) for e in entries] == [("Backend", None, True), ("Care", "ICU nursing", False)]
    assert "“Care”" in window.message_bar.text

    again = open_resume_dialog(window, qtbot)
    again.picker.setCurrentIndex(1)
    assert again.editor.toPlainText() == NURSE_RESUME.strip() and again.focus_edit.text() == "ICU nursing"
    again.label_edit.setText("Nursing")  # a rename of the résumé shown, not a third one
    again.primary_box.setChecked(True)
    with qtbot.waitSignal(again.saved, timeout=15_000):
        again.save()
    assert [(e.label, e.primary) for e in ctx.matching.resumes.resumes("Dana")] == [
        ("Nursing", True),
        ("Backend", False),
    ]

    third = open_resume_dialog(window, qtbot)
    third.picker.setCurrentIndex(1)
    window.prompts.confirm_answer = True
    third.clear_resume()
    qtbot.waitUntil(lambda: "“Backend” was removed" in third.status_label.text(), timeout=10_000)
    assert [e.label for e in ctx.matching.resumes.resumes("Dana")] == ["Nursing"]
    assert third.picker.count() == 2 and third.label_edit.text() == "Nursing"
    third.reject()


def test_discover_dialog_lists_nearest_jobs_and_adds_with_one_click(window, ctx, qtbot, qtmodeltester):
    ctx.matching.resumes.set_resume("Dana", PYTHON_RESUME)
    dialog = window.open_dialog("discover")
    assert isinstance(dialog, DiscoverDialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == len(JOBS), timeout=15_000)
    qtmodeltester.check(dialog.model)
    model = dialog.model
    top_titles = {model.index(row, COL_TITLE).data() for row in range(3)}
    assert top_titles == PYTHON_TITLES
    shown = [int(model.index(row, COL_SCORE).data()) for row in range(model.rowCount())]
    assert shown == sorted(shown, reverse=True) and "best match first" in dialog.status_label.text()
    assert model.index(0, COL_ADD).data() == ADD_TEXT
    assert "Python" in dialog.have_chips.chips  # the first row is selected and its gaps shown

    first = model.index(0, COL_ADD)
    item = first.data(RECORD_ROLE)
    with qtbot.waitSignal(dialog.jobs_added, timeout=10_000) as added:
        rect = dialog.table.visualRect(first)
        qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert added.args == [1]
    assert model.index(0, COL_ADD).data() == ADDED_TEXT
    cards = ctx.board.cards_for(ctx.profiles.get("Dana").id)
    assert [c.job_pool_id for c in cards] == [item.job_pool_id] and cards[0].match_score == item.match_score
    qtbot.waitUntil(lambda: window.controller.has_loaded and window.controller.total == 1, timeout=10_000)

    dialog.table.clearSelection()
    dialog.table.selectRow(1)
    dialog.add_selected()
    qtbot.waitUntil(lambda: len(ctx.board.cards_for(ctx.profiles.get("Dana").id)) == 2, timeout=10_000)
    dialog.add_rows([0, 1])  # already added: nothing is sent twice
    dialog.refresh()
    qtbot.waitUntil(lambda: not dialog.loading and model.rowCount() == len(JOBS) - 2, timeout=15_000)
    assert item.job_pool_id not in {model.index(r, 0).data(RECORD_ROLE).job_pool_id for r in range(model.rowCount())}
    dialog.accept()


def test_discover_without_resume_points_to_the_resume_editor(window, qtbot):
    dialog = window.open_dialog("discover")
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10_000)
    assert "has no resume yet" in dialog.status_label.text()
    assert dialog.resume_button.isVisible() and dialog.model.rowCount() == 0
    dialog.open_resume()
    resume = window.last_dialog
    assert isinstance(resume, ResumeDialog)
    qtbot.waitUntil(lambda: not resume.busy, timeout=10_000)
    resume.editor.setPlainText(PYTHON_RESUME)
    resume.save()
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=15_000)
    assert dialog.model.index(0, COL_TITLE).data() in PYTHON_TITLES
    dialog.accept()


def test_status_bar_says_how_many_new_recommendations_wait_for_each_profile(ctx, qtbot, loop, tmp_path):
    from tests.support.matching_samples import NURSE_RESUME

    for name, resume in (("Dana", PYTHON_RESUME), ("Maria", NURSE_RESUME)):
        ctx.profiles.add(name)
        ctx.matching.resumes.set_resume(name, resume)
    ctx.ingestion.run("Maria", [JOBS], source="test")  # the Python jobs fan out to Dana as recommendations
    waiting = {r.profile_name: r.count for r in ctx.matching.recommendations.new_recommendations()}
    assert waiting["Dana"] > 0 and waiting["Maria"] == len(JOBS)
    settings = AppSettings(tmp_path / "settings.ini")
    settings.last_profile_id = ctx.profiles.get("Dana").id
    main = MainWindow(ctx, settings=settings, prompts=ScriptedPrompts())
    qtbot.addWidget(main)
    main.show()
    label = main.status.new_label
    qtbot.waitUntil(lambda: label.isVisible(), timeout=10_000)
    assert label.text() == f"{waiting['Dana']} new here · {waiting['Maria']} new for Maria"

    maria = next(p for p in main.profiles if p.name == "Maria")
    main.switch_profile(maria)  # leaving Dana's board counts as having seen it
    qtbot.waitUntil(lambda: label.text() == f"{waiting['Maria']} new here", timeout=10_000)
    main.close()
