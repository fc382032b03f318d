"""Territory footprints: which communes a set of territories covers, and whether two territories meet."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_
from sqlmodel import Session, select

from maillage.core.db import chunks
from models import Territory

LEVEL_COLUMN = {
    "reg": Territory.region_code,
    "dep": Territory.departement_code,
    "epci": Territory.epci_code,
    "ept": Territory.ept_code,
}


@dataclass
class Footprint:
    """The communes a set of territories covers, with the codes of every level above them.

    A territory of level L meets the footprint when one of its communes has that L code, so
    `meets` needs no expansion of the other territory.
    """

    communes: dict[str, int] = field(default_factory=dict)  # commune code → population
    codes: dict[str, set[str]] = field(default_factory=lambda: {lvl: set() for lvl in ("com", "epci", "ept", "dep", "reg")})

    @property
    def population(self) -> int:
        return sum(self.communes.values())

    def meets(self, key: str, sub_commune: str | None = None) -> bool:
        """Whether territory `key` shares a commune with this footprint (`sub_commune` for a sub-territory)."""
        level, _, code = key.partition(":")
        if level == "sub":
            commune = sub_commune if sub_commune is not None else code.split(":", 1)[0]
            return commune in self.codes["com"]
        return code in self.codes.get(level, set())


def footprint(session: Session, keys: list[str] | set[str]) -> Footprint:
    """The communes covered by `keys` (communes, EPCI, EPT, départements, régions, sub-territories)."""
    by_level: dict[str, set[str]] = {}
    for key in keys:
        level, _, code = key.partition(":")
        by_level.setdefault(level, set()).add(code)
    subs = by_level.pop("sub", set())
    if subs:
        communes_of_subs = session.exec(
            select(Territory.commune_code).where(Territory.key.in_([f"sub:{code}" for code in subs]))
        ).all()
        by_level.setdefault("com", set()).update(c for c in communes_of_subs if c)
    conditions = []
    if by_level.get("com"):
        conditions.append(Territory.code.in_(by_level["com"]))
    for level, column in LEVEL_COLUMN.items():
        if by_level.get(level):
            conditions.append(column.in_(by_level[level]))
    result = Footprint()
    if not conditions:
        return result

    rows = session.exec(
        select(Territory.code, Territory.population, Territory.epci_code, Territory.ept_code,
               Territory.departement_code, Territory.region_code)
        .where(Territory.level == "com", or_(*conditions))
    ).all()
    for code, population, epci, ept, dep, reg in rows:
        result.communes[code] = population or 0
        result.codes["com"].add(code)
        for level, value in (("epci", epci), ("ept", ept), ("dep", dep), ("reg", reg)):
            if value:
                result.codes[level].add(value)
    return result


def territory_labels(session: Session, keys: list[str]) -> dict[str, str]:
    """key → `Name (code)` for display, e.g. `Bordeaux (33063)`, `Gironde (dép. 33)`."""
    if not keys:
        return {}
    rows = session.exec(select(Territory).where(Territory.key.in_(list(keys)))).all()
    labels = {}
    prefix = {"dep": "dép. ", "reg": "région ", "epci": "", "ept": "", "com": "", "sub": ""}
    for territory in rows:
        if territory.level == "sub":
            labels[territory.key] = f"{territory.name} ({territory.commune_code})"
        else:
            labels[territory.key] = f"{territory.name} ({prefix[territory.level]}{territory.code})"
    return labels


def territory_names(session: Session, keys: list[str] | set[str]) -> dict[str, str]:
    """key → plain name (`com:33063` → `Bordeaux`), for any number of keys."""
    names: dict[str, str] = {}
    for chunk in chunks(sorted(set(keys))):
        names.update(session.exec(select(Territory.key, Territory.name).where(Territory.key.in_(chunk))).all())
    return names
