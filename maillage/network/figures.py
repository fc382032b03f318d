"""The partner and link counts of a graph, with one definition shared by the dashboard, the Réseau page and the
elected officials' summary, and the help texts that say what each counts and how they relate (issue 17).

- *Partenaires*: the partners of the scope (non-archived cards); for a council, its partnership.
- *engagés*: those with at least one joined pair (a declared link or a shared running action).
- *Liens actifs* (dashboard): declared links running in the period; one pair may have several (different kinds).
- *Paires liées* (Réseau): pairs joined by at least one declared link or one shared running action.
"""

from __future__ import annotations

from dataclasses import dataclass

from maillage.core.formatting import format_date, format_int
from maillage.network.data import GraphFilters, NetworkGraph


@dataclass(frozen=True)
class GraphFigures:
    """The counts of one filtered graph."""

    partners: int
    engaged: int  # partners with at least one joined pair
    links: int  # declared links running in the period (a pair may have several)
    links_by_level: dict[int, int]  # the same links by collaboration level, 1 to 4
    pairs: int  # joined pairs: by a declared link or a shared running action
    declared_pairs: int  # pairs joined by at least one declared link
    action_pairs: int  # pairs joined only by shared running actions
    scope_kind: str  # council, network or territory
    when: str  # « en cours au 02/12/2026 », « actifs en 2024 »…
    filtered: bool  # filters other than the period narrow the graph
    include_derived: bool
    current: bool  # the network as it stands today (no year or day chosen)

    @property
    def isolated(self) -> int:
        """Partners with no joined pair."""
        return self.partners - self.engaged


def _when(graph: NetworkGraph) -> str:
    """When the links count: today, one day, or a whole year."""
    if graph.filters.on_date is not None:
        return f"en cours au {format_date(graph.filters.on_date)}"
    if graph.filters.year is not None:
        return f"actifs en {graph.filters.year}"
    return f"en cours au {format_date(graph.period[0])}"


def graph_figures(graph: NetworkGraph) -> GraphFigures:
    """Count a graph's partners, engaged partners, declared links (also by level) and joined pairs."""
    levels = {link.id: link.level for link in graph.source.links}
    by_level = {level: 0 for level in (1, 2, 3, 4)}
    engaged: set[int] = set()
    declared_pairs = 0
    for (a, b), edge in graph.edges.items():
        engaged.update((a, b))
        declared_pairs += edge.declared
        for link_id in edge.link_ids:
            by_level[levels[link_id]] = by_level.get(levels[link_id], 0) + 1
    defaults = GraphFilters()
    filters = graph.filters
    filtered = (filters.kinds is not None or filters.min_level != defaults.min_level
                or filters.typologies is not None or filters.territory is not None
                or (graph.nodes.keys() != graph.source.nodes.keys()))
    return GraphFigures(
        partners=len(graph.nodes), engaged=len(engaged), links=sum(by_level.values()), links_by_level=by_level,
        pairs=len(graph.edges), declared_pairs=declared_pairs, action_pairs=len(graph.edges) - declared_pairs,
        scope_kind=graph.source.scope.kind, when=_when(graph), filtered=filtered,
        include_derived=filters.include_derived, current=filters.year is None and filters.on_date is None,
    )


def _n(count: int, one: str, many: str) -> str:
    """« 1 paire », « 45 paires » (French number format)."""
    return f"{format_int(count)} {one if count in (0, 1) else many}"


SCOPE_PARTNERS = {
    "council": "Le partenariat de l'instance : les partenaires (fiches non archivées) dont le siège ou un territoire "
               "d'intervention est sur son territoire, ou qui y ont un lien ou une action.",
    "network": "Les partenaires du réseau : ses membres et les partenariats de ses instances (fiches non archivées).",
    "territory": "Les partenaires (fiches non archivées) dont le siège ou un territoire d'intervention est sur ce "
                 "territoire.",
}


def partners_help(figures: GraphFigures, page: str) -> str:
    """What « Partenaires » counts, how many are engaged, and (for a council) that the dashboard, the Réseau page
    without filters and the summary count the same partners. `page`: "tableau_de_bord" or "reseau"."""
    text = SCOPE_PARTNERS.get(figures.scope_kind, SCOPE_PARTNERS["territory"])
    if figures.filtered:
        text += " Seuls ceux que les filtres retiennent sont comptés."
    joined = ("un lien déclaré ou une action commune" if figures.include_derived else "un lien déclaré")
    text += (f" Parmi eux, {_n(figures.engaged, 'engagé', 'engagés')} (au moins {joined} {figures.when}) et "
             f"{_n(figures.isolated, 'isolé', 'isolés')}.")
    if figures.scope_kind == "council" and not figures.filtered:
        other = "la page Réseau (instance sélectionnée, sans filtre)" if page == "tableau_de_bord" \
            else "le tableau de bord"
        text += f" Même nombre de partenaires sur {other}"
        if figures.include_derived and figures.current:
            text += " ; les engagés sont les « Partenaires engagés » de la synthèse pour les élus"
        text += "."
    return text


def links_help(figures: GraphFigures) -> str:
    """The dashboard's « Liens actifs »: declared links, and how they relate to the Réseau page's joined pairs."""
    return (f"Liens de coopération déclarés {figures.when} : {format_int(figures.links)}. Une même paire de "
            f"partenaires peut en avoir plusieurs, de natures différentes : ils relient "
            f"{_n(figures.declared_pairs, 'paire', 'paires')}. La page Réseau compte les « paires liées » : ces "
            f"{format_int(figures.declared_pairs)} et {_n(figures.action_pairs, 'paire reliée', 'paires reliées')} "
            f"seulement par une action commune en cours, soit {format_int(figures.pairs)}.")


def pairs_help(figures: GraphFigures) -> str:
    """The Réseau page's « Paires liées »: joined pairs, split by what joins them, against the dashboard's links."""
    if not figures.include_derived:
        text = (f"Paires de partenaires reliées par au moins un lien déclaré {figures.when} (les liens issus des "
                f"actions communes sont masqués) : {format_int(figures.pairs)}.")
    else:
        text = (f"Paires de partenaires reliées par au moins un lien déclaré ou une action commune {figures.when} : "
                f"{_n(figures.declared_pairs, 'par un lien déclaré', 'par un lien déclaré')}, "
                f"{format_int(figures.action_pairs)} seulement par une action commune.")
    text += (f" Ces paires portent {_n(figures.links, 'lien déclaré', 'liens déclarés')} (une paire peut en avoir "
             "plusieurs, de natures différentes)")
    if figures.scope_kind == "council":
        text += " ; le tableau de bord en montre le nombre (« Liens actifs »)"
        if figures.filtered or not figures.current:
            text += " pour aujourd'hui et sans filtre"
    return text + "."
