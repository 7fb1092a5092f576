"""Only http(s) links reach the pool: hostile URL schemes and bare paths are dropped at import, the job is kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from tests.support.paths import REPO
from tests.support.synthetic import linkedin_item

ROOT = REPO

HOSTILE = [
    "javascript:alert(document.cookie)",
    "file:///etc/passwd",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "smb://fileserver/share/cv.exe",
    "/etc/passwd",
    "jobs/view/123",
    "JavaScript:void(0)",
    "http:///no-host",
]


def _items() -> list[dict]:
    items = []
    for i, bad in enumerate(HOSTILE):
        item = linkedin_item(i)
        item["link"] = bad
        item["applyUrl"] = f"https://apply.example.com/{i}" if i % 2 else bad
        items.append(item)
    good = linkedin_item(100)
    good["applyUrl"] = "HTTPS://Apply.Example.com/ok"
    return [*items, good]


def test_non_web_links_are_dropped_and_counted(ctx) -> None:
    ctx.profiles.add("Ana")
    report = ctx.ingestion.run("Ana", [_items()], source="test")

    assert report.pool_inserts == len(HOSTILE) + 1  # every job is kept, only its links are cleaned
    bad_apply = sum(1 for i in range(len(HOSTILE)) if i % 2 == 0)
    assert report.urls_dropped == len(HOSTILE) + bad_apply
    assert report.to_json()["urls_dropped"] == report.urls_dropped
    with ctx.database.engine.connect() as conn:
        links = conn.execute(text("SELECT url FROM job_pool UNION ALL SELECT apply_url FROM job_pool")).scalars()
        kept = [link for link in links if link is not None]
    assert kept and all(link.lower().startswith(("http://", "https://")) for link in kept)
    assert "HTTPS://Apply.Example.com/ok" in kept
    assert "https://www.linkedin.com/jobs/view/1000100" in kept


def test_cli_json_report_counts_dropped_links(db_url: str, tmp_path: Path) -> None:
    export = tmp_path / "hostile.json"
    export.write_text(json.dumps(_items()))

    def jobpool(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "main.py", "--db-url", db_url, *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert jobpool("profiles", "add", "me").returncode == 0
    result = jobpool("ingest", "--profile", "me", "--file", str(export), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["urls_dropped"] == len(HOSTILE) + sum(1 for i in range(len(HOSTILE)) if i % 2 == 0)
    assert report["pool_inserts"] == len(HOSTILE) + 1
