"""Streamlit's own English words are French in the browser (ui/french_interface.py, docs/french-interface.md).

At 1440×900, as the coordinator of Bordeaux: Partenaires (each tab, a form being typed in, a select box and a
date picker open), Données (the file uploader) and Actions (a multiselect open, a table's toolbar). On each
screen, no English string of the lists Streamlit hard-codes remains in the visible text, the placeholders,
the `aria-label`s or the `title`s. Screenshots in test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import re

from tests.browser.conftest import COORD_EMAIL, PASSWORD, open_page, screenshot, sign_in, wait_for_app
from ui.french_interface import FORBIDDEN_ENGLISH

# Whole values that are English when they stand alone (a text node, an aria-label, a title, a placeholder).
ALONE = ("Upload", "Search", "Open", "Close", "Help", "Copy", "Delete", "day", "month", "year", "dd", "mm/dd",
         "yyyy", "Clear all", "Select...", "Increment", "Decrement", "Selected values", "file upload")
PATTERNS = (r"^Help for ", r"^Remove ", r"\bper file\b", r"\bPress (Enter|Ctrl|⌘)", r"^Upload ", r"^Choose ",
            r"\bstart date$", r"\bend date$", r"^Drag and drop")

# Every text node, aria-label, title and placeholder of the page (and of what is open in it).
COLLECT = """() => {
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
        const value = node.nodeValue.trim();
        const parent = node.parentElement;
        if (!value || !parent || parent.closest('script, style')) continue;
        const style = getComputedStyle(parent);
        if (style.display === 'none' || style.visibility === 'hidden') continue;
        found.push(['texte', value]);
    }
    for (const element of document.querySelectorAll('[aria-label], [title], [placeholder], [aria-placeholder]')) {
        for (const name of ['aria-label', 'title', 'placeholder', 'aria-placeholder']) {
            const value = element.getAttribute(name);
            if (value && value.trim()) found.push([name, value.trim()]);
        }
    }
    return found;
}"""


def english_left(page) -> list[tuple[str, str]]:
    """(where, value) for each English string of Streamlit's that is still on the page."""
    left = []
    for where, value in page.evaluate(COLLECT):
        if (value in ALONE or any(word in value for word in FORBIDDEN_ENGLISH)
                or any(re.search(pattern, value) for pattern in PATTERNS)):
            left.append((where, value))
    return left


def check(page, name: str) -> None:
    """No English left on this screen; a screenshot of it either way."""
    page.wait_for_timeout(300)
    screenshot(page, f"francais-{name}")
    left = english_left(page)
    assert left == [], f"{name} : {left}"


def test_partenaires_tabs_forms_and_pickers_are_french(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, app_url, COORD_EMAIL, PASSWORD)
    open_page(page, "Partenaires")
    check(page, "partenaires-registre")
    # The table's toolbar (search, download, full screen, columns) appears when the pointer is over it.
    page.locator('[data-testid="stDataFrame"]').first.hover()
    page.wait_for_timeout(500)
    check(page, "partenaires-registre-barre")
    for tab in ("Fiche", "Doublons", "Nouveau partenaire"):
        page.get_by_role("tab", name=tab).click()
        wait_for_app(page)
        check(page, f"partenaires-{tab.lower().replace(' ', '-')}")
    # Typing in a form shows « Press Enter to submit form » in English without the layer.
    form = page.locator('[data-testid="stForm"]:visible').first
    form.get_by_label("Nom *").fill("Structure d'essai")
    page.wait_for_timeout(300)
    assert form.get_by_text("Appuyez sur Entrée pour envoyer le formulaire").count() >= 1
    check(page, "partenaires-saisie")
    # The typology select box, open.
    form.get_by_role("combobox", name="Typologie *").click()
    page.wait_for_timeout(300)
    check(page, "partenaires-typologie-ouverte")
    options = page.get_by_role("option").all_inner_texts()
    assert options[:2] == ["Commune", "Intercommunalité (EPCI)"], options  # labels, never « (MUNI) »
    assert not any(re.search(r"\([A-Z_]+\)$", option) and option != "Intercommunalité (EPCI)" for option in options)
    page.keyboard.type("adolesc")
    page.wait_for_timeout(300)
    assert page.get_by_role("option").all_inner_texts() == ["Maison des adolescents"]
    page.keyboard.press("Escape")
    # The date picker, open: French month and day names come from the browser, the buttons from the layer.
    date_field = form.locator('[data-testid="stDateInput"]').first
    segments = date_field.locator('[role="spinbutton"]')
    today = dt.date.today()
    # A new card counts as verified today (issue 17): the field starts on today's date, else on the placeholders.
    assert segments.all_inner_texts() in (["jj", "mm", "aaaa"], [f"{today:%d}", f"{today:%m}", f"{today:%Y}"])
    assert [segments.nth(i).get_attribute("aria-label") for i in range(3)] == [
        "jour, Fiche vérifiée le", "mois, Fiche vérifiée le", "année, Fiche vérifiée le"]
    # Typing a date still works over the French placeholders.
    segments.first.click()
    page.keyboard.type("05032026")
    page.wait_for_timeout(300)
    assert segments.all_inner_texts() == ["05", "03", "2026"]
    date_field.get_by_test_id("stDateInputCalendarButton").click()
    page.wait_for_timeout(500)
    check(page, "partenaires-calendrier")
    page.keyboard.press("Escape")


def test_donnees_file_uploader_is_french(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, app_url, COORD_EMAIL, PASSWORD)
    open_page(page, "Données")
    uploader = page.locator('[data-testid="stFileUploader"]').first
    uploader.wait_for()
    text = uploader.inner_text()
    assert "Parcourir" in text and "200 Mo par fichier" in text, text
    check(page, "donnees-import")


def test_actions_filters_and_table_are_french(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, app_url, COORD_EMAIL, PASSWORD)
    open_page(page, "Actions")
    check(page, "actions-liste")
    # A multiselect, open: « Select all » is Streamlit's first option.
    page.get_by_role("combobox", name="Types d'action", exact=True).click()
    page.wait_for_timeout(400)
    assert page.get_by_role("option", name="Tout sélectionner").count() == 1
    check(page, "actions-types-ouverts")
    page.keyboard.press("Escape")
    if page.locator('[data-testid="stDataFrame"]').count():
        page.locator('[data-testid="stDataFrame"]').first.hover()
        page.wait_for_timeout(500)
        check(page, "actions-tableau-barre")


def test_every_page_is_french_for_an_administrator(page, app_url):
    """Each page of the menu as it opens (administrator: every page), at 1440×900."""
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, app_url)
    links = page.locator('[data-testid="stSidebarNav"] a')
    titles = [links.nth(i).inner_text().strip().splitlines()[-1] for i in range(links.count())]
    assert len(titles) >= 10
    left = {}
    for title in titles:
        open_page(page, title)
        page.wait_for_timeout(500)
        found = english_left(page)
        if found:
            left[title] = found
    assert left == {}


def test_every_page_is_french_on_a_phone(page, app_url):
    """Each page of the menu opened by its address on a 390 px phone (the sidebar folded, its button French)."""
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, app_url)
    links = page.locator('[data-testid="stSidebarNav"] a')
    addresses = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(addresses) >= 10
    page.set_viewport_size({"width": 390, "height": 844})
    left = {}
    for address in addresses:
        page.goto(address if address.startswith("http") else f"{app_url}/{address.lstrip('/')}")
        page.wait_for_selector('[data-testid="stMain"] h1', timeout=60000)  # the page has run, not its skeleton
        wait_for_app(page)
        page.wait_for_timeout(500)
        found = english_left(page)
        if found:
            left[address] = found
    screenshot(page, "francais-telephone-derniere-page")
    assert page.get_by_role("heading", name="Administration").count() >= 1  # the last page really opened
    assert left == {}
