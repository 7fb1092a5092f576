"""Starting the application: settings that keep the GUI thread answering while workers run."""

from __future__ import annotations

import sys

from ui.shell.app import GIL_SWITCH_INTERVAL_S, make_application


def test_the_gui_thread_waits_at_most_a_millisecond_for_the_gil(qapp):
    """Worker threads hand the GIL back within 1 ms, not Python's 5 ms, so card painting keeps to a frame."""
    before = sys.getswitchinterval()
    try:
        make_application()
        assert GIL_SWITCH_INTERVAL_S <= 0.001
        assert sys.getswitchinterval() == GIL_SWITCH_INTERVAL_S
    finally:
        sys.setswitchinterval(before)
