"""Archived partners and actions, listed for the administration page and restored from there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from maillage.accounts.access import Actor, require_admin
from maillage.actions.editing import restore_action
from maillage.core.errors import ValidationError
from maillage.partners.register import restore_partner
from models import Action, Council, Partner, Territory


@dataclass(frozen=True)
class ArchivedRecord:
    """An archived partner or action."""

    entity: str
    id: int
    label: str
    where: str
    archived_at: dt.datetime
    version: int


def archived_records(session: Session, actor: Actor) -> list[ArchivedRecord]:
    """Every archived partner and action, most recently archived first (administrators only)."""
    require_admin(actor, "consulter les éléments archivés")
    records = [
        ArchivedRecord("partner", p.id, p.name, commune or p.seat_commune_key, p.archived_at, p.version)
        for p, commune in session.exec(
            select(Partner, Territory.name).join(Territory, Territory.key == Partner.seat_commune_key)
            .where(Partner.archived_at.is_not(None))
        )
    ]
    records += [
        ArchivedRecord("action", a.id, a.title, council, a.archived_at, a.version)
        for a, council in session.exec(
            select(Action, Council.name).join(Council, Council.id == Action.council_id)
            .where(Action.archived_at.is_not(None))
        )
    ]
    return sorted(records, key=lambda r: r.archived_at, reverse=True)


def restore_record(session: Session, actor: Actor, entity: str, record_id: int, expected_version: int | None) -> None:
    """Restore an archived partner or action (administrators only, here)."""
    require_admin(actor, "restaurer depuis l'administration")
    if entity == "partner":
        restore_partner(session, actor, record_id, expected_version)
    elif entity == "action":
        restore_action(session, actor, record_id)
    else:
        raise ValidationError(f"« {entity} » ne peut pas être restauré")
