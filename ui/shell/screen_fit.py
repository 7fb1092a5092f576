"""Opening the window whole on its screen, status bar included, whatever the screen's size."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

# The window manager's title bar and borders are not known before the window is shown; this much is kept free.
FRAME_ALLOWANCE = (16, 48)


def show_fitted(window: QWidget) -> None:
    """Show the window; when its size and a frame do not fit the screen's free area (a 1440×900 window on a
    1440×900 laptop screen), it opens maximized instead, so its bottom rows are never off the screen."""
    screen = window.screen()
    available = screen.availableGeometry() if screen is not None else None
    if available is not None and (
        window.width() + FRAME_ALLOWANCE[0] > available.width()
        or window.height() + FRAME_ALLOWANCE[1] > available.height()
    ):
        window.showMaximized()
    else:
        window.show()
