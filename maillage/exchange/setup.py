"""Create or bring up to date a database: schema, vocabularies, geography, and optionally the demo data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from maillage.accounts.creation import DEMO_ACCOUNTS_FILE, create_demo_accounts
from maillage.core.db import PROJECT_ROOT, get_meta, session_scope, set_meta
from maillage.core.migrate import upgrade
from maillage.exchange.imports import import_tables
from maillage.exchange.reader import read_directory
from maillage.geography.reference import load_reference_geography
from maillage.vocabularies.store import seed_vocabularies
from models import Council

DEMO_DIR = PROJECT_ROOT / "data" / "demo"


@dataclass
class InitResult:
    """What `init` did, for its report."""

    geography: str
    demo: list[str]


def init_database(engine: Engine, *, demo: bool = False, demo_dir: Path = DEMO_DIR,
                  accounts_file: Path = DEMO_ACCOUNTS_FILE) -> InitResult:
    """Migrate, seed vocabularies, load the geography, and load the demo dataset when asked."""
    upgrade(engine)
    with session_scope(engine) as session:
        seed_vocabularies(session)
    geography = load_reference_geography(engine)
    demo_lines: list[str] = []
    if demo:
        _plan, report = import_tables(engine, read_directory(demo_dir), user_email="démo")
        demo_lines = report.lines()
        with session_scope(engine) as session:
            set_meta(session, "demo", "oui")
            create_demo_accounts(session, accounts_file)
    return InitResult(
        geography=f"{geography.created} créés, {geography.updated} mis à jour, {geography.unchanged} inchangés",
        demo=demo_lines,
    )


def is_demo(engine: Engine) -> bool:
    """Whether the database holds the demonstration dataset."""
    with session_scope(engine) as session:
        return get_meta(session, "demo") == "oui"


def has_data(engine: Engine) -> bool:
    """Whether the database already has at least one council (so `make run` keeps it)."""
    with session_scope(engine) as session:
        return session.exec(select(Council.id)).first() is not None
