"""The tables shown beside the graph, as records with French headers: formatted for display, raw for CSV."""

from __future__ import annotations

from typing import Any

from maillage.core.formatting import (
    format_date,
    format_decimal,
    format_int,
    format_percent,
)
from maillage.core.spreadsheet import to_csv
from maillage.core.text import fold
from maillage.network.data import NetworkGraph
from maillage.network.metrics import NetworkChanges, NetworkMetrics
from maillage.vocabularies.store import Vocabularies

CLI_COLUMNS = ("partner", "typology", "commune", "degree", "betweenness", "community", "isolated")


def _number(value: float, display: bool, digits: int = 3) -> Any:
    """A decimal: French text for display, rounded number for CSV."""
    return format_decimal(value, digits) if display else round(value, 6)


def _int(value: int | None, display: bool) -> Any:
    """A count: French text for display, the number for CSV."""
    if value is None:
        return "" if display else None
    return format_int(value) if display else value


def summary_records(metrics: NetworkMetrics, display: bool = True) -> list[dict[str, Any]]:
    """Key figures: partners, joined pairs, density, components, isolated, communities."""
    rows = [
        ("Partenaires", metrics.nodes),
        ("Paires liées", metrics.links),
        ("dont par liens déclarés", metrics.links - metrics.derived_links),
        ("dont seulement par des actions communes", metrics.derived_links),
        ("Liens déclarés (fiches)", metrics.declared_links),
        ("Composantes connexes", metrics.components),
        ("Plus grande composante", metrics.largest_component),
        ("Partenaires isolés", len(metrics.isolated)),
        ("Communautés", len(metrics.communities)),
    ]
    records = [{"Indicateur": label, "Valeur": _int(value, display)} for label, value in rows]
    records.insert(2, {"Indicateur": "Densité", "Valeur": format_percent(metrics.density, 1) if display
                       else round(metrics.density, 6)})
    return records


def partner_records(metrics: NetworkMetrics, display: bool = True) -> list[dict[str, Any]]:
    """One row per partner, by betweenness."""
    return [
        {
            "Partenaire": r.name, "Typologie": r.typology_label, "Secteur": r.group_label, "Commune": r.commune,
            "Liens": _int(r.degree, display), "Intermédiarité": _number(r.betweenness, display),
            "Communauté": _int(r.community, display), "Isolé": ("oui" if r.isolated else "non") if display else r.isolated,
        }
        for r in metrics.partners
    ]


def broker_records(metrics: NetworkMetrics, display: bool = True) -> list[dict[str, Any]]:
    """The partners with the highest betweenness."""
    return [
        {"Partenaire": r.name, "Typologie": r.typology_label, "Intermédiarité": _number(r.betweenness, display),
         "Liens": _int(r.degree, display)}
        for r in metrics.brokers
    ]


def isolated_records(metrics: NetworkMetrics) -> list[dict[str, Any]]:
    """Partners with no link at all."""
    return [{"Partenaire": r.name, "Typologie": r.typology_label, "Commune": r.commune} for r in metrics.isolated]


def community_records(metrics: NetworkMetrics, display: bool = True, shown: int = 8) -> list[dict[str, Any]]:
    """Communities: number, size, main sectors, members (most linked first)."""
    records = []
    for c in metrics.communities:
        members = ", ".join(c.members[:shown]) + (f" … (+{len(c.members) - shown})" if display and len(c.members) > shown else "")
        records.append({"Communauté": _int(c.number, display), "Partenaires": _int(c.size, display),
                        "Secteurs principaux": ", ".join(c.main_groups[:3]),
                        "Membres": members if display else " | ".join(c.members)})
    return records


def matrix_records(metrics: NetworkMetrics, display: bool = True, level: str = "group") -> list[dict[str, Any]]:
    """Sector × sector (or typology × typology): joined pairs between each pair (diagonal: inside one)."""
    groups, matrix = (metrics.groups, metrics.matrix) if level == "group" else (metrics.typologies, metrics.typology_matrix)
    first = "Secteur" if level == "group" else "Typologie"
    records = []
    for code, label in groups:
        record: dict[str, Any] = {first: label}
        for other, other_label in groups:
            record[other_label] = _int(matrix.get((code, other), 0), display)
        records.append(record)
    return records


def missing_records(metrics: NetworkMetrics, vocab: Vocabularies) -> list[dict[str, Any]]:
    """Every expected typology with whether the partnership has it."""
    missing = {e.text for e in metrics.missing}
    return [{"Typologie attendue": e.label(vocab), "Codes à saisir": e.text,
             "Présente": "non" if e.text in missing else "oui"} for e in metrics.expectations]


def change_records(changes: NetworkChanges, which: str, display: bool = True) -> list[dict[str, Any]]:
    """Links added (`added`) or ended (`ended`) between the two years."""
    rows = changes.added if which == "added" else changes.ended
    return [
        {"Partenaire A": c.a, "Partenaire B": c.b, "Nature": c.kind, "Détail": c.detail,
         "Début": format_date(c.start) if display and c.start else (c.start or ""),
         "Fin": format_date(c.end) if display and c.end else (c.end or "")}
        for c in rows
    ]


def cli_csv(metrics: NetworkMetrics) -> str:
    """`network --format csv`: partner, typology, commune, degree, betweenness, community, isolated."""
    return to_csv(CLI_COLUMNS, (
        (r.name, r.typology, r.commune, r.degree, round(r.betweenness, 6),
         r.community, r.isolated)
        for r in metrics.partners
    ))


def snapshot_change_records(before: NetworkGraph, after: NetworkGraph) -> list[dict[str, Any]]:
    """Pairs joined in `after` and not in `before` (« apparu ») or the reverse (« terminé »), with how they are joined."""
    def how(graph: NetworkGraph, pair: tuple[int, int]) -> str:
        """Kinds (and level) or shared actions joining a pair."""
        edge = graph.edges[pair]
        parts = [graph.source.kind_labels.get(k, k) for k in edge.kinds]
        if edge.level:
            parts[-1] += f" (niveau {edge.level})"
        parts += [f"action commune : {t}" for t in edge.action_titles[:3]]
        return ", ".join(parts)

    names = after.source.nodes
    rows = []
    for pair in sorted(set(after.edges) - set(before.edges)):
        rows.append({"Changement": "apparu", "Partenaire A": names[pair[0]].name, "Partenaire B": names[pair[1]].name,
                     "Lien": how(after, pair)})
    for pair in sorted(set(before.edges) - set(after.edges)):
        rows.append({"Changement": "terminé", "Partenaire A": names[pair[0]].name, "Partenaire B": names[pair[1]].name,
                     "Lien": how(before, pair)})
    rows.sort(key=lambda r: (r["Changement"], r["Partenaire A"], r["Partenaire B"]))
    return rows


def cluster_matrix(graph: NetworkGraph, cluster_by: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Group × group joined pairs of the drawing's clusters (the names the picture shows), and the group keys
    in row order."""
    from maillage.network.view import source_group_keys, source_group_label

    keys_of = source_group_keys(graph.source, cluster_by)
    present = sorted({keys_of[i] for i in graph.nodes}, key=lambda k: (fold(source_group_label(graph.source, k, cluster_by)), k))
    labels = {k: source_group_label(graph.source, k, cluster_by) for k in present}
    members = {k: 0 for k in present}
    for i in graph.nodes:
        members[keys_of[i]] += 1
    counts: dict[tuple[str, str], int] = {}
    for a, b in graph.edges:
        ka, kb = keys_of[a], keys_of[b]
        counts[(ka, kb)] = counts.get((ka, kb), 0) + 1
        if ka != kb:
            counts[(kb, ka)] = counts.get((kb, ka), 0) + 1
    records = []
    for key in present:
        record: dict[str, Any] = {"Groupe": labels[key], "Partenaires": format_int(members[key])}
        for other in present:
            record[labels[other]] = format_int(counts.get((key, other), 0))
        records.append(record)
    return records, present
