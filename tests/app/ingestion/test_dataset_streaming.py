"""Hostile and huge dataset files: deep nesting, gzip bombs, and big exports read as a stream."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from app.errors import DatasetFormatError
from app.ingestion import file_stream, files
from app.ingestion.files import read_dataset_file
from tests.support.paths import REPO
from tests.support.synthetic import linkedin_item

ROOT = REPO
DEEP = '{"a": ' * 10_000 + "1" + "}" * 10_000


def test_deeply_nested_json_file_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" + DEEP + "]")
    with pytest.raises(DatasetFormatError, match="nested too deeply"):
        read_dataset_file(path)


def test_deeply_nested_json_line_is_rejected_alone(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    good = json.dumps(linkedin_item(1))
    path.write_text(f"{DEEP}\n{good}\n{good}\n")
    dataset = read_dataset_file(path)
    assert dataset.format == "jsonl"
    assert len(dataset.items) == 2
    assert [(r.index, r.reason) for r in dataset.rejected] == [(1, "line 1: nested too deeply to be a job posting")]


def test_cli_deep_json_is_one_line_without_traceback(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" + DEEP + "]")
    run = [sys.executable, "main.py", "--db-url", db_url]
    assert subprocess.run([*run, "profiles", "add", "me"], cwd=ROOT, capture_output=True).returncode == 0
    result = subprocess.run(
        [*run, "ingest", "--profile", "me", "--file", str(path), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "nested too deeply" in result.stderr


def test_gzip_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "MAX_DECOMPRESSED_BYTES", 4 << 20)
    bomb = tmp_path / "bomb.json.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as archive:
        archive.write(b"[" + b" " * (8 << 20) + b"]")  # 8 MiB of spaces packs into a few KB
    assert bomb.stat().st_size < 100_000
    with pytest.raises(DatasetFormatError, match="unpacks to more than"):
        read_dataset_file(bomb)
    with pytest.raises(DatasetFormatError, match="unpacks to more than"):
        file_stream.open_dataset(bomb)


def test_streamed_gzip_bomb_stops_the_run_with_a_clear_message(
    ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Bigger than what is parsed in memory: the stream stops once the cap is passed, the run ends failed.
    monkeypatch.setattr(file_stream, "IN_MEMORY_BYTES", 1 << 20)
    monkeypatch.setattr(files, "MAX_DECOMPRESSED_BYTES", 3 << 20)
    bomb = tmp_path / "bomb.jsonl.gz"
    line = (json.dumps(linkedin_item(1)) + "\n").encode()
    with gzip.open(bomb, "wb") as archive:
        archive.write(line * ((6 << 20) // len(line)))
    ctx.profiles.add("Ana")
    report = ctx.ingestion.ingest_file("Ana", str(bomb))
    assert report.status == "failed"
    assert "unpacks to more than" in report.error


@pytest.mark.parametrize("suffix", ["json", "jsonl", "csv", "json.gz"])
def test_big_file_is_streamed_and_ingested_completely(
    ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    monkeypatch.setattr(file_stream, "IN_MEMORY_BYTES", 64 << 10)  # so a small test file takes the streamed path
    monkeypatch.setattr(files, "_parse_json_array", None)  # proves the whole-file parser is not used
    items = [linkedin_item(i, description_words=30) for i in range(1500)]
    items[700] = {"title": "No company"}
    path = tmp_path / f"big.{suffix}"
    if suffix.startswith("json") and suffix != "jsonl":
        raw = json.dumps(items, indent=1).encode()
    elif suffix == "jsonl":
        lines = [json.dumps(item) for item in items]
        lines[900] = "{broken"
        raw = ("\n".join(lines) + "\n").encode()
    else:
        import csv
        import io

        keys = ["id", "link", "title", "companyName", "location", "descriptionText"]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(keys)
        for item in items:
            writer.writerow([item.get(k, "") for k in keys])
        raw = out.getvalue().encode()
    path.write_bytes(gzip.compress(raw) if suffix.endswith(".gz") else raw)
    ctx.profiles.add("Ana")
    ctx.ingestion.chunk_size = 400

    report = ctx.ingestion.ingest_file("Ana", str(path))

    broken = 1 if suffix == "jsonl" else 0
    assert report.status == "succeeded"
    assert report.fetched == 1500
    assert len(report.rejected) == 1 + broken
    assert report.pool_inserts == report.links_created == 1499 - broken
    with ctx.database.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM job_pool")).scalar() == 1499 - broken
