"""The write protocol: every change checks permission and version, is journalled, and bumps the data versions.

Every writing function of the domain runs its change inside `recorded_write`:

    with recorded_write(session, actor, Entity.LINK, Operation.UPDATE, record=link,
                        expected_version=version, permitted=lambda: require_write_council(actor, link.council_id),
                        councils={link.council_id}) as change:
        link.level = 3
        change.label = "A — B (Convention)"

On entering, the permission check runs, then the optimistic version check (the row is locked); on leaving
without error, the audit entry is written (values before and after) and the versions of the touched scopes are
bumped, in the caller's transaction. An update that changes nothing leaves no trace. Entity and operation
names are enums whose French labels live beside them, so what is written and what the journal shows cannot
drift apart.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from sqlmodel import Session

from maillage.core.db import bump_data_version
from maillage.core.versions import check_version, mark_updated
from models import AuditEntry

_PROVENANCE: ContextVar[str] = ContextVar("audit_provenance", default="")


@contextmanager
def audit_provenance(note: str) -> Iterator[None]:
    """Within this block, every audit entry's label ends with `note` (e.g. « déclaré par le partenaire, campagne X »)."""
    token = _PROVENANCE.set(note)
    try:
        yield
    finally:
        _PROVENANCE.reset(token)


class Entity(StrEnum):
    """What an audit entry is about (the value stored in `audit_entry.entity`)."""

    PARTNER = "partner"
    LINK = "link"
    ACTION = "action"
    INDICATOR = "indicator"
    COUNCIL = "council"
    NETWORK = "network"
    COVERAGE_RULE = "coverage_rule"
    EXPECTED_TYPOLOGY = "expected_typology"
    USER = "user"
    VOCABULARY = "vocabulary"
    IMPORT = "import"
    BACKUP = "backup"
    CAMPAIGN = "campaign"
    CAMPAIGN_INVITE = "campaign_invite"


ENTITY_LABELS: dict[str, str] = {
    Entity.PARTNER: "Partenaire",
    Entity.LINK: "Lien",
    Entity.ACTION: "Action",
    Entity.INDICATOR: "Indicateurs",
    Entity.COUNCIL: "Instance",
    Entity.NETWORK: "Réseau",
    Entity.COVERAGE_RULE: "Référentiel",
    Entity.EXPECTED_TYPOLOGY: "Typologies attendues",
    Entity.USER: "Compte",
    Entity.VOCABULARY: "Vocabulaire",
    Entity.IMPORT: "Import",
    Entity.BACKUP: "Sauvegarde",
    Entity.CAMPAIGN: "Campagne",
    Entity.CAMPAIGN_INVITE: "Réponse à une campagne",
}


class Operation(StrEnum):
    """What was done (the value stored in `audit_entry.operation`)."""

    CREATE = "create"
    UPDATE = "update"
    ARCHIVE = "archive"
    RESTORE = "restore"
    MERGE = "merge"
    IMPORT = "import"
    DELETE = "delete"
    SUBMIT = "submit"
    REOPEN = "reopen"
    REVIEW = "review"


OPERATION_LABELS: dict[str, str] = {
    Operation.CREATE: "création",
    Operation.UPDATE: "modification",
    Operation.ARCHIVE: "archivage",
    Operation.RESTORE: "restauration",
    Operation.MERGE: "fusion",
    Operation.IMPORT: "import",
    Operation.DELETE: "suppression",
    Operation.SUBMIT: "réponse envoyée",
    Operation.REOPEN: "réponse rouverte",
    Operation.REVIEW: "examen",
}


class HasEmail(Protocol):
    """Whoever acts: an account (`Actor`) or the system."""

    email: str


def _default(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def snapshot(record: Any, exclude: tuple[str, ...] = ("created_at", "updated_at")) -> dict[str, Any]:
    """The column values of a table row, for an audit entry."""
    return {key: value for key, value in record.model_dump().items() if key not in exclude}


def _json(values: dict[str, Any] | None) -> str | None:
    return json.dumps(values, ensure_ascii=False, default=_default, sort_keys=True) if values is not None else None


def write_audit(
    session: Session,
    *,
    user_email: str,
    operation: Operation | str,
    entity: Entity | str,
    record_id: int | None = None,
    label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one audit entry to the session (committed with the change it describes).

    Only the write protocol and whole-database operations (import, restore) call this directly. Inside an
    `audit_provenance` block, the label ends with its note.
    """
    note = _PROVENANCE.get()
    if note:
        suffix = f" — {note}"[:150]
        label = label[:300 - len(suffix)] + suffix
    entry = AuditEntry(
        user_email=user_email,
        operation=str(Operation(operation)),
        entity=str(Entity(entity)),
        record_id=record_id,
        label=label[:300],
        before=_json(before),
        after=_json(after),
    )
    session.add(entry)
    return entry


def _differing(mine: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """The entries of `mine` that differ from `other` (keeps audit entries short)."""
    return {key: value for key, value in mine.items() if other.get(key) != value}


@dataclass
class Change:
    """A change in progress: what the block may adjust before the entry is written."""

    entity: Entity
    operation: Operation
    record: Any = None
    label: str = ""
    before: dict[str, Any] | None = None
    councils: set[int] = field(default_factory=set)
    national: bool = False
    bump_version: bool = True
    extra: list[dict[str, Any]] = field(default_factory=list)

    def also(self, *, entity: Entity | None = None, operation: Operation | None = None, record_id: int | None = None,
             label: str = "", before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
        """Journal one more entry with this change (a merge writes one per partner)."""
        self.extra.append(dict(entity=entity or self.entity, operation=operation or self.operation,
                               record_id=record_id, label=label, before=before, after=after))


@contextmanager
def recorded_write(
    session: Session,
    actor: HasEmail,
    entity: Entity,
    operation: Operation,
    *,
    record: Any = None,
    expected_version: int | None = None,
    permitted: Callable[[], None] | None = None,
    label: str = "",
    councils: Iterable[int | None] = (),
    national: bool = False,
    values: Callable[[Any], dict[str, Any]] = snapshot,
    bump_version: bool | None = None,
    changes_only: bool = False,
) -> Iterator[Change]:
    """Run one change under the write protocol (see the module's docstring).

    `permitted` raises PermissionDenied when the actor may not; `values` gives the journalled values of
    the record (before and after); `councils` are the councils whose data the change touches (their
    versions and their networks' are bumped); `national` marks reference data every page reads.
    `bump_version` (default: for versioned updates, archives and restores) increments the record's
    version when it changed; `changes_only` journals only the values that differ.
    """
    if permitted is not None:
        permitted()
    if record is not None and expected_version is not None:
        check_version(session, record, expected_version, str(entity), label)
    change = Change(entity=entity, operation=operation, record=record, label=label,
                    councils={c for c in councils if c is not None}, national=national)
    if record is not None and operation is not Operation.CREATE and getattr(record, "id", None) is not None:
        change.before = values(record)
    yield change
    session.flush()
    record = change.record
    after = None
    if record is not None and operation is not Operation.DELETE:
        after = values(record)
    unchanged = operation is Operation.UPDATE and change.before is not None and after == change.before
    if not unchanged and (record is not None or not change.extra):
        wants_bump = bump_version if bump_version is not None else operation in (
            Operation.UPDATE, Operation.ARCHIVE, Operation.RESTORE)
        if wants_bump and record is not None and hasattr(record, "version") and operation is not Operation.DELETE:
            mark_updated(record)
            session.add(record)
            session.flush()
            after = values(record)
        before = change.before
        if changes_only and before is not None and after is not None:
            before, after = _differing(before, after), _differing(after, before)
        write_audit(session, user_email=actor.email, operation=operation, entity=entity,
                    record_id=getattr(record, "id", None) if record is not None else None,
                    label=change.label, before=before, after=after)
    for extra in change.extra:
        write_audit(session, user_email=actor.email, **extra)
    if not unchanged or change.extra:
        bump_data_version(session, councils=change.councils, national=change.national)


def record_change(
    session: Session,
    actor: HasEmail,
    entity: Entity,
    operation: Operation,
    *,
    record_id: int | None = None,
    label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    councils: Iterable[int | None] = (),
    national: bool = False,
    touches_data: bool = True,
) -> None:
    """Journal a change whose checks the caller made itself (several records at once: merge, import,
    restore, accounts) and bump the versions of what it touched (`touches_data=False`: accounts only)."""
    write_audit(session, user_email=actor.email, operation=operation, entity=entity, record_id=record_id,
                label=label, before=before, after=after)
    if touches_data:
        bump_data_version(session, councils={c for c in councils if c is not None}, national=national)
