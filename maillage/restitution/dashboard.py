"""The council dashboard: key figures, freshness alerts and latest changes, computed for one council. Partners and
links are counted on the council's cooperation graph (maillage.network.figures), as the Réseau page counts them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session, select

from maillage.accounts.access import Actor, require_read_council, workspace_council_ids
from maillage.actions.status import effective_status, needs_review
from maillage.core.errors import NotFoundError
from maillage.geography.footprints import territory_labels
from maillage.network.data import GraphFilters, Scope, build_graph, load_source
from maillage.network.figures import graph_figures, links_help, partners_help
from maillage.partners.partnership import council_footprint, partnership_ids
from maillage.vocabularies.store import Vocabularies
from models import Action, CooperationLink, Council, CouncilTerritory, Partner

STALE_AFTER_DAYS = 365


@dataclass(frozen=True)
class CouncilChoice:
    """A council as offered in the picker."""

    id: int
    name: str


@dataclass(frozen=True)
class StalePartner:
    """A partner whose record was not checked for 12 months (or never)."""

    id: int
    name: str
    typology: str
    verified_on: dt.date | None


@dataclass(frozen=True)
class Change:
    """A recently created or modified record of the council."""

    at: dt.datetime
    entity: str
    label: str
    created: bool


@dataclass
class CouncilOverview:
    """Everything the dashboard shows for one council on one day."""

    council_id: int
    name: str
    kind: str
    status: str
    last_plenary: dt.date | None
    coordination_contact: str
    territories: list[str]
    communes: int
    population: int
    partners: int
    links_by_level: dict[int, int]
    level_labels: dict[int, str]
    active_actions_by_type: list[tuple[str, int]]
    actions_to_review: list[tuple[str, dt.date]]
    stale_partners: list[StalePartner]
    latest_changes: list[Change] = field(default_factory=list)
    engaged_partners: int = 0  # partners with a running link or shared action (the summary's « engagés »)
    linked_pairs: int = 0  # the Réseau page's « Paires liées » for this council today
    partners_help: str = ""  # what « Partenaires » counts, against the Réseau page and the summary
    links_help: str = ""  # what « Liens actifs » counts, against the Réseau page's « Paires liées »

    @property
    def links(self) -> int:
        return sum(self.links_by_level.values())

    @property
    def active_actions(self) -> int:
        return sum(count for _label, count in self.active_actions_by_type)


def list_councils(session: Session, actor: Actor | None = None) -> list[CouncilChoice]:
    """The councils the actor works on (every council without an actor), by name."""
    allowed = workspace_council_ids(session, actor) if actor is not None else None
    return [CouncilChoice(c.id, c.name) for c in session.exec(select(Council).order_by(Council.name))
            if allowed is None or c.id in allowed]


def council_overview(session: Session, actor: Actor, council_id: int, today: dt.date | None = None,
                     changes_limit: int = 10) -> CouncilOverview:
    """The dashboard's figures for one council on `today` (default: today); its members and admins only."""
    today = today or dt.date.today()
    require_read_council(actor, council_id, "consulter le tableau de bord de cette instance")
    council = session.get(Council, council_id)
    if council is None:
        raise NotFoundError(f"l'instance n° {council_id} n'existe pas")
    vocab = Vocabularies.load(session)
    area = council_footprint(session, council_id)
    partner_ids = partnership_ids(session, council_id, area)
    territory_keys = session.exec(
        select(CouncilTerritory.territory_key).where(CouncilTerritory.council_id == council_id)
    ).all()

    # Columns, not ORM objects: a large council has thousands of links, actions and partners.
    links = session.exec(select(CooperationLink.partner_a_id, CooperationLink.partner_b_id, CooperationLink.kind,
                                CooperationLink.updated_at, CooperationLink.created_at)
                         .where(CooperationLink.council_id == council_id)).all()
    # Partners and links counted on the council's graph, as the Réseau page and the summary count them.
    graph = build_graph(load_source(session, actor, Scope.council(council_id), today, vocab), GraphFilters())
    figures = graph_figures(graph)

    actions = session.exec(
        select(Action.title, Action.action_type, Action.status, Action.end_date, Action.updated_at,
               Action.created_at).where(Action.council_id == council_id, Action.archived_at.is_(None))
    ).all()
    by_type = Counter(
        action.action_type for action in actions
        if effective_status(action.status, action.end_date, today) == "en_cours"
    )
    type_order = vocab.codes("action_type")
    active_by_type = [
        (vocab.label("action_type", code), by_type[code])
        for code in sorted(by_type, key=lambda c: (type_order.index(c) if c in type_order else 99, c))
    ]
    review = sorted(
        (action.title, action.end_date) for action in actions
        if needs_review(action.status, action.end_date, today)
    )

    partners = session.exec(select(Partner.id, Partner.name, Partner.typology, Partner.verified_on, Partner.updated_at,
                                   Partner.created_at).where(Partner.id.in_(partner_ids))).all() if partner_ids else []
    limit = today - dt.timedelta(days=STALE_AFTER_DAYS)
    stale = sorted(
        (StalePartner(p.id, p.name, vocab.label("typology", p.typology), p.verified_on)
         for p in partners if p.verified_on is None or p.verified_on < limit),
        key=lambda s: (s.verified_on or dt.date.min, s.name),
    )

    changes = [Change(p.updated_at, "Partenaire", p.name, p.updated_at == p.created_at) for p in partners]
    changes += [Change(a.updated_at, "Action", a.title, a.updated_at == a.created_at) for a in actions]
    names = {p.id: p.name for p in partners}
    changes += [
        Change(l.updated_at, "Lien",
               f"{names.get(l.partner_a_id, '?')} — {names.get(l.partner_b_id, '?')} ({vocab.label('link_kind', l.kind)})",
               l.updated_at == l.created_at)
        for l in links
    ]
    changes.sort(key=lambda c: (c.at, c.label), reverse=True)

    labels = territory_labels(session, list(territory_keys))
    return CouncilOverview(
        council_id=council.id,
        name=council.name,
        kind=vocab.label("council_kind", council.kind),
        status=vocab.label("council_status", council.status),
        last_plenary=council.last_plenary,
        coordination_contact=council.coordination_contact,
        territories=sorted(labels.get(key, key) for key in territory_keys),
        communes=len(area.communes),
        population=area.population,
        partners=figures.partners,
        links_by_level=figures.links_by_level,
        level_labels={int(code): label for code, label in vocab.labels("link_level").items()},
        active_actions_by_type=active_by_type,
        actions_to_review=review,
        stale_partners=stale,
        latest_changes=changes[:changes_limit],
        engaged_partners=figures.engaged,
        linked_pairs=figures.pairs,
        partners_help=partners_help(figures, "tableau_de_bord"),
        links_help=links_help(figures),
    )
