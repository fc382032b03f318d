"""Councils side by side for a network meeting: indicators, ranks, and who does what.

Sharing rule: the aggregate figures of every compared council (counts, shares, scores) are always
shown and are computed over all its actions, so every reader sees the same table; the actions
themselves (titles, pilots) of another council are listed only when that council shares them with
its networks (`Action.shared`). `maillage.actions.access.visibility` decides, as on the Actions page;
the actions a reader may not see are only counted.

Who may compare what: an administrator any council; anybody else the councils of their networks
(`maillage.accounts.access.peer_council_ids`) and their own.

Figures reuse the other modules: the cooperation graph of `maillage.network.data` (partners, links,
density, expected typologies), the coverage of `maillage.coverage.gaps` (population, score, online hours),
and `maillage.restitution.period` for what was running at the date of a past year.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import func
from sqlmodel import Session, select

from maillage.accounts.access import Actor, can_read_council, peer_council_ids
from maillage.actions.access import visibility
from maillage.core.db import chunks
from maillage.core.errors import NotFoundError, PermissionDenied, ValidationError
from maillage.core.formatting import format_int
from maillage.core.rows import collector_paused, driver_date, ids_in, rows_in
from maillage.coverage.data import load_snapshot
from maillage.coverage.gaps import compute_council
from maillage.network.choices import network_by_name  # noqa: F401 - re-exported (restitution)
from maillage.network.data import GraphFilters, NetworkGraph, Scope
from maillage.network.metrics import density, load_graph
from maillage.partners.expectations import missing_expectations
from maillage.restitution.comparison_figures import council_footprints, graph_figures_many
from maillage.restitution.indicators import BY_CODE, INDICATORS, IndicatorSpec, ranks
from maillage.restitution.period import (
    as_of_for,
    historical_rank,
    offered_years,
    ran_on,
)
from maillage.vocabularies.store import Vocabularies
from models import (
    Action,
    ActionPartner,
    ActionPublic,
    Council,
    Indicator,
    Network,
    NetworkCouncil,
    Partner,
)

HIGH_LEVEL = 3  # coopération and collaboration on the continuum
MAX_COUNCILS = 60  # the most a comparison opens on (charts, who does what); the indicators table takes any number
PILOT_ROLES = ("pilote", "copilote")


@dataclass
class CouncilFigures:
    """One compared council's figures at the comparison date (aggregates: computed over all its actions)."""

    council_id: int
    name: str
    kind: str
    status: str
    coordination_contact: str
    population: int
    communes: int
    partners: int
    links: int
    links_high: int
    density: float | None
    missing_typologies: tuple[str, ...]
    active_actions: int
    online_actions: int
    active_by_type: dict[str, int]
    online_hours_per_10k: float | None
    people_reached: int | None
    coverage_score: float | None
    last_plenary: dt.date | None

    @property
    def high_share(self) -> float | None:
        """Share of the active links at level 3 or 4 (None without links)."""
        return self.links_high / self.links if self.links else None

    def value(self, code: str) -> Any:
        """The value of one indicator (see `maillage.restitution.indicators.INDICATORS`)."""
        return {
            "population": self.population,
            "partenaires": self.partners,
            "liens": self.links,
            "part_liens_niveau_3_4": self.high_share,
            "densite": self.density,
            "typologies_manquantes": len(self.missing_typologies),
            "actions_en_cours": self.active_actions,
            "heures_en_ligne_10000_hab": self.online_hours_per_10k,
            "personnes_touchees": self.people_reached,
            "score_couverture": self.coverage_score,
            "derniere_pleniere": self.last_plenary,
        }[code]


@dataclass(frozen=True)
class ActionEntry:
    """An active action listed under « qui fait quoi » (only when the reader may see it)."""

    id: int
    council_id: int
    council: str
    title: str
    action_type: str
    type_label: str
    mode_label: str
    start_date: dt.date
    end_date: dt.date | None
    pilots: tuple[str, ...]
    partners: tuple[str, ...]
    publics: tuple[str, ...]
    shared: bool
    people_reached: int | None


@dataclass(frozen=True)
class WhoDoesWhat:
    """One council × action type: how many active actions, those the reader may see, and how many are hidden."""

    council_id: int
    council: str
    action_type: str
    type_label: str
    count: int
    actions: tuple[ActionEntry, ...]
    hidden: int
    contact: str


@dataclass(frozen=True)
class RankedValue:
    """One council's value and rank on one indicator."""

    council_id: int
    council: str
    value: Any
    text: str
    rank: int | None


@dataclass
class Comparison:
    """Councils side by side at one date: figures, ranks, and who does what."""

    title: str
    network_id: int | None
    year: int
    as_of: dt.date
    today: dt.date
    councils: list[CouncilFigures]
    ranks: dict[str, dict[int, int | None]]
    type_labels: dict[str, str]                      # every action type, vocabulary order
    matrix: dict[tuple[int, str], int]               # (council, type) → active actions
    listed: dict[tuple[int, str], list[ActionEntry]] = field(default_factory=dict)
    hidden: dict[tuple[int, str], int] = field(default_factory=dict)
    detailed: bool = True  # False: figures only, the actions are not listed (a whole large network's table)

    @property
    def indicators(self) -> tuple[IndicatorSpec, ...]:
        """The compared indicators, in table order."""
        return INDICATORS

    @property
    def provisional(self) -> bool:
        """Whether the year is not over (its figures are provisional)."""
        return self.year == self.today.year

    def figures(self, council_id: int) -> CouncilFigures:
        """The figures of one compared council."""
        for figures in self.councils:
            if figures.council_id == council_id:
                return figures
        raise NotFoundError(f"l'instance n° {council_id} ne fait pas partie de la comparaison")

    def label(self, code: str) -> str:
        """The French label of an indicator for this year."""
        return BY_CODE[code].title(self.year)

    def active_types(self) -> list[tuple[str, str]]:
        """(code, label) of the action types with at least one active action in a compared council."""
        present = {action_type for (_c, action_type), count in self.matrix.items() if count}
        return [(code, label) for code, label in self.type_labels.items() if code in present]

    def ranking(self, code: str) -> list[RankedValue]:
        """Every council's value on one indicator, best rank first (unranked last), then by name."""
        spec = BY_CODE[code]
        rows = [RankedValue(f.council_id, f.name, f.value(code), spec.format(f.value(code)),
                            self.ranks[code].get(f.council_id)) for f in self.councils]
        return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.council.casefold()))

    def cell(self, council_id: int, action_type: str) -> WhoDoesWhat:
        """Who does what for one council and one action type: count, visible actions, hidden count."""
        figures = self.figures(council_id)
        key = (council_id, action_type)
        return WhoDoesWhat(council_id, figures.name, action_type, self.type_labels.get(action_type, action_type),
                           self.matrix.get(key, 0), tuple(self.listed.get(key, ())), self.hidden.get(key, 0),
                           figures.coordination_contact)

    def hidden_total(self) -> int:
        """Active actions counted but not listed (not shared with the reader)."""
        return sum(self.hidden.values())


# ---------------------------------------------------------------- who may compare what


def comparable_council_ids(session: Session, actor: Actor) -> set[int] | None:
    """Councils the actor may compare (None: every council, for an administrator).

    Elected officials read their council's summary and dashboard, not comparisons (docs/GLOSSARY.md, « élu »).
    """
    if actor.is_admin:
        return None
    if actor.role == "elu":
        return set()
    own = {c for c in actor.council_ids if can_read_council(actor, c)}
    return set(peer_council_ids(session, actor)) | own


def comparable_councils(session: Session, actor: Actor) -> dict[int, str]:
    """id → name of the councils the actor may compare, by name."""
    allowed = comparable_council_ids(session, actor)
    rows = session.exec(select(Council.id, Council.name).order_by(Council.name)).all()
    return {cid: name for cid, name in rows if allowed is None or cid in allowed}


def comparable_networks(session: Session, actor: Actor) -> dict[int, str]:
    """id → name of the networks (with council members) the actor may compare, by name."""
    with_councils = set(session.exec(select(NetworkCouncil.network_id)).all())
    rows = session.exec(select(Network.id, Network.name).order_by(Network.name)).all()
    if actor.is_admin:
        return {nid: name for nid, name in rows if nid in with_councils}
    if actor.role == "elu":
        return {}
    mine = set(actor.network_ids)
    if actor.council_ids:
        mine |= set(session.exec(
            select(NetworkCouncil.network_id).where(NetworkCouncil.council_id.in_(sorted(actor.council_ids)))).all())
    return {nid: name for nid, name in rows if nid in mine and nid in with_councils}


def default_network(session: Session, actor: Actor, council_id: int | None) -> int | None:
    """The network the page opens on: the largest network of the selected council, else the largest one."""
    networks = comparable_networks(session, actor)
    if not networks:
        return None
    members: dict[int, set[int]] = {}
    for network_id, member in session.exec(select(NetworkCouncil.network_id, NetworkCouncil.council_id)
                                           .where(NetworkCouncil.network_id.in_(list(networks)))):
        members.setdefault(network_id, set()).add(member)
    return min(networks, key=lambda n: (council_id not in members.get(n, ()), -len(members.get(n, ())),
                                        networks[n].casefold()))


def network_council_ids(session: Session, actor: Actor, network_id: int) -> list[int]:
    """The member councils of a network the actor may compare, by name; PermissionDenied otherwise."""
    network = session.get(Network, network_id)
    if network is None:
        raise NotFoundError(f"le réseau n° {network_id} n'existe pas")
    if network_id not in comparable_networks(session, actor):
        if not session.exec(select(NetworkCouncil).where(NetworkCouncil.network_id == network_id)).first():
            raise ValidationError([("network", f"Réseau : « {network.name} » ne compte aucune instance à comparer")])
        raise PermissionDenied(f"vous n'êtes pas membre du réseau « {network.name} » : impossible de le comparer")
    rows = session.exec(
        select(Council.id).join(NetworkCouncil, NetworkCouncil.council_id == Council.id)
        .where(NetworkCouncil.network_id == network_id).order_by(Council.name)).all()
    return list(rows)


def _check_councils(session: Session, actor: Actor, council_ids: list[int]) -> dict[int, Council]:
    """The councils asked for, checked: at least one, existing, comparable by the actor (any number: the figures
    are read in bulk, see `maillage.restitution.comparison_figures`)."""
    if not council_ids:
        raise ValidationError([("councils", "Instances : choisissez au moins une instance à comparer")])
    councils = {c.id: c for chunk in chunks(sorted(set(council_ids)))
                for c in session.exec(select(Council).where(Council.id.in_(chunk)))}
    unknown = sorted(set(council_ids) - set(councils))
    if unknown:
        raise NotFoundError(f"l'instance n° {unknown[0]} n'existe pas")
    allowed = comparable_council_ids(session, actor)
    if allowed is not None:
        refused = sorted(councils[c].name for c in councils if c not in allowed)
        if refused:
            raise PermissionDenied(f"« {refused[0]} » ne fait partie d'aucun de vos réseaux : impossible de la comparer")
    return councils


# ---------------------------------------------------------------- figures


def aggregate_reader(council_id: int) -> Actor:
    """A read-only actor seeing one council's actions in full: aggregates count every action (see module doc).

    `maillage.network.data.load_source` keeps only the actions its actor may read when it derives links
    from shared actions; this adapter makes a council's density the same whoever compares it.
    """
    return Actor(email="maillage:agrégats", role="elu", council_ids=frozenset({council_id}))


def council_graph(session: Session, council_id: int, as_of: dt.date) -> NetworkGraph:
    """A council's cooperation graph at `as_of` (every link and action, whoever reads the aggregates)."""
    return load_graph(session, aggregate_reader(council_id), Scope.council(council_id), GraphFilters(), today=as_of)


def graph_figures(graph: NetworkGraph, vocab: Vocabularies) -> tuple[int, int, int, float | None, tuple[str, ...]]:
    """(partners, active declared links, of which level ≥ 3, density, missing expected typologies) of a graph."""
    levels = {link.id: link.level for link in graph.source.links}
    link_ids = [link_id for edge in graph.edges.values() for link_id in edge.link_ids]
    high = sum(1 for link_id in link_ids if levels[link_id] >= HIGH_LEVEL)
    nodes = len(graph.nodes)
    missing = missing_expectations(graph.source.expectations, graph.source.present_typologies)
    return (nodes, len(link_ids), high, density(nodes, len(graph.edges)) if nodes >= 2 else None,
            tuple(expectation.label(vocab) for expectation in missing))


def people_reached(session: Session, council_ids: list[int], year: int) -> dict[int, int]:
    """council → people reached in `year` by its (non-archived) actions; councils without figures absent."""
    rows = rows_in(session, lambda chunk: select(Action.council_id, func.sum(Indicator.people_reached))
                   .join(Indicator, Indicator.action_id == Action.id)
                   .where(ids_in(Action.council_id, chunk), Action.archived_at.is_(None), Indicator.year == year,
                          Indicator.people_reached.is_not(None))
                   .group_by(Action.council_id), council_ids)
    return {council_id: int(total) for council_id, total in rows if total is not None}


class ActionRow(NamedTuple):
    """What a comparison reads of an action (plain driver row: a national network has tens of thousands)."""

    id: int
    council_id: int
    title: str
    action_type: str
    mode: str | None
    status: str
    start_date: dt.date
    end_date: dt.date | None
    shared: bool


def _actions(session: Session, council_ids: list[int]) -> list[ActionRow]:
    """The non-archived actions of the given councils, by id."""
    rows = rows_in(session, lambda chunk: select(
        Action.id, Action.council_id, Action.title, Action.action_type, Action.mode, Action.status, Action.start_date,
        Action.end_date, Action.shared).where(ids_in(Action.council_id, chunk), Action.archived_at.is_(None)),
        council_ids)
    make = ActionRow._make
    return sorted((make((row[0], row[1], row[2], row[3], row[4], row[5], driver_date(row[6]), driver_date(row[7]),
                         bool(row[8]))) for row in rows), key=itemgetter(0))


def _listing(session: Session, actions: list[ActionRow], names: dict[int, str], year: int,
             vocab: Vocabularies) -> dict[int, ActionEntry]:
    """Entries (with pilots, partners, publics, people reached in `year`) of the given actions."""
    ids = [a.id for a in actions]
    if not ids:
        return {}
    roles: dict[int, list[tuple[str, str]]] = {}
    for action_id, name, role in rows_in(session, lambda chunk: select(
            ActionPartner.action_id, Partner.name, ActionPartner.role)
            .join(Partner, Partner.id == ActionPartner.partner_id).where(ids_in(ActionPartner.action_id, chunk)), ids):
        roles.setdefault(action_id, []).append((name, role))
    publics: dict[int, list[str]] = {}
    for action_id, public in rows_in(session, lambda chunk: select(ActionPublic.action_id, ActionPublic.public)
                                     .where(ids_in(ActionPublic.action_id, chunk)), ids):
        publics.setdefault(action_id, []).append(public)
    people = dict(rows_in(session, lambda chunk: select(Indicator.action_id, Indicator.people_reached)
                          .where(ids_in(Indicator.action_id, chunk), Indicator.year == year), ids))
    public_order = vocab.codes("public")
    entries = {}
    for action in actions:
        pairs = roles.get(action.id, [])
        pilots = tuple(sorted({name for name, role in pairs if role == "pilote"}, key=str.casefold)) or tuple(
            sorted({name for name, role in pairs if role in PILOT_ROLES}, key=str.casefold))
        partners = tuple(sorted({name for name, _role in pairs} - set(pilots), key=str.casefold))
        ordered = sorted(publics.get(action.id, []), key=lambda p: (public_order.index(p) if p in public_order else 99, p))
        entries[action.id] = ActionEntry(
            action.id, action.council_id, names.get(action.council_id, "?"), action.title, action.action_type,
            vocab.label("action_type", action.action_type), vocab.label("mode", action.mode) if action.mode else "—",
            action.start_date, action.end_date, pilots, partners, tuple(vocab.label("public", p) for p in ordered),
            action.shared, people.get(action.id))
    return entries


@collector_paused()  # a whole-country comparison builds hundreds of thousands of rows
def compare_councils(session: Session, actor: Actor, council_ids: list[int], year: int | None = None,
                     today: dt.date | None = None, title: str | None = None,
                     network_id: int | None = None, detail: bool = True) -> Comparison:
    """Compare councils in `year` (default: this year) as `actor` sees them (see the module docstring).

    `detail=False` computes the figures only (no list of actions, their pilots and partners): the indicators
    table of a whole large network."""
    today = today or dt.date.today()
    year = today.year if year is None else year
    as_of = as_of_for(year, today)
    councils = _check_councils(session, actor, council_ids)
    order = sorted(councils, key=lambda c: (councils[c].name.casefold(), c))
    vocab = Vocabularies.load(session)
    names = {c: councils[c].name for c in order}

    snapshot = load_snapshot(session, order, with_themes=False, with_partners=False)
    coverage_ranks = {a.id: historical_rank(a, as_of, today) for a in snapshot.actions.values()}
    areas: dict[int, int] = {}
    people = people_reached(session, order, year)
    actions = _actions(session, order)
    active = [a for a in actions if ran_on(a.status, a.start_date, a.end_date, as_of, today)]
    by_council: dict[int, Counter] = {c: Counter() for c in order}
    online: Counter = Counter()
    for action in active:
        by_council[action.council_id][action.action_type] += 1
        online[action.council_id] += action.mode == "en_ligne"

    graphs = graph_figures_many(session, order, as_of, vocab)  # one read of each table for every council
    figures = []
    for council_id in order:
        council = councils[council_id]
        cov = compute_council(snapshot, council_id, as_of, ranks=coverage_ranks, area_population=areas)
        graph = graphs[council_id]
        partners, links, high, net_density, missing = (graph.partners, graph.links, graph.links_high, graph.density,
                                                       graph.missing_typologies)
        figures.append(CouncilFigures(
            council_id=council_id, name=council.name, kind=vocab.label("council_kind", council.kind),
            status=vocab.label("council_status", council.status), coordination_contact=council.coordination_contact,
            population=cov.population, communes=len(cov.communes), partners=partners, links=links, links_high=high,
            density=net_density, missing_typologies=missing, active_actions=sum(by_council[council_id].values()),
            online_actions=online[council_id], active_by_type=dict(by_council[council_id]),
            online_hours_per_10k=cov.online_hours_per_10k(), people_reached=people.get(council_id),
            coverage_score=cov.score, last_plenary=council.last_plenary,
        ))
    ranked = {spec.code: ranks({f.council_id: f.value(spec.code) for f in figures}, spec) for spec in INDICATORS}

    listed: dict[tuple[int, str], list[ActionEntry]] = {}
    hidden: dict[tuple[int, str], int] = {}
    seen = visibility(session, actor)
    shown = [a for a in active if seen.allows(a.council_id, a.shared)] if detail else []
    entries = _listing(session, shown, names, year, vocab)
    for action in active if detail else ():
        key = (action.council_id, action.action_type)
        if action.id in entries:
            listed.setdefault(key, []).append(entries[action.id])
        else:
            hidden[key] = hidden.get(key, 0) + 1
    for items in listed.values():
        items.sort(key=lambda e: (-(e.people_reached or 0), e.title.casefold()))
    matrix = {(c, t): n for c in order for t, n in by_council[c].items()}
    if title is None:
        title = names[order[0]] if len(order) == 1 else f"{len(order)} instances choisies"
    return Comparison(title=title, network_id=network_id, year=year, as_of=as_of, today=today, councils=figures,
                      ranks=ranked, type_labels=vocab.labels("action_type"), matrix=matrix, listed=listed,
                      hidden=hidden, detailed=detail)


def compare_network(session: Session, actor: Actor, network_id: int, year: int | None = None,
                    today: dt.date | None = None, detail: bool = True) -> Comparison:
    """Compare the member councils of a network the actor belongs to (administrators: any network)."""
    council_ids = network_council_ids(session, actor, network_id)
    network = session.get(Network, network_id)
    return compare_councils(session, actor, council_ids, year, today, title=network.name, network_id=network_id,
                            detail=detail)


# ---------------------------------------------------------------- what a large network's comparison opens on


@dataclass(frozen=True)
class NetworkChoice:
    """What the comparison of a network opens on: every member up to MAX_COUNCILS, else the nearest ones."""

    network_id: int
    network: str
    member_ids: tuple[int, ...]       # every member the reader may compare, by name
    nearest_ids: tuple[int, ...]      # the reference council first, then the most similar members
    reference_id: int | None          # the council the nearest are measured from (None: the most populated)
    reference: str | None

    @property
    def large(self) -> bool:
        """Whether the network has more members than one comparison opens on."""
        return len(self.member_ids) > MAX_COUNCILS

    def nearest_title(self) -> str:
        """The title of the comparison of the nearest members."""
        if self.reference:
            return f"{self.network} — les {len(self.nearest_ids)} instances les plus proches de {self.reference}"
        return f"{self.network} — les {len(self.nearest_ids)} instances les plus peuplées"

    def explanation(self) -> str:
        """Why these councils, in French (the caption under the choice)."""
        count = format_int(len(self.member_ids))
        if self.reference:
            return (f"Ce réseau compte {count} instances. « Les plus proches » : {self.reference}, puis les instances "
                    f"du même type (CLSPD, CISPD…) dont la population couverte est la plus proche de la sienne, "
                    f"jusqu'à {MAX_COUNCILS} instances.")
        return (f"Ce réseau compte {count} instances. Aucune de vos instances n'en fait partie : la comparaison "
                f"s'ouvre sur les {MAX_COUNCILS} instances les plus peuplées.")


def nearest_councils(session: Session, council_ids: list[int], reference_id: int | None,
                     limit: int = MAX_COUNCILS) -> list[int]:
    """The `limit` councils of `council_ids` most similar to `reference_id` (itself first): same kind first, then the
    closest covered population (by ratio: 10,000 is as far from 20,000 as 100,000 from 200,000), then name.
    Without a reference, the most populated ones (then by name)."""
    ids = sorted(set(council_ids))
    if len(ids) <= limit and reference_id is None:
        return ids
    population = {c: area.population for c, area in council_footprints(session, ids).items()}
    facts = {c: (kind, name) for chunk in chunks(ids)
             for c, kind, name in session.exec(select(Council.id, Council.kind, Council.name).where(Council.id.in_(chunk)))}
    if reference_id is None or reference_id not in facts:
        return sorted(ids, key=lambda c: (-population[c], facts[c][1].casefold(), c))[:limit]
    kind, size = facts[reference_id][0], population[reference_id]

    def distance(council_id: int) -> tuple:
        """Closer councils sort first."""
        return (council_id != reference_id, facts[council_id][0] != kind,
                abs(math.log((population[council_id] + 1) / (size + 1))), facts[council_id][1].casefold(), council_id)
    return sorted(ids, key=distance)[:limit]


def network_choice(session: Session, actor: Actor, network_id: int, council_id: int | None) -> NetworkChoice:
    """What the comparison of a network opens on for this reader, the selected council (`council_id`) as reference
    when it is a member, else the reader's own council in the network (PermissionDenied if not comparable)."""
    members = network_council_ids(session, actor, network_id)
    network = session.get(Network, network_id)
    candidates = [council_id] if council_id is not None else []
    candidates += sorted(actor.council_ids)
    reference = next((c for c in candidates if c in set(members)), None)
    nearest = nearest_councils(session, members, reference) if len(members) > MAX_COUNCILS else list(members)
    name = session.get(Council, reference).name if reference is not None else None
    return NetworkChoice(network_id, network.name, tuple(members), tuple(nearest), reference, name)


def comparison_years(session: Session, council_ids: list[int], today: dt.date) -> list[int]:
    """Years to offer, most recent first: from the oldest action start of these councils to this year."""
    first = session.exec(select(func.min(Action.start_date)).where(
        Action.council_id.in_(council_ids or [-1]), Action.archived_at.is_(None))).one()
    return offered_years(first.year if first else None, today)
