"""Bring a database's schema to the latest Alembic revision."""

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from maillage.core.db import PROJECT_ROOT


def alembic_config() -> Config:
    """The project's Alembic configuration (alembic.ini at the project root)."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return config


def upgrade(engine: Engine) -> None:
    """Apply every pending migration to `engine`'s database."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
