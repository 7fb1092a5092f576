"""`add`: by URL, by saved page, by hand; its JSON; exit codes and one-line errors."""

from __future__ import annotations

import json

import pytest

from tests.support.page_server import page_server
from tests.support.paths import JOB_PAGES

KEYS = {
    "job_pool_id",
    "user_job_id",
    "title",
    "company",
    "location",
    "salary_min",
    "salary_max",
    "salary_period",
    "posted_at",
    "url",
    "source",
    "pool_hit",
}


@pytest.fixture
def profile(db_url: str, jobpool) -> str:
    assert jobpool(db_url, "profiles", "add", "alex").returncode == 0
    return "alex"


def test_add_by_url_prints_the_job_as_json(db_url: str, profile: str, jobpool) -> None:
    with page_server() as base:
        url = f"{base}/pages/indeed_au_papercut_senior-devops-engineer.html"
        result = jobpool(db_url, "add", "--profile", profile, "--url", url, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == KEYS
    assert (data["title"], data["company"], data["location"]) == (
        "Senior DevOps Engineer",
        "PaperCut Software",
        "Camberwell, VIC 3124, AU",
    )
    assert (data["salary_min"], data["salary_max"], data["salary_period"]) == (130000, 160000, "year")
    assert data["posted_at"].startswith("2026-08-06") and data["source"] == "url" and data["pool_hit"] is False
    board = json.loads(jobpool(db_url, "board", "--profile", profile, "--json").stdout)
    assert [c["job_pool_id"] for c in board] == [data["job_pool_id"]]


def test_add_a_saved_page_then_by_hand_is_a_pool_hit_with_status(db_url: str, profile: str, jobpool) -> None:
    page = JOB_PAGES / "lever_leverdemo_software-engineer.html"
    first = json.loads(jobpool(db_url, "add", "--profile", profile, "--html", str(page), "--json").stdout)
    result = jobpool(
        db_url, "add", "--profile", profile, "--title", "Software Engineer", "--company", "Lever Demo 2",
        "--location", "Bay Area, CA", "--status", "applied", "--json",
    )  # fmt: skip
    second = json.loads(result.stdout)
    assert second["pool_hit"] is True and second["job_pool_id"] == first["job_pool_id"]
    board = json.loads(jobpool(db_url, "board", "--profile", profile, "--status", "applied", "--json").stdout)
    assert [c["job_pool_id"] for c in board] == [first["job_pool_id"]]


def test_a_page_without_a_posting_exits_1_with_one_line(db_url: str, profile: str, jobpool, tmp_path) -> None:
    page = tmp_path / "wall.html"
    page.write_text("<html><head><title>Sign in to see this job</title></head><body><div id=app></div></body></html>")
    result = jobpool(db_url, "add", "--profile", profile, "--html", str(page), "--json")
    assert result.returncode == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "No job posting found" in result.stderr and "Sign in to see this job" in result.stderr


def test_a_page_without_a_posting_is_added_with_title_and_company_given(db_url: str, profile: str, jobpool) -> None:
    with page_server() as base:
        url = f"{base}/gone-page"  # 404: nothing to read, but the command line says enough
        result = jobpool(db_url, "add", "--profile", profile, "--url", url, "--title", "T", "--company", "C", "--json")
    assert result.returncode == 1  # the fetch itself failed: reported, not guessed around
    with page_server() as base:
        page = f"{base}/pages/README.md"
        result = jobpool(db_url, "add", "--profile", profile, "--url", page, "--title", "T", "--company", "C", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["title"], data["company"], data["source"]) == ("T", "C", "url")
    assert data["url"].endswith("/pages/README.md")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--title", "T"), 2, "give --url URL, --html FILE, or --title T --company C"),
        (("--url", "javascript:alert(1)"), 1, "Only http:// and https://"),
        (("--url", "https://x.example", "--html", "f.html"), 2, "not allowed with argument"),
        (("--title", "T", "--company", "C", "--status", "nowhere"), 1, "nowhere"),
        (("--title", "T", "--company", "C", "--link", "file:///etc/passwd"), 1, "Only http:// and https://"),
    ],
)
def test_errors(db_url: str, profile: str, jobpool, args: tuple[str, ...], code: int, message: str) -> None:
    result = jobpool(db_url, "add", "--profile", profile, *args)
    assert result.returncode == code
    assert message in result.stderr and "Traceback" not in result.stderr
    if code == 1:
        assert len(result.stderr.strip().splitlines()) == 1
