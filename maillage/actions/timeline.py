"""Timeline of a council's actions: one bar per action, coloured by type, as a Vega-Lite specification."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from maillage.accounts.access import Actor
from maillage.actions.listing import ActionFilters, ActionRow, list_actions
from maillage.core.formatting import format_date, plural
from maillage.vocabularies.store import Vocabularies

# Twelve colours told apart by most readers (Tableau-like palette); the legend and the table carry the type in text.
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
           "#b07aa1", "#ff9da7", "#9c755f", "#79706e", "#17becf", "#bcbd22")
ROW_HEIGHT = 24
OPEN_STUB_DAYS = 30
MIN_BAR_SHARE = 0.015  # a bar is drawn at least this share of the time axis wide (one-day, short or future actions)
AXIS_PADDING = {"left": 6, "top": 6, "bottom": 6, "right": 28}  # room for the last year's label (« 2027 »)
FRENCH_TIME_LOCALE = {
    "dateTime": "%A %e %B %Y à %X", "date": "%d/%m/%Y", "time": "%H:%M:%S",
    "periods": ["", ""],
    "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
    "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
    "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
               "novembre", "décembre"],
    "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
}


@dataclass(frozen=True)
class TimelineBar:
    """One action on the timeline; open-ended actions are drawn up to the timeline's date."""

    id: int
    title: str
    action_type: str
    type_label: str
    start: dt.date
    end: dt.date
    end_date: dt.date | None
    status_label: str
    needs_review: bool

    @property
    def period(self) -> str:
        """`depuis le 07/01/2019` or `du 01/03/2021 au 30/06/2022`."""
        if self.end_date is None:
            return f"depuis le {format_date(self.start)}"
        return f"du {format_date(self.start)} au {format_date(self.end_date)}"


def bars_from_rows(rows: list[ActionRow], as_of: dt.date) -> list[TimelineBar]:
    """Timeline bars for listed actions, by start date then title."""
    bars = []
    for row in sorted(rows, key=lambda r: (r.start_date, r.title.lower())):
        if row.end_date is not None:
            end = max(row.end_date, row.start_date + dt.timedelta(days=1))  # a one-day event still shows
        else:
            # Open-ended: up to the timeline's date; one that has not started yet gets a month's stub.
            end = max(as_of, row.start_date + dt.timedelta(days=OPEN_STUB_DAYS))
        bars.append(TimelineBar(row.id, row.title, row.action_type, row.action_type_label, row.start_date, end,
                                row.end_date, row.status_label, row.needs_review))
    return bars


def council_timeline(session: Session, actor: Actor, council_id: int, as_of: dt.date | None = None,
                     filters: ActionFilters | None = None) -> list[TimelineBar]:
    """The bars of a council's actions the actor may see (optionally narrowed by other filters)."""
    as_of = as_of or dt.date.today()
    filters = filters or ActionFilters()
    filters = ActionFilters(**{**filters.__dict__, "council_ids": [council_id]})
    return bars_from_rows(list_actions(session, actor, filters, as_of=as_of).rows, as_of)


def type_colours(vocab: Vocabularies | None = None) -> dict[str, str]:
    """French action-type label → colour, fixed for every council so a colour always means the same type."""
    labels = list((vocab or Vocabularies.defaults()).labels("action_type").values())
    return {label: PALETTE[position % len(PALETTE)] for position, label in enumerate(labels)}


def legend(bars: list[TimelineBar]) -> list[tuple[str, int]]:
    """(type label, number of bars) in order of first appearance: the text legend under the chart."""
    counts = Counter(bar.type_label for bar in bars)
    return [(label, counts[label]) for label in dict.fromkeys(bar.type_label for bar in bars)]


def legend_text(bars: list[TimelineBar]) -> str:
    """`Présence éducative en ligne : 3 actions · Cyber-base : 1 action`."""
    return " · ".join(f"{label} : {plural(count, 'action')}" for label, count in legend(bars))


def drawn_end(bar: TimelineBar, bars: list[TimelineBar], as_of: dt.date) -> dt.date:
    """Where a bar is drawn to: its end, or later so it is at least MIN_BAR_SHARE of the axis (tooltip keeps the dates)."""
    first = min(b.start for b in bars)
    last = max([b.end for b in bars] + [as_of])
    least = dt.timedelta(days=max(1, round((last - first).days * MIN_BAR_SHARE)))
    return max(bar.end, bar.start + least)


def timeline_spec(bars: list[TimelineBar], as_of: dt.date, vocab: Vocabularies | None = None) -> dict[str, Any]:
    """A Vega-Lite specification: bars from start to end, colour = type (legend in text), a line for today."""
    colours = type_colours(vocab)
    used = [label for label in colours if any(bar.type_label == label for bar in bars)]
    values = [
        {"action": bar.title, "type": bar.type_label, "debut": bar.start.isoformat(), "fin": bar.end.isoformat(),
         "trace": drawn_end(bar, bars, as_of).isoformat(),
         "periode": bar.period, "statut": bar.status_label + (" (à revoir)" if bar.needs_review else ""),
         "ouverte": bar.end_date is None}
        for bar in bars
    ]
    tooltip = [
        {"field": "action", "type": "nominal", "title": "Action"},
        {"field": "type", "type": "nominal", "title": "Type"},
        {"field": "periode", "type": "nominal", "title": "Période"},
        {"field": "statut", "type": "nominal", "title": "Statut"},
    ]
    bar_layer = {
        "mark": {"type": "bar", "cornerRadius": 3, "height": {"band": 0.7}},
        "encoding": {
            "y": {"field": "action", "type": "nominal", "sort": None, "title": None,
                  "axis": {"labelLimit": 240}},
            "x": {"field": "debut", "type": "temporal", "title": None, "scale": {"padding": 8},
                  "axis": {"format": "%Y", "tickCount": "year", "grid": True, "labelOverlap": True}},
            "x2": {"field": "trace"},
            "color": {"field": "type", "type": "nominal", "title": "Type d'action",
                      "scale": {"domain": used, "range": [colours[label] for label in used]},
                      "legend": {"orient": "bottom", "columns": 2, "labelLimit": 360}},
            "opacity": {"condition": {"test": "datum.ouverte", "value": 0.65}, "value": 1},
            "tooltip": tooltip,
        },
    }
    today_layer = {
        "data": {"values": [{"date": as_of.isoformat(), "texte": f"Au {format_date(as_of)}"}]},
        "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#555"},
        "encoding": {"x": {"field": "date", "type": "temporal"},
                     "tooltip": [{"field": "texte", "type": "nominal", "title": "Date"}]},
    }
    return {
        "data": {"values": values},
        "height": max(ROW_HEIGHT * len(bars), 60),
        # Fit the width only: the height is the bars' own (a legend below must not squeeze them).
        "autosize": {"type": "fit-x", "contains": "padding"},
        "padding": AXIS_PADDING,
        "layer": [bar_layer, today_layer],
        "config": {"locale": {"time": FRENCH_TIME_LOCALE}},
    }
