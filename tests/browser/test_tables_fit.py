"""Every table fits its content (or says how to read it whole), at 1440×900 and on a 390×844 phone; the
elected officials' summary and the action sheet keep their cards whole on a phone; the chronology draws.

st.dataframe draws on a canvas: the test reads what the page sends to the browser (the Streamlit messages on
the websocket: each table's data and column configuration) and measures each text in the browser with the
table's own font, so a column narrower than its text fails. Screenshots go to test-artifacts/tables-*.png.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pyarrow.ipc as ipc
import pytest
from sqlmodel import Session, select
from streamlit.proto import ForwardMsg_pb2

from maillage.core import make_engine
from maillage.coverage import load_council_coverage, suggest
from tests.browser.conftest import (
    ADMIN_EMAIL,
    ARTIFACTS,
    COORD_EMAIL,
    PASSWORD,
    frame_with,
    sign_in,
    wait_for_app,
)

DESKTOP, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}
VIEWPORTS = {"bureau": DESKTOP, "telephone": PHONE}
PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/126.0 Mobile Safari/537.36")
CELL_PADDING = 16      # glide-data-grid's padding, both sides together
HELP_MARK = 20         # the header's tooltip mark
SNAKE_CASE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


class TableSpy:
    """The tables (data and column configuration) the app sends over its websocket."""

    def __init__(self, page):
        self.tables: list[dict] = []
        self.kinds: list[str] = []
        self.current = None
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:
        """Listen to the newest websocket only (a page opened by address starts a new one)."""
        self.current = ws
        ws.on("framereceived", lambda payload: self._frame(payload) if ws is self.current else None)

    def _frame(self, payload) -> None:
        if isinstance(payload, str):
            return
        message = ForwardMsg_pb2.ForwardMsg()
        try:
            message.ParseFromString(payload)
        except Exception:  # not a forward message
            return
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            kind = message.delta.new_element.WhichOneof("type")
        self.kinds.append(kind)
        if kind == "new_session":  # a new run (a rerun, or the page the app switched to): its tables only
            self.tables.clear()
        if message.WhichOneof("type") != "delta" or message.delta.WhichOneof("type") != "new_element":
            return
        element = message.delta.new_element
        if element.WhichOneof("type") != "dataframe":
            return
        frame = element.dataframe
        data = frame.arrow_data.data or frame.lazy_data.initial_chunk.data
        table = ipc.open_stream(io.BytesIO(data)).read_all() if data else None
        columns = json.loads(frame.columns) if frame.columns else {}
        rows = table.to_pylist() if table is not None else []
        names = [n for n in (table.column_names if table is not None else columns) if not n.startswith("__")]
        self.tables.append({"config": columns, "names": names, "rows": rows})

    def reset(self) -> None:
        """Forget what was seen (before opening another page)."""
        self.tables.clear()


def measure(page, texts: list[str], weight: str = "400") -> dict[str, float]:
    """Widths in pixels of `texts` in the tables' font (measured by the browser)."""
    return page.evaluate(
        """([texts, weight]) => {
            const grid = document.querySelector('[data-testid="stDataFrame"]') || document.body;
            const family = getComputedStyle(grid).fontFamily;
            const context = document.createElement('canvas').getContext('2d');
            context.font = `${weight} 14px ${family}`;
            const out = {};
            for (const text of texts) out[text] = context.measureText(text).width;
            return out;
        }""",
        [texts, weight],
    )


def problems_of(page, tables: list[dict], pinned_at_most: int) -> list[str]:
    """Every column narrower than its header or one of its values (unless its tooltip says how to read it),
    and pinned columns wider together than `pinned_at_most` pixels (the others would have no room to scroll)."""
    problems = []
    for number, table in enumerate(tables, 1):
        config, names = table["config"], table["names"]
        if not names:
            continue
        first = config.get(names[0], {})
        if not first.get("pinned"):
            problems.append(f"tableau {number} ({names[0]}…) : première colonne non épinglée")
        pinned = sum(c.get("width") or 0 for c in config.values() if isinstance(c, dict) and c.get("pinned"))
        if pinned > pinned_at_most:
            problems.append(f"tableau {number} ({names[0]}…) : colonnes épinglées de {pinned} px")
        cells = {str(row.get(name)) for row in table["rows"] for name in names if row.get(name) is not None}
        widths = measure(page, sorted(cells))
        headers = measure(page, [config.get(n, {}).get("label") or n for n in names], "600")
        for name in names:
            column = config.get(name, {})
            label = column.get("label") or name
            width = column.get("width")
            if SNAKE_CASE.match(label):
                problems.append(f"« {label} » : en-tête en code, pas en français")
            if not isinstance(width, int):
                problems.append(f"« {label} » : pas de largeur en pixels ({width!r})")
                continue
            need_header = headers[label] + CELL_PADDING + (HELP_MARK if column.get("help") else 0)
            if need_header > width + 1:
                problems.append(f"« {label} » : en-tête de {need_header:.0f} px dans {width} px")
            longest = max((widths[str(row[name])] for row in table["rows"] if row.get(name) is not None), default=0)
            if longest + CELL_PADDING > width + 1 and "double-cliquez" not in (column.get("help") or ""):
                problems.append(f"« {label} » : texte de {longest + CELL_PADDING:.0f} px dans {width} px, sans bulle")
    return problems


def overflowing_cards(page) -> list[str]:
    """Metrics and bordered cards of the page wider than their box or than the screen."""
    return page.evaluate(
        """() => {
            const out = [];
            const cards = document.querySelectorAll('[data-testid="stMetric"], [data-testid="stMetricValue"],'
                + ' [data-testid="stVerticalBlockBorderWrapper"], [data-testid="stExpander"]');
            for (const card of cards) {
                const box = card.getBoundingClientRect();
                if (box.width === 0) continue;
                if (card.scrollWidth > card.clientWidth + 1 || box.right > window.innerWidth + 1)
                    out.push(`${card.dataset.testid} « ${card.innerText.slice(0, 40)} » : ${card.scrollWidth} > ${card.clientWidth}`);
            }
            return out;
        }""")


def shot(page, name: str, table: bool = False) -> None:
    """A screenshot under test-artifacts/ (with `table`, scrolled to the first visible table)."""
    ARTIFACTS.mkdir(exist_ok=True)
    if table:
        grid = page.locator('[data-testid="stDataFrame"]:visible').first
        if grid.count():
            grid.scroll_into_view_if_needed()
            page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollBy(0, -120)")
            page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / f"tables-{name}.png"), full_page=True)


def open_url(page, url: str, spy: TableSpy) -> None:
    """Open an address of the app and wait until its tables have arrived."""
    spy.reset()
    page.goto(url)
    wait_for_app(page)
    seen, stable = -1, 0
    for _ in range(240):  # until tables have come and none came for 3 s (2 min at most)
        page.wait_for_timeout(500)
        stable = stable + 1 if len(spy.tables) == seen else 0
        seen = len(spy.tables)
        if seen and stable >= 6:
            break
    wait_for_app(page)
    page.wait_for_timeout(800)


@pytest.fixture(scope="module")
def gap_address(browser_db_url):
    """The Couverture address of a Bordeaux gap that has suggestions (so both suggestion tables show)."""
    engine = make_engine(browser_db_url)
    with Session(engine) as session:
        from maillage.restitution import list_councils

        council = next(c for c in list_councils(session) if c.name == "CLSPD de Bordeaux")
        cov = load_council_coverage(session, council.id, dt.date.today(), False)
        found = suggest(session, cov)
    engine.dispose()
    for (commune, action_type, _public), hints in found.items():
        if hints.partners:
            return f"couverture?colonnes=type&lignes=commune&territoire=com:{commune}&colonne={action_type}"
    return "couverture"


PAGES = [  # (name, account, address)
    ("actions", COORD_EMAIL, "actions"),
    ("partenaires", COORD_EMAIL, "partenaires"),
    ("comparer", COORD_EMAIL, "comparer"),
    ("couverture", COORD_EMAIL, None),
    ("administration", ADMIN_EMAIL, "administration"),
]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_table_fits_or_says_how_to_read_it(browser, app_url, gap_address, viewport):
    found: dict[str, list[str]] = {}
    for account in (COORD_EMAIL, ADMIN_EMAIL):
        phone = {"user_agent": PHONE_AGENT, "is_mobile": True, "has_touch": True} if viewport == "telephone" else {}
        context = browser.new_context(viewport=VIEWPORTS[viewport], locale="fr-FR", **phone)
        page = context.new_page()
        spy = TableSpy(page)
        sign_in(page, app_url, account, PASSWORD)
        for name, who, address in PAGES:
            if who != account:
                continue
            open_url(page, f"{app_url}/{address or gap_address}", spy)
            shot(page, f"{name}-{viewport}", table=True)
            assert spy.tables, f"{name} : aucun tableau reçu {spy.kinds[-70:]}"
            found[name] = problems_of(page, spy.tables, VIEWPORTS[viewport]["width"] // 2)
            if viewport == "telephone":
                found[name] += overflowing_cards(page)
            if name == "couverture":
                headers = {n for t in spy.tables for n in t["names"]}
                assert "Partenaires qui pourraient la porter" in headers
                if gap_address != "couverture":
                    assert "Pourquoi" in headers
                    page.get_by_text("Partenaires présents sur la commune").first.wait_for(state="attached")
            if name == "comparer":  # councils are rows: the 12 of the demo network, the reader's own first
                indicators = next(t for t in spy.tables if t["names"][0] == "Instance" and "Densité" in t["names"])
                assert len(indicators["rows"]) == 12
                assert indicators["rows"][0]["Instance"] == "CLSPD de Bordeaux"
                assert indicators["config"]["Instance"].get("pinned")
                grid = page.locator('[data-testid="stDataFrame"]:visible').first.bounding_box()
                assert grid["height"] >= 38 + 35 * 12, "chaque instance sur sa ligne, sans défilement vertical"
                assert grid["x"] + grid["width"] <= VIEWPORTS[viewport]["width"] + 1
                headers = page.locator("h1").first.bounding_box()
                selector = page.get_by_role("combobox", name="Réseau", exact=True).bounding_box()
                assert headers["y"] < selector["y"], "le titre doit précéder les sélecteurs"
        context.close()
    assert {name: p for name, p in found.items() if p} == {}


def test_summary_and_sheet_on_a_phone_and_the_chronology(browser, app_url):
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    sign_in(page, app_url, COORD_EMAIL, PASSWORD)
    page.goto(f"{app_url}/synthese_elus")
    wait_for_app(page)
    frame = frame_with(page, ".tiles")
    report = frame.evaluate(
        """() => {
            const out = {overflow: [], columns: []};
            for (const tile of document.querySelectorAll('.tile, .tile .value, .tile .change'))
                if (tile.scrollWidth > tile.clientWidth + 1) out.overflow.push(tile.innerText);
            for (const column of document.querySelectorAll('.two > div')) out.columns.push(column.getBoundingClientRect().width);
            out.page = [document.documentElement.scrollWidth, document.documentElement.clientWidth];
            const button = getComputedStyle(document.getElementById('imprimer'));
            out.button = [button.backgroundColor, button.color, button.borderRadius];
            out.note = document.querySelector('.tiles + .note').innerText;
            return out;
        }""")
    assert report["overflow"] == [], report["overflow"]
    assert min(report["columns"]) > 250, report["columns"]  # one column under the other, not a strip
    assert report["page"][0] <= report["page"][1] + 1
    assert report["button"] == ["rgb(26, 82, 118)", "rgb(255, 255, 255)", "8px"]
    assert "même date" in report["note"] or "fin " in report["note"]
    assert "▼ −259" not in frame.locator("body").inner_text()
    assert overflowing_cards(page) == []
    shot(page, "synthese-telephone")

    page.set_viewport_size(DESKTOP)
    wait_for_app(page)
    shot(page, "synthese-bureau")

    page.set_viewport_size(PHONE)
    page.goto(f"{app_url}/actions")
    wait_for_app(page)
    page.get_by_text("Chronologie", exact=True).first.click()
    wait_for_app(page)
    page.locator('[data-testid="stVegaLiteChart"], [data-testid="stArrowVegaLiteChart"]').first.wait_for()
    page.wait_for_timeout(1000)
    assert overflowing_cards(page) == []
    shot(page, "chronologie-telephone")
    page.set_viewport_size(DESKTOP)
    page.wait_for_timeout(1000)
    shot(page, "chronologie-bureau")
    context.close()


NARROW_CHECK = """() => {
    const out = [];
    for (const element of document.querySelectorAll('.tile, .tile .value, dl, dd, h1, h2, p, li'))
        if (element.scrollWidth > element.clientWidth + 1) out.push(element.innerText.slice(0, 40));
    if (document.documentElement.scrollWidth > document.documentElement.clientWidth + 1)
        out.push(`page ${document.documentElement.scrollWidth} > ${document.documentElement.clientWidth}`);
    return out;
}"""


def test_printable_pages_at_360_px_and_on_a4(browser, browser_db_url):
    from pypdf import PdfReader

    from maillage.accounts import SYSTEM
    from maillage.actions import action_sheet, sheet_html
    from maillage.restitution import council_report, list_councils, report_html
    from models import Action

    engine = make_engine(browser_db_url)
    with Session(engine) as session:
        council = next(c for c in list_councils(session) if c.name == "CLSPD de Bordeaux")
        summary = report_html(council_report(session, SYSTEM, council.id))
        action = session.exec(select(Action).where(Action.council_id == council.id)).first()
        sheet = sheet_html(action_sheet(session, SYSTEM, action.id))
    engine.dispose()
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="fr-FR")
    page = context.new_page()
    for name, html in (("synthese", summary), ("fiche-action", sheet)):
        page.set_content(html)
        (ARTIFACTS / f"tables-{name}.html").write_text(html, encoding="utf-8")
        assert page.evaluate(NARROW_CHECK) == [], name
        shot(page, f"{name}-360")
        pdf = page.pdf(format="A4")
        (ARTIFACTS / f"tables-{name}-a4.pdf").write_bytes(pdf)
        pages = PdfReader(io.BytesIO(pdf)).pages
        # One A4 sheet; the summary adds its cooperation network on a landscape sheet of its own.
        sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages]
        assert sizes == ([(596, 843), (843, 596)] if name == "synthese" else [(596, 843)]), name
        assert "Synthèse établie le" in pages[0].extract_text() if name == "synthese" else True, name
        assert all("Imprimer" not in p.extract_text() for p in pages), name  # the button is not printed
    context.close()
