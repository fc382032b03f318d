"""The map's other views, with known answers: one partner's own network and its brokerage role in words, the
years (links added and ended), the group table, and the PNG/SVG exports (title, legend, escaped names)."""

import datetime as dt
import io
import xml.etree.ElementTree as ElementTree

import pytest

from maillage.accounts import SYSTEM
from maillage.core import NotFoundError, session_scope
from maillage.network import (
    GraphFilters,
    Scope,
    ViewOptions,
    build_drawing,
    build_ego_drawing,
    cluster_matrix,
    drawing_png,
    drawing_svg,
    ego_link_records,
    ego_summary,
    kind_level_counts,
    label_overlaps,
    load_source,
    network_analysis,
    render_drawing,
    snapshot_change_records,
    year_drawing,
    year_graphs,
)
from tests.builders import add_council, add_link, add_mini_geography, add_partner

TODAY = dt.date(2026, 11, 29)
IMG = "<img src=x onerror=alert(1)>"


@pytest.fixture
def star(empty_engine):
    """A mediation body joining a school, a prevention service and a town hall that do not know each other;
    the town hall and the school have known each other since 2021; one link ended in 2023."""
    with session_scope(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CLSPD Étoile", ["com:33063"])
        hub = add_partner(session, "Médiation sociale", "MEDIATION")
        school = add_partner(session, "Collège Jean Moulin", "EN")
        street = add_partner(session, "Prévention spécialisée Nord", "PREVENTION")
        town = add_partner(session, "Ville", "MUNI")
        hostile = add_partner(session, IMG, "ASSO")
        add_link(session, council, hub, school, level=3, start=dt.date(2019, 1, 1))
        add_link(session, council, hub, street, kind="orientation", level=2, start=dt.date(2019, 1, 1))
        add_link(session, council, hub, town, kind="cofinancement", level=4, start=dt.date(2020, 6, 1))
        add_link(session, council, town, school, level=1, start=dt.date(2021, 3, 1))
        add_link(session, council, street, hostile, level=1, start=dt.date(2019, 1, 1), end=dt.date(2023, 5, 1))
        return empty_engine, council.id, hub.id, town.id


def _graph(engine, council_id, filters=GraphFilters()):
    with session_scope(engine) as session:
        return network_analysis(session, SYSTEM, Scope.council(council_id), filters, TODAY)


def test_ego_summary_says_whom_it_joins(star):
    engine, council_id, hub, town = star
    graph, metrics = _graph(engine, council_id)
    summary = ego_summary(graph, metrics, hub, 1)
    assert summary.direct == 3 and summary.councils == ["CLSPD Étoile"] and summary.rank == 1
    # school–town are linked; school–street and street–town are not: two pairs, each across sectors
    assert summary.brokered_pairs == 2
    assert "« Prévention spécialisée » et « Éducation nationale » (1 paire)" in summary.role
    assert "« Commune » et « Prévention spécialisée » (1 paire)" in summary.role
    assert "entre des secteurs autres que le sien" in summary.role
    quiet = ego_summary(graph, metrics, town, 1)
    assert quiet.role == "« Ville » ne sert d'intermédiaire à personne : ses partenaires sont déjà liés entre eux."
    counts = kind_level_counts(graph, hub)
    assert [row["Nature"] for row in counts] == ["Convention", "Cofinancement", "Orientation"]
    assert counts[0]["Total"] == "1" and counts[0]["3 — Coopération"] == "1"
    links = ego_link_records(graph, hub)
    assert {row["Partenaire"] for row in links} == {"Collège Jean Moulin", "Prévention spécialisée Nord", "Ville"}
    with pytest.raises(NotFoundError):
        ego_summary(graph, metrics, 99999, 1)


def test_ego_drawing_has_the_partner_in_the_middle_and_readable_labels(star):
    engine, council_id, hub, _town = star
    graph, metrics = _graph(engine, council_id)
    near = build_ego_drawing(graph, metrics, hub, 1)
    assert near.heading == "Réseau de « Médiation sociale » — CLSPD Étoile"
    assert {n.name for n in near.nodes} == {"Médiation sociale", "Collège Jean Moulin", "Prévention spécialisée Nord", "Ville"}
    centre = next(n for n in near.nodes if n.emphasis)
    assert centre.name == "Médiation sociale"
    assert label_overlaps(near) == [] and all(n.label_shown for n in near.nodes)
    assert IMG not in {n.name for n in near.nodes}
    graph_2022, metrics_2022 = _graph(engine, council_id, GraphFilters(on_date=dt.date(2022, 6, 1)))
    far = build_ego_drawing(graph_2022, metrics_2022, hub, 2)
    assert IMG in {n.name for n in far.nodes}  # the prevention service's partner then, at distance 2
    assert "et les partenaires de ses partenaires" in far.subtitle


def test_years_mark_added_and_ended_links_at_the_same_positions(star):
    engine, council_id, _hub, _town = star
    with session_scope(engine) as session:
        source = load_source(session, SYSTEM, Scope.council(council_id), TODAY)
    before, after = year_graphs(source, GraphFilters(), 2023, TODAY)
    assert before.period == (dt.date(2022, 12, 31),) * 2 and after.period == (dt.date(2023, 12, 31),) * 2
    rows = snapshot_change_records(before, after)
    assert [(r["Changement"], r["Partenaire A"], r["Partenaire B"]) for r in rows] == [
        ("terminé", "Prévention spécialisée Nord", IMG)]
    drawings = {year: year_drawing(source, GraphFilters(), year, TODAY) for year in (2020, 2021, 2023, 2026)}
    assert {e.change for e in drawings[2023].edges} == {"", "ended"}
    assert [e.change for e in drawings[2021].edges].count("added") == 1  # the town hall and the school
    assert [e.change for e in drawings[2020].edges].count("added") == 1  # the cofinancing
    positions = [{n.id: (n.x, n.y) for n in d.nodes} for d in drawings.values()]
    assert all(p == positions[0] for p in positions)
    assert drawings[2026].subtitle.endswith("au 29/11/2026")  # the current year: today, not 31/12


def test_group_table_matches_the_clusters(star):
    engine, council_id, _hub, _town = star
    graph, metrics = _graph(engine, council_id)
    records, keys = cluster_matrix(graph, "typology")
    assert [r["Groupe"] for r in records] == ["Associations et autres", "Collectivités", "Éducation",
                                              "Jeunesse et insertion", "Social et famille"]  # French order
    drawing = build_drawing(graph, metrics, ViewOptions(cluster_by="typology"))
    assert sorted(h.key for h in drawing.hulls) == sorted(keys)
    assert label_overlaps(drawing) == []
    # each outline knows the drawn partners inside it (a click on it opens the group on them), once each
    groups = {str(i): graph.nodes[i].group for i in graph.nodes}
    assert sorted(m for h in drawing.hulls for m in h.members) == sorted(n.id for n in drawing.nodes)
    assert all(groups[m] == h.key for h in drawing.hulls for m in h.members)
    html = render_drawing(drawing)
    assert '"members": [' in html and 'id="group-status"' in html and "openGroup(hull)" in html


def test_exports_carry_title_legend_source_and_only_escaped_names(star):
    from PIL import Image

    engine, council_id, _hub, _town = star
    graph, metrics = _graph(engine, council_id, GraphFilters(on_date=dt.date(2022, 6, 1)))
    drawing = build_drawing(graph, metrics)
    svg = drawing_svg(drawing, "édité le 29/11/2026", "Source : Maillage — test")
    assert "<img" not in svg and "&lt;img src=x" in svg
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert root.find(f"{ns}title").text == "Réseau de coopération — CLSPD Étoile"
    assert "Réseau de coopération — CLSPD Étoile" in texts and "Légende" in texts and "Source : Maillage — test" in texts
    assert IMG in " ".join(texts)  # the name, as text (on two lines)
    a4 = drawing_png(drawing, "édité le 29/11/2026", "Source", page="A4")
    image = Image.open(io.BytesIO(a4))
    assert image.size == (1754, 1240) and image.text["Title"] == "Réseau de coopération — CLSPD Étoile"
    assert drawing_png(drawing, "d", "s") == drawing_png(drawing, "d", "s")  # same input, same file
