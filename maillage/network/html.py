"""The graph's HTML page (pyvis / vis-network): offline, escaped, positions fixed on the server, physics off.

pyvis's own template pulls Bootstrap from a CDN even in `in_line` mode, so the page is rendered with our
template (maillage/templates/network.html) from pyvis's network data, with vis-network's script and style
inlined from the pyvis package — or, in the app, loaded from the app's own static files (`vis_url`: served
once and kept by the browser, so only the data travels in each frame). Every user string is escaped: HTML text through Jinja's autoescape, and
the node and edge data through `tojson` (which turns <, >, & and ' into \\u escapes inside the script);
vis-network shows string tooltips as plain text (innerText). A Content-Security-Policy forbids any load.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyvis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

from maillage.network.data import NetworkGraph
from maillage.network.metrics import NetworkMetrics
from maillage.network.positions import HULL_FONT
from maillage.network.view import (
    DRAW_THRESHOLD,
    ENDED_COLOUR,
    NODE_BORDER,
    Drawing,
    ViewOptions,
    build_drawing,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
VIS_DIR = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
GRAPH_HEIGHT = 660
PRESENTATION_HEIGHT = 760
# The widest common sans-serif first: label boxes are measured with DejaVu Sans on the server.
FONT_FACE = "'DejaVu Sans', Verdana, Arial, sans-serif"
OPTIONS = {
    "physics": {"enabled": False},
    "layout": {"improvedLayout": False, "randomSeed": 42},
    # vis-network's own navigation buttons (bright green) are replaced by the page's buttons, in the app's colours
    "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": True,
                    "hideEdgesOnDrag": True},
    "nodes": {"shape": "dot", "borderWidth": 1, "color": {"border": NODE_BORDER},
              "font": {"size": 14, "face": FONT_FACE, "color": "#1D2327", "strokeWidth": 3, "strokeColor": "#ffffff"},
              "scaling": {"label": {"enabled": False, "drawThreshold": DRAW_THRESHOLD, "maxVisible": 40}}},
    "edges": {"smooth": False, "selectionWidth": 2, "color": {"inherit": False}},
}


class UnsafeAssetError(RuntimeError):
    """The bundled vis-network files could end the inline <script>/<style> early."""


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """vis-network's script and style, read from the pyvis package (checked safe to inline)."""
    script = (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    style = (VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in script.lower() or "</style" in style.lower():
        raise UnsafeAssetError("vis-network contient une balise fermante : impossible de l'intégrer")
    return script, style


VIS_FILES = ("vis-network-9.1.2.min.js", "vis-network-9.1.2.css")  # the names the app serves them under


def publish_vis_assets(directory: Path) -> tuple[str, str]:
    """Copy vis-network's script and style into `directory` (the app's static files) unless already there
    unchanged; the names written (`VIS_FILES`)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in zip(VIS_FILES, vis_assets()):
        target = directory / name
        data = content.encode("utf-8")
        if not target.exists() or target.read_bytes() != data:
            partial = target.with_suffix(target.suffix + ".tmp")
            partial.write_bytes(data)
            partial.replace(target)  # atomic: a browser never reads half a file
    return VIS_FILES


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """The Jinja environment of our template, HTML autoescape on."""
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))


def _pyvis_network(drawing: Drawing) -> Network:
    """The drawing as a pyvis Network (nodes with fixed positions, shapes, label sizes, edges, vis options)."""
    net = Network(height=f"{GRAPH_HEIGHT}px", width="100%", heading=drawing.heading, cdn_resources="in_line")
    for node in drawing.nodes:
        net.add_node(
            node.id, label=node.label, title=node.tooltip, size=node.size, shape=node.shape,
            color={"background": node.colour, "border": NODE_BORDER,
                   "highlight": {"background": node.colour, "border": "#1D4F91"},
                   "hover": {"background": node.colour, "border": "#1D4F91"}},
            x=node.x, y=node.y, physics=False, borderWidth=3 if node.is_group or node.emphasis else 1,
            font={"size": node.font},
        )
    # pyvis's add_edge scans every edge already added (quadratic): append its edge dicts directly.
    for edge in drawing.edges:
        net.edges.append({"from": edge.a, "to": edge.b, "title": edge.tooltip, "width": edge.width,
                          "dashes": edge.dashed, "color": edge.colour})
    # ghosts (ended links) first, so they are drawn under the others
    net.edges.sort(key=lambda e: e["color"] != ENDED_COLOUR)
    net.options = dict(OPTIONS)
    return net


def label_boxes(drawing: Drawing) -> list[dict]:
    """What the page says of each label (for checks and tests): node id, position, node size, font size,
    whether it is drawn at the usual zoom, and the label's width and height at zoom 1 (DejaVu Sans metrics)."""
    return [{"id": n.id, "x": n.x, "y": n.y, "size": n.size, "font": n.font, "shown": n.label_shown,
             "width": n.label_width, "height": n.label_height} for n in drawing.nodes]


def hull_data(drawing: Drawing) -> list[dict]:
    """Group outlines for the page's canvas: key, name, colour, polygon, and the nodes a click on it opens."""
    return [{"key": h.key, "label": h.label, "colour": h.colour, "points": [list(p) for p in h.points],
             "font": HULL_FONT, "members": list(h.members)} for h in drawing.hulls]


def render_drawing(drawing: Drawing, height: int = GRAPH_HEIGHT, vis_url: str | None = None) -> str:
    """The full HTML page of a drawing: standalone, vis-network inlined (files, exports); with `vis_url` (the
    app's static files, e.g. "app/static/"), vis-network is loaded from there and only the data is in the page."""
    net = _pyvis_network(drawing)
    nodes, edges, heading, _height, _width, _options = net.get_network_data()
    script, style = ("", "") if vis_url else vis_assets()
    aria = f"{drawing.heading}. {drawing.subtitle}."
    return _environment().get_template("network.html").render(
        heading=heading, subtitle=drawing.subtitle, aria_label=aria, nodes=nodes, edges=edges,
        options=net.options, legend=drawing.legend, notes=drawing.notes, height=height,
        labels=label_boxes(drawing), hulls=hull_data(drawing),
        text_nodes=[n.tooltip.replace("\n", " · ") for n in drawing.nodes],
        text_edges=[e.tooltip.replace("\n", " · ") for e in drawing.edges],
        vis_js=script, vis_css=style, vis_url=vis_url, vis_files=VIS_FILES,
    )


def render_network(graph: NetworkGraph, metrics: NetworkMetrics, options: ViewOptions = ViewOptions(),
                   heading: str | None = None, vis_url: str | None = None) -> str:
    """The HTML the Réseau page embeds (and `network-html` writes) for a graph and its metrics."""
    return render_drawing(build_drawing(graph, metrics, options, heading), vis_url=vis_url)
