"""The write protocol: every change is recorded in the audit log and bumps the data version, in one transaction."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterator

from sqlmodel import Session

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


def _default(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def snapshot(record: Any, exclude: tuple[str, ...] = ("created_at", "updated_at")) -> dict[str, Any]:
    """The column values of a table row, for an audit entry."""
    return {key: value for key, value in record.model_dump().items() if key not in exclude}


def write_audit(
    session: Session,
    *,
    user_email: str,
    operation: str,
    entity: str,
    record_id: int | None = None,
    label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one audit entry to the session (committed with the change it describes)."""
    note = _PROVENANCE.get()
    if note:
        suffix = f" — {note}"[:150]
        label = label[:300 - len(suffix)] + suffix
    entry = AuditEntry(
        user_email=user_email,
        operation=operation,
        entity=entity,
        record_id=record_id,
        label=label[:300],
        before=json.dumps(before, ensure_ascii=False, default=_default, sort_keys=True) if before is not None else None,
        after=json.dumps(after, ensure_ascii=False, default=_default, sort_keys=True) if after is not None else None,
    )
    session.add(entry)
    return entry
