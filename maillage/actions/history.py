"""An action's own history, read from the audit log and told in French (who, when, what changed)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from maillage.accounts.access import Actor, require_read_council
from maillage.actions.access import visible_action
from maillage.actions.editing import FIELD_LABELS
from maillage.actions.indicators import INDICATOR_FIELDS
from maillage.actions.territories import territory_label
from maillage.core.errors import PermissionDenied
from maillage.core.formatting import (
    format_date,
    format_decimal,
    format_euros,
    format_int,
)
from maillage.vocabularies.store import Vocabularies
from models import AuditEntry, Council, Territory

OPERATIONS = {
    "create": "création",
    "update": "modification",
    "archive": "archivage",
    "restore": "restauration",
    "merge": "fusion",
    "import": "import",
    "delete": "suppression",
}
VOCABULARY_OF = {"action_type": "action_type", "status": "action_status", "mode": "mode", "themes": "theme",
                 "publics": "public", "platforms": "platform", "fundings": "funding"}


@dataclass(frozen=True)
class FieldChange:
    """One field of one change: French name, value before, value after."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    """One audit entry of the action."""

    at: dt.datetime
    who: str
    operation: str
    label: str
    changes: list[FieldChange]


class _Formatter:
    """Turns stored audit values into French text (codes into labels, keys into names, dates, amounts)."""

    def __init__(self, session: Session, entries: list[AuditEntry]):
        """Read the labels the entries will need (vocabularies, councils, territories)."""
        self.vocab = Vocabularies.load(session)
        self.councils = dict(session.exec(select(Council.id, Council.name)).all())
        keys: set[str] = set()
        for entry in entries:
            for blob in (entry.before, entry.after):
                keys.update((json.loads(blob) or {}).get("territory_keys") or [] if blob else [])
        rows = session.exec(select(Territory).where(Territory.key.in_(sorted(keys)))).all() if keys else []
        self.territories = {t.key: territory_label(t.level, t.code, t.name, t.commune_code) for t in rows}

    def field(self, name: str) -> str:
        """The French name of a stored field."""
        if name.startswith("indicators_"):
            return f"Indicateurs {name.removeprefix('indicators_')}"
        if name == "archived_at":
            return "Archivée le"
        return FIELD_LABELS.get(name, name)

    def value(self, name: str, value: Any) -> str:
        """A stored value as French text."""
        if value is None or value == [] or value == "":
            return "—"
        if name in VOCABULARY_OF:
            kind = VOCABULARY_OF[name]
            values = value if isinstance(value, list) else [value]
            return ", ".join(self.vocab.label(kind, v) for v in values)
        if name == "territory_keys":
            return ", ".join(self.territories.get(k, k) for k in value)
        if name == "partners":
            return ", ".join(self._partner(item) for item in value)
        if name == "council_id":
            return self.councils.get(value, str(value))
        if name in ("start_date", "end_date"):
            return format_date(dt.date.fromisoformat(str(value)[:10]))
        if name == "archived_at":
            return format_date(dt.date.fromisoformat(str(value)[:10]))
        if name == "weekly_hours":
            return f"{format_decimal(float(value))} h"
        if name == "budget_eur":
            return format_euros(float(value))
        if name == "shared":
            return "oui" if value else "non"
        if name.startswith("indicators_") and isinstance(value, dict):
            return ", ".join(f"{label} : {format_int(value[key]) if value.get(key) is not None else '—'}"
                             for key, label in INDICATOR_FIELDS.items())
        return str(value)

    def _partner(self, item: str) -> str:
        """`Name:role` → `Name (Rôle)`."""
        name, _, role = str(item).rpartition(":")
        return f"{name} ({self.vocab.label('role', role)})" if name else str(item)


def _changes(formatter: _Formatter, before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    """The fields that differ between two audit snapshots, told in French."""
    names = list(dict.fromkeys([*FIELD_LABELS, *sorted(before), *sorted(after)]))
    return [
        FieldChange(formatter.field(name), formatter.value(name, before.get(name)),
                    formatter.value(name, after.get(name)))
        for name in names
        if (name in before or name in after) and before.get(name) != after.get(name)
    ]


def action_history(session: Session, actor: Actor, action_id: int) -> list[HistoryEntry]:
    """The action's audit entries, newest first (its council's coordinators and administrators)."""
    action = visible_action(session, actor, action_id, archived=True)
    if actor.role not in ("admin", "coordinateur"):
        raise PermissionDenied("l'historique des modifications est réservé aux coordinateurs et administrateurs")
    require_read_council(actor, action.council_id, "consulter l'historique de cette action")
    entries = list(session.exec(
        select(AuditEntry).where(AuditEntry.entity == "action", AuditEntry.record_id == action.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    ))
    formatter = _Formatter(session, entries)
    history = []
    for entry in entries:
        before = json.loads(entry.before) if entry.before else {}
        after = json.loads(entry.after) if entry.after else {}
        history.append(HistoryEntry(entry.at, entry.user_email or "—", OPERATIONS.get(entry.operation, entry.operation),
                                    entry.label, _changes(formatter, before, after)))
    return history
