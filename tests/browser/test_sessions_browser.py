"""Signed in until you sign out, links that open where they point (issue 13), rights re-read at every click
(issue 20, item 3) — in Chromium, against `streamlit run serve.py`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, add_user, disable_user
from maillage.core import make_engine
from models import Action, Council, Partner, SignInSession
from tests.browser.conftest import fill_sign_in, serve, wait_for_app

PASSWORD = "mot-de-passe-sessions"
ACCOUNTS = {
    "admin": "admin.sessions@ville.fr",
    "coordinateur": "coord.sessions@ville.fr",
    "elu": "elu.sessions@ville.fr",
    "reseau": "reseau.sessions@ville.fr",
}


@dataclass
class World:
    url: str
    bordeaux: int
    rochelle: int
    partner: int  # a partner of Bordeaux's partnership
    foreign_partner: int  # seated in La Rochelle, nothing to do with Bordeaux
    action: int  # an action of Bordeaux
    shared_action: int  # an action shared with the network


@pytest.fixture(scope="module")
def world(db_factory) -> World:
    url = db_factory.new("demo")
    engine = make_engine(url)
    with Session(engine) as session:
        add_user(session, SYSTEM, ACCOUNTS["admin"], "admin", password=PASSWORD)
        add_user(session, SYSTEM, ACCOUNTS["coordinateur"], "coordinateur", password=PASSWORD,
                 councils=["CLSPD de Bordeaux"])
        add_user(session, SYSTEM, ACCOUNTS["elu"], "elu", password=PASSWORD, councils=["CLSPD de Bordeaux"])
        add_user(session, SYSTEM, ACCOUNTS["reseau"], "reseau", password=PASSWORD,
                 networks=["Réseau FFSU Nouvelle-Aquitaine"])
        session.commit()
        council = {c.name: c.id for c in session.exec(select(Council))}
        partner = {p.name: p.id for p in session.exec(select(Partner))}
        actions = session.exec(select(Action).order_by(Action.id)).all()
        world = World(
            url=url, bordeaux=council["CLSPD de Bordeaux"],
            rochelle=council["CISPD de l'agglomération de La Rochelle"],
            partner=partner["GIP Bordeaux Métropole Médiation"],
            foreign_partner=partner["Service de prévention spécialisée de La Rochelle"],
            action=next(a.id for a in actions if a.title == "Triporteur numérique d'accès aux droits"),
            shared_action=next(a.id for a in actions if a.shared and a.council_id == council["CLSPD de Bordeaux"]),
        )
    engine.dispose()
    return world


@pytest.fixture(scope="module")
def server(world, tmp_path_factory):
    with serve(world.url, tmp_path_factory.mktemp("streamlit-sessions")) as url:
        yield url


def sign_in_here(page, email: str) -> None:
    """Sign in through the form shown on this page, with this file's password."""
    fill_sign_in(page, email, PASSWORD)


def expect_sign_in_form(page, notice: str | None = None) -> None:
    """The sign-in form is shown (with `notice` if given) and nothing of the app."""
    expect(page.get_by_role("heading", name="Connexion à Maillage")).to_be_visible(timeout=30000)
    if notice:
        expect(page.get_by_text(notice, exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)


def session_cookie(context) -> dict | None:
    """The app's session cookie in this browser, once the page has handed it over."""
    for _ in range(50):
        cookie = next((c for c in context.cookies() if c["name"] == "maillage_session"), None)
        if cookie:
            return cookie
        context.pages[0].wait_for_timeout(200)
    return None


def age_sessions(url: str, hours: float) -> None:
    """Pretend every session was last seen `hours` ago (instead of waiting)."""
    engine = make_engine(url)
    with Session(engine) as session:
        for row in session.exec(select(SignInSession)):
            row.last_seen_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)
            session.add(row)
        session.commit()
    engine.dispose()


def deep_page(world: World, role: str) -> tuple[str, str]:
    """(address, text that proves the page shows exactly that) for each role."""
    if role == "admin":
        return f"/partenaires?instance={world.bordeaux}&partenaire={world.partner}", "GIP Bordeaux Métropole Médiation"
    if role == "coordinateur":
        return f"/actions?instance={world.bordeaux}&action={world.action}", "Triporteur numérique d'accès aux droits"
    if role == "elu":
        return f"/synthese_elus?instance={world.bordeaux}&annee=2025", "2025"
    return f"/actions?action={world.shared_action}", "Fiche"


def expect_deep_page(page, role: str, text: str, address: str) -> None:
    """The page shows the linked thing, and its address still names it."""
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    if role == "admin":
        expect(main.get_by_role("heading", name=text)).to_be_visible(timeout=30000)
    elif role == "elu":
        expect(main.get_by_role("heading", name="Synthèse élus — CLSPD de Bordeaux")).to_be_visible(timeout=30000)
        expect(main.get_by_role("combobox", name="Année")).to_have_value(re.compile("2025"))
    else:
        action = main.get_by_role("combobox", name="Action")
        expect(action).to_be_visible(timeout=30000)
        if role == "coordinateur":
            expect(action).to_have_value(re.compile(re.escape(text)))
    key = address.split("?")[1].split("&")[-1]
    assert key in page.url, (key, page.url)


@pytest.mark.parametrize("role", ["admin", "coordinateur", "elu", "reseau"])
def test_signed_in_until_signed_out(role, world, server, context):
    address, text = deep_page(world, role)
    page = context.new_page()
    # Signed out, a deep address leads to sign-in, then to that address.
    page.goto(server + address)
    expect_sign_in_form(page)
    sign_in_here(page, ACCOUNTS[role])
    expect_deep_page(page, role, text, address)
    assert session_cookie(context) is not None

    # Reload: same page, still signed in.
    page.reload()
    expect_deep_page(page, role, text, address)
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    # A new tab on the same address: same page, no sign-in.
    other = context.new_page()
    other.bring_to_front()
    other.goto(server + address)
    expect_deep_page(other, role, text, address)

    # Sign out in the new tab: the first tab's next action asks to sign in.
    other.get_by_role("button", name="Se déconnecter").click()
    expect_sign_in_form(other, "Vous êtes déconnecté.")
    page.bring_to_front()
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Mon compte").first.click()
    expect_sign_in_form(page, "Votre session a été fermée")

    # Idle expiry: the next click asks to sign in, then comes back to the address.
    page.goto(server + address)
    sign_in_here(page, ACCOUNTS[role])
    expect_deep_page(page, role, text, address)
    age_sessions(world.url, 9)
    page.reload()
    expect_sign_in_form(page, "expiré après 8 h d'inactivité")
    sign_in_here(page, ACCOUNTS[role])
    expect_deep_page(page, role, text, address)
    other.close()
    page.close()


def test_cookie_is_http_only_and_strict(world, server, context):
    page = context.new_page()
    page.goto(server)
    sign_in_here(page, ACCOUNTS["coordinateur"])
    cookie = session_cookie(context)
    assert cookie is not None
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert page.evaluate("document.cookie").find("maillage_session") == -1  # scripts cannot read it
    assert len(cookie["value"]) >= 43


def test_disabled_account_signed_out_at_next_click(world, server, context):
    """Issue 20, item 3: an open browser session of a disabled account ends at its next click."""
    engine = make_engine(world.url)
    with Session(engine) as session:
        add_user(session, SYSTEM, "a.desactiver@ville.fr", "coordinateur", password=PASSWORD,
                 councils=["CLSPD de Bordeaux"])
        session.commit()
    page = context.new_page()
    page.goto(server + f"/partenaires?instance={world.bordeaux}")
    sign_in_here(page, "a.desactiver@ville.fr")
    expect(page.get_by_role("heading", name="Partenaires")).to_be_visible()
    with Session(engine) as session:
        disable_user(session, SYSTEM, "a.desactiver@ville.fr")
        session.commit()
    engine.dispose()
    page.get_by_role("tab", name="Doublons").click()
    expect_sign_in_form(page, "reconnectez-vous")


@pytest.mark.parametrize("kind", ["partner", "coverage", "summary"])
def test_cross_council_links_refused(kind, world, server, context):
    """A coordinator of Bordeaux opens La Rochelle's partner card, coverage cell and summary: refusal, nothing of it."""
    address = {
        "partner": f"/partenaires?partenaire={world.foreign_partner}",
        "coverage": f"/couverture?instance={world.rochelle}&territoire=com%3A17300&colonne=presence_en_ligne",
        "summary": f"/synthese_elus?instance={world.rochelle}&annee=2025",
    }[kind]
    page = context.new_page()
    page.goto(server + address)
    sign_in_here(page, ACCOUNTS["coordinateur"])
    expect(page.get_by_text("Ce lien mène à des données que votre compte ne permet pas de consulter")).to_be_visible()
    body = page.locator("body").inner_text()
    assert "Rochelle" not in body
    assert "Service de prévention spécialisée" not in body
