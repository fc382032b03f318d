"""Reference geography: load the COG/DGCL files shipped in data/geo, search and resolve territories."""

from __future__ import annotations

import json
import lzma
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from maillage.core.db import PROJECT_ROOT, session_scope, set_meta
from maillage.core.text import fold
from models import Territory

GEO_DIR = PROJECT_ROOT / "data" / "geo"
LEVEL_LABELS = {
    "reg": "Région",
    "dep": "Département",
    "epci": "EPCI",
    "ept": "EPT",
    "com": "Commune",
    "sub": "Sous-territoire",
}
_COLUMNS = (
    "level", "code", "name", "population", "zone", "epci_kind", "region_code",
    "departement_code", "epci_code", "ept_code", "commune_code", "search_name",
)


@dataclass(frozen=True)
class GeographyLoad:
    """What a load did: rows created, updated and left unchanged."""

    created: int
    updated: int
    unchanged: int


def _read(name: str, geo_dir: Path) -> list[dict]:
    with lzma.open(geo_dir / f"{name}.json.xz", "rt", encoding="utf-8") as handle:
        return json.load(handle)


def _row(level: str, code: str, name: str, **fields) -> dict:
    row = {column: None for column in _COLUMNS}
    row.update(fields)
    row.update(
        key=f"{level}:{code}", level=level, code=code, name=name,
        population=int(fields.get("population") or 0), search_name=fold(name),
    )
    return row


def reference_rows(geo_dir: Path = GEO_DIR) -> list[dict]:
    """Every région, département, EPCI, EPT and current commune, as territory rows."""
    rows = [
        _row("reg", r["code"], r["nom"], zone=r.get("zone"))
        for r in _read("regions", geo_dir)
    ]
    rows += [
        _row("dep", d["code"], d["nom"], zone=d.get("zone"), region_code=d.get("region"))
        for d in _read("departements", geo_dir)
    ]
    commune_epci: dict[str, str] = {}
    commune_ept: dict[str, str] = {}
    for epci in _read("epci", geo_dir):
        rows.append(_row("epci", epci["code"], epci["nom"], epci_kind=epci.get("type")))
        for member in epci["membres"]:
            commune_epci[member["code"]] = epci["code"]
    for ept in _read("ept", geo_dir):
        rows.append(_row("ept", ept["code"], ept["nom"]))
        for member in ept["membres"]:
            commune_ept[member["code"]] = ept["code"]
    communes = [c for c in _read("communes", geo_dir) if c.get("type") == "commune-actuelle"]
    for commune in communes:
        code = commune["code"]
        rows.append(
            _row(
                "com", code, commune["nom"], population=commune.get("population") or 0,
                zone=commune.get("zone"), region_code=commune.get("region"),
                departement_code=commune.get("departement"),
                epci_code=commune_epci.get(code), ept_code=commune_ept.get(code),
            )
        )
    _sum_populations(rows)
    return rows


def _sum_populations(rows: list[dict]) -> None:
    """Give régions, départements, EPCI and EPT the sum of their communes' populations (one vintage)."""
    totals: dict[str, int] = {}
    for row in rows:
        if row["level"] != "com":
            continue
        for level, column in (("reg", "region_code"), ("dep", "departement_code"),
                              ("epci", "epci_code"), ("ept", "ept_code")):
            if row[column]:
                key = f"{level}:{row[column]}"
                totals[key] = totals.get(key, 0) + row["population"]
    for row in rows:
        if row["level"] != "com":
            row["population"] = totals.get(row["key"], 0)


def load_reference_geography(engine: Engine, geo_dir: Path = GEO_DIR) -> GeographyLoad:
    """Create or update every reference territory; running it twice changes nothing."""
    rows = reference_rows(geo_dir)
    table = Territory.__table__
    columns = ("key",) + _COLUMNS
    with session_scope(engine) as session:
        connection = session.connection()
        existing = {
            row.key: tuple(row)
            for row in connection.execute(
                select(*(table.c[name] for name in columns)).where(table.c.level != "sub")
            )
        }
        to_insert = [row for row in rows if row["key"] not in existing]
        to_update = [
            row for row in rows
            if row["key"] in existing and existing[row["key"]] != tuple(row[c] for c in columns)
        ]
        if to_insert:
            connection.execute(insert(table), to_insert)
        for row in to_update:
            connection.execute(update(table).where(table.c.key == row["key"]).values(**row))
        version = (geo_dir / "VERSION").read_text(encoding="utf-8").strip()
        set_meta(session, "geography_version", version)
    return GeographyLoad(len(to_insert), len(to_update), len(rows) - len(to_insert) - len(to_update))
