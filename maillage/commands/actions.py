"""`actions`: list the actions as CSV, with their status at a date."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from maillage.commands.common import (
    add_as_option,
    council_by_name,
    engine_and_actor,
    parse_day,
)


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
    add_as_option(parser)
    parser.set_defaults(handler=run_actions)


def run_actions(args: argparse.Namespace) -> int:
    """Print the CSV of the actions the actor may see."""
    from maillage.actions.export import actions_csv
    from maillage.actions.listing import ActionFilters, list_actions
    from maillage.core.db import session_scope

    as_of = parse_day(args.as_of) if args.as_of else dt.date.today()
    engine, actor = engine_and_actor(args)
    with session_scope(engine) as session:
        filters = ActionFilters()
        if args.council:
            filters.council_ids = [council_by_name(session, args.council).id]
        rows = list_actions(session, actor, filters, as_of=as_of, sort="council", descending=False).rows
    sys.stdout.write(actions_csv(rows))
    return 0
