"""Network analysis of a cooperation graph: density, components, degree, betweenness, brokers, isolated
partners, communities (Louvain), the sector × sector matrix, missing expected typologies, and what changed
between two years. No Streamlit here; the pages and the command line show what these functions return.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlmodel import Session

from maillage.accounts.access import Actor
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
EXACT_BETWEENNESS_MAX = 2000  # nodes; above, betweenness is estimated from sampled sources
BETWEENNESS_SAMPLE = 200  # sources drawn (fixed seed) when sampling, at most…
BETWEENNESS_MIN_SAMPLE = 50  # …and at least
BETWEENNESS_WORK = 30_000_000  # node and edge visits allowed when sampling (sources × (n + 2m))
VECTORISED_FROM = 300  # nodes; from there numpy's level-by-level Brandes beats the plain loop
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
    """A group of partners more linked together than with the rest (Louvain)."""

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


def betweenness(adjacency: dict[int, set[int]], exact_max: int = EXACT_BETWEENNESS_MAX,
                sample: int = BETWEENNESS_SAMPLE, seed: int = SEED,
                vectorised: bool | None = None) -> tuple[dict[int, float], bool, int]:
    """Normalised betweenness (Brandes): exact up to `exact_max` nodes, else from sampled sources drawn with `seed`
    (`sample` of them, fewer — down to 50 — on huge graphs so the work stays bounded). `vectorised` forces
    (or forbids) the numpy implementation, used by default from 300 nodes.

    Returns (node → value in [0, 1], exact?, sources used). The normalisation is networkx's: the share of
    the pairs of other nodes whose shortest paths go through the node.
    """
    order = sorted(adjacency)
    n = len(order)
    index = {node: i for i, node in enumerate(order)}
    adj = [[index[other] for other in sorted(adjacency[node])] for node in order]
    exact = n <= exact_max
    if exact:
        sources = [i for i in range(n) if adj[i]]
    else:
        visits = n + sum(len(neighbours) for neighbours in adj)
        count = max(min(sample, BETWEENNESS_MIN_SAMPLE), min(sample, BETWEENNESS_WORK // max(visits, 1)))
        sources = sorted(random.Random(seed).sample(range(n), min(count, n)))
    use_numpy = vectorised if vectorised is not None else n >= VECTORISED_FROM
    scores = _brandes_numpy(adj, sources) if use_numpy else _brandes(adj, sources)
    if n <= 2:
        return {node: 0.0 for node in order}, exact, len(sources)
    scale = 1.0 / ((n - 1) * (n - 2))
    if not exact:
        scale *= n / len(sources)
    return {node: scores[index[node]] * scale for node in order}, exact, len(sources)


def _brandes(adj: list[list[int]], sources: list[int]) -> list[float]:
    """Brandes' accumulation over the given sources, on int adjacency lists (both directions counted)."""
    n = len(adj)
    scores = [0.0] * n
    for source in sources:
        sigma = [0] * n
        dist = [-1] * n
        sigma[source], dist[source] = 1, 0
        order = [source]
        position = 0
        while position < len(order):
            v = order[position]
            position += 1
            next_dist, paths = dist[v] + 1, sigma[v]
            for w in adj[v]:
                if dist[w] < 0:
                    dist[w] = next_dist
                    sigma[w] = paths
                    order.append(w)
                elif dist[w] == next_dist:
                    sigma[w] += paths
        delta = [0.0] * n
        for w in reversed(order):
            previous = dist[w] - 1
            coefficient = (1.0 + delta[w]) / sigma[w]
            for v in adj[w]:
                if dist[v] == previous:
                    delta[v] += sigma[v] * coefficient
            if w != source:
                scores[w] += delta[w]
    return scores


def _brandes_numpy(adj: list[list[int]], sources: list[int]) -> list[float]:
    """The same accumulation, level by level with numpy arrays (CSR adjacency); same results, far faster on big graphs."""
    import numpy as np

    n = len(adj)
    degrees = np.fromiter((len(a) for a in adj), dtype=np.int64, count=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(degrees, out=indptr[1:])
    indices = np.fromiter((w for a in adj for w in a), dtype=np.int64, count=int(indptr[-1]))
    scores = np.zeros(n)

    def edges_from(frontier):
        """(source, neighbour) of every edge leaving the frontier."""
        starts = indptr[frontier]
        degree = indptr[frontier + 1] - starts
        offsets = np.repeat(starts - np.cumsum(degree) + degree, degree) + np.arange(int(degree.sum()))
        return np.repeat(frontier, degree), indices[offsets]

    for source in sources:
        dist = np.full(n, -1, dtype=np.int64)
        sigma = np.zeros(n)
        dist[source], sigma[source] = 0, 1.0
        frontier = np.array([source], dtype=np.int64)
        levels = []
        while frontier.size:
            tails, heads = edges_from(frontier)
            levels.append((tails, heads))
            fresh = heads[dist[heads] < 0]
            if fresh.size == 0:
                break
            seen = np.zeros(n, dtype=bool)
            seen[fresh] = True
            frontier = np.flatnonzero(seen)
            dist[frontier] = len(levels)
            forward = dist[heads] == len(levels)
            sigma += np.bincount(heads[forward], weights=sigma[tails[forward]], minlength=n)
        delta = np.zeros(n)
        for level in range(len(levels) - 1, -1, -1):
            tails, heads = levels[level]
            forward = dist[heads] == level + 1
            v, w = tails[forward], heads[forward]
            delta += np.bincount(v, weights=sigma[v] / sigma[w] * (1.0 + delta[w]), minlength=n)
        delta[source] = 0.0
        scores += delta
    return scores.tolist()


def communities(graph: NetworkGraph, seed: int = SEED) -> dict[int, int]:
    """Louvain communities (fixed seed): node → number, 1 = largest. Linked partners first; each isolated
    partner is then a community of its own, numbered after them (by name), as Louvain would make it."""
    import networkx as nx

    linked = nx.Graph()
    for a, b in sorted(graph.edges):
        linked.add_edge(a, b)
    names = {node_id: node.name for node_id, node in graph.nodes.items()}
    found = nx.community.louvain_communities(linked, seed=seed) if linked.number_of_edges() else []
    ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), min(names[n] for n in c)))
    numbers = {node: number for number, members in enumerate(ordered, start=1) for node in members}
    alone = sorted((n for n in graph.nodes if n not in numbers), key=lambda n: (names[n], n))
    numbers.update({node: len(ordered) + i for i, node in enumerate(alone, start=1)})
    return numbers


def group_matrix(graph: NetworkGraph, level: str = "group") -> tuple[list[tuple[str, str]], dict[tuple[str, str], int]]:
    """Sectors (`group`) or typologies (`typology`) present, in vocabulary order, and joined pairs per pair (symmetric)."""
    labels = graph.source.group_labels if level == "group" else graph.source.typology_labels
    order = list(labels)

    def key(node_id: int) -> str:
        node = graph.nodes[node_id]
        return node.group if level == "group" else node.typology

    present = {key(node_id) for node_id in graph.nodes}
    groups = [(code, labels.get(code, code))
              for code in sorted(present, key=lambda g: (order.index(g) if g in order else 999, g))]
    matrix: dict[tuple[str, str], int] = {(g1, g2): 0 for g1, _ in groups for g2, _ in groups}
    for a, b in graph.edges:
        g1, g2 = key(a), key(b)
        matrix[(g1, g2)] += 1
        if g1 != g2:
            matrix[(g2, g1)] += 1
    return groups, matrix


def analyse(graph: NetworkGraph, seed: int = SEED, exact_max: int = EXACT_BETWEENNESS_MAX,
            sample: int = BETWEENNESS_SAMPLE) -> NetworkMetrics:
    """Every metric of the filtered graph."""
    adjacency = graph.adjacency()
    between, exact, sources = betweenness(adjacency, exact_max, sample, seed)
    community_of = communities(graph, seed)
    found = components(adjacency)
    rows = []
    for node in graph.nodes.values():
        degree = len(adjacency[node.id])
        rows.append(PartnerMetrics(
            id=node.id, name=node.name, typology=node.typology, typology_label=node.typology_label,
            group=node.group, group_label=node.group_label, commune=node.commune_name, degree=degree,
            betweenness=between[node.id], community=community_of[node.id], isolated=degree == 0,
        ))
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
    groups, matrix = group_matrix(graph)
    typologies, typology_matrix = group_matrix(graph, "typology")
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
        components=len(found),
        largest_component=len(found[0]) if found else 0,
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
