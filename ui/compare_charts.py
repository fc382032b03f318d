"""Altair charts of the Comparer page: ranked bars per indicator and the who-does-what heat map.

Values are written as French text computed by the domain (no d3 number format), nothing loaded from outside.
"""

from __future__ import annotations

import altair as alt

ACCENT = "#1f4e79"
ACCENT_LIGHT = "#a6bddb"
SELECTION = "cellule"


def ranking_chart(records: list[dict], title: str, row_height: int = 24) -> alt.Chart:
    """Horizontal bars, best rank on top; each bar carries its rank and French value."""
    top = max((r["value"] for r in records), default=0) or 1
    # Room on the right of the longest bar for its value.
    x = alt.X("value:Q", axis=None, title=None, scale=alt.Scale(domain=[0, top * 1.3]))
    base = alt.Chart(alt.Data(values=records)).encode(
        y=alt.Y("label:N", sort=alt.EncodingSortField(field="order", op="min"), title=None,
                axis=alt.Axis(labelLimit=260, labelFontSize=12, labelOverlap=False)),
    )
    bars = base.mark_bar(height=14).encode(
        x=x,
        color=alt.condition(alt.datum.first, alt.value(ACCENT), alt.value(ACCENT_LIGHT)),
        tooltip=[alt.Tooltip("council:N", title="Instance"), alt.Tooltip("text:N", title="Valeur"),
                 alt.Tooltip("rank:N", title="Rang")],
    )
    text = base.mark_text(align="left", dx=4, fontSize=12).encode(x=x, text="text:N")
    # The height counts the title too (the chart is fitted to its container).
    return (bars + text).properties(title=title, height=40 + len(records) * row_height).configure_view(
        stroke=None).configure_title(anchor="start", fontSize=14)


def matrix_chart(records: list[dict], row_height: int = 28) -> alt.Chart:
    """Councils × action types, shaded by the number of active actions (written in each cell); click selects."""
    rows = len({r["council_id"] for r in records}) or 1
    base = alt.Chart(alt.Data(values=records))
    x = alt.X("type_label:N", sort=alt.EncodingSortField(field="column_order", op="min"), title=None,
              axis=alt.Axis(orient="top", labelAngle=-40, labelLimit=200, labelFontSize=12, labelOverlap=False))
    y = alt.Y("council:N", sort=alt.EncodingSortField(field="row_order", op="min"), title=None,
              axis=alt.Axis(labelLimit=300, labelFontSize=12, labelOverlap=False))
    selection = alt.selection_point(name=SELECTION, fields=["council_id", "action_type"], on="click", empty=False)
    rect = base.mark_rect(stroke="white", strokeWidth=1.5).encode(
        x=x, y=y,
        color=alt.Color("count:Q", scale=alt.Scale(range=["#f3f6fa", ACCENT]), legend=None),
        strokeWidth=alt.condition(selection, alt.value(3), alt.value(1.5)),
        tooltip=[alt.Tooltip("council:N", title="Instance"), alt.Tooltip("type_label:N", title="Type d'action"),
                 alt.Tooltip("detail:N", title="Actions")],
    ).add_params(selection)
    text = base.mark_text(fontSize=12, fontWeight="bold").encode(
        x=x, y=y, text="text:N",
        color=alt.condition(alt.datum.strong, alt.value("white"), alt.value("#1b1b1b")),
    )
    # The height counts the slanted type labels on top (about 140 px).
    return (rect + text).properties(height=150 + rows * row_height,
                                    padding={"left": 5, "top": 5, "right": 80, "bottom": 5}).configure_view(stroke=None)
