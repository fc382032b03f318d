"""Issue 19's targets, measured in one run on the national-scale data, each against its target.

    .venv/bin/python -m bench.targets_bench --database sqlite:///data/echelle.db --write

A SQLite database is copied first (the run adds a whole-country network and five bench accounts to its copy);
give a PostgreSQL URL only for a database that may receive them. Writes the « Cibles de l'issue 19 » section of
bench/README.md with `--write`. Not a test: it measures (CPU of this process or of the child process, and wall
time, with the load average), and says for each target whether it is met.

- Pages (AppTest, as a network member's council A): a rerun with warm caches; a rerun after an edit in a council
  B outside A's networks (must stay as fast as warm: caches are keyed on the versions of what a page reads);
  a rerun after an edit in A itself.
- Partenaires: the bytes of the options of every choice widget the page sends.
- National network metrics (first computation), `network --network` against `stats`, `network --council`,
  `gaps --all` (whole processes).
- Comparer: the 60 nearest councils; the indicators table of a 1,000-council network.
- Five people at once on two processes behind HAProxy (bench/concurrency_bench.py; needs HAProxy, Chromium).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from bench.lazy_bench import _median, _timed
from bench.readme import write_section

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- targets19:begin -->", "<!-- targets19:end -->"
PAGES = ("tableau_de_bord", "partenaires", "actions", "couverture", "reseau", "synthese_elus")


def _process(database: str, *arguments: str) -> tuple[float, float]:
    """(CPU, wall) seconds of `python -m maillage …` as a whole process.

    Python may write its bytecode (`PYTHONDONTWRITEBYTECODE` is dropped), as on an installed server: otherwise a
    fresh checkout compiles every module of the project at each start."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "maillage", *arguments], cwd=ROOT, check=True, capture_output=True,
                   env=dict(environment, DATABASE_URL=database))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, time.perf_counter() - started)


def _process_median(database: str, runs: int, *arguments: str) -> tuple[float, float]:
    """The median (CPU, wall) of `runs` whole processes, after one not counted (it writes the bytecode)."""
    _process(database, *arguments)
    pairs = [_process(database, *arguments) for _ in range(runs)]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def _bump(engine, council_id: int) -> None:
    """What an edit in one council does to the versions (its own, its networks', the global one)."""
    from maillage.core import bump_data_version, session_scope

    with session_scope(engine) as session:
        bump_data_version(session, councils=[council_id])


def _after_edit(engine, council_id: int, at, runs: int) -> tuple[float, float]:
    """The median (CPU, wall) of a rerun that follows an edit in `council_id` (the edit itself not counted)."""
    samples = []
    for _ in range(runs):
        _bump(engine, council_id)
        samples.append(_timed(lambda: at.run(timeout=900)))
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def _councils(engine) -> tuple[int, int, str, int, int]:
    """(A: first member of the largest network, B: a council in none of A's networks, network name, its size,
    M: the network's member of median partnership size)."""
    from sqlalchemy import func
    from sqlmodel import Session, select

    from bench.compare_bench import WHOLE
    from models import Council, Network, NetworkCouncil

    with Session(engine) as session:
        network_id, name, size = session.exec(
            select(Network.id, Network.name, func.count(NetworkCouncil.council_id)).join(NetworkCouncil)
            .where(Network.name != WHOLE).group_by(Network.id)
            .order_by(func.count(NetworkCouncil.council_id).desc())).first()
        member = session.exec(select(NetworkCouncil.council_id).where(NetworkCouncil.network_id == network_id)
                              .order_by(NetworkCouncil.council_id)).first()
        mine = select(NetworkCouncil.network_id).where(NetworkCouncil.council_id == member)
        near = set(session.exec(select(NetworkCouncil.council_id).where(NetworkCouncil.network_id.in_(mine))).all())
        other = next(c for c in session.exec(select(Council.id).order_by(Council.id)).all() if c not in near)
        members = session.exec(select(NetworkCouncil.council_id).where(NetworkCouncil.network_id == network_id)).all()
    from maillage.partners import partnership_ids

    with Session(engine) as session:
        sizes = sorted((len(partnership_ids(session, council_id)), council_id) for council_id in members)
    return member, other, name, size, sizes[len(sizes) // 2][1]


@contextmanager
def server_script_cache():
    """AppTest compiles the app and its pages at every run; a server compiles them once (its ScriptCache lives as
    long as the process). One cache for every run here, so that a rerun costs what it costs on a server."""
    import streamlit.testing.v1.app_test as app_test
    import streamlit.testing.v1.local_script_runner as local_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    shared = ScriptCache()
    saved = app_test.ScriptCache, local_runner.ScriptCache
    app_test.ScriptCache = local_runner.ScriptCache = lambda: shared
    try:
        yield
    finally:
        app_test.ScriptCache, local_runner.ScriptCache = saved


def _describe(engine, councils: dict[str, int]) -> dict[str, str]:
    """« CISPD … : 1 451 partenaires, 130 communes » for each measured council."""
    from sqlmodel import Session

    from maillage.core import plural
    from maillage.partners import council_footprint, partnership_ids
    from models import Council

    with Session(engine) as session:
        return {label: f"« {session.get(Council, council_id).name} », "
                       f"{plural(len(partnership_ids(session, council_id)), 'partenaire')}, "
                       f"{plural(len(council_footprint(session, council_id).communes), 'commune')}"
                for label, council_id in councils.items()}


def measure_pages(engine, member: int, other: int, runs: int) -> list[tuple]:
    """Each page of council `member`: warm, after an edit in `other`, after an edit in `member` (CPU, wall)."""
    import streamlit as st

    import tests.apptest
    import tests.conftest  # noqa: F401 - AppTest's navigation fix
    from maillage.accounts import Actor
    from tests.apptest import open_app

    tests.apptest.TIMEOUT = 900
    actor = Actor("banc.cibles@ville.fr", "coordinateur", council_ids=frozenset({member}))
    rows = []
    with server_script_cache():
        for page in PAGES:
            st.cache_data.clear()
            st.cache_resource.clear()
            at = open_app(actor, page=f"pages/{page}.py", council_id=member)
            assert not at.exception, (page, at.exception)
            at.run(timeout=900)
            warm = _median(lambda at=at: at.run(timeout=900), runs)
            after_other = _after_edit(engine, other, at, runs)
            after_own = _after_edit(engine, member, at, runs)
            assert not at.exception, (page, at.exception)
            rows.append((page, warm, after_other, after_own))
            if page == "partenaires":
                widgets = list(at.selectbox) + list(at.multiselect) + list(at.radio)
                size = sum(len(json.dumps(list(w.options), ensure_ascii=False).encode("utf-8")) for w in widgets)
                rows.append(("partenaires:options", size))
    return rows


def measure_network(engine, database: str, runs: int) -> list[tuple]:
    """National network metrics (first computation, in this process) and the commands as whole processes."""
    from sqlmodel import Session, select

    from maillage.accounts import SYSTEM
    from maillage.network.data import Scope
    from maillage.network.metrics import network_analysis
    from models import Council, Network

    with Session(engine) as session:
        network = session.exec(select(Network).where(Network.name.like("Réseau national%"))).first()
        median_council = session.exec(select(Council.name).order_by(Council.id).offset(500)).first()
        small = session.exec(select(Council.id).order_by(Council.id)).first()
        network_analysis(session, SYSTEM, Scope.council(small))  # imports and vocabularies, not counted
        metrics = _timed(lambda: network_analysis(session, SYSTEM, Scope.network(network.id)))
    stats = _process_median(database, runs, "stats")
    national = _process_median(database, runs, "network", "--network", network.name)
    council = _process_median(database, runs, "network", "--council", median_council)
    gaps = _process_median(database, runs, "gaps", "--all")
    return [("metrics", metrics), ("stats", stats), ("network_national", national), ("network_council", council),
            ("gaps_all", gaps), ("network_name", network.name)]


def measure_comparisons(engine, member: int, runs: int) -> list[tuple]:
    """The 60 councils Comparer opens on, and the indicators table of a network of every council."""
    from sqlmodel import Session, select

    from bench.compare_bench import whole_country
    from maillage.accounts import SYSTEM, Actor
    from maillage.restitution.comparison import compare_councils, compare_network, network_choice
    from models import NetworkCouncil

    whole = whole_country(engine)
    today = dt.date.today()
    with Session(engine) as session:
        network_id = session.exec(select(NetworkCouncil.network_id).where(NetworkCouncil.council_id == member,
                                                                          NetworkCouncil.network_id != whole)).first()
        coordinator = Actor("banc.cibles@ville.fr", "coordinateur", council_ids=frozenset({member}))
        compare_councils(session, SYSTEM, [member], None, today)  # imports and vocabularies, not counted
        nearest = list(network_choice(session, coordinator, network_id, member).nearest_ids)
        sixty = _median(lambda: compare_councils(session, coordinator, nearest, None, today), runs)
        everyone = _median(lambda: compare_network(session, SYSTEM, whole, None, today, detail=False), runs)
    return [("sixty", sixty, len(nearest)), ("everyone", everyone)]


def _s(value: float) -> str:
    from maillage.core import format_decimal

    return f"{format_decimal(value, 2)} s"


def _verdict(met: bool) -> str:
    return "oui" if met else "**non**"


def table(pages, network, comparisons, crowd) -> list[str]:
    """The Markdown rows: measure, CPU, wall, target, met."""
    rows = ["| mesure | CPU | mur | cible | atteinte |", "|---|---:|---:|---|---|"]
    for who, entries in pages:
        for entry in entries:
            if entry[0] == "partenaires:options":
                rows.append(f"| Partenaires ({who}) : options des listes envoyées au navigateur | — | — | < 100 Ko | "
                            f"{_verdict(entry[1] < 100 * 1024)} ({entry[1] / 1024:.0f} Ko) |")
                continue
            page, warm, other, own = entry
            rows.append(f"| page {page} ({who}), caches chauds | {_s(warm[0])} | {_s(warm[1])} | < 0,2 s | "
                        f"{_verdict(warm[0] < 0.2)} |")
            rows.append(f"| page {page} ({who}), après une modification dans une autre instance (hors de ses "
                        f"réseaux) | {_s(other[0])} | {_s(other[1])} | comme à chaud | "
                        f"{_verdict(other[0] <= warm[0] * 1.5 + 0.05)} |")
            rows.append(f"| page {page} ({who}), après une modification dans l'instance même | {_s(own[0])} | "
                        f"{_s(own[1])} | < 0,5 s | {_verdict(own[0] < 0.5)} |")
    found = dict((key, value) for key, value, *_rest in network)
    rows.append(f"| métriques du réseau national « {found['network_name']} », premier calcul | "
                f"{_s(found['metrics'][0])} | {_s(found['metrics'][1])} | < 1,5 s | "
                f"{_verdict(found['metrics'][0] < 1.5)} |")
    ratio = found["network_national"][0] / found["stats"][0]
    rows.append(f"| `network --network` (processus entier) / `stats` | {_s(found['network_national'][0])} / "
                f"{_s(found['stats'][0])} | {_s(found['network_national'][1])} | < 5 × `stats` | "
                f"{_verdict(ratio < 5)} (× {ratio:.1f}) |".replace(".", ","))
    rows.append(f"| `network --council` (instance médiane, processus entier) | {_s(found['network_council'][0])} | "
                f"{_s(found['network_council'][1])} | < 0,9 s | {_verdict(found['network_council'][0] < 0.9)} |")
    rows.append(f"| `gaps --all` (processus entier) | {_s(found['gaps_all'][0])} | {_s(found['gaps_all'][1])} | "
                f"< 2 s | {_verdict(found['gaps_all'][0] < 2)} |")
    cmp = {entry[0]: entry for entry in comparisons}
    rows.append(f"| Comparer : les {cmp['sixty'][2]} instances les plus proches | {_s(cmp['sixty'][1][0])} | "
                f"{_s(cmp['sixty'][1][1])} | < 1,5 s | {_verdict(cmp['sixty'][1][0] < 1.5)} |")
    rows.append(f"| Comparer : tableau des indicateurs d'un réseau de toutes les instances | "
                f"{_s(cmp['everyone'][1][0])} | {_s(cmp['everyone'][1][1])} | < 3 s | "
                f"{_verdict(cmp['everyone'][1][0] < 3)} |")
    if crowd:
        alone, together = statistics.median(crowd["alone"]), statistics.median(crowd["together"])
        rows.append(f"| Couverture jusqu'au repos dans Chromium : seul / cinq à la fois sur deux processus | — | "
                    f"{_s(alone)} / {_s(together)} | < 2 × seul | {_verdict(together < 2 * alone)} "
                    f"(× {together / alone:.2f}) |".replace(".", ","))
        cpu, elapsed = crowd["cpu"], crowd["elapsed"]
        rows.append(f"| … pendant les cinq à la fois ({_s(elapsed)} d'horloge, soit {_s(2 * elapsed)} de processeur "
                    f"sur 2 cœurs) : CPU des deux processus de l'application / de Chromium | {_s(cpu['serveur'])} / "
                    f"{_s(cpu['navigateur'])} | — | — | — |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="la base à l'échelle (SQLite : copiée avant la mesure)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true", help="sans la mesure des cinq navigateurs")
    parser.add_argument("--write", action="store_true", help="écrire la section de bench/README.md")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    database = args.database
    if database.startswith("sqlite:///"):
        copy = Path(tempfile.mkdtemp(prefix="maillage-cibles-")) / "echelle.db"
        shutil.copyfile(database.removeprefix("sqlite:///"), copy)
        database = f"sqlite:///{copy}"
    os.environ["DATABASE_URL"] = database
    from maillage.core import format_decimal, make_engine

    engine = make_engine(database)
    member, other, network_name, size, median = _councils(engine)
    load_before = os.getloadavg()[0]
    pages = [("A", measure_pages(engine, member, other, args.runs)),
             ("M", measure_pages(engine, median, other, args.runs))]
    described = _describe(engine, {"A": member, "M": median})
    network = measure_network(engine, database, args.runs)
    comparisons = measure_comparisons(engine, member, args.runs)
    crowd = None
    if not args.no_browser:
        from bench.concurrency_bench import measure as crowd_measure

        crowd = crowd_measure(database)
    load_after = os.getloadavg()[0]
    dialect = "PostgreSQL" if database.startswith("postgresql") else "SQLite"
    text = "\n".join([
        f"`python -m bench.targets_bench --write`, {dt.date.today():%d/%m/%Y}, {dialect}, réseau « {network_name} » "
        f"({size} instances) : instance A, sa première instance ({described['A']}), et instance M, celle de taille "
        f"médiane ({described['M']}) ; médiane de {args.runs} mesures ; charge moyenne "
        f"{format_decimal(load_before, 1)} avant, {format_decimal(load_after, 1)} après (2 cœurs). Pages : AppTest, "
        "côté serveur, les scripts compilés une fois comme sur un serveur ; commandes : processus entiers, bytecode "
        "de Python déjà écrit (une exécution non comptée avant les mesures).",
        "", *table(pages, network, comparisons, crowd),
    ])
    print(text)
    if args.write:
        write_section(BEGIN, END, text,
                      "\n## Cibles de l'issue 19 (`bench/targets_bench.py`)\n\n"
                      "    .venv/bin/python -m bench.targets_bench --database sqlite:///data/echelle.db --write\n\n")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
