"""The Réseau page's overview drawing of a scope, for the documents that show it outside the page (the elected
officials' summary, the comparison PDF): same data, same stored positions, same palette, labels and legend.

The Réseau page opens a scope with every filter at its default, each partner sized by its links, and the scope's
default grouping (`default_cluster`: none for one council, by council for a network, by commune for a territory);
`overview_drawing` draws exactly that view, at the positions stored for the scope (`layouts.stable_positions`).
"""

from __future__ import annotations

from sqlmodel import Session

from maillage.network.data import GraphFilters, NetworkSource, build_graph
from maillage.network.layouts import stable_positions
from maillage.network.metrics import analyse
from maillage.network.view import Drawing, ViewOptions, build_drawing

DEFAULT_CLUSTER = {"council": "", "network": "council", "territory": "commune"}


def default_cluster(scope_kind: str) -> str:
    """The grouping the Réseau page opens a kind of scope with ('' none, council, commune)."""
    return DEFAULT_CLUSTER.get(scope_kind, "")


def overview_drawing(session: Session, source: NetworkSource, heading: str | None = None) -> Drawing:
    """The overview the Réseau page draws for a scope's data (default filters and grouping), at the scope's stored
    positions (stored now if the scope was never drawn)."""
    cluster_by = default_cluster(source.scope.kind)
    positions = stable_positions(session, source, cluster_by)
    graph = build_graph(source, GraphFilters())
    return build_drawing(graph, analyse(graph), ViewOptions(cluster_by=cluster_by), heading=heading,
                         positions=positions or None)
