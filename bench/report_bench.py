"""Benchmark of the elected officials' summary: compute the report, write its PDF and its HTML page.

A synthetic council over Bordeaux Métropole (28 real communes, so the map has real outlines) is
generated here with a fixed seed: 400 partners, 800 links of every level and many years, N actions
(2 to 5 partners each, one to three communes or the whole EPCI, online ones with weekly hours,
all statuses, yearly indicators), plus a neighbouring council of the same network sharing 50 actions
(for the suggestions). Written to a temporary SQLite database with the real geography, then measured
through the functions the page and `python -m maillage report` call.

    .venv/bin/python -m bench.report_bench               # 100, 500 and 2 000 actions
    .venv/bin/python -m bench.report_bench 500           # chosen sizes
    .venv/bin/python -m bench.report_bench --check 500   # exit 1 if 500 actions take 5 s or more

Prints one table row per size (seconds). Not a test: it measures; with --check it enforces the
5-second budget of issue 6 for a council with 500 actions (report + PDF).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from maillage.accounts import SYSTEM
from maillage.core import make_engine, session_scope, upgrade
from maillage.geography import load_reference_geography
from maillage.restitution import council_report, report_html, report_pdf
from maillage.vocabularies import seed_vocabularies
from models import (
    Action,
    ActionPartner,
    ActionPublic,
    ActionTerritory,
    ActionTheme,
    CooperationLink,
    Council,
    CouncilTerritory,
    Indicator,
    Network,
    NetworkCouncil,
    Partner,
    Territory,
)
from models.vocabularies import ACTION_TYPES, PUBLICS, ROLES, THEMES

SEED = 20261129
TODAY = dt.date(2026, 11, 29)
SIZES = (100, 500, 2_000)
EPCI = "243300316"  # Bordeaux Métropole
NEIGHBOUR = "33001"  # Abzac, outside the EPCI
BUDGET_SECONDS = 5.0
TYPOLOGIES = ("ASSO", "ASSO", "ASSO", "MUNI", "EN", "EN", "CS", "PREVENTION", "ML", "BAILLEUR", "CAF", "POLICE_MUN",
              "POLICE_NAT", "JUSTICE", "SANTE", "MJC", "BIB", "EPN", "CCAS", "PIJ_BIJ", "MEDIATION")
MODES = ("site", "site", "mobile", "en_ligne")
STATUSES = ("en_cours",) * 7 + ("terminee", "projet", "suspendue")


def _date(rng: random.Random, first: int, last: int) -> dt.date:
    """A random day between the first and the last year."""
    return dt.date(rng.randint(first, last), rng.randint(1, 12), rng.randint(1, 28))


def generate(engine: Engine, actions: int, seed: int = SEED, partners: int = 400, links: int = 800) -> int:
    """Insert the synthetic council (and its neighbour); returns the council id. Needs the real geography."""
    rng = random.Random(seed)
    with session_scope(engine) as session:
        communes = [code for code, in session.execute(
            select(Territory.code).where(Territory.level == "com", Territory.epci_code == EPCI).order_by(Territory.code))]
        council = Council(name=f"CISPD de banc d'essai ({actions} actions)", kind="CISPD", last_plenary=dt.date(2026, 3, 5))
        neighbour = Council(name=f"CLSPD voisin ({actions})", kind="CLSPD")
        network = Network(name=f"Réseau de banc d'essai ({actions})", kind="regional")
        session.add_all([council, neighbour, network])
        session.flush()
        session.add_all([CouncilTerritory(council_id=council.id, territory_key=f"epci:{EPCI}"),
                         CouncilTerritory(council_id=neighbour.id, territory_key=f"com:{NEIGHBOUR}"),
                         NetworkCouncil(network_id=network.id, council_id=council.id),
                         NetworkCouncil(network_id=network.id, council_id=neighbour.id)])
        session.flush()
        first_partner = session.execute(select(Partner.id).order_by(Partner.id.desc())).scalar() or 0
        session.execute(insert(Partner), [
            {"name": f"Structure {actions}-{i:04d}", "typology": rng.choice(TYPOLOGIES),
             "seat_commune_key": f"com:{rng.choice(communes)}"} for i in range(partners)])
        partner_ids = list(range(first_partner + 1, first_partner + partners + 1))
        rows, seen = [], set()
        while len(rows) < links:
            a, b = sorted(rng.sample(partner_ids, 2))
            kind = rng.choice(("convention", "cofinancement", "gouvernance", "orientation", "echange"))
            if (a, b, kind) in seen:
                continue
            seen.add((a, b, kind))
            start = _date(rng, 2012, 2026)
            end = _date(rng, start.year, 2030) if rng.random() < 0.2 else None
            rows.append({"council_id": council.id, "partner_a_id": a, "partner_b_id": b, "kind": kind,
                         "level": rng.randint(1, 4), "start_date": start,
                         "end_date": end if end is None or end >= start else start})
        session.execute(insert(CooperationLink), rows)
        types, publics, themes = list(ACTION_TYPES), list(PUBLICS), list(THEMES)
        roles = [r for r in ROLES if r != "pilote"]
        specs = [(council.id, i, True) for i in range(actions)] + [(neighbour.id, i, False) for i in range(50)]
        for owner, number, own in specs:
            status = rng.choice(STATUSES)
            start = _date(rng, 2018, 2026 if status != "projet" else 2027)
            end = _date(rng, start.year, 2026) if status == "terminee" else None
            if end is not None and end < start:
                end = start
            mode = rng.choice(MODES)
            action = Action(title=f"Action {'' if own else 'voisine '}{number:04d}", council_id=owner,
                            action_type=rng.choice(types), status=status, start_date=start, end_date=end, mode=mode,
                            weekly_hours=rng.randint(1, 10) if mode == "en_ligne" else None,
                            shared=own is False or rng.random() < 0.6)
            session.add(action)
            session.flush()
            if own and rng.random() < 0.1:
                keys = [f"epci:{EPCI}"]
            elif own:
                keys = [f"com:{c}" for c in rng.sample(communes, rng.randint(1, 3))]
            else:
                keys = [f"com:{NEIGHBOUR}"]
            session.execute(insert(ActionTerritory), [{"action_id": action.id, "territory_key": k} for k in keys])
            session.execute(insert(ActionPublic), [{"action_id": action.id, "public": p}
                                                   for p in rng.sample(publics, rng.randint(1, 3))])
            session.execute(insert(ActionTheme), [{"action_id": action.id, "theme": t}
                                                  for t in rng.sample(themes, rng.randint(1, 3))])
            members = rng.sample(partner_ids, rng.randint(2, 5))
            session.execute(insert(ActionPartner), [
                {"action_id": action.id, "partner_id": p, "role": "pilote" if i == 0 else rng.choice(roles)}
                for i, p in enumerate(members)])
            last = min((end or TODAY).year, TODAY.year)
            figures = [{"action_id": action.id, "year": year, "people_reached": rng.randint(5, 400),
                        "sessions": rng.randint(1, 60), "online_contacts": rng.randint(0, 900) if mode == "en_ligne" else 0,
                        "referrals": rng.randint(0, 40)} for year in range(start.year, last + 1)]
            if figures and status != "projet":
                session.execute(insert(Indicator), figures)
        return council.id


def _timed(function, *args, **kwargs):
    """(result, seconds) of a call."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def prepare(workdir: Path) -> Engine:
    """A temporary SQLite database with the schema, the vocabularies and the real geography."""
    engine = make_engine(f"sqlite:///{workdir / 'report-bench.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_vocabularies(session)
    load_reference_geography(engine)
    return engine


def measure(engine: Engine, size: int) -> dict:
    """Generate one council of `size` actions and time the summary's steps."""
    council_id, generate_s = _timed(generate, engine, size)
    with session_scope(engine) as session:
        report, report_s = _timed(council_report, session, SYSTEM, council_id, None, TODAY)
    pdf, pdf_s = _timed(report_pdf, report)
    page, html_s = _timed(report_html, report)
    return dict(size=size, generate=generate_s, report=report_s, pdf=pdf_s, html=html_s,
                total=report_s + pdf_s, pdf_kb=len(pdf) // 1024, html_kb=len(page) // 1024,
                actions_in_year=report.actions_in_year, active=report.active_actions)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, help="numbers of actions (default: 100 500 2000)")
    parser.add_argument("--check", type=int, metavar="N", help=f"exit 1 if N actions take {BUDGET_SECONDS:g} s or more")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([args.check] if args.check else list(SIZES))
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        engine = prepare(Path(folder))
        print("| actions | en cours | report (s) | PDF (s) | report + PDF (s) | HTML (s) | PDF (Kio) |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for size in sizes:
            row = measure(engine, size)
            print(f"| {row['size']:,} | {row['active']:,} | {row['report']:.2f} | {row['pdf']:.2f} | "
                  f"{row['total']:.2f} | {row['html']:.2f} | {row['pdf_kb']} |".replace(",", "\u202f"))
            if args.check == size and row["total"] >= BUDGET_SECONDS:
                failed = True
        engine.dispose()
    if failed:
        print(f"Échec : plus de {BUDGET_SECONDS:g} s pour {args.check} actions.", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
