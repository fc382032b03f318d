"""Helpers shared by command modules: the acting user (`--as EMAIL`) and the engine."""

from __future__ import annotations

import argparse

from sqlalchemy.engine import Engine

from maillage.access import SYSTEM, Actor, actor_for_email
from maillage.db import make_engine, session_scope


def add_as_option(parser: argparse.ArgumentParser) -> None:
    """`--as EMAIL`: act with that account's rights instead of the administrator's."""
    parser.add_argument("--as", dest="as_email", metavar="EMAIL",
                        help="agir avec les droits de ce compte (par défaut : administrateur)")


def command_actor(engine: Engine, args: argparse.Namespace) -> Actor:
    """The actor of a command: the `--as` account, or the administrator."""
    email = getattr(args, "as_email", None)
    if not email:
        return SYSTEM
    with session_scope(engine) as session:
        return actor_for_email(session, email)


def engine_and_actor(args: argparse.Namespace) -> tuple[Engine, Actor]:
    """The engine of DATABASE_URL and the acting user."""
    engine = make_engine()
    return engine, command_actor(engine, args)
