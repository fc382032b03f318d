"""Safe concurrent editing: version numbers on records, and the refusal that names who changed what."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, desc, select

from maillage.core.errors import ConflictError
from maillage.core.formatting import format_datetime
from models import AuditEntry
from models.common import utc_now


def check_version(session: Session, record: Any, expected_version: int | None, entity: str, label: str) -> None:
    """Refuse to save a form opened on an older version of `record`, saying who changed it and when.

    The row is re-read with a lock (SELECT … FOR UPDATE on PostgreSQL; SQLite transactions are
    already exclusive), so two saves of the same version can never both pass.
    """
    if expected_version is None:
        return
    model = type(record)
    session.exec(
        select(model).where(model.id == record.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    if record.version == expected_version:
        return
    last = session.exec(
        select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.record_id == record.id)
        .order_by(desc(AuditEntry.at), desc(AuditEntry.id))
    ).first()
    who = (last.user_email or "un autre utilisateur") if last else "un autre utilisateur"
    when = format_datetime(last.at) if last else format_datetime(getattr(record, "updated_at", None))
    raise ConflictError(
        f"« {label} » a été modifié par {who} le {when} pendant que vous l'éditiez : vos changements "
        "n'ont pas été enregistrés. Les valeurs actuelles sont affichées ; refaites vos modifications."
    )


def mark_updated(record: Any) -> None:
    """Bump the version and the update time of a record that changed."""
    record.version += 1
    if hasattr(record, "updated_at"):
        record.updated_at = utc_now()
