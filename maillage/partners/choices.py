"""Partners offered in pickers (action form, link form, merge): a council's partnership, those already chosen,
and a name search — never the whole of France, so a widget carries a few hundred options at most."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from maillage.core.db import chunks
from maillage.core.text import fold
from maillage.partners.partnership import partnership_ids
from models import Partner, Territory

SEARCH_LIMIT = 300


def partner_labels(session: Session, partner_ids: Iterable[int]) -> dict[int, str]:
    """id → `Name (Seat commune)`, unique (the commune code is added when two labels would clash), by label."""
    ids = sorted(set(partner_ids))
    rows = []
    for chunk in chunks(ids):
        rows.extend(session.exec(
            select(Partner.id, Partner.name, Territory.name, Territory.code)
            .join(Territory, Territory.key == Partner.seat_commune_key, isouter=True)
            .where(Partner.id.in_(chunk))
        ).all())
    labels = {pid: f"{name} ({commune or '?'})" for pid, name, commune, _code in rows}
    seen: dict[str, int] = {}
    for label in labels.values():
        seen[label] = seen.get(label, 0) + 1
    for pid, name, commune, code in rows:
        if seen[labels[pid]] > 1:
            labels[pid] = f"{name} ({commune or '?'}, {code})"
    return dict(sorted(labels.items(), key=lambda item: (fold(item[1]), item[0])))


def search_partners(session: Session, query: str, limit: int = SEARCH_LIMIT) -> list[int]:
    """Ids of active partners whose name holds every word of `query` (accents and case ignored), at most `limit`."""
    words = fold(query).split()
    if not words:
        return []
    found = [pid for pid, name in session.exec(select(Partner.id, Partner.name).where(Partner.archived_at.is_(None))
                                                 .order_by(Partner.name, Partner.id))
             if all(word in fold(name) for word in words)]
    return found[:limit]


def partner_choices(session: Session, council_id: int | None = None, *, include: Iterable[int] = (),
                    exclude: int | None = None, query: str = "", limit: int = SEARCH_LIMIT) -> dict[int, str]:
    """id → label of the partners to offer: the council's partnership, `include` (already chosen), and the
    active partners matching `query` (at most `limit` of them); the partnership first, then the others."""
    members = partnership_ids(session, council_id) if council_id is not None else set()
    ids = members | set(include) | set(search_partners(session, query, limit))
    ids.discard(exclude)
    labels = partner_labels(session, ids)
    return dict(sorted(labels.items(), key=lambda item: item[0] not in members))
