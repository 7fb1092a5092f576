"""Dialogs that grow with their content: a status line or a wrapped label that appears must not squeeze the rest."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def grow_to_content(dialog: QWidget) -> None:
    """Make a dialog as tall as its layout needs at its current width (wrapped labels included); never shrink it.

    Qt gives a window the minimum size of its layout, but that minimum ignores how tall word-wrapped labels become
    at the window's actual width, so a line that appears later steals height from its neighbours.
    """
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    width = dialog.width()
    needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
    if needed > dialog.height():
        dialog.resize(width, needed)
