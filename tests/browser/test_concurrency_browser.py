"""Two browsers edit the same partner: the second to save is told, in French, who changed it meanwhile, its
changes are not written, the form reopens on the current values, and redoing the change saves it.
Runs on the writable server."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    ADMIN_EMAIL,
    COORD_EMAIL,
    PASSWORD,
    Watch,
    choose,
    choose_council,
    expect_in_grid,
    open_page,
    screenshot,
    sign_in,
    wait_for_app,
)

PARTNER = "Centre social de Bordeaux Nord"
FIRST = "Permanence numérique le mercredi (saisie de l'administrateur)"
SECOND = "Permanence numérique le jeudi (saisie de la coordinatrice)"


@pytest.fixture
def second_page(browser, browser_context_args):
    """A page in a second, separate browser context (its own cookies and session)."""
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()


def _open_edit_form(page) -> None:
    """Partenaires › Fiche of PARTNER › Modifier la fiche."""
    open_page(page, "Partenaires")
    page.get_by_role("tab", name="Fiche").click()
    choose(page, "Partenaire", PARTNER)
    expect(page.get_by_role("heading", name=PARTNER)).to_be_visible()
    page.get_by_role("button", name="Modifier la fiche").click()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Enregistrer les modifications")).to_be_visible()


def _save_notes(page, notes: str) -> None:
    """Type the notes in the open edit form and save."""
    page.get_by_role("textbox", name="Notes", exact=True).fill(notes)
    page.get_by_role("button", name="Enregistrer les modifications").click()


def test_second_browser_is_told_the_partner_changed(page, second_page, writable_app_url):
    watches = [Watch(page, writable_app_url), Watch(second_page, writable_app_url)]
    sign_in(page, writable_app_url, ADMIN_EMAIL, PASSWORD)
    choose_council(page, "CLSPD de Bordeaux")
    sign_in(second_page, writable_app_url, COORD_EMAIL, PASSWORD)
    _open_edit_form(page)
    _open_edit_form(second_page)

    _save_notes(page, FIRST)
    expect(page.get_by_text(f"« {PARTNER} » est enregistré.")).to_be_visible(timeout=30000)

    _save_notes(second_page, SECOND)
    message = second_page.get_by_test_id("stAlertContentError")
    author = re.escape(ADMIN_EMAIL).replace("@", "@\u2060?")  # md() keeps an address from becoming a link
    expect(message).to_contain_text(re.compile(
        rf"« {PARTNER} » a été modifié par {author} le \d\d/\d\d/\d{{4}} à \d+ h \d\d pendant que "
        "vous l'éditiez : vos changements n'ont pas été enregistrés."), timeout=30000)
    wait_for_app(second_page)
    screenshot(second_page, "conflit-partenaire")
    # The record holds the first save: the second browser's detail and reopened form now show it ...
    expect_in_grid(second_page, FIRST)
    expect(second_page.get_by_role("textbox", name="Notes", exact=True)).to_have_value(FIRST)
    # ... and its person can redo the change, which is saved this time.
    _save_notes(second_page, SECOND)
    expect(second_page.get_by_text(f"« {PARTNER} » est enregistré.")).to_be_visible(timeout=30000)
    wait_for_app(second_page)
    expect_in_grid(second_page, SECOND)
    for watch in watches:
        assert watch.dialogs == [] and watch.console_errors == []
