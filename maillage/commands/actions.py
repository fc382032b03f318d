"""`actions`: list the actions as CSV, with their status at a date."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from sqlmodel import select

from maillage.access import SYSTEM, actor_for_email
from maillage.action_export import actions_csv
from maillage.action_list import ActionFilters, list_actions
from maillage.db import make_engine, session_scope
from maillage.errors import MaillageError, NotFoundError
from maillage.text import fold
from models import Council


def register(subparsers) -> None:
    """Add `actions`."""
    parser = subparsers.add_parser(
        "actions", help="lister les actions (CSV), avec leur statut effectif à une date",
        description="Une ligne par action : title, council, action_type, status, start, end, territories, "
                    "publics, themes, partners (nom:rôle séparés par |), effective_status.",
    )
    parser.add_argument("--council", metavar="NOM", help="seulement les actions de cette instance")
    parser.add_argument("--as-of", metavar="DATE", dest="as_of",
                        help="date du statut effectif (JJ/MM/AAAA ou AAAA-MM-JJ ; aujourd'hui par défaut)")
    parser.add_argument("--format", choices=["csv"], default="csv", help="format de sortie (csv)")
    parser.add_argument("--as", metavar="EMAIL", dest="as_email",
                        help="agir avec les droits de ce compte (administrateur par défaut)")
    parser.set_defaults(handler=run_actions)


def parse_day(text: str) -> dt.date:
    """`29/11/2026` or `2026-11-29` → date; a French error otherwise."""
    value = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise MaillageError(f"--as-of : « {text} » n'est pas une date (attendu JJ/MM/AAAA ou AAAA-MM-JJ)")


def run_actions(args: argparse.Namespace) -> int:
    """Print the CSV of the actions the actor may see."""
    as_of = parse_day(args.as_of) if args.as_of else dt.date.today()
    engine = make_engine()
    with session_scope(engine) as session:
        actor = actor_for_email(session, args.as_email) if args.as_email else SYSTEM
        filters = ActionFilters()
        if args.council:
            councils = {fold(name): cid for cid, name in session.exec(select(Council.id, Council.name))}
            council_id = councils.get(fold(args.council))
            if council_id is None:
                raise NotFoundError(f"aucune instance nommée « {args.council} »")
            filters.council_ids = [council_id]
        rows = list_actions(session, actor, filters, as_of=as_of, sort="council", descending=False).rows
    sys.stdout.write(actions_csv(rows))
    return 0
