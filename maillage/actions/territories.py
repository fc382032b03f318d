"""Territories for actions: labels, search for the form, and which declared territories meet a chosen one."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from maillage.core.text import fold
from maillage.geography.footprints import footprint
from maillage.partners.partnership import council_footprint
from models import CouncilTerritory, Territory

LEVEL_ORDER = {"reg": 0, "dep": 1, "epci": 2, "ept": 3, "com": 4, "sub": 5}
LEVEL_WORDS = {"reg": "région", "dep": "département", "epci": "EPCI", "ept": "EPT", "com": "commune",
               "sub": "sous-territoire"}


def territory_label(level: str, code: str, name: str, commune_code: str | None = None) -> str:
    """`Bordeaux (33063)`, `Gironde (dép. 33)`, `Nouvelle-Aquitaine (région 75)`, `Benauge (33063)`."""
    if level == "sub":
        return f"{name} ({commune_code or code.split(':', 1)[0]})"
    prefix = {"dep": "dép. ", "reg": "région "}.get(level, "")
    return f"{name} ({prefix}{code})"


def choice_label(territory: Territory, commune_names: dict[str, str] | None = None) -> str:
    """A label that says the level, for pickers: `Bordeaux Métropole (EPCI 243300316)`."""
    if territory.level == "sub":
        commune = (commune_names or {}).get(territory.commune_code or "", territory.commune_code or "?")
        return f"{territory.name} (sous-territoire de {commune})"
    return f"{territory.name} ({LEVEL_WORDS[territory.level]} {territory.code})"


def choice_labels(session: Session, keys: Iterable[str]) -> dict[str, str]:
    """key → picker label, for the given keys (unknown keys keep their key as label)."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    rows = session.exec(select(Territory).where(Territory.key.in_(keys))).all()
    commune_codes = sorted({t.commune_code for t in rows if t.level == "sub" and t.commune_code})
    names = dict(session.exec(
        select(Territory.code, Territory.name).where(Territory.level == "com", Territory.code.in_(commune_codes))
    ).all()) if commune_codes else {}
    found = {t.key: choice_label(t, names) for t in rows}
    return {key: found.get(key, key) for key in keys}


def search_territories(session: Session, query: str, limit: int = 40) -> dict[str, str]:
    """Territories whose name (accents and case ignored) or code starts with or contains `query`.

    Names starting with the query come first, then larger levels, then larger populations.
    """
    text = fold(query)
    if len(text) < 2:
        return {}
    compact = text.replace(" ", "")
    if compact.isdigit() or (len(compact) == 5 and compact[:2] in ("2a", "2b")):
        conditions = [Territory.code.startswith(compact.upper())]
    else:
        # search_name is folded in the reference geography; hand-made rows may only be lower-cased.
        variants = list(dict.fromkeys([text, " ".join(query.lower().split())]))
        conditions = [or_(*(Territory.search_name.startswith(v) for v in variants)),
                      or_(*(Territory.search_name.contains(v) for v in variants))]
    rows: dict[str, Territory] = {}
    for condition in conditions:
        if len(rows) >= limit:
            break
        for row in session.exec(select(Territory).where(condition).order_by(Territory.population.desc())
                                .limit(limit * 3)):
            rows.setdefault(row.key, row)
    ordered = sorted(rows.values(), key=lambda t: (not fold(t.name).startswith(text), LEVEL_ORDER.get(t.level, 9),
                                                   -(t.population or 0), fold(t.name)))
    return choice_labels(session, [t.key for t in ordered[:limit]])


def council_suggestions(session: Session, council_id: int | None, limit: int = 300) -> dict[str, str]:
    """What a council usually picks: its own territories, their communes and sub-territories."""
    if council_id is None:
        return {}
    own = list(session.exec(
        select(CouncilTerritory.territory_key).where(CouncilTerritory.council_id == council_id)
    ).all())
    area = council_footprint(session, council_id)
    communes = sorted(area.communes, key=lambda code: -area.communes[code])[:limit]
    subs = _subs_of(session, communes)
    keys = own + [f"com:{code}" for code in communes] + sorted(subs)
    return choice_labels(session, keys[:limit])


def _subs_of(session: Session, communes: Iterable[str]) -> set[str]:
    """The sub-territories of the given communes (queried in chunks)."""
    communes = list(communes)
    found: set[str] = set()
    for start in range(0, len(communes), 2000):
        chunk = communes[start:start + 2000]
        found.update(session.exec(
            select(Territory.key).where(Territory.level == "sub", Territory.commune_code.in_(chunk))
        ).all())
    return found


def matching_territory_keys(session: Session, key: str) -> set[str]:
    """The territory keys whose declared actions concern `key`: every territory sharing a commune with it.

    A commune finds actions declared on itself, its sub-territories, its EPCI, EPT, département and
    région; an EPCI or a département also finds those declared on its communes (and their sub-territories)
    and on any EPCI that reaches into it; a sub-territory finds its own, its commune's and those above.
    """
    level, _, code = key.partition(":")
    area = footprint(session, [key])
    keys = {key}
    keys.update(f"com:{commune}" for commune in area.communes)
    for upper in ("epci", "ept", "dep", "reg"):
        keys.update(f"{upper}:{value}" for value in area.codes[upper])
    if level == "sub" or not area.communes:
        return keys
    if level == "com":
        keys.update(_subs_of(session, [code]))
        return keys
    commune = aliased(Territory)
    sub = aliased(Territory)
    column = {"reg": commune.region_code, "dep": commune.departement_code, "epci": commune.epci_code,
              "ept": commune.ept_code}.get(level)
    if column is not None:
        keys.update(session.exec(
            select(sub.key).join(commune, (commune.code == sub.commune_code) & (commune.level == "com"))
            .where(sub.level == "sub", column == code)
        ).all())
    return keys
