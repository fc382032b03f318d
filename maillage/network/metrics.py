"""Network analysis of a cooperation graph: density, components, degree, betweenness, brokers, isolated
partners, communities (Leiden), the sector × sector matrix, missing expected typologies, and what changed
between two years. No Streamlit here; the pages and the command line show what these functions return.

Betweenness and communities are computed by igraph (compiled); networkx is the reference in the tests.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session

from maillage.accounts.access import Actor
from maillage.core.rows import collector_paused
from maillage.network.data import (
    GraphFilters,
    NetworkGraph,
    NetworkSource,
    Scope,
    build_graph,
    load_source,
    territory_members,
)
from maillage.network.positions import connected_components
from maillage.partners.expectations import Expectation, missing_expectations

SEED = 42
# Betweenness is exact while Brandes' work — the sum over components of n_c × (n_c + 2 m_c) node and edge
# visits — stays under EXACT_WORK (about a second of igraph); above, it is estimated from sources drawn
# with a fixed seed, as many as SAMPLE_WORK allows (never fewer than BETWEENNESS_MIN_SAMPLE).
EXACT_WORK = 100_000_000
SAMPLE_WORK = 40_000_000
BETWEENNESS_MIN_SAMPLE = 50
BROKERS_SHOWN = 10


@dataclass(frozen=True)
class PartnerMetrics:
    """One partner's place in the graph."""

    id: int
    name: str
    typology: str
    typology_label: str
    group: str
    group_label: str
    commune: str
    degree: int
    betweenness: float
    community: int  # isolated partners are communities of their own
    isolated: bool


@dataclass(frozen=True)
class Community:
    """A group of partners more linked together than with the rest (Leiden, modularity)."""

    number: int
    size: int
    members: tuple[str, ...]  # names, most linked first
    main_groups: tuple[str, ...]  # sector labels, most frequent first


@dataclass
class NetworkMetrics:
    """Everything measured on one filtered graph."""

    nodes: int
    links: int
    declared_links: int
    derived_links: int
    density: float
    components: int
    largest_component: int
    partners: list[PartnerMetrics]  # by betweenness, then degree, then name
    brokers: list[PartnerMetrics]
    isolated: list[PartnerMetrics]
    communities: list[Community]  # of two partners or more (isolated partners are listed apart)
    groups: list[tuple[str, str]]  # (code, label) of the sectors present, in vocabulary order
    matrix: dict[tuple[str, str], int]  # (group, group) → joined pairs, both orders filled
    typologies: list[tuple[str, str]]  # (code, label) of the typologies present, in vocabulary order
    typology_matrix: dict[tuple[str, str], int]  # (typology, typology) → joined pairs, both orders filled
    expectations: list[Expectation]
    expectations_default: bool
    missing: list[Expectation]
    betweenness_exact: bool
    betweenness_sources: int
    by_id: dict[int, PartnerMetrics] = field(default_factory=dict)


@dataclass(frozen=True)
class LinkChange:
    """A link present one year and not the other."""

    a: str
    b: str
    kind: str  # French label of the kind (or « Action commune »)
    level: int | None
    start: dt.date | None
    end: dt.date | None
    detail: str


@dataclass
class NetworkChanges:
    """What changed between two years: links added and ended, partners who became isolated."""

    year_from: int
    year_to: int
    added: list[LinkChange]
    ended: list[LinkChange]
    newly_isolated: list[str]
    no_longer_isolated: list[str]


def density(nodes: int, links: int) -> float:
    """Share of possible pairs that are joined: 2L / (n (n − 1)); 0 below two nodes."""
    if nodes < 2:
        return 0.0
    return 2 * links / (nodes * (nodes - 1))


def components(adjacency: dict[int, set[int]]) -> list[list[int]]:
    """Connected components (an isolated partner is a component of its own), largest first."""
    return connected_components(sorted(adjacency), adjacency)


@dataclass
class CompiledGraph:
    """A graph as igraph holds it: vertices 0…n−1 in `order` (ascending partner ids)."""

    graph: object  # igraph.Graph
    order: list[int]

    @classmethod
    def of(cls, adjacency: dict[int, set[int]] | None = None,
           edges: list[tuple[int, int]] | None = None, nodes: list[int] | None = None) -> CompiledGraph:
        """Built in bulk from an adjacency (node → neighbours), or from `nodes` and `edges` (pairs of ids)."""
        import igraph

        if adjacency is not None:
            nodes = sorted(adjacency)
            edges = [(a, b) for a in nodes for b in adjacency[a] if a < b]
        order = sorted(nodes or ())
        index = {node: i for i, node in enumerate(order)}
        graph = igraph.Graph(n=len(order), edges=[(index[a], index[b]) for a, b in edges or ()], directed=False)
        return cls(graph, order)


_IGRAPH_RANDOM = threading.Lock()  # igraph's random generator is global: one seeded computation at a time


def _seeded(seed: int, compute):
    """Run `compute()` with igraph's random generator seeded (same result on every run and process)."""
    import igraph

    with _IGRAPH_RANDOM:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            return compute()
        finally:
            igraph.set_random_number_generator(random)


def betweenness_work(compiled: CompiledGraph) -> int:
    """Brandes' node and edge visits for the exact betweenness: Σ over components of n_c × (n_c + 2 m_c)."""
    import numpy as np

    graph = compiled.graph
    if graph.vcount() == 0:
        return 0
    membership = np.asarray(graph.connected_components().membership, dtype=np.int64)
    sizes = np.bincount(membership)
    edges = np.zeros(len(sizes), dtype=np.int64)
    if graph.ecount():
        ends = np.asarray(graph.get_edgelist(), dtype=np.int64)[:, 0]
        edges = np.bincount(membership[ends], minlength=len(sizes))
    return int((sizes * (sizes + 2 * edges)).sum())


def betweenness(adjacency: dict[int, set[int]] | CompiledGraph, exact_work: int = EXACT_WORK,
                sample: int | None = None, seed: int = SEED) -> tuple[dict[int, float], bool, int]:
    """Normalised betweenness (igraph): exact while the work stays under `exact_work`, else estimated from
    `sample` sources (default: as many as SAMPLE_WORK allows) drawn with `seed`.

    Returns (node → value in [0, 1], exact?, sources used). The normalisation is networkx's: the share of
    the pairs of other nodes whose shortest paths go through the node.
    """
    compiled = adjacency if isinstance(adjacency, CompiledGraph) else CompiledGraph.of(adjacency)
    graph, order = compiled.graph, compiled.order
    n = len(order)
    if n <= 2:
        return {node: 0.0 for node in order}, True, n
    scale = 2.0 / ((n - 1) * (n - 2))  # igraph counts each unordered pair once
    exact = betweenness_work(compiled) <= exact_work
    if exact:
        # Component by component: igraph clears arrays as long as the whole graph for every source, which on a
        # national graph of hundreds of small components costs more than the paths themselves (same values).
        raw = [0.0] * n
        for members in graph.connected_components():
            if len(members) > 2:
                for vertex, value in zip(members, graph.induced_subgraph(members).betweenness(directed=False)):
                    raw[vertex] = value
        sources = n
    else:
        visits = n + 2 * graph.ecount()
        count = sample if sample is not None else max(BETWEENNESS_MIN_SAMPLE, SAMPLE_WORK // max(visits, 1))
        chosen = sorted(random.Random(seed).sample(range(n), min(count, n)))
        raw = graph.betweenness(directed=False, sources=chosen)
        sources = len(chosen)
        scale *= n / sources
    return {node: raw[i] * scale for i, node in enumerate(order)}, exact, sources


def communities(graph: NetworkGraph | CompiledGraph, seed: int = SEED, names: dict[int, str] | None = None) -> dict[int, int]:
    """Leiden communities (modularity, fixed seed): node → number, 1 = largest. Linked partners first; each
    isolated partner is then a community of its own, numbered after them (by name)."""
    if isinstance(graph, NetworkGraph):
        names = {node_id: node.name for node_id, node in graph.nodes.items()}
        compiled = CompiledGraph.of(edges=list(graph.edges), nodes=list(graph.nodes))
    else:
        compiled = graph
    names = names or {node: str(node) for node in compiled.order}
    ig_graph, order = compiled.graph, compiled.order
    found: list[list[int]] = []
    if ig_graph.ecount():
        clustering = _seeded(seed, lambda: ig_graph.community_leiden(objective_function="modularity", n_iterations=-1))
        degrees = ig_graph.degree()
        groups: dict[int, list[int]] = {}
        for vertex, cluster in enumerate(clustering.membership):
            if degrees[vertex]:
                groups.setdefault(cluster, []).append(order[vertex])
        found = list(groups.values())
    ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), min(names[n] for n in c)))
    numbers = {node: number for number, members in enumerate(ordered, start=1) for node in members}
    alone = sorted((n for n in order if n not in numbers), key=lambda n: (names[n], n))
    numbers.update({node: len(ordered) + i for i, node in enumerate(alone, start=1)})
    return numbers


def _pair_counts(graph: NetworkGraph) -> Counter:
    """((typology, group), (typology, group)) of each joined pair's two ends → how many pairs: one pass over the
    pairs serves both matrices."""
    code_of = {node_id: (node.typology, node.group) for node_id, node in graph.nodes.items()}
    return Counter((code_of[a], code_of[b]) for a, b in graph.edges)


def group_matrix(graph: NetworkGraph, level: str = "group",
                 pair_counts: Counter | None = None) -> tuple[list[tuple[str, str]], dict[tuple[str, str], int]]:
    """Sectors (`group`) or typologies (`typology`) present, in vocabulary order, and joined pairs per pair (symmetric)."""
    labels = graph.source.group_labels if level == "group" else graph.source.typology_labels
    order = {code: i for i, code in enumerate(labels)}
    at = 1 if level == "group" else 0
    present = {(node.group if level == "group" else node.typology) for node in graph.nodes.values()}
    groups = [(code, labels.get(code, code)) for code in sorted(present, key=lambda g: (order.get(g, 999), g))]
    matrix: dict[tuple[str, str], int] = {(g1, g2): 0 for g1, _ in groups for g2, _ in groups}
    counts: dict[tuple[str, str], int] = {}
    for (a, b), count in (pair_counts if pair_counts is not None else _pair_counts(graph)).items():
        pair = (a[at], b[at])
        counts[pair] = counts.get(pair, 0) + count
    for (g1, g2), count in counts.items():
        matrix[(g1, g2)] += count
        if g1 != g2:
            matrix[(g2, g1)] += count
    return groups, matrix


@collector_paused()
def analyse(graph: NetworkGraph, seed: int = SEED, exact_work: int = EXACT_WORK,
            sample: int | None = None) -> NetworkMetrics:
    """Every metric of the filtered graph (the graph built once for igraph, in bulk)."""
    compiled = CompiledGraph.of(edges=list(graph.edges), nodes=list(graph.nodes))
    degree_of = dict(zip(compiled.order, compiled.graph.degree()))
    between, exact, sources = betweenness(compiled, exact_work, sample, seed)
    community_of = communities(compiled, seed, {node_id: node.name for node_id, node in graph.nodes.items()})
    component_sizes = compiled.graph.connected_components().sizes() if compiled.order else []
    rows = []
    new, set_dict = object.__new__, object.__setattr__
    for node in graph.nodes.values():
        degree = degree_of[node.id]
        row = new(PartnerMetrics)  # a frozen dataclass built without its slow __init__ (thousands of partners)
        set_dict(row, "__dict__", {
            "id": node.id, "name": node.name, "typology": node.typology, "typology_label": node.typology_label,
            "group": node.group, "group_label": node.group_label, "commune": node.commune_name, "degree": degree,
            "betweenness": between[node.id], "community": community_of[node.id], "isolated": degree == 0,
        })
        rows.append(row)
    rows.sort(key=lambda r: (-r.betweenness, -r.degree, r.name, r.id))
    by_id = {row.id: row for row in rows}
    by_community: dict[int, list[PartnerMetrics]] = {}
    for row in rows:
        if not row.isolated:  # the communities listed are groups of linked partners
            by_community.setdefault(row.community, []).append(row)
    community_rows = []
    for number in sorted(by_community):
        members = sorted(by_community[number], key=lambda r: (-r.degree, r.name))
        counts: dict[str, int] = {}
        for member in members:
            counts[member.group_label] = counts.get(member.group_label, 0) + 1
        community_rows.append(Community(
            number=number, size=len(members), members=tuple(m.name for m in members),
            main_groups=tuple(label for label, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        ))
    pair_counts = _pair_counts(graph)
    groups, matrix = group_matrix(graph, pair_counts=pair_counts)
    typologies, typology_matrix = group_matrix(graph, "typology", pair_counts)
    source = graph.source
    present = source.present_typologies
    if source.scope.kind != "council":
        present = frozenset(node.typology for node in graph.nodes.values())
    return NetworkMetrics(
        nodes=len(graph.nodes),
        links=len(graph.edges),
        declared_links=sum(len(edge.link_ids) for edge in graph.edges.values()),
        derived_links=sum(1 for edge in graph.edges.values() if not edge.declared),
        density=density(len(graph.nodes), len(graph.edges)),
        components=len(component_sizes),
        largest_component=max(component_sizes, default=0),
        partners=rows,
        brokers=[r for r in rows if r.betweenness > 0][:BROKERS_SHOWN],
        isolated=sorted((r for r in rows if r.isolated), key=lambda r: (r.name, r.id)),
        communities=community_rows,
        groups=groups,
        matrix=matrix,
        typologies=typologies,
        typology_matrix=typology_matrix,
        expectations=list(source.expectations),
        expectations_default=source.expectations_default,
        missing=missing_expectations(source.expectations, present),
        betweenness_exact=exact,
        betweenness_sources=sources,
        by_id=by_id,
    )


def load_graph(session: Session, actor: Actor, scope: Scope, filters: GraphFilters = GraphFilters(),
               today: dt.date | None = None) -> NetworkGraph:
    """Read a scope and apply the filters (the territory filter needs the database)."""
    source = load_source(session, actor, scope, today)
    members = territory_members(session, source, filters.territory) if filters.territory else None
    return build_graph(source, filters, members)


@collector_paused()
def network_analysis(session: Session, actor: Actor, scope: Scope, filters: GraphFilters = GraphFilters(),
                     today: dt.date | None = None) -> tuple[NetworkGraph, NetworkMetrics]:
    """The filtered graph of a scope and its metrics."""
    graph = load_graph(session, actor, scope, filters, today)
    return graph, analyse(graph)


def _link_keys(graph: NetworkGraph) -> dict[tuple, tuple]:
    """Identity of each link of a graph: declared links by id, derived ones by pair and action."""
    keys: dict[tuple, tuple] = {}
    links = {link.id: link for link in graph.source.links}
    for (a, b), edge in graph.edges.items():
        for link_id in edge.link_ids:
            keys[("link", link_id)] = (a, b, links[link_id])
        for title in edge.action_titles:
            keys[("action", a, b, title)] = (a, b, title)
    return keys


def _change(graph: NetworkGraph, value: tuple) -> LinkChange:
    """A link of a graph, described for the changes table."""
    a, b, what = value
    names = graph.source.nodes
    if isinstance(what, str):
        return LinkChange(names[a].name, names[b].name, graph.source.kind_labels.get("action", "Action commune"),
                          None, None, None, what)
    level_label = graph.source.level_labels.get(what.level, "")
    council = graph.source.council_names.get(what.council_id, "")
    return LinkChange(names[a].name, names[b].name, graph.source.kind_labels.get(what.kind, what.kind), what.level,
                      what.start, what.end, f"niveau {what.level} ({level_label})" + (f" — {council}" if council else ""))


def network_changes(source: NetworkSource, filters: GraphFilters, year_from: int, year_to: int,
                    territory_ids: frozenset[int] | None = None) -> NetworkChanges:
    """Links added and ended between `year_from` and `year_to`, and partners who became (or stopped being) isolated."""
    before = build_graph(source, GraphFilters(**{**filters.__dict__, "year": year_from}), territory_ids)
    after = build_graph(source, GraphFilters(**{**filters.__dict__, "year": year_to}), territory_ids)
    keys_before, keys_after = _link_keys(before), _link_keys(after)

    def ordered(changes: list[LinkChange]) -> list[LinkChange]:
        """Changes by partner names, kind and detail."""
        return sorted(changes, key=lambda c: (c.a, c.b, c.kind, c.detail))

    added = ordered([_change(after, keys_after[k]) for k in keys_after if k not in keys_before])
    ended = ordered([_change(before, keys_before[k]) for k in keys_before if k not in keys_after])
    adj_before, adj_after = before.adjacency(), after.adjacency()
    names = source.nodes
    newly = sorted(names[n].name for n in adj_after if not adj_after[n] and adj_before.get(n))
    back = sorted(names[n].name for n in adj_after if adj_after[n] and not adj_before.get(n))
    return NetworkChanges(year_from, year_to, added, ended, newly, back)


def summary_lines(metrics: NetworkMetrics) -> list[tuple[str, str]]:
    """`name: value` pairs of `network-summary` (machine-readable values)."""
    return [
        ("nodes", str(metrics.nodes)),
        ("links", str(metrics.links)),
        ("declared_links", str(metrics.declared_links)),
        ("derived_links", str(metrics.derived_links)),
        ("density", f"{metrics.density:.4f}"),
        ("components", str(metrics.components)),
        ("largest_component", str(metrics.largest_component)),
        ("isolated", str(len(metrics.isolated))),
        ("communities", str(len(metrics.communities))),
        ("brokers", "|".join(b.name for b in metrics.brokers[:5])),
        ("betweenness", "exacte" if metrics.betweenness_exact else f"estimée ({metrics.betweenness_sources} sources)"),
        ("missing_typologies", "|".join(e.text for e in metrics.missing)),
    ]
