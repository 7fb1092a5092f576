"""Profiles, board queries and card moves against a real PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.errors import InvalidInput, NotFound, ProfileExists
from app.records import BoardCard, JobStatus
from tests.support.synthetic import linkedin_items


def _seed(ctx, name: str = "Ana", n: int = 30):
    profile = ctx.profiles.add(name)
    ctx.ingestion.run(name, [linkedin_items(0, n)], source="test", embed=False)
    return profile


def test_profile_lifecycle_and_names(ctx) -> None:
    ana = ctx.profiles.add("  Ana   Lopez ")
    assert ana.name == "Ana Lopez"
    with pytest.raises(ProfileExists):
        ctx.profiles.add("ana lopez")
    with pytest.raises(InvalidInput):
        ctx.profiles.add("   ")
    ctx.profiles.add("Ben")
    with pytest.raises(ProfileExists):
        ctx.profiles.rename("Ben", "ANA LOPEZ")
    renamed = ctx.profiles.rename("ana lopez", "Ana")
    assert renamed.id == ana.id and renamed.name == "Ana"
    assert [p.name for p in ctx.profiles.list()] == ["Ana", "Ben"]
    with pytest.raises(NotFound):
        ctx.profiles.get("Nobody")


def test_removing_a_profile_keeps_the_pool(ctx) -> None:
    _seed(ctx, "Ana", 20)
    ctx.profiles.add("Ben")
    ctx.ingestion.run("Ben", [linkedin_items(0, 20)], source="test", embed=False)
    assert ctx.profiles.remove("Ana") == 20
    with ctx.database.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM job_pool")).scalar() == 20
        assert conn.execute(text("SELECT count(*) FROM user_job")).scalar() == 20
        assert conn.execute(text("SELECT count(*) FROM ingestion_run WHERE user_id IS NULL")).scalar() == 1
    assert [p.name for p in ctx.profiles.list()] == ["Ben"]


def test_cards_carry_user_data_from_links_and_job_data_from_the_pool(ctx) -> None:
    ana = _seed(ctx, "Ana", 5)
    ben = ctx.profiles.add("Ben")
    ctx.ingestion.run("Ben", [linkedin_items(0, 5)], source="test", embed=False)
    card = ctx.board.cards_for(ana.id)[0]
    ctx.cards.set_notes(card.user_job_id, "Called the recruiter — “great fit”.\nSecond line.")
    with ctx.database.engine.begin() as conn:
        conn.execute(text("UPDATE user_job SET match_score = 87 WHERE id = :id"), {"id": card.user_job_id})
        conn.execute(text("UPDATE job_pool SET title = 'Renamed Title' WHERE id = :id"), {"id": card.job_pool_id})
    ana_card = ctx.board.card(card.user_job_id)
    ben_card = next(c for c in ctx.board.cards_for(ben.id) if c.job_pool_id == card.job_pool_id)
    assert ana_card.notes.startswith("Called the recruiter") and ana_card.match_score == 87
    assert ben_card.notes is None and ben_card.match_score is None
    assert ana_card.title == ben_card.title == "Renamed Title"
    detail = ctx.board.detail(card.user_job_id)
    assert detail.other_profiles == 1
    assert detail.salary_text() is not None and "–" in detail.salary_text()


def test_column_pages_and_counts(ctx) -> None:
    ana = _seed(ctx, "Ana", 250)
    counts = ctx.board.column_counts(ana.id)
    assert counts[JobStatus.RECOMMENDED] == 250 and sum(counts.values()) == 250
    first = ctx.board.column_page(ana.id, JobStatus.RECOMMENDED, 0, 100)
    last = ctx.board.column_page(ana.id, JobStatus.RECOMMENDED, 200, 100)
    assert first.total == 250 and first.has_more and len(first.cards) == 100
    assert len(last.cards) == 50 and not last.has_more
    every = ctx.board.cards_for(ana.id)
    paged = [c.user_job_id for o in (0, 100, 200) for c in ctx.board.column_page(ana.id, "recommended", o, 100).cards]
    assert paged == [c.user_job_id for c in every]


def test_full_text_search_with_prefixes(ctx) -> None:
    ana = _seed(ctx, "Ana", 250)
    nurses = ctx.board.cards_for(ana.id, search="regist nurs")
    assert nurses and all(c.title == "Registered Nurse" for c in nurses)
    by_company = ctx.board.cards_for(ana.id, search="globex")
    assert by_company and all("Globex" in c.company for c in by_company)
    assert ctx.board.cards_for(ana.id, search="zzzz-nothing") == []
    assert len(ctx.board.cards_for(ana.id, search="  ")) == 250
    counts = ctx.board.column_counts(ana.id, search="regist nurs")
    assert counts[JobStatus.RECOMMENDED] == len(nurses)
    assert ctx.board.cards_for(ana.id, search="it's & (weird) | !chars") == []


def test_moves_between_and_inside_columns(ctx) -> None:
    ana = _seed(ctx, "Ana", 6)
    ids = [c.user_job_id for c in ctx.board.cards_for(ana.id)]
    ctx.cards.move(ids[:3], JobStatus.APPLIED)
    applied = [c.user_job_id for c in ctx.board.cards_for(ana.id, JobStatus.APPLIED)]
    assert applied == ids[:3]
    ctx.cards.move([ids[2]], JobStatus.APPLIED, before=ids[0])  # reorder inside the column
    assert [c.user_job_id for c in ctx.board.cards_for(ana.id, JobStatus.APPLIED)] == [ids[2], ids[0], ids[1]]
    ctx.cards.move([ids[5], ids[4]], JobStatus.APPLIED, before=ids[0])  # several cards, kept in order
    assert [c.user_job_id for c in ctx.board.cards_for(ana.id, JobStatus.APPLIED)] == [
        ids[2],
        ids[5],
        ids[4],
        ids[0],
        ids[1],
    ]
    ctx.cards.move([ids[3]], JobStatus.APPLIED, at_top=True)
    assert ctx.board.cards_for(ana.id, JobStatus.APPLIED)[0].user_job_id == ids[3]


def test_move_places_cards_around_anchors_it_can_and_cannot_use(ctx) -> None:
    ana = _seed(ctx, "Ana", 6)
    ben = _seed(ctx, "Ben", 1)
    ids = [c.user_job_id for c in ctx.board.cards_for(ana.id)]

    def applied() -> list:
        return [c.user_job_id for c in ctx.board.cards_for(ana.id, JobStatus.APPLIED)]

    result = ctx.cards.move(ids[:2], JobStatus.APPLIED)  # into an empty column
    assert result.positions == [1.0, 2.0]
    assert [c.position for c in ctx.board.cards_for(ana.id, JobStatus.APPLIED)] == result.positions
    result = ctx.cards.move([ids[2]], JobStatus.APPLIED, before=ids[1])  # between two cards
    assert result.positions == [1.5] and applied() == [ids[0], ids[2], ids[1]]
    ctx.cards.move([ids[3]], JobStatus.APPLIED, before=ids[4])  # an anchor in another column: the end
    assert applied()[-1] == ids[3]
    ctx.cards.move([ids[4]], JobStatus.APPLIED, at_top=True, before=ctx.board.cards_for(ben.id)[0].user_job_id)
    assert applied()[0] == ids[4]  # another profile's anchor: the top, as asked
    with ctx.database.engine.begin() as conn:  # a card without a position (as older rows may be)
        conn.execute(text("UPDATE user_job SET position = NULL WHERE id = :id"), {"id": ids[0]})
    ctx.cards.move([ids[5]], JobStatus.APPLIED, before=ids[0])
    order = applied()
    assert order.index(ids[5]) == order.index(ids[0]) - 1
    assert None not in {c.position for c in ctx.board.cards_for(ana.id, JobStatus.APPLIED)}


def test_many_reorders_in_one_gap_renumber_the_column(ctx) -> None:
    ana = _seed(ctx, "Ana", 3)
    a, b, c = (card.user_job_id for card in ctx.board.cards_for(ana.id))
    for _ in range(60):  # halving the same gap 60 times exhausts float precision without renumbering
        ctx.cards.move([c], JobStatus.RECOMMENDED, before=b)
        ctx.cards.move([b], JobStatus.RECOMMENDED, before=c)
    order = [card.user_job_id for card in ctx.board.cards_for(ana.id)]
    assert order == [a, b, c]
    assert len({card.position for card in ctx.board.cards_for(ana.id)}) == 3


def test_status_changed_at_moves_only_with_the_status(ctx) -> None:
    ana = _seed(ctx, "Ana", 2)
    card = ctx.board.cards_for(ana.id)[0]
    ctx.cards.move([card.user_job_id], JobStatus.RECOMMENDED, at_top=True)
    assert ctx.board.card(card.user_job_id).status_changed_at == card.status_changed_at
    ctx.cards.move([card.user_job_id], JobStatus.INTERVIEWING)
    assert ctx.board.card(card.user_job_id).status_changed_at > card.status_changed_at


def test_move_errors_are_clear_and_change_nothing(ctx) -> None:
    import uuid

    ana = _seed(ctx, "Ana", 2)
    ben = _seed(ctx, "Ben", 2)
    a = ctx.board.cards_for(ana.id)[0].user_job_id
    b = ctx.board.cards_for(ben.id)[0].user_job_id
    with pytest.raises(InvalidInput, match="Unknown status"):
        ctx.cards.move([a], "hired")
    with pytest.raises(NotFound):
        ctx.cards.move([a, uuid.uuid4()], "applied")
    with pytest.raises(InvalidInput, match="different profiles"):
        ctx.cards.move([a, b], "applied")
    assert ctx.board.card(a).status is JobStatus.RECOMMENDED
    with pytest.raises(NotFound):
        ctx.cards.set_notes(uuid.uuid4(), "lost?")


def test_move_job_by_pool_id(ctx) -> None:
    ana = _seed(ctx, "Ana", 2)
    card = ctx.board.cards_for(ana.id)[0]
    ctx.cards.move_job("ana", card.job_pool_id, "Offer")
    assert ctx.board.card(card.user_job_id).status is JobStatus.OFFER


def test_open_board_matches_the_column_pages(ctx) -> None:
    ana = _seed(ctx, "Ana", 250)
    ids = [c.user_job_id for c in ctx.board.cards_for(ana.id)]
    ctx.cards.move(ids[:7], JobStatus.APPLIED)
    ctx.cards.move(ids[7:9], JobStatus.OFFER, at_top=True)
    board = ctx.board.open_board(ana.id, 50)
    for status in JobStatus:
        page = ctx.board.column_page(ana.id, status, 0, 50)
        assert [c.user_job_id for c in board[status].cards] == [c.user_job_id for c in page.cards]
        assert board[status].total == page.total
    assert board[JobStatus.RECOMMENDED].total == 241 and len(board[JobStatus.RECOMMENDED].cards) == 50
    searched = ctx.board.open_board(ana.id, dict.fromkeys(JobStatus, 10), search="regist nurs")
    found = [c for page in searched.values() for c in page.cards]
    assert found and all(c.title == "Registered Nurse" for c in found)
    assert sum(p.total for p in searched.values()) == len(ctx.board.cards_for(ana.id, search="regist nurs"))


def _kept_counts(ctx) -> dict:
    with ctx.database.engine.connect() as conn:
        return {(u, s): n for u, s, n in conn.execute(text("SELECT user_id, status, cards FROM user_job_count")) if n}


def _true_counts(ctx) -> dict:
    with ctx.database.engine.connect() as conn:
        return {
            (u, s): n for u, s, n in conn.execute(text("SELECT user_id, status, count(*) FROM user_job GROUP BY 1, 2"))
        }


def test_column_counts_kept_by_triggers_stay_exact_through_every_kind_of_write(ctx) -> None:
    ana, ben = _seed(ctx, "Ana", 40), _seed(ctx, "Ben", 25)
    ctx.ingestion.run("Ben", [linkedin_items(10, 60)], source="test", embed=False)  # links created and already there
    assert _kept_counts(ctx) == _true_counts(ctx) != {}
    ids = [c.user_job_id for c in ctx.board.cards_for(ana.id)]
    ctx.cards.move(ids[:7], JobStatus.APPLIED)
    ctx.cards.move(ids[2:4], JobStatus.OFFER, at_top=True)
    ctx.cards.move([ids[0]], JobStatus.APPLIED, before=ids[1])  # a reorder: no count changes
    ctx.cards.set_notes(ids[5], "called back")
    with ctx.database.sessions.begin() as session:  # another tool writing SQL directly is counted as well
        session.execute(text("UPDATE user_job SET status = 'rejected' WHERE id = ANY(:ids)"), {"ids": ids[10:14]})
        session.execute(text("DELETE FROM user_job WHERE id = :id"), {"id": ids[20]})
        session.execute(
            text("DELETE FROM job_pool WHERE id = (SELECT job_pool_id FROM user_job WHERE id = :id)"), {"id": ids[21]}
        )  # a pool job removed: its links go by cascade
    counts = ctx.board.column_counts(ana.id)
    assert counts[JobStatus.APPLIED] == 5 and counts[JobStatus.OFFER] == 2 and counts[JobStatus.REJECTED] == 4
    assert sum(counts.values()) == 38
    assert _kept_counts(ctx) == _true_counts(ctx)
    ctx.profiles.remove("Ben")
    assert {user for user, _status in _kept_counts(ctx)} == {ana.id} and _kept_counts(ctx) == _true_counts(ctx)
    assert ctx.board.column_counts(ben.id) == dict.fromkeys(counts, 0)
    with ctx.database.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM user_job_count WHERE user_id = :u"), {"u": ben.id}).scalar() == 0


def test_truncating_the_links_empties_the_kept_counts(ctx) -> None:
    ana = _seed(ctx, "Ana", 5)
    with ctx.database.sessions.begin() as session:
        session.execute(text("TRUNCATE user_job CASCADE"))  # its history and follow-ups go with it
    assert _kept_counts(ctx) == {} and ctx.board.column_counts(ana.id)[JobStatus.RECOMMENDED] == 0
    ctx.ingestion.run("Ana", [linkedin_items(0, 5)], source="test", embed=False)
    assert _kept_counts(ctx) == _true_counts(ctx) == {(ana.id, "recommended"): 5}


def test_card_from_row_sets_every_field_as_the_constructor_would() -> None:
    import dataclasses
    import uuid
    from datetime import UTC, datetime
    from decimal import Decimal

    from app.board import card_from_row

    now = datetime.now(UTC)
    values = {
        "user_job_id": uuid.uuid4(),
        "job_pool_id": uuid.uuid4(),
        "title": "T",
        "company": "C",
        "location": "L",
        "status": JobStatus.APPLIED,
        "position": 2.5,
        "match_score": 71,
        "gap_analysis": {"missing": ["x"]},
        "notes": "n",
        "url": "u",
        "source": "s",
        "is_remote": True,
        "posted_at": now,
        "added_at": now,
        "status_changed_at": now,
        "seen": False,
        "tags": ("remote", "dream job"),
        "priority": "high",
        "applied_at": now,
        "next_reminder": now.date(),
        "salary_min": Decimal("23.50"),
        "salary_max": Decimal("29.40"),
        "salary_currency": "USD",
        "salary_period": "hour",
        "first_seen_at": now,
        "reposted": True,
        "applied_before": now,
    }
    assert [f.name for f in dataclasses.fields(BoardCard)] == list(values)
    row = [*values.values()]
    row[5] = "applied"
    assert card_from_row(row) == BoardCard(**values)
