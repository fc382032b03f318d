"""Create or bring up to date a database: schema, vocabularies, geography, and optionally the demo data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from maillage.accounts.access import Actor, require_admin
from maillage.accounts.creation import create_demo_accounts, remove_demo
from maillage.core.db import (
    PROJECT_ROOT,
    bump_data_version,
    get_meta,
    read_scope,
    session_scope,
    set_meta,
)
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
                  accounts_file: Path | None = None) -> InitResult:
    """Migrate, seed vocabularies, load the geography, and load the demo dataset when asked."""
    upgrade(engine)
    with session_scope(engine) as session:
        seed_vocabularies(session)
    geography = load_reference_geography(engine)
    demo_lines: list[str] = []
    if not demo and is_demo(engine):
        with session_scope(engine) as session:
            removed = remove_demo(session, "ligne de commande", accounts_file)
        demo_lines.append(f"démonstration quittée : {len(removed)} compte(s) de démonstration supprimé(s)")
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
    with read_scope(engine) as session:
        return get_meta(session, "demo") == "oui"


def has_data(engine: Engine) -> bool:
    """Whether the database already has at least one council (so `make run` keeps it)."""
    with session_scope(engine) as session:
        return session.exec(select(Council.id)).first() is not None


def leave_demonstration(engine: Engine, actor: Actor, accounts_file: Path | None = None) -> list[str]:
    """« Quitter la démonstration »: the demo flag and the demo accounts go (administrators only); data stays."""
    require_admin(actor, "quitter la démonstration")
    with session_scope(engine) as session:
        removed = remove_demo(session, actor.email, accounts_file)  # one audit entry per deleted account
        bump_data_version(session)
    return removed
