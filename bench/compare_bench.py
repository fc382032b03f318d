"""Comparer at national scale (issue 19, item 4): the 60 nearest councils, a whole network's indicators table, the
command line for a network of 1,000 councils, and the per-council graph loads they replace.

    .venv/bin/python -m bench.compare_bench --database sqlite:////tmp/copie-echelle.db [--runs 3]

Works on a copy of the national-scale database (`make bench` builds `data/echelle.db`): it adds, when missing, a
network « Tout le pays [échelle] » holding every council (the generator's largest network has 334). Prints a
Markdown table: median CPU and wall-clock seconds, with the load average before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor
from maillage.core import make_engine
from maillage.coverage.data import load_snapshot
from maillage.coverage.gaps import compute_council
from maillage.restitution.comparison import (
    compare_councils,
    compare_network,
    council_graph,
    graph_figures,
    network_choice,
)
from maillage.restitution.comparison_figures import graph_figures_many
from maillage.vocabularies.store import Vocabularies
from models import Council, Network, NetworkCouncil

WHOLE = "Tout le pays [échelle]"
ROOT = Path(__file__).resolve().parents[1]


def whole_country(engine) -> int:
    """The id of a network of every council (created on this database when missing)."""
    with Session(engine) as session:
        network = session.exec(select(Network).where(Network.name == WHOLE)).first()
        if network is None:
            # The generator writes its ids itself (PostgreSQL's sequences are not moved): the next id, explicitly.
            network = Network(id=(session.exec(select(func.max(Network.id))).one() or 0) + 1, name=WHOLE,
                              kind="thematique")
            session.add(network)
            session.flush()
            session.add_all([NetworkCouncil(network_id=network.id, council_id=c) for c in session.exec(select(Council.id))])
            session.commit()
        return network.id


def timed(compute, runs: int) -> tuple[float, float]:
    """Median (CPU, wall) seconds of `compute()` over `runs` runs."""
    cpu, wall = [], []
    for _ in range(runs):
        started, clock = time.process_time(), time.perf_counter()
        compute()
        cpu.append(time.process_time() - started)
        wall.append(time.perf_counter() - clock)
    return statistics.median(cpu), statistics.median(wall)


def whole_process(url: str, network: str, suffix: str) -> float:
    """Wall-clock seconds of `python -m maillage compare --network … --out file.suffix` as a whole process."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"comparaison{suffix}"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "maillage", "compare", "--network", network, "--out", str(out)],
                       check=True, cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, capture_output=True)
        return time.perf_counter() - started


def measure(url: str, runs: int) -> list[tuple[str, float, float]]:
    """The rows of the table: (what, CPU s, wall s)."""
    engine = make_engine(url)
    whole = whole_country(engine)
    today = dt.date.today()
    rows = []
    with Session(engine) as session:
        largest = session.exec(select(Network.id, Network.name, func.count(NetworkCouncil.council_id))
                               .join(NetworkCouncil).where(Network.id != whole).group_by(Network.id)
                               .order_by(func.count(NetworkCouncil.council_id).desc())).first()
        network_id, network_name, size = largest
        member = session.exec(select(NetworkCouncil.council_id).where(NetworkCouncil.network_id == network_id)
                              .order_by(NetworkCouncil.council_id)).first()
        coordinator = Actor("coordination@bench", "coordinateur", council_ids=frozenset({member}))
        compare_councils(session, SYSTEM, [member], None, today)  # imports and vocabularies, not measured
        choice = network_choice(session, coordinator, network_id, member)
        rows.append((f"ce que la page ouvre : les 60 plus proches dans « {network_name} » ({size} instances)",
                     *timed(lambda: network_choice(session, coordinator, network_id, member), runs)))
        nearest = list(choice.nearest_ids)
        rows.append(("comparer les 60 plus proches (tableau, graphiques, qui fait quoi, actions)",
                     *timed(lambda: compare_councils(session, coordinator, nearest, None, today), runs)))
        vocab = Vocabularies.load(session)
        rows.append(("  dont les chiffres du graphe, lus en bloc (60 instances)",
                     *timed(lambda: graph_figures_many(session, nearest, today, vocab), runs)))
        rows.append(("  avant : un graphe chargé par instance (60 instances)",
                     *timed(lambda: [graph_figures(council_graph(session, c, today), vocab) for c in nearest], 1)))
        rows.append((f"tableau des indicateurs de « {network_name} » ({size} instances)",
                     *timed(lambda: compare_network(session, SYSTEM, network_id, None, today, detail=False), runs)))
        members = session.exec(select(NetworkCouncil.council_id).where(NetworkCouncil.network_id == whole)).all()
        rows.append((f"tableau des indicateurs d'un réseau de {len(members)} instances",
                     *timed(lambda: compare_network(session, SYSTEM, whole, None, today, detail=False), runs)))
        rows.append((f"  dont les chiffres du graphe, lus en bloc ({len(members)} instances)",
                     *timed(lambda: graph_figures_many(session, members, today, vocab), runs)))

        def coverage():
            """The coverage part of the comparison (population, score, online hours) for every member."""
            snapshot = load_snapshot(session, list(members), with_themes=False, with_partners=False)
            ranks: dict = {}
            areas: dict = {}
            for council_id in members:
                compute_council(snapshot, council_id, today, ranks=ranks, area_population=areas)
        rows.append((f"  dont la couverture (maillage.coverage, {len(members)} instances)", *timed(coverage, runs)))
    engine.dispose()
    for suffix in (".csv", ".xlsx"):
        wall = statistics.median(whole_process(url, WHOLE, suffix) for _ in range(runs))
        rows.append((f"`compare --network` de {len(members)} instances en {suffix[1:].upper()}, processus entier",
                     float("nan"), wall))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Measure and print the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="URL of a COPY of the national-scale database")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    before = os.getloadavg()[0]
    rows = measure(args.database, args.runs)
    after = os.getloadavg()[0]
    print(f"charge moyenne (1 min) : {before:.1f} avant, {after:.1f} après ; médiane de {args.runs} mesures\n")
    print("| mesure | CPU (s) | horloge (s) |\n|---|---:|---:|")
    for label, cpu, wall in rows:
        cpu_text = "—" if cpu != cpu else f"{cpu:.2f}".replace(".", ",")
        wall_text = f"{wall:.2f}".replace(".", ",")
        print(f"| {label} | {cpu_text} | {wall_text} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
