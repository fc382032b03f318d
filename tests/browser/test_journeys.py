"""Journeys in real Chromium: sign in, open every page with no error box, screenshots."""

import re

from tests.browser.conftest import (
    COORD_EMAIL,
    PASSWORD,
    screenshot,
    sign_in,
    wait_for_app,
)


def _nav_links(page):
    return page.locator('[data-testid="stSidebarNav"] a')


def test_wrong_password_then_sign_in(page, app_url, watch):
    page.goto(app_url)
    page.get_by_label("Adresse e-mail").fill(COORD_EMAIL)
    page.get_by_label("Mot de passe", exact=True).fill("mauvais")
    page.get_by_role("button", name="Se connecter", exact=True).click()
    page.get_by_text("Adresse e-mail ou mot de passe incorrect.").wait_for()
    screenshot(page, "connexion-erreur")
    sign_in(page, app_url, COORD_EMAIL, PASSWORD)
    page.get_by_role("heading", name=re.compile("Tableau de bord — CLSPD de Bordeaux")).wait_for()
    assert watch.dialogs == []


def test_every_page_opens_without_error(page, app_url, watch):
    sign_in(page, app_url)
    links = _nav_links(page)
    titles = [links.nth(i).inner_text().strip().splitlines()[-1] for i in range(links.count())]
    assert "Tableau de bord" in titles and "Administration" in titles
    for title in titles:
        _nav_links(page).filter(has_text=title).first.click()
        wait_for_app(page)
        assert page.locator('[data-testid="stException"]').count() == 0, title
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0, title
        screenshot(page, "page-" + re.sub(r"[^a-z0-9]+", "-", title.lower()))
    assert watch.dialogs == []
    assert watch.foreign_requests() == []


def test_page_language_is_french(page, app_url):
    page.goto(app_url)
    page.get_by_label("Adresse e-mail").wait_for()
    page.wait_for_function("() => document.documentElement.lang === 'fr'", timeout=10000)
