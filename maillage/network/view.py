"""What the graph drawing shows: nodes (or groups of nodes above a cap), edges, colours, sizes, tooltips, legend.

Pure data (no HTML here): `network_html` turns a Drawing into the page's HTML. Tooltips are plain text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from maillage.core.formatting import format_decimal, format_int, plural
from maillage.network.data import Edge, NetworkGraph
from maillage.network.metrics import NetworkMetrics
from maillage.network.positions import layout

NODE_CAP = 600
SIZE_BY = {"degree": "nombre de liens", "betweenness": "intermédiarité"}
GROUP_BY = {"typology": "secteur", "commune": "commune"}

# Colour-blind-aware palette (Okabe–Ito first), one per sector of models/vocabularies.py.
GROUP_COLOURS = {
    "collectivites": "#0072B2",
    "etat": "#56B4E9",
    "securite": "#D55E00",
    "justice": "#882255",
    "education": "#E69F00",
    "social": "#009E73",
    "jeunesse": "#CC79A7",
    "numerique": "#44AA99",
    "sante": "#AA4499",
    "logement": "#999933",
    "associatif": "#7F7F7F",
}
EXTRA_COLOURS = ("#332288", "#117733", "#DDCC77", "#661100", "#6699CC", "#888888")
GROUP_NODE_COLOUR = "#5B6770"
LEVEL_WIDTHS = {1: 1.0, 2: 2.0, 3: 3.5, 4: 5.0}
DECLARED_COLOUR = "#4A5560"
DERIVED_COLOUR = "#8A96A0"


@dataclass(frozen=True)
class ViewOptions:
    """How to draw: node size measure, node cap, grouping key above the cap, which group is opened."""

    size_by: str = "degree"
    cap: int = NODE_CAP
    group_by: str = "typology"
    open_group: str | None = None
    seed: int = 42


@dataclass(frozen=True)
class DrawNode:
    """A drawn node (a partner, or a group of partners); tooltip is plain text."""
    id: str
    label: str
    tooltip: str
    colour: str
    size: float
    x: float
    y: float
    is_group: bool = False


@dataclass(frozen=True)
class DrawEdge:
    """A drawn edge; dashed when only shared actions join the pair."""
    a: str
    b: str
    width: float
    dashed: bool
    colour: str
    tooltip: str


@dataclass(frozen=True)
class LegendItem:
    """One line of the legend."""
    label: str
    colour: str
    kind: str  # node | solid | dashed | group


@dataclass
class Drawing:
    """A drawing ready to render: heading, nodes, edges, legend, notes, and the groups one may open."""

    heading: str
    subtitle: str
    nodes: list[DrawNode]
    edges: list[DrawEdge]
    legend: list[LegendItem]
    notes: list[str] = field(default_factory=list)
    grouped: bool = False
    groups: list[tuple[str, str, int]] = field(default_factory=list)  # (key, label, members)


def group_colour(group: str) -> str:
    """The colour of a sector (stable for sectors an administrator adds)."""
    if group in GROUP_COLOURS:
        return GROUP_COLOURS[group]
    return EXTRA_COLOURS[sum(map(ord, group)) % len(EXTRA_COLOURS)]


def group_key(graph: NetworkGraph, node_id: int, group_by: str) -> str:
    """The group a partner falls in: its sector, or its seat commune."""
    node = graph.nodes[node_id]
    return node.group if group_by == "typology" else node.commune_key


def group_label(graph: NetworkGraph, key: str, group_by: str) -> str:
    """French label of a group key."""
    if group_by == "typology":
        return graph.source.group_labels.get(key, key)
    for node in graph.nodes.values():
        if node.commune_key == key:
            return node.commune_name
    return key.split(":", 1)[-1]


def list_groups(graph: NetworkGraph, group_by: str) -> list[tuple[str, str, int]]:
    """(key, label, members) of every group, largest first."""
    counts: dict[str, int] = {}
    for node_id in graph.nodes:
        key = group_key(graph, node_id, group_by)
        counts[key] = counts.get(key, 0) + 1
    return sorted(((k, group_label(graph, k, group_by), c) for k, c in counts.items()), key=lambda g: (-g[2], g[1]))


def _size(value: float, top: float) -> float:
    """Node size in pixels, by the square root of its share of the largest value."""
    if top <= 0:
        return 10.0
    return round(10.0 + 25.0 * math.sqrt(value / top), 1)


def _edge_tooltip(graph: NetworkGraph, edge: Edge) -> str:
    """Plain-text tooltip of an edge: the pair, kinds and level, shared actions."""
    names = f"{graph.nodes[edge.a].name} — {graph.nodes[edge.b].name}"
    lines = [names]
    if edge.kinds:
        kinds = ", ".join(graph.source.kind_labels.get(k, k) for k in edge.kinds)
        level = graph.source.level_labels.get(edge.level or 0, "")
        lines.append(f"{kinds} — niveau {edge.level} ({level})")
    for title in edge.action_titles[:5]:
        lines.append(f"Action commune : {title}")
    if len(edge.action_titles) > 5:
        lines.append(f"… et {plural(len(edge.action_titles) - 5, 'autre action')}")
    return "\n".join(lines)


def _node_tooltip(graph: NetworkGraph, metrics: NetworkMetrics, node_id: int) -> str:
    """Plain-text tooltip of a partner: name, typology, commune, metrics."""
    node = graph.nodes[node_id]
    row = metrics.by_id[node_id]
    lines = [node.name, f"{node.typology_label} ({node.group_label})", f"Siège : {node.commune_name}",
             f"Liens : {format_int(row.degree)}", f"Intermédiarité : {format_decimal(row.betweenness, 3)}"]
    lines.append("Aucun lien (isolé)" if row.isolated else f"Communauté : {row.community}")
    return "\n".join(lines)


def _partner_nodes(graph: NetworkGraph, metrics: NetworkMetrics, ids: list[int], options: ViewOptions,
                   faded: set[int] = frozenset()) -> tuple[list[DrawNode], list[DrawEdge]]:
    """Nodes and edges for the given partners (`faded` ones drawn grey)."""
    ids = sorted(ids, key=lambda i: (graph.nodes[i].name, i))
    chosen = set(ids)
    edges = [edge for pair, edge in sorted(graph.edges.items()) if pair[0] in chosen and pair[1] in chosen]
    positions = layout(ids, [(e.a, e.b) for e in edges], seed=options.seed)
    measure = (lambda r: r.betweenness) if options.size_by == "betweenness" else (lambda r: float(r.degree))
    top = max((measure(metrics.by_id[i]) for i in ids), default=0.0)
    nodes = [
        DrawNode(id=str(i), label=graph.nodes[i].name, tooltip=_node_tooltip(graph, metrics, i),
                 colour="#C8CDD2" if i in faded else group_colour(graph.nodes[i].group),
                 size=_size(measure(metrics.by_id[i]), top), x=positions[i][0], y=positions[i][1])
        for i in ids
    ]
    drawn = [
        DrawEdge(a=str(e.a), b=str(e.b),
                 width=LEVEL_WIDTHS.get(e.level or 0, 1.5) if e.declared else 1.5,
                 dashed=not e.declared, colour=DECLARED_COLOUR if e.declared else DERIVED_COLOUR,
                 tooltip=_edge_tooltip(graph, e))
        for e in edges
    ]
    return nodes, drawn


def _grouped(graph: NetworkGraph, options: ViewOptions) -> tuple[list[DrawNode], list[DrawEdge]]:
    """One node per group (size: members), one edge per pair of groups (width: links between them)."""
    groups = list_groups(graph, options.group_by)
    key_of = {node_id: group_key(graph, node_id, options.group_by) for node_id in graph.nodes}
    between: dict[tuple[str, str], int] = {}
    inside: dict[str, int] = {}
    for a, b in graph.edges:
        ka, kb = key_of[a], key_of[b]
        if ka == kb:
            inside[ka] = inside.get(ka, 0) + 1
        else:
            pair = (min(ka, kb), max(ka, kb))
            between[pair] = between.get(pair, 0) + 1
    keys = [key for key, _label, _count in groups]
    positions = layout(keys, sorted(between), seed=options.seed, spacing=160.0)
    top = max((count for _k, _l, count in groups), default=1)
    labels = {key: label for key, label, _count in groups}
    nodes = []
    for key, label, count in groups:
        colour = group_colour(key) if options.group_by == "typology" else GROUP_NODE_COLOUR
        tooltip = "\n".join([label, plural(count, "partenaire"), f"{plural(inside.get(key, 0), 'lien')} à l'intérieur",
                             "Ouvrez ce groupe avec « Ouvrir un groupe » sous le graphe."])
        nodes.append(DrawNode(id=f"groupe:{key}", label=f"{label} ({format_int(count)})", tooltip=tooltip,
                              colour=colour, size=_size(count, top) + 5, x=positions[key][0], y=positions[key][1],
                              is_group=True))
    top_links = max(between.values(), default=1)
    edges = [
        DrawEdge(a=f"groupe:{ka}", b=f"groupe:{kb}", width=round(1 + 7 * math.sqrt(count / top_links), 1),
                 dashed=False, colour=DECLARED_COLOUR,
                 tooltip=f"{labels[ka]} — {labels[kb]}\n{plural(count, 'lien')}")
        for (ka, kb), count in sorted(between.items())
    ]
    return nodes, edges


def build_drawing(graph: NetworkGraph, metrics: NetworkMetrics, options: ViewOptions = ViewOptions(),
                  heading: str | None = None) -> Drawing:
    """The drawing of a graph: every partner up to the cap, else groups (or the opened group)."""
    heading = heading if heading is not None else f"Réseau de coopération — {graph.source.title}"
    subtitle = (f"{plural(metrics.nodes, 'partenaire')}, {plural(metrics.links, 'paire liée', 'paires liées')} "
                f"{graph.period_label}")
    notes: list[str] = []
    groups = list_groups(graph, options.group_by)
    grouped = False
    if len(graph.nodes) <= options.cap:
        nodes, edges = _partner_nodes(graph, metrics, list(graph.nodes), options)
    elif options.open_group is not None and options.open_group in {g[0] for g in groups}:
        members = [i for i in graph.nodes if group_key(graph, i, options.group_by) == options.open_group]
        label = group_label(graph, options.open_group, options.group_by)
        adjacency = graph.adjacency()
        neighbours = {o for i in members for o in adjacency[i]} - set(members)
        if len(members) > options.cap:
            members = sorted(members, key=lambda i: (-metrics.by_id[i].degree, graph.nodes[i].name))[:options.cap]
            notes.append(f"Groupe « {label} » : les {format_int(options.cap)} partenaires les plus liés sont affichés.")
            neighbours = set()
        elif len(members) + len(neighbours) > options.cap:
            notes.append(f"Groupe « {label} » : ses partenaires liés hors du groupe ne sont pas affichés (trop nombreux).")
            neighbours = set()
        else:
            notes.append(f"Groupe « {label} » ouvert ; en gris, les partenaires d'autres groupes qui lui sont liés.")
        nodes, edges = _partner_nodes(graph, metrics, members + sorted(neighbours), options, faded=neighbours)
    else:
        grouped = True
        nodes, edges = _grouped(graph, options)
        notes.append(f"Plus de {format_int(options.cap)} partenaires : ils sont regroupés par "
                     f"{GROUP_BY.get(options.group_by, options.group_by)}. Ouvrez un groupe pour voir ses partenaires.")

    legend = []
    if grouped and options.group_by == "commune":
        legend.append(LegendItem("Commune (taille : nombre de partenaires)", GROUP_NODE_COLOUR, "group"))
    else:
        present = {n.group for n in graph.nodes.values()} if not grouped else {k for k, _l, _c in groups}
        order = list(graph.source.group_labels)
        for code in sorted(present, key=lambda g: (order.index(g) if g in order else 99, g)):
            legend.append(LegendItem(graph.source.group_labels.get(code, code), group_colour(code), "node"))
    if grouped:
        legend.append(LegendItem("Liens entre groupes (épaisseur : nombre de liens)", DECLARED_COLOUR, "solid"))
    else:
        legend.append(LegendItem("Lien déclaré (épaisseur : niveau de collaboration)", DECLARED_COLOUR, "solid"))
        if graph.filters.include_derived:
            legend.append(LegendItem("Lien issu d'une action commune", DERIVED_COLOUR, "dashed"))
        legend.append(LegendItem(f"Taille des points : {SIZE_BY.get(options.size_by, options.size_by)}", "#C8CDD2", "group"))
    return Drawing(heading=heading, subtitle=subtitle, nodes=nodes, edges=edges, legend=legend, notes=notes,
                   grouped=grouped, groups=groups)
