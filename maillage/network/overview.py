"""The Réseau page's overview drawing of a scope, for the documents that show it outside the page (the elected
officials' summary, the comparison PDF): same data, same stored positions, same palette, labels and legend.

The Réseau page opens a scope with every filter at its default, each partner sized by its links, and the scope's
default grouping (`default_cluster`: none for one council, by council for a network, by commune for a territory);
`overview_drawing` draws exactly that view, at the positions stored for the scope (`layouts.stable_positions`).
"""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session

from maillage.core.formatting import format_int
from maillage.network.data import GraphFilters, NetworkGraph, NetworkSource, build_graph
from maillage.network.layouts import stable_positions
from maillage.network.metrics import analyse
from maillage.network.view import Drawing, ViewOptions, build_drawing

DEFAULT_CLUSTER = {"council": "", "network": "council", "territory": "commune"}


def default_cluster(scope_kind: str) -> str:
    """The grouping the Réseau page opens a kind of scope with ('' none, council, commune)."""
    return DEFAULT_CLUSTER.get(scope_kind, "")


def overview_drawing(session: Session, source: NetworkSource, heading: str | None = None,
                     graph: NetworkGraph | None = None) -> Drawing:
    """The overview the Réseau page draws for a scope's data (default filters and grouping), at the scope's stored
    positions (stored now if the scope was never drawn); `graph`: the source's graph with default filters, if
    the caller has built it already."""
    cluster_by = default_cluster(source.scope.kind)
    positions = stable_positions(session, source, cluster_by)
    graph = graph if graph is not None else build_graph(source, GraphFilters())
    drawing = build_drawing(graph, analyse(graph), ViewOptions(cluster_by=cluster_by), heading=heading,
                            positions=positions or None)
    return paper_notes(drawing)


def paper_notes(drawing: Drawing) -> Drawing:
    """The drawing with notes for paper: on a printed page one can neither zoom, hover nor open a group, so the
    notes that say so point to the Réseau page instead."""
    shown = sum(1 for node in drawing.nodes if node.label_shown and not node.is_group)
    notes = []
    for note in drawing.notes:
        if "zoomez" in note or "survolez" in note:
            groups = "Les noms des groupes et ceux" if drawing.hulls else "Les noms"
            note = (f"{groups} des {format_int(shown)} partenaires les plus liés sont écrits ; les autres se lisent "
                    "sur la page Réseau (zoom, survol d'un point).")
        elif "Ouvrez un groupe" in note:
            note = note.replace("Ouvrez un groupe pour voir ses partenaires.",
                                "La page Réseau ouvre chaque groupe sur ses partenaires.")
        notes.append(note)
    return replace(drawing, notes=notes)
