"""A card's copy of its pool job's search vector (revision 0017) follows the pool job: on insert, when a merge moves
the card to another pool job, when the pool job's text is filled in, through the revision's backfill and a
downgrade and upgrade; a board search finds the card by its current pool job's words only."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from app import board
from app.context import AppContext
from app.records import JobStatus
from db.schema import alembic_config, upgrade_connection

# Cards whose copy differs from their pool job's vector: none, whatever wrote them.
_STALE = (
    "SELECT count(*) FROM user_job u JOIN job_pool p ON p.id = u.job_pool_id "
    "WHERE u.search_vector IS DISTINCT FROM p.search_vector"
)


def _posting(n: int, title: str, description: str) -> dict:
    return {
        "id": f"{n}",
        "title": title,
        "companyName": "Initech",
        "location": "Austin",
        "descriptionText": description,
    }


def _found(ctx: AppContext, profile, search: str) -> list:
    return [card.job_pool_id for card in ctx.board.cards_for(profile, search=search)]


def _stale(ctx: AppContext) -> int:
    with ctx.database.engine.connect() as conn:
        return conn.execute(text(_STALE)).scalar_one()


def test_a_merge_moves_the_card_to_the_kept_jobs_words(ctx: AppContext) -> None:
    alex = ctx.profiles.add("alex").id
    ben = ctx.profiles.add("ben").id
    postings = [_posting(1, "Sr. QA Analyst", "quokka " * 10), _posting(2, "Senior QA Analyst", "wombat " * 10)]
    ctx.ingestion.run("alex", [postings], source="file", embed=False)
    [pair] = ctx.duplicates.possible_duplicates("alex")
    with ctx.database.engine.connect() as conn:
        dropped_text = conn.execute(
            text("SELECT description FROM job_pool WHERE id = :id"), {"id": pair.job_pool_id}
        ).scalar_one()
    dropped, kept = postings if "quokka" in dropped_text else postings[::-1]
    dropped_word, kept_word = dropped["descriptionText"].split()[0], kept["descriptionText"].split()[0]
    ctx.ingestion.run("ben", [[dropped]], source="file", embed=False)  # ben tracks only the one to be dropped
    assert _found(ctx, ben, dropped_word) == [pair.job_pool_id] and _found(ctx, ben, kept_word) == []

    ctx.duplicates.merge("alex", pair.job_pool_id, pair.duplicate_of)

    assert _found(ctx, ben, kept_word) == [pair.duplicate_of]
    assert _found(ctx, ben, dropped_word) == []
    assert ctx.board.column_counts(ben, search=kept_word)[JobStatus.RECOMMENDED] == 1
    assert _found(ctx, alex, kept_word) == [pair.duplicate_of]
    assert _stale(ctx) == 0


def test_filling_a_pool_jobs_text_reaches_every_card_of_it(ctx: AppContext) -> None:
    alex = ctx.profiles.add("alex").id
    ben = ctx.profiles.add("ben").id
    posting = {"id": "1", "title": "Data Engineer", "companyName": "Initech", "location": "Austin"}
    ctx.ingestion.run("alex", [[posting]], source="file", embed=False)
    ctx.ingestion.run("ben", [[posting]], source="file", embed=False)
    assert _found(ctx, alex, "platypus") == []
    with ctx.database.engine.begin() as conn:  # enrichment on a hit fills a description the pool job lacked
        assert conn.execute(text("UPDATE job_pool SET description = 'Platypus pipelines'")).rowcount == 1
    assert len(_found(ctx, alex, "platyp")) == 1 and len(_found(ctx, ben, "platyp pipel")) == 1
    with ctx.database.engine.begin() as conn:  # nor can a writer set a card's copy to something else
        conn.execute(text("UPDATE user_job SET search_vector = to_tsvector('simple', 'nothing')"))
    assert len(_found(ctx, alex, "platyp")) == 1
    assert _stale(ctx) == 0


def test_the_revision_backfills_and_goes_down_and_up_again(ctx: AppContext) -> None:
    engine = ctx.database.engine
    alex = ctx.profiles.add("alex").id
    ctx.ingestion.run("alex", [[_posting(1, "Data Engineer", "Kafka and Spark")]], source="file", embed=False)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0016_inbox_read_notify")
    with engine.begin() as connection:
        columns = list(connection.execute(text("SELECT * FROM user_job LIMIT 0")).keys())
        assert "search_vector" not in columns
        # A card added while the schema is at the previous revision: only the backfill gives it a vector.
        pool_id = connection.execute(
            text("INSERT INTO job_pool (hash, title, company) VALUES ('h-old', 'Nurse', 'Mercy') RETURNING id")
        ).scalar_one()
        connection.execute(
            text("INSERT INTO user_job (user_id, job_pool_id) VALUES (:u, :j)"), {"u": alex, "j": pool_id}
        )
    with engine.begin() as connection:
        upgrade_connection(connection)
    engine.dispose()  # prepared statements of the old table shape go with their connections
    assert _found(ctx, alex, "merc nurs") == [pool_id]
    assert len(_found(ctx, alex, "kafk spark")) == 1
    assert ctx.board.column_counts(alex, search="nurse")[JobStatus.RECOMMENDED] == 1
    assert _stale(ctx) == 0


@pytest.mark.parametrize("walk_cards", [0, 10**9], ids=["through the index", "walked"])
def test_a_searched_first_page_is_the_same_walked_or_through_the_index(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, walk_cards: int
) -> None:
    ana = ctx.profiles.add("ana").id
    postings = [
        {"id": f"{n}", "title": "Data Engineer" if n % 9 == 0 else "Registered Nurse", "companyName": f"Co {n}"}
        for n in range(300)
    ]
    ctx.ingestion.run("ana", [postings], source="file", embed=False)
    expected = ctx.board.cards_for(ana, search="data engin")
    assert len(expected) == 34
    monkeypatch.setattr(board, "WALK_CARDS", walk_cards)
    page = ctx.board.open_board(ana, 10, search="data engin")[JobStatus.RECOMMENDED]
    assert page.total == 34
    assert [c.user_job_id for c in page.cards] == [c.user_job_id for c in expected[:10]]
