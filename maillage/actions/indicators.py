"""Yearly indicators of an action: people reached, sessions held, online contacts, referrals (counts only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from maillage.accounts.access import Actor, require_write_council
from maillage.actions.access import visible_action
from maillage.core.errors import ConflictError, NotFoundError, ValidationError
from maillage.core.formatting import format_datetime
from maillage.core.writes import Entity, Operation, record_change
from models import Action, AuditEntry, Indicator

INDICATOR_FIELDS = {
    "people_reached": "Personnes touchées",
    "sessions": "Séances",
    "online_contacts": "Contacts en ligne",
    "referrals": "Orientations vers un accompagnement physique",
}
MAX_COUNT = 100_000_000


@dataclass(frozen=True)
class IndicatorRow:
    """One year's counts of an action."""

    year: int
    people_reached: int | None
    sessions: int | None
    online_contacts: int | None
    referrals: int | None
    version: int

    def values(self) -> dict[str, int | None]:
        """The four counts by field name."""
        return {name: getattr(self, name) for name in INDICATOR_FIELDS}


def _row(indicator: Indicator) -> IndicatorRow:
    """An Indicator as an IndicatorRow."""
    return IndicatorRow(indicator.year, indicator.people_reached, indicator.sessions, indicator.online_contacts,
                        indicator.referrals, indicator.version)


def action_indicators(session: Session, action_id: int) -> list[IndicatorRow]:
    """An action's indicators, most recent year first (no rights check: callers check)."""
    return [_row(i) for i in session.exec(
        select(Indicator).where(Indicator.action_id == action_id).order_by(Indicator.year.desc()))]


def indicators_of(session: Session, actor: Actor, action_id: int) -> list[IndicatorRow]:
    """An action's indicators, for someone allowed to see the action."""
    visible_action(session, actor, action_id)
    return action_indicators(session, action_id)


def allowed_years(action: Action, today: dt.date) -> list[int]:
    """The years an action can have figures for: from its start to its end, never beyond this year."""
    last = min(action.end_date.year if action.end_date else today.year, today.year)
    return list(range(last, action.start_date.year - 1, -1))


def indicator_problems(action: Action, year: Any, values: dict[str, Any], today: dt.date) -> list[tuple[str, str]]:
    """Why these figures cannot be saved for `year` (French, with the field)."""
    problems: list[tuple[str, str]] = []
    if not isinstance(year, int) or isinstance(year, bool):
        problems.append(("year", "Année : indiquez une année (par exemple 2025)"))
    elif year > today.year:
        problems.append(("year", f"Année : {year} n'a pas encore commencé ; les chiffres se saisissent une fois "
                                 "l'année en cours ou passée"))
    elif year < action.start_date.year:
        problems.append(("year", f"Année : {year} est avant le début de l'action ({action.start_date.year})"))
    elif action.end_date is not None and year > action.end_date.year:
        problems.append(("year", f"Année : {year} est après la fin de l'action ({action.end_date.year})"))
    for name, label in INDICATOR_FIELDS.items():
        value = values.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
            problems.append((name, f"{label} : doit être un nombre entier"))
        elif value < 0:
            problems.append((name, f"{label} : doit être positif ou nul"))
        elif value > MAX_COUNT:
            problems.append((name, f"{label} : {int(value)} n'est pas un effectif plausible"))
    if all(values.get(name) is None for name in INDICATOR_FIELDS):
        problems.append(("people_reached", "Indicateurs : saisissez au moins un chiffre"))
    return problems


def _check_version(session: Session, action: Action, indicator: Indicator, expected_version: int | None) -> None:
    """Refuse figures edited from an older version, naming who last changed this year's figures."""
    if expected_version is None:
        return
    # Re-read under a row lock (PostgreSQL) so two saves of the same version cannot both pass.
    session.exec(select(Indicator).where(Indicator.id == indicator.id).with_for_update()
                 .execution_options(populate_existing=True)).one()
    if indicator.version == expected_version:
        return
    label = f"{action.title} — indicateurs {indicator.year}"
    last = session.exec(
        select(AuditEntry).where(AuditEntry.entity == "action", AuditEntry.record_id == action.id,
                                 AuditEntry.label == label)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    ).first()
    who = (last.user_email or "un autre utilisateur") if last else "un autre utilisateur"
    when = f" le {format_datetime(last.at)}" if last else ""
    raise ConflictError(
        f"les indicateurs {indicator.year} de « {action.title} » ont été modifiés par {who}{when} pendant que "
        "vous les saisissiez : vos chiffres n'ont pas été enregistrés. Les valeurs actuelles sont affichées."
    )


def save_indicators(session: Session, actor: Actor, action_id: int, year: int, values: dict[str, Any],
                    expected_version: int | None = None, today: dt.date | None = None) -> IndicatorRow:
    """Create or replace one year's figures of an action (version checked when the year already exists)."""
    today = today or dt.date.today()
    action = visible_action(session, actor, action_id)
    require_write_council(actor, action.council_id, "saisir les indicateurs de cette action")
    problems = indicator_problems(action, year, values, today)
    if problems:
        raise ValidationError(problems)
    counts = {name: (int(values[name]) if values.get(name) is not None else None) for name in INDICATOR_FIELDS}
    indicator = session.exec(
        select(Indicator).where(Indicator.action_id == action.id, Indicator.year == year)).first()
    key = f"indicators_{year}"
    if indicator is None:
        indicator = Indicator(action_id=action.id, year=year, **counts)
        before = None
    else:
        _check_version(session, action, indicator, expected_version)
        before = _row(indicator).values()
        if before == counts:
            return _row(indicator)
        for name, value in counts.items():
            setattr(indicator, name, value)
        indicator.version += 1
    session.add(indicator)
    session.flush()
    record_change(session, actor, Entity.ACTION, Operation.UPDATE if before else Operation.CREATE,
                  record_id=action.id, label=f"{action.title} — indicateurs {year}", councils={action.council_id},
                  before={key: before} if before else None, after={key: counts})
    return _row(indicator)


def delete_indicators(session: Session, actor: Actor, action_id: int, year: int,
                      expected_version: int | None = None) -> None:
    """Remove one year's figures of an action."""
    action = visible_action(session, actor, action_id)
    require_write_council(actor, action.council_id, "supprimer les indicateurs de cette action")
    indicator = session.exec(
        select(Indicator).where(Indicator.action_id == action.id, Indicator.year == year)).first()
    if indicator is None:
        raise NotFoundError(f"aucun indicateur {year} pour « {action.title} »")
    _check_version(session, action, indicator, expected_version)
    before = _row(indicator).values()
    session.delete(indicator)
    record_change(session, actor, Entity.ACTION, Operation.DELETE, record_id=action.id, councils={action.council_id},
                  label=f"{action.title} — indicateurs {year}", before={f"indicators_{year}": before}, after=None)
