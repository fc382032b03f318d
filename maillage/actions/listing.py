"""The list of actions: filters, one row per action with its lists and partners, sorting, and totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from maillage.accounts.access import Actor
from maillage.actions.access import visibility
from maillage.actions.status import effective_status, needs_review
from maillage.actions.territories import matching_territory_keys, territory_label
from maillage.core.db import chunks
from maillage.core.text import fold
from maillage.partners.choices import partner_labels
from maillage.vocabularies.store import Vocabularies
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
    matched: int = 0  # actions matching the filters (more than `rows` when a limit was given)


def _conditions(session: Session, actor: Actor, filters: ActionFilters) -> list[Any]:
    """The SQL conditions of the filters that SQL can apply (and of what the actor may see)."""
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
    """(action id, values…) rows → action id → list of values."""
    grouped: dict[int, list] = {}
    for action_id, *values in rows:
        grouped.setdefault(action_id, []).append(values[0] if len(values) == 1 else tuple(values))
    return grouped


def _people(session: Session, ids_query, year: int | None) -> dict[int, int]:
    """People reached per action: that year's figure, or every year added up."""
    statement = (select(Indicator.action_id, func.sum(Indicator.people_reached))
                 .where(Indicator.action_id.in_(ids_query)))
    if year is not None:
        statement = statement.where(Indicator.year == year)
    return {action_id: total for action_id, total in session.exec(statement.group_by(Indicator.action_id))}


def _related(session: Session, ids_query) -> dict[str, dict[int, list]]:
    """Territories, themes, publics and partners of the actions selected by `ids_query`."""
    return {
        "territories": _grouped(session.exec(
            select(ActionTerritory.action_id, Territory.key, Territory.level, Territory.code, Territory.name,
                   Territory.commune_code)
            .join(Territory, Territory.key == ActionTerritory.territory_key)
            .where(ActionTerritory.action_id.in_(ids_query))
        ).all()),
        "themes": _grouped(session.exec(
            select(ActionTheme.action_id, ActionTheme.theme).where(ActionTheme.action_id.in_(ids_query))).all()),
        "publics": _grouped(session.exec(
            select(ActionPublic.action_id, ActionPublic.public).where(ActionPublic.action_id.in_(ids_query))).all()),
        "partners": _grouped(session.exec(
            select(ActionPartner.action_id, Partner.name, ActionPartner.role)
            .join(Partner, Partner.id == ActionPartner.partner_id)
            .where(ActionPartner.action_id.in_(ids_query))
        ).all()),
    }


_NONE: tuple = ()
LEVEL_RANK = {level: rank for rank, level in enumerate(("reg", "dep", "epci", "ept", "com", "sub"))}
ACTION_COLUMNS = (Action.id, Action.title, Action.council_id, Action.action_type, Action.status, Action.start_date,
                  Action.end_date, Action.weekly_hours, Action.budget_eur, Action.shared, Action.mode, Action.version)


def _base_row(action: tuple, council: str, people: int | None, labels: dict[str, dict[str, str]],
              as_of: dt.date) -> ActionRow:
    """An action's row (ACTION_COLUMNS values) without its lists, filled in by `_fill` for the rows shown."""
    (action_id, title, council_id, action_type, stored_status, start_date, end_date, weekly_hours, budget_eur,
     shared, mode, version) = action
    status = effective_status(stored_status, end_date, as_of)
    return ActionRow(
        id=action_id, title=title, council_id=council_id, council=council,
        action_type=action_type, action_type_label=labels["action_type"].get(action_type, action_type),
        status=stored_status, effective_status=status, status_label=labels["action_status"].get(status, status),
        needs_review=needs_review(stored_status, end_date, as_of),
        # One shared empty tuple until `_fill`: thousands of fresh empty lists would wake the garbage collector.
        start_date=start_date, end_date=end_date, territory_keys=_NONE, territories=_NONE,
        publics=_NONE, public_labels=_NONE, themes=_NONE, theme_labels=_NONE, partners=_NONE, partner_labels=_NONE,
        weekly_hours=weekly_hours, budget_eur=budget_eur, people_reached=people,
        shared=bool(shared), mode=mode, version=version,
    )


def _fill(row: ActionRow, related: dict[str, dict[int, list]], labels: dict[str, dict[str, str]],
          ranks: dict[str, dict[str, int]]) -> None:
    """Add an action's territories, publics, themes and partners to its row (labels in vocabulary order)."""
    territories = sorted(related["territories"].get(row.id, []),
                         key=lambda t: (LEVEL_RANK.get(t[1], 9), fold(t[3])))
    row.territory_keys = [t[0] for t in territories]
    row.territories = [territory_label(level, code, name, commune) for _key, level, code, name, commune in territories]
    for kind, codes_field, labels_field in (("public", "publics", "public_labels"),
                                            ("theme", "themes", "theme_labels")):
        rank = ranks[kind]
        codes = sorted(related[codes_field].get(row.id, []), key=lambda code: (rank.get(code, len(rank)), code))
        setattr(row, codes_field, codes)
        setattr(row, labels_field, [labels[kind].get(code, code) for code in codes])
    role_rank, roles = ranks["role"], labels["role"]
    partners = sorted(related["partners"].get(row.id, []), key=lambda p: (role_rank.get(p[1], 99), fold(p[0])))
    row.partners = [(name, role) for name, role in partners]
    row.partner_labels = [f"{name} ({roles.get(role, role)})" for name, role in partners]


def sort_rows(rows: list[ActionRow], key: str = "start_date", descending: bool = False) -> list[ActionRow]:
    """Rows sorted on one of SORT_KEYS; empty values always last, ties broken by title."""
    if key not in SORT_KEYS:
        key = "start_date"
    attribute = {"council": "council", "action_type": "action_type_label", "status": "status_label"}.get(key, key)

    def value(row: ActionRow) -> Any:
        """The sort value of a row (text compared without accents or case)."""
        raw = getattr(row, attribute)
        return fold(raw) if isinstance(raw, str) else raw

    present = [row for row in rows if getattr(row, attribute) is not None]
    missing = [row for row in rows if getattr(row, attribute) is None]
    present.sort(key=lambda row: fold(row.title))
    present.sort(key=value, reverse=descending)
    missing.sort(key=lambda row: fold(row.title))
    return present + missing


def list_actions(session: Session, actor: Actor, filters: ActionFilters | None = None,
                 as_of: dt.date | None = None, sort: str = "start_date", descending: bool = True,
                 limit: int | None = None) -> ActionList:
    """The actions `actor` may see that pass `filters`, sorted, with totals (statuses at `as_of`).

    Totals always cover every matching action; with `limit`, only the first `limit` rows (after sorting)
    are returned, which keeps a France-wide list fast (`ActionList.matched` says how many matched).
    """
    filters = filters or ActionFilters()
    as_of = as_of or dt.date.today()
    vocab = Vocabularies.load(session)
    labels = {kind: vocab.labels(kind) for kind in ("action_type", "action_status", "public", "theme", "role")}
    ranks = {kind: {code: position for position, code in enumerate(vocab.codes(kind))}
             for kind in ("theme", "public", "role")}
    conditions = _conditions(session, actor, filters)
    ids_query = select(Action.id).where(*conditions)
    councils = dict(session.exec(select(Council.id, Council.name)).all())
    people = _people(session, ids_query, filters.year)
    rows = [_base_row(tuple(action), councils.get(action[2], "?"), people.get(action[0]), labels, as_of)
            for action in session.exec(select(*ACTION_COLUMNS).where(*conditions))]
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
    shown = rows if limit is None else rows[:limit]
    if len(shown) == len(rows):
        related = _related(session, ids_query)
    else:
        related = {"territories": {}, "themes": {}, "publics": {}, "partners": {}}
        ids = [row.id for row in shown]
        for chunk in chunks(ids):
            part = _related(session, select(Action.id).where(Action.id.in_(chunk)))
            for name, values in part.items():
                related[name].update(values)
    for row in shown:
        _fill(row, related, labels, ranks)
    return ActionList(rows=shown, totals=totals, as_of=as_of, people_year=filters.year, matched=len(rows))


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
    partners_searched: bool = False  # too many partners to list: the page offers a search by name


def visible_councils(session: Session, actor: Actor) -> dict[int, str]:
    """id → name of the councils with actions the actor may see (all councils for an administrator)."""
    allowed = visibility(session, actor).council_ids()
    statement = select(Council.id, Council.name).order_by(Council.name)
    if allowed is not None:
        statement = statement.where(Council.id.in_(sorted(allowed)))
    return dict(session.exec(statement).all())


def opening_councils(actor: Actor, council_id: int | None, visible: dict[int, str] | set[int]) -> list[int]:
    """The councils the list opens on: none for a network member (every action their networks share), the
    council picked in the sidebar for the others (when they may see it)."""
    if actor.role == "reseau":
        return []
    return [council_id] if council_id in visible else []


def filter_options(session: Session, actor: Actor, council_ids: list[int] | None = None,
                   as_of: dt.date | None = None, max_partners: int = 2000) -> FilterOptions:
    """Filter choices: vocabularies, visible councils, and the partners and years of the actions in view.

    Beyond `max_partners` partners (a France-wide view), `partners` is left empty: search them by name instead.
    """
    as_of = as_of or dt.date.today()
    vocab = Vocabularies.load(session)
    conditions = _conditions(session, actor, ActionFilters(council_ids=list(council_ids or [])))
    ids_query = select(Action.id).where(*conditions)
    partner_ids = session.exec(
        select(ActionPartner.partner_id).where(ActionPartner.action_id.in_(ids_query)).distinct()
        .limit(max_partners + 1)
    ).all()
    partners = partner_labels(session, partner_ids) if len(partner_ids) <= max_partners else {}
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
        partners_searched=len(partner_ids) > max_partners,
    )
