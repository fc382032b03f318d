"""What the graph drawing shows: nodes (or groups of nodes above a cap), edges, colours, shapes, sizes, labels,
tooltips, group hulls, legend; the ego view of one partner; the years view (added and ended links).

Pure data (no HTML here): `html.render_drawing` turns a Drawing into the page's HTML and `export` into SVG/PNG.
Tooltips are plain text. Positions come from a stable scope layout (see `scope_layout` and `layouts`), so every
filter and every year draws each partner at the same place.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from maillage.core.formatting import format_decimal, format_int, plural
from maillage.core.text import fold
from maillage.network.data import Edge, NetworkGraph, NetworkSource, all_pairs
from maillage.network.metrics import NetworkMetrics
from maillage.network.positions import (
    HULL_PAD,
    Box,
    box_rect,
    convex_hull,
    label_size,
    layout,
    overlapping,
    readable_layout,
    resolve_overlaps,
    wrap_label,
)

NODE_CAP = 600
SIZE_BY = {"degree": "nombre de liens", "betweenness": "intermédiarité"}
GROUP_BY = {"typology": "secteur", "commune": "commune", "council": "instance"}
CLUSTER_BY = {"": "aucun", "council": "instance", "commune": "commune", "typology": "secteur"}

STABLE_LAYOUT_MAX = NODE_CAP  # partners: up to this many, the scope's layout is kept (stored); above, each view
# lays out only what it draws
ALL_LABELS_UP_TO = 60  # partners: up to this many, every label is drawn
IMPORTANT_LABELS = 40  # above: the most important labels are drawn, the others on zoom (and in the tooltip)
IMPORTANT_LABELS_CLUSTERED = 15  # fewer when the partners are drawn in groups: the groups' names come first
LABEL_FONT = 14.0  # pixels at zoom 1
SMALL_FONT = 8.0  # the others' labels: under the draw threshold at the usual zoom, readable when zoomed in
DRAW_THRESHOLD = 10  # vis-network hides a label whose on-screen size is below this many pixels
NODE_MIN, NODE_MAX = 6.0, 12.0  # node radius range, pixels
NODE_MAX_CROWDED = 10.0

# Paul Tol's colour-blind-safe "muted" palette (categorical), plus two of his other schemes; each sector also
# has its own shape, so that two colours a reader may confuse never share a shape.
GROUP_STYLES = {
    "collectivites": ("#332288", "dot"),
    "etat": ("#88CCEE", "square"),
    "securite": ("#CC6677", "triangle"),
    "justice": ("#882255", "square"),
    "education": ("#DDCC77", "diamond"),
    "social": ("#117733", "dot"),
    "jeunesse": ("#44AA99", "triangle"),
    "numerique": ("#999933", "square"),
    "sante": ("#AA4499", "diamond"),
    "logement": ("#6699CC", "triangleDown"),
    "associatif": ("#BBBBBB", "hexagon"),
}
GROUP_COLOURS = {code: colour for code, (colour, _shape) in GROUP_STYLES.items()}
EXTRA_STYLES = (("#E69F00", "star"), ("#009E73", "star"), ("#56B4E9", "hexagon"), ("#661100", "dot"),
                ("#CC79A7", "triangleDown"), ("#777777", "diamond"))
NODE_BORDER = "#1D2327"
GROUP_NODE_COLOUR = "#5B6770"
FADED_COLOUR = "#C8CDD2"
LEVEL_WIDTHS = {1: 1.0, 2: 2.0, 3: 3.5, 4: 5.0}
DECLARED_COLOUR = "#4A5560"
DERIVED_COLOUR = "#8A96A0"
ADDED_COLOUR = "#E66100"  # links that appeared this year (orange, distinct from every node colour)
ENDED_COLOUR = "#D5D9DD"  # links that ended: ghosts
OTHERS = "__autres__"  # the group of the smallest groups when there are more groups than the cap
HULL_COLOURS = ("#332288", "#117733", "#882255", "#AA4499", "#44AA99", "#999933", "#CC6677", "#6699CC", "#DDCC77",
                "#88CCEE")


@dataclass(frozen=True)
class ViewOptions:
    """How to draw: node size measure, node cap, grouping key above the cap, which group is opened,
    and how to cluster the partners when all are drawn ('' none, council, commune, typology)."""

    size_by: str = "degree"
    cap: int = NODE_CAP
    group_by: str = "typology"
    open_group: str | None = None
    seed: int = 42
    cluster_by: str = ""
    highlight_group: str | None = None


@dataclass(frozen=True)
class DrawNode:
    """A drawn node (a partner, or a group of partners); tooltip is plain text; label may hold line breaks."""
    id: str
    label: str
    tooltip: str
    colour: str
    size: float
    x: float
    y: float
    is_group: bool = False
    shape: str = "dot"
    font: float = LABEL_FONT
    label_shown: bool = True  # drawn at the usual zoom (else only when zoomed in, and in the tooltip)
    label_width: float = 0.0
    label_height: float = 0.0
    name: str = ""
    emphasis: bool = False  # the partner an ego view is centred on


@dataclass(frozen=True)
class DrawEdge:
    """A drawn edge; dashed when only shared actions join the pair (or when it ended: a ghost)."""
    a: str
    b: str
    width: float
    dashed: bool
    colour: str
    tooltip: str
    change: str = ""  # '' | added | ended


@dataclass(frozen=True)
class LegendItem:
    """One line of the legend."""
    label: str
    colour: str
    kind: str  # node | solid | dashed | group | added | ended
    shape: str = "dot"


@dataclass(frozen=True)
class Hull:
    """A group drawn as a cluster: its outline (polygon), colour and name."""
    key: str
    label: str
    colour: str
    points: tuple[tuple[float, float], ...]
    members: tuple[str, ...] = ()  # ids of the drawn nodes inside (clicking the outline opens the group on them)


@dataclass
class Drawing:
    """A drawing ready to render: heading, nodes, edges, legend, notes, hulls, and the groups one may open."""

    heading: str
    subtitle: str
    nodes: list[DrawNode]
    edges: list[DrawEdge]
    legend: list[LegendItem]
    notes: list[str] = field(default_factory=list)
    grouped: bool = False
    groups: list[tuple[str, str, int]] = field(default_factory=list)  # (key, label, members)
    hulls: list[Hull] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)  # key figures (label, value) for presentation


def group_style(group: str) -> tuple[str, str]:
    """(colour, shape) of a sector (stable for sectors an administrator adds)."""
    if group in GROUP_STYLES:
        return GROUP_STYLES[group]
    return EXTRA_STYLES[sum(map(ord, group)) % len(EXTRA_STYLES)]


def group_colour(group: str) -> str:
    """The colour of a sector."""
    return group_style(group)[0]


def primary_council(source: NetworkSource, node_id: int) -> int | None:
    """The council a partner is drawn with: the one where it has most links and shared actions (then by name)."""
    councils = source.partner_councils.get(node_id, ())
    if not councils:
        return None
    counts = {c: 0 for c in councils}
    for link in source.links:
        if link.council_id in counts and node_id in (link.a, link.b):
            counts[link.council_id] += 1
    for action in source.actions:
        if action.council_id in counts and node_id in action.partner_ids:
            counts[action.council_id] += 1
    order = {c: i for i, c in enumerate(councils)}
    return min(councils, key=lambda c: (-counts[c], order[c]))


def source_group_keys(source: NetworkSource, group_by: str) -> dict[int, str]:
    """partner id → group key (sector code, seat commune key, or `council:<id>`), for every partner of a scope."""
    if group_by == "typology":
        return {i: n.group for i, n in source.nodes.items()}
    if group_by == "commune":
        return {i: n.commune_key for i, n in source.nodes.items()}
    if group_by == "council":
        counts: dict[tuple[int, int], int] = {}
        for link in source.links:
            for partner_id in (link.a, link.b):
                counts[(partner_id, link.council_id)] = counts.get((partner_id, link.council_id), 0) + 1
        for action in source.actions:
            for partner_id in action.partner_ids:
                counts[(partner_id, action.council_id)] = counts.get((partner_id, action.council_id), 0) + 1
        keys = {}
        for node_id in source.nodes:
            councils = source.partner_councils.get(node_id, ())
            if not councils:
                keys[node_id] = "council:none"
                continue
            order = {c: i for i, c in enumerate(councils)}
            best = min(councils, key=lambda c: (-counts.get((node_id, c), 0), order[c]))
            keys[node_id] = f"council:{best}"
        return keys
    return {i: "" for i in source.nodes}


def source_group_label(source: NetworkSource, key: str, group_by: str) -> str:
    """French name of a group key."""
    if group_by == "typology":
        return source.group_labels.get(key, key)
    if group_by == "council":
        if key == "council:none":
            return "Sans instance"
        return source.council_names.get(int(key.split(":", 1)[1]), key)
    for node in source.nodes.values():
        if node.commune_key == key:
            return node.commune_name
    return key.split(":", 1)[-1]


def group_key(graph: NetworkGraph, node_id: int, group_by: str) -> str:
    """The group a partner falls in: its sector, its seat commune, or its main council."""
    node = graph.nodes[node_id]
    if group_by == "typology":
        return node.group
    if group_by == "commune":
        return node.commune_key
    return source_group_keys(graph.source, group_by)[node_id]


def group_label(graph: NetworkGraph, key: str, group_by: str) -> str:
    """French label of a group key."""
    return source_group_label(graph.source, key, group_by)


def list_groups(graph: NetworkGraph, group_by: str) -> list[tuple[str, str, int]]:
    """(key, label, members) of every group, largest first."""
    keys = source_group_keys(graph.source, group_by)
    counts: dict[str, int] = {}
    for node_id in graph.nodes:
        counts[keys[node_id]] = counts.get(keys[node_id], 0) + 1
    return sorted(((k, source_group_label(graph.source, k, group_by), c) for k, c in counts.items()),
                  key=lambda g: (-g[2], g[1]))


# ----------------------------------------------------------------------------------------------- labels and layout

def union_degrees(source: NetworkSource) -> dict[int, int]:
    """partner id → partners it was ever joined to in the scope (the importance that orders its label)."""
    degrees = {node_id: 0 for node_id in source.nodes}
    for a, b in all_pairs(source):
        degrees[a] += 1
        degrees[b] += 1
    return degrees


def label_plan(source: NetworkSource, clustered: bool = False) -> dict[int, tuple[str, float, bool]]:
    """partner id → (wrapped label, font size, drawn at the usual zoom): every label up to 60 partners,
    above, the 40 most linked ones (15 when drawn in groups); the others appear when zooming in, and in the
    tooltip."""
    wrapped = {i: wrap_label(n.name) for i, n in source.nodes.items()}
    if len(source.nodes) <= ALL_LABELS_UP_TO:
        return {i: (wrapped[i], LABEL_FONT, True) for i in source.nodes}
    degrees = union_degrees(source)
    ranked = sorted(source.nodes, key=lambda i: (-degrees[i], source.nodes[i].name, i))
    important = set(ranked[:IMPORTANT_LABELS_CLUSTERED if clustered else IMPORTANT_LABELS])
    return {i: (wrapped[i], LABEL_FONT if i in important else SMALL_FONT, i in important) for i in source.nodes}


def node_radius_max(count: int) -> float:
    """Largest node radius: smaller when many partners share the picture."""
    return NODE_MAX if count <= ALL_LABELS_UP_TO else NODE_MAX_CROWDED


def layout_boxes(source: NetworkSource, plan: Mapping[int, tuple[str, float, bool]]) -> dict[int, Box]:
    """partner id → the room its node (at the largest size) and shown label take."""
    radius = node_radius_max(len(source.nodes))
    boxes = {}
    for node_id, (label, font, shown) in plan.items():
        width, height = label_size(label, font) if shown else (0.0, 0.0)
        boxes[node_id] = Box(radius, width, height)
    return boxes


def scope_layout(source: NetworkSource, cluster_by: str = "", previous: Mapping[int, tuple[float, float]] | None = None,
                 seed: int = 42) -> dict[int, tuple[float, float]]:
    """Positions of every partner of a scope, drawn from every link it ever had: nodes of `previous` stay put,
    new ones go in free room near their neighbours (or their group)."""
    ids = sorted(source.nodes, key=lambda i: (source.nodes[i].name, i))
    plan = label_plan(source, bool(cluster_by))
    boxes = layout_boxes(source, plan)
    groups = source_group_keys(source, cluster_by) if cluster_by else None
    names = None
    if groups is not None:
        counts: dict[str, int] = {}
        for key in groups.values():
            counts[key] = counts.get(key, 0) + 1
        names = {key: hull_label(source, key, cluster_by, count) for key, count in counts.items()}
    return readable_layout(ids, all_pairs(source), boxes, previous=previous, seed=seed, groups=groups, names=names)


def hull_label(source: NetworkSource, key: str, cluster_by: str, members: int = 0) -> str:
    """The name written above a group's outline (cut into short lines; the counts are in the groups table)."""
    return wrap_label(source_group_label(source, key, cluster_by), width=24, lines=2)


# ----------------------------------------------------------------------------------------------- nodes and edges

def _size(value: float, top: float, largest: float = NODE_MAX) -> float:
    """Node radius in pixels, by the square root of its share of the largest value."""
    if top <= 0:
        return NODE_MIN
    return round(NODE_MIN + (largest - NODE_MIN) * math.sqrt(max(value, 0.0) / top), 1)


def _edge_tooltip(graph: NetworkGraph, edge: Edge) -> str:
    """Plain-text tooltip of an edge: the pair, kinds and level, shared actions."""
    names = f"{graph.source.nodes[edge.a].name} — {graph.source.nodes[edge.b].name}"
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


def _hide_colliding_labels(nodes: list[DrawNode], importance: Mapping[str, float]) -> list[DrawNode]:
    """Safety pass: if two shown labels still overlap, the less important one is drawn only when zoomed in."""
    shown = [n for n in nodes if n.label_shown]
    ranked = sorted(shown, key=lambda n: (-importance.get(n.id, 0.0), n.id))
    kept: list[tuple[float, float, float, float]] = []
    hidden: set[str] = set()
    for node in ranked:
        rect = box_rect(node.x, node.y, Box(node.size, node.label_width, node.label_height))
        if any(rect[0] < r[2] and r[0] < rect[2] and rect[1] < r[3] and r[1] < rect[3] for r in kept):
            hidden.add(node.id)
        else:
            kept.append(rect)
    if not hidden:
        return nodes
    return [DrawNode(**{**n.__dict__, "label_shown": False, "font": SMALL_FONT,
                        "label_width": label_size(n.label, SMALL_FONT)[0],
                        "label_height": label_size(n.label, SMALL_FONT)[1]}) if n.id in hidden else n
            for n in nodes]


def _partner_nodes(graph: NetworkGraph, metrics: NetworkMetrics, ids: list[int], options: ViewOptions,
                   faded: set[int] = frozenset(), positions: Mapping[int, tuple[float, float]] | None = None,
                   previous: NetworkGraph | None = None, plan: Mapping[int, tuple[str, float, bool]] | None = None,
                   centre: int | None = None) -> tuple[list[DrawNode], list[DrawEdge]]:
    """Nodes and edges for the given partners (`faded` ones drawn grey); with `previous`, the links that
    appeared since are highlighted and those that ended drawn as ghosts."""
    ids = sorted(ids, key=lambda i: (graph.nodes[i].name, i))
    chosen = set(ids)
    edges = [edge for pair, edge in sorted(graph.edges.items()) if pair[0] in chosen and pair[1] in chosen]
    if not positions or any(i not in positions for i in ids):
        if len(graph.source.nodes) <= STABLE_LAYOUT_MAX:
            positions = scope_layout(graph.source, options.cluster_by, previous=positions or None, seed=options.seed)
        else:
            positions = _local_layout(graph, ids, options.seed)
    plan = plan if plan is not None else label_plan(graph.source, bool(options.cluster_by))
    measure = (lambda r: r.betweenness) if options.size_by == "betweenness" else (lambda r: float(r.degree))
    top = max((measure(metrics.by_id[i]) for i in ids), default=0.0)
    largest = node_radius_max(len(graph.source.nodes))
    highlight = options.highlight_group
    keys = source_group_keys(graph.source, options.cluster_by) if highlight and options.cluster_by else {}
    nodes = []
    for i in ids:
        label, font, shown = plan[i]
        colour, shape = group_style(graph.nodes[i].group)
        if i in faded or (highlight and keys and keys.get(i) != highlight):
            colour = FADED_COLOUR
        width, height = label_size(label, font)
        nodes.append(DrawNode(
            id=str(i), label=label, tooltip=_node_tooltip(graph, metrics, i), colour=colour,
            size=_size(measure(metrics.by_id[i]), top, largest), x=positions[i][0], y=positions[i][1],
            shape=shape, font=font, label_shown=shown, label_width=round(width, 1), label_height=round(height, 1),
            name=graph.nodes[i].name, emphasis=i == centre,
        ))
    importance = {str(i): float(metrics.by_id[i].degree) + metrics.by_id[i].betweenness for i in ids}
    nodes = _hide_colliding_labels(nodes, importance)
    drawn = [
        DrawEdge(a=str(e.a), b=str(e.b),
                 width=LEVEL_WIDTHS.get(e.level or 0, 1.5) if e.declared else 1.5,
                 dashed=not e.declared, colour=DECLARED_COLOUR if e.declared else DERIVED_COLOUR,
                 tooltip=_edge_tooltip(graph, e))
        for e in edges
    ]
    if previous is not None:
        before = previous.edges
        drawn = [
            DrawEdge(**{**d.__dict__, "colour": ADDED_COLOUR, "width": max(d.width, 3.0) + 1.0, "change": "added",
                        "tooltip": d.tooltip + "\nApparu depuis l'année précédente"})
            if (int(d.a), int(d.b)) not in before else d
            for d in drawn
        ]
        for pair, edge in sorted(before.items()):
            if pair in graph.edges or pair[0] not in chosen or pair[1] not in chosen:
                continue
            drawn.append(DrawEdge(a=str(pair[0]), b=str(pair[1]), width=1.5, dashed=True, colour=ENDED_COLOUR,
                                  tooltip=_edge_tooltip(previous, edge) + "\nTerminé depuis l'année précédente",
                                  change="ended"))
    return nodes, drawn


def _grouped(graph: NetworkGraph, options: ViewOptions) -> tuple[list[DrawNode], list[DrawEdge]]:
    """One node per group (size: members), one edge per pair of groups (width: links between them)."""
    groups = list_groups(graph, options.group_by)
    key_of = dict(source_group_keys(graph.source, options.group_by))
    if len(groups) > options.cap:  # e.g. thousands of communes: the largest groups, then one for the rest
        kept, rest = groups[:options.cap - 1], groups[options.cap - 1:]
        others = {key for key, _label, _count in rest}
        key_of = {i: (OTHERS if k in others else k) for i, k in key_of.items()}
        groups = kept + [(OTHERS, f"{format_int(len(rest))} autres {GROUP_BY.get(options.group_by, 'groupe')}s",
                          sum(count for _k, _l, count in rest))]
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
    top = max((count for _k, _l, count in groups), default=1)
    labels = {key: label for key, label, _count in groups}
    sizes = {key: _size(count, top, 30.0) + 5 for key, _l, count in groups}
    texts = {key: wrap_label(f"{label} ({format_int(count)})") for key, label, count in groups}
    # many groups (communes at national scale): only the largest ones' names are written, fewer collision rounds
    named = set(keys if len(keys) <= ALL_LABELS_UP_TO else keys[:IMPORTANT_LABELS])
    boxes = {key: Box(sizes[key], *(label_size(texts[key], 16.0) if key in named else (0.0, 0.0))) for key in keys}
    start = layout(keys, sorted(between), seed=options.seed, spacing=200.0 if len(keys) <= ALL_LABELS_UP_TO else 60.0)
    import numpy as np

    pos = resolve_overlaps(np.array([start[k] for k in keys], dtype=float), [boxes[k] for k in keys],
                           rounds=400 if len(keys) <= ALL_LABELS_UP_TO else 60)
    positions = {k: (round(float(p[0]), 1), round(float(p[1]), 1)) for k, p in zip(keys, pos)}
    nodes = []
    for key, label, count in groups:
        colour, shape = group_style(key) if options.group_by == "typology" else (GROUP_NODE_COLOUR, "dot")
        tooltip = "\n".join([label, plural(count, "partenaire"), f"{plural(inside.get(key, 0), 'lien')} à l'intérieur",
                             "Ouvrez ce groupe avec « Ouvrir un groupe » sous le graphe."])
        font = 16.0 if key in named else SMALL_FONT
        width, height = label_size(texts[key], font)
        nodes.append(DrawNode(id=f"groupe:{key}", label=texts[key], tooltip=tooltip,
                              colour=colour, size=sizes[key], x=positions[key][0], y=positions[key][1],
                              is_group=True, shape=shape, font=font, label_shown=key in named,
                              label_width=round(width, 1), label_height=round(height, 1), name=label))
    top_links = max(between.values(), default=1)
    edges = [
        DrawEdge(a=f"groupe:{ka}", b=f"groupe:{kb}", width=round(1 + 7 * math.sqrt(count / top_links), 1),
                 dashed=False, colour=DECLARED_COLOUR,
                 tooltip=f"{labels[ka]} — {labels[kb]}\n{plural(count, 'lien')}")
        for (ka, kb), count in sorted(between.items())
    ]
    return nodes, edges


def hulls(graph: NetworkGraph, nodes: list[DrawNode], cluster_by: str, pad: float = HULL_PAD) -> list[Hull]:
    """The outline of each group of drawn partners (convex hull of their boxes, with a margin), named."""
    if not cluster_by:
        return []
    keys = source_group_keys(graph.source, cluster_by)
    corners: dict[str, list[tuple[float, float]]] = {}
    inside: dict[str, list[str]] = {}
    for node in nodes:
        if node.is_group:
            continue
        left, top, right, bottom = box_rect(node.x, node.y, Box(node.size, node.label_width if node.label_shown else 0,
                                                                 node.label_height if node.label_shown else 0))
        inside.setdefault(keys[int(node.id)], []).append(node.id)
        corners.setdefault(keys[int(node.id)], []).extend(
            [(left - pad, top - pad), (right + pad, top - pad), (right + pad, bottom + pad), (left - pad, bottom + pad)])
    found = []
    ordered = sorted(corners, key=lambda k: (fold(source_group_label(graph.source, k, cluster_by)), k))
    for number, key in enumerate(ordered):
        members = len(corners[key]) // 4
        colour = group_colour(key) if cluster_by == "typology" else HULL_COLOURS[number % len(HULL_COLOURS)]
        label = hull_label(graph.source, key, cluster_by, members)
        points = tuple((round(x, 1), round(y, 1)) for x, y in convex_hull(corners[key]))
        found.append(Hull(key=key, label=label, colour=colour, points=points, members=tuple(inside[key])))
    return found


def _legend(graph: NetworkGraph, options: ViewOptions, grouped: bool, groups, years: bool) -> list[LegendItem]:
    """The legend in words: sectors (colour and shape), links, sizes, and the year changes."""
    legend = []
    if grouped and options.group_by != "typology":
        legend.append(LegendItem(f"{GROUP_BY[options.group_by].capitalize()} (taille : nombre de partenaires)",
                                 GROUP_NODE_COLOUR, "group"))
    else:
        present = {n.group for n in graph.nodes.values()} if not grouped else {k for k, _l, _c in groups}
        order = list(graph.source.group_labels)
        for code in sorted(present, key=lambda g: (order.index(g) if g in order else 99, g)):
            colour, shape = group_style(code)
            legend.append(LegendItem(graph.source.group_labels.get(code, code), colour, "node", shape))
    if grouped:
        legend.append(LegendItem("Liens entre groupes (épaisseur : nombre de liens)", DECLARED_COLOUR, "solid"))
        return legend
    legend.append(LegendItem("Lien déclaré (épaisseur : niveau de collaboration, de 1 à 4)", DECLARED_COLOUR, "solid"))
    if graph.filters.include_derived:
        legend.append(LegendItem("Lien issu d'une action commune", DERIVED_COLOUR, "dashed"))
    if years:
        legend.append(LegendItem("Lien apparu depuis l'année précédente", ADDED_COLOUR, "added"))
        legend.append(LegendItem("Lien terminé depuis l'année précédente", ENDED_COLOUR, "ended"))
    legend.append(LegendItem(f"Taille des points : {SIZE_BY.get(options.size_by, options.size_by)} "
                             "(plus le point est grand, plus la valeur est forte)", FADED_COLOUR, "group"))
    return legend


def _figures(metrics: NetworkMetrics) -> list[tuple[str, str]]:
    """Key figures shown with the picture (presentation mode, exports)."""
    return [("Partenaires", format_int(metrics.nodes)), ("Paires liées", format_int(metrics.links)),
            ("Isolés", format_int(len(metrics.isolated))), ("Communautés", format_int(len(metrics.communities)))]


def build_drawing(graph: NetworkGraph, metrics: NetworkMetrics, options: ViewOptions = ViewOptions(),
                  heading: str | None = None, positions: Mapping[int, tuple[float, float]] | None = None,
                  previous: NetworkGraph | None = None) -> Drawing:
    """The drawing of a graph: every partner up to the cap (at the scope layout's `positions`, clustered if asked),
    else groups (or the opened group). With `previous` (the year before), changed links are marked."""
    heading = heading if heading is not None else f"Réseau de coopération — {graph.source.title}"
    subtitle = (f"{plural(metrics.nodes, 'partenaire')}, {plural(metrics.links, 'paire liée', 'paires liées')} "
                f"{graph.period_label}")
    notes: list[str] = []
    groups = list_groups(graph, options.group_by)
    grouped = False
    outlines: list[Hull] = []
    if len(graph.nodes) <= options.cap:
        nodes, edges = _partner_nodes(graph, metrics, list(graph.nodes), options, positions=positions,
                                      previous=previous)
        outlines = hulls(graph, nodes, options.cluster_by)
        if len(graph.source.nodes) > ALL_LABELS_UP_TO:
            if options.cluster_by:
                notes.append(f"Les noms des groupes sont écrits ; zoomez pour lire ceux des "
                             f"{format_int(IMPORTANT_LABELS_CLUSTERED)} partenaires les plus liés, survolez un point "
                             "pour les autres.")
            else:
                notes.append(f"Les noms des {format_int(IMPORTANT_LABELS)} partenaires les plus liés sont écrits ; "
                             "zoomez ou survolez un point pour lire les autres.")
        if options.cluster_by == "council":
            notes.append("Un partenaire de plusieurs instances est dessiné avec celle où il a le plus de liens.")
    elif options.open_group is not None and options.open_group in {g[0] for g in groups}:
        key_of = source_group_keys(graph.source, options.group_by)
        members = [i for i in graph.nodes if key_of[i] == options.open_group]
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
        chosen = members + sorted(neighbours)
        local = _local_layout(graph, chosen, options.seed)
        nodes, edges = _partner_nodes(graph, metrics, chosen, options, faded=neighbours, positions=local)
    else:
        grouped = True
        nodes, edges = _grouped(graph, options)
        notes.append(f"Plus de {format_int(options.cap)} partenaires : ils sont regroupés par "
                     f"{GROUP_BY.get(options.group_by, options.group_by)}. Ouvrez un groupe pour voir ses partenaires.")
    legend = _legend(graph, options, grouped, groups, previous is not None)
    return Drawing(heading=heading, subtitle=subtitle, nodes=nodes, edges=edges, legend=legend, notes=notes,
                   grouped=grouped, groups=groups, hulls=outlines, figures=_figures(metrics))


def _local_layout(graph: NetworkGraph, ids: list[int], seed: int) -> dict[int, tuple[float, float]]:
    """A fresh collision-free layout of some partners only (an opened group and its neighbours)."""
    plan = label_plan(graph.source)
    radius = node_radius_max(len(graph.source.nodes))
    boxes = {}
    for i in ids:
        label, font, shown = plan[i]
        boxes[i] = Box(radius, *(label_size(label, font) if shown else (0.0, 0.0)))
    chosen = set(ids)
    ordered = sorted(ids, key=lambda i: (graph.nodes[i].name, i))
    return readable_layout(ordered, [p for p in graph.edges if p[0] in chosen and p[1] in chosen], boxes, seed=seed)


def label_overlaps(drawing: Drawing) -> list[tuple[str, str]]:
    """Pairs of drawn nodes whose boxes (node and shown label) overlap: empty for a readable drawing."""
    shown = [n for n in drawing.nodes]
    rects = [box_rect(n.x, n.y, Box(n.size, n.label_width if n.label_shown else 0.0,
                                    n.label_height if n.label_shown else 0.0)) for n in shown]
    return [(shown[i].id, shown[j].id) for i, j in overlapping(rects)]


def snapshot_date(year: int, today: dt.date) -> dt.date:
    """The day the years view draws for year Y: 31 December, or today for the current year."""
    return min(dt.date(year, 12, 31), today)


def year_graphs(source: NetworkSource, filters, year: int, today, territory_ids=None) -> tuple[NetworkGraph, NetworkGraph]:
    """(the graph on 31/12 of the year before, the graph on 31/12 of `year`), with the other filters kept."""
    from dataclasses import replace

    from maillage.network.data import build_graph

    before = build_graph(source, replace(filters, year=None, on_date=snapshot_date(year - 1, today)), territory_ids)
    after = build_graph(source, replace(filters, year=None, on_date=snapshot_date(year, today)), territory_ids)
    return before, after


def year_drawing(source: NetworkSource, filters, year: int, today, options: ViewOptions = ViewOptions(),
                 positions: Mapping[int, tuple[float, float]] | None = None, territory_ids=None) -> Drawing:
    """The network on 31/12 of a year at the scope's positions: links that appeared since the year before
    highlighted, those that ended drawn as ghosts."""
    from maillage.network.metrics import analyse

    before, after = year_graphs(source, filters, year, today, territory_ids)
    metrics = analyse(after)
    return build_drawing(after, metrics, options, positions=positions, previous=before)
