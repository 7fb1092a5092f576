"""The inbox in the window: the bell's count, the dialog (mark read, open a card), desktop notifications."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, time, timedelta

import pytest

from app.notifications import NEW_JOBS, RUN_FAILED
from app.records import JobStatus
from app.settings import NotificationSettings, save_notification_settings
from tests.support.matching_samples import JOBS, PYTHON_RESUME
from tests.ui.helpers import ScriptedPrompts, seed_profile
from ui.board.column_model import CARD_ROLE
from ui.dialogs.inbox_dialog import InboxDialog
from ui.shell.inbox_notifier import InboxNotifier
from ui.shell.main_window import MainWindow
from ui.support.window_state import AppSettings


@pytest.fixture
def window(ctx, qtbot, loop, tmp_path):
    seed_profile(ctx, "Alex", 3)
    seed_profile(ctx, "Bo", 3, start=10)
    ctx.matching.refresh.refresh_model()
    made = MainWindow(ctx, settings=AppSettings(tmp_path / "settings.ini"), prompts=ScriptedPrompts())
    qtbot.addWidget(made)
    qtbot.waitUntil(lambda: made.current_profile is not None and made.controller.total == 3, timeout=20_000)
    qtbot.waitUntil(lambda: made.inbox.checks > 0, timeout=10_000)
    return made


def _check(window, qtbot) -> None:
    before = window.inbox.checks
    window.inbox.check()
    qtbot.waitUntil(lambda: window.inbox.checks > before, timeout=10_000)


def _quiet_now(data_dir, desktop: bool = True) -> None:
    now = datetime.now()
    save_notification_settings(
        NotificationSettings(desktop, (now - timedelta(hours=1)).time(), (now + timedelta(hours=1)).time()), data_dir
    )


def test_the_bell_counts_and_the_desktop_hears_each_row_once(window, ctx, qtbot) -> None:
    alex = window.current_profile
    assert window.inbox.action.text() == "Inbox"
    ctx.notifications.post(alex.id, RUN_FAILED, "Failed: apify:linkedin — out of credit", "t:1")
    _check(window, qtbot)
    assert window.inbox.action.text() == "Inbox 1"
    assert window.notifier.last_message == "Failed: apify:linkedin — out of credit"
    window.notifier.last_message = None
    _check(window, qtbot)
    assert window.notifier.last_message is None  # told once


def test_an_import_in_the_window_raises_the_bell_count_without_waiting_for_the_timer(window, ctx, qtbot, tmp_path):
    alex = window.current_profile
    ctx.matching.resumes.set_resume(alex.id, PYTHON_RESUME)
    dataset = tmp_path / "python-jobs.json"
    dataset.write_text(json.dumps(JOBS), encoding="utf-8")
    assert window.inbox.action.text() == "Inbox" and window.follow_ups.due_timer.remainingTime() > 60_000
    window.live_changes.stop()  # the run's own change-set does it, not the rows heard back from the database

    dialog = window.import_dataset(str(dataset))
    qtbot.waitUntil(lambda: dialog.finished_running, timeout=60_000)
    assert dialog.result_value is not None and dialog.result_value.links_created == len(JOBS), dialog.message.text()
    (row,) = ctx.notifications.inbox(alex.id)
    assert row.kind == NEW_JOBS and row.title.startswith("3 new for Alex, best ")
    qtbot.waitUntil(lambda: window.inbox.action.text() == "Inbox 1", timeout=10_000)
    assert window.inbox.unread == 1
    qtbot.waitUntil(lambda: window.notifier.last_message == row.title, timeout=10_000)


def test_rows_added_elsewhere_reach_the_bell_when_heard(window, ctx, qtbot) -> None:
    bo = ctx.profiles.get("Bo")
    alex = window.current_profile
    # Another desktop (or `run-due`) writes through its own connection: the window hears it through LISTEN/NOTIFY.
    ctx.notifications.post(bo.id, RUN_FAILED, "Failed: apify:indeed — out of credit", "elsewhere:bo")
    qtbot.waitUntil(lambda: window.notifier.last_message == "Failed: apify:indeed — out of credit", timeout=10_000)
    assert window.inbox.action.text() == "Inbox"  # Bo's row: the bell counts the profile shown
    ctx.notifications.post(alex.id, NEW_JOBS, "4 new for Alex, best 77 %", "elsewhere:alex")
    qtbot.waitUntil(lambda: window.inbox.action.text() == "Inbox 1", timeout=10_000)


def test_rows_marked_read_elsewhere_lower_the_bell_when_heard(window, ctx, qtbot) -> None:
    alex = window.current_profile
    for n in range(2):
        ctx.notifications.post(alex.id, RUN_FAILED, f"Failed: apify:indeed — attempt {n}", f"elsewhere:{n}")
    qtbot.waitUntil(lambda: window.inbox.action.text() == "Inbox 2", timeout=10_000)
    assert window.follow_ups.due_timer.remainingTime() > 60_000  # the periodic look is far off: what is heard does it
    # Another desktop marks them read through its own connection.
    first = ctx.notifications.inbox(alex.id)[0]
    ctx.notifications.mark_read(alex.id, [first.id])
    qtbot.waitUntil(lambda: window.inbox.action.text() == "Inbox 1", timeout=10_000)
    ctx.notifications.mark_read(alex.id)
    qtbot.waitUntil(lambda: window.inbox.action.text() == "Inbox", timeout=10_000)
    assert window.inbox.unread == 0


def test_no_look_starts_during_a_schema_change_and_looks_queue_behind_the_writer(
    window, ctx, qtbot, monkeypatch
) -> None:
    alex = window.current_profile
    window.begin_schema_change()
    window.hub.inbox_changed.emit(alex.id)
    window.inbox.check_soon()
    assert not window.inbox.check_pending
    assert window.inbox.check() is None  # a rollback may be running: nothing is started, no lock is taken
    window.end_schema_change()
    assert window.inbox.check_pending  # what was heard meanwhile is looked at afterwards

    # A look runs on the writer thread, where a rollback runs: it can never hold locks while one does.
    threads: list[str] = []
    real_check = ctx.notifications.check

    def recorded(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real_check(*args, **kwargs)

    monkeypatch.setattr(ctx.notifications, "check", recorded)
    before = window.inbox.checks
    window.inbox.check()
    qtbot.waitUntil(lambda: window.inbox.checks > before, timeout=10_000)
    assert threads and all(name.startswith("jobpool-writer") for name in threads)


def test_quiet_hours_keep_the_desktop_silent_but_the_inbox_gets_the_row(window, ctx, qtbot) -> None:
    data_dir = ctx.database.location.data_dir
    alex = window.current_profile
    _quiet_now(data_dir)
    ctx.notifications.post(alex.id, NEW_JOBS, "14 new for Alex, best 82 %", "t:quiet")
    _check(window, qtbot)
    assert window.notifier.last_message is None and window.notifier.suppressed == 1
    assert window.inbox.action.text() == "Inbox 1"
    assert [r.title for r in ctx.notifications.inbox(alex.id)] == ["14 new for Alex, best 82 %"]

    save_notification_settings(NotificationSettings(desktop=False), data_dir)  # switched off: same
    ctx.notifications.post(alex.id, NEW_JOBS, "2 new for Alex, best 70 %", "t:off")
    _check(window, qtbot)
    assert window.notifier.last_message is None and window.notifier.suppressed == 2

    save_notification_settings(NotificationSettings(), data_dir)  # back on: only what is new is told
    ctx.notifications.post(alex.id, NEW_JOBS, "3 new for Alex, best 90 %", "t:on")
    _check(window, qtbot)
    assert window.notifier.last_message == "3 new for Alex, best 90 %"
    assert window.inbox.action.text() == "Inbox 3"


def test_notifier_follows_the_settings_without_a_tray(qapp) -> None:
    notifier = InboxNotifier(tray_available=False)
    assert notifier.tray is None
    assert not notifier.deliver([], {}, NotificationSettings())
    assert notifier.last_message is None


def test_the_dialog_marks_read_and_opens_a_card_of_another_profile(window, ctx, qtbot) -> None:
    alex = window.current_profile
    bo = ctx.profiles.get("Bo")
    bo_card = ctx.board.cards_for(bo.id)[1]
    ctx.reminders.set(bo_card.user_job_id, date.today(), "call back")
    for n in range(2):
        ctx.notifications.post(alex.id, RUN_FAILED, f"<b>Failed</b> {n}", f"t:{n}")
    _check(window, qtbot)
    assert window.inbox.action.text() == "Inbox 2"
    assert window.notifier.last_message is not None and "1 follow-up due for Bo" in window.notifier.last_message

    window.inbox.action.trigger()
    dialog = window.last_dialog
    assert isinstance(dialog, InboxDialog)
    qtbot.waitUntil(lambda: not dialog.loading and dialog.list.count() == 2, timeout=10_000)
    assert dialog.list.item(0).text().startswith("<b>Failed</b> 1\nRun failed · ")  # shown as text, not markup
    dialog.list.setCurrentRow(0)
    dialog.read_button.click()
    qtbot.waitUntil(lambda: ctx.notifications.unread_count(alex.id) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: window.inbox.action.text() == "Inbox 1", timeout=10_000)
    qtbot.waitUntil(lambda: not dialog.loading and dialog.all_read_button.isEnabled(), timeout=10_000)
    dialog.all_read_button.click()
    qtbot.waitUntil(lambda: window.inbox.action.text() == "Inbox", timeout=10_000)
    assert ctx.notifications.unread_count(alex.id) == 0
    dialog.accept()

    # Bo's follow-up row: opening it switches to Bo and selects the card.
    (row,) = ctx.notifications.inbox(bo.id)
    assert row.user_job_id == bo_card.user_job_id
    window.inbox.show_card(row)
    qtbot.waitUntil(lambda: window.current_profile is not None and window.current_profile.id == bo.id, timeout=10_000)
    qtbot.waitUntil(
        lambda: window.detail.card is not None and window.detail.card.user_job_id == bo_card.user_job_id,
        timeout=10_000,
    )
    view = window.board_view.view(JobStatus.RECOMMENDED)
    qtbot.waitUntil(
        lambda: (
            view.currentIndex().isValid() and view.currentIndex().data(CARD_ROLE).user_job_id == bo_card.user_job_id
        ),
        timeout=10_000,
    )


def test_opening_a_row_from_the_dialog_marks_it_read_and_shows_the_card(window, ctx, qtbot) -> None:
    alex = window.current_profile
    card = ctx.board.cards_for(alex.id)[2]
    ctx.notifications.post(alex.id, NEW_JOBS, "1 new for Alex, best 75 %", "t:card", card.job_pool_id)
    dialog = window.inbox.open_inbox()
    qtbot.waitUntil(lambda: not dialog.loading and dialog.list.count() == 1, timeout=10_000)
    dialog.list.setCurrentRow(0)
    assert dialog.open_button.isEnabled()
    with qtbot.waitSignal(dialog.card_requested, timeout=5_000):
        dialog.list.itemActivated.emit(dialog.list.item(0))
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: ctx.notifications.unread_count(alex.id) == 0, timeout=10_000)
    qtbot.waitUntil(
        lambda: window.detail.card is not None and window.detail.card.user_job_id == card.user_job_id,
        timeout=10_000,
    )


def test_quiet_range_that_wraps_midnight_is_read_from_the_settings(ctx) -> None:
    data_dir = ctx.database.location.data_dir
    save_notification_settings(NotificationSettings(True, time(22, 0), time(7, 0)), data_dir)
    from app.settings import load_notification_settings

    settings = load_notification_settings(data_dir)
    assert not settings.desktop_allowed(time(23, 0)) and settings.desktop_allowed(time(8, 0))


def test_settings_dialog_saves_the_notification_settings(window, ctx, qtbot) -> None:
    from PySide6.QtCore import QTime

    from app.settings import load_notification_settings
    from ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window)
    dialog.open()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    fields = dialog.notification_fields
    assert fields.desktop_check.isChecked() and not fields.quiet_check.isChecked()
    assert not fields.quiet_start_edit.isEnabled()
    fields.desktop_check.setChecked(False)
    fields.quiet_check.setChecked(True)
    assert fields.quiet_start_edit.isEnabled()
    fields.quiet_start_edit.setTime(QTime(21, 30))
    fields.quiet_end_edit.setTime(QTime(6, 45))
    fields.min_score_spin.setValue(75)
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_button.click()
    data_dir = ctx.database.location.data_dir
    assert load_notification_settings(data_dir) == NotificationSettings(False, time(21, 30), time(6, 45), 75)
    assert ctx.notifications.min_score == 75

    again = SettingsDialog(window)
    again.open()
    qtbot.waitUntil(lambda: again.loaded, timeout=10_000)
    assert again.notification_fields.settings() == NotificationSettings(False, time(21, 30), time(6, 45), 75)
    again.notification_fields.quiet_check.setChecked(False)
    assert again.notification_fields.settings().quiet_start is None
    again.reject()
