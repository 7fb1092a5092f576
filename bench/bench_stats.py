"""Opening the Stats view on a large profile: the insights service call plus building the view from its figures
(the first tab, the one on screen), and then each other tab's drawing when it is first shown.

    .venv/bin/python bench/bench_stats.py [--cards 10000] [--events 20000] [--repeat 20]

Target: under 100 ms (p95) for 10,000 cards with 20,000 history events.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app.context import open_context  # noqa: E402
from ui.stats.stats_view import StatsView  # noqa: E402
from ui.support.events import Hub  # noqa: E402
from ui.support.tasks import TaskRunner  # noqa: E402

SOURCES = ("linkedin", "indeed", "url", "manual", "bebity/linkedin-jobs-scraper")

# Every card is added (one event each); the rest of the events move cards on: Applied, then some to Interviewing,
# some of those to Offer, others to Rejected, a few back and forth. Times spread over the last 26 weeks.
_SEED = """
INSERT INTO job_pool (hash, title, company, source)
SELECT md5('bench-' || i), (ARRAY['Senior Data Engineer', 'Backend Developer', 'Designer', 'Product Manager',
        'Junior Analyst'])[1 + i % 5] || ' ' || (i % 40), 'Company ' || (i % 300), (CAST(:sources AS text[]))[1 + i % 5]
FROM generate_series(1, :cards) AS i;

INSERT INTO user_job (user_id, job_pool_id, status)
SELECT (SELECT id FROM users WHERE name = 'bench'), id, 'recommended' FROM job_pool;

DELETE FROM status_event;
"""

_EVENTS = """
WITH c AS (
    SELECT id, row_number() OVER (ORDER BY id) AS n FROM user_job
),
moves AS (
    SELECT id, n, step FROM c, generate_series(0, 3) AS step
)
INSERT INTO status_event (user_job_id, at, from_status, to_status, via)
SELECT id,
       now() - make_interval(days => 182 - (n % 170)::int) + make_interval(days => (step * (3 + n % 9))::int),
       (ARRAY[NULL, 'recommended', 'applied', 'interviewing'])[step + 1]::job_status,
       (ARRAY['recommended', 'applied', 'interviewing',
              CASE WHEN n % 3 = 0 THEN 'offer' ELSE 'rejected' END])[step + 1]::job_status,
       'bench'
FROM moves
ORDER BY step, n
LIMIT :events
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as data_dir:
        ctx = open_context(data_dir=data_dir)
        try:
            profile = ctx.profiles.add("bench")
            with ctx.database.engine.begin() as conn:
                for statement in _SEED.split(";\n"):
                    if statement.strip():
                        conn.execute(text(statement), {"cards": args.cards, "sources": list(SOURCES)})
                # Every card's "added" event first, then the moves of as many cards as --events allows.
                conn.execute(text(_EVENTS), {"events": args.events})
                conn.execute(text("ANALYZE"))
                cards = conn.execute(text("SELECT count(*) FROM user_job")).scalar_one()
                events = conn.execute(text("SELECT count(*) FROM status_event")).scalar_one()
            print(f"profile with {cards:,} cards and {events:,} history events")
            view = StatsView(ctx.insights, TaskRunner(Hub()))
            view.resize(1440, 900)
            view.show()
            samples: list[tuple[float, float]] = []
            # The other tabs are drawn when first shown: each one's time from the click to its chart and table
            # painted, after every opening.
            tabs: dict[str, list[float]] = {}
            for round_ in range(args.repeat + 3):
                view.tabs.setCurrentIndex(0)
                app.processEvents()
                started = time.perf_counter()
                figures = ctx.insights.for_profile(profile.id)
                read = time.perf_counter()
                view.show_profile(figures)
                app.processEvents()  # lay out and paint, as the window would
                done = time.perf_counter()
                if round_ >= 3:  # warm-up rounds fill caches and plans
                    samples.append((read - started, done - started))
                for index in range(1, view.tabs.count()):
                    shown = time.perf_counter()
                    view.tabs.setCurrentIndex(index)
                    app.processEvents()
                    if round_ >= 3:
                        tabs.setdefault(view.tabs.tabText(index), []).append(time.perf_counter() - shown)
            service = sorted(s for s, _ in samples)
            total = sorted(t for _, t in samples)

            def p95(values: list[float]) -> float:
                return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))] * 1000

            print(
                f"service call: p50 {statistics.median(service) * 1000:.1f} ms, p95 {p95(service):.1f} ms\n"
                f"service call + view build: p50 {statistics.median(total) * 1000:.1f} ms, p95 {p95(total):.1f} ms "
                "(target < 100 ms)"
            )
            for name, times in tabs.items():
                times.sort()
                median = statistics.median(times) * 1000
                print(f"  then the {name!r} tab drawn: p50 {median:.1f} ms, p95 {p95(times):.1f} ms")
            view.close()
        finally:
            ctx.close()


if __name__ == "__main__":
    main()
