"""Column mappings remembered per council: how a council's own files name our columns (« Ville » → commune_siege)."""

from __future__ import annotations

from sqlmodel import Session, delete, select

from maillage.accounts.access import Actor, can_write_council
from maillage.core.errors import PermissionDenied
from maillage.core.text import compact
from maillage.exchange.formats import KINDS
from models import ColumnMapping


def saved_mapping(session: Session, council_id: int | None, kind: str) -> dict[str, str]:
    """The headers a council's files use for a kind → our column ("" = ignored)."""
    if council_id is None:
        return {}
    rows = session.exec(select(ColumnMapping).where(ColumnMapping.council_id == council_id,
                                                    ColumnMapping.kind == kind)).all()
    return {row.header: row.column for row in rows}


def save_mapping(session: Session, actor: Actor, council_id: int, kind: str, mapping: dict[str, str]) -> int:
    """Remember a mapping for a council (its coordinators and administrators); returns how many headers."""
    if not can_write_council(actor, council_id):
        raise PermissionDenied("vous n'êtes pas coordinateur de cette instance")
    columns = set(KINDS[kind].columns)
    clean = {header.strip()[:200]: column for header, column in mapping.items()
             if header.strip() and (column in columns or column == "")}
    wanted = {compact(header) for header in clean}
    for row in session.exec(select(ColumnMapping).where(ColumnMapping.council_id == council_id,
                                                        ColumnMapping.kind == kind)).all():
        if compact(row.header) in wanted:
            session.exec(delete(ColumnMapping).where(ColumnMapping.council_id == council_id,
                                                     ColumnMapping.kind == kind, ColumnMapping.header == row.header))
    session.flush()
    for header, column in clean.items():
        session.add(ColumnMapping(council_id=council_id, kind=kind, header=header, column=column))
    session.flush()
    return len(clean)
