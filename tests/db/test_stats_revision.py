"""Revision 0010 (a profile left out of pooled figures) goes down and up again on a database with profiles."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from db.schema import alembic_config, upgrade_connection


def test_stats_revision_downgrades_and_upgrades(ctx) -> None:
    ctx.profiles.add("Ana")
    ctx.insights.set_excluded_from_pooled("Ana", True)
    engine = ctx.database.engine
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0009_team_mode")
    with engine.connect() as connection:
        assert "exclude_from_pooled" not in {c["name"] for c in inspect(connection).get_columns("users")}
    with engine.begin() as connection:
        upgrade_connection(connection)
    engine.dispose()  # prepared statements of the old table shape go with their connections
    assert [p.name for p in ctx.profiles.list()] == ["Ana"]  # the profile stays
    assert not ctx.insights.excluded_from_pooled("Ana")  # back in the pooled figures by default
