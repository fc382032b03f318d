"""Safety in the browser: records named with script payloads (tests/browser/payloads.py) are shown as text on
every page, in the network graph, the action sheet and the elected officials' printable page, without any
dialog, console error or injected element; the network page asks nothing of any other host.
"""

import datetime as dt
import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from maillage.core import make_engine
from tests.browser.conftest import (
    ADMIN_EMAIL,
    COORD_EMAIL,
    PASSWORD,
    Watch,
    choose,
    choose_council,
    expect_in_grid,
    frame_with,
    graph_canvas,
    open_page,
    screenshot,
    scroll_grid_right,
    sign_in,
    wait_for_app,
)
from tests.browser.payloads import (
    ACTION_TITLE,
    COUNCIL,
    IMG,
    LITERALS,
    PARTNER_NAMES,
    SCRIPT,
    SVG,
    WEBSITE,
    touch_payload_partners,
)

# Elements a payload would have created had it been parsed as HTML instead of shown as text.
INJECTED_LIST = """() => {
    const marked = [...document.querySelectorAll('[onerror], [onload], img[src="x"], a[href^="javascript:" i]')];
    const scripts = [...document.querySelectorAll('script')].filter((s) => /^\\s*alert\\(\\d\\)\\s*$/.test(s.textContent));
    return marked.map((e) => e.outerHTML.slice(0, 120)).concat(scripts.map((s) => s.outerHTML.slice(0, 120)));
}"""


# Every page of the navigation, in its order: each is opened below.
PAGES = ["Tableau de bord", "Actions", "Partenaires", "Réseau", "Campagnes", "Couverture", "Comparer", "Synthèse élus", "Données",
         "Mon compte", "Administration"]


def injected(page) -> dict[str, list[str]]:
    """Elements created by a payload, in the page and in each of its frames (by frame URL)."""
    found = {}
    for frame in page.frames:
        elements = frame.evaluate(INJECTED_LIST)
        if elements:
            found[frame.url] = elements
    return found


def frame_text(page, selector: str) -> str:
    """All the text (shown or folded away) of the frame holding `selector`."""
    return frame_with(page, selector).evaluate("() => document.body.textContent")


def open_printable(page, button: str, expected: tuple[str, ...]) -> None:
    """Download a printable HTML page, open it in another tab: its text shown, no dialog, error or injection."""
    with page.expect_download(timeout=60000) as info:
        page.get_by_role("button", name=button).click()
    html = open(info.value.path(), encoding="utf-8").read()
    printable = page.context.new_page()
    events = []
    printable.on("dialog", lambda dialog: (events.append(dialog.message), dialog.dismiss()))
    printable.on("console", lambda message: message.type == "error" and events.append(message.text))
    printable.on("pageerror", lambda error: events.append(str(error)))
    printable.set_content(html)
    printable.wait_for_timeout(300)
    text = printable.evaluate("() => document.body.textContent")
    assert [literal for literal in expected if literal not in text] == []
    assert injected(printable) == {} and events == []
    printable.close()


def check_page(page, watch: Watch, name: str) -> None:
    """No error box, no dialog, no console error, nothing injected; a screenshot."""
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0, name
    assert page.get_by_test_id("stAlertContentError").count() == 0, name
    assert injected(page) == {}, name
    assert watch.dialogs == [], name
    assert watch.console_errors == [], name
    screenshot(page, "surete-" + re.sub(r"[^a-z0-9]+", "-", name.lower()))


def test_script_payloads_are_shown_as_text_everywhere(page, writable_app_url, writable_db_url):
    # Other journeys write to this database too: saved again, the payload partners lead the latest changes.
    engine = make_engine(writable_db_url)
    touch_payload_partners(engine, dt.date.today())
    engine.dispose()
    watch = Watch(page, writable_app_url)
    page.on("pageerror", lambda error: watch.console_errors.append(f"pageerror: {error}"))
    sign_in(page, writable_app_url, ADMIN_EMAIL, PASSWORD)
    choose_council(page, COUNCIL)
    links = page.locator('[data-testid="stSidebarNav"] a')
    assert [links.nth(i).inner_text().strip().splitlines()[-1] for i in range(links.count())] == PAGES

    open_page(page, "Tableau de bord")
    # The saved-again payload partners normally lead « Dernières modifications »; whatever that list shows after
    # the other journeys, nothing in it may be parsed as HTML (check_page). Every later page requires the names.
    latest = page.get_by_test_id("stDataFrame").locator('[role="gridcell"]').filter(has_text=PARTNER_NAMES[0])
    try:
        expect(latest.first).to_be_attached(timeout=15000)
    except AssertionError:
        pass
    check_page(page, watch, "tableau de bord")

    open_page(page, "Partenaires")
    expect_in_grid(page, PARTNER_NAMES[0])
    page.get_by_role("tab", name="Fiche").click()
    choose(page, "Partenaire", "Asso <img")
    expect(page.get_by_role("heading", name=PARTNER_NAMES[0])).to_be_visible()
    expect(page.get_by_text("Association · Associations et autres · siège : Bordeaux", exact=False)).to_be_visible()
    expect_in_grid(page, WEBSITE)
    expect_in_grid(page, f"{SCRIPT} javascript:alert(4) [cliquez](javascript:alert(5))")
    expect_in_grid(page, f"{SVG} · {IMG}")  # contact name and role
    expect_in_grid(page, PARTNER_NAMES[1])  # its link ...
    scroll_grid_right(page, PARTNER_NAMES[1])
    expect_in_grid(page, f"{IMG} javascript:alert(4)")  # ... and the link's note, its last column
    expect_in_grid(page, ACTION_TITLE)  # its action
    check_page(page, watch, "partenaires fiche")

    open_page(page, "Réseau")
    frame, canvas = graph_canvas(page)
    assert canvas["colours"] >= 5, canvas
    text = frame.evaluate("() => document.body.textContent")
    for name in PARTNER_NAMES:
        assert name in text
    assert f"Action commune : {ACTION_TITLE}" in text
    check_page(page, watch, "reseau")

    open_page(page, "Actions")
    expect_in_grid(page, ACTION_TITLE)
    page.get_by_text("Fiche d'une action", exact=True).click()
    wait_for_app(page)
    choose(page, "Action", "Forum <svg")
    sheet = frame_text(page, "p.council")
    expected = (ACTION_TITLE, *PARTNER_NAMES, SCRIPT, "[cliquez](javascript:alert(5))", "javascript:alert(4)")
    assert [literal for literal in expected if literal not in sheet] == []
    open_printable(page, "Fiche imprimable (HTML)", expected)
    page.get_by_role("tab", name="Historique").click()
    expect_in_grid(page, ACTION_TITLE)
    check_page(page, watch, "actions fiche")

    open_page(page, "Couverture")
    page.get_by_role("tab", name="Manques et suggestions").click()
    wait_for_app(page)
    check_page(page, watch, "couverture")

    open_page(page, "Comparer")
    page.get_by_role("tab", name="Qui fait quoi").click()
    choose(page, "Instance", COUNCIL, page.get_by_role("tabpanel", name="Qui fait quoi"))
    choose(page, "Type d'action", "Événement", page.get_by_role("tabpanel", name="Qui fait quoi"))
    expect_in_grid(page, ACTION_TITLE)
    check_page(page, watch, "comparer")

    open_page(page, "Synthèse élus")
    report = frame_text(page, "p.kicker")
    assert ACTION_TITLE in report and PARTNER_NAMES[0] in report  # the action and its pilot
    open_printable(page, "Page HTML", (COUNCIL, ACTION_TITLE, PARTNER_NAMES[0]))
    check_page(page, watch, "synthese elus")

    open_page(page, "Données")
    page.get_by_text("Qualité des données", exact=True).click()
    wait_for_app(page)
    check_page(page, watch, "donnees")

    open_page(page, "Mon compte")
    check_page(page, watch, "mon compte")

    open_page(page, "Administration")
    page.get_by_role("tab", name="Journal").click()
    page.get_by_role("textbox", name="Élément contenant", exact=True).fill("alert")
    page.keyboard.press("Enter")
    for literal in (PARTNER_NAMES[1], ACTION_TITLE):
        expect_in_grid(page, literal)
    check_page(page, watch, "administration")

    assert watch.foreign_requests() == []
    # The markers themselves reached the browser as text at least once (not stripped away).
    assert all(any(literal in name for name in (*PARTNER_NAMES, ACTION_TITLE)) for literal in LITERALS)


def test_network_page_asks_only_its_own_host(page, writable_app_url):
    requests = []
    page.on("request", lambda request: requests.append((request.frame != page.main_frame, request.url)))
    sign_in(page, writable_app_url, COORD_EMAIL, PASSWORD)
    open_page(page, "Réseau")
    headings = [graph_canvas(page)[0].locator("h1").inner_text()]
    # Every scope the page offers, each graph drawn.
    scopes = page.get_by_role("radiogroup", name="Périmètre")
    for scope in ("Réseau", "Territoire"):
        scopes.get_by_text(scope, exact=True).click()
        wait_for_app(page)
        expect(page.get_by_role("radiogroup", name="Périmètre").get_by_role("radio", name=scope)).to_be_checked()
        # The new scope's drawing replaces the previous one once computed (a larger scope takes longer).
        for _ in range(120):
            try:
                heading = graph_canvas(page)[0].locator("h1").inner_text()
            except PlaywrightError:  # the previous frame was replaced while being read: read the new one
                heading = headings[-1]
            if heading not in headings:
                break
            page.wait_for_timeout(500)
        headings.append(heading)
    assert headings[0] == "Réseau de coopération — CLSPD de Bordeaux"
    assert len(set(headings)) == 3, headings
    page.get_by_role("tab", name="Évolution").click()
    wait_for_app(page)
    foreign = [url for _in_frame, url in requests
               if not url.startswith((writable_app_url, "data:", "blob:", "about:"))]
    assert foreign == []
    # The graph's frame (a srcdoc page, with a Content-Security-Policy) loads only vis-network, once, from the
    # app's own static files: nothing else.
    framed = {url for in_frame, url in requests if in_frame and not url.startswith("data:")}
    assert framed and all(url.startswith(writable_app_url) and "/app/static/vis-network-9.1.2." in url
                          for url in framed), framed
    assert any(url.startswith(writable_app_url) for _in_frame, url in requests)
