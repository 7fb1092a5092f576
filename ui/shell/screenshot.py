"""`python -m ui.shell.screenshot OUT.png [--size WxH] [--timeline]`: a real window screenshot of a demo board.

The board comes from the fixture data; --timeline scrolls the detail pane to the card's history and follow-up.

Everything happens in a temporary data directory (its own embedded PostgreSQL), through the same services the
window uses; the window is the real MainWindow, rendered offscreen (run with QT_QPA_PLATFORM=offscreen).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import qasync
from PySide6.QtCore import SignalInstance

from app.cards import VIA_DRAG, VIA_KEYBOARD, VIA_MENU
from app.context import AppContext, open_context
from app.records import JobStatus, Profile
from ui.shell.app import make_application
from ui.shell.main_window import MainWindow
from ui.support.window_state import AppSettings

DATASETS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "datasets"
MAIN_IMPORTS = ("linkedin_curious.json", "linkedin_bebity.json", "indeed_misceres.json", "indeed_valig.jsonl")
FRESH_IMPORT = "jobspy.csv"
SIZE = (1440, 900)  # the window's default size; --size takes others (1280x800, 1920x1080, ...)
# (title words, days from today, note): follow-ups on the demo board, one of them due.
FOLLOW_UPS = (
    ("Senior Python Developer", 2, "Send Dana a thank-you note after the onsite"),
    ("Site Reliability Engineer", 0, "Ask Priya whether the team has replied"),
)

# (title words, company words, column, note): how the demo profile's hunt has gone so far.
STORY = (
    (
        "Senior Python Developer",
        "Acme",
        JobStatus.INTERVIEWING,
        "Recruiter: Dana Whitfield (dana@acme.example).\nOnsite on Thursday 10:00 — system design + pairing.\n"
        "Ask about the on-call rotation and the data pipeline rewrite.",
    ),
    ("Data Engineer", "Globex", JobStatus.INTERVIEWING, "Take-home due Friday."),
    ("Staff Backend Engineer", "", JobStatus.OFFER, "Offer call on Monday: base + equity, decide by the 30th."),
    ("Site Reliability Engineer", "", JobStatus.APPLIED, "Referred by Priya."),
    ("Platform Engineer", "", JobStatus.APPLIED, None),
    ("Analytics Engineer", "", JobStatus.APPLIED, None),
    ("Backend Engineer (Go)", "", JobStatus.APPLIED, "Applied through the careers page."),
    ("Cloud Engineer", "", JobStatus.APPLIED, None),
    ("Machine Learning Engineer", "", JobStatus.REJECTED, "Wanted more PyTorch in production."),
    ("Security Engineer", "", JobStatus.REJECTED, None),
    ("Bank Teller (Bilingual)", "", JobStatus.ARCHIVED, None),
    ("Video Editor", "", JobStatus.ARCHIVED, None),
    ("Game QA Tester", "", JobStatus.ARCHIVED, None),
)


ALEX_RESUME = """Alex Rivera — Senior backend engineer
Seven years building Python services: Django, FastAPI and Flask APIs on PostgreSQL and Redis, Celery workers,
REST and GraphQL. Docker and Kubernetes on AWS, Terraform, GitHub Actions CI, observability with Prometheus.
Mentored juniors, led the move from a monolith to services, on-call for payments.
"""
SAM_RESUME = """Sam Chen — Data engineer
Builds batch and streaming pipelines: SQL, Python, Apache Spark, Airflow, dbt, Kafka; Snowflake and BigQuery
warehouses; data modelling, data quality checks, Tableau dashboards for analysts.
"""


def seed_demo(ctx: AppContext, datasets: Path) -> tuple[Profile, str]:
    """Two profiles over one pool; the main one has a board in every column. Returns it and the card to show."""
    alex = ctx.profiles.add("Alex Rivera")
    sam = ctx.profiles.add("Sam Chen")
    ctx.matching.resumes.set_resume(alex.id, ALEX_RESUME)
    ctx.matching.resumes.set_resume(sam.id, SAM_RESUME)
    ctx.ingestion.ingest_file(sam.id, str(datasets / "linkedin_curious.json"))
    for name in MAIN_IMPORTS:
        ctx.ingestion.ingest_file(alex.id, str(datasets / name))
    ctx.cards.mark_seen(alex.id)
    cards = ctx.board.cards_for(alex.id)
    used: set = set()
    for title, company, status, note in STORY:
        card = next(
            (
                c
                for c in cards
                if c.title.startswith(title) and company in (c.company or "") and c.user_job_id not in used
            ),
            None,
        )
        if card is None:
            continue
        used.add(card.user_job_id)
        # The way a person gets there: dragged to Applied, then on with the keyboard or a menu.
        if status not in (JobStatus.APPLIED, JobStatus.ARCHIVED):
            ctx.cards.move([card.user_job_id], JobStatus.APPLIED, via=VIA_DRAG)
        ctx.cards.move([card.user_job_id], status, via=VIA_KEYBOARD if status is JobStatus.INTERVIEWING else VIA_MENU)
        if note:
            ctx.cards.set_notes(card.user_job_id, note)
    for title, days, note in FOLLOW_UPS:
        card = next((c for c in cards if c.user_job_id in used and c.title.startswith(title)), None)
        if card is not None:
            ctx.reminders.set(card.user_job_id, date.today() + timedelta(days=days), note)
    ctx.ingestion.ingest_file(alex.id, str(datasets / FRESH_IMPORT))
    return ctx.profiles.get(alex.id), STORY[0][0]


async def _wait(signal: SignalInstance, timeout: float = 20.0) -> None:
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def fire(*_args: object) -> None:
        if not future.done():
            future.set_result(None)

    signal.connect(fire)
    await asyncio.wait_for(future, timeout)


async def _until(condition, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("the window did not reach the expected state")
        await asyncio.sleep(0.05)


async def _shoot(
    ctx: AppContext,
    profile: Profile,
    focus_title: str,
    out: Path,
    workdir: Path,
    size: tuple[int, int] = SIZE,
    timeline: bool = False,
) -> None:
    settings = AppSettings(workdir / "settings.ini")
    settings.last_profile_id = profile.id
    settings.recommended_by_score = True
    window = MainWindow(ctx, settings=settings)
    window.resize(*size)
    window.splitter.setSizes([size[0] - size[0] // 4, size[0] // 4])
    window.show()
    await _until(lambda: window.controller.has_loaded and window.controller.total > 0)
    interviewing = window.controller.models[JobStatus.INTERVIEWING]
    card = next(c for c in interviewing.cards if c.title.startswith(focus_title))
    window.board_view.select_cards(JobStatus.INTERVIEWING, [card.user_job_id])
    await _until(lambda: window.detail.detail is not None)
    await _until(lambda: "Pool" in window.status.pool_label.text() and window.status.new_label.isVisible())
    panel = window.detail.tracking_panel
    if timeline and panel is not None:
        await _until(lambda: len(panel.lines) > 1)
        window.detail.scroll_area.ensureWidgetVisible(panel, 0, 0)
    await asyncio.sleep(0.3)  # let the last layout pass and repaint settle
    window.grab().save(str(out))
    window.close()


def _size(text: str) -> tuple[int, int]:
    """ "1440x900" as (1440, 900)."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, e.g. 1440x900, not {text!r}") from None
    if width < 640 or height < 480:
        raise argparse.ArgumentTypeError("the window needs at least 640x480")
    return width, height


def main(argv: list[str] | None = None) -> int:
    """Write the screenshot; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m ui.shell.screenshot", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="PNG file to write")
    parser.add_argument("--datasets", type=Path, default=DATASETS, help="folder of dataset exports")
    parser.add_argument(
        "--size", type=_size, default=SIZE, metavar="WxH", help=f"window size in pixels (default {SIZE[0]}x{SIZE[1]})"
    )
    parser.add_argument("--timeline", action="store_true", help="show the card's history and follow-up in the pane")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = make_application()
    app.setQuitOnLastWindowClosed(False)
    with tempfile.TemporaryDirectory(prefix="jobpool-screenshot-") as tmp:
        workdir = Path(tmp)
        ctx = open_context(data_dir=workdir)
        try:
            profile, focus = seed_demo(ctx, args.datasets)
            loop = qasync.QEventLoop(app)
            asyncio.set_event_loop(loop)
            with loop:
                loop.run_until_complete(_shoot(ctx, profile, focus, args.out, workdir, args.size, args.timeline))
        finally:
            ctx.close()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
