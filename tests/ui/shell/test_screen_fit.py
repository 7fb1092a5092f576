"""The window opens whole on a screen smaller than its default size."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from ui.shell.screen_fit import show_fitted


def test_a_window_larger_than_the_screen_opens_maximized(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    available = window.screen().availableGeometry()
    window.resize(available.width(), available.height())  # fits exactly, but its title bar would not
    show_fitted(window)
    qtbot.waitUntil(window.isVisible)
    assert window.isMaximized()


def test_a_window_that_fits_keeps_its_size(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    available = window.screen().availableGeometry()
    window.resize(available.width() // 2, available.height() // 2)
    show_fitted(window)
    qtbot.waitUntil(window.isVisible)
    assert not window.isMaximized()
    assert (window.width(), window.height()) == (available.width() // 2, available.height() // 2)
