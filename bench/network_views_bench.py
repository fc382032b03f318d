"""Benchmark of the network map's views on a national-scale database: the grouped view (more than 600
partners: one node per group), the view clustered by council, and one partner's own network (distance 1 and 2).

    .venv/bin/python -m bench.network_views_bench --database sqlite:///data/echelle.db

Uses the largest network of the database (by councils). Prints a Markdown table: seconds (median of the runs)
and the number of nodes each view sends to the browser (at most 600).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time

from sqlalchemy import func
from sqlmodel import Session, select

from maillage.accounts import SYSTEM
from maillage.core import make_engine
from maillage.network import (
    NODE_CAP,
    Scope,
    ViewOptions,
    analyse,
    build_drawing,
    build_ego_drawing,
    build_graph,
    load_source,
    render_drawing,
)
from models import Network, NetworkCouncil

TODAY = dt.date(2026, 11, 29)


def _timed(function, runs: int):
    """(last result, median seconds) of `runs` calls."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def measure(url: str, runs: int = 3) -> list[tuple[str, float, int]]:
    """(view, seconds, nodes drawn) for the largest network of the database."""
    engine = make_engine(url)
    with Session(engine) as session:
        network_id, councils = session.exec(
            select(Network.id, func.count(NetworkCouncil.council_id)).join(NetworkCouncil)
            .group_by(Network.id).order_by(func.count(NetworkCouncil.council_id).desc())).first()
        source, read_s = _timed(lambda: load_source(session, SYSTEM, Scope.network(network_id), TODAY), 1)
    graph = build_graph(source)
    metrics = analyse(graph)
    partners = f"{len(source.nodes):,}".replace(",", "\u202f")
    rows = [(f"lecture du réseau ({councils} instances, {partners} partenaires)", read_s, 0)]
    for label, options in (("vue groupée par secteur", ViewOptions(group_by="typology")),
                           ("vue groupée par instance", ViewOptions(group_by="council")),
                           ("vue groupée par commune", ViewOptions(group_by="commune"))):
        drawing, seconds = _timed(lambda options=options: render_drawing(build_drawing(graph, metrics, options)), runs)
        rows.append((f"{label} (dessin et HTML)", seconds, len(build_drawing(graph, metrics, options).nodes)))
    hub = max(metrics.partners, key=lambda r: (r.degree, -r.id)).id
    for depth in (1, 2):
        drawing, seconds = _timed(lambda depth=depth: build_ego_drawing(graph, metrics, hub, depth), runs)
        rows.append((f"réseau d'un partenaire (le plus lié, {metrics.by_id[hub].degree} liens), distance {depth}",
                     seconds, len(drawing.nodes)))
    engine.dispose()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description="Mesure des vues du graphe du réseau à l'échelle nationale.")
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    rows = measure(args.database, args.runs)
    print("| vue | temps (s) | points envoyés |")
    print("|---|---:|---:|")
    for label, seconds, nodes in rows:
        print(f"| {label} | {seconds:.2f} | {nodes if nodes else '—'} |")
    if any(nodes > NODE_CAP for _label, _seconds, nodes in rows):
        print(f"ÉCHEC : plus de {NODE_CAP} points envoyés", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
