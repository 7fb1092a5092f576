"""Timers the window uses for debouncing and delayed reads."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


def single_shot_timer(parent: QObject, interval_ms: int, slot: Callable[[], object]) -> QTimer:
    """A restartable one-shot timer: start() (again) and slot runs once, interval_ms after the last start."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    return timer
