"""In Chromium: an action « En cours » starting in the future is questioned under the save button, with the fix
proposed; one click moves it to « En projet » and saves it (issue 17). Runs on the writable server."""

import datetime as dt

from playwright.sync_api import expect

from tests.browser.conftest import (
    COORD_EMAIL,
    PASSWORD,
    Watch,
    choose,
    open_page,
    screenshot,
    sign_in,
    wait_for_app,
)

ACTION = "Formation des professionnels du printemps (contrôle des dates)"
PARTNER = "Ville de Bordeaux"


def test_running_action_starting_later_is_questioned_then_fixed(page, writable_app_url):
    watch = Watch(page, writable_app_url)
    sign_in(page, writable_app_url, COORD_EMAIL, PASSWORD)
    start = dt.date.today() + dt.timedelta(days=60)

    open_page(page, "Actions")
    page.get_by_text("Nouvelle action", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_role("checkbox", name="Partager avec les réseaux de l'instance")).to_be_checked()
    page.get_by_role("textbox", name="Titre *", exact=True).fill(ACTION)
    choose(page, "Type d'action *", "Formation des professionnels")  # not the gap the partner journey fills
    choose(page, "Statut *", "En cours")
    # The date field is three spin buttons (day, month, year): type the digits from the day on.
    page.get_by_role("spinbutton", name="jour, Début *").click()
    page.keyboard.type(f"{start:%d%m%Y}")
    page.keyboard.press("Tab")
    wait_for_app(page)
    expect(page.locator('[data-testid="stDateInput"]').filter(has_text="Début").locator('input[type="date"]')) \
        .to_have_value(start.isoformat())
    choose(page, "Territoires couverts *", "Bordeaux (commune 33063)")
    page.keyboard.press("Escape")
    choose(page, "Publics *", "Enfants (6-11 ans)")
    page.keyboard.press("Escape")
    choose(page, "Ajouter un partenaire", PARTNER)
    page.get_by_role("button", name="Ajouter", exact=True).click()
    wait_for_app(page)
    page.get_by_role("button", name="Créer l'action").click()
    wait_for_app(page)

    warning = page.get_by_text(f"L'action est « En cours » mais ne commence que le {start:%d/%m/%Y}")
    expect(warning).to_be_visible(timeout=30000)
    fix = page.get_by_role("button", name="Passer au statut « En projet » et enregistrer")
    expect(fix).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer tel quel")).to_be_visible()
    warning.scroll_into_view_if_needed()
    screenshot(page, "action-statut-contredit-par-les-dates")

    fix.click()
    expect(page.get_by_text(f"Action « {ACTION} » créée.")).to_be_visible(timeout=30000)
    wait_for_app(page)
    sheet = page.frame_locator("iframe").first
    expect(sheet.get_by_text("En projet").first).to_be_visible(timeout=30000)

    assert watch.dialogs == []
    assert watch.console_errors == []
    assert watch.foreign_requests() == []
