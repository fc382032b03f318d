"""The Réseau page's drawing in the documents: the elected officials' summary (PDF and HTML) and the comparison PDF
show the council's or the network's cooperation network with the page's stored positions, palette, legend in
words, labels, title and source line (vector drawing in the PDF, escaped inline SVG in the HTML)."""

import datetime as dt
import html
import io
import json
import re

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor
from maillage.network import (
    GraphFilters,
    Scope,
    ViewOptions,
    analyse,
    build_drawing,
    build_graph,
    default_cluster,
    layout_key,
    load_source,
    overview_drawing,
    stable_positions,
)
from maillage.network.layouts import stored_positions
from maillage.restitution import (
    DRAWN_COUNCILS_MAX,
    compare_councils,
    compare_network,
    comparison_networks,
    comparison_pdf,
    council_report,
    report_html,
    report_pdf,
)
from models import Council, Partner
from tests.apptest import open_app
from tests.browser.payloads import LITERALS, PARTNER_NAMES
from tests.builders import add_council
from tests.restitution_world import TODAY, build_world

COORDINATOR = "coord@bordeaux.fr"


@pytest.fixture
def world(empty_engine):
    with Session(empty_engine) as session:
        built = build_world(session)
        session.commit()
    return empty_engine, built


def _pages(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


def _reseau_page_positions(session, actor, scope, today=TODAY) -> dict[str, tuple[float, float]]:
    """What the Réseau page draws for a scope opened with its defaults (same calls as pages/reseau.py)."""
    source = load_source(session, actor, scope, today)
    cluster = default_cluster(scope.kind)
    positions = stable_positions(session, source, cluster)
    graph = build_graph(source, GraphFilters())
    drawing = build_drawing(graph, analyse(graph), ViewOptions(cluster_by=cluster), positions=positions)
    return {n.id: (n.x, n.y) for n in drawing.nodes}


def test_summary_draws_the_council_network_at_the_reseau_page_positions(world):
    """Known answer: the summary's drawing puts every partner where the Réseau page does, whichever is drawn first,
    and where the scope's layout is stored."""
    engine, w = world
    coordinator = Actor(COORDINATOR, "coordinateur", council_ids=frozenset({w.bordeaux}))
    with Session(engine) as session:
        page_first = _reseau_page_positions(session, coordinator, Scope.council(w.bordeaux))
        report = council_report(session, SYSTEM, w.bordeaux, None, TODAY)
        stored = stored_positions(session, layout_key(Scope.council(w.bordeaux)))
    drawing = report.network
    assert drawing is not None and drawing.heading == "Réseau de coopération — CLSPD de Bordeaux"
    assert {n.id: (n.x, n.y) for n in drawing.nodes} == page_first
    assert {n.id: (n.x, n.y) for n in drawing.nodes} == {str(i): p for i, p in stored.items()}
    assert {n.name for n in drawing.nodes} == {"Ville de Bordeaux", "Collège Nord", "Gendarmerie de Bordeaux",
                                               "Asso A", "Mission locale de Bordeaux"}
    assert all(n.label_shown for n in drawing.nodes)  # 5 partners: every label written

    # the other way round: the summary first (it stores the layout), then the page finds the same places
    with Session(engine) as session:
        merignac = council_report(session, SYSTEM, w.merignac, None, TODAY).network
        official = Actor("elu@merignac.fr", "elu", council_ids=frozenset({w.merignac}))
        assert _reseau_page_positions(session, official, Scope.council(w.merignac)) == {
            n.id: (n.x, n.y) for n in merignac.nodes}


def test_a_past_year_keeps_the_positions_and_draws_that_year(world):
    engine, w = world
    with Session(engine) as session:
        now = council_report(session, SYSTEM, w.bordeaux, None, TODAY).network
        before = council_report(session, SYSTEM, w.bordeaux, 2025, TODAY).network
    where = {n.id: (n.x, n.y) for n in now.nodes}
    assert all(where[n.id] == (n.x, n.y) for n in before.nodes)
    assert "au 31/12/2025" in before.subtitle or "2025" in before.subtitle
    assert len(before.edges) < len(now.edges)  # the 2026 links are not drawn on 31/12/2025


def test_summary_pdf_has_the_drawing_on_a_landscape_vector_page(world):
    engine, w = world
    with Session(engine) as session:
        report = council_report(session, SYSTEM, w.bordeaux, None, TODAY)
    reader = _pages(report_pdf(report, created=dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)))
    assert len(reader.pages) == 2  # the one-page summary, then the network
    first, second = reader.pages
    assert float(first.mediabox.width) < float(first.mediabox.height)
    assert float(second.mediabox.width) > float(second.mediabox.height)  # A4 landscape
    text = _flat(second.extract_text())
    for expected in ("Réseau de coopération — CLSPD de Bordeaux", "édité le 29/11/2026", "Légende",
                     "Lien déclaré (épaisseur : niveau de collaboration, de 1 à 4)", "Collectivités",
                     "Ville de Bordeaux", "Collège Nord", "Mission locale de Bordeaux",
                     "Source : Maillage — Réseau de coopération — CLSPD de Bordeaux"):
        assert expected in text, expected
    assert "Réseau de coopération" not in _flat(first.extract_text())
    content = second.get_contents().get_data().decode("latin-1")
    assert len(re.findall(r" l\b", content)) >= 5 + 4  # edges and polygon sides drawn as vector paths
    assert re.search(r"\b(f|B)\b", content)  # filled shapes (nodes)
    assert "/XObject" not in second["/Resources"]  # no image: drawn with vector primitives
    fonts = {str(f.get_object()["/BaseFont"]) for f in second["/Resources"]["/Font"].values()}
    assert all("DejaVu" in font for font in fonts)


def test_a_council_without_partners_has_no_network_page(empty_engine):
    with Session(empty_engine) as session:
        council = add_council(session, "CISPD en création", [])
        session.commit()
        report = council_report(session, SYSTEM, council.id, None, TODAY)
    assert report.network is None
    assert len(_pages(report_pdf(report)).pages) == 1
    assert "class=reseau" not in report_html(report)


def test_summary_html_holds_the_drawing_with_payload_names_as_text(world):
    engine, w = world
    with Session(engine) as session:
        partners = session.exec(select(Partner).where(Partner.name.in_(
            ["Ville de Bordeaux", "Collège Nord", "Asso A"])).order_by(Partner.name)).all()
        for partner, name in zip(partners, PARTNER_NAMES):
            partner.name = name
        session.commit()
        report = council_report(session, SYSTEM, w.bordeaux, None, TODAY)
    page = report_html(report)
    section = page[page.index("<section class=reseau>"):page.index("</section>", page.index("<section class=reseau>"))]
    assert "<svg" in section and "<polygon" in section and "<line" in section
    assert "Réseau de coopération — CLSPD de Bordeaux" in section and "Légende" in section
    for literal in LITERALS:
        assert literal not in page
    texts = re.findall(r"<text [^>]*>([^<]*)</text>", section)  # every text of the drawing, as escaped text
    drawn = {n.name: n for n in report.network.nodes}
    for name in PARTNER_NAMES:
        assert drawn[name].label_shown
        for line in drawn[name].label.split("\n"):
            assert line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in texts, line
    assert not re.search(r"<(img|script|svg) (src|onload)", section)  # no element made from a name
    assert "Content-Security-Policy" in page and "http://" not in page and "https://" not in page
    assert "@page reseau { size: A4 landscape" in page


def test_comparison_of_a_network_draws_it_grouped_by_council(world):
    engine, w = world
    member = Actor("reseau@test.fr", "reseau", network_ids=frozenset({w.network}))
    with Session(engine) as session:
        comparison = compare_network(session, member, w.network, None, TODAY)
        drawings, notes = comparison_networks(session, member, comparison)
        page = _reseau_page_positions(session, member, Scope.network(w.network))
        pdf = comparison_pdf(comparison, networks=(drawings, notes))
    assert notes == [] and len(drawings) == 1
    drawing = drawings[0]
    assert {h.label for h in drawing.hulls} == {"CLSPD de Bordeaux", "CLSPD de Mérignac"}
    assert {n.id: (n.x, n.y) for n in drawing.nodes} == page
    reader = _pages(pdf)
    last = reader.pages[-1]
    assert float(last.mediabox.width) > float(last.mediabox.height)
    text = _flat(last.extract_text())
    for expected in ("Réseau de coopération — Réseau test", "CLSPD de Bordeaux", "CLSPD de Mérignac",
                     "Ville de Mérignac", "Légende", "Source : Maillage"):
        assert expected in text, expected
    # without the networks (the workbook's callers, older callers) the document is as before
    assert len(_pages(comparison_pdf(comparison)).pages) == len(reader.pages) - 1


def test_comparison_of_chosen_councils_one_page_each_and_only_what_the_reader_may_open(world):
    engine, w = world
    coordinator = Actor(COORDINATOR, "coordinateur", council_ids=frozenset({w.bordeaux}),
                        network_ids=frozenset({w.network}))
    with Session(engine) as session:
        comparison = compare_councils(session, SYSTEM, [w.bordeaux, w.merignac], None, TODAY)
        drawings, notes = comparison_networks(session, SYSTEM, comparison)
        assert [d.heading for d in drawings] == ["Réseau de coopération — CLSPD de Bordeaux",
                                                 "Réseau de coopération — CLSPD de Mérignac"]
        reader = _pages(comparison_pdf(comparison, networks=(drawings, notes)))
        assert "Réseau de coopération — CLSPD de Mérignac" in _flat(reader.pages[-1].extract_text())
        assert "Réseau de coopération — CLSPD de Bordeaux" in _flat(reader.pages[-2].extract_text())

        # Saintes is outside the coordinator's councils and networks: its detail is not drawn, and the PDF says so
        mine = compare_councils(session, SYSTEM, [w.bordeaux, w.saintes], None, TODAY)
        drawings, notes = comparison_networks(session, coordinator, mine)
        assert [d.heading for d in drawings] == ["Réseau de coopération — CLSPD de Bordeaux"]
        assert any("CLSPD de Saintes" in note and "n'est pas dessiné" in note for note in notes)
        text = _flat("\n".join(p.extract_text() for p in _pages(comparison_pdf(mine, networks=(drawings, notes))).pages))
        assert "Le réseau de coopération de « CLSPD de Saintes » n'est pas dessiné" in text

        # too many councils for one page each: none drawn, and the PDF says where to see them
        extra = [add_council(session, f"CLSPD {n}", []).id for n in range(DRAWN_COUNCILS_MAX)]
        session.commit()
        many = compare_councils(session, SYSTEM, [w.bordeaux, *extra], None, TODAY)
        drawings, notes = comparison_networks(session, SYSTEM, many)
    assert drawings == [] and "comparez un réseau" in notes[0]


def test_overview_drawing_is_the_page_default_view(world):
    """The documents' view is the page's default one: network scope grouped by council, council scope not grouped."""
    engine, w = world
    with Session(engine) as session:
        source = load_source(session, SYSTEM, Scope.network(w.network), TODAY)
        drawing = overview_drawing(session, source)
        key = layout_key(Scope.network(w.network), "council")
        assert {str(i): p for i, p in stored_positions(session, key).items()} == {
            n.id: (n.x, n.y) for n in drawing.nodes}
    assert default_cluster("network") == "council" and default_cluster("council") == ""
    assert default_cluster("territory") == "commune"
    assert drawing.hulls and not drawing.grouped


def _labels_sent(srcdoc: str) -> dict[str, tuple[float, float]]:
    """node id → position, as the Réseau page's frame sends them (`LABELS`)."""
    sent = json.loads(re.search(r"var LABELS = (\[.*?\]);\n", srcdoc).group(1))
    return {label["id"]: (label["x"], label["y"]) for label in sent}


def test_reseau_page_and_synthese_page_show_the_same_positions(shared_demo_url, shared_demo_engine, use_database):
    """Known answer through the pages: the positions the Réseau page sends for Bordeaux are those of the summary's
    drawing, and the Synthèse élus page shows that drawing (its section, heading and every partner's label)."""
    use_database(shared_demo_url)
    with Session(shared_demo_engine) as session:
        bordeaux = session.exec(select(Council.id).where(Council.name == "CLSPD de Bordeaux")).one()
    at = open_app(page="pages/reseau.py", council_id=bordeaux)
    assert not at.exception
    sent = _labels_sent(at.get("iframe")[0].proto.srcdoc)
    with Session(shared_demo_engine) as session:
        drawing = council_report(session, SYSTEM, bordeaux, None, dt.date.today()).network
    assert len(sent) == 36 and {n.id: (n.x, n.y) for n in drawing.nodes} == sent
    at = open_app(page="pages/synthese_elus.py", council_id=bordeaux)
    assert not at.exception
    frame = at.get("iframe")[0].proto.srcdoc
    section = frame[frame.index("<section class=reseau>"):]
    assert "Réseau de coopération — CLSPD de Bordeaux" in section
    texts = " ".join(re.findall(r"<text [^>]*>([^<]*)</text>", section))
    for node in drawing.nodes:
        assert all(html.escape(line, quote=False) in texts for line in node.label.split("\n")), node.name


def test_notes_on_paper_point_to_the_reseau_page():
    """On paper one cannot zoom, hover or open a group: those notes name the Réseau page instead."""
    from maillage.network.overview import paper_notes
    from maillage.network.view import Drawing, DrawNode, Hull

    nodes = [DrawNode(id=str(i), label=f"P{i}", tooltip="", colour="#000000", size=6, x=i, y=0,
                      label_shown=i < 15) for i in range(80)]
    hull = Hull(key="council:1", label="CLSPD", colour="#000000", points=((0, 0), (1, 0), (1, 1)))
    screen = Drawing("t", "s", nodes, [], [], notes=[
        "Les noms des groupes sont écrits ; zoomez pour lire ceux des 15 partenaires les plus liés, survolez un point "
        "pour les autres.", "Un partenaire de plusieurs instances est dessiné avec celle où il a le plus de liens."],
        hulls=[hull])
    paper = paper_notes(screen)
    assert paper.notes == ["Les noms des groupes et ceux des 15 partenaires les plus liés sont écrits ; les autres se "
                           "lisent sur la page Réseau (zoom, survol d'un point).", screen.notes[1]]
    grouped = Drawing("t", "s", [], [], [], notes=["Plus de 600 partenaires : ils sont regroupés par secteur. Ouvrez "
                                                   "un groupe pour voir ses partenaires."], grouped=True)
    assert paper_notes(grouped).notes == ["Plus de 600 partenaires : ils sont regroupés par secteur. La page Réseau "
                                          "ouvre chaque groupe sur ses partenaires."]
