"""Helpers shared by command modules: the acting user (`--as EMAIL`) and the engine."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING

from maillage.core.errors import MaillageError, NotFoundError

if TYPE_CHECKING:  # imported when a command runs, not when the parser is built
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from maillage.accounts.access import Actor
    from models import Council


def add_as_option(parser: argparse.ArgumentParser) -> None:
    """`--as EMAIL`: act with that account's rights instead of the administrator's."""
    parser.add_argument("--as", dest="as_email", metavar="EMAIL",
                        help="agir avec les droits de ce compte (par défaut : administrateur)")


def command_actor(engine: Engine, args: argparse.Namespace) -> Actor:
    """The actor of a command: the `--as` account, or the administrator."""
    from maillage.accounts.access import SYSTEM, actor_for_email
    from maillage.core.db import session_scope

    email = getattr(args, "as_email", None)
    if not email:
        return SYSTEM
    with session_scope(engine) as session:
        return actor_for_email(session, email)


def engine_and_actor(args: argparse.Namespace) -> tuple[Engine, Actor]:
    """The engine of DATABASE_URL and the acting user."""
    from maillage.core.db import make_engine

    engine = make_engine()
    return engine, command_actor(engine, args)


def parse_day(text: str, option: str = "--as-of") -> dt.date:
    """`29/11/2026` or `2026-11-29` → a date; a French error naming the option otherwise."""
    value = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise MaillageError(f"{option} : « {text} » n'est pas une date (attendu JJ/MM/AAAA ou AAAA-MM-JJ)")


def council_by_name(session: Session, name: str) -> Council:
    """The council named `name` (case and accents ignored); NotFoundError listing a few names otherwise."""
    from sqlmodel import select

    from maillage.core.text import fold
    from models import Council

    councils = session.exec(select(Council).order_by(Council.name)).all()
    for council in councils:
        if council.name == name.strip():
            return council
    matches = [c for c in councils if fold(c.name) == fold(name)]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(c.name for c in councils[:5])
    raise NotFoundError(f"aucune instance nommée « {name} »" + (f" (par exemple : {known})" if known else ""))
