"""The drawing for the plenary: one scene (title, date, graph, legend, source line) written as SVG (text kept as
text) or painted as PNG with Pillow, in 16:9 or A4 landscape. Computed on the server: the same input gives the
same file, and tests can open it."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from functools import lru_cache
from xml.sax.saxutils import escape

from maillage.network.positions import FONT_FILE, HULL_FONT, Box, box_rect, text_width
from maillage.network.view import Drawing, DrawNode

FORMATS = {"16:9": (1600, 900), "A4": (1754, 1240)}
BOLD_FONT_FILE = FONT_FILE.with_name("DejaVuSans-Bold.ttf")
INK = "#1D2327"
MUTED = "#4A5560"
MARGIN = 48


@dataclass(frozen=True)
class Text:
    """A line of text: anchor `start`, `middle` or `end`, y is the baseline."""
    x: float
    y: float
    text: str
    size: float
    colour: str = INK
    bold: bool = False
    anchor: str = "start"
    halo: bool = False


@dataclass(frozen=True)
class Poly:
    """A closed polygon (fill with opacity, outline)."""
    points: tuple[tuple[float, float], ...]
    fill: str
    opacity: float = 1.0
    stroke: str = INK
    width: float = 1.0


@dataclass(frozen=True)
class Line:
    """A straight line, maybe dashed."""
    a: tuple[float, float]
    b: tuple[float, float]
    colour: str
    width: float
    dashed: bool = False


@dataclass
class Scene:
    """Everything to paint, back to front, on a white page of `size` pixels."""
    size: tuple[int, int]
    items: list = field(default_factory=list)
    title: str = ""


def shape_points(shape: str, x: float, y: float, r: float) -> tuple[tuple[float, float], ...]:
    """Polygon of a node's shape (vis-network's shapes; a circle as a 24-gon)."""
    if shape == "square":
        return ((x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r))
    if shape == "diamond":
        return ((x, y - r), (x + r, y), (x, y + r), (x - r, y))
    if shape == "triangle":
        return ((x, y - r), (x + r * 0.95, y + r * 0.75), (x - r * 0.95, y + r * 0.75))
    if shape == "triangleDown":
        return ((x - r * 0.95, y - r * 0.75), (x + r * 0.95, y - r * 0.75), (x, y + r))
    if shape == "hexagon":
        return tuple((x + r * math.cos(math.pi / 3 * k + math.pi / 6), y + r * math.sin(math.pi / 3 * k + math.pi / 6))
                     for k in range(6))
    if shape == "star":
        return tuple((x + (r if k % 2 == 0 else r * 0.45) * math.cos(math.pi / 5 * k - math.pi / 2),
                      y + (r if k % 2 == 0 else r * 0.45) * math.sin(math.pi / 5 * k - math.pi / 2)) for k in range(10))
    return tuple((x + r * math.cos(2 * math.pi * k / 24), y + r * math.sin(2 * math.pi * k / 24)) for k in range(24))


def _wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """Words of `text` in lines no wider than `width` pixels."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, size) * (1.06 if bold else 1.0) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return lines + ([current] if current else [])


def _node_box(node: DrawNode) -> Box:
    """The room a drawn node takes with its shown label."""
    return Box(node.size, node.label_width if node.label_shown else 0.0, node.label_height if node.label_shown else 0.0)


def _hull_rect(hull) -> tuple[float, float, float, float]:
    """The room a group's outline and its name (centred above it, maybe wider than the outline) take."""
    left, right = min(p[0] for p in hull.points), max(p[0] for p in hull.points)
    half = max((text_width(line, HULL_FONT) * 1.06 for line in hull.label.split("\n")), default=0.0) / 2
    centre = (left + right) / 2
    return (min(left, centre - half), min(p[1] for p in hull.points) - HULL_FONT * 2.6, max(right, centre + half),
            max(p[1] for p in hull.points))


def build_scene(drawing: Drawing, date_text: str, source_line: str, page: str = "16:9") -> Scene:
    """Lay out the page: title and subtitle, date, the graph scaled into its area, legend at the right, source line."""
    width, height = FORMATS.get(page, FORMATS["16:9"])
    scene = Scene(size=(width, height), title=drawing.heading)
    items = scene.items
    y = MARGIN + 30
    for line in _wrap(drawing.heading, 30, width - 2 * MARGIN, bold=True)[:2]:
        items.append(Text(MARGIN, y, line, 30, bold=True))
        y += 38
    items.append(Text(MARGIN, y, f"{drawing.subtitle} — {date_text}", 18, MUTED))
    top = y + 24
    footer = height - MARGIN
    legend_width = 360
    area = (MARGIN, top, width - MARGIN - legend_width - 24, footer - 36)
    # the legend, at the right
    ly = top + 18
    lx = width - MARGIN - legend_width
    items.append(Text(lx, ly, "Légende", 18, bold=True))
    ly += 30
    for item in drawing.legend:
        if item.kind in ("solid", "dashed", "added", "ended"):
            items.append(Line((lx, ly - 6), (lx + 30, ly - 6), item.colour, 4 if item.kind == "added" else 3,
                              item.kind in ("dashed", "ended")))
        else:
            items.append(Poly(shape_points("square" if item.kind == "group" else item.shape, lx + 15, ly - 6, 8),
                              item.colour))
        for k, line in enumerate(_wrap(item.label, 15, legend_width - 44)):
            items.append(Text(lx + 42, ly + k * 20, line, 15))
            ly += 20 if k else 0
        ly += 28
    for note in drawing.notes:
        for line in _wrap(note, 13, legend_width):
            items.append(Text(lx, ly, line, 13, MUTED))
            ly += 18
        ly += 8
    # the graph, scaled into its area
    rects = [box_rect(n.x, n.y, _node_box(n)) for n in drawing.nodes]
    rects += [_hull_rect(h) for h in drawing.hulls if h.points]
    if rects:
        left, up = min(r[0] for r in rects), min(r[1] for r in rects)
        right, down = max(r[2] for r in rects), max(r[3] for r in rects)
        scale = min((area[2] - area[0]) / max(right - left, 1.0), (area[3] - area[1]) / max(down - up, 1.0), 1.6)
        dx = area[0] + ((area[2] - area[0]) - (right - left) * scale) / 2 - left * scale
        dy = area[1] + ((area[3] - area[1]) - (down - up) * scale) / 2 - up * scale

        def at(x: float, y: float) -> tuple[float, float]:
            """Drawing coordinates → page coordinates."""
            return (round(x * scale + dx, 1), round(y * scale + dy, 1))

        for hull in drawing.hulls:
            points = tuple(at(*p) for p in hull.points)
            items.append(Poly(points, hull.colour, 0.10, hull.colour, 2))
        for hull in drawing.hulls:
            points = tuple(at(*p) for p in hull.points)
            top_y = min(p[1] for p in points)
            centre = (min(p[0] for p in points) + max(p[0] for p in points)) / 2
            size = max(11.0, HULL_FONT * scale)
            for k, line in enumerate(reversed(hull.label.split("\n"))):
                items.append(Text(centre, top_y - 4 * scale - k * size * 1.2, line, size, INK, True, "middle", True))
        where = {n.id: at(n.x, n.y) for n in drawing.nodes}
        for edge in sorted(drawing.edges, key=lambda e: e.change != "ended"):
            if edge.a in where and edge.b in where:
                items.append(Line(where[edge.a], where[edge.b], edge.colour, max(0.8, edge.width * scale), edge.dashed))
        for node in drawing.nodes:
            x, y = where[node.id]
            r = node.size * scale
            items.append(Poly(shape_points(node.shape, x, y, r), node.colour, 1.0, INK, 3 if node.emphasis else 1))
        for node in drawing.nodes:
            if not node.label_shown:
                continue
            x, y = where[node.id]
            size = node.font * scale
            for k, line in enumerate(node.label.split("\n")):
                items.append(Text(x, y + (node.size + 4) * scale + size * (k + 0.95) * 1.2 - size * 0.2, line, size,
                                  INK, False, "middle", True))
    items.append(Text(MARGIN, height - MARGIN + 10, source_line, 14, MUTED))
    return scene


# ------------------------------------------------------------------------------------------------------------- SVG

def scene_svg(scene: Scene) -> str:
    """The scene as an SVG document (text as text: searchable, selectable, escaped)."""
    width, height = scene.size
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'font-family="DejaVu Sans, Verdana, Arial, sans-serif" role="img">',
           f"<title>{escape(scene.title)}</title>", f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    for item in scene.items:
        if isinstance(item, Line):
            dash = ' stroke-dasharray="6 4"' if item.dashed else ""
            out.append(f'<line x1="{item.a[0]}" y1="{item.a[1]}" x2="{item.b[0]}" y2="{item.b[1]}" stroke="{item.colour}" '
                       f'stroke-width="{item.width:.2f}" stroke-linecap="round"{dash}/>')
        elif isinstance(item, Poly):
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in item.points)
            out.append(f'<polygon points="{points}" fill="{item.fill}" fill-opacity="{item.opacity}" '
                       f'stroke="{item.stroke}" stroke-width="{item.width}" stroke-linejoin="round"/>')
        elif isinstance(item, Text):
            halo = ' stroke="#ffffff" stroke-width="3" paint-order="stroke"' if item.halo else ""
            weight = ' font-weight="bold"' if item.bold else ""
            out.append(f'<text x="{item.x:.1f}" y="{item.y:.1f}" font-size="{item.size:.1f}" fill="{item.colour}" '
                       f'text-anchor="{item.anchor}"{weight}{halo}>{escape(item.text)}</text>')
    out.append("</svg>")
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------------------- PNG

SUPERSAMPLE = 2


@lru_cache(maxsize=64)
def _pil_font(size: int, bold: bool):
    """DejaVu Sans (bold) at `size` pixels, for Pillow."""
    from PIL import ImageFont

    return ImageFont.truetype(str(BOLD_FONT_FILE if bold else FONT_FILE), max(size, 1))


def _rgb(colour: str) -> tuple[int, int, int]:
    """`#rrggbb` → (r, g, b)."""
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def scene_png(scene: Scene) -> bytes:
    """The scene painted with Pillow (drawn at twice the size, then reduced: smooth edges)."""
    from PIL import Image, ImageDraw
    from PIL.PngImagePlugin import PngInfo

    k = SUPERSAMPLE
    width, height = scene.size
    image = Image.new("RGB", (width * k, height * k), "#ffffff")
    draw = ImageDraw.Draw(image)
    for item in scene.items:
        if isinstance(item, Line):
            a, b = (item.a[0] * k, item.a[1] * k), (item.b[0] * k, item.b[1] * k)
            w = max(1, round(item.width * k))
            if not item.dashed:
                draw.line([a, b], fill=_rgb(item.colour), width=w)
                continue
            length = math.dist(a, b)
            steps = int(length // (10 * k))
            for s in range(steps + 1):
                t0, t1 = s * 10 * k / max(length, 1), min(1.0, (s * 10 * k + 6 * k) / max(length, 1))
                if t0 >= 1:
                    break
                draw.line([(a[0] + (b[0] - a[0]) * t0, a[1] + (b[1] - a[1]) * t0),
                           (a[0] + (b[0] - a[0]) * t1, a[1] + (b[1] - a[1]) * t1)], fill=_rgb(item.colour), width=w)
        elif isinstance(item, Poly):
            points = [(x * k, y * k) for x, y in item.points]
            if item.opacity < 1:
                overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
                ImageDraw.Draw(overlay).polygon(points, fill=_rgb(item.fill) + (round(255 * item.opacity),))
                image.paste(overlay, (0, 0), overlay)
                draw = ImageDraw.Draw(image)
                draw.polygon(points, outline=_rgb(item.stroke), width=max(1, round(item.width * k)))
            else:
                draw.polygon(points, fill=_rgb(item.fill), outline=_rgb(item.stroke), width=max(1, round(item.width * k)))
        elif isinstance(item, Text):
            font = _pil_font(round(item.size * k), item.bold)
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[item.anchor]
            draw.text((item.x * k, item.y * k), item.text, font=font, fill=_rgb(item.colour), anchor=anchor,
                      stroke_width=round(3 * k / 2) if item.halo else 0, stroke_fill="#ffffff")
    image = image.resize((width, height), Image.Resampling.LANCZOS)
    info = PngInfo()
    info.add_itxt("Title", scene.title)  # the title as text too, for search and screen readers
    info.add_itxt("Software", "Maillage")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, pnginfo=info)
    return buffer.getvalue()


def drawing_svg(drawing: Drawing, date_text: str, source_line: str, page: str = "16:9") -> str:
    """The drawing as an SVG page for the plenary."""
    return scene_svg(build_scene(drawing, date_text, source_line, page))


def drawing_png(drawing: Drawing, date_text: str, source_line: str, page: str = "16:9") -> bytes:
    """The drawing as a PNG page for the plenary."""
    return scene_png(build_scene(drawing, date_text, source_line, page))


def export_source_line(title: str, today) -> str:
    """The source line printed under an exported drawing."""
    return (f"Source : Maillage — {title}, liens déclarés par les coordinateurs et actions communes, "
            f"état au {today:%d/%m/%Y}.")
