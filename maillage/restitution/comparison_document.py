"""The comparison as a landscape PDF for the network meeting: indicators, who does what, bar charts, actions, and
the cooperation networks as the Réseau page draws them (see `network_figure.comparison_networks`).

Drawn with fpdf2 primitives from the comparison's data (bars, shaded matrix), French formats, the shipped
DejaVu font. Only the actions the reader may see are listed (see `maillage.restitution.comparison`).
"""

from __future__ import annotations

import datetime as dt

from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from maillage.core.errors import ValidationError
from maillage.core.formatting import format_date, format_int, plural
from maillage.network.view import Drawing
from maillage.restitution.comparison import MAX_COUNCILS, Comparison
from maillage.restitution.graphics import ACCENT, ACCENT_LIGHT, INK, MUTED, RULE
from maillage.restitution.indicators import CHARTED, INDICATORS, ordinal
from maillage.restitution.network_figure import network_page
from maillage.restitution.pdf_kit import (
    FAMILY,
    Bar,
    PdfDocument,
    bar_chart,
    clip_lines,
    fit_text,
    heading,
    paragraph,
)

COUNCILS_PER_BLOCK = 6
LABEL_WIDTH = 62


def subtitle(comparison: Comparison) -> str:
    """`Année 2026 (en cours) · situation au 29/11/2026 · 12 instances`."""
    running = " (en cours)" if comparison.provisional else ""
    return (f"Année {comparison.year}{running} · situation au {format_date(comparison.as_of)} · "
            f"{plural(len(comparison.councils), 'instance')}")


SHARING_NOTE = ("Chiffres agrégés calculés sur toutes les actions de chaque instance ; les actions d'une autre "
                "instance ne sont nommées que si elle les partage avec ses réseaux.")


def _indicator_tables(doc: PdfDocument, comparison: Comparison) -> None:
    """The indicators, councils as columns (six per block), then the missing typologies."""
    councils = comparison.councils
    style = FontFace(emphasis="BOLD", fill_color=(232, 237, 243), size_pt=7)
    for start in range(0, len(councils), COUNCILS_PER_BLOCK):
        block = councils[start:start + COUNCILS_PER_BLOCK]
        width = (doc.epw - LABEL_WIDTH) / COUNCILS_PER_BLOCK
        doc.set_font(FAMILY, "", 7)
        doc.set_fill_color(255, 255, 255)
        doc.set_draw_color(*RULE)
        with doc.table(col_widths=[LABEL_WIDTH] + [width] * len(block), width=LABEL_WIDTH + width * len(block),
                       align="LEFT", text_align=["LEFT"] + ["RIGHT"] * len(block), line_height=3.2,
                       headings_style=style, borders_layout="HORIZONTAL_LINES", padding=0.8,
                       cell_fill_mode="NONE") as table:
            table.row(["Indicateur (rang)"] + [clip_lines(doc, f.name, width - 2, 2) for f in block])
            for spec in INDICATORS:
                cells = [spec.title(comparison.year)]
                for f in block:
                    rank = comparison.ranks[spec.code].get(f.council_id)
                    text = spec.format(f.value(spec.code))
                    cells.append(text if rank is None else f"{text} ({ordinal(rank)})")
                table.row(cells)
        doc.ln(2)
    missing = [(f.name, f.missing_typologies) for f in councils if f.missing_typologies]
    if missing:
        doc.set_font(FAMILY, "B", 7.5)
        doc.cell(0, 4, "Typologies attendues absentes du partenariat", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for name, labels in missing:
            paragraph(doc, f"{name} : {', '.join(labels)}.", size=7, height=3.3, bullet="•")


def _shade(count: int, top: int) -> tuple[int, int, int]:
    """Fill of a who-does-what cell: white for none, darker blue for more actions."""
    if not count:
        return (255, 255, 255)
    t = 0.15 + 0.55 * count / max(top, 1)
    return tuple(round(255 + (c - 255) * t) for c in ACCENT)  # type: ignore[return-value]


def _matrix(doc: PdfDocument, comparison: Comparison) -> None:
    """Councils × active action types, the number of active actions written in each cell."""
    types = comparison.active_types()
    if not types:
        paragraph(doc, "Aucune action en cours dans ces instances à cette date.", size=8)
        return
    name_width, total_width = 52, 12
    width = min(24.0, (doc.epw - name_width - total_width) / len(types))
    header_height = 15
    x0, y = doc.l_margin, doc.get_y()
    doc.set_font(FAMILY, "B", 5.6)
    doc.set_text_color(*INK)
    for index, (_code, label) in enumerate(types):
        doc.set_xy(x0 + name_width + index * width, y)
        doc.multi_cell(width, 2.6, clip_lines(doc, label, width - 1, 6), align="C", new_x=XPos.RIGHT, new_y=YPos.TOP)
    doc.set_xy(x0 + name_width + len(types) * width, y)
    doc.multi_cell(total_width, 2.6, "Total", align="C")
    y += header_height
    top = max((comparison.matrix.get((f.council_id, code), 0) for f in comparison.councils for code, _ in types),
              default=1)
    row_height = 4.6
    for f in comparison.councils:
        if y + row_height > doc.page_break_trigger:
            doc.add_page()
            y = doc.get_y()
        doc.set_xy(x0, y)
        doc.set_font(FAMILY, "", 7)
        doc.cell(name_width, row_height, fit_text(doc, f.name, name_width - 1))
        for index, (code, _label) in enumerate(types):
            count = comparison.matrix.get((f.council_id, code), 0)
            fill = _shade(count, top)
            doc.set_fill_color(*fill)
            doc.set_draw_color(*RULE)
            doc.rect(x0 + name_width + index * width, y, width, row_height, style="DF")
            doc.set_xy(x0 + name_width + index * width, y)
            doc.set_text_color(*INK)
            doc.cell(width, row_height, format_int(count) if count else "·", align="C")
        doc.set_text_color(*INK)
        doc.set_font(FAMILY, "B", 7)
        doc.set_xy(x0 + name_width + len(types) * width, y)
        doc.cell(total_width, row_height, format_int(f.active_actions), align="C")
        y += row_height
    doc.set_xy(doc.l_margin, y + 1.5)
    paragraph(doc, "Nombre d'actions en cours par type ; « · » : aucune. Couleur d'autant plus foncée que le nombre "
                   "est élevé (le chiffre est toujours écrit).", size=6.5, height=3, color=MUTED)


def _charts(doc: PdfDocument, comparison: Comparison) -> None:
    """One ranked bar chart per indicator, two per row."""
    column_width = (doc.epw - 8) / 2
    column = 0
    n = len(comparison.councils)
    bar_height = 3.4 if n <= 20 else 2.6
    chart_height = 10 + n * (bar_height + 0.8) + 6
    y_row = doc.get_y()
    for spec in CHARTED:
        if column == 0 and y_row + chart_height > doc.page_break_trigger:
            doc.add_page()
            y_row = doc.get_y()
        x = doc.l_margin + column * (column_width + 8)
        doc.set_xy(x, y_row)
        doc.set_font(FAMILY, "B", 8)
        doc.cell(column_width, 4, fit_text(doc, spec.title(comparison.year), column_width))
        doc.set_xy(x, y_row + 4)
        doc.set_font(FAMILY, "", 6.2)
        doc.set_text_color(*MUTED)
        doc.cell(column_width, 3, fit_text(doc, spec.rank_rule.capitalize(), column_width))
        doc.set_text_color(*INK)
        ranking = comparison.ranking(spec.code)
        bars = [Bar(f"{ordinal(r.rank)}  {r.council}" if r.rank else f"—  {r.council}", r.value, r.text,
                    ACCENT if r.rank == 1 else ACCENT_LIGHT) for r in ranking]
        bottom = bar_chart(doc, x, y_row + 8, column_width, bars, label_width=62, text_width=18,
                           bar_height=bar_height, gap=0.8, size=6.3 if n <= 20 else 5.5)
        doc.set_xy(x, bottom + 0.5)
        doc.set_font(FAMILY, "", 5.8)
        doc.set_text_color(*MUTED)
        doc.multi_cell(column_width, 2.5, clip_lines(doc, spec.definition, column_width, 2), align="L",
                       new_x=XPos.LEFT, new_y=YPos.NEXT)
        doc.set_text_color(*INK)
        if column == 1:
            y_row += chart_height + 4
        column = 1 - column
    doc.set_xy(doc.l_margin, y_row + (chart_height + 4 if column == 1 else 0))


def _actions(doc: PdfDocument, comparison: Comparison) -> None:
    """The actions the reader may see, with their pilots, and how many are not listed."""
    entries = [e for f in comparison.councils for key, items in sorted(comparison.listed.items())
               if key[0] == f.council_id for e in items]
    if not entries:
        paragraph(doc, "Aucune action en cours visible pour vous dans ces instances.", size=8)
    else:
        widths = (52, 52, 70, 70, 29)
        style = FontFace(emphasis="BOLD", fill_color=(232, 237, 243), size_pt=7)
        doc.set_font(FAMILY, "", 6.8)
        doc.set_fill_color(255, 255, 255)
        with doc.table(col_widths=widths, width=sum(widths), align="LEFT", text_align="LEFT", line_height=3.1,
                       headings_style=style, borders_layout="HORIZONTAL_LINES", padding=0.7,
                       cell_fill_mode="NONE") as table:
            table.row(["Instance", "Type d'action", "Action", "Pilote(s) et partenaires", f"Personnes {comparison.year}"])
            for e in entries:
                who = ", ".join(e.pilots) or "—"
                if e.partners:
                    who += " ; avec " + ", ".join(e.partners)
                table.row([e.council, e.type_label, clip_lines(doc, e.title, widths[2] - 2, 2),
                           clip_lines(doc, who, widths[3] - 2, 3),
                           format_int(e.people_reached) if e.people_reached is not None else "—"])
    hidden = comparison.hidden_total()
    if hidden:
        paragraph(doc, f"{plural(hidden, 'action en cours non partagée', 'actions en cours non partagées')} avec les "
                       "réseaux : comptées dans les chiffres, non nommées ici.", size=7, color=MUTED)


def comparison_pdf(comparison: Comparison, created: dt.datetime | None = None,
                   networks: tuple[list[Drawing], list[str]] | None = None) -> bytes:
    """The landscape PDF (`created`: document date, for reproducible files); MAX_COUNCILS councils at most (a bar per
    council and a page of actions each: beyond, ValidationError pointing to the workbook or the CSV). `networks`,
    from `network_figure.comparison_networks`: the cooperation networks drawn as on the Réseau page, one per page."""
    if len(comparison.councils) > MAX_COUNCILS or not comparison.detailed:
        raise ValidationError([("out", f"PDF : {MAX_COUNCILS} instances au plus (cette comparaison en compte "
                                       f"{format_int(len(comparison.councils))}) ; écrivez un classeur .xlsx ou un "
                                       "fichier .csv, ou choisissez moins d'instances")])
    footer = (f"Comparaison — {comparison.title} · {comparison.year} · établie le {format_date(comparison.today)} "
              "avec Maillage · effectifs agrégés uniquement")
    doc = PdfDocument("L", title=f"Comparaison {comparison.year} — {comparison.title}", footer=footer, created=created)
    doc.add_page()
    doc.set_font(FAMILY, "B", 8)
    doc.set_text_color(*ACCENT)
    doc.cell(0, 4, "COMPARAISON DES INSTANCES · " + subtitle(comparison), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_font(FAMILY, "B", 15)
    doc.set_text_color(*INK)
    doc.multi_cell(0, 7, comparison.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    paragraph(doc, SHARING_NOTE, size=7, height=3.2, color=MUTED)

    heading(doc, "Indicateurs", space_before=1.5)
    _indicator_tables(doc, comparison)
    doc.add_page()
    heading(doc, "Qui fait quoi : actions en cours par type", space_before=0)
    _matrix(doc, comparison)
    doc.add_page()
    heading(doc, "Comparaisons par indicateur (rangs)", space_before=0)
    _charts(doc, comparison)
    heading(doc, "Qui fait quoi : les actions et leurs pilotes", space_before=4)
    _actions(doc, comparison)
    if networks is not None:
        drawings, notes = networks
        for note in notes:
            paragraph(doc, note, size=7, color=MUTED)
        for drawing in drawings:
            network_page(doc, drawing, comparison.as_of, comparison.today)
    return bytes(doc.output())
