"""Benchmark of the Réseau page's work: read a council's graph, compute its metrics, render its HTML.

Synthetic councils of 500, 5,000 and 30,000 partners are generated here with a fixed seed (preferential
attachment: a few hubs such as the town hall and the CAF, many partners with one to three links, 15 %
isolated; links of several kinds and years; actions with two to five partners for the derived links),
written to a temporary SQLite database, then measured through the same functions the page calls.

    .venv/bin/python -m bench.network_bench               # 500, 5 000 and 30 000 partners
    .venv/bin/python -m bench.network_bench 500 5000      # chosen sizes
    .venv/bin/python -m bench.network_bench --check 5000  # exit 1 if 5 000 partners take 5 s or more

Prints one table row per size (seconds). Not a test: it measures, and with --check it enforces the
5-second budget for a 5,000-partner council's metrics.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from maillage.accounts import SYSTEM
from maillage.core import make_engine, session_scope, upgrade
from maillage.network import (
    GraphFilters,
    Scope,
    ViewOptions,
    analyse,
    betweenness,
    build_graph,
    communities,
    list_groups,
    load_source,
    render_network,
)
from maillage.vocabularies import seed_vocabularies
from models import (
    Action,
    ActionPartner,
    CooperationLink,
    Council,
    CouncilTerritory,
    Partner,
    Territory,
)

SEED = 20261129
TODAY = dt.date(2026, 11, 29)
SIZES = (500, 5_000, 30_000)
BUDGET_SECONDS = 5.0
TYPOLOGIES = ("ASSO",) * 20 + ("EN",) * 10 + ("MUNI",) * 4 + ("CS",) * 6 + ("PREVENTION",) * 4 + ("ML",) * 3 + \
    ("BAILLEUR",) * 4 + ("POLICE_MUN",) * 3 + ("POLICE_NAT",) * 2 + ("SANTE",) * 3 + ("MJC",) * 3 + ("BIB",) * 3 + \
    ("CCAS",) * 3 + ("JUSTICE", "CAF", "MEDIATION", "CSAPA", "GENDARMERIE", "PIJ_BIJ", "EPN", "AUTRE")
KINDS = ("convention", "cofinancement", "gouvernance", "orientation", "echange")


def generate(engine, partners: int, seed: int = SEED) -> int:
    """Write one council of `partners` partners over 40 communes; return the council id."""
    rng = random.Random(seed + partners)
    communes = [f"{99000 + i:05d}" for i in range(40)]
    with session_scope(engine) as session:
        session.add(Territory(key="dep:99", level="dep", code="99", name="Département fictif", search_name="departement fictif"))
        for i, code in enumerate(communes):
            session.add(Territory(key=f"com:{code}", level="com", code=code, name=f"Commune {i + 1}",
                                  search_name=f"commune {i + 1}", population=1000 * (40 - i), departement_code="99"))
        council = Council(name=f"CISPD synthétique {partners}", kind="CISPD")
        session.add(council)
        session.flush()
        session.add(CouncilTerritory(council_id=council.id, territory_key="dep:99"))
        council_id = council.id
        session.flush()
        # Communes weighted like their population: the first ones hold most partners.
        weights = [40 - i for i in range(40)]
        rows = [dict(name=f"Partenaire {i:05d}", typology=rng.choice(TYPOLOGIES),
                     seat_commune_key=f"com:{rng.choices(communes, weights)[0]}", website="", contact_name="",
                     contact_role="", contact_email="", contact_phone="", notes="", version=1)
                for i in range(partners)]
        ids = list(session.execute(insert(Partner).returning(Partner.id, sort_by_parameter_order=True), rows).scalars())
        linked = ids[: int(partners * 0.85)]
        rng.shuffle(linked)
        # Preferential attachment: each newcomer links to 1-3 partners already in, picked by degree.
        targets: list[int] = linked[:3]
        pairs: set[tuple[int, int]] = {(min(a, b), max(a, b)) for a in targets for b in targets if a != b}
        for newcomer in linked[3:]:
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                other = rng.choice(targets)
                if other != newcomer:
                    pairs.add((min(newcomer, other), max(newcomer, other)))
                    targets.append(other)
            targets.append(newcomer)
        links = []
        for a, b in sorted(pairs):
            for kind in rng.sample(KINDS, rng.choice((1, 1, 1, 2))):
                start = dt.date(rng.randint(2012, 2026), rng.randint(1, 12), 1)
                end = start + dt.timedelta(days=rng.randint(200, 2500)) if rng.random() < 0.2 else None
                links.append(dict(council_id=council_id, partner_a_id=a, partner_b_id=b, kind=kind,
                                  level=rng.randint(1, 4), start_date=start, end_date=end, note="", version=1))
        for start in range(0, len(links), 5000):
            session.execute(insert(CooperationLink), links[start:start + 5000])
        actions = [dict(title=f"Action {i:05d}", council_id=council_id, action_type="presence_en_ligne",
                        status="en_cours", start_date=dt.date(rng.randint(2015, 2026), 1, 1), shared=True,
                        notes="", evaluation="", version=1)
                   for i in range(max(10, partners // 10))]
        action_ids = list(session.execute(insert(Action).returning(Action.id, sort_by_parameter_order=True), actions).scalars())
        roles = []
        for action_id in action_ids:
            for partner_id in rng.sample(linked, rng.randint(2, 5)):
                roles.append(dict(action_id=action_id, partner_id=partner_id, role="operateur"))
        session.execute(insert(ActionPartner), roles)
    return council_id


def _timed(function, *args, **kwargs):
    """(result, seconds) of one call."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def measure(size: int, workdir: Path) -> dict:
    """Generate one council of `size` partners and time each step of the page."""
    engine = make_engine(f"sqlite:///{workdir / f'bench-{size}.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_vocabularies(session)
    council_id, generate_s = _timed(generate, engine, size)
    with session_scope(engine) as session:
        source, read_s = _timed(load_source, session, SYSTEM, Scope.council(council_id), TODAY)
    graph, build_s = _timed(build_graph, source, GraphFilters())
    metrics, analyse_s = _timed(analyse, graph)
    adjacency = graph.adjacency()
    (_b, exact, sources), betweenness_s = _timed(betweenness, adjacency)
    _c, louvain_s = _timed(communities, graph)
    html, html_s = _timed(render_network, graph, metrics, ViewOptions())
    biggest = list_groups(graph, "typology")[0][0]
    opened, open_s = _timed(render_network, graph, metrics, ViewOptions(open_group=biggest))
    year_graph, year_s = _timed(build_graph, source, GraphFilters(year=2020))
    engine.dispose()
    return dict(size=size, nodes=metrics.nodes, links=metrics.links, generate=generate_s, read=read_s,
                metrics=build_s + analyse_s, betweenness=betweenness_s, exact=exact, sources=sources,
                louvain=louvain_s, html=html_s, html_kb=len(html) // 1024, open_group=open_s,
                open_kb=len(opened) // 1024, year_filter=year_s, page_first_view=read_s + build_s + analyse_s + html_s)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description="Mesure du calcul et du dessin du réseau.")
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES))
    parser.add_argument("--check", action="store_true", help="échouer si 5 000 partenaires prennent 5 s ou plus")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            row = measure(size, Path(tmp))
            results.append(row)
            print(f"{size} partenaires mesurés", file=sys.stderr)
    print("| partners | pairs linked | read (s) | metrics (s) | of which betweenness (s) | of which Louvain (s) | "
          "HTML, default view (s) | HTML size (KiB) | HTML, one group opened (s) | first view, total (s) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        kind = "exact" if r["exact"] else f"{r['sources']} sources"
        print(f"| {r['size']:,} | {r['links']:,} | {r['read']:.2f} | {r['metrics']:.2f} | {r['betweenness']:.2f} ({kind}) | "
              f"{r['louvain']:.2f} | {r['html']:.2f} | {r['html_kb']:,} | {r['open_group']:.2f} | {r['page_first_view']:.2f} |")
    failed = [r for r in results if r["size"] == 5_000 and r["metrics"] >= BUDGET_SECONDS]
    if args.check and failed:
        print(f"ÉCHEC : {failed[0]['metrics']:.2f} s pour les mesures de 5 000 partenaires (budget {BUDGET_SECONDS} s)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
