"""What the pages build and send that nobody looks at (issue 19, item 2): server-side CPU and wall time of
the Réseau page (national network and largest council), Couverture (a network member) and Données › Qualité,
first view (caches emptied) and a later interaction, with the size of the graph's frame.

Run: `DATABASE_URL=sqlite:///…/echelle.db python -m bench.lazy_bench` (the scale data of `make bench`).
Prints one line per measure (CPU s, wall s) and the load average.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(function) -> tuple[float, float]:
    """(CPU seconds of the process, wall seconds) of one call."""
    cpu, wall = time.process_time(), time.perf_counter()
    function()
    return time.process_time() - cpu, time.perf_counter() - wall


def _median(function, runs: int) -> tuple[float, float]:
    """Medians of CPU and wall over `runs` calls."""
    pairs = [_timed(function) for _ in range(runs)]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def _cold() -> None:
    """Empty Streamlit's caches (and any background results), as after a data change in a fresh process."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def main(runs: int = 3) -> None:
    """Measure and print."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import func
    from sqlmodel import Session, select

    import tests.conftest  # noqa: F401 - the AppTest navigation fix
    from maillage.accounts import SYSTEM
    from maillage.core import database_url, make_engine
    from models import Network, NetworkCouncil
    from tests.apptest import open_app

    engine = make_engine(database_url())
    with Session(engine) as session:
        network_id, size = session.exec(
            select(Network.id, func.count(NetworkCouncil.council_id)).join(NetworkCouncil)
            .group_by(Network.id).order_by(func.count(NetworkCouncil.council_id).desc())).first()
        member = session.exec(select(NetworkCouncil.council_id).where(NetworkCouncil.network_id == network_id)
                              .order_by(NetworkCouncil.council_id)).first()
    lines = []

    def report(label, pair):
        lines.append(f"{label}: CPU {pair[0]:.2f} s, mur {pair[1]:.2f} s")
        print(lines[-1], flush=True)

    # Réseau, national network scope
    at = open_app(SYSTEM, page="pages/reseau.py", council_id=member)
    at.radio(key="net_scope").set_value("network").run(timeout=600)
    _cold()

    def national():
        at.selectbox(key="net_network").set_value(network_id).run(timeout=600)
        assert not at.exception, at.exception

    holder = {}
    report(f"Réseau national ({size} instances), 1er affichage", _timed(national))
    frames = at.get("iframe")
    print(f"  cadre du graphe : {len(frames[0].proto.srcdoc.encode()) / 1024:.0f} Ko", flush=True)
    report("Réseau national, interaction (taille des points)",
           _median(lambda: at.radio(key="net_size").set_value(
               "degree" if at.radio(key="net_size").value != "degree" else "betweenness").run(timeout=600), runs))
    report("Réseau national, rerun", _median(lambda: at.run(timeout=600), runs))

    # Réseau, the council's own scope
    _cold()
    report("Réseau instance, 1er affichage",
           _timed(lambda: holder.update(at=open_app(SYSTEM, page="pages/reseau.py", council_id=member))))
    at = holder["at"]
    report("Réseau instance, rerun", _median(lambda: at.run(timeout=600), runs))

    # Couverture, a member of the largest network
    _cold()
    report("Couverture (membre du plus grand réseau), 1er affichage",
           _timed(lambda: holder.update(at=open_app(SYSTEM, page="pages/couverture.py", council_id=member))))
    at = holder["at"]
    assert not at.exception, at.exception
    report("Couverture, rerun", _median(lambda: at.run(timeout=600), runs))

    # Données › Qualité
    _cold()

    def quality():
        at = open_app(SYSTEM, page="pages/donnees.py", council_id=member)
        at.radio(key="donnees:vue").set_value("qualite").run(timeout=600)
        assert not at.exception, at.exception
        return at

    report("Données › Qualité, 1er affichage", _timed(lambda: holder.update(at=quality())))
    at = holder["at"]
    report("Données › Qualité, rerun", _median(lambda: at.run(timeout=600), runs))
    print("charge moyenne : " + " ".join(f"{x:.1f}" for x in os.getloadavg()), flush=True)


if __name__ == "__main__":
    main()
