"""The cooperation graph's data: who is in a scope (council, network, territory), its links and shared actions.

`load_source` reads the database once for a scope; `build_graph` applies the filters (kinds, level,
year, typologies, territory) without touching the database, so one source serves many views.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, select

from maillage.accounts.access import (
    Actor,
    can_read_council,
    peer_council_ids,
    require_read_council,
)
from maillage.core.errors import NotFoundError, PermissionDenied
from maillage.core.rows import collector_paused, driver_date, driver_rows, ids_in, rows_in
from maillage.geography.footprints import footprint, territory_names
from maillage.partners.expectations import Expectation, expectations_for
from maillage.partners.partnership import council_footprint, partnership_ids, territorial_ids
from maillage.vocabularies.store import Vocabularies
from models import (
    Action,
    ActionPartner,
    CooperationLink,
    Council,
    Network,
    NetworkCouncil,
    NetworkPartner,
    Partner,
    PartnerTerritory,
    Territory,
)

SCOPE_KINDS = ("council", "network", "territory")
# An action in project has not run yet: it creates no cooperation.
NOT_RUN_STATUSES = ("projet",)
# A scope of more partners than this reads the partner tables whole rather than by lists of ids.
WHOLE_TABLE_ABOVE = 4000


@dataclass(frozen=True)
class Scope:
    """Whose graph: one council (`council`, id), one network (`network`, id) or one territory (`territory`, key)."""

    kind: str
    value: int | str

    @classmethod
    def council(cls, council_id: int) -> Scope:
        """The graph of one council."""
        return cls("council", int(council_id))

    @classmethod
    def network(cls, network_id: int) -> Scope:
        """The graph of one network (its councils' partnerships and member partners)."""
        return cls("network", int(network_id))

    @classmethod
    def territory(cls, key: str) -> Scope:
        """The graph of the partners present on one territory."""
        return cls("territory", key)


@dataclass(frozen=True)
class GraphFilters:
    """What to keep: declared kinds (None: all), minimum level, year (None: today), typologies, territory, derived links."""

    kinds: frozenset[str] | None = None
    min_level: int = 1
    year: int | None = None
    typologies: frozenset[str] | None = None
    territory: str | None = None
    include_derived: bool = True
    on_date: dt.date | None = None  # the network as it stands on that day (overrides `year`)


@dataclass(frozen=True)
class PartnerNode:
    """A partner as the graph shows it."""

    id: int
    name: str
    typology: str
    typology_label: str
    group: str
    group_label: str
    commune_key: str
    commune_name: str
    territory_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeclaredLink:
    """A cooperation link as stored (partner ids ordered a < b)."""

    id: int
    council_id: int
    a: int
    b: int
    kind: str
    level: int
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class SharedAction:
    """An action that links every pair of its partners (derived links)."""

    id: int
    council_id: int
    title: str
    status: str
    start: dt.date
    end: dt.date | None
    partner_ids: tuple[int, ...]


@dataclass
class NetworkSource:
    """Everything one scope's graph needs, read once from the database."""

    scope: Scope
    title: str
    as_of: dt.date
    nodes: dict[int, PartnerNode]
    links: list[DeclaredLink]
    actions: list[SharedAction]
    expectations: list[Expectation]
    expectations_default: bool
    present_typologies: frozenset[str]
    kind_labels: dict[str, str]
    level_labels: dict[int, str]
    typology_labels: dict[str, str]
    group_labels: dict[str, str]  # in display order
    council_names: dict[int, str] = field(default_factory=dict)
    hidden_links: int = 0  # links between these partners declared by councils the reader may not read
    # partner id → the councils it works in (links, shared actions, seat in their territory), by name
    partner_councils: dict[int, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Edge:
    """One joined pair (a < b) of the filtered graph, with every declared link and shared action behind it."""

    a: int
    b: int
    kinds: tuple[str, ...]
    level: int | None
    action_titles: tuple[str, ...]
    link_ids: tuple[int, ...]

    @property
    def declared(self) -> bool:
        """Joined by at least one declared link."""
        return bool(self.kinds)

    @property
    def derived(self) -> bool:
        """Joined by at least one shared action."""
        return bool(self.action_titles)


@dataclass
class NetworkGraph:
    """The filtered graph: its partners and joined pairs."""

    source: NetworkSource
    filters: GraphFilters
    nodes: dict[int, PartnerNode]
    edges: dict[tuple[int, int], Edge]
    period: tuple[dt.date, dt.date]

    @property
    def period_label(self) -> str:
        """`en 2024` or `au 29/11/2026`, for headings."""
        if self.filters.on_date is not None:
            return f"au {self.filters.on_date:%d/%m/%Y}"
        if self.filters.year is not None:
            return f"en {self.filters.year}"
        return f"au {self.period[0]:%d/%m/%Y}"

    def adjacency(self) -> dict[int, set[int]]:
        """partner id → neighbour ids (every node present)."""
        neighbours: dict[int, set[int]] = {node: set() for node in self.nodes}
        for a, b in self.edges:
            neighbours[a].add(b)
            neighbours[b].add(a)
        return neighbours

    def to_networkx(self):
        """The graph as a networkx Graph (node attributes: name, typology, group)."""
        import networkx as nx

        graph = nx.Graph()
        for node in sorted(self.nodes.values(), key=lambda n: n.id):
            graph.add_node(node.id, name=node.name, typology=node.typology, group=node.group)
        for (a, b), edge in sorted(self.edges.items()):
            graph.add_edge(a, b, level=edge.level, declared=edge.declared, derived=edge.derived)
        return graph


def scope_title(session: Session, scope: Scope) -> str:
    """The name of a scope (council or network name, territory label); NotFoundError if it does not exist."""
    if scope.kind == "council":
        council = session.get(Council, scope.value)
        if council is None:
            raise NotFoundError(f"l'instance n° {scope.value} n'existe pas")
        return council.name
    if scope.kind == "network":
        network = session.get(Network, scope.value)
        if network is None:
            raise NotFoundError(f"le réseau n° {scope.value} n'existe pas")
        return network.name
    if scope.kind == "territory":
        territory = session.get(Territory, scope.value)
        if territory is None:
            raise NotFoundError(f"le territoire « {scope.value} » n'existe pas")
        return territory.name
    raise NotFoundError(f"périmètre inconnu : {scope.kind}")


def _scope_members(session: Session, scope: Scope, actor: Actor | None = None
                   ) -> tuple[set[int], set[int] | None, tuple[list[tuple], list[tuple]] | None]:
    """(partner ids, council ids whose links and actions count (None = every council), the rows of those links
    and action partners when already read (`_link_rows`, `_member_rows`), else None).

    A territory gathers every council's partners, but only the links and actions of the councils the reader
    belongs to or shares a network with (administrators: all), as a network scope does (issue 20)."""
    if scope.kind == "council":
        return partnership_ids(session, int(scope.value)), {int(scope.value)}, None
    if scope.kind == "network":
        councils = set(session.exec(
            select(NetworkCouncil.council_id).where(NetworkCouncil.network_id == scope.value)
        ).all())
        ids = set(session.exec(
            select(NetworkPartner.partner_id).where(NetworkPartner.network_id == scope.value)
        ).all())
        if not councils:
            return ids, councils, None
        partnership, links, members = _partnership_of_many(session, sorted(councils))
        return ids | partnership, councils, (links, members)
    area = footprint(session, [str(scope.value)])
    ids: set[int] = set()
    for partner_id, seat in driver_rows(session, select(Partner.id, Partner.seat_commune_key)
                                        .where(Partner.archived_at.is_(None))):
        if area.meets(seat):
            ids.add(partner_id)
    for partner_id, key in driver_rows(
        session, select(PartnerTerritory.partner_id, PartnerTerritory.territory_key)
        .join(Partner, Partner.id == PartnerTerritory.partner_id).where(Partner.archived_at.is_(None))
    ):
        if area.meets(key):
            ids.add(partner_id)
    if actor is None or actor.is_admin:
        return ids, None, None
    return ids, peer_council_ids(session, actor), None


def _link_rows(session: Session, council_ids: list[int] | None) -> list[tuple]:
    """Every declared link of these councils (None: of all), by id, as driver rows."""
    query = select(CooperationLink.id, CooperationLink.council_id, CooperationLink.partner_a_id,
                   CooperationLink.partner_b_id, CooperationLink.kind, CooperationLink.level,
                   CooperationLink.start_date, CooperationLink.end_date)
    if council_ids is not None:
        query = query.where(ids_in(CooperationLink.council_id, council_ids))
    return driver_rows(session, query.order_by(CooperationLink.id))


def _member_rows(session: Session, council_ids: list[int] | None) -> list[tuple]:
    """(action id, partner id, status) of every partner of a non-archived action of these councils (None: all)."""
    query = (select(ActionPartner.action_id, ActionPartner.partner_id, Action.status)
             .join(Action, Action.id == ActionPartner.action_id).where(Action.archived_at.is_(None)))
    if council_ids is not None:
        query = query.where(ids_in(Action.council_id, council_ids))
    return driver_rows(session, query)


def _partnership_of_many(session: Session, council_ids: list[int]) -> tuple[set[int], list[tuple], list[tuple]]:
    """`partnership_ids` of many councils (a big network), with the rows of their links and action partners it
    read (`_link_rows`, `_member_rows`): `load_source` needs the same ones and reads them once (issue 19)."""
    links, members = _link_rows(session, council_ids), _member_rows(session, council_ids)
    ids = territorial_ids(session, council_footprint(session, council_ids))
    for row in links:
        ids.add(row[2])
        ids.add(row[3])
    ids.update(row[1] for row in members)
    ids.difference_update(row[0] for row in driver_rows(session, select(Partner.id).where(Partner.archived_at.is_not(None))))
    return ids, links, members


def require_scope_read(session: Session, actor: Actor, scope: Scope) -> None:
    """Who may read a cooperation graph: a council's own coordinators and officials; a network's members
    (its network members, and the coordinators and officials of its councils); for a territory, those whose
    council covers part of it. Administrators read every graph."""
    if actor.is_admin:
        return
    if scope.kind == "council":
        require_read_council(actor, int(scope.value), "consulter le réseau de cette instance")
        return
    own = {c for c in actor.council_ids if can_read_council(actor, c)}
    if scope.kind == "network":
        members = set(session.exec(
            select(NetworkCouncil.council_id).where(NetworkCouncil.network_id == scope.value)).all())
        if int(scope.value) in actor.network_ids or own & members:
            return
        raise PermissionDenied("vous n'êtes pas membre de ce réseau : impossible d'en consulter le graphe")
    if any(council_footprint(session, council_id).meets(str(scope.value)) for council_id in sorted(own)):
        return
    raise PermissionDenied("ce territoire n'est couvert par aucune de vos instances : impossible d'en consulter le graphe")


@collector_paused()
def load_source(session: Session, actor: Actor, scope: Scope, today: dt.date | None = None,
                vocab: Vocabularies | None = None) -> NetworkSource:
    """Read a scope's partners, declared links and shared actions (those the actor may read)."""
    require_scope_read(session, actor, scope)
    today = today or dt.date.today()
    title = scope_title(session, scope)
    vocab = vocab or Vocabularies.load(session)
    ids, councils, read = _scope_members(session, scope, actor)
    id_list = sorted(ids)

    # Plain driver rows, not ORM objects: a national graph reads tens of thousands of rows per table.
    partner_query = select(Partner.id, Partner.name, Partner.typology, Partner.seat_commune_key)
    territory_query = select(PartnerTerritory.partner_id, PartnerTerritory.territory_key)
    if len(id_list) > WHOLE_TABLE_ABOVE:  # one pass over the table costs less than a dozen IN lists (issue 19)
        partners = [row for row in driver_rows(session, partner_query.where(Partner.archived_at.is_(None))
                                               .order_by(Partner.id)) if row[0] in ids]
        territory_rows = [row for row in driver_rows(session, territory_query) if row[0] in ids]
    else:
        partners = rows_in(session, lambda chunk: partner_query.where(ids_in(Partner.id, chunk),
                                                                      Partner.archived_at.is_(None)), id_list)
        territory_rows = rows_in(session, lambda chunk: territory_query.where(ids_in(PartnerTerritory.partner_id, chunk)),
                                 id_list)
    territories: dict[int, list[str]] = {}
    for partner_id, key in territory_rows:
        territories.setdefault(partner_id, []).append(key)
    seat_keys = sorted({seat for _id, _name, _typology, seat in partners})
    commune_names = territory_names(session, seat_keys)
    group_labels = vocab.labels("typology_group")
    typology_facts: dict[str, tuple[str, str, str]] = {}
    for typology in {row[2] for row in partners}:
        group = vocab.group_of(typology)
        typology_facts[typology] = (vocab.label("typology", typology), group, group_labels.get(group, group))
    nodes = {}
    for partner_id, name, typology, seat in partners:
        typology_label, group, group_label = typology_facts[typology]
        nodes[partner_id] = PartnerNode(
            id=partner_id, name=name, typology=typology, typology_label=typology_label,
            group=group, group_label=group_label, commune_key=seat,
            commune_name=commune_names.get(seat, seat.split(":", 1)[-1]),
            territory_keys=tuple(sorted(territories.get(partner_id, ()))),
        )

    council_filter = sorted(councils) if councils is not None else None
    link_rows, member_rows = read if read is not None else (_link_rows(session, council_filter),
                                                            _member_rows(session, council_filter))
    new, set_dict = object.__new__, object.__setattr__  # frozen dataclasses built without their slow __init__
    dates: dict = {None: None}  # the driver's value → date (a few thousand dates recur over the rows)
    links = []
    for row in link_rows:
        if row[2] in nodes and row[3] in nodes:
            start, end = row[6], row[7]
            if start not in dates:
                dates[start] = driver_date(start)
            if end not in dates:
                dates[end] = driver_date(end)
            link = new(DeclaredLink)
            set_dict(link, "__dict__", {"id": row[0], "council_id": row[1], "a": row[2], "b": row[3], "kind": row[4],
                                        "level": row[5], "start": dates[start], "end": dates[end]})
            links.append(link)
    hidden_links = 0
    if scope.kind == "territory" and councils is not None:
        hidden_links = sum(1 for a, b in session.exec(
            select(CooperationLink.partner_a_id, CooperationLink.partner_b_id)
            .where(CooperationLink.council_id.not_in(sorted(councils) or [-1]))) if a in nodes and b in nodes)

    running = (Action.archived_at.is_(None), Action.status.not_in(NOT_RUN_STATUSES))
    action_query = select(Action.id, Action.council_id, Action.title, Action.status, Action.start_date,
                          Action.end_date, Action.shared).where(*running)
    if council_filter is not None:
        action_query = action_query.where(ids_in(Action.council_id, council_filter))
    readable_councils = {c for c in (council_filter or ()) if can_read_council(actor, c)}
    readable = [row for row in driver_rows(session, action_query.order_by(Action.id))
                if row[6] or row[1] in readable_councils or can_read_council(actor, row[1])]
    members: dict[int, set[int]] = {}
    for action_id, partner_id, status in member_rows:
        if partner_id in nodes and status not in NOT_RUN_STATUSES:
            members.setdefault(action_id, set()).add(partner_id)
    actions = []
    for row in readable:
        partner_ids = members.get(row[0], ())
        if len(partner_ids) >= 2:
            action = new(SharedAction)
            set_dict(action, "__dict__", {"id": row[0], "council_id": row[1], "title": row[2], "status": row[3],
                                          "start": driver_date(row[4]), "end": driver_date(row[5]),
                                          "partner_ids": tuple(sorted(partner_ids))})
            actions.append(action)

    if scope.kind == "council":
        expectations, is_default = expectations_for(session, int(scope.value))
    else:
        expectations, is_default = expectations_for(session, None)
    council_names = dict(driver_rows(session, select(Council.id, Council.name)))
    partner_councils = _partner_councils(session, scope, nodes, links, actions, councils, council_names)
    return NetworkSource(
        scope=scope, title=title, as_of=today, nodes=nodes, links=links, actions=actions,
        expectations=expectations, expectations_default=is_default,
        present_typologies=frozenset(node.typology for node in nodes.values()),
        kind_labels=vocab.labels("link_kind"),
        level_labels={int(code): label for code, label in vocab.labels("link_level").items()},
        typology_labels=vocab.labels("typology"), group_labels=group_labels, council_names=council_names,
        hidden_links=hidden_links,
        partner_councils=partner_councils,
    )


def _partner_councils(session: Session, scope: Scope, nodes: dict[int, PartnerNode], links: list[DeclaredLink],
                      actions: list[SharedAction], councils: set[int] | None,
                      names: dict[int, str]) -> dict[int, tuple[int, ...]]:
    """partner id → councils it works in: those of its links and shared actions, and (network scope) those whose
    territory holds its seat; by council name."""
    found: dict[int, set[int]] = {node_id: set() for node_id in nodes}
    if scope.kind == "council":
        return {node_id: (int(scope.value),) for node_id in nodes}
    for link in links:
        found[link.a].add(link.council_id)
        found[link.b].add(link.council_id)
    for action in actions:
        for partner_id in action.partner_ids:
            found[partner_id].add(action.council_id)
    if councils is not None and len(councils) <= 50:  # the seats of a big network: from links and actions only
        for council_id in sorted(councils):
            area = council_footprint(session, council_id)
            for node in nodes.values():
                if area.meets(node.commune_key):
                    found[node.id].add(council_id)
    present = set().union(*found.values())
    rank = {c: i for i, c in enumerate(sorted(present, key=lambda c: (names.get(c, ""), c)))}  # by name
    return {node_id: (tuple(ids) if len(ids) < 2 else tuple(sorted(ids, key=rank.__getitem__)))
            for node_id, ids in found.items()}


def all_pairs(source: NetworkSource) -> list[tuple[int, int]]:
    """Every pair ever joined in a scope (declared links of any kind, level or date, and shared actions): the
    graph the stable layout is drawn from, so every year and filter shows partners at the same place."""
    pairs = {(link.a, link.b) for link in source.links}
    for action in source.actions:
        members = action.partner_ids
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                pairs.add((min(a, b), max(a, b)))
    return sorted(pairs)


def territory_members(session: Session, source: NetworkSource, key: str) -> frozenset[int]:
    """The scope's partners whose seat or intervention territories meet territory `key`."""
    area = footprint(session, [key])
    return frozenset(
        node.id for node in source.nodes.values()
        if area.meets(node.commune_key) or any(area.meets(k) for k in node.territory_keys)
    )


def period_of(filters: GraphFilters, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The days a link must touch to count: one day (`on_date`), the whole year Y, or just `as_of`."""
    if filters.on_date is not None:
        return filters.on_date, filters.on_date
    if filters.year is not None:
        return dt.date(filters.year, 1, 1), dt.date(filters.year, 12, 31)
    return as_of, as_of


def _overlaps(start: dt.date | None, end: dt.date | None, period: tuple[dt.date, dt.date]) -> bool:
    """Whether [start, end] (open ends allowed) touches the period."""
    return (start is None or start <= period[1]) and (end is None or end >= period[0])


def _action_runs(action: SharedAction, period: tuple[dt.date, dt.date], year_mode: bool) -> bool:
    """Whether an action runs during the period (a finished action without end date ran only until today)."""
    if not _overlaps(action.start, action.end, period):
        return False
    if not year_mode and action.status == "terminee" and action.end is None:
        return False
    return True


@collector_paused()
def build_graph(source: NetworkSource, filters: GraphFilters = GraphFilters(),
                territory_ids: frozenset[int] | None = None) -> NetworkGraph:
    """Apply the filters to a source: partners kept, and pairs joined by kept links or running shared actions."""
    period = period_of(filters, source.as_of)
    nodes = {
        node_id: node for node_id, node in source.nodes.items()
        if (filters.typologies is None or node.typology in filters.typologies)
        and (territory_ids is None or node_id in territory_ids)
    }
    # One pass over the links, one over the actions' pairs, then one Edge per pair. A national graph has tens of
    # thousands of pairs: most carry one link or one action, so nothing is sorted for them (issue 19).
    declared: dict[tuple[int, int], list] = {}  # pair → [kinds (set), best level, link ids]
    wanted_kinds, min_level = filters.kinds, filters.min_level
    first, last = period
    every_node = len(nodes) == len(source.nodes)
    for link in source.links:
        a, b = link.a, link.b
        if not every_node and (a not in nodes or b not in nodes):
            continue
        if wanted_kinds is not None and link.kind not in wanted_kinds:
            continue
        if link.level < min_level:
            continue
        if (link.start is not None and link.start > last) or (link.end is not None and link.end < first):
            continue
        pair = (a, b)
        entry = declared.get(pair)
        if entry is None:
            declared[pair] = [{link.kind}, link.level, [link.id]]
        else:
            entry[0].add(link.kind)
            if link.level > entry[1]:
                entry[1] = link.level
            entry[2].append(link.id)
    titles: dict[tuple[int, int], set[str]] = {}
    if filters.include_derived:
        year_mode = filters.year is not None and filters.on_date is None
        for action in source.actions:
            if not _action_runs(action, period, year_mode):
                continue
            present = (action.partner_ids if every_node
                       else [p for p in action.partner_ids if p in nodes])  # ascending ids: a < b below
            title = action.title
            for i, a in enumerate(present):
                for b in present[i + 1:]:
                    pair = (a, b)
                    found = titles.get(pair)
                    if found is None:
                        titles[pair] = {title}
                    else:
                        found.add(title)
    rank = {kind: i for i, kind in enumerate(source.kind_labels)}

    def kind_order(kind: str) -> tuple[int, str]:
        """Vocabulary order of the link kinds, unknown kinds last."""
        return rank.get(kind, 99), kind

    empty: tuple = ()
    new, set_dict = object.__new__, object.__setattr__  # a frozen dataclass built without its slow __init__
    edges = {}
    for pair in sorted(declared.keys() | titles.keys()):
        entry = declared.get(pair)
        pair_titles = titles.get(pair)
        if entry is None:
            kinds, level, ids = empty, None, empty
        else:
            kinds = tuple(entry[0]) if len(entry[0]) == 1 else tuple(sorted(entry[0], key=kind_order))
            level = entry[1]
            ids = (entry[2][0],) if len(entry[2]) == 1 else tuple(sorted(entry[2]))
        if pair_titles is None:
            action_titles = empty
        else:
            action_titles = tuple(pair_titles) if len(pair_titles) == 1 else tuple(sorted(pair_titles))
        edge = new(Edge)
        set_dict(edge, "__dict__", {"a": pair[0], "b": pair[1], "kinds": kinds, "level": level,
                                    "action_titles": action_titles, "link_ids": ids})
        edges[pair] = edge
    return NetworkGraph(source=source, filters=filters, nodes=nodes, edges=edges, period=period)
