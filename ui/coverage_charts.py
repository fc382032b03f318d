"""Altair charts of the coverage page: the heat-map matrix and the map (no tiles, nothing loaded from outside)."""

from __future__ import annotations

import altair as alt
from altair.utils.schemapi import disable_debug_mode

from maillage.coverage import DISPLAY_LABELS

# Colour-blind-safe enough with the text drawn in each cell (✓, ✗, P, É, fractions): never colour alone.
STATUS_COLORS = {
    "active": "#1a9850",
    "planned": "#74add1",
    "lapsed": "#f4a340",
    "missing": "#d73027",
    "not_expected": "#e3e3e3",
    "not_expected_present": "#c2e4b8",
    "none": "#f5f5f5",
}
DARK_TEXT = ("not_expected", "not_expected_present", "none", "lapsed", "planned")
# Presence map: « aucune action » is the alarming colour (the question is where there is nothing).
PRESENCE_COLORS = {"present": "#1a9850", "planned": "#74add1", "lapsed": "#f4a340", "none": "#d73027"}
MAP_DARK_TEXT = ("planned", "lapsed", "not_expected", "not_expected_present")
SELECTION = "cellule"

# Altair checks each object against its schema as it is built (« debug mode »): for a matrix of a large council
# that took 0.36 s of every run, in the inline data. The whole specification is still checked once, when
# Streamlit serialises the chart.
disable_debug_mode()


def heatmap(records: list[dict], statuses: list[str], height_per_row: int = 26) -> alt.Chart:
    """Territories × columns, coloured by status, with the short status text in each cell; click selects a cell."""
    domain = [DISPLAY_LABELS[s] for s in statuses]
    colors = [STATUS_COLORS[s] for s in statuses]
    base = alt.Chart(alt.Data(values=records))
    x = alt.X("column_label:N", sort=alt.EncodingSortField(field="column_order", op="min"), title=None,
              axis=alt.Axis(orient="top", labelAngle=-40, labelLimit=260, labelFontSize=12, labelAlign="left",
                            labelOverlap=False))
    y = alt.Y("row_label:N", sort=alt.EncodingSortField(field="row_order", op="min"), title=None,
              axis=alt.Axis(labelLimit=280, labelFontSize=12, labelOverlap=False))
    selection = alt.selection_point(name=SELECTION, fields=["row", "column"], on="click", empty=False)
    rect = base.mark_rect(stroke="white", strokeWidth=1.5).encode(
        x=x, y=y,
        color=alt.Color("status_label:N", scale=alt.Scale(domain=domain, range=colors),
                        legend=alt.Legend(title="Statut", orient="bottom", direction="horizontal", labelFontSize=12)),
        opacity=alt.condition(selection, alt.value(1.0), alt.value(0.9)),
        strokeWidth=alt.condition(selection, alt.value(3), alt.value(1.5)),
        tooltip=[alt.Tooltip("row_label:N", title="Territoire"), alt.Tooltip("column_label:N", title="Colonne"),
                 alt.Tooltip("cell_label:N", title="Statut"), alt.Tooltip("detail:N", title="Détail")],
    ).add_params(selection)
    text = base.mark_text(fontSize=12, fontWeight="bold").encode(
        x=x, y=y, text="text:N",
        color=alt.condition(alt.FieldOneOfPredicate(field="status", oneOf=list(DARK_TEXT)),
                            alt.value("#222222"), alt.value("white")),
    )
    return ((rect + text).properties(height=alt.Step(height_per_row), padding={"right": 150, "left": 5, "top": 5, "bottom": 5})
            .configure_view(stroke=None))


def coverage_map_chart(geojson: dict, height: int = 520) -> alt.Chart:
    """Outlines coloured by coverage score (red 0 % → green 100 %), grey when nothing is expected; tooltips."""
    data = alt.Data(values=geojson["features"])
    tooltip = [
        alt.Tooltip("properties.name:N", title="Territoire"),
        alt.Tooltip("properties.score_label:N", title="Score de couverture"),
        alt.Tooltip("properties.population:N", title="Population"),
        alt.Tooltip("properties.communes:N", title="Communes"),
        alt.Tooltip("properties.expected:N", title="Cellules attendues"),
        alt.Tooltip("properties.active:N", title="Couvertes"),
        alt.Tooltip("properties.planned:N", title="Prévues"),
        alt.Tooltip("properties.lapsed:N", title="Échues"),
        alt.Tooltip("properties.missing:N", title="Manquantes"),
        alt.Tooltip("properties.actions_10k:N", title="Actions en cours / 10 000 hab."),
        alt.Tooltip("properties.hours_10k:N", title="Heures en ligne / sem. / 10 000 hab."),
    ]
    background = alt.Chart(data).mark_geoshape(fill="#d9d9d9", stroke="white", strokeWidth=0.7).encode(tooltip=tooltip)
    scored = alt.Chart(data).transform_filter("datum.properties.score != null").mark_geoshape(
        stroke="white", strokeWidth=0.7).encode(
        color=alt.Color("properties.score:Q", title="Score de couverture",
                        scale=alt.Scale(domain=[0, 1], scheme="redyellowgreen"),
                        legend=alt.Legend(orient="bottom", labelExpr="format(datum.value * 100, '.0f') + ' %'",
                                          gradientLength=260)),
        tooltip=tooltip,
    )
    return (background + scored).project(type="mercator").properties(height=height).configure_view(stroke=None)


def status_map_chart(drawn, height: int = 640) -> alt.Chart:
    """Communes coloured by status with the legend in words, names where they fit, neighbours drawn faintly."""
    colors = {**STATUS_COLORS, **PRESENCE_COLORS} if drawn.legend[0][0] == "present" else STATUS_COLORS
    domain = [label for _s, label, _e in drawn.legend]
    scale = alt.Scale(domain=domain, range=[colors[s] for s, _l, _e in drawn.legend])
    tooltip = [alt.Tooltip("properties.name:N", title="Commune"),
               alt.Tooltip("properties.status_label:N", title="Statut"),
               alt.Tooltip("properties.population:N", title="Population"),
               alt.Tooltip("properties.detail:N", title="Détail")]
    layers = []
    if drawn.context:
        layers.append(alt.Chart(alt.Data(values=drawn.context)).mark_geoshape(
            fill="#f4f4f4", stroke="#b5b5b5", strokeWidth=0.5, clip=True).encode(
            tooltip=[alt.Tooltip("properties.name:N", title="Commune (hors instance)")]))
    # The communes are the layer's own data, shared by the shapes and the labels: written once in the page.
    data = alt.Data(values=drawn.features)
    layers.append(alt.Chart().mark_geoshape(stroke="white", strokeWidth=1).encode(
        color=alt.Color("properties.status_label:N", scale=scale, title=drawn.title,
                        legend=alt.Legend(orient="bottom", direction="vertical", labelFontSize=13, titleFontSize=13,
                                          labelColor="#1b1b1b", titleColor="#1b1b1b", symbolType="square",
                                          symbolSize=220, symbolStrokeColor="#777", labelLimit=420,
                                          titleLimit=600)),
        tooltip=tooltip))
    layers.append(alt.Chart().transform_filter("datum.properties.label != ''").mark_text(
        fontSize=11, fontWeight="bold").encode(
        longitude="properties.lon:Q", latitude="properties.lat:Q", text="properties.label:N",
        color=alt.condition(alt.FieldOneOfPredicate(field="properties.status", oneOf=list(MAP_DARK_TEXT)),
                            alt.value("#1b1b1b"), alt.value("white")),
        tooltip=tooltip))
    return (alt.layer(*layers, data=data).project(type="mercator", fit=drawn.frame).properties(height=height)
            .configure_view(stroke=None))
