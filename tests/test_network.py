"""Known-answer tests of the network metrics on hand-built graphs (star, two cliques and a broker, isolated
partner, links active in different years), filters, derived links, expectations and changes."""

import datetime as dt

import networkx as nx
import pytest
from sqlmodel import select

from maillage.accounts import SYSTEM, Actor
from maillage.core import (
    ConflictError,
    PermissionDenied,
    ValidationError,
    data_version,
    session_scope,
)
from maillage.network import (
    CompiledGraph,
    GraphFilters,
    Scope,
    analyse,
    betweenness,
    build_graph,
    communities,
    density,
    load_source,
    network_analysis,
    network_changes,
    summary_lines,
)
from maillage.partners import DEFAULT_EXPECTATIONS, set_expectations
from models import AuditEntry, Network, NetworkCouncil
from tests.builders import (
    add_action,
    add_council,
    add_link,
    add_mini_geography,
    add_partner,
)

TODAY = dt.date(2026, 11, 29)


def _analysis(engine, council_id, filters=GraphFilters(), actor=SYSTEM):
    with session_scope(engine) as session:
        return network_analysis(session, actor, Scope.council(council_id), filters, TODAY)


@pytest.fixture
def star(empty_engine):
    """Ville at the centre, linked to four partners."""
    with session_scope(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CLSPD Étoile", ["com:33063"])
        centre = add_partner(session, "Ville", "MUNI")
        leaves = [add_partner(session, f"Feuille {i}", "ASSO") for i in range(1, 5)]
        for leaf in leaves:
            add_link(session, council, centre, leaf, level=3)
        return empty_engine, council.id


def test_star(star):
    engine, council_id = star
    graph, metrics = _analysis(engine, council_id)
    assert metrics.nodes == 5 and metrics.links == 4
    assert metrics.density == pytest.approx(0.4)
    assert metrics.components == 1 and metrics.largest_component == 5
    by_name = {r.name: r for r in metrics.partners}
    assert by_name["Ville"].degree == 4
    assert by_name["Ville"].betweenness == pytest.approx(1.0)
    assert all(by_name[f"Feuille {i}"].betweenness == 0 and by_name[f"Feuille {i}"].degree == 1 for i in range(1, 5))
    assert [b.name for b in metrics.brokers] == ["Ville"]
    assert metrics.isolated == []
    assert metrics.partners[0].name == "Ville"
    assert len(metrics.communities) == 1 and metrics.communities[0].size == 5
    # sector matrix: four links between Collectivités and Associations
    assert metrics.matrix[("collectivites", "associatif")] == 4
    assert metrics.matrix[("associatif", "collectivites")] == 4
    assert metrics.matrix[("associatif", "associatif")] == 0
    assert metrics.typologies == [("MUNI", "Commune"), ("ASSO", "Association")]
    assert metrics.typology_matrix[("MUNI", "ASSO")] == metrics.typology_matrix[("ASSO", "MUNI")] == 4
    assert metrics.typology_matrix[("MUNI", "MUNI")] == 0


@pytest.fixture
def cliques(empty_engine):
    """Two cliques of four joined through one broker, plus one isolated partner."""
    with session_scope(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CLSPD Deux cliques", ["com:33063"])
        left = [add_partner(session, f"Gauche {i}", "ASSO") for i in range(1, 5)]
        right = [add_partner(session, f"Droite {i}", "CS") for i in range(1, 5)]
        broker = add_partner(session, "Passeur", "MEDIATION")
        add_partner(session, "Seul", "BIB")
        for group in (left, right):
            for i, a in enumerate(group):
                for b in group[i + 1:]:
                    add_link(session, council, a, b)
        add_link(session, council, broker, left[0])
        add_link(session, council, broker, right[0])
        return empty_engine, council.id


def test_two_cliques_and_a_broker(cliques):
    engine, council_id = cliques
    _graph, metrics = _analysis(engine, council_id)
    assert metrics.nodes == 10 and metrics.links == 14
    assert metrics.density == pytest.approx(14 / 45)
    assert metrics.components == 2 and metrics.largest_component == 9
    by_name = {r.name: r for r in metrics.partners}
    # n = 10: pairs of other nodes = 9 × 8 / 2 = 36
    assert by_name["Passeur"].betweenness == pytest.approx(16 / 36)
    assert by_name["Gauche 1"].betweenness == pytest.approx(15 / 36)
    assert by_name["Gauche 2"].betweenness == 0
    assert [b.name for b in metrics.brokers][:3] == ["Passeur", "Droite 1", "Gauche 1"]
    assert by_name["Passeur"].degree == 2 and by_name["Gauche 1"].degree == 4
    # communities: each clique whole, in two different communities; the isolated partner alone in a third
    left = {by_name[f"Gauche {i}"].community for i in range(1, 5)}
    right = {by_name[f"Droite {i}"].community for i in range(1, 5)}
    assert len(left) == 1 and len(right) == 1 and left != right
    assert len(metrics.communities) == 2
    assert by_name["Seul"].community == 3
    # sector matrix: the CS clique and the mediation broker are both « Social et famille »
    assert metrics.matrix[("associatif", "associatif")] == 6
    assert metrics.matrix[("social", "social")] == 7
    assert metrics.matrix[("social", "associatif")] == 1
    assert metrics.matrix[("numerique", "numerique")] == 0  # the isolated médiathèque
    assert metrics.typology_matrix[("CS", "CS")] == 6
    assert metrics.typology_matrix[("MEDIATION", "CS")] == metrics.typology_matrix[("MEDIATION", "ASSO")] == 1
    assert sum(metrics.typology_matrix[(a, b)] for a, _ in metrics.typologies for b, _ in metrics.typologies
               if a <= b) == metrics.links


def test_isolated_partner(cliques):
    engine, council_id = cliques
    _graph, metrics = _analysis(engine, council_id)
    assert [r.name for r in metrics.isolated] == ["Seul"]
    seul = next(r for r in metrics.partners if r.name == "Seul")
    assert seul.isolated and seul.degree == 0 and seul.betweenness == 0
    assert dict(summary_lines(metrics))["isolated"] == "1"


def test_betweenness_matches_networkx_and_sampling_is_seeded():
    graph = nx.gnm_random_graph(60, 120, seed=3)
    adjacency = {n: set(graph[n]) for n in graph}
    values, exact, sources = betweenness(adjacency)
    reference = nx.betweenness_centrality(graph)
    assert exact and sources == 60
    for node in graph:
        assert values[node] == pytest.approx(reference[node], abs=1e-12)
    # Estimated (work budget forced to zero): seeded sources, same figures every run, unbiased scale.
    sampled, exact, sources = betweenness(adjacency, exact_work=0, sample=30, seed=42)
    again, _exact, _ = betweenness(adjacency, exact_work=0, sample=30, seed=42)
    assert not exact and sources == 30 and sampled == again
    assert sampled != betweenness(adjacency, exact_work=0, sample=30, seed=7)[0]
    every, _exact, _ = betweenness(adjacency, exact_work=0, sample=60)  # every source: the exact figures
    assert all(every[n] == pytest.approx(reference[n], abs=1e-12) for n in graph)
    top_exact = max(values, key=values.get)
    assert sampled[top_exact] > 0


def test_betweenness_on_disconnected_graphs_matches_networkx():
    graph = nx.disjoint_union_all([nx.path_graph(5), nx.star_graph(4), nx.empty_graph(3), nx.complete_graph(4)])
    adjacency = {n: set(graph[n]) for n in graph}
    reference = nx.betweenness_centrality(graph)
    values, exact, _ = betweenness(adjacency)
    assert exact and all(values[n] == pytest.approx(reference[n], abs=1e-12) for n in graph)
    # many small components: the work is small, so a large graph of them stays exact
    paths = 2_000  # 12,000 partners in paths of six: node 2 of a path lies between 2 × 3 pairs
    many = {6 * k + i: {6 * k + j for j in (i - 1, i + 1) if 0 <= j < 6} for k in range(paths) for i in range(6)}
    values, exact, _ = betweenness(many)
    n = 6 * paths
    assert exact and values[2] == pytest.approx(6 * 2 / ((n - 1) * (n - 2)), rel=1e-9)
    assert betweenness({}) == ({}, True, 0) and betweenness({1: {2}, 2: {1}})[0] == {1: 0.0, 2: 0.0}


def _partition(numbers: dict[int, int]) -> set[frozenset[int]]:
    """Node → community number, as a set of groups."""
    groups: dict[int, set[int]] = {}
    for node, number in numbers.items():
        groups.setdefault(number, set()).add(node)
    return {frozenset(group) for group in groups.values()}


def test_communities_agree_with_networkx_louvain():
    graph = nx.planted_partition_graph(4, 12, 0.8, 0.01, seed=5)
    graph.add_nodes_from([1000, 1001])  # isolated partners: communities of their own, numbered last
    nodes = {n: set(graph[n]) for n in graph}
    compiled = CompiledGraph.of(nodes)
    numbers = communities(compiled, names={n: f"P{n:04d}" for n in graph})
    linked = nx.Graph(e for e in graph.edges)
    reference = {frozenset(c) for c in nx.community.louvain_communities(linked, seed=42)}
    assert _partition({n: c for n, c in numbers.items() if n < 1000}) == reference
    assert numbers[1000] == 5 and numbers[1001] == 6
    assert communities(compiled, names={n: f"P{n:04d}" for n in graph}) == numbers  # seeded: same every run
    # on a noisier graph, the modularity found is at least networkx's
    noisy = nx.gnm_random_graph(120, 300, seed=11)
    found = _partition(communities(CompiledGraph.of({n: set(noisy[n]) for n in noisy})))
    found = [set(group) for group in found if any(noisy.degree(n) for n in group)]
    isolated = [{n} for n in noisy if noisy.degree(n) == 0]
    ours = nx.community.modularity(noisy, found + [g for g in isolated if g not in found])
    theirs = nx.community.modularity(noisy, nx.community.louvain_communities(noisy, seed=42))
    assert ours >= theirs - 0.01


def test_density_edge_cases():
    assert density(0, 0) == 0 and density(1, 0) == 0
    assert density(2, 1) == 1.0


@pytest.fixture
def years(empty_engine):
    """Links active in different years: A–B 2020-2021, C–D until 2022, B–C from 2023."""
    with session_scope(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CLSPD Années", ["com:33063"])
        a, b, c, d = (add_partner(session, name) for name in ("A", "B", "C", "D"))
        add_link(session, council, a, b, start=dt.date(2020, 3, 1), end=dt.date(2021, 6, 30))
        add_link(session, council, c, d, kind="echange", level=1, end=dt.date(2022, 12, 31))
        add_link(session, council, b, c, kind="orientation", level=4, start=dt.date(2023, 1, 15))
        return empty_engine, council.id


def _pairs(graph):
    names = {node_id: node.name for node_id, node in graph.nodes.items()}
    return {tuple(sorted((names[a], names[b]))) for a, b in graph.edges}


def test_links_active_in_different_years(years):
    engine, council_id = years
    graph, metrics = _analysis(engine, council_id, GraphFilters(year=2021))
    assert _pairs(graph) == {("A", "B"), ("C", "D")}
    assert metrics.components == 2 and metrics.isolated == []
    graph, _ = _analysis(engine, council_id, GraphFilters(year=2022))
    assert _pairs(graph) == {("C", "D")}
    graph, metrics = _analysis(engine, council_id, GraphFilters(year=2024))
    assert _pairs(graph) == {("B", "C")}
    assert [r.name for r in metrics.isolated] == ["A", "D"]
    graph, _ = _analysis(engine, council_id)  # today (29/11/2026)
    assert _pairs(graph) == {("B", "C")}


def test_changes_between_two_years(years):
    engine, council_id = years
    with session_scope(engine) as session:
        source = load_source(session, SYSTEM, Scope.council(council_id), TODAY)
    changes = network_changes(source, GraphFilters(), 2021, 2024)
    assert [(c.a, c.b, c.kind) for c in changes.added] == [("B", "C", "Orientation")]
    assert [(c.a, c.b, c.kind) for c in changes.ended] == [("A", "B", "Convention"), ("C", "D", "Échange d'informations")]
    assert changes.added[0].level == 4 and changes.added[0].start == dt.date(2023, 1, 15)
    assert changes.newly_isolated == ["A", "D"]
    assert changes.no_longer_isolated == []
    back = network_changes(source, GraphFilters(), 2024, 2021)
    assert back.no_longer_isolated == ["A", "D"] and back.newly_isolated == []


def test_kind_level_typology_and_territory_filters(empty_engine):
    with session_scope(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CLSPD Métropole", ["epci:243300316"])
        ville = add_partner(session, "Ville de Bordeaux", "MUNI")
        merignac = add_partner(session, "Ville de Mérignac", "MUNI", seat="33281")
        asso = add_partner(session, "Asso Benauge", "ASSO", territories=["sub:33063:benauge"])
        police = add_partner(session, "Police", "POLICE_NAT", seat="33281")
        add_link(session, council, ville, merignac, kind="convention", level=4)
        add_link(session, council, ville, asso, kind="echange", level=1)
        add_link(session, council, ville, asso, kind="cofinancement", level=3)
        add_link(session, council, police, merignac, kind="echange", level=2)
        council_id = council.id
    graph, metrics = _analysis(empty_engine, council_id)
    assert metrics.links == 3 and metrics.declared_links == 4
    edge = next(e for e in graph.edges.values() if {graph.nodes[e.a].name, graph.nodes[e.b].name} == {"Ville de Bordeaux", "Asso Benauge"})
    assert edge.kinds == ("cofinancement", "echange") and edge.level == 3
    graph, _ = _analysis(empty_engine, council_id, GraphFilters(kinds=frozenset({"echange"})))
    assert _pairs(graph) == {("Asso Benauge", "Ville de Bordeaux"), ("Police", "Ville de Mérignac")}
    graph, _ = _analysis(empty_engine, council_id, GraphFilters(min_level=3))
    assert _pairs(graph) == {("Ville de Bordeaux", "Ville de Mérignac"), ("Asso Benauge", "Ville de Bordeaux")}
    graph, metrics = _analysis(empty_engine, council_id, GraphFilters(typologies=frozenset({"MUNI"})))
    assert set(n.name for n in graph.nodes.values()) == {"Ville de Bordeaux", "Ville de Mérignac"}
    assert metrics.links == 1
    graph, _ = _analysis(empty_engine, council_id, GraphFilters(territory="com:33063"))
    assert set(n.name for n in graph.nodes.values()) == {"Ville de Bordeaux", "Asso Benauge"}
    graph, _ = _analysis(empty_engine, council_id, GraphFilters(territory="sub:33063:benauge"))
    assert set(n.name for n in graph.nodes.values()) == {"Ville de Bordeaux", "Asso Benauge"}


def test_derived_links_from_shared_actions(empty_engine):
    with session_scope(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CLSPD Actions", ["com:33063"])
        other = add_council(session, "CLSPD Voisin", ["com:33281"])
        a, b, c = (add_partner(session, name) for name in ("A", "B", "C"))
        d = add_partner(session, "D", seat="33281")
        add_action(session, council, "Promeneurs", partners=[(a, "pilote"), (b, "operateur"), (c, "financeur")],
                   start=dt.date(2024, 1, 1), shared=False)
        add_action(session, council, "Projet futur", status="projet", partners=[(a, "pilote"), (d, "operateur")])
        add_action(session, council, "Ancienne", status="terminee", start=dt.date(2019, 1, 1),
                   end=dt.date(2019, 12, 31), partners=[(c, "pilote"), (d, "relais")])
        add_link(session, council, a, b, kind="convention", level=2)
        council_id, other_id = council.id, other.id
    graph, metrics = _analysis(empty_engine, council_id)
    assert _pairs(graph) == {("A", "B"), ("A", "C"), ("B", "C")}
    ab = next(e for e in graph.edges.values() if e.link_ids)
    assert ab.declared and ab.derived and ab.action_titles == ("Promeneurs",)
    assert metrics.derived_links == 2 and metrics.declared_links == 1
    graph, _ = _analysis(empty_engine, council_id, GraphFilters(include_derived=False))
    assert _pairs(graph) == {("A", "B")}
    graph, _ = _analysis(empty_engine, council_id, GraphFilters(year=2019))
    assert _pairs(graph) == {("A", "B"), ("C", "D")}  # the undated link counts every year
    # a coordinator of another council may not read this council's graph…
    outsider = Actor("voisin@example.fr", "coordinateur", frozenset({other_id}))
    with pytest.raises(PermissionDenied):
        _analysis(empty_engine, council_id, actor=outsider)
    # …but in a network they share, sees its links without the derived ones of its unshared action
    with session_scope(empty_engine) as session:
        network = Network(name="Réseau commun", kind="regional")
        session.add(network)
        session.flush()
        session.add_all([NetworkCouncil(network_id=network.id, council_id=council_id),
                         NetworkCouncil(network_id=network.id, council_id=other_id)])
        network_id = network.id
    with session_scope(empty_engine) as session:
        graph = network_analysis(session, outsider, Scope.network(network_id), GraphFilters(), TODAY)[0]
    assert _pairs(graph) == {("A", "B")}
    insider = Actor("coord@example.fr", "coordinateur", frozenset({council_id}))
    graph, _ = _analysis(empty_engine, council_id, actor=insider)
    assert len(graph.edges) == 3


def test_archived_partners_leave_the_graph(star):
    engine, council_id = star
    from models import Partner
    with session_scope(engine) as session:
        ville = session.exec(select(Partner).where(Partner.name == "Ville")).one()
        ville.archived_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        session.add(ville)
    _graph, metrics = _analysis(engine, council_id)
    assert metrics.nodes == 4 and metrics.links == 0 and len(metrics.isolated) == 4


def test_missing_typologies_default_and_edited(star):
    engine, council_id = star
    _graph, metrics = _analysis(engine, council_id)
    assert metrics.expectations_default
    assert [e.text for e in metrics.expectations] == ["|".join(codes) for codes in DEFAULT_EXPECTATIONS]
    missing = [e.text for e in metrics.missing]
    assert "MUNI" not in missing and "ASSO" not in missing
    assert "POLICE_NAT|GENDARMERIE|POLICE_MUN" in missing and "EN" in missing
    assert dict(summary_lines(metrics))["missing_typologies"] == "|".join(missing)

    before = data_version(engine)
    with session_scope(engine) as session:
        set_expectations(session, SYSTEM, council_id, ["muni", "CAF | ccas"], expected_current=[])
    assert data_version(engine) == before + 1
    _graph, metrics = _analysis(engine, council_id)
    assert not metrics.expectations_default
    assert [e.text for e in metrics.missing] == ["CAF|CCAS"]
    with session_scope(engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.entity == "expected_typology")).one()
        assert entry.operation == "update" and "CAF|CCAS" in entry.after
    # the form was opened on the default list: someone changed it meanwhile
    with pytest.raises(ConflictError), session_scope(engine) as session:
        set_expectations(session, SYSTEM, council_id, ["EN"], expected_current=[])
    with pytest.raises(ValidationError) as error, session_scope(engine) as session:
        set_expectations(session, SYSTEM, council_id, ["INCONNU"])
    assert "INCONNU" in str(error.value)
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        set_expectations(session, Actor("elu@example.fr", "elu", frozenset({council_id})), council_id, ["EN"])
    with session_scope(engine) as session:
        set_expectations(session, SYSTEM, council_id, [])
    _graph, metrics = _analysis(engine, council_id)
    assert metrics.expectations_default


def test_network_and_territory_scopes(empty_engine):
    from models import Network, NetworkCouncil, NetworkPartner
    with session_scope(empty_engine) as session:
        add_mini_geography(session)
        bordeaux = add_council(session, "CLSPD de Bordeaux", ["com:33063"])
        saintes = add_council(session, "CLSPD de Saintes", ["com:17415"])
        a = add_partner(session, "Ville de Bordeaux", "MUNI")
        b = add_partner(session, "Asso Bordeaux")
        c = add_partner(session, "Ville de Saintes", "MUNI", seat="17415")
        d = add_partner(session, "Réseau régional", "ASSO", seat="33001")
        add_link(session, bordeaux, a, b)
        add_link(session, saintes, c, d)
        network = Network(name="FFSU", kind="regional")
        session.add(network)
        session.flush()
        session.add(NetworkCouncil(network_id=network.id, council_id=bordeaux.id))
        session.add(NetworkPartner(network_id=network.id, partner_id=d.id))
        network_id = network.id
    with session_scope(empty_engine) as session:
        graph, metrics = network_analysis(session, SYSTEM, Scope.network(network_id), GraphFilters(), TODAY)
        assert {n.name for n in graph.nodes.values()} == {"Ville de Bordeaux", "Asso Bordeaux", "Réseau régional"}
        assert metrics.links == 1  # the Saintes link belongs to a council outside the network
        graph, metrics = network_analysis(session, SYSTEM, Scope.territory("dep:33"), GraphFilters(), TODAY)
        assert {n.name for n in graph.nodes.values()} == {"Ville de Bordeaux", "Asso Bordeaux", "Réseau régional"}
        assert metrics.links == 1


def test_source_is_reused_across_filters(star):
    engine, council_id = star
    with session_scope(engine) as session:
        source = load_source(session, SYSTEM, Scope.council(council_id), TODAY)
    assert analyse(build_graph(source)).links == 4
    assert analyse(build_graph(source, GraphFilters(min_level=4))).links == 0
