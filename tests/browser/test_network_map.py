"""The network map in Chromium: readable labels that never overlap (checked from what the page sends and from
what vis-network draws), clusters by council with their names, one partner's own network, the years with the
same positions, and the PNG/SVG exports for the plenary. Screenshots in test-artifacts/."""

import io
import xml.etree.ElementTree as ElementTree

from playwright.sync_api import expect
from sqlmodel import Session, select

from maillage.core import make_engine
from models import Partner
from tests.browser.conftest import choose, choose_council, frame_with, open_page, screenshot, sign_in, wait_for_app

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
        hulls: g.hulls.map((h) => h.label),
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


def read_graph(page):
    """The graph frame (once drawn and fitted) and what it says of its labels."""
    frame = frame_with(page, "#graph canvas")
    frame.wait_for_function("() => window.maillageGraph && window.maillageGraph.network.getScale() > 0")
    page.wait_for_timeout(400)  # the first fit happens after the first drawing
    return frame, frame.evaluate(READ_GRAPH)


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
    """The room a node and its label take, from the position and sizes the page sends."""
    radius = label["size"]
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
