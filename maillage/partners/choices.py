"""Partners offered in pickers (action form, link form, merge): a council's partnership, those already chosen,
and a name search — never the whole of France, so a widget carries a few hundred options at most."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from maillage.core.db import chunks
from maillage.core.text import fold
from maillage.geography.footprints import territory_labels
from maillage.partners.partnership import council_footprint, partnership_ids
from models import Partner, Territory

SEARCH_LIMIT = 300
PICKER_LIMIT = 300  # options of one picker: a council of thousands of partners is searched, not listed


def narrowed_choices(labels: dict[int, str], query: str = "", keep: Iterable[int | None] = (),
                     limit: int = PICKER_LIMIT) -> tuple[dict[int, str], int]:
    """The options a picker sends: the labels holding every word of `query` (accents and case ignored), those
    of `keep` (already chosen) first, at most `limit`; and how many labels match in all."""
    words = fold(query).split()
    matching = [pid for pid, label in labels.items() if all(word in fold(label) for word in words)]
    kept = [pid for pid in dict.fromkeys(keep) if pid is not None and pid in labels]
    shown = kept + [pid for pid in matching if pid not in kept][:max(0, limit - len(kept))]
    return {pid: labels[pid] for pid in shown}, len(matching)


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


def commune_choices(session: Session, council_ids: Iterable[int]) -> list[str]:
    """`Name (code)` of every commune of the councils' départements, by name: the seat picker's list (a few
    hundred entries; any other commune is typed and read like an import's)."""
    ids = sorted(set(council_ids))
    if not ids:
        return []
    departements = sorted(council_footprint(session, ids).codes["dep"])
    rows = session.exec(select(Territory.name, Territory.code).where(
        Territory.level == "com", Territory.departement_code.in_(departements or ["-"]))).all()
    return [f"{name} ({code})" for name, code in sorted(rows, key=lambda row: (fold(row[0]), row[1]))]


def territory_choices(session: Session, council_ids: Iterable[int], chosen: Iterable[str] = ()) -> dict[str, str]:
    """Territories of intervention offered for the councils: their régions, départements, intercommunalités,
    then their communes by name, and those already `chosen` — key → `Name (code)`."""
    ids = sorted(set(council_ids))
    area = council_footprint(session, ids) if ids else None
    keys: list[str] = []
    if area is not None:
        for level in ("reg", "dep", "epci", "ept"):
            keys += [f"{level}:{code}" for code in sorted(area.codes[level])]
    chosen = list(chosen)
    labels = territory_labels(session, keys + chosen + ([f"com:{code}" for code in area.codes["com"]] if area else []))
    communes = sorted((f"com:{code}" for code in (area.codes["com"] if area else ())),
                      key=lambda key: (fold(labels.get(key, key)), key))
    ordered = list(dict.fromkeys(keys + communes + chosen))
    return {key: labels.get(key, key) for key in ordered}
