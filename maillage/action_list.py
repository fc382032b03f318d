"""The list of actions: filters, one row per action with its lists and partners, sorting, and totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from maillage.access import Actor
from maillage.action_access import visibility
from maillage.action_partners import partner_labels
from maillage.action_territories import matching_territory_keys, territory_label
from maillage.actions import effective_status, needs_review
from maillage.text import fold
from maillage.vocab import Vocabularies
from models import (
    Action,
    ActionPartner,
    ActionPublic,
    ActionTerritory,
    ActionTheme,
    Council,
    Indicator,
    Partner,
    Territory,
)

SORT_KEYS = {
    "start_date": "Début",
    "end_date": "Fin",
    "title": "Titre",
    "council": "Instance",
    "action_type": "Type d'action",
    "status": "Statut",
    "weekly_hours": "Heures par semaine",
    "budget_eur": "Budget",
    "people_reached": "Personnes touchées",
}


@dataclass
class ActionFilters:
    """What the list is narrowed to; empty lists and None mean « all ». Lists match any of their values."""

    council_ids: list[int] = field(default_factory=list)
    action_types: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)  # effective status at the list's date
    territory_key: str | None = None
    partner_id: int | None = None
    year: int | None = None  # actions running at some point of that year
    shared: bool | None = None
    review_only: bool = False
    text: str = ""


@dataclass
class ActionRow:
    """One action as listed, with French labels ready to show."""

    id: int
    title: str
    council_id: int
    council: str
    action_type: str
    action_type_label: str
    status: str
    effective_status: str
    status_label: str
    needs_review: bool
    start_date: dt.date
    end_date: dt.date | None
    territory_keys: list[str]
    territories: list[str]
    publics: list[str]
    public_labels: list[str]
    themes: list[str]
    theme_labels: list[str]
    partners: list[tuple[str, str]]  # (partner name, role code)
    partner_labels: list[str]  # `Name (Rôle)`
    weekly_hours: float | None
    budget_eur: float | None
    people_reached: int | None
    shared: bool
    mode: str | None
    version: int


@dataclass(frozen=True)
class ActionTotals:
    """Sums over the listed actions."""

    actions: int
    weekly_hours: float
    budget_eur: float
    people_reached: int
    to_review: int


@dataclass
class ActionList:
    """The rows and totals of a list, with the date statuses were computed at."""

    rows: list[ActionRow]
    totals: ActionTotals
    as_of: dt.date
    people_year: int | None  # year of « people reached », None: all years added up


def _conditions(session: Session, actor: Actor, filters: ActionFilters) -> list[Any]:
    conditions: list[Any] = [Action.archived_at.is_(None)]
    rule = visibility(session, actor).condition()
    if rule is not None:
        conditions.append(rule)
    if filters.council_ids:
        conditions.append(Action.council_id.in_(filters.council_ids))
    if filters.action_types:
        conditions.append(Action.action_type.in_(filters.action_types))
    if filters.shared is not None:
        conditions.append(Action.shared.is_(filters.shared))
    if filters.year is not None:
        conditions.append(Action.start_date <= dt.date(filters.year, 12, 31))
        conditions.append((Action.end_date.is_(None)) | (Action.end_date >= dt.date(filters.year, 1, 1)))
    if filters.themes:
        conditions.append(Action.id.in_(select(ActionTheme.action_id).where(ActionTheme.theme.in_(filters.themes))))
    if filters.publics:
        conditions.append(Action.id.in_(
            select(ActionPublic.action_id).where(ActionPublic.public.in_(filters.publics))))
    if filters.territory_key:
        keys = sorted(matching_territory_keys(session, filters.territory_key))
        conditions.append(Action.id.in_(
            select(ActionTerritory.action_id).where(ActionTerritory.territory_key.in_(keys))))
    if filters.partner_id is not None:
        conditions.append(Action.id.in_(
            select(ActionPartner.action_id).where(ActionPartner.partner_id == filters.partner_id)))
    return conditions


def _grouped(rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for action_id, *values in rows:
        grouped.setdefault(action_id, []).append(values[0] if len(values) == 1 else tuple(values))
    return grouped


def _related(session: Session, ids_query, year: int | None) -> dict[str, dict[int, Any]]:
    """Territories, themes, publics, partners and people reached of the actions selected by `ids_query`."""
    territories = _grouped(session.exec(
        select(ActionTerritory.action_id, Territory.key, Territory.level, Territory.code, Territory.name,
               Territory.commune_code)
        .join(Territory, Territory.key == ActionTerritory.territory_key)
        .where(ActionTerritory.action_id.in_(ids_query))
    ).all())
    themes = _grouped(session.exec(
        select(ActionTheme.action_id, ActionTheme.theme).where(ActionTheme.action_id.in_(ids_query))).all())
    publics = _grouped(session.exec(
        select(ActionPublic.action_id, ActionPublic.public).where(ActionPublic.action_id.in_(ids_query))).all())
    partners = _grouped(session.exec(
        select(ActionPartner.action_id, Partner.name, ActionPartner.role)
        .join(Partner, Partner.id == ActionPartner.partner_id)
        .where(ActionPartner.action_id.in_(ids_query))
    ).all())
    people_query = select(Indicator.action_id, func.sum(Indicator.people_reached)).where(
        Indicator.action_id.in_(ids_query))
    if year is not None:
        people_query = people_query.where(Indicator.year == year)
    people = {action_id: total for action_id, total in session.exec(people_query.group_by(Indicator.action_id))}
    return {"territories": territories, "themes": themes, "publics": publics, "partners": partners,
            "people": people}


def _ordered(codes: list[str], order: list[str]) -> list[str]:
    return sorted(codes, key=lambda code: (order.index(code) if code in order else len(order), code))


def _row(action: Action, council: str, related: dict[str, dict[int, Any]], vocab: Vocabularies,
         as_of: dt.date) -> ActionRow:
    territories = sorted(related["territories"].get(action.id, []),
                         key=lambda t: (("reg", "dep", "epci", "ept", "com", "sub").index(t[1]), fold(t[3])))
    themes = _ordered(related["themes"].get(action.id, []), vocab.codes("theme"))
    publics = _ordered(related["publics"].get(action.id, []), vocab.codes("public"))
    role_order = vocab.codes("role")
    partners = sorted(related["partners"].get(action.id, []),
                      key=lambda p: (role_order.index(p[1]) if p[1] in role_order else 99, fold(p[0])))
    status = effective_status(action.status, action.end_date, as_of)
    return ActionRow(
        id=action.id, title=action.title, council_id=action.council_id, council=council,
        action_type=action.action_type, action_type_label=vocab.label("action_type", action.action_type),
        status=action.status, effective_status=status, status_label=vocab.label("action_status", status),
        needs_review=needs_review(action.status, action.end_date, as_of),
        start_date=action.start_date, end_date=action.end_date,
        territory_keys=[t[0] for t in territories],
        territories=[territory_label(level, code, name, commune) for _key, level, code, name, commune in territories],
        publics=publics, public_labels=[vocab.label("public", p) for p in publics],
        themes=themes, theme_labels=[vocab.label("theme", t) for t in themes],
        partners=[(name, role) for name, role in partners],
        partner_labels=[f"{name} ({vocab.label('role', role)})" for name, role in partners],
        weekly_hours=action.weekly_hours, budget_eur=action.budget_eur,
        people_reached=related["people"].get(action.id), shared=action.shared, mode=action.mode,
        version=action.version,
    )


def sort_rows(rows: list[ActionRow], key: str = "start_date", descending: bool = False) -> list[ActionRow]:
    """Rows sorted on one of SORT_KEYS; empty values always last, ties broken by title."""
    if key not in SORT_KEYS:
        key = "start_date"
    attribute = {"council": "council", "action_type": "action_type_label", "status": "status_label"}.get(key, key)

    def value(row: ActionRow) -> Any:
        raw = getattr(row, attribute)
        return fold(raw) if isinstance(raw, str) else raw

    present = [row for row in rows if getattr(row, attribute) is not None]
    missing = [row for row in rows if getattr(row, attribute) is None]
    present.sort(key=lambda row: fold(row.title))
    present.sort(key=value, reverse=descending)
    missing.sort(key=lambda row: fold(row.title))
    return present + missing


def list_actions(session: Session, actor: Actor, filters: ActionFilters | None = None,
                 as_of: dt.date | None = None, sort: str = "start_date", descending: bool = True) -> ActionList:
    """The actions `actor` may see that pass `filters`, sorted, with totals (statuses at `as_of`)."""
    filters = filters or ActionFilters()
    as_of = as_of or dt.date.today()
    vocab = Vocabularies.load(session)
    conditions = _conditions(session, actor, filters)
    actions = session.exec(select(Action).where(*conditions)).all()
    councils = dict(session.exec(select(Council.id, Council.name)).all())
    related = _related(session, select(Action.id).where(*conditions), filters.year)
    rows = [_row(action, councils.get(action.council_id, "?"), related, vocab, as_of) for action in actions]
    if filters.statuses:
        rows = [row for row in rows if row.effective_status in filters.statuses]
    if filters.review_only:
        rows = [row for row in rows if row.needs_review]
    words = fold(filters.text).split()
    if words:
        rows = [row for row in rows if all(word in fold(row.title) for word in words)]
    rows = sort_rows(rows, sort, descending)
    totals = ActionTotals(
        actions=len(rows),
        weekly_hours=sum(row.weekly_hours or 0 for row in rows),
        budget_eur=sum(row.budget_eur or 0 for row in rows),
        people_reached=sum(row.people_reached or 0 for row in rows),
        to_review=sum(1 for row in rows if row.needs_review),
    )
    return ActionList(rows=rows, totals=totals, as_of=as_of, people_year=filters.year)


# ---------------------------------------------------------------- what the filters offer


@dataclass
class FilterOptions:
    """The values each filter offers (code → French label), for the councils in view."""

    councils: dict[int, str]
    action_types: dict[str, str]
    themes: dict[str, str]
    publics: dict[str, str]
    statuses: dict[str, str]
    partners: dict[int, str]
    years: list[int]


def visible_councils(session: Session, actor: Actor) -> dict[int, str]:
    """id → name of the councils with actions the actor may see (all councils for an administrator)."""
    allowed = visibility(session, actor).council_ids()
    statement = select(Council.id, Council.name).order_by(Council.name)
    if allowed is not None:
        statement = statement.where(Council.id.in_(sorted(allowed)))
    return dict(session.exec(statement).all())


def filter_options(session: Session, actor: Actor, council_ids: list[int] | None = None,
                   as_of: dt.date | None = None) -> FilterOptions:
    """Filter choices: vocabularies, visible councils, and the partners and years of the actions in view."""
    as_of = as_of or dt.date.today()
    vocab = Vocabularies.load(session)
    conditions = _conditions(session, actor, ActionFilters(council_ids=list(council_ids or [])))
    ids_query = select(Action.id).where(*conditions)
    partners = partner_labels(session, session.exec(
        select(ActionPartner.partner_id).where(ActionPartner.action_id.in_(ids_query)).distinct()
    ).all())
    first, last_end, open_ended = session.exec(
        select(func.min(Action.start_date), func.max(Action.end_date),
               func.count(Action.id).filter(Action.end_date.is_(None))).where(*conditions)
    ).one()
    years: list[int] = []
    if first is not None:
        last = max(last_end.year if last_end else first.year, as_of.year if open_ended else first.year)
        years = list(range(last, first.year - 1, -1))
    return FilterOptions(
        councils=visible_councils(session, actor),
        action_types=vocab.labels("action_type"), themes=vocab.labels("theme"), publics=vocab.labels("public"),
        statuses=vocab.labels("action_status"),
        partners=partners,
        years=years,
    )
