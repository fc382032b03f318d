"""Each role's home in real Chromium at 1440×900: what they land on, with a screenshot in test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from maillage.accounts import SYSTEM, add_user
from maillage.core import make_engine
from tests.browser.conftest import ARTIFACTS, PASSWORD, serve, sign_in, wait_for_app

ACCOUNTS = {
    "coordinateur": ("coord.creonnais@ville.fr", {"councils": ["CISPD du Créonnais", "CLSPD de Bordeaux"]}),
    "elu": ("elu.merignac@ville.fr", {"councils": ["CLSPD de Mérignac"]}),
    "reseau": ("membre.ffsu@ville.fr", {"networks": ["Réseau FFSU Nouvelle-Aquitaine"]}),
    "admin": ("admin.accueil@ville.fr", {}),
}


@pytest.fixture(scope="module")
def homes_url(db_factory, tmp_path_factory):
    """A demo database with one account per role, served."""
    url = db_factory.new("demo")
    engine = make_engine(url)
    with Session(engine) as session:
        for role, (email, scope) in ACCOUNTS.items():
            add_user(session, SYSTEM, email, role, password=PASSWORD, **scope)
        session.commit()
    engine.dispose()
    with serve(url, tmp_path_factory.mktemp("streamlit-homes")) as served:
        yield served


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_home_of_each_role(page, homes_url, role):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, homes_url, ACCOUNTS[role][0], PASSWORD)
    main = page.locator('[data-testid="stMain"]')
    assert page.locator('[data-testid="stException"]').count() == 0
    if role in ("coordinateur", "admin"):
        page.get_by_role("heading", name=re.compile("^Tableau de bord — ")).wait_for()
        page.get_by_role("heading", name="À faire").wait_for()
        headings = [h.strip() for h in main.locator("h3").all_inner_texts()]
        assert headings[0] == "À faire"
        assert main.get_by_text(re.compile("^Prochaine")).count() >= 1
    elif role == "reseau":
        page.get_by_role("heading", name=re.compile("^Comparer — ")).wait_for()
        assert page.get_by_test_id("stSidebar").get_by_role("combobox", name="Instance").count() == 0
        expect(main.get_by_role("link", name="Voir toutes les actions partagées de vos réseaux")).to_have_count(1)
        page.locator('[data-testid="stDataFrame"] [role="gridcell"]').first.wait_for(state="attached", timeout=30000)
        page.wait_for_timeout(1500)  # the canvas draws after its cells are attached
    else:  # the elected official lands on the summary; their dashboard has no to-do and no journal
        page.get_by_role("heading", name=re.compile("^Synthèse élus — ")).wait_for()
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Tableau de bord").first.click()
        page.get_by_role("heading", name=re.compile("^Tableau de bord — CLSPD de Mérignac")).wait_for()
        page.get_by_role("heading", name="En bref").wait_for()
        headings = [h.strip() for h in main.locator("h3").all_inner_texts()]
        assert "À faire" not in headings and "Dernières modifications" not in headings
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"accueil-{role}-1440x900.png"))
    if role == "coordinateur":  # a to-do link opens the card it names, on the right council
        link = main.get_by_role("link", name=re.compile(r"\((jamais vérifiée|vérifiée le )")).first
        name = link.inner_text().strip().splitlines()[-1].rsplit(" (", 1)[0].strip()  # after the icon's name
        link.click()
        wait_for_app(page)
        page.get_by_role("heading", name=name).wait_for(timeout=30000)
        assert "partenaire=" in page.url and page.locator('[data-testid="stException"]').count() == 0
