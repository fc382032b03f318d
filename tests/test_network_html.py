"""The graph's HTML: user strings only escaped, nothing loaded from outside, fixed positions, grouping above the cap."""

import datetime as dt
import json
import re

import pytest

from maillage.accounts import SYSTEM
from maillage.core import safe_cell, session_scope, spreadsheet_csv, to_csv
from maillage.network import (
    VIS_FILES,
    GraphFilters,
    Scope,
    ViewOptions,
    build_drawing,
    cli_csv,
    layout,
    network_analysis,
    partner_records,
    publish_vis_assets,
    render_network,
    vis_assets,
)
from tests.builders import (
    add_action,
    add_council,
    add_link,
    add_mini_geography,
    add_partner,
)

TODAY = dt.date(2026, 11, 29)
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(2)</script>"


@pytest.fixture
def hostile(empty_engine):
    """Partners (and a council, and an action) whose names are HTML/script injections."""
    with session_scope(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, f"CLSPD {IMG}", ["com:33063"])
        img = add_partner(session, IMG, "ASSO")
        script = add_partner(session, SCRIPT, "CS")
        ville = add_partner(session, "Ville & co 'quote' \"double\"", "MUNI")
        add_link(session, council, img, ville, level=4)
        add_action(session, council, SCRIPT, partners=[(script, "pilote"), (ville, "operateur")])
        # an administrator-edited vocabulary label reaches the legend and the tooltips
        from models import VocabularyEntry
        label = session.get(VocabularyEntry, ("typology_group", "associatif"))
        label.label = "<b onmouseover=alert(3)>Assos</b>"
        session.add(label)
        return empty_engine, council.id


def _html(engine, council_id, options=ViewOptions()):
    with session_scope(engine) as session:
        graph, metrics = network_analysis(session, SYSTEM, Scope.council(council_id), GraphFilters(), TODAY)
    return graph, metrics, render_network(graph, metrics, options)


def test_hostile_names_appear_only_escaped(hostile):
    engine, council_id = hostile
    _graph, _metrics, html = _html(engine, council_id)
    for raw in (IMG, SCRIPT, "<script>alert(2)", "onerror=alert(1)>", "<b onmouseover"):
        assert raw not in html
    assert "&lt;b onmouseover=alert(3)&gt;Assos&lt;/b&gt;</li>" in html  # the legend
    # in the heading (HTML text) and in the node data (JSON inside the script)
    assert "CLSPD &lt;img src=x onerror=alert(1)&gt;" in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    # and in the text version of the graph (HTML text, for screen readers and people without the canvas)
    assert "<li>&lt;img src=x onerror=alert(1)&gt; · Association" in html
    assert "<li>&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt; · Centre social" in html
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(2)\\u003c/script\\u003e" in html
    # exactly our own script blocks: vis-network (inlined as shipped), and the drawing
    page = html.replace(vis_assets()[0], "")
    assert len(re.findall(r"<script\b", page, re.IGNORECASE)) == 2
    assert len(re.findall(r"</script\s*>", page, re.IGNORECASE)) == 2
    assert page.lower().count("<img") == 0


def test_node_data_decodes_back_to_the_names_as_plain_text(hostile):
    engine, council_id = hostile
    _graph, _metrics, html = _html(engine, council_id)
    data = re.search(r"var nodes = new vis\.DataSet\((.*?)\);\n", html).group(1)
    nodes = json.loads(data)
    labels = {node["label"].replace("\n", " ") for node in nodes}  # long names are cut into lines
    assert {IMG, SCRIPT, "Ville & co 'quote' \"double\""} <= labels
    tooltip = next(node["title"] for node in nodes if node["label"].replace("\n", " ") == IMG)
    assert tooltip.startswith(IMG + "\n") and "Association" in tooltip and "Bordeaux" in tooltip
    assert all(node["physics"] is False and "x" in node and "y" in node for node in nodes)
    options = json.loads(re.search(r"var options = (.*?);\n", html).group(1))
    assert options["physics"]["enabled"] is False


def test_nothing_is_loaded_from_outside(hostile):
    engine, council_id = hostile
    _graph, _metrics, html = _html(engine, council_id)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert not re.search(r"""url\(\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert not re.search(r"@import", html, re.IGNORECASE)
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "bootstrap" not in html.lower()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "vis.Network" in html  # vis-network itself is inlined
    assert "<script src=" not in html and "<link" not in html  # a standalone file: nothing to fetch


def test_in_the_app_only_the_data_travels_vis_network_comes_from_the_apps_static_files(hostile):
    engine, council_id = hostile
    graph, metrics, standalone = _html(engine, council_id)
    framed = render_network(graph, metrics, vis_url="app/static/")
    script, style = vis_assets()
    assert script[:2000] not in framed and style[:500] not in framed
    assert len(framed) < len(standalone) - len(script) + 1000
    # from the same host, under the app's address (relative), allowed by the page's policy and nothing else
    assert f'<script src="app/static/{VIS_FILES[0]}"></script>' in framed
    assert f'<link rel="stylesheet" href="app/static/{VIS_FILES[1]}">' in framed
    assert "script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline' 'self';" in framed
    assert "default-src 'none'" in framed
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", framed, re.IGNORECASE)
    # the data is the same as in the standalone page
    data = re.compile(r"nodes = new vis.DataSet\((.*?)\);", re.S)
    assert data.search(framed) and data.search(framed).group(1) == data.search(standalone).group(1)


def test_vis_network_is_published_once_unchanged(tmp_path):
    names = publish_vis_assets(tmp_path / "static")
    assert names == VIS_FILES
    written = [(tmp_path / "static" / name) for name in names]
    assert [path.read_text(encoding="utf-8") for path in written] == list(vis_assets())
    stamps = [path.stat().st_mtime_ns for path in written]
    publish_vis_assets(tmp_path / "static")  # unchanged: not rewritten
    assert [path.stat().st_mtime_ns for path in written] == stamps
    written[0].write_text("altéré", encoding="utf-8")
    publish_vis_assets(tmp_path / "static")
    assert written[0].read_text(encoding="utf-8") == vis_assets()[0]
    assert not list((tmp_path / "static").glob("*.tmp"))


def test_html_is_deterministic_and_legend_is_text(hostile):
    engine, council_id = hostile
    _g, _m, first = _html(engine, council_id)
    _g, _m, second = _html(engine, council_id)
    assert first == second
    assert "Lien déclaré (épaisseur : niveau de collaboration, de 1 à 4)" in first
    assert "Lien issu d&#39;une action commune" in first
    assert "Assos" in first and "Centre social" in first


def test_derived_links_are_dashed(hostile):
    engine, council_id = hostile
    graph, metrics, _html_text = _html(engine, council_id)
    drawing = build_drawing(graph, metrics)
    dashed = [e for e in drawing.edges if e.dashed]
    solid = [e for e in drawing.edges if not e.dashed]
    assert len(dashed) == 1 and "Action commune" in dashed[0].tooltip
    assert len(solid) == 1 and solid[0].width == 5.0  # level 4


def test_layout_is_fixed_and_spreads_components():
    nodes = list(range(8))
    edges = [(0, 1), (1, 2), (2, 0), (3, 4)]
    first = layout(nodes, edges, seed=42)
    assert first == layout(nodes, edges, seed=42)
    assert set(first) == set(nodes)
    assert len(set(first.values())) == len(nodes)  # no two nodes on the same spot


@pytest.fixture
def crowd(empty_engine):
    """Twelve partners in three sectors on a ring of links, and three isolated médiathèques."""
    with session_scope(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CLSPD Foule", ["com:33063", "com:33281"])
        typologies = ["ASSO", "MUNI", "EN"]
        partners = [add_partner(session, f"P{i:02d}", typologies[i % 3], seat="33063" if i < 8 else "33281")
                    for i in range(12)]
        for i in range(12):
            add_link(session, council, partners[i], partners[(i + 1) % 12])
        for i in range(3):
            add_partner(session, f"Médiathèque {i}", "BIB")
        return empty_engine, council.id


def test_grouping_above_the_cap_and_opening_a_group(crowd):
    engine, council_id = crowd
    with session_scope(engine) as session:
        graph, metrics = network_analysis(session, SYSTEM, Scope.council(council_id), GraphFilters(), TODAY)
    full = build_drawing(graph, metrics, ViewOptions(cap=600))
    assert not full.grouped and len(full.nodes) == 15
    grouped = build_drawing(graph, metrics, ViewOptions(cap=5))
    assert grouped.grouped and len(grouped.nodes) == 4
    assert {n.label.replace("\n", " ") for n in grouped.nodes} == {"Associations et autres (4)", "Collectivités (4)", "Éducation (4)",
                                                 "Numérique et culture (3)"}
    assert all(n.is_group for n in grouped.nodes)
    assert sum(int(e.tooltip.split("\n")[1].split()[0]) for e in grouped.edges) == 12  # every link crosses sectors
    by_commune = build_drawing(graph, metrics, ViewOptions(cap=5, group_by="commune"))
    assert {n.label.replace("\n", " ") for n in by_commune.nodes} == {"Bordeaux (11)", "Mérignac (4)"}
    opened = build_drawing(graph, metrics, ViewOptions(cap=13, open_group="education"))
    assert not opened.grouped
    names = {n.label for n in opened.nodes}
    assert {"P02", "P05", "P08", "P11"} <= names  # the group
    assert len(names) == 4 + 8  # plus its neighbours, drawn in grey
    assert sum(1 for n in opened.nodes if n.colour == "#C8CDD2") == 8
    small = build_drawing(graph, metrics, ViewOptions(cap=11, open_group="education"))
    assert {n.label for n in small.nodes} == {"P02", "P05", "P08", "P11"}  # neighbours would pass the cap
    html = render_network(graph, metrics, ViewOptions(cap=5))
    assert "regroupés par secteur" in html


def test_csv_neutralises_formulas_and_cli_columns(hostile):
    assert safe_cell("=1+1") == "'=1+1"
    for start in ("+", "-", "@", "\t", "\r"):
        assert safe_cell(start + "x") == "'" + start + "x"
    assert safe_cell("Ville") == "Ville" and safe_cell(3) == 3 and safe_cell(-2.5) == -2.5
    text = to_csv(["a"], [["=HYPERLINK(\"http://x\")"], [-1.5]])
    assert text.splitlines()[1].startswith("\"'=HYPERLINK") and text.splitlines()[2] == "-1.5"
    engine, council_id = hostile
    with session_scope(engine) as session:
        _graph, metrics = network_analysis(session, SYSTEM, Scope.council(council_id), GraphFilters(), TODAY)
    lines = cli_csv(metrics).splitlines()
    assert lines[0] == "partner,typology,commune,degree,betweenness,community,isolated"
    assert lines[1].startswith("\"Ville & co") and lines[1].endswith(",MUNI,Bordeaux,2,1.0,1,false")
    data = spreadsheet_csv(partner_records(metrics, display=False)).decode("utf-8")
    assert data.startswith("\ufeffPartenaire;Typologie;Secteur;Commune;Liens;Intermédiarité;Communauté;Isolé")
    assert ";1,0;" in data and ";non" in data


def test_more_groups_than_the_cap_are_folded_into_one(crowd):
    engine, council_id = crowd
    with session_scope(engine) as session:
        graph, metrics = network_analysis(session, SYSTEM, Scope.council(council_id), GraphFilters(), TODAY)
    folded = build_drawing(graph, metrics, ViewOptions(cap=2, group_by="typology"))
    assert folded.grouped and len(folded.nodes) == 2  # never more points than the cap
    assert {n.label.replace("\n", " ") for n in folded.nodes} == {"Associations et autres (4)", "3 autres secteurs (11)"}
