"""Starting the application: settings that keep the GUI thread answering while workers run."""

from __future__ import annotations

import sys
from concurrent.futures import Future

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


def test_starting_the_window_leaves_the_libraries_of_other_actions_unloaded():
    """Libraries only some actions need load when first used, not at start: capture's page readers and httpx,
    apify-client, the Stats view's pyqtgraph, numpy (embedding, scoring, comparing vectors), Alembic (a schema
    change), icalendar (an interview export)."""
    import subprocess

    heavy = ("apify_client", "extruct", "bs4", "mf2py", "pyqtgraph", "httpx", "numpy", "alembic", "icalendar")
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


def test_an_opening_begun_before_the_window_is_used_and_its_failure_offers_a_retry(qtbot, loop, db_url, tmp_path):
    """main.py starts opening the database while the window's modules load. The window waits for that opening;
    when it failed, the window says why and a Retry opens the database again."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.context import open_in_background
    from app.errors import DatabaseUnavailable
    from ui.shell import app as shell_app

    opened = open_in_background(db_url, tmp_path / "data")
    task = loop.create_task(shell_app._open(db_url, tmp_path / "data", opening=opened))
    qtbot.waitUntil(task.done, timeout=20_000)
    ctx = task.result()
    assert ctx is opened.result()
    ctx.close()

    failed: Future = Future()
    failed.set_exception(DatabaseUnavailable("The database server stopped."))
    task = loop.create_task(shell_app._open(db_url, tmp_path / "data", opening=failed))

    def asked() -> QMessageBox | None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        return boxes[0] if boxes else None

    qtbot.waitUntil(lambda: asked() is not None, timeout=10_000)
    box = asked()
    assert box is not None
    assert "stopped" in box.text()
    retry = next(b for b in box.buttons() if b.text() == "Retry")
    retry.click()
    qtbot.waitUntil(task.done, timeout=20_000)
    ctx = task.result()
    assert ctx is not None
    assert ctx.profiles.list() == []
    ctx.close()


def test_the_stats_views_modules_load_in_the_background_a_while_after_the_window_is_made():
    """The first open of the Stats view would otherwise hold the window while pyqtgraph loads (a third of a
    second): its modules load in a thread once the window has had time to start, and the view is still made only
    when asked for."""
    import os
    import subprocess

    probe = (
        "import sys, time\n"
        "from PySide6.QtWidgets import QApplication, QMainWindow\n"
        "app = QApplication([])\n"
        "from ui.shell import stats_dock\n"
        "from ui.support.events import Hub\n"
        "from ui.support.tasks import TaskRunner\n"
        "stats_dock.PRELOAD_DELAY_MS = 100\n"
        "window = QMainWindow()\n"
        "hub = Hub()\n"
        "tasks = TaskRunner(hub)\n"
        "dock = stats_dock.StatsDock(window, None, tasks, hub, lambda: None)\n"
        "before = 'pyqtgraph' in sys.modules\n"
        "deadline = time.monotonic() + 30\n"
        "while 'ui.stats.stats_view' not in sys.modules and time.monotonic() < deadline:\n"
        "    app.processEvents()\n"
        "    time.sleep(0.01)\n"
        "print(before, 'ui.stats.stats_view' in sys.modules, dock._view is None)\n"
        "tasks.shutdown()\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "False True True", out.stderr
