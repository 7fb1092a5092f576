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


def test_starting_the_window_leaves_the_page_readers_the_apify_client_and_the_charts_unloaded():
    """Libraries only some actions need (capture's page readers, apify-client, the Stats view's pyqtgraph) load when
    first used, not at start."""
    import subprocess

    heavy = ("apify_client", "extruct", "bs4", "mf2py", "pyqtgraph")
    probe = f"import sys, ui.shell.app; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_window_start_shows_the_splash_before_it_loads_the_services_and_the_window(tmp_path):
    """`python main.py` paints the splash with Qt alone loaded; app/, db/, cli/ and the window's modules come after."""
    import os
    import subprocess

    probe = (
        "import os, sys\n"
        "import ui.shell.splash as splash_module\n"
        "real = splash_module.show_splash\n"
        "def probe():\n"
        "    splash = real()\n"
        "    ours = sorted(m for m in sys.modules if m.split('.')[0] in ('app', 'db', 'cli', 'ui'))\n"
        "    print(splash.isVisible(), ours, flush=True)\n"
        "    os._exit(0)\n"
        "splash_module.show_splash = probe\n"
        "import main\n"
        f"main.main(['--data-dir', {str(tmp_path)!r}])\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "True ['ui', 'ui.shell', 'ui.shell.splash']", out.stderr
