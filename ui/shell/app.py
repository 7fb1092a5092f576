"""Starting the window: QApplication, the qasync event loop, opening the database off the GUI thread."""

from __future__ import annotations

import asyncio
import logging
import sys
from concurrent.futures import Future
from pathlib import Path

import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.context import AppContext, open_context
from app.errors import JobPoolError
from ui.shell.main_window import MainWindow
from ui.shell.screen_fit import show_fitted
from ui.shell.splash import application, make_splash
from ui.support import theme
from ui.support.window_state import APPLICATION, ORGANIZATION

log = logging.getLogger(__name__)
# How long a worker thread may keep the GIL while the GUI thread waits for it. Python's 5 ms default makes every
# call from Qt into Python (each card painted, each slot) wait up to 5 ms behind an import or a rescore running in
# a worker; at 1 ms a frame of card painting stays within a frame while the worker runs on.
GIL_SWITCH_INTERVAL_S = 0.001


def make_application() -> QApplication:
    """The QApplication with JobPool's names and theme (reused when one exists, as under pytest-qt)."""
    app = application()
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("JobPool")
    app.setWindowIcon(theme.icon("jobpool"))
    theme.apply_theme(app)
    return app


async def _ask_retry(message: str) -> bool:
    """Say why the database cannot open; True when the user wants another try."""
    box = QMessageBox(QMessageBox.Icon.Critical, "JobPool cannot open its database", message)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setInformativeText("Nothing was changed. Fix the cause and retry, or quit.")
    retry = box.addButton("Retry", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def answered(_code: int) -> None:
        if not answer.done():
            answer.set_result(box.clickedButton() is retry)

    box.finished.connect(answered)
    box.open()
    return await answer


async def _open(
    db_url: str | None,
    data_dir: str | Path | None,
    splash: QWidget | None = None,
    opening: Future[AppContext] | None = None,
) -> AppContext | None:
    """The opened database (off the GUI thread), asking whether to retry while it cannot open; None on quit.

    `splash` is one already on screen (main.py shows it before the window's modules load); else one is made.
    `opening` is a first attempt already under way (main.py starts it while the window's modules load).
    """
    splash = splash or make_splash()
    splash.show()
    try:
        while True:
            try:
                if opening is not None:
                    first, opening = opening, None
                    return await asyncio.wrap_future(first)
                return await asyncio.to_thread(open_context, db_url, data_dir)
            except JobPoolError as exc:
                message = exc.message
            except Exception as exc:  # whatever broke, the user gets a dialog, not a traceback
                log.exception("opening the database failed")
                message = f"{type(exc).__name__}: {exc}"
            splash.hide()
            if not await _ask_retry(message):
                return None
            splash.show()
    finally:
        splash.close()


async def _run(
    db_url: str | None, data_dir: str | Path | None, splash: QWidget | None, opening: Future[AppContext] | None
) -> int:
    ctx = await _open(db_url, data_dir, splash, opening)
    if ctx is None:
        return 1
    closed = asyncio.Event()
    window = MainWindow(ctx)
    window.closed.connect(closed.set)
    show_fitted(window)
    try:
        await closed.wait()
    finally:
        ctx.close()
    return 0


def run_window(
    db_url: str | None = None,
    data_dir: str | Path | None = None,
    splash: QWidget | None = None,
    opening: Future[AppContext] | None = None,
) -> int:
    """Open the JobPool window and run until it closes; returns the process exit code.

    `splash` is the one main.py put on screen before importing the window (see ui.shell.splash); `opening` the
    database's opening it started meanwhile (app.context.open_in_background).
    """
    app = make_application()
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return loop.run_until_complete(_run(db_url, data_dir, splash, opening))
