"""Revision 0006 (tags, priority, interviews, contacts) goes down and up again on a database with cards."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import inspect, text

from db.schema import alembic_config, upgrade_connection
from tests.support.synthetic import linkedin_items


def test_card_details_revision_downgrades_and_upgrades(ctx) -> None:
    profile = ctx.profiles.add("Ana")
    ctx.ingestion.run(profile.id, [linkedin_items(0, 3)], source="test", embed=False)
    card = ctx.board.cards_for(profile.id)[0]
    ctx.details.add_interview(card.user_job_id, datetime(2030, 1, 1, 9, tzinfo=UTC), "phone")
    ctx.details.add_contact(card.user_job_id, "Sam")
    ctx.details.set_tags(card.user_job_id, ["remote"])
    engine = ctx.database.engine
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0004_run_interrupted")
    with engine.connect() as connection:
        inspector = inspect(connection)
        assert not {"interview", "contact"} & set(inspector.get_table_names())
        assert not {"tags", "priority"} & {c["name"] for c in inspector.get_columns("user_job")}
        assert connection.execute(text("SELECT count(*) FROM user_job")).scalar() == 3  # the cards stay
    with engine.begin() as connection:
        upgrade_connection(connection)
    engine.dispose()  # prepared statements of the old table shapes go with their connections
    assert ctx.board.card(card.user_job_id).tags == ()  # a new column: empty, not NULL
    ctx.details.set_priority(card.user_job_id, "low")
    assert ctx.details.details(card.user_job_id).priority == "low"
