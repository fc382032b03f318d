"""`python -m maillage bench` (or `make bench`): every measure of issue 9 on the national-scale database.

Runs on the database of DATABASE_URL, which must hold the scale data
(`python -m maillage generate-scale --councils 1000 --partners 30000 --links 120000 --actions 60000 --seed 1`).
Measures, median of N runs: each page's server-side run (AppTest) for the largest council, France-wide
computations (coverage of all France, the national network, the comparison of a national network), network
metrics for 500, 5,000 and 30,000 partners, the import of 60,000 actions, and the app's start on that
database. Prints one table and writes it to bench/README.md (between the scale markers).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from maillage.accounts import SYSTEM
from maillage.core import database_url, make_engine
from models import Council, Network, NetworkCouncil, Partner

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "bench" / "README.md"
START, END = "<!-- scale:start -->", "<!-- scale:end -->"
TARGET_COUNCIL_PAGE = 1.0
TARGET_FRANCE = 3.0


def _median(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _largest_council(session: Session) -> tuple[int, str]:
    from maillage.partners.partnership import partnership_ids

    candidates = session.exec(select(Council.id, Council.name)).all()
    counts = [(len(partnership_ids(session, cid)), cid, name) for cid, name in candidates[:40]]
    _count, council_id, name = max(counts)
    return council_id, name


def _pages() -> list[str]:
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    return [p for p in re.findall(r'"(pages/[a-z_]+\.py)"', text) if p != "pages/connexion.py"]


def measure_pages(council_id: int, runs: int) -> list[tuple[str, float, float]]:
    """(page, first run, median of later runs) for each page, as administrator, on one council."""
    sys.path.insert(0, str(ROOT))
    import tests.conftest  # noqa: F401 - applies the AppTest navigation fix
    from tests.apptest import open_app

    results = []
    for page in _pages():
        started = time.perf_counter()
        at = open_app(SYSTEM, page=page, council_id=council_id)
        first = time.perf_counter() - started
        failed = bool(at.exception)
        later = _median(at.run, runs)
        results.append((page + (" (erreur)" if failed else ""), first, later))
    return results


def measure_france(engine, runs: int) -> list[tuple[str, float]]:
    """France-wide computations as administrator."""
    from maillage.coverage.gaps import all_coverage
    from maillage.network.data import Scope
    from maillage.network.metrics import network_analysis

    rows = []
    with Session(engine) as session:
        rows.append(("Couverture de toute la France (1 000 instances)",
                     _median(lambda: all_coverage(session, SYSTEM), runs)))
        from maillage.coverage.presence import PresenceQuery, all_presence

        rows.append(("Présence de toute la France, un type d'action (`gaps --all --presence --column presence_en_ligne`)",
                     _median(lambda: all_presence(session, SYSTEM, [PresenceQuery("presence_en_ligne")]), runs)))
        network = session.exec(
            select(Network.id, func.count(NetworkCouncil.council_id)).join(NetworkCouncil)
            .group_by(Network.id).order_by(func.count(NetworkCouncil.council_id).desc())
        ).first()
        if network is not None:
            rows.append((f"Réseau national ({network[1]} instances) : métriques",
                         _median(lambda: network_analysis(session, SYSTEM, Scope.network(network[0])), max(1, runs // 2))))
            from maillage.restitution.comparison import MAX_COUNCILS, compare_councils

            members = session.exec(select(NetworkCouncil.council_id).where(NetworkCouncil.network_id == network[0])
                                   .order_by(NetworkCouncil.council_id)).all()[:MAX_COUNCILS]
            rows.append((f"Comparer {len(members)} instances du réseau national (ce que la page ouvre au plus ; tableau d'un réseau entier : bench/compare_bench.py)",
                         _median(lambda: compare_councils(session, SYSTEM, list(members)), max(1, runs // 2))))
    return rows


def measure_network_sizes() -> list[tuple[str, float]]:
    """Metrics and HTML of councils of 500, 5,000 and 30,000 partners (bench/network_bench.py)."""
    from bench.network_bench import measure

    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        for size in (500, 5000, 30000):
            result = measure(size, Path(workdir))
            rows.append((f"Réseau de {size:,} partenaires : métriques".replace(",", " "), result["metrics"]))
            rows.append((f"Réseau de {size:,} partenaires : HTML (≤ 600 nœuds)".replace(",", " "), result["html"]))
    return rows


def measure_import() -> list[tuple[str, float]]:
    """Import of 60,000 actions with their partners (bench/import_bench.py)."""
    from bench.import_bench import run

    result = run(60_000)
    return [("Import de 60 000 actions et leurs partenaires", result.total)]


def measure_start(url: str) -> list[tuple[str, float]]:
    """Seconds from `streamlit run` to the health endpoint answering, on this database."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, env=dict(os.environ, DATABASE_URL=url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        while time.perf_counter() - started < 60:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        return [("Démarrage de l'application sur la base à l'échelle", time.perf_counter() - started)]
    finally:
        server.terminate()
        server.wait(timeout=10)


def _fmt(seconds: float) -> str:
    return f"{seconds:.2f}".replace(".", ",") + " s"


def main(runs: int = 5, write: bool = True) -> int:
    """Measure everything and print (and record) the table."""
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    url = database_url()
    engine = make_engine(url)
    with Session(engine) as session:
        partners = session.exec(select(func.count()).select_from(Partner)).one()
        councils = session.exec(select(func.count()).select_from(Council)).one()
        council_id, council_name = _largest_council(session)
    lines = [f"Base : {councils} instances, {partners} partenaires ({url.split('://')[0]}). "
             f"Médiane de {runs} mesures. Machine : {platform.machine()}, {os.cpu_count()} cœurs, "
             f"Python {platform.python_version()}, {dt.date.today():%d/%m/%Y}.", "",
             "| mesure | temps | cible |", "|---|---|---|"]
    for page, first, later in measure_pages(council_id, runs):
        lines.append(f"| page `{page}`, « {council_name} » (1er affichage / suivants) | {_fmt(first)} / {_fmt(later)} | < 1 s |")
    for label, seconds in measure_france(engine, runs):
        lines.append(f"| {label} | {_fmt(seconds)} | < 3 s |")
    for label, seconds in measure_network_sizes():
        lines.append(f"| {label} | {_fmt(seconds)} | 5 000 : < 5 s |")
    for label, seconds in measure_import():
        lines.append(f"| {label} | {_fmt(seconds)} | < 30 s |")
    for label, seconds in measure_start(url):
        lines.append(f"| {label} | {_fmt(seconds)} | < 30 s |")
    table = "\n".join(lines)
    print(table)
    if write:
        text = README.read_text(encoding="utf-8")
        section = f"{START}\n## Échelle nationale (`python -m maillage bench`)\n\n{table}\n{END}"
        if START in text:
            text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: section, text, flags=re.S)
        else:
            text = text.rstrip() + "\n\n" + section + "\n"
        README.write_text(text, encoding="utf-8")
    engine.dispose()
    return 0
