"""The national network's fast path (issue 19): partners, pairs and metrics of a generated national world equal a
plain reference computation (one council at a time, ORM objects, networkx), and the cycle collector pause."""

import datetime as dt
import gc
import itertools
from collections import Counter

import networkx as nx
import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from maillage.accounts import SYSTEM
from maillage.core import collector_paused, session_scope
from maillage.exchange import generate_scale
from maillage.network import GraphFilters, Scope, analyse, build_graph, load_source
from maillage.partners import council_footprint, partnership_ids
from models import (
    Action,
    ActionPartner,
    CooperationLink,
    Council,
    Network,
    NetworkCouncil,
    NetworkPartner,
    Partner,
    PartnerTerritory,
)
from tests.builders import add_action, add_link, add_partner

TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def national(db_factory):
    """A small France: 60 councils, 900 partners, 2,500 links, 1,200 actions; the national network's id."""
    engine = db_factory.engine("geo")
    generate_scale(engine, councils=60, partners=900, links=2500, actions=1200, seed=3)
    if engine.dialect.name == "postgresql":  # the generator writes its own ids: move the sequences past them
        with engine.begin() as connection:
            for table in SQLModel.metadata.sorted_tables:
                if "id" in table.c:
                    connection.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                            f"max(id)) FROM \"{table.name}\" HAVING max(id) IS NOT NULL"))
    with session_scope(engine) as session:
        network_id = session.exec(select(Network.id).where(Network.name.like("Réseau national%"))).one()
        members = set(session.exec(select(NetworkCouncil.council_id).where(NetworkCouncil.network_id == network_id)))
        inside = session.get(Council, min(members))
        outside = min(c for c in session.exec(select(Council.id)) if c not in members)
        here = sorted(council_footprint(session, inside.id).communes)[0]
        there = sorted(council_footprint(session, outside).communes)[0]
        # partners seated outside every member's territory, in the network only through a link or an action
        local = add_partner(session, "Témoin local", seat=here)
        linked, acting, planned = (add_partner(session, f"Témoin {word}", seat=there)
                                   for word in ("lié", "en action", "en projet"))
        kinds = session.exec(select(CooperationLink.kind).distinct().order_by(CooperationLink.kind)).all()[:2]
        add_link(session, inside, local, linked, kind=kinds[0], level=2)
        add_link(session, inside, local, linked, kind=kinds[1], level=3)
        add_action(session, inside, "Action témoin", territories=[f"com:{here}"],
                   partners=[(local, "pilote"), (acting, "partenaire")])
        add_action(session, inside, "Projet témoin", status="projet", territories=[f"com:{here}"],
                   partners=[(local, "pilote"), (planned, "partenaire")])
        witnesses = {"local": local.id, "linked": linked.id, "acting": acting.id, "planned": planned.id,
                     "kinds": tuple(kinds)}
    return engine, network_id, witnesses


def _reference(session, network_id):
    """Partners and pairs of the national network computed the plain way: each council's partnership on its own,
    ORM objects, every rule written out."""
    councils = sorted(session.exec(select(NetworkCouncil.council_id).where(NetworkCouncil.network_id == network_id)))
    ids = set(session.exec(select(NetworkPartner.partner_id).where(NetworkPartner.network_id == network_id)))
    for council_id in councils:
        ids |= partnership_ids(session, council_id)
    partners = {p.id: p for p in session.exec(select(Partner).where(Partner.archived_at.is_(None))) if p.id in ids}
    pairs: dict[tuple[int, int], dict] = {}

    def pair(a, b):
        return pairs.setdefault((min(a, b), max(a, b)), {"kinds": set(), "level": None, "links": set(), "titles": set()})

    for link in session.exec(select(CooperationLink).where(CooperationLink.council_id.in_(councils))):
        if link.partner_a_id not in partners or link.partner_b_id not in partners:
            continue
        if (link.start_date and link.start_date > TODAY) or (link.end_date and link.end_date < TODAY):
            continue
        entry = pair(link.partner_a_id, link.partner_b_id)
        entry["kinds"].add(link.kind)
        entry["level"] = max(entry["level"] or 0, link.level)
        entry["links"].add(link.id)
    for action in session.exec(select(Action).where(Action.council_id.in_(councils), Action.archived_at.is_(None))):
        if action.status == "projet" or action.start_date > TODAY or (action.end_date and action.end_date < TODAY):
            continue
        if action.status == "terminee" and action.end_date is None:
            continue
        members = sorted(p for p in session.exec(select(ActionPartner.partner_id)
                                                 .where(ActionPartner.action_id == action.id)) if p in partners)
        for a, b in itertools.combinations(members, 2):
            pair(a, b)["titles"].add(action.title)
    return partners, pairs


@pytest.mark.parametrize("whole_tables", [False, True], ids=["by-ids", "whole-tables"])
def test_national_network_equals_the_plain_computation(national, monkeypatch, whole_tables):
    engine, network_id, witnesses = national
    if whole_tables:  # the path of a scope of thousands of partners: the partner tables read whole
        monkeypatch.setattr("maillage.network.data.WHOLE_TABLE_ABOVE", 0)
    with Session(engine) as session:
        partners, pairs = _reference(session, network_id)
        source = load_source(session, SYSTEM, Scope.network(network_id), TODAY)
        keys = {partner_id: () for partner_id in partners}
        for row in session.exec(select(PartnerTerritory).order_by(PartnerTerritory.territory_key)):
            if row.partner_id in keys:
                keys[row.partner_id] += (row.territory_key,)
    assert any(keys.values())
    assert {n.id: n.territory_keys for n in source.nodes.values()} == keys
    graph = build_graph(source)
    metrics = analyse(graph)
    assert len(partners) > 100 and len(pairs) > 100  # a world big enough to mean something

    assert set(source.nodes) == set(partners)
    local, linked, acting, planned = (witnesses[k] for k in ("local", "linked", "acting", "planned"))
    assert {linked, acting, planned} <= set(source.nodes)  # in the partnership through a link or an action
    witness = graph.edges[(local, linked)]
    assert (sorted(witness.kinds), witness.level, len(witness.link_ids)) == (sorted(witnesses["kinds"]), 3, 2)
    assert graph.edges[(local, acting)].action_titles == ("Action témoin",)
    assert (local, planned) not in graph.edges  # an action in project joins nobody yet
    assert {n.id: (n.name, n.typology, n.commune_key) for n in source.nodes.values()} == {
        p.id: (p.name, p.typology, p.seat_commune_key) for p in partners.values()}
    assert set(graph.edges) == set(pairs)
    for key, edge in graph.edges.items():
        expected = pairs[key]
        assert set(edge.kinds) == expected["kinds"] and len(edge.kinds) == len(expected["kinds"])
        assert edge.level == expected["level"]
        assert edge.link_ids == tuple(sorted(expected["links"]))
        assert edge.action_titles == tuple(sorted(expected["titles"]))

    reference = nx.Graph()
    reference.add_nodes_from(partners)
    reference.add_edges_from(pairs)
    between = nx.betweenness_centrality(reference, normalized=True)
    assert metrics.nodes == reference.number_of_nodes() and metrics.links == reference.number_of_edges()
    assert metrics.components == nx.number_connected_components(reference)
    assert metrics.largest_component == max(len(c) for c in nx.connected_components(reference))
    assert metrics.declared_links == sum(len(e["links"]) for e in pairs.values())
    assert metrics.derived_links == sum(1 for e in pairs.values() if not e["kinds"])
    for row in metrics.partners:
        assert row.degree == reference.degree(row.id)
        assert row.isolated == (reference.degree(row.id) == 0)
        assert row.betweenness == pytest.approx(between[row.id], abs=1e-12)
    assert metrics.betweenness_exact
    groups = Counter()
    typologies = Counter()
    for a, b in pairs:
        groups[(source.nodes[a].group, source.nodes[b].group)] += 1
        typologies[(partners[a].typology, partners[b].typology)] += 1
    for counted, matrix in ((groups, metrics.matrix), (typologies, metrics.typology_matrix)):
        expected = Counter()
        for (x, y), count in counted.items():
            expected[(x, y)] += count
            if x != y:
                expected[(y, x)] += count
        assert {k: v for k, v in matrix.items() if v} == dict(expected)
    members = [r.id for r in metrics.partners if not r.isolated]
    assert sorted(members) == sorted(n for n in reference if reference.degree(n))
    # the filters still apply on the fast path: a kind filter keeps only the pairs of that kind
    kind = Counter(k for e in pairs.values() for k in e["kinds"]).most_common(1)[0][0]
    filtered = build_graph(source, GraphFilters(kinds=frozenset({kind}), include_derived=False))
    assert set(filtered.edges) == {key for key, e in pairs.items() if kind in e["kinds"]}


def test_collector_paused_restarts_it_after_the_last_pause():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # still inside the outer pause
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()  # restarted after an error too
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()
