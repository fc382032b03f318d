"""`network`, `network-summary`, `network-html`: a council's cooperation network from the command line."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from maillage.commands.common import add_as_option, council_by_name, engine_and_actor
from maillage.core.db import session_scope
from maillage.core.errors import MaillageError
from maillage.network.data import GraphFilters, Scope
from maillage.network.html import render_network
from maillage.network.metrics import network_analysis, summary_lines
from maillage.network.tables import cli_csv


def _common(parser: argparse.ArgumentParser, year: bool = True) -> None:
    """Options shared by the three commands."""
    parser.add_argument("--council", required=True, metavar="NOM", help="nom de l'instance (CLSPD, CISPD…)")
    if year:
        parser.add_argument("--year", type=int, metavar="AAAA",
                            help="le réseau de cette année (liens actifs pendant l'année ; aujourd'hui par défaut)")
    parser.add_argument("--no-derived", action="store_true",
                        help="sans les liens déduits des actions communes")
    add_as_option(parser)


def register(subparsers) -> None:
    """Add `network`, `network-summary` and `network-html`."""
    network = subparsers.add_parser(
        "network", help="mesures du réseau d'une instance, une ligne par partenaire (CSV)",
        description="Colonnes : partner, typology, commune, degree, betweenness, community, isolated ; "
                    "triées par intermédiarité décroissante.")
    _common(network)
    network.add_argument("--format", choices=["csv"], default="csv", help="format de sortie (csv)")
    network.set_defaults(handler=run_network)

    summary = subparsers.add_parser(
        "network-summary", help="chiffres clés du réseau d'une instance (lignes « nom: valeur »)",
        description="nodes (partenaires), links (paires liées), declared_links (liens déclarés actifs), "
                    "derived_links (paires liées seulement par des actions communes), density, components, "
                    "largest_component, isolated, communities (de deux partenaires ou plus), brokers (les cinq "
                    "premiers intermédiaires, séparés par |), betweenness (exacte ou estimée), missing_typologies "
                    "(codes des typologies attendues absentes, séparés par |).")
    _common(summary)
    summary.set_defaults(handler=run_summary)

    html = subparsers.add_parser("network-html", help="écrire la page HTML du graphe, telle que l'affiche la page Réseau")
    _common(html)
    html.add_argument("--out", required=True, metavar="FICHIER", help="fichier HTML à écrire")
    html.set_defaults(handler=run_html)


def _analysis(args: argparse.Namespace):
    """The council's graph and metrics for the command's options."""
    if args.year is not None and not 1990 <= args.year <= 2100:
        raise MaillageError(f"--year : {args.year} n'est pas une année valide (1990 à 2100)")
    engine, actor = engine_and_actor(args)
    filters = GraphFilters(year=args.year, include_derived=not args.no_derived)
    with session_scope(engine) as session:
        council = council_by_name(session, args.council)
        return network_analysis(session, actor, Scope.council(council.id), filters, dt.date.today())


def run_network(args: argparse.Namespace) -> int:
    """Print one CSV row per partner, by betweenness."""
    _graph, metrics = _analysis(args)
    sys.stdout.write(cli_csv(metrics))
    return 0


def run_summary(args: argparse.Namespace) -> int:
    """Print `name: value` lines."""
    _graph, metrics = _analysis(args)
    for name, value in summary_lines(metrics):
        print(f"{name}: {value}")
    return 0


def run_html(args: argparse.Namespace) -> int:
    """Write the page's HTML (default view) to a file."""
    graph, metrics = _analysis(args)
    path = Path(args.out)
    try:
        path.write_text(render_network(graph, metrics), encoding="utf-8")
    except OSError as error:
        raise MaillageError(f"impossible d'écrire « {path} » : {error.strerror}") from None
    print(f"Graphe écrit dans {path} ({len(graph.nodes)} partenaires).")
    return 0
