"""The elected officials' summary as a one-page A4 PDF (fpdf2): sentences, key figures, map, charts, actions, gaps;
then the council's cooperation network on a landscape page (the Réseau page's drawing, see `network_figure`).

Every drawing (map, bars, figure tiles) is made of fpdf2 primitives from the report's data; text uses the
shipped DejaVu font, so accents, « » and the narrow no-break space of French numbers render everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from maillage.core.formatting import format_date, format_int, plural
from maillage.core.french import join_some
from maillage.core.text import fold
from maillage.restitution.graphics import (
    ACCENT,
    ACCENT_LIGHT,
    BAD,
    GOOD,
    INK,
    MUTED,
    RULE,
)
from maillage.restitution.network_figure import network_page
from maillage.restitution.pdf_kit import (
    FAMILY,
    Bar,
    PdfDocument,
    bar_chart,
    clip_lines,
    draw_map,
    fit_text,
    heading,
    paragraph,
    score_legend,
)
from maillage.restitution.sentences import (
    gap_text,
    identity_text,
    partners_text,
    period_text,
    results_text,
)
from maillage.restitution.summary import CouncilReport, KeyFigure, context_note

TILE_GAP = 3.0
TREND_MARKS = {"up": "▲", "down": "▼", "same": "="}


def _tile(doc: PdfDocument, x: float, y: float, width: float, height: float, figure: KeyFigure,
          previous_year: int) -> None:
    """One key figure: label, value, and its change coloured by direction."""
    doc.set_fill_color(244, 246, 249)
    doc.rect(x, y, width, height, style="F")
    doc.set_xy(x + 2, y + 1.2)
    doc.set_font(FAMILY, "", 6.8)
    doc.set_text_color(*MUTED)
    doc.cell(width - 4, 3, fit_text(doc, figure.label, width - 4))
    doc.set_xy(x + 2, y + 4.6)
    doc.set_font(FAMILY, "B", 13)
    doc.set_text_color(*INK)
    doc.cell(width - 4, 5.5, figure.text)
    doc.set_xy(x + 2, y + 10.6)
    doc.set_font(FAMILY, "", 6.5)
    colour = MUTED if figure.improved is None else (GOOD if figure.improved else BAD)
    doc.set_text_color(*colour)
    mark = TREND_MARKS.get(figure.trend or "", "")
    doc.cell(width - 4, 3, fit_text(doc, f"{mark} {figure.change_text(previous_year)}".strip(), width - 4))
    doc.set_text_color(*INK)


def _tiles(doc: PdfDocument, report: CouncilReport) -> None:
    """The key figures, four per row."""
    per_row = 4
    width = (doc.epw - TILE_GAP * (per_row - 1)) / per_row
    height = 14.5
    y = doc.get_y()
    for index, figure in enumerate(report.figures):
        row, column = divmod(index, per_row)
        _tile(doc, doc.l_margin + column * (width + TILE_GAP), y + row * (height + 2), width, height, figure,
              report.previous_year)
    rows = (len(report.figures) + per_row - 1) // per_row
    doc.set_xy(doc.l_margin, y + rows * (height + 2) - 1)
    doc.set_font(FAMILY, "", 6)
    doc.set_text_color(*MUTED)
    doc.multi_cell(doc.epw, 2.8, report.baseline.words, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_text_color(*INK)


def _map_block(doc: PdfDocument, report: CouncilReport, x: float, y: float, width: float, height: float) -> float:
    """The coverage map in its frame, its legend and its source note; returns the y below."""
    doc.set_draw_color(*RULE)
    doc.set_line_width(0.2)
    doc.rect(x, y, width, height)
    if not draw_map(doc, x + 1, y + 1, width - 2, height - 2, report.map_context + report.map_features):
        doc.set_xy(x, y + height / 2 - 2)
        doc.set_font(FAMILY, "", 8)
        doc.set_text_color(*MUTED)
        doc.cell(width, 4, "Carte indisponible (aucun contour pour ces territoires)", align="C")
        doc.set_text_color(*INK)
    bottom = score_legend(doc, x, y + height + 1.5, width)
    doc.set_xy(x, bottom)
    doc.set_font(FAMILY, "", 5.8)
    doc.set_text_color(*MUTED)
    level = {"commune": "commune", "epci": "EPCI"}.get(report.map_level, report.map_level)
    note = (f"Couleur : part des attentes du référentiel couvertes par {level} au {format_date(report.as_of)}."
            + context_note(report)
            + (" Sans contour : " + ", ".join(report.map_without) + "." if report.map_without else ""))
    doc.multi_cell(width, 2.6, note, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_text_color(*INK)
    return doc.get_y()


def _partnership_block(doc: PdfDocument, report: CouncilReport, x: float, y: float, width: float) -> float:
    """Links by level (with last year's), newcomers, and people reached by year; returns the y below."""
    doc.set_xy(x, y)
    doc.set_font(FAMILY, "B", 8)
    doc.cell(width, 4, fit_text(doc, f"Liens actifs par niveau ({report.baseline.when} entre parenthèses)", width))
    top = max(list(report.links_by_level.values()) + list(report.previous_links_by_level.values()) + [1])
    bars = [Bar(f"{level} — {report.level_labels.get(level, '')}", count,
                f"{format_int(count)} ({format_int(report.previous_links_by_level.get(level, 0))})",
                ACCENT if level >= 3 else ACCENT_LIGHT)
            for level, count in sorted(report.links_by_level.items())]
    y = bar_chart(doc, x, y + 4.5, width, bars, label_width=30, text_width=14, maximum=top)
    doc.set_xy(x, y + 0.5)
    doc.set_font(FAMILY, "", 7.2)
    if report.new_partners:
        newcomers = f"Nouveaux en {report.year} : " + join_some(report.new_partners, 4) + "."
    else:
        newcomers = f"Aucun nouveau partenaire engagé en {report.year}."
    lines = [newcomers,
             f"Liens noués en {report.year} : {format_int(report.links_added)} ; arrivés à terme : "
             f"{format_int(report.links_ended)}."]
    for line in lines:
        doc.set_x(x)
        doc.multi_cell(width, 3.2, clip_lines(doc, line, width, 3), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
    y = doc.get_y() + 1.5
    doc.set_xy(x, y)
    doc.set_font(FAMILY, "B", 8)
    doc.cell(width, 4, "Personnes touchées par année")
    history = [(year, people) for year, people in report.people_by_year]
    bars = [Bar(str(year), people, format_int(people) if people is not None else "—",
                ACCENT if year == report.year else ACCENT_LIGHT, bold=year == report.year)
            for year, people in history]
    return bar_chart(doc, x, y + 4.5, width, bars, label_width=12, text_width=16)


def _actions_table(doc: PdfDocument, report: CouncilReport, limit: int) -> None:
    """The main actions: title and type, partners, results of the year."""
    if not report.actions:
        paragraph(doc, f"Aucune action en {report.year}.", size=8)
        return
    widths = (58, 70, 58)
    doc.set_font(FAMILY, "", 7)
    doc.set_fill_color(255, 255, 255)
    doc.set_draw_color(*RULE)
    style = FontFace(emphasis="BOLD", fill_color=(232, 237, 243), size_pt=7)
    with doc.table(col_widths=widths, text_align="LEFT", line_height=3.1, headings_style=style,
                   borders_layout="HORIZONTAL_LINES", padding=0.8, width=doc.epw, cell_fill_mode="NONE") as table:
        table.row(["Action", "Partenaires", f"Résultats {report.year}"])
        for action in report.actions[:limit]:
            title = clip_lines(doc, action.title, widths[0] - 2, 2)
            kind = clip_lines(doc, action.type_label + (" · en ligne" if action.mode == "en_ligne" else ""),
                              widths[0] - 2, 1)
            table.row([f"{title}\n{kind}", clip_lines(doc, partners_text(action), widths[1] - 2, 3),
                       clip_lines(doc, results_text(action), widths[2] - 2, 3)])
    doc.set_font(FAMILY, "", 9)


@dataclass(frozen=True)
class Layout:
    """How much goes on the page; smaller layouts are tried until everything fits on one page."""

    actions: int
    gaps: int
    map_height: float
    sentence_lines: int


LAYOUTS = (Layout(5, 4, 56, 3), Layout(4, 3, 50, 2), Layout(3, 2, 44, 2), Layout(3, 2, 40, 1))


def _render(report: CouncilReport, layout: Layout, created: dt.datetime | None) -> PdfDocument:
    """The whole page with one layout (the caller checks whether it fits on one page)."""
    footer = (f"{report.name} · synthèse {report.year} du {format_date(report.today)} · Maillage · "
              "effectifs agrégés uniquement" + (" · données de démonstration" if report.demo else ""))
    doc = PdfDocument("P", title=f"Synthèse {report.year} — {report.name}", footer=footer, created=created,
                      credits="Sources : " + report.attribution)
    doc.set_subject(f"Synthèse pour les élus, {report.name}, {report.year}")
    doc.add_page()

    doc.set_font(FAMILY, "B", 8)
    doc.set_text_color(*ACCENT)
    doc.cell(0, 4, "SYNTHÈSE POUR LES ÉLUS · " + period_text(report), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_font(FAMILY, "B", 16)
    doc.set_text_color(*INK)
    doc.multi_cell(0, 7, report.name, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_font(FAMILY, "", 7.5)
    doc.set_text_color(*MUTED)
    doc.multi_cell(0, 3.6, identity_text(report), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_text_color(*INK)

    heading(doc, "L'essentiel", space_before=2)
    for sentence in report.sentences:
        doc.set_font(FAMILY, "", 8.3)
        paragraph(doc, clip_lines(doc, sentence, doc.epw - 4, layout.sentence_lines), size=8.3, height=3.8,
                  bullet="•")

    heading(doc, "Chiffres clés", space_before=2)
    _tiles(doc, report)

    heading(doc, "Carte de la couverture et force du partenariat", space_before=2)
    top = doc.get_y()
    left_width = 92
    right_x = doc.l_margin + left_width + 6
    bottom_left = _map_block(doc, report, doc.l_margin, top, left_width, layout.map_height)
    bottom_right = _partnership_block(doc, report, right_x, top, doc.right - right_x)
    doc.set_xy(doc.l_margin, max(bottom_left, bottom_right))

    shown = min(layout.actions, len(report.actions))
    heading(doc, f"Actions principales en {report.year}"
            + (f" ({shown} sur {report.actions_in_year})" if report.actions_in_year > shown else ""),
            space_before=1.5)
    _actions_table(doc, report, layout.actions)

    heading(doc, "Principaux manques et pistes", space_before=2)
    if not report.gaps:
        paragraph(doc, "Aucun manque : chaque attente du référentiel a une action en cours.", size=8)
    for gap in report.gaps[:layout.gaps]:
        doc.set_font(FAMILY, "", 7.8)
        paragraph(doc, clip_lines(doc, gap_text(gap), doc.epw - 4, 2), size=7.8, height=3.5, bullet="•")
    if report.gaps:
        paragraph(doc, f"Au total, {plural(report.gap_cells, 'attente non couverte', 'attentes non couvertes')} : "
                       "la liste complète, avec les partenaires qui pourraient les combler, est sur la page Couverture.",
                  size=6.8, height=3.2, color=MUTED)
    return doc


def report_pdf(report: CouncilReport, created: dt.datetime | None = None) -> bytes:
    """The one-page PDF of a summary (`created`: the document date, for reproducible files).

    The page is laid out with the fullest layout that fits on one A4 page (fewer actions and gaps,
    a smaller map, shorter sentences otherwise); the last layout is kept even if it overflows. The council's
    cooperation network follows on a landscape page, drawn as on the Réseau page.
    """
    for layout in LAYOUTS:
        doc = _render(report, layout, created)
        if doc.page_no() == 1:
            break
    if report.network is not None:
        network_page(doc, report.network, report.as_of, report.today)
    return bytes(doc.output())


def report_filename(report: CouncilReport, extension: str = "pdf") -> str:
    """`synthese-clspd-de-bordeaux-2026.pdf`."""
    slug = "-".join(fold(report.name).split())[:60].strip("-") or f"instance-{report.council_id}"
    return f"synthese-{slug}-{report.year}.{extension}"
