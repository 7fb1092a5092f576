"""The splash shown the moment the window is asked for, before the window and the services are imported.

This module imports Qt and the standard library only: importing the window, the services and their libraries takes
seconds, and the splash is on screen while they load and while the database opens.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

# The application stylesheet is not applied yet when the splash first paints: it carries its own look.
SPLASH_STYLE = """
QLabel#splash {
    background: #ffffff;
    border: 1px solid #d5dae1;
    border-radius: 12px;
    font-size: 12pt;
    color: #303846;
}
"""


def application() -> QApplication:
    """The process's QApplication (made here when none exists yet, as under pytest-qt one does)."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    return app


def make_splash() -> QWidget:
    """A small frameless card saying the database is being opened."""
    label = QLabel("JobPool\n\nOpening the database…")
    label.setObjectName("splash")
    label.setStyleSheet(SPLASH_STYLE)
    label.setWindowFlags(Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setFixedSize(360, 160)
    return label


def let_paint() -> None:
    """Let Qt paint what is pending (the splash) between steps of a start-up that holds the GUI thread."""
    application().processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)


def show_splash() -> QWidget:
    """Make the QApplication if needed, show the splash and paint it now; the caller closes it."""
    application()
    splash = make_splash()
    splash.show()
    splash.repaint()
    let_paint()
    return splash
