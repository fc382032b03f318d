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


def main(sections: list[str], runs: int = 3) -> None:
    """Measure the sections asked for (reseau, couverture, qualite; all by default) and print."""
    sections = sections or ["reseau", "couverture", "qualite"]
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import func
    from sqlmodel import Session, select

    import tests.apptest
    import tests.conftest  # noqa: F401 - the AppTest navigation fix
    from maillage.core import database_url, make_engine
    from models import Network, NetworkCouncil
    from tests.apptest import open_app

    tests.apptest.TIMEOUT = 900  # a loaded machine: the home page alone may pass the tests' minute

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

    if "reseau" in sections:
        _reseau(open_app, report, network_id, size, member, runs)
    if "couverture" in sections:
        _couverture(open_app, report, member, runs)
    if "qualite" in sections:
        _qualite(open_app, report, member, runs)
    print("charge moyenne : " + " ".join(f"{x:.1f}" for x in os.getloadavg()), flush=True)


def _bump(council_id: int) -> None:
    """A change in one council (its version, its networks' and the global one move), as an edit would do."""
    from maillage.core import bump_data_version, database_url, make_engine, session_scope

    engine = make_engine(database_url())
    with session_scope(engine) as session:
        bump_data_version(session, councils=[council_id])
    engine.dispose()


def _reseau(open_app, report, network_id, size, member, runs):
    """The Réseau page: national network scope, then the council's own."""
    from maillage.accounts import SYSTEM

    holder = {}
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
    _bump(member)
    at.session_state["net_tab"] = "Chiffres clés"
    report("Réseau national, 1er affichage après une modification dans une instance membre",
           _timed(lambda: at.run(timeout=600)))
    captions = [c.value for c in at.caption if c.value.startswith("Calculé")]
    print(f"  {captions[0] if captions else 'recalculé avant affichage'}", flush=True)
    try:
        from ui.refresh import background_results
    except ImportError:  # before the background refresh existed
        return
    waited = _timed(lambda: background_results().wait(600))
    print(f"  actualisation en arrière-plan terminée après {waited[1]:.1f} s de plus (mur)", flush=True)

    # Réseau, the council's own scope
    _cold()
    report("Réseau instance, 1er affichage",
           _timed(lambda: holder.update(at=open_app(SYSTEM, page="pages/reseau.py", council_id=member))))
    at = holder["at"]
    report("Réseau instance, rerun", _median(lambda: at.run(timeout=600), runs))



def _couverture(open_app, report, member, runs):
    """Couverture for a member of the largest network."""
    from maillage.accounts import SYSTEM

    holder = {}
    _cold()
    report("Couverture (membre du plus grand réseau), 1er affichage",
           _timed(lambda: holder.update(at=open_app(SYSTEM, page="pages/couverture.py", council_id=member))))
    at = holder["at"]
    assert not at.exception, at.exception
    report("Couverture, rerun", _median(lambda: at.run(timeout=600), runs))



def _qualite(open_app, report, member, runs):
    """Données › Qualité for that council."""
    from maillage.accounts import SYSTEM

    holder = {}
    _cold()

    def quality():
        at = open_app(SYSTEM, page="pages/donnees.py", council_id=member)
        at.radio(key="donnees:vue").set_value("qualite").run(timeout=600)
        assert not at.exception, at.exception
        return at

    report("Données › Qualité, 1er affichage", _timed(lambda: holder.update(at=quality())))
    at = holder["at"]
    report("Données › Qualité, rerun", _median(lambda: at.run(timeout=600), runs))


if __name__ == "__main__":
    main(sys.argv[1:])
