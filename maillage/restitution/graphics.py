"""Geometry shared by the PDF (fpdf2) and the on-screen (SVG) drawings: map projection and colour scales.

Coordinates are in the drawing's own units (millimetres for the PDF, pixels for SVG), y pointing down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

RGB = tuple[int, int, int]

NO_SCORE: RGB = (217, 217, 217)
# The red-yellow-green scale of the coverage map (as on the Couverture page).
SCALE: tuple[tuple[float, RGB], ...] = ((0.0, (215, 48, 39)), (0.5, (255, 255, 191)), (1.0, (26, 152, 80)))
INK: RGB = (27, 27, 27)
MUTED: RGB = (90, 90, 90)
ACCENT: RGB = (31, 78, 121)
ACCENT_LIGHT: RGB = (166, 189, 219)
GOOD: RGB = (26, 120, 60)
BAD: RGB = (180, 40, 30)
RULE: RGB = (200, 200, 200)
CONTEXT_FILL: RGB = (241, 241, 241)


def score_color(score: float | None) -> RGB:
    """Colour of a coverage score in [0, 1] (grey when nothing is expected)."""
    if score is None:
        return NO_SCORE
    score = min(max(score, 0.0), 1.0)
    for (low, c1), (high, c2) in zip(SCALE, SCALE[1:]):
        if score <= high:
            t = (score - low) / (high - low)
            return tuple(round(a + (b - a) * t) for a, b in zip(c1, c2))  # type: ignore[return-value]
    return SCALE[-1][1]


def hex_color(rgb: RGB) -> str:
    """`#rrggbb`."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def dark_text_on(rgb: RGB) -> bool:
    """Whether text drawn on this fill should be dark (light fill)."""
    r, g, b = rgb
    return 0.299 * r + 0.587 * g + 0.114 * b > 150


@dataclass(frozen=True)
class MapShape:
    """One territory of the map: its rings in drawing units, fill, and labels."""

    name: str
    score: float | None
    score_label: str
    rings: tuple[tuple[tuple[float, float], ...], ...]
    fill: RGB
    centre: tuple[float, float]
    area: float
    context: bool = False      # drawn faintly for orientation (the EPCI or département around the council)


def _rings(geometry: dict) -> list[list[tuple[float, float]]]:
    """Outer rings of a Polygon or MultiPolygon (holes are drawn over by the enclosed territories)."""
    if geometry["type"] == "Polygon":
        return [list(map(tuple, geometry["coordinates"][0]))]
    if geometry["type"] == "MultiPolygon":
        return [list(map(tuple, polygon[0])) for polygon in geometry["coordinates"]]
    return []


def _ring_area(ring: list[tuple[float, float]]) -> float:
    """Area of a ring (shoelace formula)."""
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]))) / 2


def project_map(features: list[dict], width: float, height: float, margin: float = 1.0) -> list[MapShape]:
    """GeoJSON features (lon/lat) fitted into width × height, aspect kept; largest shapes first (drawn under);
    features whose properties say `context` are drawn faintly (CONTEXT_FILL)."""
    raw = [(feature, _rings(feature["geometry"])) for feature in features]
    points = [p for _f, rings in raw for ring in rings for p in ring]
    if not points:
        return []
    min_lon, max_lon = min(p[0] for p in points), max(p[0] for p in points)
    min_lat, max_lat = min(p[1] for p in points), max(p[1] for p in points)
    shrink = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * shrink, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    offset_x = (width - span_x * scale) / 2
    offset_y = (height - span_y * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        """Longitude/latitude → drawing units."""
        return (round(offset_x + (lon - min_lon) * shrink * scale, 2), round(offset_y + (max_lat - lat) * scale, 2))

    shapes = []
    for feature, rings in raw:
        projected = tuple(tuple(project(lon, lat) for lon, lat in ring) for ring in rings if len(ring) >= 3)
        if not projected:
            continue
        biggest = max(projected, key=lambda ring: _ring_area(list(ring)))
        centre = (sum(x for x, _ in biggest) / len(biggest), sum(y for _, y in biggest) / len(biggest))
        props = feature.get("properties", {})
        score = props.get("score")
        context = bool(props.get("context"))
        shapes.append(MapShape(props.get("name", ""), score, props.get("score_label", ""), projected,
                               CONTEXT_FILL if context else score_color(score), centre,
                               sum(_ring_area(list(r)) for r in projected), context))
    shapes.sort(key=lambda shape: -shape.area)
    return shapes
