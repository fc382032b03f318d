"""Tables that fit their content: one declarative spec per table gives st.dataframe its column configuration.

st.dataframe draws on a canvas and cuts any text wider than its column. `show_table` sizes each column from
its longest text (header included), pins the first column so a wide table scrolls beside it, puts a French
tooltip on headers (`help`), and can pin and highlight one column (the reader's own council in comparisons).
A column capped below its longest text says so in its tooltip: a double click on a cell shows it whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

CHAR_PX = 7.0        # average width of a character of the table's font (Source Sans, 14 px), capitals included
PADDING_PX = 34      # cell padding on both sides, and room for the header's sort mark
MIN_PX = 64
MAX_PX = 460         # a column wider than this is capped (its tooltip says how to read the whole text)
PINNED_MAX_PX = 280  # the pinned first column stays narrow enough to leave room on a 390 px phone
PHONE_PINNED_MAX_PX = 160  # on a phone, pinned columns must leave room to scroll the others
HELP_MARK_PX = 22    # the header's tooltip mark
HIGHLIGHT = "#fff3c4"
LONG_TEXT = "Texte long : double-cliquez sur une cellule pour le lire en entier."


@dataclass(frozen=True)
class Col:
    """How one column is shown: its tooltip, an optional French header, a maximum width."""

    help: str | None = None
    label: str | None = None
    max_width: int = MAX_PX
    pinned_max: int = PINNED_MAX_PX  # when pinned (a first column of short labels can take more)


def on_phone() -> bool:
    """Whether the reader's browser says it is a phone (its User-Agent); tables then pin less and narrower."""
    try:
        agent = st.context.headers.get("User-Agent", "") or ""
    except Exception:  # no browser (AppTest, bare mode)
        return False
    return "Mobi" in agent or "Android" in agent


def text_width(text: str) -> int:
    """Estimated width in pixels of `text` in the table's font (the widest line)."""
    return max((round(len(line) * CHAR_PX) for line in str(text).splitlines() or [""]), default=0)


def column_width(name: str, values: Sequence[Any], cap: int, header_extra: int = 0) -> tuple[int, bool]:
    """The column's width in pixels (header and longest value, within bounds) and whether a value is cut.

    `header_extra` is room the header needs besides its text (the tooltip's mark).
    """
    longest = max([text_width("" if v is None else v) for v in values], default=0) + PADDING_PX
    header = text_width(name) + PADDING_PX + header_extra
    return max(MIN_PX, min(max(longest, header), cap)), longest > cap


def table_config(records: Sequence[Mapping[str, Any]], spec: Mapping[str, Col | str] | None = None, *,
                 pin_first: bool = True, pinned: str | None = None, pinned_label: str | None = None,
                 phone: bool = False) -> dict:
    """The column configuration of a table: widths from the content, pinned first column, tooltips.

    `spec` maps a column name to a `Col` (or just its tooltip). `pinned` names one more column to pin
    (shown after the first one) under the header `pinned_label`. On a `phone` only the first column is
    pinned, at most PHONE_PINNED_MAX_PX wide, so the other columns keep room to scroll.
    """
    spec = {name: Col(help=value) if isinstance(value, str) else value for name, value in (spec or {}).items()}
    names = list(records[0]) if records else list(spec)
    config = {}
    for index, name in enumerate(names):
        col = spec.get(name, Col())
        is_pinned = (pin_first and index == 0) or (name == pinned and not phone)
        cap = min(col.max_width, PHONE_PINNED_MAX_PX if phone else col.pinned_max) if is_pinned else col.max_width
        label = pinned_label if name == pinned and pinned_label else (col.label or name)
        values = [r.get(name) for r in records]
        cut = column_width(label, values, cap)[1]
        tip = " ".join(t for t in (col.help, LONG_TEXT if cut else None) if t) or None
        width = column_width(label, values, cap, HELP_MARK_PX if tip else 0)[0]
        config[name] = st.column_config.Column(label, width=width, help=tip, pinned=is_pinned)
    return config


def show_table(records: Sequence[Mapping[str, Any]], spec: Mapping[str, Col | str] | None = None, *,
               pin_first: bool = True, highlight: str | None = None, highlight_label: str | None = None,
               height: int | None = None, max_height: int | None = None, highlight_row: str | None = None, **kwargs):
    """Draw `records` (one dict per row, French keys) with `table_config`; `highlight` pins and colours a column,
    `highlight_row` colours the rows whose first column holds that text (the reader's own council).

    `max_height` shows every row up to that height; other keyword arguments go to st.dataframe.
    """
    records = list(records)
    if highlight_row is not None and records:
        import pandas as pd

        first = next(iter(records[0]))
        marked = "background-color: " + HIGHLIGHT + "; font-weight: bold"
        config = table_config(records, spec, pin_first=pin_first, phone=on_phone())
        styled = pd.DataFrame(records).style.apply(
            lambda row: [marked if row[first] == highlight_row else "" for _ in row], axis=1)
        if height is None and max_height is not None:
            height = min(max_height, 38 + 35 * max(1, len(records)))
        extra = {"height": height} if height is not None else {}
        return st.dataframe(styled, hide_index=True, width="stretch", column_config=config, **extra, **kwargs)
    config = table_config(records, spec, pin_first=pin_first, pinned=highlight, pinned_label=highlight_label,
                          phone=on_phone())
    if highlight and records and highlight in records[0]:  # the highlighted column comes right after the first
        names = list(records[0])
        kwargs.setdefault("column_order", [names[0], highlight] + [n for n in names[1:] if n != highlight])
    data: Any = records
    if highlight and records and highlight in records[0]:
        import pandas as pd

        data = pd.DataFrame(records).style.set_properties(
            subset=[highlight], **{"background-color": HIGHLIGHT, "font-weight": "bold"})
    if height is None and max_height is not None:
        height = min(max_height, 38 + 35 * max(1, len(records)))
    extra = {"height": height} if height is not None else {}
    return st.dataframe(data, hide_index=True, width="stretch", column_config=config, **extra, **kwargs)
