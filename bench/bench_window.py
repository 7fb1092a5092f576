"""Main-thread stalls of the real window: a latency probe while the window imports, ingests, drags, rescores, switches.

Run: QT_QPA_PLATFORM=offscreen python bench/bench_window.py [--items 5000] [--json]. It starts its own embedded
PostgreSQL in a temporary directory, opens the real MainWindow (offscreen unless a display is chosen) and drives it
through each scenario while a precise 2 ms QTimer records how late each of its ticks arrives. A tick that comes
late by t ms means the GUI thread could not paint or answer input for t ms. Printed per scenario: the worst stall
(`max_stall_ms`), the 99th percentile of the lateness of all ticks (`p99_stall_ms`) and how many ticks were seen.
Targets: no stall over 50 ms, p99 at most 16 ms (one frame).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring  # noqa: E402
import qasync  # noqa: E402
from keyring.backends import fail  # noqa: E402
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app import settings as secrets  # noqa: E402
from app.context import AppContext, open_context  # noqa: E402
from app.ingestion.live import ApifyConfig  # noqa: E402
from app.records import JobStatus  # noqa: E402
from tests.support.fake_apify import FakeApify, Script  # noqa: E402
from tests.support.synthetic import linkedin_items  # noqa: E402
from tests.ui.helpers import ScriptedPrompts  # noqa: E402
from ui.shell.app import make_application  # noqa: E402
from ui.shell.main_window import MainWindow  # noqa: E402
from ui.support.window_state import AppSettings  # noqa: E402

TICK_MS = 2
ACTOR = "curious_coder/linkedin-jobs-scraper"
RESUME = (
    "Senior Python developer. Ten years of Python, Django, FastAPI, PostgreSQL, Kubernetes, AWS and Docker; "
    "led a team of five building data pipelines; testing with pytest; some React and TypeScript."
)
MOVE = Qt.DropAction.MoveAction


class StallProbe(QObject):
    """A high-frequency timer on the GUI thread; the lateness of each tick is how long the thread was busy."""

    def __init__(self, interval_ms: int = TICK_MS) -> None:
        super().__init__()
        self.interval = interval_ms / 1000
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.lateness: list[float] = []
        self._last = 0.0

    def start(self) -> None:
        """Begin a fresh recording."""
        self.lateness = []
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> dict[str, float]:
        """End the recording; max and p99 of the lateness in ms."""
        self.timer.stop()
        self._tick()
        ordered = sorted(self.lateness) or [0.0]
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
        return {"max_stall_ms": ordered[-1] * 1000, "p99_stall_ms": p99 * 1000, "ticks": len(self.lateness)}

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lateness.append(max(0.0, now - self._last - self.interval))
        self._last = now


class StallSampler(threading.Thread):
    """With --where: while the probe is late by more than `after` s, sample the GUI thread's stack (a poor py-spy)."""

    def __init__(self, probe: StallProbe, after: float = 0.03) -> None:
        super().__init__(daemon=True, name="stall-sampler")
        self.probe = probe
        self.after = after
        self.main_id = threading.main_thread().ident
        self.samples: Counter[str] = Counter()
        self.running = True

    def run(self) -> None:
        """Sample every 5 ms."""
        while self.running:
            time.sleep(0.005)
            if self.probe.timer.isActive() and time.perf_counter() - self.probe._last > self.after:
                frame = sys._current_frames().get(self.main_id or 0)
                if frame is not None:
                    stack = traceback.extract_stack(frame)[-14:]
                    self.samples[
                        "\n".join(f"    {f.filename.rsplit('/', 2)[-1]}:{f.lineno} {f.name}" for f in stack)
                    ] += 1

    def take(self) -> list[tuple[str, int]]:
        """The most frequent stacks since the last take."""
        top = self.samples.most_common(3)
        self.samples = Counter()
        return top


async def wait_for(condition: Callable[[], bool], timeout: float = 120.0) -> None:
    """Let the loop run until condition() holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        await asyncio.sleep(0.005)


async def settle(window: MainWindow, seconds: float = 0.3) -> None:
    """Wait for the window's background work to end, then a little more for late repaints."""
    await wait_for(lambda: window.tasks.active == 0)
    await asyncio.sleep(seconds)


def drop(window: MainWindow, source_status: JobStatus, source_row: int, target_status: JobStatus, row: int) -> None:
    """Deliver what Qt delivers during a drag of one card from one column onto a row of another (or the same)."""
    source = window.board_view.view(source_status)
    target = window.board_view.view(target_status)
    mime = source.model().mimeData([source.model().index(source_row, 0)])
    rect = target.visualRect(target.model().index(row, 0))
    pos = QPoint(rect.center().x(), rect.top() + 6)
    viewport = target.viewport()
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(viewport, QDragEnterEvent(pos, MOVE, mime, buttons, modifiers))
    QApplication.sendEvent(viewport, QDragMoveEvent(pos, MOVE, mime, buttons, modifiers))
    QApplication.sendEvent(viewport, QDropEvent(QPointF(pos), MOVE, mime, buttons, modifiers, QEvent.Type.Drop))


async def scenario_import(window: MainWindow, export: Path) -> None:
    dialog = window.import_dataset(str(export))
    assert dialog is not None
    await wait_for(lambda: dialog.finished_running)
    await settle(window)
    dialog.close()


async def scenario_apify(window: MainWindow, fake: FakeApify, items: int) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(100_000, 100_000 + items, seed=11), polls_running=4))
    dialog = window.open_dialog("apify")
    dialog.preset_combo.setCurrentIndex(dialog.preset_combo.findData("linkedin"))
    dialog.query_edit.setText("Python Developer")
    dialog.location_edit.setText("Berlin")
    dialog.max_spin.setMaximum(max(dialog.max_spin.maximum(), items))
    dialog.max_spin.setValue(items)
    await wait_for(lambda: dialog.probe is not None and dialog.start_button.isEnabled())
    finished: list[object] = []
    dialog.search_finished.connect(finished.append)
    dialog.start_button.click()
    await wait_for(lambda: bool(finished))
    report = finished[0]
    if report is None or getattr(report, "fetched", 0) != items:
        raise RuntimeError(f"the live search did not bring {items} items: {report}")
    await settle(window)
    dialog.close()


async def scenario_drag(window: MainWindow, moves: int, between: bool) -> None:
    settled: list[object] = []

    def count(*args: object) -> None:
        settled.append(args)

    window.controller.move_settled.connect(count)
    for i in range(moves):
        if between:
            source, target = (JobStatus.RECOMMENDED, JobStatus.APPLIED)
            if i % 2:
                source, target = target, source
            drop(window, source, 0, target, 1 if window.board_view.view(target).model().rowCount() > 1 else 0)
        else:
            drop(window, JobStatus.RECOMMENDED, 5 + i % 10, JobStatus.RECOMMENDED, 1)
        await wait_for(lambda i=i: len(settled) > i)
        await asyncio.sleep(0.05)
    window.controller.move_settled.disconnect(count)
    await settle(window)


async def scenario_resume(window: MainWindow) -> None:
    dialog = window.open_dialog("resume")
    await wait_for(lambda: not dialog.busy)
    saved: list[object] = []
    dialog.saved.connect(saved.append)
    dialog.editor.setPlainText(RESUME)
    await asyncio.sleep(0.3)  # the skill preview runs as the user types
    dialog.save_button.click()
    await wait_for(lambda: bool(saved))
    await settle(window, 1.0)


async def scenario_switch(window: MainWindow, names: list[str], rounds: int) -> None:
    loaded: list[bool] = []

    def count() -> None:
        loaded.append(True)

    window.controller.loaded.connect(count)
    for i in range(rounds):
        profile = next(p for p in window.profiles if p.name == names[i % len(names)])
        window.switch_profile(profile)
        await wait_for(lambda i=i: len(loaded) > i)
        await asyncio.sleep(0.2)
    window.controller.loaded.disconnect(count)
    await settle(window)


async def scenario_stats(window: MainWindow, opens: int) -> None:
    """Open the Stats view and wait for its figures, then close it; the first open also makes the view (and, unless
    they were loaded in the background already, its charts' modules)."""
    loaded: list[bool] = []
    for i in range(opens):
        window.stats_dock.toggle()  # the figures are read on a worker: they arrive after this returns
        if i == 0:
            window.stats_dock.view.loaded.connect(lambda: loaded.append(True))
        await wait_for(lambda i=i: len(loaded) > i)
        await settle(window, 0.5)
        window.stats_dock.toggle()
        await settle(window, 0.3)


async def drive(ctx: AppContext, data_dir: Path, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    export = data_dir / "items.json"
    export.write_text(json.dumps(linkedin_items(0, args.items, seed=3)), encoding="utf-8")
    ctx.profiles.add("alex")
    ctx.profiles.add("sam")
    ctx.ingestion.run("sam", [linkedin_items(0, args.items, seed=5)], source="bench")  # a second full board
    ctx.live.config = ApifyConfig(token=None, api_url=None, poll_interval=0.05)
    settings = AppSettings(data_dir / "window.ini")
    settings.last_profile_id = ctx.profiles.get("alex").id
    window = MainWindow(ctx, settings=settings, prompts=ScriptedPrompts())
    window.resize(1440, 900)
    window.show()
    await wait_for(lambda: window.current_profile is not None)
    await settle(window, 1.0)

    probe = StallProbe()
    sampler = StallSampler(probe) if args.where else None
    if sampler is not None:
        sampler.start()
    results: dict[str, dict[str, float]] = {}

    async def measure(name: str, work: Callable[[], object]) -> None:
        probe.start()
        started = time.perf_counter()
        await work()  # type: ignore[misc]
        figures = probe.stop()
        figures["seconds"] = time.perf_counter() - started
        results[name] = figures
        if not args.json:
            print(
                f"{name:<28} max {figures['max_stall_ms']:7.1f} ms   p99 {figures['p99_stall_ms']:6.1f} ms   "
                f"({figures['ticks']:,} ticks, {figures['seconds']:.1f} s)",
                flush=True,
            )
        if sampler is not None:
            for stack, n in sampler.take():
                print(f"  {n} samples (5 ms each) stalled at:\n{stack}", flush=True)

    await measure("idle", lambda: asyncio.sleep(2.0))
    await measure(f"import {args.items:,} items", lambda: scenario_import(window, export))
    with FakeApify() as fake:
        os.environ[secrets.API_URL_ENV] = fake.url
        os.environ[secrets.TOKEN_ENV] = "apify_api_bench_token"
        await measure(f"apify {args.apify:,} items", lambda: scenario_apify(window, fake, args.apify))
    count = window.controller.models[JobStatus.RECOMMENDED].rowCount()
    total = window.controller.total
    if not args.json:
        print(f"  (board: {total:,} cards, {count:,} loaded in Recommended)")
    await measure("drag within a column", lambda: scenario_drag(window, args.moves, between=False))
    await measure("drag between columns", lambda: scenario_drag(window, args.moves, between=True))
    await measure("save résumé (rescoring)", lambda: scenario_resume(window))
    await measure("switch profiles", lambda: scenario_switch(window, ["sam", "alex"], args.switches))
    await measure("open the Stats view", lambda: scenario_stats(window, 3))
    if sampler is not None:
        sampler.running = False
        sampler.join()
    window.close()
    await asyncio.sleep(0.2)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run every scenario and print the stalls next to their targets."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=5_000, help="items in the imported dataset")
    parser.add_argument("--apify", type=int, default=1_000, help="items the live Apify run brings")
    parser.add_argument("--moves", type=int, default=10, help="drags per drag scenario")
    parser.add_argument("--switches", type=int, default=6, help="profile switches")
    parser.add_argument("--where", action="store_true", help="sample the GUI thread's stack during stalls")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    for name in (secrets.TOKEN_ENV, secrets.API_URL_ENV):
        os.environ.pop(name, None)
    keyring.set_keyring(fail.Keyring())  # never the user's keyring
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        os.environ["JOBPOOL_DATA_DIR"] = str(data_dir)
        app = make_application()
        app.setQuitOnLastWindowClosed(False)
        ctx = open_context(data_dir=data_dir / "db")
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        try:
            with loop:
                results = loop.run_until_complete(drive(ctx, data_dir, args))
        finally:
            ctx.close()
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print("targets: max_stall_ms <= 50, p99_stall_ms <= 16")
    return 0


if __name__ == "__main__":
    sys.exit(main())
