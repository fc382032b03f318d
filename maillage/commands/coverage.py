"""`gaps`: the coverage cells of one council (or of all), with their status at a date, as CSV or XLSX.

    python -m maillage gaps --council NAME [--as-of DATE] [--by type|public|theme] --format csv
    python -m maillage gaps --all --format csv

One row per cell: territory_code, territory_name, population, action_type, public, status, actions
(action titles joined with `|`), sorted by territory code then action type (then public). Without
`--by`, a cell is one (commune, action type, public) of the council's frame; with `--by type` or
`--by public` the frame cells of a commune are grouped (the other column lists the grouped values
joined with `|`); `--by theme` adds a `theme` column (status `none`: no action on that theme).
With `--all`, a first column `council` names the council, councils by name.

    python -m maillage gaps --council NAME --presence [--by type|public|theme] [--column CODE] [--public CODE]

`--presence` ignores the frame and says, for each commune and each column of `--by` (action types by
default; only `--column` if given, optionally for the public `--public`), whether a counted action is
there: `present` (running at the date), `planned`, `lapsed` or `none`. Columns: territory_code,
territory_name, population, action_type, public, theme, status, count (actions giving the status),
since (earliest start of the running ones), actions (their titles joined with `|`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from maillage.commands.common import (
    add_as_option,
    command_actor,
    council_by_name,
    parse_day,
)
from maillage.core.errors import MaillageError


def register(subparsers) -> None:
    """Add `gaps`."""
    parser = subparsers.add_parser(
        "gaps", help="couverture : statut de chaque cellule du référentiel (CSV ou XLSX)",
        description=__doc__.split("\n\n")[2].strip() if __doc__ else None,
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--council", metavar="NOM", help="l'instance (CLSPD, CISPD…) à analyser")
    target.add_argument("--all", action="store_true", help="toutes les instances que vous pouvez consulter")
    parser.add_argument("--as-of", dest="as_of", metavar="DATE",
                        help="date de référence (JJ/MM/AAAA ou AAAA-MM-JJ ; aujourd'hui par défaut)")
    parser.add_argument("--by", choices=["type", "public", "theme"],
                        help="regrouper par type d'action, par public ou par thème")
    parser.add_argument("--presence", action="store_true",
                        help="présence : pour chaque commune, y a-t-il une action (en cours, prévue, échue, aucune), "
                             "que le référentiel l'attende ou non")
    parser.add_argument("--column", metavar="CODE",
                        help="avec --presence : une seule colonne (type d'action, public ou thème selon --by)")
    parser.add_argument("--public", metavar="CODE", help="avec --presence : seulement les actions pour ce public")
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv", help="format de sortie (csv par défaut)")
    parser.add_argument("--output", metavar="FICHIER", help="écrire dans ce fichier (obligatoire pour xlsx)")
    add_as_option(parser)
    parser.set_defaults(handler=run_gaps)


def run_gaps(args: argparse.Namespace) -> int:
    """Compute and write the cells."""
    from maillage.core.db import make_engine, session_scope
    from maillage.coverage.export import cli_xlsx, write_cli_csv
    from maillage.coverage.gaps import all_coverage, council_coverage

    as_of = parse_day(args.as_of) if args.as_of else dt.date.today()
    if args.format == "xlsx" and not args.output:
        raise MaillageError("--format xlsx : précisez le fichier de sortie avec --output FICHIER")
    engine = make_engine()
    actor = command_actor(engine, args)
    if args.presence:
        return _run_presence(args, engine, actor, as_of)
    if args.column or args.public:
        raise MaillageError("--column et --public vont avec --presence")
    with session_scope(engine) as session:
        if args.all:
            coverages = all_coverage(session, actor, as_of, with_themes=args.by == "theme")
        else:
            coverages = [council_coverage(session, actor, council_by_name(session, args.council).id, as_of)]
    with_council = bool(args.all)
    if args.format == "xlsx":
        with open(args.output, "wb") as handle:
            handle.write(cli_xlsx(coverages, args.by, with_council))
        return 0
    return _write_text(args, lambda stream: write_cli_csv(stream, coverages, args.by, with_council))


def _presence_queries(session, args) -> list:
    """The queries of `gaps --presence`: one per column of `--by` (or only `--column`), with `--public`."""
    from maillage.coverage.presence import clean_query
    from maillage.vocabularies.store import Vocabularies

    vocab = Vocabularies.load(session)
    by = args.by or "type"
    kind = {"type": "action_type", "public": "public", "theme": "theme"}[by]
    if by == "public" and args.public:
        raise MaillageError("--public ne va pas avec --by public : utilisez --column")
    columns = [args.column] if args.column else vocab.codes(kind)
    queries = []
    for column in columns:
        values = {"action_type": None, "public": args.public, "theme": None, kind: column}
        queries.append(clean_query(vocab, values["action_type"], values["public"], values["theme"]))
    return queries


def _run_presence(args: argparse.Namespace, engine, actor, as_of: dt.date) -> int:
    """`gaps --presence`: one row per commune and column, whatever the frame expects."""
    from maillage.core.db import session_scope
    from maillage.coverage.data import load_snapshot
    from maillage.coverage.export import presence_xlsx, write_presence_csv
    from maillage.coverage.gaps import coverage_access
    from maillage.coverage.presence import all_presence, compute_presence

    with session_scope(engine) as session:
        queries = _presence_queries(session, args)
        if args.all:
            answers = all_presence(session, actor, queries, as_of)
        else:
            council_id = council_by_name(session, args.council).id
            shared_only = coverage_access(session, actor, council_id)
            snapshot = load_snapshot(session, [council_id], with_themes=(args.by == "theme"))
            answers = [compute_presence(snapshot, council_id, as_of, q, shared_only=shared_only) for q in queries]
    with_council = bool(args.all)
    if args.format == "xlsx":
        with open(args.output, "wb") as handle:
            handle.write(presence_xlsx(answers, with_council))
        return 0
    return _write_text(args, lambda stream: write_presence_csv(stream, answers, with_council))


def _write_text(args: argparse.Namespace, write) -> int:
    """Write CSV text to --output or standard output (a reader leaving early is not an error)."""
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as handle:
            write(handle)
        return 0
    try:
        write(sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:  # `gaps … | head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
