"""The documented synonym table that maps v1 status text onto the board's columns."""

from __future__ import annotations

import pytest

from app.migration.statuses import SYNONYMS, board_rank, map_status, map_statuses, normalize_status
from db.base import JobStatus


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("saved", JobStatus.RECOMMENDED),
        ("New", JobStatus.RECOMMENDED),
        ("", JobStatus.RECOMMENDED),
        ("none", JobStatus.RECOMMENDED),
        ("   ", JobStatus.RECOMMENDED),
        ("submitted", JobStatus.APPLIED),
        ("  APPLIED ", JobStatus.APPLIED),
        ("interview", JobStatus.INTERVIEWING),
        ("Interviewing", JobStatus.INTERVIEWING),
        ("Phone   Screen", JobStatus.INTERVIEWING),
        ("phone_screen", JobStatus.INTERVIEWING),
        ("PHONE-SCREEN", JobStatus.INTERVIEWING),
        ("onsite", JobStatus.INTERVIEWING),
        ("Technical", JobStatus.INTERVIEWING),
        ("offered", JobStatus.OFFER),
        ("Offer", JobStatus.OFFER),
        ("accepted", JobStatus.OFFER),
        ("declined", JobStatus.REJECTED),
        ("GHOSTED", JobStatus.REJECTED),
        ("Rejected", JobStatus.REJECTED),
        ("no\tresponse", JobStatus.REJECTED),
        ("withdrawn", JobStatus.ARCHIVED),
        ("Closed", JobStatus.ARCHIVED),
        ("archived", JobStatus.ARCHIVED),
    ],
)
def test_documented_synonyms_map_case_and_space_insensitively(raw: str, expected: JobStatus) -> None:
    mapping = map_status(raw)
    assert mapping.status is expected
    assert mapping.known
    assert mapping.raw == raw


def test_every_column_name_maps_to_itself() -> None:
    for status in JobStatus:
        assert map_status(status.value.upper()).status is status


@pytest.mark.parametrize("raw", ["Maybe later", "🤔 thinking", "applied?", "offer-ish pending"])
def test_unknown_values_go_to_recommended_and_are_flagged(raw: str) -> None:
    mapping = map_status(raw)
    assert mapping.status is JobStatus.RECOMMENDED
    assert not mapping.known
    assert mapping.raw == raw


def test_synonym_table_has_no_word_in_two_columns() -> None:
    words = [normalize_status(w) for words in SYNONYMS.values() for w in words]
    assert len(words) == len(set(words))


def test_map_statuses_keys_by_stored_text() -> None:
    mapping = map_statuses(["Applied", " applied", "Applied", "zzz"])
    assert set(mapping) == {"Applied", " applied", "zzz"}
    assert mapping[" applied"].status is JobStatus.APPLIED


def test_board_rank_follows_board_order() -> None:
    ranks = [board_rank(s) for s in JobStatus]
    assert ranks == sorted(ranks) == list(range(6))
    assert board_rank(JobStatus.REJECTED) > board_rank(JobStatus.OFFER)
