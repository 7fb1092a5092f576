"""Layout of the real window and its dialogs at common screen sizes: no text is cut, the board fits beside the pane."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QInputDialog

from app.errors import JobPoolError
from app.records import IngestReport, JobStatus
from tests.support.layout_checks import clipped_text, title_problem
from tests.support.paths import DATASETS
from tests.support.synthetic import linkedin_item
from tests.ui.helpers import ScriptedPrompts, qasync_running, seed_profile
from ui.dialogs.apify_dialog import ApifyDialog
from ui.dialogs.ingest_progress import IngestProgressDialog
from ui.shell.main_window import PAGE_BOARD, MainWindow
from ui.support import theme
from ui.support.prompts import text_dialog
from ui.support.window_state import AppSettings

RESUME = "Backend engineer: Python, Django, FastAPI, PostgreSQL, Docker, Kubernetes, AWS, Terraform, React."
SIZES = [(1280, 800), (1440, 900), (1920, 1080)]
LONG_COMPANY = "Internationale Gesellschaft für Zusammenarbeit und Entwicklungsförderung mbH"


@pytest.fixture
def themed(qapp):
    """The application's own style, palette and stylesheet, as users see them; the defaults come back after."""
    style, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    theme.apply_theme(qapp)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setStyle(style)


@pytest.fixture
def loop(themed):
    with qasync_running(themed) as running:
        yield running


@pytest.fixture
def window(ctx, qtbot, loop, tmp_path):
    """A window on Alex's board: every column but Offer has cards, one company name is very long."""
    seed_profile(ctx, "Sam Chen", 6)
    alex = seed_profile(ctx, "Alexandra Rivera-Montgomery", 24, start=100)
    long_one = {**linkedin_item(900), "companyName": LONG_COMPANY, "title": "Senior Platform Reliability Engineer"}
    ctx.ingestion.run(alex.id, [[long_one]], source="test", embed=False)
    cards = [card for card in ctx.board.cards_for(alex.id) if card.company != LONG_COMPANY]
    for status, chunk in (
        (JobStatus.APPLIED, cards[:4]),
        (JobStatus.INTERVIEWING, cards[4:6]),
        (JobStatus.REJECTED, cards[6:8]),
        (JobStatus.ARCHIVED, cards[8:9]),
    ):
        ctx.cards.move([card.user_job_id for card in chunk], status)
    settings = AppSettings(tmp_path / "settings.ini")
    settings.last_profile_id = alex.id
    win = MainWindow(ctx, settings=settings, prompts=ScriptedPrompts())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.controller.has_loaded and win.controller.total == 25, timeout=10_000)
    card = next(c for c in win.controller.models[JobStatus.RECOMMENDED].cards if c.company == LONG_COMPANY)
    win.board_view.select_cards(JobStatus.RECOMMENDED, [card.user_job_id])
    qtbot.waitUntil(lambda: win.detail.detail is not None, timeout=10_000)
    yield win
    win.close()


def _settle(qtbot, win) -> None:
    QApplication.processEvents()
    qtbot.waitUntil(lambda: win.stack.currentIndex() == PAGE_BOARD and win.detail.isVisible(), timeout=5_000)


def test_default_size_is_1440_by_900(window):
    assert (window.width(), window.height()) == (1440, 900)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_text_is_cut_in_the_window(window, qtbot, size):
    window.resize(*size)
    _settle(qtbot, window)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=5_000)
    assert clipped_text(window) == []
    for status, column in window.board_view.columns.items():
        view = column.view
        if view.model().rowCount() == 0:
            area, text, flags = view.empty_state()
            needed = view.fontMetrics().boundingRect(area.toRect(), int(flags), text)
            assert area.toRect().contains(needed), f"{status}: {text!r} needs {needed}, has {area}"
            words = max(view.fontMetrics().horizontalAdvance(w) for w in text.split())
            assert words <= area.width(), f"{status}: a word of {text!r} is wider than the column"


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_all_six_columns_fit_beside_the_detail_pane(window, qtbot, size):
    window.resize(*size)
    _settle(qtbot, window)
    board = window.board_view
    assert not board.horizontalScrollBar().isVisible()
    assert board.horizontalScrollBar().maximum() == 0
    for column in board.columns.values():
        left = column.mapTo(board.viewport(), column.rect().topLeft()).x()
        assert left >= 0 and left + column.width() <= board.viewport().width()
        view = column.view
        for row in range(view.model().rowCount()):
            card = view.visualRect(view.model().index(row, 0))
            assert card.right() < view.viewport().width(), f"{column.model.title}: card wider than its column"
    assert window.detail.width() >= 300


def test_notes_stay_reachable_on_a_small_screen(window, ctx, qtbot):
    """A card with a long title, skills and a gap analysis at 1024×700: the window stays 700 high, notes reachable."""
    profile = window.current_profile
    ctx.matching.resumes.set_resume(profile.id, RESUME)
    ctx.ingestion.ingest_file(profile.id, str(DATASETS / "linkedin_curious.json"))
    window.refresh_board()
    qtbot.waitUntil(lambda: window.controller.total > 25, timeout=10_000)
    cards = window.controller.models[JobStatus.RECOMMENDED].cards
    card = max(cards, key=lambda c: len(c.title) + 10 * len((c.gap_analysis or {}).get("missing") or []))
    window.board_view.select_cards(JobStatus.RECOMMENDED, [card.user_job_id])
    qtbot.waitUntil(
        lambda: window.detail.detail is not None and window.detail.detail.card.user_job_id == card.user_job_id,
        timeout=10_000,
    )
    window.resize(1024, 700)
    _settle(qtbot, window)
    qtbot.waitUntil(lambda: window.height() == 700, timeout=5_000)
    notes = window.detail.notes_edit
    visible_bottom = window.centralWidget().geometry().bottom()

    def notes_in_view() -> bool:
        window.detail.focus_notes()  # what Enter on a card does: the pane scrolls to the notes if it must
        top = notes.mapTo(window, notes.rect().topLeft()).y()
        return top >= 0 and top + notes.height() <= visible_bottom

    qtbot.waitUntil(notes_in_view, timeout=5_000)
    assert notes.isVisible() and notes.height() >= 60 and notes.hasFocus()
    assert notes.mapTo(window, notes.rect().topRight()).x() <= window.width()


def test_import_summary_dialog_shows_its_whole_report(window, qtbot):
    dialog = IngestProgressDialog(window, window.tasks, "Import linkedin_curious_and_a_long_export_name.json")
    qtbot.addWidget(dialog)
    dialog.show()
    report = IngestReport(
        run_id=None,
        source="file",
        status="succeeded",
        fetched=1_240,
        rejected=[{"index": 3, "reason": "no title"}],
        cleaned=0,
        pool_inserts=1_100,
        pool_hits=120,
        links_created=1_180,
        links_existing=40,
        embedded=0,
        seconds=2.5,
    )
    dialog._succeeded(report)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: dialog.details.isVisible(), timeout=5_000)
    assert clipped_text(dialog) == []
    assert title_problem(dialog) is None
    assert dialog.details.height() >= 140, "the rejected items get room for several lines"


def test_apify_dialog_fields_stay_whole_when_its_status_lines_appear(window, qtbot):
    dialog = ApifyDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.template_edit.setPlainText("{ not json")
    dialog.query_edit.setText("senior python developer")
    dialog.location_edit.setText("Berlin, Germany")
    dialog.run_view.show_result(
        "The Apify token was refused (401). Open Settings to paste a valid token, then start the search again.", "error"
    )
    QApplication.processEvents()
    assert clipped_text(dialog) == []
    assert title_problem(dialog) is None


def test_new_profile_dialog_shows_its_title_and_question(window, qtbot):
    dialog = text_dialog(window, "New profile", "Name of the new profile:")
    assert isinstance(dialog, QInputDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert title_problem(dialog) is None
    assert clipped_text(dialog) == []
    dialog.reject()


LONG_STATUS = (
    "The service did not answer in time: check the network connection and the address in Settings, then "
    "try again; what was stored before stays as it was."
)


def _show_status_lines(key: str, dialog) -> None:
    """Bring up the dialog's status or error line with a long message, as a failure would."""
    if key == "settings":
        dialog.api_url_edit.setText("ftp://example.org")  # the form's own error line
        dialog._show_error(JobPoolError(LONG_STATUS))
    elif key == "resume":
        dialog._show_status(LONG_STATUS, error=True)
    elif key == "discover":
        dialog.status_label.setText(LONG_STATUS)


@pytest.mark.parametrize("key", ["settings", "history", "resume", "discover", "upcoming"])
def test_window_dialogs_fit_their_text(window, qtbot, key):
    dialog = window.open_dialog(key)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    qtbot.waitUntil(
        lambda: not getattr(dialog, "loading", False) and not getattr(dialog, "busy", False), timeout=10_000
    )
    assert clipped_text(dialog) == [], "at its default size"
    _show_status_lines(key, dialog)
    QApplication.processEvents()
    assert clipped_text(dialog) == [], "with its status line"
    assert title_problem(dialog) is None
    dialog.close()


def test_shortcuts_dialog_fits_its_table(window, qtbot):
    window.show_shortcuts()
    dialog = window.last_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    assert clipped_text(dialog) == []
    assert title_problem(dialog) is None
    dialog.close()
