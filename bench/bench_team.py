"""Team mode on a second PostgreSQL over TCP (SCRAM): members, pool size, board open under row-level security,
concurrent ingestion, and how long a move takes to reach another desktop's listener.

    .venv/bin/python bench/bench_team.py [--members 20] [--pool 20000]
"""

from __future__ import annotations

import argparse
import queue
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from app.changes import ChangeListener  # noqa: E402
from app.context import open_context  # noqa: E402
from app.records import JobStatus  # noqa: E402
from tests.support.synthetic import linkedin_items  # noqa: E402
from tests.support.team_server import start_team_server  # noqa: E402


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--pool", type=int, default=20_000, help="pool rows, ingested by the members together")
    args = parser.parse_args()
    server = start_team_server()
    data = Path(ROOT / ".bench-team")
    try:
        admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text('CREATE DATABASE "team"'))
        admin.dispose()
        ctx = open_context(server.url("team"), data / "admin", upgrade=False)
        started = time.perf_counter()
        ctx.team.init()
        print(f"server init on an empty database: {time.perf_counter() - started:.2f} s")
        names = [f"m{i:03d}" for i in range(args.members)]
        for name in names:
            ctx.team.add_member(name, f"pw-{name}")
        ctx.close()
        per_member = args.pool // args.members
        # Each member ingests its own slice plus half of the next one's: half of every batch is already pooled.
        timings: dict[str, float] = {}
        profiles: dict[str, uuid.UUID] = {}

        def ingest(index: int, name: str) -> None:
            member = open_context(server.url("team", name, f"pw-{name}"), data / name)
            try:
                profile = member.profiles.add(f"{name} board")
                profiles[name] = profile.id
                start = index * per_member
                items = linkedin_items(start, start + per_member + per_member // 2)
                began = time.perf_counter()
                member.ingestion.run(profile.id, [items], source="bench", embed=False)
                timings[name] = time.perf_counter() - began
            finally:
                member.close()

        began = time.perf_counter()
        threads = [threading.Thread(target=ingest, args=(i, n)) for i, n in enumerate(names[:4])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(f"4 members ingesting at once: {time.perf_counter() - began:.2f} s wall")
        for index, name in enumerate(names[4:], start=4):
            ingest(index, name)
        check = create_engine(server.url("team"))
        with check.connect() as connection:
            pool, distinct = connection.execute(text("SELECT count(*), count(DISTINCT hash) FROM job_pool")).one()
            links = connection.execute(text("SELECT count(*) FROM user_job")).scalar_one()
        print(f"members: {len(names)}, pool rows: {pool} (duplicates: {pool - distinct}), cards: {links}")

        first = names[0]
        member = open_context(server.url("team", first, f"pw-{first}"), data / first)
        superuser = open_context(server.url("team"), data / "admin")
        for label, context in (("member (row-level security)", member), ("superuser (no policies)", superuser)):
            samples = []
            for _ in range(60):
                began = time.perf_counter()
                context.board.open_board(profiles[first])
                samples.append(time.perf_counter() - began)
            p50, p95 = percentiles(samples[10:])
            print(f"board open as {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")

        heard: queue.Queue[object] = queue.Queue()
        listener = ChangeListener(server.url("team", first, f"pw-{first}"), heard.put)
        listener.start()
        listener.listening.wait(10)
        cards = [card.user_job_id for card in member.board.cards_for(profiles[first])][:50]
        delays = []
        for index, card in enumerate(cards):
            status = JobStatus.APPLIED if index % 2 == 0 else JobStatus.INTERVIEWING
            began = time.perf_counter()
            member.cards.move([card], status)
            heard.get(timeout=5)
            delays.append(time.perf_counter() - began)
        p50, p95 = percentiles(delays)
        print(f"move committed -> another connection's listener: p50 {p50:.1f} ms, p95 {p95:.1f} ms (50 moves)")
        listener.stop()
        member.close()
        superuser.close()
        check.dispose()
    finally:
        server.stop()
        import shutil

        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
