"""A coordinator's journey in real Chromium: add a partner, find it in the register and the network graph, link
it, run an action with it where the coverage frame shows a gap, and see the gap covered.

Runs on the writable server (its own demo database). The gap: the CLSPD de Bordeaux expects a screen-free
challenge for children in every commune over 5,000 inhabitants (data/demo/referentiel.csv) and no demo
action provides one in Bordeaux (33063).
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import (
    COORD_EMAIL,
    GRID_CELLS,
    PASSWORD,
    Watch,
    choose,
    expect_in_grid,
    graph_canvas,
    grid_texts,
    open_page,
    screenshot,
    sign_in,
    wait_for_app,
)

NAME = "Association Parcours Navigateur"
OTHER = "Aquitanis"
ACTION = "Défi sans écran des écoles (parcours navigateur)"
CELL = "Bordeaux (33063) × Défi sans écran"


def _cell_status(page) -> str:
    """The sentence under « Détail d'une cellule » for Bordeaux × Défi sans écran."""
    choose(page, "Colonne", "Défi sans écran")
    sentence = page.locator('[data-testid="stMarkdownContainer"] p').filter(has_text=CELL)
    expect(sentence).to_have_count(1, timeout=30000)
    return sentence.inner_text()


def test_add_partner_link_it_and_cover_a_gap(page, writable_app_url):
    watch = Watch(page, writable_app_url)
    sign_in(page, writable_app_url, COORD_EMAIL, PASSWORD)

    # The gap, before.
    open_page(page, "Couverture")
    assert _cell_status(page).endswith(": Manquant.")

    # 1. Add a partner; a script URL as its website is refused in French, then a real one is accepted.
    open_page(page, "Partenaires")
    page.get_by_role("tab", name="Nouveau partenaire").click()
    page.get_by_role("textbox", name="Nom *", exact=True).fill(NAME)
    choose(page, "Typologie *", "Association")
    choose(page, "Commune du siège *", "Bordeaux (33063)")
    page.get_by_role("textbox", name="Site web", exact=True).fill("javascript:alert(4)")
    page.get_by_role("button", name="Ajouter le partenaire").click()
    refusal = page.get_by_test_id("stAlertContentError")
    expect(refusal).to_contain_text("Site web : « javascript:alert(4) » n'est pas une adresse web valide", timeout=30000)
    page.get_by_role("textbox", name="Site web", exact=True).fill("https://parcours.example.fr")
    page.get_by_role("button", name="Ajouter le partenaire").click()
    expect(page.get_by_text(f"« {NAME} » est ajouté au registre.")).to_be_visible(timeout=30000)
    wait_for_app(page)
    # Its detail opens on the Fiche tab.
    expect(page.get_by_role("tab", name="Fiche", selected=True)).to_be_visible()
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()
    expect_in_grid(page, "https://parcours.example.fr")

    # 2. Link it to another partner from its detail.
    page.get_by_text("Ajouter un lien dans l'instance sélectionnée").click()
    choose(page, "Partenaire lié", OTHER)
    choose(page, "Nature", "Convention")
    choose(page, "Niveau", "3 — Coopération")
    page.get_by_role("button", name="Ajouter le lien").click()
    expect(page.get_by_text("Lien ajouté.")).to_be_visible(timeout=30000)
    wait_for_app(page)
    expect_in_grid(page, "3 — Coopération")
    cells = grid_texts(page)
    start = cells.index(OTHER)
    assert cells[start:start + 2] == [OTHER, "Convention"]
    assert "CLSPD de Bordeaux" in cells[start:start + 8]
    screenshot(page, "parcours-partenaire-lien")

    # In the register, by a search.
    page.get_by_role("tab", name="Registre").click()
    page.get_by_role("textbox", name="Rechercher", exact=True).fill("parcours navigateur")
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile(r"^1 partenaire sur "))).to_be_visible(timeout=30000)
    expect(page.locator(GRID_CELLS).first).to_have_text(NAME, timeout=30000)
    assert grid_texts(page)[:4] == [NAME, "Association", "Associations et autres", "Bordeaux"]

    # In the network graph: a node, its link in the text version, and a drawn (not blank) canvas.
    open_page(page, "Réseau")
    frame, canvas = graph_canvas(page)
    assert canvas["colours"] >= 5 and canvas["inked"] > 500, canvas
    points = frame.locator("details.text-version li")
    assert points.filter(has_text=re.compile(rf"^{re.escape(NAME)} · Association")).count() == 1
    edge = points.filter(has_text=NAME).filter(has_text=OTHER)
    expect(edge).to_have_count(1)
    assert "Convention — niveau 3" in edge.text_content()
    screenshot(page, "parcours-reseau")

    # 3. An action with it, in Bordeaux, for children: the gap turns covered.
    open_page(page, "Actions")
    page.get_by_text("Nouvelle action", exact=True).click()
    wait_for_app(page)
    page.get_by_role("textbox", name="Titre *", exact=True).fill(ACTION)
    choose(page, "Type d'action *", "Défi sans écran")
    choose(page, "Statut *", "En cours")
    choose(page, "Territoires couverts *", "Bordeaux (commune 33063)")
    page.keyboard.press("Escape")
    choose(page, "Publics *", "Enfants (6-11 ans)")
    page.keyboard.press("Escape")
    choose(page, "Ajouter un partenaire", NAME)
    page.get_by_role("button", name="Ajouter", exact=True).click()
    # Added once the picker is empty again (the rerun is over: a loaded machine is slow).
    picker = page.get_by_test_id("stSelectbox").filter(has_text="Ajouter un partenaire")
    expect(picker).to_have_count(1)
    expect(picker.get_by_text(NAME)).to_have_count(0, timeout=30000)
    wait_for_app(page)
    page.get_by_role("button", name="Créer l'action").click()
    expect(page.get_by_text(f"Action « {ACTION} » créée.")).to_be_visible(timeout=30000)
    wait_for_app(page)
    # Its sheet names the partner as pilot.
    sheet = page.frame_locator("iframe").first
    expect(sheet.get_by_role("heading", name=ACTION)).to_be_visible(timeout=30000)
    expect(sheet.get_by_role("row").filter(has_text=NAME)).to_contain_text("Pilote")

    open_page(page, "Couverture")
    assert _cell_status(page).endswith(": Couvert.")
    expect_in_grid(page, ACTION)
    screenshot(page, "parcours-couverture")

    assert watch.dialogs == []
    assert watch.console_errors == []
    assert watch.foreign_requests() == []
