"""One partner's own network: its partners at distance 1 or 2, its links by kind and level, the councils it works
in, and its brokerage role said in words."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from maillage.core.errors import NotFoundError
from maillage.core.formatting import format_date, format_int, plural
from maillage.network.data import NetworkGraph
from maillage.network.metrics import NetworkMetrics
from maillage.network.positions import (
    Box,
    compact,
    label_size,
    resolve_overlaps,
    wrap_label,
)
from maillage.network.view import (
    ALL_LABELS_UP_TO,
    IMPORTANT_LABELS,
    LABEL_FONT,
    NODE_MAX,
    SMALL_FONT,
    Drawing,
    ViewOptions,
    _figures,
    _legend,
    _partner_nodes,
)

EGO_DEPTHS = {1: "ses partenaires directs", 2: "et les partenaires de ses partenaires"}


@dataclass
class EgoSummary:
    """What the page says of one partner beside its drawing."""

    partner_id: int
    name: str
    direct: int
    second: int
    councils: list[str]
    role: str
    rank: int | None  # its place among the scope's intermediaries (1 = the strongest), None if it brokers nothing
    brokered_pairs: int


def ego_ids(graph: NetworkGraph, partner_id: int, depth: int = 1) -> list[int]:
    """The partner and every partner at distance ≤ depth (1 or 2), nearest first, then by name."""
    if partner_id not in graph.nodes:
        raise NotFoundError("ce partenaire n'est pas dans le graphe affiché (périmètre ou filtres)")
    if depth not in EGO_DEPTHS:
        raise ValueError("la distance doit être 1 ou 2")
    adjacency = graph.adjacency()
    distance = {partner_id: 0}
    frontier = [partner_id]
    for level in range(1, depth + 1):
        nxt = []
        for node in frontier:
            for other in sorted(adjacency[node]):
                if other not in distance:
                    distance[other] = level
                    nxt.append(other)
        frontier = nxt
    return sorted(distance, key=lambda i: (distance[i], graph.nodes[i].name, i))


def subgraph(graph: NetworkGraph, ids: list[int]) -> NetworkGraph:
    """The graph restricted to some partners (same source and filters)."""
    chosen = set(ids)
    return NetworkGraph(source=graph.source, filters=graph.filters,
                        nodes={i: graph.nodes[i] for i in ids},
                        edges={p: e for p, e in graph.edges.items() if p[0] in chosen and p[1] in chosen},
                        period=graph.period)


def brokered_pairs(graph: NetworkGraph, partner_id: int) -> list[tuple[int, int]]:
    """Pairs of the partner's neighbours that are not linked to each other: it is their go-between."""
    adjacency = graph.adjacency()
    around = sorted(adjacency[partner_id])
    return [(a, b) for i, a in enumerate(around) for b in around[i + 1:] if b not in adjacency[a]]


def brokerage_role(graph: NetworkGraph, partner_id: int) -> tuple[str, int]:
    """(sentence, pairs brokered): which typologies it joins that are not joined otherwise, and how
    (within its own sector, between its sector and another, or between two other sectors)."""
    node = graph.nodes[partner_id]
    pairs = brokered_pairs(graph, partner_id)
    if not pairs:
        if not graph.adjacency()[partner_id]:
            return f"« {node.name} » n'a aucun lien avec les filtres choisis.", 0
        return (f"« {node.name} » ne sert d'intermédiaire à personne : ses partenaires sont déjà liés entre eux.", 0)
    by_kind: dict[tuple[str, str], int] = {}
    roles = {"coordinator": 0, "gatekeeper": 0, "liaison": 0}
    for a, b in pairs:
        na, nb = graph.nodes[a], graph.nodes[b]
        labels = tuple(sorted((na.typology_label, nb.typology_label)))
        by_kind[labels] = by_kind.get(labels, 0) + 1
        own = (na.group == node.group) + (nb.group == node.group)
        roles["coordinator" if own == 2 else "gatekeeper" if own == 1 else "liaison"] += 1
    top = sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    joined = " ; ".join(
        (f"des partenaires « {a} » entre eux" if a == b else f"« {a} » et « {b} »") + f" ({plural(count, 'paire')})"
        for (a, b), count in top)
    role = max(roles, key=lambda k: (roles[k], k == "liaison"))
    how = {
        "coordinator": f"surtout à l'intérieur de son secteur ({node.group_label})",
        "gatekeeper": f"surtout entre son secteur ({node.group_label}) et d'autres",
        "liaison": f"surtout entre des secteurs autres que le sien ({node.group_label})",
    }[role]
    return (f"« {node.name} » relie {joined} qui ne sont pas liés directement — {plural(len(pairs), 'paire')} "
            f"de partenaires en tout, {how}."), len(pairs)


def ego_summary(graph: NetworkGraph, metrics: NetworkMetrics, partner_id: int, depth: int = 1) -> EgoSummary:
    """The partner's figures, councils and brokerage role."""
    ids = ego_ids(graph, partner_id, depth)
    direct = len(graph.adjacency()[partner_id])
    sentence, pairs = brokerage_role(graph, partner_id)
    brokers = [r.id for r in metrics.partners if r.betweenness > 0]
    rank = brokers.index(partner_id) + 1 if partner_id in brokers else None
    councils = [graph.source.council_names.get(c, str(c)) for c in graph.source.partner_councils.get(partner_id, ())]
    return EgoSummary(partner_id=partner_id, name=graph.nodes[partner_id].name, direct=direct,
                      second=len(ids) - 1 - direct if depth == 2 else 0, councils=councils, role=sentence,
                      rank=rank, brokered_pairs=pairs)


def ego_link_records(graph: NetworkGraph, partner_id: int, display: bool = True) -> list[dict[str, Any]]:
    """One row per declared link and shared action of the partner: with whom, kind, level, council, dates."""
    source = graph.source
    links = {link.id: link for link in source.links}
    rows = []
    for (a, b), edge in sorted(graph.edges.items()):
        if partner_id not in (a, b):
            continue
        other = source.nodes[b if a == partner_id else a]
        for link_id in edge.link_ids:
            link = links[link_id]
            rows.append({
                "Partenaire": other.name, "Typologie": other.typology_label,
                "Nature": source.kind_labels.get(link.kind, link.kind),
                "Niveau": f"{link.level} — {source.level_labels.get(link.level, '')}" if display else link.level,
                "Instance": source.council_names.get(link.council_id, ""),
                "Depuis": (format_date(link.start) if display else link.start) if link.start else "",
                "Jusqu'au": (format_date(link.end) if display else link.end) if link.end else "",
            })
        for title in edge.action_titles:
            rows.append({"Partenaire": other.name, "Typologie": other.typology_label,
                         "Nature": f"Action commune : {title}", "Niveau": "", "Instance": "", "Depuis": "",
                         "Jusqu'au": ""})
    rows.sort(key=lambda r: (r["Partenaire"], str(r["Nature"])))
    return rows


def kind_level_counts(graph: NetworkGraph, partner_id: int) -> list[dict[str, Any]]:
    """The partner's declared links counted by kind (columns: each level, and the total)."""
    source = graph.source
    links = {link.id: link for link in source.links}
    counts: dict[str, dict[int, int]] = {}
    for (a, b), edge in graph.edges.items():
        if partner_id not in (a, b):
            continue
        for link_id in edge.link_ids:
            link = links[link_id]
            counts.setdefault(link.kind, {}).setdefault(link.level, 0)
            counts[link.kind][link.level] += 1
    order = list(source.kind_labels)
    rows = []
    for kind in sorted(counts, key=lambda k: (order.index(k) if k in order else 99, k)):
        row: dict[str, Any] = {"Nature": source.kind_labels.get(kind, kind)}
        for level, label in sorted(source.level_labels.items()):
            row[f"{level} — {label}"] = format_int(counts[kind].get(level, 0))
        row["Total"] = format_int(sum(counts[kind].values()))
        rows.append(row)
    return rows


def ego_plan(graph: NetworkGraph, ids: list[int], partner_id: int) -> dict[int, tuple[str, float, bool]]:
    """Labels of an ego view: all up to 60 partners; above, the partner's and the 40 most linked ones."""
    if len(ids) <= ALL_LABELS_UP_TO:
        return {i: (wrap_label(graph.nodes[i].name), LABEL_FONT, True) for i in ids}
    adjacency = graph.adjacency()
    ranked = sorted(ids, key=lambda i: (i != partner_id, -len(adjacency[i]), graph.nodes[i].name, i))
    important = set(ranked[:IMPORTANT_LABELS])
    return {i: (wrap_label(graph.nodes[i].name), LABEL_FONT if i in important else SMALL_FONT, i in important)
            for i in ids}


def ego_positions(graph: NetworkGraph, ids: list[int], partner_id: int,
                  plan: dict[int, tuple[str, float, bool]] | None = None) -> dict[int, tuple[float, float]]:
    """The partner in the middle, its partners on a ring by sector and name, the second circle beyond each of
    its parents; then no two labels overlapping."""
    adjacency = graph.adjacency()
    plan = plan or ego_plan(graph, ids, partner_id)
    boxes = {i: Box(NODE_MAX, *(label_size(plan[i][0], plan[i][1]) if plan[i][2] else (0.0, 0.0))) for i in ids}
    first = [i for i in ids if i in adjacency[partner_id]]
    first.sort(key=lambda i: (graph.nodes[i].group, graph.nodes[i].name, i))
    second = [i for i in ids if i != partner_id and i not in adjacency[partner_id]]
    ring = max(160.0, sum(boxes[i].width * 0.6 + 30 for i in first) / (2 * math.pi))
    angle = {i: 2 * math.pi * k / max(len(first), 1) - math.pi / 2 for k, i in enumerate(first)}
    positions = {partner_id: (0.0, 0.0)}
    for i in first:
        positions[i] = (ring * 1.5 * math.cos(angle[i]), ring * math.sin(angle[i]))
    children: dict[int, list[int]] = {}
    for i in second:
        parent = next((p for p in first if p in adjacency[i]), first[0] if first else partner_id)
        children.setdefault(parent, []).append(i)
    step = 2 * math.pi / max(len(first), 1)
    for parent, kids in children.items():
        base = angle.get(parent, 0.0)
        for k, kid in enumerate(kids):
            spread = step * 0.8 * ((k + 0.5) / len(kids) - 0.5)
            r2 = ring * 2.0
            positions[kid] = (r2 * 1.5 * math.cos(base + spread), r2 * math.sin(base + spread))
    order = [partner_id] + first + second
    pos = np.array([positions[i] for i in order])
    fixed = np.array([i == partner_id for i in order])
    box_list = [boxes[i] for i in order]
    pos = resolve_overlaps(pos, box_list, fixed=fixed)
    pos = compact(pos, box_list)
    return {i: (round(float(x), 1), round(float(y), 1)) for i, (x, y) in zip(order, pos)}


def build_ego_drawing(graph: NetworkGraph, metrics: NetworkMetrics, partner_id: int, depth: int = 1,
                      options: ViewOptions = ViewOptions()) -> Drawing:
    """The drawing of one partner's own network (every label shown, the partner in the middle)."""
    ids = ego_ids(graph, partner_id, depth)
    notes = ["Au centre, le partenaire choisi ; autour, " + EGO_DEPTHS[depth] + "."]
    if len(ids) > options.cap:
        ids = ids[:options.cap]  # nearest first
        notes.append(f"Seuls les {format_int(options.cap)} partenaires les plus proches sont dessinés.")
    sub = subgraph(graph, ids)
    plan = ego_plan(sub, ids, partner_id)
    positions = ego_positions(sub, ids, partner_id, plan)
    nodes, edges = _partner_nodes(sub, metrics, ids, options, positions=positions, plan=plan, centre=partner_id)
    name = graph.nodes[partner_id].name
    heading = f"Réseau de « {name} » — {graph.source.title}"
    subtitle = (f"{plural(len(ids) - 1, 'partenaire lié', 'partenaires liés')} "
                f"({EGO_DEPTHS[depth]}), {graph.period_label}")
    legend = _legend(sub, options, False, [], False)
    return Drawing(heading=heading, subtitle=subtitle, nodes=nodes, edges=edges, legend=legend,
                   notes=notes,
                   figures=_figures(metrics))
