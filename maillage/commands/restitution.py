"""`report` and `compare`: the elected officials' summary (PDF) and the comparison of councils (XLSX, CSV or PDF).

    python -m maillage report --council NAME [--year Y] --out FILE.pdf [--as EMAIL]
    python -m maillage compare --network NAME [--year Y] --out FILE.xlsx [--as EMAIL]
    python -m maillage compare --council NAME --council NAME … --out FILE.pdf
    python -m maillage compare --network NAME --out FILE.csv

`report` also writes the print-friendly HTML page when FILE ends with .html. `compare` writes the
workbook (sheets `indicateurs`, one row per council with first column `instance`, `rangs`,
`qui_fait_quoi`, `actions`, `definitions`, `a_propos`), for a .csv file the indicators sheet alone (figures
only, the quickest for a network of a thousand councils), or, for a .pdf file, the PDF (60 councils at most).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from maillage.commands.common import add_as_option, council_by_name, engine_and_actor
from maillage.core.errors import MaillageError


def register(subparsers) -> None:
    """Add `report` and `compare`."""
    report = subparsers.add_parser(
        "report", help="synthèse d'une instance pour les élus (PDF d'une page, ou HTML imprimable)",
        description="Écrit la synthèse d'une instance pour une année : chiffres clés et évolution, carte de la "
                    "couverture, actions principales, manques et pistes, force du partenariat.")
    report.add_argument("--council", required=True, metavar="NOM", help="nom de l'instance (CLSPD, CISPD…)")
    report.add_argument("--year", type=int, metavar="AAAA", help="année (par défaut : l'année en cours)")
    report.add_argument("--out", required=True, metavar="FICHIER", help="fichier à écrire (.pdf ou .html)")
    add_as_option(report)
    report.set_defaults(handler=run_report)

    compare = subparsers.add_parser(
        "compare", help="comparaison des instances d'un réseau (classeur XLSX, CSV ou PDF)",
        description="Écrit la comparaison des instances d'un réseau, ou des instances nommées : indicateurs, rangs, "
                    "qui fait quoi. Les actions d'une autre instance ne sont listées que si elle les partage.")
    target = compare.add_mutually_exclusive_group(required=True)
    target.add_argument("--network", metavar="NOM", help="nom du réseau (ses instances membres)")
    target.add_argument("--council", action="append", metavar="NOM",
                        help="une instance à comparer (à répéter pour chaque instance)")
    compare.add_argument("--year", type=int, metavar="AAAA", help="année (par défaut : l'année en cours)")
    compare.add_argument("--out", required=True, metavar="FICHIER", help="fichier à écrire (.xlsx, .csv : tableau des indicateurs seul, ou .pdf : 60 instances au plus)")
    add_as_option(compare)
    compare.set_defaults(handler=run_compare)


def _extension(path: str, allowed: tuple[str, ...]) -> str:
    """The output file's extension, if allowed; a French error otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        raise MaillageError(f"--out : « {path} » doit se terminer par " + " ou ".join(allowed))
    return suffix


def _write(path: str, content: bytes) -> None:
    """Write the file; a French error if it cannot be written."""
    try:
        Path(path).write_bytes(content)
    except OSError as error:
        raise MaillageError(f"impossible d'écrire « {path} » ({error.strerror or error})") from None


def run_report(args: argparse.Namespace) -> int:
    """Compute the summary and write it."""
    from maillage.core.db import session_scope
    from maillage.restitution.summary import council_report
    from maillage.restitution.summary_html import report_html
    from maillage.restitution.summary_pdf import report_pdf

    suffix = _extension(args.out, (".pdf", ".html"))
    engine, actor = engine_and_actor(args)
    with session_scope(engine) as session:
        council = council_by_name(session, args.council)
        report = council_report(session, actor, council.id, args.year, dt.date.today())
    if suffix == ".pdf":
        content = report_pdf(report)
    else:
        content = report_html(report, print_button=True).encode("utf-8")
    _write(args.out, content)
    print(f"Synthèse {report.year} de « {report.name} » écrite dans {args.out}.")
    return 0


def run_compare(args: argparse.Namespace) -> int:
    """Compute the comparison and write it."""
    from maillage.core.db import session_scope
    from maillage.core.formatting import plural
    from maillage.restitution.comparison import (
        MAX_COUNCILS,
        compare_councils,
        compare_network,
        network_by_name,
    )
    from maillage.restitution.comparison_document import comparison_pdf
    from maillage.restitution.comparison_workbook import comparison_csv, comparison_xlsx
    from maillage.restitution.network_figure import comparison_networks

    suffix = _extension(args.out, (".xlsx", ".csv", ".pdf"))
    detail = suffix != ".csv"  # the CSV is the indicators table: no list of actions to read
    engine, actor = engine_and_actor(args)
    with session_scope(engine) as session:
        if args.network:
            network = network_by_name(session, args.network)
            comparison = compare_network(session, actor, network.id, args.year, dt.date.today(), detail=detail)
        else:
            ids = [council_by_name(session, name).id for name in args.council]
            comparison = compare_councils(session, actor, ids, args.year, dt.date.today(), detail=detail)
        drawn = suffix == ".pdf" and comparison.detailed and len(comparison.councils) <= MAX_COUNCILS
        networks = comparison_networks(session, actor, comparison) if drawn else None
    writers = {".xlsx": comparison_xlsx, ".csv": comparison_csv,
               ".pdf": lambda c: comparison_pdf(c, networks=networks)}
    _write(args.out, writers[suffix](comparison))
    print(f"Comparaison {comparison.year} ({plural(len(comparison.councils), 'instance')}, "
          f"« {comparison.title} ») écrite dans {args.out}.")
    return 0
