"""The database goes away under an open window: banner, reverted moves, notes kept, recovery on retry."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from app.records import JobStatus
from tests.ui.helpers import ScriptedPrompts, seed_profile
from ui.shell.main_window import MainWindow
from ui.support.window_state import AppSettings


@pytest.fixture
def outage(ctx, pg_server_url) -> Iterator:
    """start() refuses new connections to the test database and ends the open ones; end() lets them in again."""
    name = ctx.database.engine.url.database
    admin = create_engine(pg_server_url, isolation_level="AUTOCOMMIT")

    def start() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )

    def end() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))

    class Outage:
        pass

    handle = Outage()
    handle.start, handle.end = start, end
    yield handle
    end()
    admin.dispose()


def test_lost_database_keeps_notes_reverts_moves_and_recovers(ctx, qtbot, loop, outage, tmp_path):
    seed_profile(ctx, "Alex", 3)
    settings = AppSettings(tmp_path / "settings.ini")
    window = MainWindow(ctx, settings=settings, prompts=ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.total == 3, timeout=10_000)
    model = window.controller.models[JobStatus.RECOMMENDED]
    first, second = model.card_at(0), model.card_at(1)
    window.board_view.select_cards(JobStatus.RECOMMENDED, [first.user_job_id])
    qtbot.waitUntil(lambda: window.detail.detail is not None, timeout=10_000)

    outage.start()
    qtbot.keyClicks(window.detail.notes_edit, "Phone screen went well")
    window.board_view.select_cards(JobStatus.RECOMMENDED, [second.user_job_id])  # switching cards saves the note
    qtbot.waitUntil(lambda: not window.db_banner.isHidden(), timeout=15_000)
    assert "not answering" in window.db_banner.reason
    assert window.notes.pending == {first.user_job_id: "Phone screen went well"}
    assert settings.unsaved_notes() == {first.user_job_id: "Phone screen went well"}, "kept on disk too"

    with qtbot.waitSignal(window.controller.move_failed, timeout=15_000):
        window.controller.move([second.user_job_id], JobStatus.APPLIED)
    assert model.row_of(second.user_job_id) >= 0 and window.controller.models[JobStatus.APPLIED].rowCount() == 0

    outage.end()
    window.db_banner.retry_button.click()
    qtbot.waitUntil(lambda: window.db_banner.isHidden(), timeout=15_000)
    qtbot.waitUntil(lambda: ctx.board.card(first.user_job_id).notes == "Phone screen went well", timeout=15_000)
    qtbot.waitUntil(lambda: not window.notes.pending and settings.unsaved_notes() == {}, timeout=10_000)
    window.close()


def test_notes_that_cannot_be_saved_at_close_come_back_next_start(ctx, qtbot, loop, outage, tmp_path):
    seed_profile(ctx, "Alex", 2)
    settings = AppSettings(tmp_path / "settings.ini")
    window = MainWindow(ctx, settings=settings, prompts=ScriptedPrompts())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.total == 2, timeout=10_000)
    card = window.controller.models[JobStatus.RECOMMENDED].card_at(1)
    window.board_view.select_cards(JobStatus.RECOMMENDED, [card.user_job_id])
    qtbot.waitUntil(lambda: window.detail.card is not None)
    outage.start()
    qtbot.keyClicks(window.detail.notes_edit, "Salary range asked: 120k")
    window.close()
    assert AppSettings(tmp_path / "settings.ini").unsaved_notes() == {card.user_job_id: "Salary range asked: 120k"}

    outage.end()
    again = MainWindow(ctx, settings=AppSettings(tmp_path / "settings.ini"), prompts=ScriptedPrompts())
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: ctx.board.card(card.user_job_id).notes == "Salary range asked: 120k", timeout=15_000)
    assert "kept from the last session" in again.message_bar.label.text()
    again.close()
