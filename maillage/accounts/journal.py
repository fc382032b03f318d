"""The audit log: every create, update, archive, restore, merge and import, with values before and after."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, desc, select

from maillage.accounts.access import Actor, require_admin
from maillage.core.writes import ENTITY_LABELS, OPERATION_LABELS  # noqa: F401  (the journal's labels)
from models import AuditEntry

# French names of the recorded fields, for the journal's « Changements » column (the code name when unknown).
FIELD_LABELS: dict[str, str] = {
    "name": "nom", "title": "titre", "typology": "typologie", "kind": "nature", "level": "niveau",
    "seat_commune_key": "commune du siège", "territory_key": "territoire", "territories": "territoires",
    "siret": "SIRET", "website": "site web", "contact_name": "nom du contact", "contact_role": "fonction du contact",
    "contact_email": "e-mail du contact", "contact_phone": "téléphone du contact", "verified_on": "vérifiée le",
    "notes": "notes", "note": "note", "archived_at": "archivée le", "council_id": "instance", "network_id": "réseau",
    "partner_id": "partenaire", "partner_a_id": "partenaire A", "partner_b_id": "partenaire B", "action_id": "action",
    "start_date": "début", "end_date": "fin", "status": "statut", "action_type": "type d'action", "theme": "thème",
    "themes": "thèmes", "public": "public", "publics": "publics", "mode": "modalité", "platform": "plateforme",
    "platforms": "plateformes", "weekly_hours": "heures par semaine", "budget_eur": "budget (€)",
    "funding": "financements", "shared": "partagée avec les réseaux", "evaluation": "évaluation",
    "people_reached": "personnes touchées", "referrals": "orientations", "online_contacts": "contacts en ligne",
    "year": "année", "value": "valeur", "role": "rôle", "email": "e-mail", "display_name": "nom affiché",
    "active": "active", "label": "libellé", "code": "code", "group_code": "secteur", "position": "rang",
    "population_min": "population minimale", "zone": "zone", "last_plenary": "dernière plénière",
    "coordination_contact": "contact de coordination", "deadline": "échéance", "targeting": "partenaires visés",
    "sector": "secteur", "decisions": "décisions", "answer": "réponse", "codes": "codes", "councils": "instances",
    "networks": "réseaux", "network_ids": "réseaux", "rows": "lignes", "file": "fichier", "files": "fichiers",
}
# Bookkeeping fields left out of the summary: they change with every write and say nothing to a reader.
QUIET_FIELDS = frozenset({"id", "version", "created_at", "updated_at", "search_name", "password_hash",
                          "token_hash", "failed_attempts", "locked_until", "last_login_at"})


@dataclass(frozen=True)
class AuditRow:
    """One audit entry, decoded for display."""

    id: int
    at: dt.datetime
    user_email: str
    operation: str
    entity: str
    record_id: int | None
    label: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for every value that differs."""
        before, after = self.before or {}, self.after or {}
        return [(key, before.get(key), after.get(key)) for key in sorted(set(before) | set(after))
                if before.get(key) != after.get(key)]

    def summary(self, limit: int = 300) -> str:
        """`champ : avant → après; …` with French field names, bookkeeping fields left out, cut to `limit`."""
        text = "; ".join(f"{FIELD_LABELS.get(key, key)} : {'—' if old is None else old} → {'—' if new is None else new}"
                         for key, old, new in self.changed_fields() if key not in QUIET_FIELDS)
        return text if len(text) <= limit else text[: limit - 1] + "…"


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(entry.id, entry.at, entry.user_email, entry.operation, entry.entity, entry.record_id,
                    entry.label, json.loads(entry.before) if entry.before else None,
                    json.loads(entry.after) if entry.after else None)


def list_audit(session: Session, actor: Actor, *, user_email: str | None = None, entity: str | None = None,
               record_id: int | None = None, label_contains: str | None = None,
               since: dt.date | None = None, until: dt.date | None = None, limit: int = 500) -> list[AuditRow]:
    """The audit log, newest first, filtered by user, record and dates (administrators only)."""
    require_admin(actor, "consulter le journal des modifications")
    statement = select(AuditEntry)
    if user_email:
        statement = statement.where(AuditEntry.user_email == user_email)
    if entity:
        statement = statement.where(AuditEntry.entity == entity)
    if record_id is not None:
        statement = statement.where(AuditEntry.record_id == record_id)
    if label_contains:
        statement = statement.where(AuditEntry.label.ilike(f"%{label_contains}%"))
    if since:
        statement = statement.where(AuditEntry.at >= dt.datetime.combine(since, dt.time(), dt.UTC))
    if until:
        statement = statement.where(AuditEntry.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC))
    statement = statement.order_by(desc(AuditEntry.at), desc(AuditEntry.id)).limit(limit)
    return [_row(entry) for entry in session.exec(statement)]


def record_history(session: Session, actor: Actor, entity: str, record_id: int) -> list[AuditRow]:
    """One record's own history, newest first, from the journal (administrators; partners' and actions'
    own histories come with their details, which check who may read them)."""
    require_admin(actor, "consulter le journal des modifications")
    statement = (select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.record_id == record_id)
                 .order_by(desc(AuditEntry.at), desc(AuditEntry.id)))
    return [_row(entry) for entry in session.exec(statement)]


def audit_users(session: Session, actor: Actor) -> list[str]:
    """The e-mails that appear in the audit log, for the filter."""
    require_admin(actor, "consulter le journal des modifications")
    return sorted(e for e in session.exec(select(AuditEntry.user_email).distinct()).all() if e)
