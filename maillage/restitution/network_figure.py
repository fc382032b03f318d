"""The cooperation network in the documents (summary PDF and HTML, comparison PDF): the Réseau page's own drawing.

The drawing comes from `maillage.network.overview_drawing` (the page's positions, palette, labels and legend);
its page layout (title, date, graph, legend in words, source line) is the plenary export's scene
(`maillage.network.export.build_scene`, A4 landscape). In a PDF the scene is painted with fpdf2 vector primitives
(lines, polygons, text in the shipped DejaVu font: searchable and sharp at any zoom); in HTML it is the export's
inline SVG, whose every text is escaped.
"""

from __future__ import annotations

import datetime as dt

from fpdf.enums import TextMode
from sqlmodel import Session

from maillage.accounts.access import Actor
from maillage.core.errors import PermissionDenied
from maillage.core.formatting import format_date, format_int
from maillage.network.data import Scope, load_source
from maillage.network.export import Line, Poly, Scene, Text, build_scene, export_source_line, scene_svg
from maillage.network.overview import overview_drawing
from maillage.network.view import Drawing
from maillage.restitution.comparison import Comparison
from maillage.restitution.graphics import INK, RULE
from maillage.restitution.pdf_kit import FAMILY, PdfDocument

DRAWN_COUNCILS_MAX = 4  # chosen councils: one page each up to this many (a drawing reads well only full-page)
PAGE = "A4"  # the scene's format: A4 landscape (1754 × 1240 pixels)
PT_PER_MM = 72 / 25.4
HALO = (255, 255, 255)


def _rgb(colour: str) -> tuple[int, int, int]:
    """`#rrggbb` → (r, g, b)."""
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def network_scene(drawing: Drawing, as_of: dt.date, today: dt.date) -> Scene:
    """The drawing laid out on an A4 landscape page: title, the date it shows (in its subtitle) and the day the
    document is made, graph, legend, source line (as the Réseau page's image exports)."""
    return build_scene(drawing, f"édité le {format_date(today)}", export_source_line(drawing.heading, as_of), PAGE)


def network_svg(drawing: Drawing, as_of: dt.date, today: dt.date) -> str:
    """The drawing's page as inline SVG (text as escaped text), for the HTML summary (an inline <svg> needs no
    namespace: the page names no outside address at all)."""
    return scene_svg(network_scene(drawing, as_of, today)).replace(' xmlns="http://www.w3.org/2000/svg"', "", 1)


def paint_scene(doc: PdfDocument, scene: Scene, x: float, y: float, width: float, height: float) -> float:
    """Paint a scene with fpdf2 primitives, scaled to fit the box (centred); returns the scale (mm per pixel)."""
    scale = min(width / scene.size[0], height / scene.size[1])
    left = x + (width - scene.size[0] * scale) / 2
    top = y + (height - scene.size[1] * scale) / 2

    def at(px: float, py: float) -> tuple[float, float]:
        """Scene pixels → page millimetres."""
        return left + px * scale, top + py * scale

    # Colours and widths are set directly (fpdf2 writes an operator only when they change): a local graphics
    # context per item costs ten times more, and a national-scale drawing holds thousands of items.
    for item in scene.items:
        if isinstance(item, Line):
            (x1, y1), (x2, y2) = at(*item.a), at(*item.b)
            doc.set_draw_color(*_rgb(item.colour))
            doc.set_line_width(max(item.width * scale, 0.1))
            if item.dashed:
                doc.set_dash_pattern(dash=6 * scale, gap=4 * scale)
            doc.line(x1, y1, x2, y2)
            if item.dashed:
                doc.set_dash_pattern()
        elif isinstance(item, Poly):
            points = [at(px, py) for px, py in item.points]
            doc.set_fill_color(*_rgb(item.fill))
            doc.set_draw_color(*_rgb(item.stroke))
            doc.set_line_width(max(item.width * scale, 0.05))
            if item.opacity < 1:
                with doc.local_context(fill_opacity=item.opacity):
                    doc.polygon(points, style="F")
                doc.polygon(points, style="D")
            else:
                doc.polygon(points, style="DF")
        elif isinstance(item, Text):
            doc.set_font(FAMILY, "B" if item.bold else "", item.size * scale * PT_PER_MM)
            tx, ty = at(item.x, item.y)
            if item.anchor != "start":
                text_width = doc.get_string_width(item.text)
                tx -= text_width / 2 if item.anchor == "middle" else text_width
            if item.halo:  # a white outline under the letters, as on the page, so lines never cross a label
                doc.set_draw_color(*HALO)
                doc.set_line_width(3 * scale)
                doc.text_mode = TextMode.STROKE
                doc.text(tx, ty, item.text)
                doc.text_mode = TextMode.FILL
            doc.set_text_color(*_rgb(item.colour))
            doc.text(tx, ty, item.text)
    doc.set_text_color(*INK)
    doc.set_draw_color(*RULE)
    doc.set_line_width(0.2)
    doc.set_font(FAMILY, "", 9)
    return scale


def network_page(doc: PdfDocument, drawing: Drawing, as_of: dt.date, today: dt.date) -> None:
    """A landscape page holding the drawing (title, date, graph, legend in words, source line) within the margins."""
    doc.add_page(orientation="L")
    paint_scene(doc, network_scene(drawing, as_of, today), doc.l_margin, doc.t_margin, doc.epw,
                doc.h - doc.t_margin - doc.b_margin)
    doc.set_xy(doc.l_margin, doc.h - doc.b_margin)


def comparison_networks(session: Session, actor: Actor, comparison: Comparison) -> tuple[list[Drawing], list[str]]:
    """The drawings the comparison PDF shows, and what it says of those it leaves out.

    A network's comparison: one drawing of the network, its partners grouped by council (as the Réseau page
    opens a network), so each council is named on the picture. Chosen councils: one drawing per council, each on
    its own page, up to DRAWN_COUNCILS_MAX (an A4 page holds one readable drawing: labels of about 8 pt; four or
    six to a page would bring them under 4 pt). Only what the reader may open on the Réseau page is drawn.
    """
    if comparison.network_id is not None:
        scopes = [(Scope.network(comparison.network_id), comparison.title)]
    elif len(comparison.councils) <= DRAWN_COUNCILS_MAX:
        scopes = [(Scope.council(f.council_id), f.name) for f in comparison.councils]
    else:
        return [], [f"Les réseaux de coopération ne sont dessinés que pour {format_int(DRAWN_COUNCILS_MAX)} instances "
                    "au plus : comparez un réseau pour les voir ensemble, ou ouvrez la page Réseau de chaque instance."]
    drawings, notes = [], []
    for scope, name in scopes:
        try:
            source = load_source(session, actor, scope, comparison.as_of)
        except PermissionDenied:
            notes.append(f"Le réseau de coopération de « {name} » n'est pas dessiné : son détail ne vous est pas "
                         "ouvert (seuls ses chiffres agrégés sont comparés).")
            continue
        if not source.nodes:
            notes.append(f"« {name} » n'a encore aucun partenaire : pas de réseau à dessiner.")
            continue
        drawings.append(overview_drawing(session, source))
    return drawings, notes
