"""fpdf2 building blocks shared by the PDF summary and the PDF comparison: document with the shipped
Unicode font, headings, paragraphs, horizontal bar charts, the coverage map and its legend.

Everything is drawn with fpdf2 primitives from the data (no image, nothing from the system or the web):
the DejaVu font comes from data/fonts/ (see its README and licence).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from maillage.core.db import PROJECT_ROOT
from maillage.restitution.graphics import (
    ACCENT,
    INK,
    MUTED,
    RGB,
    RULE,
    dark_text_on,
    project_map,
    score_color,
)

FONT_DIR = PROJECT_ROOT / "data" / "fonts"
FAMILY = "DejaVu"
ELLIPSIS = "…"


class PdfDocument(FPDF):
    """An A4 document in millimetres with DejaVu Sans, French metadata and a footer on every page."""

    def __init__(self, orientation: str = "P", title: str = "", footer: str = "",
                 created: dt.datetime | None = None, credits: str = ""):
        """Create the document and load the shipped fonts."""
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.add_font(FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(True, margin=14)
        self.set_title(title)
        self.set_author("Maillage")
        self.set_creator("Maillage")
        self.set_lang("fr-FR")
        if created is not None:
            self.set_creation_date(created)
        self.footer_text = footer
        self.credits = credits
        self.set_font(FAMILY, "", 9)
        self.set_text_color(*INK)

    def footer(self) -> None:
        """Small grey line at the bottom: what the document is, and the page number (sources above it)."""
        self.set_text_color(*MUTED)
        if self.credits:
            self.set_y(-13)
            self.set_font(FAMILY, "", 5.5)
            self.cell(self.epw, 3, fit_text(self, self.credits, self.epw), align="L")
        self.set_y(-10)
        self.set_font(FAMILY, "", 6.5)
        self.cell(self.epw - 20, 4, fit_text(self, self.footer_text, self.epw - 22), align="L")
        self.cell(20, 4, f"page {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(*INK)

    @property
    def right(self) -> float:
        """x of the right margin."""
        return self.w - self.r_margin


def fit_text(doc: FPDF, text: str, width: float) -> str:
    """`text` cut with `…` so that it fits `width` in the current font."""
    if doc.get_string_width(text) <= width:
        return text
    while text and doc.get_string_width(text + ELLIPSIS) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def heading(doc: PdfDocument, text: str, size: float = 10.5, space_before: float = 2.5) -> None:
    """A section heading with a thin rule under it."""
    doc.ln(space_before)
    doc.set_font(FAMILY, "B", size)
    doc.set_text_color(*ACCENT)
    doc.cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_draw_color(*RULE)
    doc.set_line_width(0.2)
    doc.line(doc.l_margin, doc.get_y() + 0.4, doc.right, doc.get_y() + 0.4)
    doc.ln(1.4)
    doc.set_text_color(*INK)
    doc.set_font(FAMILY, "", 9)


def paragraph(doc: PdfDocument, text: str, size: float = 9, height: float = 4.2, bullet: str = "",
              color: RGB = INK, width: float = 0) -> None:
    """Wrapped text from the left margin (a bullet hangs in the margin when given)."""
    doc.set_font(FAMILY, "", size)
    doc.set_text_color(*color)
    doc.set_x(doc.l_margin)
    if bullet:
        doc.cell(3.5, height, bullet)
        doc.multi_cell(width - 3.5 if width else 0, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    else:
        doc.multi_cell(width, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_text_color(*INK)


def clip_lines(doc: FPDF, text: str, width: float, lines: int) -> str:
    """`text` wrapped to `width` in the current font, kept to `lines` lines (the last one ends with `…`)."""
    wrapped = doc.multi_cell(width, 4, text, dry_run=True, output="LINES")
    if len(wrapped) <= lines:
        return text
    kept = wrapped[:lines]
    kept[-1] = fit_text(doc, kept[-1] + ELLIPSIS, width)
    return "\n".join(kept)


@dataclass(frozen=True)
class Bar:
    """One bar of a horizontal bar chart."""

    label: str
    value: float | None
    text: str
    color: RGB = ACCENT
    bold: bool = False


def bar_chart(doc: PdfDocument, x: float, y: float, width: float, bars: list[Bar], *, label_width: float = 48,
              text_width: float = 16, bar_height: float = 3.6, gap: float = 1.0, size: float = 7,
              maximum: float | None = None) -> float:
    """Horizontal bars with the label on the left and the French value on the right; returns the y below."""
    values = [b.value for b in bars if b.value is not None]
    top = maximum if maximum is not None else max(values, default=0)
    span = max(width - label_width - text_width - 2, 1)
    for bar in bars:
        doc.set_font(FAMILY, "B" if bar.bold else "", size)
        doc.set_text_color(*INK)
        doc.set_xy(x, y)
        doc.cell(label_width, bar_height, fit_text(doc, bar.label, label_width - 1), align="L")
        length = 0.0 if not bar.value or top <= 0 else span * max(bar.value, 0) / top
        if length > 0:
            doc.set_fill_color(*bar.color)
            doc.rect(x + label_width, y + 0.45, max(length, 0.4), bar_height - 0.9, style="F")
        doc.set_xy(x + label_width + length + 1, y)
        doc.cell(text_width, bar_height, bar.text, align="L")
        y += bar_height + gap
    doc.set_font(FAMILY, "", 9)
    return y


def draw_map(doc: PdfDocument, x: float, y: float, width: float, height: float, features: list[dict],
             labels: bool = True) -> bool:
    """The coverage map drawn in the box (communes coloured by score, white outlines); False if nothing to draw."""
    shapes = project_map(features, width, height)
    if not shapes:
        return False
    doc.set_line_width(0.15)
    for shape in shapes:
        if shape.context:
            doc.set_draw_color(170, 170, 170)
        else:
            doc.set_draw_color(255, 255, 255)
        doc.set_fill_color(*shape.fill)
        for ring in shape.rings:
            doc.polygon([(x + px, y + py) for px, py in ring], style="DF")
    named = [shape for shape in shapes if not shape.context]
    if labels and len(named) <= 12:
        doc.set_font(FAMILY, "", 5.5)
        for shape in named:
            dark = dark_text_on(shape.fill)
            doc.set_text_color(*(INK if dark else (255, 255, 255)))
            text = fit_text(doc, shape.name, 30)
            doc.text(x + shape.centre[0] - doc.get_string_width(text) / 2, y + shape.centre[1], text)
    doc.set_text_color(*INK)
    doc.set_draw_color(*RULE)
    doc.set_font(FAMILY, "", 9)
    return True


def score_legend(doc: PdfDocument, x: float, y: float, width: float, size: float = 6) -> float:
    """A red → green gradient from 0 % to 100 % with a grey box for « rien d'attendu »; returns the y below."""
    steps = 40
    bar_width = width * 0.62
    for i in range(steps):
        doc.set_fill_color(*score_color(i / (steps - 1)))
        doc.rect(x + bar_width * i / steps, y, bar_width / steps + 0.05, 2.4, style="F")
    doc.set_font(FAMILY, "", size)
    doc.set_text_color(*MUTED)
    doc.text(x, y + 5.2, "0\u00a0%")
    doc.text(x + bar_width / 2 - 2.5, y + 5.2, "50\u00a0%")
    doc.text(x + bar_width - 6, y + 5.2, "100\u00a0%")
    grey_x = x + bar_width + 3
    doc.set_fill_color(*score_color(None))
    doc.rect(grey_x, y, 3.5, 2.4, style="F")
    doc.text(grey_x + 4.5, y + 2.2, "rien d'attendu")
    doc.set_text_color(*INK)
    doc.set_font(FAMILY, "", 9)
    return y + 6.5
