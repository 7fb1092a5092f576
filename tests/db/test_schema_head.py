"""The head revision a start compares with is the newest migration file's."""

from __future__ import annotations

from db.schema import HEAD_REVISION, head_revision


def test_the_known_head_is_the_newest_migration() -> None:
    assert head_revision() == HEAD_REVISION
