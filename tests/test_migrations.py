"""Alembic: `upgrade head` on an empty database gives exactly the models' schema, and downgrades cleanly."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import models
from maillage.core import alembic_config, make_engine, upgrade


def test_upgrade_head_matches_models(db_factory):
    engine = make_engine(db_factory.new("empty"))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, models.metadata) == []
    engine.dispose()


def test_upgrade_is_idempotent_and_downgrade_removes_everything(db_factory):
    engine = make_engine(db_factory.new("empty"))
    upgrade(engine)  # already at head: nothing to do, no error
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade(engine)
    assert "partner" in inspect(engine).get_table_names()
    engine.dispose()
