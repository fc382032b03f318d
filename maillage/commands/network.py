"""`network`, `network-summary`, `network-html`: the cooperation network of a council, a network of councils
or a territory, from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from maillage.commands.common import add_as_option, council_by_name, engine_and_actor
from maillage.core.errors import MaillageError


def _common(parser: argparse.ArgumentParser, year: bool = True) -> None:
    """Options shared by the three commands."""
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--council", metavar="NOM", help="nom de l'instance (CLSPD, CISPD…)")
    target.add_argument("--network", metavar="NOM",
                        help="nom du réseau : le partenariat de ses instances membres et ses partenaires membres")
    target.add_argument("--territory", metavar="CODE",
                        help="territoire : les partenaires qui y ont leur siège ou y interviennent "
                             "(code INSEE, SIREN d'EPCI, dep:33, reg:75… ou nom de commune)")
    if year:
        parser.add_argument("--year", type=int, metavar="AAAA",
                            help="le réseau de cette année (liens actifs pendant l'année ; aujourd'hui par défaut)")
    parser.add_argument("--no-derived", action="store_true",
                        help="sans les liens déduits des actions communes")
    add_as_option(parser)


def register(subparsers) -> None:
    """Add `network`, `network-summary` and `network-html`."""
    network = subparsers.add_parser(
        "network", help="mesures du réseau d'une instance, d'un réseau ou d'un territoire, une ligne par partenaire (CSV)",
        description="Colonnes : partner, typology, commune, degree, betweenness, community, isolated ; "
                    "triées par intermédiarité décroissante.")
    _common(network)
    network.add_argument("--format", choices=["csv"], default="csv", help="format de sortie (csv)")
    network.set_defaults(handler=run_network)

    summary = subparsers.add_parser(
        "network-summary", help="chiffres clés du réseau d'une instance, d'un réseau ou d'un territoire (« nom: valeur »)",
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


def command_scope(session, args: argparse.Namespace):
    """The scope named by --council, --network or --territory; NotFoundError / MaillageError otherwise."""
    from maillage.network.choices import network_by_name
    from maillage.network.data import Scope
    from maillage.partners.input import resolve_territories

    if getattr(args, "network", None):
        return Scope.network(network_by_name(session, args.network).id)
    if getattr(args, "territory", None):
        keys, problems = resolve_territories(session, [args.territory])
        if problems or len(keys) != 1:
            raise MaillageError(f"--territory : {problems[0] if problems else f'« {args.territory} » est ambigu'}")
        return Scope.territory(keys[0])
    return Scope.council(council_by_name(session, args.council).id)


def _analysis(args: argparse.Namespace):
    """The scope's graph and metrics for the command's options."""
    import datetime as dt

    from maillage.core.db import session_scope
    from maillage.network.data import GraphFilters
    from maillage.network.metrics import network_analysis

    if args.year is not None and not 1990 <= args.year <= 2100:
        raise MaillageError(f"--year : {args.year} n'est pas une année valide (1990 à 2100)")
    engine, actor = engine_and_actor(args)
    filters = GraphFilters(year=args.year, include_derived=not args.no_derived)
    with session_scope(engine) as session:
        scope = command_scope(session, args)
        return network_analysis(session, actor, scope, filters, dt.date.today())


def run_network(args: argparse.Namespace) -> int:
    """Print one CSV row per partner, by betweenness."""
    from maillage.network.tables import cli_csv

    _graph, metrics = _analysis(args)
    sys.stdout.write(cli_csv(metrics))
    return 0


def run_summary(args: argparse.Namespace) -> int:
    """Print `name: value` lines."""
    from maillage.network.metrics import summary_lines

    _graph, metrics = _analysis(args)
    for name, value in summary_lines(metrics):
        print(f"{name}: {value}")
    return 0


def run_html(args: argparse.Namespace) -> int:
    """Write the page's HTML (default view) to a file."""
    from maillage.network.html import render_network

    graph, metrics = _analysis(args)
    path = Path(args.out)
    try:
        path.write_text(render_network(graph, metrics), encoding="utf-8")
    except OSError as error:
        raise MaillageError(f"impossible d'écrire « {path} » : {error.strerror}") from None
    print(f"Graphe écrit dans {path} ({len(graph.nodes)} partenaires).")
    return 0
