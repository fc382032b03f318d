"""Addresses that keep what a screen shows (issue 13): a coverage cell and a network scope and year come back
after a reload and in a new tab, « Copier le lien » copies exactly that address, and the deep pages read on a
390 px phone — in Chromium, against `streamlit run serve.py`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, add_user
from maillage.core import make_engine
from models import Action, Council, Partner
from tests.browser.conftest import choose, fill_sign_in, option_texts, screenshot, serve, wait_for_app

PASSWORD = "mot-de-passe-adresses"
COORD = "coord.rochelle@ville.fr"
ROCHELLE = "CISPD de l'agglomération de La Rochelle"


@dataclass
class World:
    url: str
    rochelle: int
    partner: int
    action: int


@pytest.fixture(scope="module")
def world(db_factory) -> World:
    url = db_factory.new("demo")
    engine = make_engine(url)
    with Session(engine) as session:
        add_user(session, SYSTEM, COORD, "coordinateur", password=PASSWORD, councils=[ROCHELLE])
        session.commit()
        council = session.exec(select(Council).where(Council.name == ROCHELLE)).one()
        partner = session.exec(select(Partner).where(
            Partner.name == "Service de prévention spécialisée de La Rochelle")).one()
        action = session.exec(select(Action).where(Action.council_id == council.id).order_by(Action.id)).first()
        world = World(url=url, rochelle=council.id, partner=partner.id, action=action.id)
    engine.dispose()
    return world


@pytest.fixture(scope="module")
def server(world, tmp_path_factory):
    with serve(world.url, tmp_path_factory.mktemp("streamlit-addresses")) as url:
        yield url


def sign_in_here(page, email: str) -> None:
    """Sign in through the form shown on this page, with this file's password."""
    fill_sign_in(page, email, PASSWORD)


def query(page) -> dict[str, str]:
    """The page's address parameters."""
    return {key: values[0] for key, values in parse_qs(urlparse(page.url).query).items()}


def combobox_value(page, label: str) -> str:
    """What a select box of the main area shows."""
    box = page.get_by_test_id("stMain").get_by_role("combobox", name=label, exact=True)
    expect(box).to_be_visible(timeout=30000)
    return box.input_value()


def expect_same_cell(page, territory: str, column: str) -> None:
    """The coverage page shows the detail of that cell."""
    wait_for_app(page)
    expect(page.get_by_test_id("stMain").get_by_role("combobox", name="Territoire", exact=True)).to_have_value(
        territory, timeout=30000)
    expect(page.get_by_test_id("stMain").get_by_role("combobox", name="Colonne", exact=True)).to_have_value(column)
    expect(page.get_by_text(f"{territory} × {column}", exact=False)).to_be_visible()


def test_coverage_cell_reopens_after_reload_new_tab_and_copied_link(world, server, browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    page.goto(server + "/couverture")
    sign_in_here(page, COORD)
    expect(page.get_by_role("heading", name=re.compile("^Couverture — CISPD"))).to_be_visible(timeout=30000)
    choose(page, "Territoire", "Aytré", page.get_by_test_id("stMain"))
    options = option_texts(page, "Colonne", page.get_by_test_id("stMain"))
    column = options[-1].strip()  # not the cell the page opens by itself
    choose(page, "Colonne", column, page.get_by_test_id("stMain"))
    territory = combobox_value(page, "Territoire")
    assert territory.startswith("Aytré")
    expect_same_cell(page, territory, column)
    page.wait_for_function("() => location.search.includes('colonne=')", timeout=30000)
    address = page.url
    params = query(page)
    assert params["instance"] == str(world.rochelle) and params["territoire"].startswith("com:")

    # « Copier le lien » copies the address that shows this cell.
    page.get_by_role("button", name="Copier le lien").click()
    expect(page.get_by_role("button", name="Lien copié")).to_be_visible(timeout=10000)
    assert page.evaluate("navigator.clipboard.readText()") == address
    screenshot(page, "adresse-couverture-cellule-1440")

    page.reload()
    expect_same_cell(page, territory, column)
    assert query(page)["colonne"] == params["colonne"]

    other = context.new_page()
    other.goto(address)
    expect_same_cell(other, territory, column)
    context.close()


def test_network_scope_and_year_come_back(world, server, browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(server + "/reseau")
    sign_in_here(page, COORD)
    expect(page.get_by_role("heading", name="Réseau")).to_be_visible(timeout=30000)
    page.get_by_test_id("stMain").get_by_test_id("stRadio").get_by_text("Réseau", exact=True).click()
    wait_for_app(page)
    page.get_by_text("Filtres", exact=True).click()
    year = str(dt.date.today().year - 1)  # offered: from the oldest dated link or action to this year
    choose(page, "Le réseau en", year, page.get_by_test_id("stMain"))
    page.wait_for_function(f"() => location.search.includes('annee={year}')", timeout=30000)
    params = query(page)
    assert params["perimetre"] == "reseau" and params["annee"] == year and params["reseau"].isdigit()
    address = page.url

    def expect_same_view(view) -> None:
        wait_for_app(view)
        main = view.get_by_test_id("stMain")
        expect(main.get_by_role("radio", name="Réseau", exact=True)).to_be_checked(timeout=30000)
        view.get_by_text("Filtres", exact=True).click()
        expect(main.get_by_role("combobox", name="Le réseau en", exact=True)).to_have_value(year)

    page.reload()
    expect_same_view(page)
    other = context.new_page()
    other.goto(address)
    expect_same_view(other)
    screenshot(other, "adresse-reseau-annee-1440")
    context.close()


@pytest.mark.parametrize("kind", ["partner", "action", "coverage", "summary"])
def test_deep_pages_on_a_phone(kind, world, server, browser):
    """A link opened on a 390 px phone shows that thing, without a page wider than the screen."""
    address, text = {
        "partner": (f"/partenaires?instance={world.rochelle}&partenaire={world.partner}",
                    "Service de prévention spécialisée de La Rochelle"),
        "action": (f"/actions?instance={world.rochelle}&action={world.action}", None),
        "coverage": (f"/couverture?instance={world.rochelle}", "Détail d'une cellule"),
        "summary": (f"/synthese_elus?instance={world.rochelle}&annee=2025", "Synthèse élus"),
    }[kind]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.goto(server + address)
    sign_in_here(page, COORD)
    main = page.get_by_test_id("stMain")
    if text is None:
        expect(main.get_by_role("combobox", name="Action", exact=True)).to_be_visible(timeout=30000)
    else:
        expect(main.get_by_text(text, exact=False).first).to_be_visible(timeout=30000)
    page.wait_for_timeout(1000)
    screenshot(page, f"adresse-telephone-{kind}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, f"la page fait {width} px de large sur un écran de 390 px"
    context.close()
