"""Compact text form of polygons: Google "encoded polyline" rings, `;` between polygons, a space between rings.

Used for the shipped boundaries (data/geo/boundaries.json.xz): about three bytes a vertex, decoded in
pure Python into GeoJSON coordinates ([longitude, latitude] pairs).
"""

from __future__ import annotations


def _encode_value(value: int) -> str:
    """One signed integer as polyline characters."""
    value = ~(value << 1) if value < 0 else value << 1
    chunks = []
    while value >= 0x20:
        chunks.append(chr((0x20 | (value & 0x1F)) + 63))
        value >>= 5
    chunks.append(chr(value + 63))
    return "".join(chunks)


def encode_ring(points, precision: int = 4) -> str:
    """A ring of (longitude, latitude) points as one polyline string (closing point dropped)."""
    factor = 10 ** precision
    points = list(points)
    if len(points) > 1 and tuple(points[0]) == tuple(points[-1]):
        points = points[:-1]
    out = []
    last_x = last_y = 0
    for x, y in points:
        ix, iy = round(x * factor), round(y * factor)
        if out and ix == last_x and iy == last_y:
            continue
        out.append(_encode_value(iy - last_y) + _encode_value(ix - last_x))
        last_x, last_y = ix, iy
    return "".join(out)


def encode_geometry(geometry, precision: int = 4) -> str:
    """A shapely Polygon or MultiPolygon as text (empty string for an empty geometry)."""
    if geometry is None or geometry.is_empty:
        return ""
    polygons = list(geometry.geoms) if geometry.geom_type == "MultiPolygon" else [geometry]
    encoded = []
    for polygon in polygons:
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        rings = [encode_ring(polygon.exterior.coords, precision)]
        rings += [encode_ring(ring.coords, precision) for ring in polygon.interiors]
        encoded.append(" ".join(ring for ring in rings if ring))
    return ";".join(encoded)


def decode_ring(text: str, precision: int = 4) -> list[list[float]]:
    """Polyline string → closed ring of [longitude, latitude]."""
    factor = 10 ** precision
    coords: list[list[float]] = []
    index = x = y = 0
    values: list[int] = []
    length = len(text)
    while index < length:
        result = shift = 0
        while True:
            byte = ord(text[index]) - 63
            index += 1
            result |= (byte & 0x1F) << shift
            shift += 5
            if byte < 0x20:
                break
        values.append(~(result >> 1) if result & 1 else result >> 1)
        if len(values) == 2:
            y += values[0]
            x += values[1]
            coords.append([x / factor, y / factor])
            values = []
    if coords and coords[0] != coords[-1]:
        coords.append(list(coords[0]))
    return coords


def decode_geometry(text: str, precision: int = 4) -> dict | None:
    """Text → a GeoJSON geometry (MultiPolygon), or None when empty."""
    if not text:
        return None
    polygons = [[decode_ring(ring, precision) for ring in polygon.split(" ") if ring] for polygon in text.split(";")]
    polygons = [p for p in polygons if p and len(p[0]) >= 4]
    if not polygons:
        return None
    return {"type": "MultiPolygon", "coordinates": polygons}
