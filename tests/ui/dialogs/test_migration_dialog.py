"""Database → Migrate to shared pool… on a real v1 database: preview, backup, progress, verification, rollback."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from app.context import open_context
from tests.support.legacy_fixtures import query, snapshot
from tests.support.synthetic import linkedin_items
from tests.ui.helpers import ScriptedPrompts
from ui.dialogs.migration_dialog import MigrationDialog
from ui.shell.main_window import PAGE_BOARD, PAGE_EMPTY, PAGE_MIGRATE, MainWindow
from ui.support.window_state import AppSettings

pytest_plugins = ("tests.support.migration_fixtures",)


@pytest.fixture
def window(legacy_db, qtbot, loop, tmp_path):
    """The main window over the messy v1 database (scripted prompts that confirm)."""
    ctx = open_context(legacy_db.url, legacy_db.data_dir)
    main_window = MainWindow(ctx, settings=AppSettings(tmp_path / "settings.ini"), prompts=ScriptedPrompts())
    main_window.prompts.parent = main_window
    qtbot.addWidget(main_window)
    main_window.show()
    qtbot.waitExposed(main_window)
    yield main_window
    if main_window.isVisible():
        main_window.close()
    ctx.close()


def _column(table, column: int) -> list[str]:
    return [table.item(row, column).text() for row in range(table.rowCount())]


def _click(qtbot, button) -> None:
    """Click a button the way a person does: once it can be clicked (the dialog rereads its state after each step)."""
    qtbot.waitUntil(button.isEnabled, timeout=30_000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _open_dialog(window, qtbot) -> MigrationDialog:
    dialog = window.open_dialog("migration")
    assert isinstance(dialog, MigrationDialog)
    qtbot.waitUntil(lambda: dialog.preview_result is not None, timeout=20_000)
    return dialog


def test_preview_migrate_verify_and_roll_back_from_the_dialog(window, legacy_db, qtbot) -> None:
    before = snapshot(legacy_db.url)
    assert window.stack.currentIndex() == PAGE_MIGRATE
    dialog = _open_dialog(window, qtbot)
    assert "17 legacy jobs of 7 profiles become 11 pool jobs and 13 cards" in dialog.summary.text()
    assert "“Maybe later”" in dialog.summary.text()
    assert dialog.migrate_button.isEnabled() and not dialog.rollback_button.isEnabled()
    assert dialog.backup_box.isChecked()
    assert str(legacy_db.data_dir / "backups") in dialog.backup_label.text()
    statuses = dict(zip(_column(dialog.status_table, 0), _column(dialog.status_table, 3), strict=True))
    assert statuses["“Maybe later”"].startswith("no mapping")
    assert statuses["“Phone   Screen”"] == "known value"
    assert dialog.merge_table.rowCount() == 3
    assert "Frank Smith" in _column(dialog.profile_table, 0)
    assert snapshot(legacy_db.url) == before  # the preview wrote nothing

    steps = []
    dialog.step.connect(steps.append)
    _click(qtbot, dialog.migrate_button)
    assert dialog.busy and not dialog.close_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60_000)
    report = dialog.report
    assert report.backup_path is not None and report.backup_path.exists()
    assert f"Backup saved to {report.backup_path}" == dialog.backup_label.text()
    assert [s.phase for s in steps][:3] == ["lock", "backup", "schema"]
    assert dialog.progress.value() == dialog.progress.maximum()
    assert dialog.verification is not None and dialog.verification.ok
    assert dialog.tabs.currentWidget() is dialog.checks_table
    assert _column(dialog.checks_table, 0)[0] == "legacy jobs accounted for"
    assert _column(dialog.checks_table, 1)[0].startswith("17 of 17")
    assert not window.ctx.needs_migration
    qtbot.waitUntil(lambda: window.stack.currentIndex() in (PAGE_BOARD, PAGE_EMPTY), timeout=20_000)
    qtbot.waitUntil(lambda: len(window.profiles) == 7, timeout=20_000)
    assert dialog.rollback_button.isEnabled() and not dialog.migrate_button.isEnabled()

    _click(qtbot, dialog.rollback_button)
    qtbot.waitUntil(lambda: dialog.rollback_report is not None, timeout=60_000)
    assert window.prompts.confirmations and "Roll back to the v1 schema" in window.prompts.confirmations[0]
    assert dialog.rollback_report.restored_rows == 17
    assert "saved to" in dialog.backup_label.text()
    qtbot.waitUntil(
        lambda: dialog.preview_result.state == "legacy_v1" and dialog.migrate_button.isEnabled(), timeout=20_000
    )
    assert window.ctx.needs_migration
    assert snapshot(legacy_db.url) == before


def test_a_failed_backup_is_shown_and_nothing_changes(window, legacy_db, qtbot) -> None:
    before = snapshot(legacy_db.url)
    legacy_db.data_dir.mkdir(parents=True, exist_ok=True)
    (legacy_db.data_dir / "backups").write_text("a file where the backups folder should be")
    dialog = _open_dialog(window, qtbot)
    _click(qtbot, dialog.migrate_button)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=30_000)
    assert dialog.error_label.text().startswith("The backup failed")
    assert dialog.report is None and dialog.migrate_button.isEnabled() and not dialog.busy
    assert window.ctx.needs_migration
    assert snapshot(legacy_db.url) == before


def test_without_backup_and_already_migrated(window, legacy_db, qtbot) -> None:
    dialog = _open_dialog(window, qtbot)
    dialog.backup_box.setChecked(False)
    _click(qtbot, dialog.migrate_button)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60_000)
    assert dialog.backup_label.text() == "No backup was taken."
    assert not (legacy_db.data_dir / "backups").exists()
    dialog.close()
    again = _open_dialog(window, qtbot)
    assert again.preview_result.state == "migrated"
    assert "migrated to the shared pool already" in again.summary.text()
    qtbot.waitUntil(lambda: again.verification is not None, timeout=20_000)
    assert again.verification.ok and again.rollback_button.isEnabled() and not again.migrate_button.isEnabled()
    assert [again.tabs.tabText(i) for i in range(again.tabs.count()) if again.tabs.isTabVisible(i)] == ["Verification"]
    assert not again.tabs.isHidden()


def _migrate_in_dialog(window, qtbot) -> MigrationDialog:
    dialog = _open_dialog(window, qtbot)
    dialog.backup_box.setChecked(False)
    _click(qtbot, dialog.migrate_button)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60_000)
    return dialog


def _settled(window) -> bool:
    """No background work left and no status-bar read pending."""
    return window.tasks.active == 0 and not window.status_read_pending


def test_after_a_rollback_the_window_needs_a_migration_again_without_errors(window, qtbot, caplog) -> None:
    dialog = _migrate_in_dialog(window, qtbot)
    qtbot.waitUntil(
        lambda: (
            window.stack.currentIndex() in (PAGE_BOARD, PAGE_EMPTY)
            and window.current_profile
            and window.status.pool_label.text().startswith("Pool: ")
            and _settled(window)
        ),
        timeout=60_000,
    )
    assert window.status.cards_label.text().startswith(window.current_profile.name)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        _click(qtbot, dialog.rollback_button)
        qtbot.waitUntil(lambda: dialog.rollback_report is not None, timeout=60_000)
        qtbot.waitUntil(
            lambda: (
                window.stack.currentIndex() == PAGE_MIGRATE and _settled(window) and dialog.migrate_button.isEnabled()
            ),
            timeout=30_000,
        )
    assert window.message_bar.text == ""  # no "Could not read the board: … UndefinedTable" banner
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert window.status.pool_label.text() == "" and window.status.ingestion_label.text() == ""
    assert window.status.cards_label.isHidden() and window.status.new_label.isHidden()
    assert window.current_profile is None and window.controller.user_id is None and window.detail.card is None
    assert window.windowTitle() == "JobPool" and window.ctx.needs_migration


def test_jobs_migrated_in_the_window_are_embedded_in_the_background(window, qtbot) -> None:
    _migrate_in_dialog(window, qtbot)
    qtbot.waitUntil(lambda: _settled(window) and window.ctx.matching.refresh.stale_jobs() == 0, timeout=60_000)


def test_the_rollback_says_what_it_cannot_keep_and_counts_in_proper_plurals(window, qtbot) -> None:
    dialog = _migrate_in_dialog(window, qtbot)
    qtbot.waitUntil(lambda: _settled(window) and len(window.profiles) == 7, timeout=60_000)
    ctx = window.ctx
    profile = window.profiles[0]
    ctx.ingestion.run(profile.id, [linkedin_items(0, 1)], source="test", embed=False)  # one card added since
    with ctx.database.engine.begin() as conn:  # one migrated card gets a new note: one legacy row to update
        conn.execute(
            text(
                "UPDATE user_job SET notes = 'called back' WHERE id = "
                "(SELECT id FROM user_job WHERE legacy_job_id IS NOT NULL ORDER BY id LIMIT 1)"
            )
        )
    _click(qtbot, dialog.rollback_button)
    qtbot.waitUntil(lambda: dialog.rollback_report is not None, timeout=60_000)
    question = window.prompts.confirmations[-1]
    for lost in ("résumés", "ingestion history", "order of cards", "skills", "apply page"):
        assert lost in question
    report = dialog.rollback_report
    assert (report.carried_back_rows, report.updated_rows) == (1, 1)
    line = dialog.phase_label.text()
    assert "1 card added since the migration carried back, 1 row updated with later changes" in line
    assert "1 cards" not in line and "1 rows" not in line
    assert dialog.phase_label.wordWrap()
    qtbot.waitUntil(lambda: _settled(window) and dialog.migrate_button.isEnabled(), timeout=30_000)


def test_a_note_typed_just_before_the_rollback_is_carried_back(window, legacy_db, qtbot) -> None:
    dialog = _migrate_in_dialog(window, qtbot)
    qtbot.waitUntil(
        lambda: _settled(window) and window.detail.card is not None and dialog.rollback_button.isEnabled(),
        timeout=60_000,
    )
    window.detail.notes_edit.setPlainText("Typed right before rolling back")  # not saved yet: autosave waits
    assert window.notes.text_for(window.detail.card.user_job_id) is not None
    _click(qtbot, dialog.rollback_button)
    qtbot.waitUntil(lambda: dialog.rollback_report is not None, timeout=60_000)
    qtbot.waitUntil(lambda: _settled(window), timeout=30_000)
    rows = query(legacy_db.url, "SELECT count(*) AS n FROM job WHERE notes = 'Typed right before rolling back'")
    assert rows[0]["n"] == 1
    assert window.message_bar.text == ""


def test_a_shared_database_says_plainly_there_is_nothing_to_migrate(ctx, qtbot, loop, tmp_path) -> None:
    main_window = MainWindow(ctx, settings=AppSettings(tmp_path / "settings.ini"), prompts=ScriptedPrompts())
    qtbot.addWidget(main_window)
    main_window.show()
    dialog = _open_dialog(main_window, qtbot)
    assert dialog.preview_result.state == "current"
    assert dialog.summary.text() == (
        "This database uses the shared pool and was never a v1 database: there is nothing to migrate."
    )
    assert dialog.tabs.isHidden(), "empty tables for a database with nothing to migrate"
    for part in (
        dialog.backup_box,
        dialog.backup_label,
        dialog.migrate_button,
        dialog.verify_button,
        dialog.rollback_button,
    ):
        assert part.isHidden()
    assert dialog.close_button.isVisible() and dialog.close_button.isEnabled() and dialog.close_button.isDefault()
    dialog.reject()
    main_window.close()
