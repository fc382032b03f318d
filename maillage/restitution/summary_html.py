"""The elected officials' summary as a standalone, print-friendly HTML page (shown on screen in an iframe).

Same content as the PDF: sentences, key figures, the coverage map and the charts drawn as inline SVG from
the data, main actions, gaps, and the council's cooperation network (the Réseau page's drawing, printed on a
landscape page of its own). Every user string is escaped; nothing is loaded from outside (a strict
Content-Security-Policy allows only the inline style and the hashed print script); A4 print styles.
"""

from __future__ import annotations

import html

from maillage.core.formatting import format_date, format_int, plural
from maillage.core.printable import PRINT_BUTTON_STYLE, PRINT_SCRIPT, PRINT_SCRIPT_HASH, RESPONSIVE_STYLE
from maillage.core.printable import print_button as print_button_html
from maillage.restitution.graphics import (
    ACCENT,
    ACCENT_LIGHT,
    dark_text_on,
    hex_color,
    project_map,
    score_color,
)
from maillage.restitution.network_figure import network_svg
from maillage.restitution.sentences import (
    gap_text,
    identity_text,
    partners_text,
    period_text,
    results_text,
)
from maillage.restitution.summary import CouncilReport, KeyFigure, context_note

_PRINT_SCRIPT, _SCRIPT_HASH = PRINT_SCRIPT, PRINT_SCRIPT_HASH
MAP_WIDTH, MAP_HEIGHT = 460, 330
TREND_MARKS = {"up": "▲", "down": "▼", "same": "="}

_STYLE = PRINT_BUTTON_STYLE + RESPONSIVE_STYLE + """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1b1b1b;
       margin: 1rem 1.25rem; line-height: 1.4; font-size: 15px; max-width: 1050px; }
.kicker { color: #1f4e79; font-weight: 700; font-size: .8rem; letter-spacing: .04em; text-transform: uppercase; margin: 0; }
h1 { font-size: 1.6rem; margin: .1rem 0 .2rem; } .identity { color: #555; margin: 0 0 .6rem; font-size: .9rem; }
h2 { font-size: 1.05rem; color: #1f4e79; margin: 1.1rem 0 .45rem; border-bottom: 1px solid #ccc; padding-bottom: .15rem; }
ul.essentiel { margin: 0; padding-left: 1.2rem; } ul.essentiel li { margin: .15rem 0; }
.tiles { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: .5rem; }
.tile { background: #f4f6f9; padding: .45rem .6rem; border-radius: 4px; }
.tile { min-width: 0; } .tile .label { font-size: .78rem; color: #555; }
.tile .value { font-size: 1.45rem; font-weight: 700; white-space: nowrap; }
.tile .change { font-size: .75rem; color: #555; } .tile .good { color: #1a783c; } .tile .bad { color: #b4281e; }
.two { display: grid; grid-template-columns: 1.05fr 1fr; gap: 1.2rem; align-items: start; }
svg text { font-family: inherit; } .note { font-size: .72rem; color: #555; margin: .2rem 0 0; }
.two p { font-size: .85rem; }
h3 { font-size: .9rem; margin: .2rem 0 .3rem; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { border-bottom: 1px solid #ccc; padding: .3rem .4rem; text-align: left; vertical-align: top; }
th { background: #e8edf3; } .type { color: #555; font-size: .8rem; }
ul.gaps { margin: 0; padding-left: 1.2rem; font-size: .9rem; } ul.gaps li { margin: .2rem 0; }
footer { margin-top: 1rem; font-size: .75rem; color: #555; }
section.reseau svg { display: block; width: 100%; height: auto; border: 1px solid #ccc; }
@media screen and (max-width: 760px) {
  .tiles { grid-template-columns: repeat(2, minmax(0, 1fr)); } .two { grid-template-columns: minmax(0, 1fr); }
}
@media screen and (max-width: 520px) {
  body { margin: .6rem .7rem; font-size: 14px; } h1 { font-size: 1.3rem; }
  .tile .value { font-size: 1.25rem; } th, td { padding: .25rem .3rem; }
  table.actions thead { display: none; } table.actions tr { display: block; border-bottom: 1px solid #ccc;
    padding: .35rem 0; } table.actions td { display: block; border: 0; padding: .1rem 0; }
  table.actions td[data-label]::before { content: attr(data-label) " : "; color: #555; font-size: .8rem; }
}
@media print {
  html { font-size: 11px; } body { margin: 0; font-size: 8.5pt; max-width: none; line-height: 1.3; }
  .tiles { grid-template-columns: repeat(4, minmax(0, 1fr)); gap: .3rem; } .two { grid-template-columns: 1fr 1fr; }
  @page { size: A4; margin: 10mm; } h2 { margin: .5rem 0 .25rem; } .tile { padding: .2rem .45rem; }
  .tile .value { font-size: 1.2rem; } ul.essentiel li, ul.gaps li { margin: 0; } .two svg[role=img] { max-height: 54mm; }
  footer { margin-top: .4rem; font-size: 7pt; }
  section, .two, table, .tiles { break-inside: avoid; } tr { break-inside: avoid; }
  @page reseau { size: A4 landscape; margin: 10mm; }
  section.reseau { page: reseau; break-before: page; } section.reseau h2 { display: none; }
  section.reseau svg { border: 0; max-height: 176mm; } section.reseau .note { margin: .2rem 0 0; }
}
"""


def _e(text: object) -> str:
    """HTML-escaped text (quotes included)."""
    return html.escape(str(text or ""), quote=True)


def _tile(figure: KeyFigure, previous_year: int) -> str:
    """One key figure as an HTML tile."""
    mood = "" if figure.improved is None else (" good" if figure.improved else " bad")
    mark = TREND_MARKS.get(figure.trend or "", "")
    return (f"<div class=tile><div class=label>{_e(figure.label)}</div><div class=value>{_e(figure.text)}</div>"
            f"<div class='change{mood}'>{_e((mark + ' ' + figure.change_text(previous_year)).strip())}</div></div>")


def map_svg(report: CouncilReport, width: int = MAP_WIDTH, height: int = MAP_HEIGHT) -> str:
    """The coverage map as inline SVG (one path per territory, score in its tooltip), or a sentence."""
    shapes = project_map(report.map_context + report.map_features, width, height)
    if not shapes:
        return "<p class=note>Carte indisponible (aucun contour pour ces territoires).</p>"
    parts = [f"<svg role=img aria-label='Carte de la couverture' viewBox='0 0 {width} {height}' width='100%' "
             f"style='max-width:{width}px;border:1px solid #ccc'><title>Carte de la couverture</title>"]
    for shape in shapes:
        path = " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + " Z" for ring in shape.rings)
        if shape.context:
            parts.append(f"<path d='{path}' fill='{hex_color(shape.fill)}' stroke='#aaa' stroke-width='0.8'>"
                         f"<title>{_e(shape.name)}</title></path>")
            continue
        parts.append(f"<path d='{path}' fill='{hex_color(shape.fill)}' stroke='#fff' stroke-width='0.8'>"
                     f"<title>{_e(shape.name)} : {_e(shape.score_label)}</title></path>")
    named = [shape for shape in shapes if not shape.context]
    if len(named) <= 12:
        for shape in named:
            colour = "#1b1b1b" if dark_text_on(shape.fill) else "#ffffff"
            parts.append(f"<text x='{shape.centre[0]:.1f}' y='{shape.centre[1]:.1f}' font-size='11' "
                         f"text-anchor='middle' fill='{colour}'>{_e(shape.name)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def legend_svg(width: int = 300) -> str:
    """The score scale from 0 % to 100 %, and the grey of « rien d'attendu »."""
    steps = 30
    bar = width * 0.62
    rects = "".join(f"<rect x='{bar * i / steps:.1f}' y='0' width='{bar / steps + 0.4:.1f}' height='9' "
                    f"fill='{hex_color(score_color(i / (steps - 1)))}'/>" for i in range(steps))
    return (f"<svg role=img aria-label='Légende : de 0 % (rouge) à 100 % (vert) ; gris : rien d’attendu' "
            f"viewBox='0 0 {width} 24' width='{width}'>{rects}"
            f"<text x='0' y='21' font-size='10'>0 %</text><text x='{bar / 2 - 10:.0f}' y='21' font-size='10'>50 %</text>"
            f"<text x='{bar - 28:.0f}' y='21' font-size='10'>100 %</text>"
            f"<rect x='{bar + 10:.0f}' y='0' width='12' height='9' fill='{hex_color(score_color(None))}'/>"
            f"<text x='{bar + 26:.0f}' y='9' font-size='10'>rien d'attendu</text></svg>")


def bars_svg(rows: list[tuple[str, float | None, str, bool]], title: str, width: int = 420,
             label_width: int = 130) -> str:
    """A horizontal bar chart: (label, value, French text, highlighted) per row."""
    top = max((value for _l, value, _t, _h in rows if value), default=0)
    span = width - label_width - 70
    row_height = 20
    parts = [f"<svg role=img aria-label='{_e(title)}' viewBox='0 0 {width} {row_height * len(rows) + 4}' "
             f"width='100%' style='max-width:{width}px'><title>{_e(title)}</title>"]
    for index, (label, value, text, highlighted) in enumerate(rows):
        y = index * row_height + 2
        length = span * value / top if value and top else 0
        colour = hex_color(ACCENT if highlighted else ACCENT_LIGHT)
        weight = " font-weight='700'" if highlighted else ""
        parts.append(f"<text x='0' y='{y + 13}' font-size='12'{weight}>{_e(label)}</text>")
        if length:
            parts.append(f"<rect x='{label_width}' y='{y + 3}' width='{max(length, 1):.1f}' height='13' fill='{colour}'/>")
        parts.append(f"<text x='{label_width + length + 5:.1f}' y='{y + 13}' font-size='12'{weight}>{_e(text)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _actions(report: CouncilReport) -> str:
    """The main actions as an HTML table."""
    if not report.actions:
        return f"<p>Aucune action en {report.year}.</p>"
    rows = "".join(
        f"<tr><td><strong>{_e(a.title)}</strong><br><span class=type>{_e(a.type_label)}"
        f"{' · en ligne' if a.mode == 'en_ligne' else ''}</span></td><td data-label='Partenaires'>"
        f"{_e(partners_text(a))}</td><td data-label='Résultats {report.year}'>{_e(results_text(a))}</td></tr>"
        for a in report.actions)
    return (f"<table class=actions><thead><tr><th scope=col>Action</th><th scope=col>Partenaires</th>"
            f"<th scope=col>Résultats {report.year}</th></tr></thead><tbody>{rows}</tbody></table>")


def _network(report: CouncilReport) -> str:
    """The council's cooperation network as the Réseau page draws it (inline SVG, text escaped), or nothing."""
    if report.network is None:
        return ""
    return (f"<section class=reseau><h2>Réseau de coopération</h2>{network_svg(report.network, report.as_of, report.today)}"
            "<p class=note>Le même dessin que la page Réseau (mêmes positions, couleurs et formes) ; la page Réseau "
            "permet d'y zoomer, d'ouvrir un partenaire et de le parcourir année par année.</p></section>")


def report_html(report: CouncilReport, print_button: bool = True, content_policy: bool = True) -> str:
    """The summary as a standalone HTML page (escaped, self-contained, printable on one A4 page).

    `content_policy` adds a Content-Security-Policy allowing only the print button's script (for the
    downloaded file); the page's frame turns it off because Streamlit injects its own sizing script.
    """
    sentences = "".join(f"<li>{_e(s)}</li>" for s in report.sentences)
    tiles = "".join(_tile(f, report.previous_year) for f in report.figures)
    levels = [(f"{level} — {report.level_labels.get(level, '')}", count,
               f"{format_int(count)} ({format_int(report.previous_links_by_level.get(level, 0))})", level >= 3)
              for level, count in sorted(report.links_by_level.items())]
    people = [(str(year), value, format_int(value) if value is not None else "—", year == report.year)
              for year, value in report.people_by_year]
    newcomers = (f"Nouveaux en {report.year} : {_e(', '.join(report.new_partners))}." if report.new_partners
                 else f"Aucun nouveau partenaire engagé en {report.year}.")
    gaps = "".join(f"<li>{_e(gap_text(g))}</li>" for g in report.gaps) or \
        "<li>Aucun manque : chaque attente du référentiel a une action en cours.</li>"
    level_name = {"commune": "commune", "epci": "EPCI"}.get(report.map_level, report.map_level)
    without = f" Sans contour : {_e(', '.join(report.map_without))}." if report.map_without else ""
    more = (f" ({len(report.actions)} sur {report.actions_in_year})"
            if report.actions_in_year > len(report.actions) else "")
    script = f"<script>{_PRINT_SCRIPT}</script>" if print_button else ""
    button = print_button_html("Imprimer la synthèse") if print_button else ""
    policy = (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{_SCRIPT_HASH}'; "
              "img-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'")
    return (
        "<!DOCTYPE html><html lang=fr><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        + (f"<meta http-equiv=Content-Security-Policy content=\"{policy}\">" if content_policy else "")
        + f"<title>Synthèse {report.year} — {_e(report.name)}</title><style>{_STYLE}</style></head><body>"
        f"{button}<p class=kicker>Synthèse pour les élus · {_e(period_text(report))}</p>"
        f"<h1>{_e(report.name)}</h1><p class=identity>{_e(identity_text(report))}</p>"
        f"<section><h2>L'essentiel</h2><ul class=essentiel>{sentences}</ul></section>"
        f"<section><h2>Chiffres clés</h2><div class=tiles>{tiles}</div>"
        f"<p class=note>{_e(report.baseline.words)}</p></section>"
        "<section><h2>Carte de la couverture et force du partenariat</h2><div class=two><div>"
        f"{map_svg(report)}{legend_svg()}<p class=note>Couleur : part des attentes du référentiel couvertes par "
        f"{level_name} au {format_date(report.as_of)}.{_e(context_note(report))}{without}</p></div><div>"
        f"<h3>Liens actifs par niveau ({_e(report.baseline.when)} entre parenthèses)</h3>"
        f"{bars_svg(levels, 'Liens actifs par niveau')}"
        f"<p>{newcomers} Liens noués en {report.year} : {format_int(report.links_added)} ; arrivés à terme : "
        f"{format_int(report.links_ended)}.</p>"
        f"<h3>Personnes touchées par année</h3>{bars_svg(people, 'Personnes touchées par année', label_width=50)}"
        "</div></div></section>"
        f"<section><h2>Actions principales en {report.year}{more}</h2>{_actions(report)}</section>"
        f"<section><h2>Principaux manques et pistes</h2><ul class=gaps>{gaps}</ul>"
        + (f"<p class=note>Au total, {plural(report.gap_cells, 'attente non couverte', 'attentes non couvertes')} : "
           "la liste complète est sur la page Couverture.</p>" if report.gaps else "")
        + "</section>"
        # The footer closes the one-page summary; the network follows as a landscape annex page when printed.
        + f"<footer>Synthèse établie le {format_date(report.today)} avec Maillage. Effectifs agrégés uniquement : "
        f"aucune donnée sur les personnes accompagnées. {_e(report.attribution)}"
        + (" Données de démonstration : les chiffres que les documents sources ne donnent pas sont illustratifs."
           if report.demo else "")
        + "</footer>"
        + _network(report)
        + f"{script}</body></html>"
    )
