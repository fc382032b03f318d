"""The national presence answer (`gaps --all --presence`, one pass for every query) gives, on a generated
world, exactly what each council's own answer gives query by query; and the bulk action load reads the same
actions as the targeted one."""

import datetime as dt
import gc
from collections import Counter

from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor
from maillage.core import collector_paused
from maillage.coverage import PresenceQuery, all_presence, compute_presence, load_snapshot
from maillage.exchange import generate_scale
from maillage.vocabularies import Vocabularies
from models import Action, Council, NetworkCouncil, Territory
from tests.builders import add_action

AS_OF = dt.date(2026, 11, 29)


def _world(engine):
    """40 generated councils covering France, plus actions reaching through a sub-territory, a région, a
    département, an action without territory and one for another public (ids of two councils)."""
    generate_scale(engine, councils=40, partners=200, links=300, actions=600, seed=11)
    with Session(engine) as session:
        councils = session.exec(select(Council).order_by(Council.id)).all()
        first, second = councils[0], councils[1]
        snapshot = load_snapshot(session, [first.id, second.id])
        mine = snapshot.communes[snapshot.council_communes[first.id][0]]
        theirs = snapshot.communes[snapshot.council_communes[second.id][-1]]
        session.add(Territory(key=f"sub:{mine.code}:quartier", level="sub", code=f"{mine.code}:quartier",
                              name="Quartier test", search_name="quartier test", population=0,
                              commune_code=mine.code))
        session.flush()
        # generate_scale writes explicit ids (PostgreSQL's sequence is not moved): ours follow them.
        ids = iter(range(max(session.exec(select(Action.id)).all()) + 1, 10**9))
        add_action(session, first, "Par le quartier", territories=[f"sub:{mine.code}:quartier"],
                   start=dt.date(2023, 2, 1), id=next(ids))
        add_action(session, second, "Par la région", action_type="cyberbase", territories=[f"reg:{theirs.reg}"],
                   status="projet", shared=True, id=next(ids))
        add_action(session, first, "Par le département", action_type="cyberbase", territories=[f"dep:{mine.dep}"],
                   start=dt.date(2020, 1, 6), end=dt.date(2024, 6, 30), id=next(ids))
        add_action(session, first, "Sans territoire", territories=[], id=next(ids))
        add_action(session, second, "Pour les parents", territories=[f"dep:{theirs.dep}", f"com:{mine.code}"],
                   publics=["parents"], shared=True, id=next(ids))
        session.commit()
        return first.id, second.id


def _queries():
    """Every action type, plus a public, a type for a public, and a theme."""
    vocab = Vocabularies.defaults()
    types = [PresenceQuery(code) for code in vocab.codes("action_type")]
    theme = vocab.codes("theme")[0]
    return types + [PresenceQuery(None, "parents"), PresenceQuery("presence_en_ligne", "adolescents"),
                    PresenceQuery(None, None, theme)]


def _facts(answer):
    """What an answer says: the council, its rows, and each action's title and rank."""
    return (answer.council_id, answer.name, answer.query, answer.shared_only, answer.rows,
            {a: (row.title, answer.ranks[a]) for a, row in answer.actions.items()})


def _one_by_one(session, council_ids, queries, shared=frozenset()):
    """Each council's answer loaded and computed on its own, query by query (the single-council path)."""
    out = []
    snapshots = {c: load_snapshot(session, [c], with_themes=True) for c in council_ids}
    for query in queries:
        order = sorted(council_ids, key=lambda c: (snapshots[c].councils[c].casefold(), c))
        out += [compute_presence(snapshots[c], c, AS_OF, query, shared_only=c in shared) for c in order]
    return out


def test_national_presence_equals_council_by_council(geo_engine):
    first, second = _world(geo_engine)
    queries = _queries()
    with Session(geo_engine) as session:
        national = all_presence(session, SYSTEM, queries, AS_OF)
        council_ids = sorted(session.exec(select(Council.id)).all())
        expected = _one_by_one(session, council_ids, queries)
    assert len(national) == len(queries) * 40
    assert [_facts(a) for a in national] == [_facts(a) for a in expected]
    statuses = {row.status for answer in national for row in answer.rows}
    assert statuses == {"present", "planned", "lapsed", "none"}
    by_title = {row.title for answer in national for row in answer.actions.values()}
    assert {"Par le quartier", "Par la région", "Par le département", "Pour les parents"} <= by_title
    assert "Sans territoire" not in by_title


def test_network_member_presence_equals_council_by_council(geo_engine):
    first, second = _world(geo_engine)
    with Session(geo_engine) as session:
        links = session.exec(select(NetworkCouncil.network_id, NetworkCouncil.council_id)).all()
        sizes = Counter(network for network, _council in links)
        network_id, size = sizes.most_common(1)[0]
        assert size > 2
        member = Actor("r@reseau.fr", "reseau", network_ids=frozenset({network_id}))
        members = sorted(session.exec(select(NetworkCouncil.council_id)
                                      .where(NetworkCouncil.network_id == network_id)).all())
        queries = _queries()[:3]
        answers = all_presence(session, member, queries, AS_OF)
        expected = _one_by_one(session, members, queries, shared=frozenset(members))
    assert [_facts(a) for a in answers] == [_facts(a) for a in expected]
    assert all(a.shared_only for a in answers)


def test_bulk_action_load_equals_targeted_load(geo_engine):
    _world(geo_engine)
    with Session(geo_engine) as session:
        council_ids = sorted(session.exec(select(Council.id)).all())
        bulk = load_snapshot(session)
        targeted = load_snapshot(session, council_ids)
        typed = load_snapshot(session, action_types=["cyberbase"], with_publics=False, with_themes=False)
    # The targeted load reads the actions reaching a commune: all but the one without territory.
    assert {a: row for a, row in bulk.actions.items() if row.territory_keys} == targeted.actions
    assert [row.title for row in bulk.actions.values() if not row.territory_keys] == ["Sans territoire"]
    assert {a.id for a in typed.actions.values()} == {a.id for a in bulk.actions.values()
                                                     if a.action_type == "cyberbase"}
    assert all(a.publics == () and a.themes == () for a in typed.actions.values())


def test_collector_paused_restores_the_collector():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
