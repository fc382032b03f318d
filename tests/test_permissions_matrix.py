"""Every writing and protected reading function of maillage/, called as each role: allowed or refused.

Roles: administrator, coordinator of the CLSPD de Bordeaux, coordinator of another council of the same
network (Mérignac), coordinator of a council outside that network (the Paris mission), member of the
FFSU network, elected official of Bordeaux. Each call runs in its own transaction, rolled back
afterwards, so every role meets the same data. The same rules are then checked through the command
line with `--as` (exit code 3 and a French message when refused).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor, add_user
from maillage.commands.cli import main
from maillage.core import PermissionDenied, make_engine
from maillage.partners import partner_detail, partnership_ids
from models import Action, CooperationLink, Council, Indicator, Network, Partner
from tests.cases_matrix import CASES

TODAY = dt.date(2026, 11, 29)
ROLES = ("admin", "coord_own", "coord_other", "coord_stranger", "reseau", "elu_own")
EMAILS = {"coord_own": "coord@bordeaux.fr", "coord_other": "coord@merignac.fr", "coord_stranger": "coord@mission.fr",
          "reseau": "membre@ffsu.fr", "elu_own": "elu@bordeaux.fr", "admin": "admin@maillage.fr"}
MISSION = "Mission métropolitaine de prévention des conduites à risques"


@pytest.fixture(scope="module")
def world(db_factory):
    """A demo database, its actors (with accounts for `--as`), and the records the calls work on."""
    url = db_factory.new("demo")
    engine = make_engine(url)
    with Session(engine) as session:
        council = {c.name: c.id for c in session.exec(select(Council))}
        network = {n.name: n.id for n in session.exec(select(Network))}
        bordeaux, merignac, mission = council["CLSPD de Bordeaux"], council["CLSPD de Mérignac"], council[MISSION]
        only_bordeaux = sorted(partnership_ids(session, bordeaux) - partnership_ids(session, merignac))
        partners = [session.get(Partner, pid) for pid in only_bordeaux]
        partner, other = sorted((p for p in partners if p.seat_commune_key == "com:33063"), key=lambda p: p.name)[:2]
        action = session.exec(select(Action).where(Action.council_id == bordeaux, Action.shared.is_(False))
                              .order_by(Action.id)).first()
        link = session.exec(select(CooperationLink).where(CooperationLink.council_id == bordeaux)
                            .order_by(CooperationLink.id)).first()
        indicator_year = session.exec(select(Indicator.year).where(Indicator.action_id == action.id)).first()
        data = dict(bordeaux=bordeaux, merignac=merignac, ffsu=network["Réseau FFSU Nouvelle-Aquitaine"],
                    partner=partner.id, partner_version=partner.version, other=other.id,
                    action=action.id, action_version=action.version, link=link.id, link_version=link.version,
                    indicator_year=indicator_year or 2026)
        actors = {
            "admin": SYSTEM,
            "coord_own": Actor(EMAILS["coord_own"], "coordinateur", council_ids=frozenset({bordeaux})),
            "coord_other": Actor(EMAILS["coord_other"], "coordinateur", council_ids=frozenset({merignac})),
            "coord_stranger": Actor(EMAILS["coord_stranger"], "coordinateur", council_ids=frozenset({mission})),
            "reseau": Actor(EMAILS["reseau"], "reseau", network_ids=frozenset({data["ffsu"]})),
            "elu_own": Actor(EMAILS["elu_own"], "elu", council_ids=frozenset({bordeaux})),
        }
        add_user(session, SYSTEM, EMAILS["admin"], "admin")
        add_user(session, SYSTEM, EMAILS["coord_own"], "coordinateur", councils=["CLSPD de Bordeaux"])
        add_user(session, SYSTEM, EMAILS["coord_other"], "coordinateur", councils=["CLSPD de Mérignac"])
        add_user(session, SYSTEM, EMAILS["coord_stranger"], "coordinateur", councils=[MISSION])
        add_user(session, SYSTEM, EMAILS["reseau"], "reseau", networks=["Réseau FFSU Nouvelle-Aquitaine"])
        add_user(session, SYSTEM, EMAILS["elu_own"], "elu", councils=["CLSPD de Bordeaux"])
        session.commit()
    yield url, engine, actors, data
    engine.dispose()


def _outcome(engine, actor, call, data) -> str:
    with Session(engine) as session:
        try:
            call(session, actor, data)
            return "allowed"
        except PermissionDenied:
            return "refused"
        finally:
            session.rollback()


@pytest.mark.parametrize("name, call, allowed", CASES, ids=[case[0] for case in CASES])
def test_function_as_each_role(world, name, call, allowed):
    _url, engine, actors, data = world
    outcomes = {role: _outcome(engine, actors[role], call, data) for role in ROLES}
    assert {role for role, outcome in outcomes.items() if outcome == "allowed"} == set(allowed), outcomes


def test_partner_contacts_only_for_the_councils_people(world):
    _url, engine, actors, data = world
    with Session(engine) as session:
        visible = {role for role in ROLES if partner_detail(session, actors[role], data["partner"], TODAY).contact_visible}
    assert visible == {"admin", "coord_own", "elu_own"}


CLI_CASES = [
    ("network-summary", ["network-summary", "--council", "CLSPD de Bordeaux"], {"admin", "coord_own", "elu_own"}),
    ("report", ["report", "--council", "CLSPD de Bordeaux", "--year", "2026", "--out", "{tmp}/synthese.pdf"],
     {"admin", "coord_own", "elu_own"}),
    ("compare", ["compare", "--network", "Réseau FFSU Nouvelle-Aquitaine", "--year", "2026", "--out", "{tmp}/c.xlsx"],
     {"admin", "coord_own", "coord_other", "reseau"}),
    ("import", ["import", "referentiel", "{tmp}/referentiel.csv", "--dry-run"], {"admin", "coord_own"}),
    ("user list", ["user", "list"], {"admin"}),
    ("backup", ["backup", "{tmp}/sauvegarde.zip"], {"admin"}),
]


@pytest.mark.parametrize("name, arguments, allowed", CLI_CASES, ids=[case[0] for case in CLI_CASES])
def test_command_line_as_each_role(world, use_database, tmp_path, capsys, name, arguments, allowed):
    url, _engine, _actors, _data = world
    use_database(url)
    (tmp_path / "referentiel.csv").write_text(
        "instance;type_action;public;population_min\nCLSPD de Bordeaux;cyberbase;enfants;0\n", encoding="utf-8")
    outcomes = {}
    for role in ROLES:
        code = main([part.format(tmp=tmp_path) for part in arguments] + ["--as", EMAILS[role]])
        error = capsys.readouterr().err
        outcomes[role] = code
        if code == 3:
            assert error.startswith("Accès refusé : "), error
            assert "Traceback" not in error
    assert {role for role, code in outcomes.items() if code == 0} == allowed, outcomes
    assert {role for role, code in outcomes.items() if code != 0} == {role for role in ROLES if role not in allowed}
    assert all(code in (0, 3) for code in outcomes.values()), outcomes
