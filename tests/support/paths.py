"""Where the tests find the repository and their data files."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO / "tests" / "fixtures" / "datasets"
JOB_PAGES = REPO / "tests" / "fixtures" / "job_pages"
