"""The network map in Chromium: readable labels that never overlap (checked from what the page sends and from
what vis-network draws), clusters by council with their names, one partner's own network, the years with the
same positions, and the PNG/SVG exports for the plenary. Screenshots in test-artifacts/."""

import datetime as dt
import re
import xml.etree.ElementTree as ElementTree

from playwright.sync_api import expect
from sqlmodel import Session, select

from maillage.core import make_engine
from models import Partner
from tests.browser.conftest import (
    ARTIFACTS,
    choose,
    choose_council,
    frame_with,
    open_page,
    screenshot,
    sign_in,
    wait_for_app,
)

MIN_SCREEN_FONT = 11.5  # pixels on screen at the first view: readable

# Everything the page says of its labels, what vis-network really drew (bounding boxes with labels), the
# labels' widths measured in the canvas font, and the zoom.
READ_GRAPH = """() => {
    const g = window.maillageGraph;
    const net = g.network;
    const ctx = document.createElement('canvas').getContext('2d');
    const face = net.body.nodes[g.labels[0].id].options.font.face;
    return {
        scale: net.getScale(),
        hulls: g.hulls.map((h) => {
            const top = Math.min(...h.points.map((p) => p[1]));
            const xs = h.points.map((p) => p[0]);
            const at = net.canvasToDOM({x: (Math.min(...xs) + Math.max(...xs)) / 2, y: top});
            return {label: h.label.split(String.fromCharCode(10)).join(' '), font: h.font, dom: [at.x, at.y]};
        }),
        edges: net.body.data.edges.get().map((e) => ({from: e.from, to: e.to, colour: e.color, dashes: e.dashes})),
        canvas: [document.querySelector('#graph canvas').clientWidth, document.querySelector('#graph canvas').clientHeight],
        labels: g.labels.map((l) => {
            ctx.font = `${l.font}px ${face}`;
            const lines = net.body.nodes[l.id].options.label.split('\\n');
            const measured = Math.max(...lines.map((line) => ctx.measureText(line).width));
            const dom = net.canvasToDOM({x: l.x, y: l.y});
            return {...l, measured: measured, box: net.getBoundingBox(l.id), dom: [dom.x, dom.y]};
        }),
    };
}"""


def read_graph(page, subtitle: str | None = None, attempts: int = 5):
    """The graph frame (once drawn and fitted, and showing `subtitle` if given) and what it says of its labels;
    tried again when a rerun replaces the frame meanwhile."""
    for attempt in range(attempts):
        try:
            frame = frame_with(page, "#graph canvas")
            if subtitle:
                expect(frame.locator(".subtitle")).to_contain_text(subtitle, timeout=10000)
            frame.wait_for_function("() => window.maillageGraph && window.maillageGraph.network.getScale() > 0")
            page.wait_for_timeout(400)  # the first fit happens after the first drawing
            return frame, frame.evaluate(READ_GRAPH)
        except Exception:
            if attempt == attempts - 1:
                raise
            page.wait_for_timeout(1000)


def show_graph(page, name):
    """Scroll the graph into view and save a screenshot under test-artifacts/."""
    page.locator("iframe").first.scroll_into_view_if_needed()
    page.mouse.wheel(0, 120)
    page.wait_for_timeout(300)
    return screenshot(page, name)


def overlaps(rects):
    """Pairs of rectangles (left, top, right, bottom) that overlap."""
    return [(i, j) for i in range(len(rects)) for j in range(i + 1, len(rects))
            if rects[i][0] < rects[j][2] and rects[j][0] < rects[i][2] and rects[i][1] < rects[j][3]
            and rects[j][1] < rects[i][3]]


def sent_rect(label):
    """The room a node and its label (if drawn at the usual zoom) take, from the position and sizes the page sends."""
    radius = label["size"]
    if not label["shown"]:
        return (label["x"] - radius, label["y"] - radius, label["x"] + radius, label["y"] + radius)
    width = max(label["width"] / 2, radius)
    return (label["x"] - width, label["y"] - radius, label["x"] + width, label["y"] + radius + 4 + label["height"])


def test_bordeaux_every_label_readable_and_apart(page, app_url):
    sign_in(page, app_url)
    choose_council(page, "CLSPD de Bordeaux")
    open_page(page, "Réseau")
    _frame, graph = read_graph(page)
    labels = graph["labels"]
    assert len(labels) == 36
    assert all(label["shown"] for label in labels)
    # readable: every label at least 11.5 px on screen at the first view (1280×800)
    show_graph(page, "reseau-bordeaux-36")
    assert min(label["font"] for label in labels) * graph["scale"] >= MIN_SCREEN_FONT, graph["scale"]
    # the sizes the page sends are honest: no label is wider in the browser's font than the page says
    assert all(label["measured"] <= label["width"] + 0.5 for label in labels), [
        (label["id"], label["measured"], label["width"]) for label in labels if label["measured"] > label["width"] + 0.5]
    # no two label boxes overlap: from the positions and sizes sent, and as vis-network drew them
    assert overlaps([sent_rect(label) for label in labels]) == []
    drawn = [(b["box"]["left"], b["box"]["top"], b["box"]["right"], b["box"]["bottom"]) for b in labels]
    assert overlaps(drawn) == []
    # the whole picture is in the frame
    width, height = graph["canvas"]
    assert all(0 <= label["dom"][0] <= width and 0 <= label["dom"][1] <= height for label in labels)


def _partner_id(url: str, name: str) -> int:
    """A demo partner's id, by name."""
    engine = make_engine(url)
    with Session(engine) as session:
        partner_id = session.exec(select(Partner.id).where(Partner.name == name)).one()
    engine.dispose()
    return partner_id


def test_ffsu_network_grouped_by_council_with_names(page, app_url):
    sign_in(page, app_url)
    open_page(page, "Réseau")
    page.get_by_role("radiogroup", name="Périmètre").get_by_text("Réseau", exact=True).click()
    wait_for_app(page)
    choose(page, "Réseau", "FFSU")
    expect(frame_with(page, "#graph canvas").locator("h1")).to_have_text(
        "Réseau de coopération — Réseau FFSU Nouvelle-Aquitaine", timeout=60000)
    expect(page.get_by_role("radiogroup", name="Regrouper par").get_by_role("radio", name="Instance")).to_be_checked()
    _frame, graph = read_graph(page)
    names = [h["label"] for h in graph["hulls"]]
    for council in ("CLSPD de Bordeaux", "CLSPD de Mérignac", "CLSPD de Pessac", "CISPD du Grand Poitiers"):
        assert council in names, names
    # every group's name is inside the picture at the first view, and readable
    width, height = graph["canvas"]
    assert all(0 <= h["dom"][0] <= width and 0 <= h["dom"][1] <= height for h in graph["hulls"]), graph["hulls"]
    assert min(h["font"] for h in graph["hulls"]) * graph["scale"] >= MIN_SCREEN_FONT
    labels = graph["labels"]
    assert len(labels) > 60
    shown = [label for label in labels if label["shown"]]
    assert len(shown) == 15  # the most linked partners' names (when zooming in); the others on hover
    assert overlaps([sent_rect(label) for label in labels]) == []
    show_graph(page, "reseau-ffsu-par-instance")
    # the group table beside the picture names the same groups
    expect(page.get_by_text("Groupes du dessin")).to_be_visible()


HULL_NAME_AT = """(name) => {
    const g = window.maillageGraph;
    const net = g.network;
    const hull = g.hulls.find((h) => h.label.split(String.fromCharCode(10)).join(' ') === name);
    const top = Math.min(...hull.points.map((p) => p[1]));
    const xs = hull.points.map((p) => p[0]);
    const lines = hull.label.split(String.fromCharCode(10)).length;
    const name_at = net.canvasToDOM({x: (Math.min(...xs) + Math.max(...xs)) / 2, y: top - 4 - hull.font * 0.5});
    const centre = hull.points.reduce((a, p) => [a[0] + p[0] / hull.points.length, a[1] + p[1] / hull.points.length], [0, 0]);
    return {key: hull.key, members: hull.members, name: [name_at.x, name_at.y], lines: lines,
            centre: net.canvasToDOM({x: centre[0], y: centre[1]})};
}"""

VIEW_STATE = """() => {
    const net = window.maillageGraph.network;
    const faded = net.body.data.nodes.get().filter((n) => n.color.background === '#C8CDD2').map((n) => String(n.id));
    return {scale: net.getScale(), position: net.getViewPosition(), opened: window.maillageGraph.openedGroup(),
            selected: net.getSelectedNodes().map(String), faded: faded};
}"""


def test_clicking_a_group_outline_opens_the_group(page, app_url):
    """A click on a group's name (or outline) in the FFSU picture zooms onto that council's partners, selects them
    and greys the others (the frame cannot tell the page, so the group opens inside the drawing); « Tout voir »
    closes it."""
    sign_in(page, app_url)
    open_page(page, "Réseau")
    page.get_by_role("radiogroup", name="Périmètre").get_by_text("Réseau", exact=True).click()
    wait_for_app(page)
    choose(page, "Réseau", "FFSU")
    expect(frame_with(page, "#graph canvas").locator("h1")).to_have_text(
        "Réseau de coopération — Réseau FFSU Nouvelle-Aquitaine", timeout=60000)
    frame, graph = read_graph(page)
    before = frame.evaluate(VIEW_STATE)
    assert before["opened"] is None and before["faded"] == []
    target = frame.evaluate(HULL_NAME_AT, "CLSPD de Pessac")
    canvas = frame.locator("#graph canvas")
    canvas.click(position={"x": target["name"][0], "y": target["name"][1]})
    frame.wait_for_function("() => window.maillageGraph.openedGroup() !== null")
    page.wait_for_timeout(600)  # the zoom is animated
    after = frame.evaluate(VIEW_STATE)
    assert after["opened"] == target["key"]
    assert after["scale"] > before["scale"] * 1.5, (before["scale"], after["scale"])
    # still no label overlapping another: the partners' small labels stay under vis-network's draw threshold
    assert after["scale"] * min(label["font"] for label in graph["labels"]) < 9
    assert sorted(after["selected"]) == sorted(target["members"])
    assert set(after["faded"]) == {label["id"] for label in graph["labels"]} - set(target["members"])
    expect(frame.locator("#group-status")).to_have_text(re.compile(r"Groupe « CLSPD de Pessac » ouvert : \d+ partenaires"))
    # the group now fills the frame: its centre is near the frame's centre
    centre = frame.evaluate(HULL_NAME_AT, "CLSPD de Pessac")["centre"]
    width, height = graph["canvas"]
    assert abs(centre["x"] - width / 2) < width / 4 and abs(centre["y"] - height / 2) < height / 3
    page.locator("iframe").first.scroll_into_view_if_needed()
    frame.evaluate("() => document.querySelectorAll('div.vis-tooltip').forEach((t) => { t.style.visibility = 'hidden'; })")
    screenshot(page, "reseau-ffsu-groupe-ouvert")
    # « Tout voir » closes the group; a click inside another group's outline opens that one
    frame.get_by_role("button", name="Tout voir").click()
    page.wait_for_timeout(300)
    closed = frame.evaluate(VIEW_STATE)
    assert closed["opened"] is None and closed["faded"] == [] and closed["selected"] == []
    expect(frame.locator("#group-status")).to_be_hidden()
    other = frame.evaluate(HULL_NAME_AT, "CISPD du Grand Poitiers")
    inside = frame.evaluate("""(key) => {
        const g = window.maillageGraph, net = g.network, hull = g.hulls.find((h) => h.key === key);
        const taken = hull.members.map((id) => net.getBoundingBox(id));
        const xs = hull.points.map((p) => p[0]), ys = hull.points.map((p) => p[1]);
        for (let fx = 0.15; fx < 0.9; fx += 0.05) { for (let fy = 0.15; fy < 0.9; fy += 0.05) {
            const x = Math.min(...xs) + (Math.max(...xs) - Math.min(...xs)) * fx;
            const y = Math.min(...ys) + (Math.max(...ys) - Math.min(...ys)) * fy;
            let within = false;
            for (let i = 0, j = hull.points.length - 1; i < hull.points.length; j = i++) {
                const a = hull.points[i], b = hull.points[j];
                if ((a[1] > y) !== (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]) { within = !within; }
            }
            if (within && net.getNodeAt(net.canvasToDOM({x: x, y: y})) === undefined &&
                !taken.some((b) => x >= b.left - 4 && x <= b.right + 4 && y >= b.top - 4 && y <= b.bottom + 4)) {
                const at = net.canvasToDOM({x: x, y: y});
                return [at.x, at.y];
            }
        } }
        return null;
    }""", other["key"])
    assert inside is not None
    canvas.click(position={"x": inside[0], "y": inside[1]})
    frame.wait_for_function(f"() => window.maillageGraph.openedGroup() === {other['key']!r}".replace("'", '"'))
    assert sorted(frame.evaluate(VIEW_STATE)["selected"]) == sorted(other["members"])


def test_ego_view_of_the_gip_from_its_card(page, app_url, browser_db_url):
    gip = _partner_id(browser_db_url, "GIP Bordeaux Métropole Médiation")
    sign_in(page, app_url)
    choose_council(page, "CLSPD de Bordeaux")
    open_page(page, "Partenaires")
    page.get_by_role("tab", name="Fiche").click()
    choose(page, "Partenaire", "GIP Bordeaux Métropole Médiation")
    page.get_by_role("link", name="Voir son réseau").click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(rf"/reseau\?partenaire={gip}(&|$)"))
    frame = frame_with(page, "#graph canvas")
    expect(frame.locator("h1")).to_have_text("Réseau de « GIP Bordeaux Métropole Médiation » — CLSPD de Bordeaux")
    frame, graph = read_graph(page)
    assert frame.locator("h1").inner_text() == "Réseau de « GIP Bordeaux Métropole Médiation » — CLSPD de Bordeaux"
    labels = graph["labels"]
    assert len(labels) >= 5 and all(label["shown"] for label in labels)
    assert overlaps([sent_rect(label) for label in labels]) == []
    assert min(label["font"] for label in labels) * graph["scale"] >= MIN_SCREEN_FONT
    expect(page.get_by_text("Rôle d'intermédiaire.")).to_be_visible()
    expect(page.get_by_text("Instances où il travaille")).to_be_visible()
    show_graph(page, "reseau-ego-gip")
    # distance 2 brings the partners' partners
    page.get_by_role("radiogroup", name="Distance").get_by_text("2", exact=False).click()
    wait_for_app(page)
    expect(frame_with(page, "#graph canvas").locator(".subtitle")).to_contain_text("et les partenaires de ses partenaires")
    _frame, wider = read_graph(page)
    assert len(wider["labels"]) > len(labels)
    assert f"partenaire={gip}" in page.url


def test_years_slider_keeps_positions(page, app_url):
    sign_in(page, app_url)
    choose_council(page, "CLSPD de Bordeaux")
    open_page(page, "Réseau")
    page.get_by_text("Au fil des années", exact=True).click()
    wait_for_app(page)
    slider = page.get_by_role("slider")
    slider.focus()
    page.keyboard.press("Home")
    wait_for_app(page)
    for _step in range(40):
        if slider.get_attribute("aria-valuetext") == "2019":
            break
        slider.focus()
        page.keyboard.press("ArrowRight")
        wait_for_app(page)
    seen = {}
    changes = {}
    for year in range(2019, 2027):
        assert slider.get_attribute("aria-valuetext") == str(year)
        day = f"31/12/{year}" if year < dt.date.today().year else f"{dt.date.today():%d/%m/%Y}"
        frame, graph = read_graph(page, subtitle=day)
        assert frame.locator("h1").inner_text().startswith("Réseau de coopération — CLSPD de Bordeaux")
        seen[year] = {label["id"]: (label["x"], label["y"]) for label in graph["labels"]}
        changes[year] = {edge["colour"] for edge in graph["edges"]}
        if year in (2019, 2026):
            show_graph(page, f"reseau-annee-{year}")
        if year < 2026:
            slider.focus()
            page.keyboard.press("ArrowRight")
            wait_for_app(page)
    first = seen[2019]
    assert all(positions == first for positions in seen.values())
    assert any("#E66100" in colours for colours in changes.values())  # links that appeared, highlighted
    expect(page.get_by_text("Ce qui a changé en 2026")).to_be_visible()


def test_png_and_svg_downloads_open_and_carry_the_title(page, app_url, tmp_path):
    from PIL import Image

    sign_in(page, app_url)
    choose_council(page, "CLSPD de Bordeaux")
    open_page(page, "Réseau")
    title = "Réseau de coopération — CLSPD de Bordeaux"
    with page.expect_download() as png_download:
        page.get_by_role("button", name="Image PNG").click()
    png_path = tmp_path / png_download.value.suggested_filename
    png_download.value.save_as(png_path)
    image = Image.open(png_path)
    image.load()
    assert image.size == (1600, 900)
    assert image.text["Title"] == title
    image.save(ARTIFACTS / "reseau-export.png")
    with page.expect_download() as svg_download:
        page.get_by_role("button", name="Image SVG").click()
    svg_path = tmp_path / svg_download.value.suggested_filename
    svg_download.value.save_as(svg_path)
    assert svg_path.suffix == ".svg"
    root = ElementTree.parse(svg_path).getroot()
    namespace = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{namespace}title").text == title
    texts = [t.text for t in root.iter(f"{namespace}text")]
    assert title in texts and "Légende" in texts and any(t.startswith("Source : Maillage") for t in texts)
    assert "DSDEN de la Gironde" in texts
    # the SVG opens in the browser too
    page.goto(svg_path.as_uri())
    page.screenshot(path=str(ARTIFACTS / "reseau-export-svg.png"))


def test_presentation_mode_and_narrow_screen(page, app_url):
    sign_in(page, app_url)
    choose_council(page, "CLSPD de Bordeaux")
    open_page(page, "Réseau")
    page.get_by_text("Mode présentation", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Réseau de coopération — CLSPD de Bordeaux")).to_be_visible()
    expect(page.get_by_text("Filtres", exact=True)).to_have_count(1)  # the scope and filters stay reachable…
    expect(page.get_by_role("tab", name="Chiffres clés")).to_have_count(0)  # …the tables give way to the picture
    _frame, graph = read_graph(page)
    assert min(label["font"] for label in graph["labels"]) * graph["scale"] >= MIN_SCREEN_FONT
    page.locator("iframe").first.scroll_into_view_if_needed()
    screenshot(page, "reseau-presentation")
    page.get_by_text("Mode présentation", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_role("tab", name="Chiffres clés")).to_have_count(1)
    page.set_viewport_size({"width": 390, "height": 844})
    wait_for_app(page)
    _frame, narrow = read_graph(page)
    assert len(narrow["labels"]) == 36
    page.locator("iframe").first.scroll_into_view_if_needed()
    screenshot(page, "reseau-390")
