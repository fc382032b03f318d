"""Campaign journeys in Chromium, on their own server and database.

A coordinator opens a campaign for 3 partners and copies one link; the partner (a second browser context, not
signed in, 390 px wide) corrects its contact, declares two links with levels and submits; the coordinator
accepts one link and rejects the other; the card and the network change; the journal says « déclaré par le
partenaire ». Safety: expired, revoked, tampered and closed-campaign links get the same refusal; a valid link
reaches no other page; script payloads in an answer are shown as text to the reviewer; no token in the logs.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from maillage.accounts import SYSTEM
from maillage.campaigns import (
    REFUSAL,
    LinkAnswer,
    close_campaign,
    open_campaign,
    open_form,
    paris_day,
    revoke_link,
    save_answer,
)
from maillage.core import make_engine, session_scope
from maillage.partners import partnership_ids
from models import AuditEntry, CooperationLink, Council, Partner
from tests.browser.conftest import (
    ADMIN_EMAIL,
    COORD_EMAIL,
    PASSWORD,
    Watch,
    _add_accounts,
    choose,
    expect_in_grid,
    open_page,
    screenshot,
    serve,
    sign_in,
    wait_for_app,
)
from tests.browser.payloads import IMG, SCRIPT, SVG

COUNCIL = "CLSPD de Bordeaux"
ASKED = ("CAF de la Gironde", "Ville de Bordeaux", "GIP Bordeaux Métropole Médiation")
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "fr-FR", "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def campaign_db(db_factory):
    """A demo database where exactly three Bordeaux partners have a card unchecked for 12 months."""
    url = db_factory.new("demo")
    _add_accounts(url)
    engine = make_engine(url)
    with Session(engine) as session:
        council = session.exec(select(Council).where(Council.name == COUNCIL)).one()
        for partner in session.exec(select(Partner).where(Partner.id.in_(partnership_ids(session, council.id)))):
            partner.verified_on = None if partner.name in ASKED else paris_day()
            session.add(partner)
        session.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def campaign_server(campaign_db, tmp_path_factory):
    """The app on that database; its log directory is kept to look for tokens."""
    log_dir = tmp_path_factory.mktemp("streamlit-campaigns")
    with serve(campaign_db, log_dir) as url:
        yield url, log_dir, campaign_db


@pytest.fixture
def phone(browser):
    """A separate browser context, 390 px wide, signed in as nobody."""
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


def _linked(url: str, a: str, b: str) -> list[tuple[str, int, bool]]:
    """(kind, level, active) of the links between two named partners."""
    engine = make_engine(url)
    with Session(engine) as session:
        ids = [session.exec(select(Partner.id).where(Partner.name == name)).one() for name in (a, b)]
        first, second = sorted(ids)
        links = session.exec(select(CooperationLink).where(CooperationLink.partner_a_id == first,
                                                           CooperationLink.partner_b_id == second)).all()
        found = [(l.kind, l.level, l.end_date is None) for l in links]
    engine.dispose()
    return sorted(found)


def _partner_row(url: str, name: str) -> Partner:
    engine = make_engine(url)
    with Session(engine) as session:
        partner = session.exec(select(Partner).where(Partner.name == name)).one()
        session.expunge(partner)
    engine.dispose()
    return partner


def _pick(page, label: str, option: str) -> None:
    """Add `option` to the multiselect labelled `label`."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option").filter(has_text=option).first.click(timeout=10000)
    page.keyboard.press("Escape")
    wait_for_app(page)


def test_campaign_from_opening_to_review(page, phone, browser, campaign_server):
    url, log_dir, db = campaign_server
    coordinator, partner_watch = Watch(page, url), Watch(phone, url)
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, url, COORD_EMAIL, PASSWORD)
    open_page(page, "Campagnes")
    page.get_by_label("Titre", exact=True).fill("Plénière de décembre")
    page.get_by_test_id("stRadioGroup").get_by_text("Fiches non vérifiées depuis 12 mois").click()
    page.get_by_role("button", name="Ouvrir la campagne et créer les liens").click()
    wait_for_app(page)
    expect(page.get_by_text("Ces liens ne sont affichés qu'une fois")).to_be_visible(timeout=30000)
    expanders = page.get_by_test_id("stExpander")
    expect(page.get_by_test_id("stCode")).to_have_count(3, timeout=30000)
    wait_for_app(page)
    screenshot(page, "campagne-liens")
    # The coordinator copies the CAF's link (its message, with the link, is in the CAF's section).
    caf_section = expanders.filter(has_text="CAF de la Gironde")
    caf_body = caf_section.get_by_test_id("stCode").text_content()
    link = re.search(r"https?://\S+\?campagne=[A-Za-z0-9_-]+", caf_body).group(0)
    token = link.split("=", 1)[1]
    assert len(token) >= 43 and link.startswith(url)

    # The partner, on a phone, without an account.
    phone.goto(link)
    wait_for_app(phone)
    expect(phone.get_by_role("heading", name="Votre fiche partenaire")).to_be_visible()
    expect(phone.get_by_text("CAF de la Gironde").first).to_be_visible()
    assert phone.get_by_test_id("stSidebarNav").count() == 0
    phone.get_by_label("Courriel professionnel du contact").fill("promeneurs@caf-gironde.fr")
    phone.keyboard.press("Tab")
    wait_for_app(phone)
    for other in ("Ville de Bordeaux", "GIP Bordeaux Métropole Médiation"):
        chosen = phone.get_by_role("combobox", name="Partenaires avec qui vous travaillez", exact=True)
        if phone.get_by_text(f"À quel point travaillez-vous avec {other}").count() == 0:
            _pick(phone, "Partenaires avec qui vous travaillez", other)
        assert chosen.count() == 1
    for other, kind, level in (("Ville de Bordeaux", "Gouvernance", "On construit ensemble"),
                               ("GIP Bordeaux Métropole Médiation", "Orientation", "On coordonne nos activités")):
        box = phone.get_by_role("combobox", name=re.compile(rf"^Nature du lien avec {re.escape(other)}"))
        box.click()
        phone.keyboard.type(kind)
        phone.get_by_role("option").filter(has_text=kind).first.click()
        phone.keyboard.press("Escape")
        wait_for_app(phone)
        levels = phone.get_by_role("radiogroup", name=re.compile(rf"^À quel point travaillez-vous avec {re.escape(other)}"))
        levels.get_by_text(level).first.click()
        wait_for_app(phone)
    screenshot(phone, "campagne-partenaire-390")
    phone.get_by_role("button", name="Envoyer ma réponse").click()
    wait_for_app(phone)
    error = phone.get_by_test_id("stAlertContentError")
    assert error.count() == 0, error.all_text_contents()
    expect(phone.get_by_text("Votre réponse a été envoyée le")).to_be_visible(timeout=60000)
    screenshot(phone, "campagne-partenaire-envoyee-390")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"la page déborde horizontalement ({width} px)"

    # The coordinator reviews: accepts the contact, the verification and one link, rejects the other.
    open_page(page, "Tableau de bord")
    expect(page.get_by_role("heading", name="Campagne de mise à jour", exact=True)).to_be_visible()
    screenshot(page, "campagne-tableau-de-bord")
    open_page(page, "Campagnes")
    page.get_by_role("tab", name="Réponses à examiner").click()
    wait_for_app(page)
    before = _linked(db, "CAF de la Gironde", "GIP Bordeaux Métropole Médiation")
    def decide(text: str, choice: str) -> None:
        group = page.get_by_role("radiogroup", name=re.compile(rf"^Décision — {re.escape(text)}"))
        group.get_by_text(choice, exact=True).click()

    decide("E-mail du contact", "Accepter")
    decide("Fiche confirmée par le partenaire", "Accepter")
    decide("Ville de Bordeaux : Gouvernance", "Accepter")
    decide("GIP Bordeaux Métropole Médiation : Orientation", "Rejeter")
    screenshot(page, "campagne-examen")
    page.get_by_role("button", name="Enregistrer les décisions").click()
    wait_for_app(page)
    expect(page.get_by_text("3 propositions acceptées, 1 rejetée")).to_be_visible(timeout=30000)
    screenshot(page, "campagne-examen-fait")

    caf = _partner_row(db, "CAF de la Gironde")
    assert caf.contact_email == "promeneurs@caf-gironde.fr" and caf.verified_on == paris_day()
    assert ("gouvernance", 4, True) in _linked(db, "CAF de la Gironde", "Ville de Bordeaux")
    assert _linked(db, "CAF de la Gironde", "GIP Bordeaux Métropole Médiation") == before
    # The card on the Partenaires page shows the corrected contact.
    open_page(page, "Partenaires")
    page.get_by_role("tab", name="Fiche").click()
    choose(page, "Partenaire", "CAF de la Gironde")
    expect_in_grid(page, paris_day().strftime("%d/%m/%Y"))  # « Vérifiée le » : the day the partner confirmed
    screenshot(page, "campagne-fiche-verifiee")

    # The journal (administrator) says where the changes came from.
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
    admin = context.new_page()
    sign_in(admin, url, ADMIN_EMAIL, PASSWORD)
    open_page(admin, "Administration")
    admin.get_by_role("tab", name="Journal des modifications").click()
    wait_for_app(admin)
    expect_in_grid(admin, "déclaré par le partenaire")
    screenshot(admin, "campagne-journal")
    context.close()

    for watch in (coordinator, partner_watch):
        assert watch.dialogs == [] and watch.console_errors == [] and watch.foreign_requests() == []
    assert token not in (log_dir / "server.log").read_text()
    engine = make_engine(db)
    with Session(engine) as session:
        journal = " ".join(f"{e.label} {e.before} {e.after}" for e in session.exec(select(AuditEntry)))
    engine.dispose()
    assert token not in journal and "déclaré par le partenaire, campagne « Plénière de décembre »" in journal


# ------------------------------------------------------------------ safety

@pytest.fixture(scope="module")
def tokens(campaign_db):
    """Links of three other councils' campaigns: valid, revoked, expired, closed, and one answered with payloads."""
    engine = make_engine(campaign_db)
    found = {}
    with session_scope(engine) as session:
        def campaign(name: str):
            council = session.exec(select(Council).where(Council.name == name)).one()
            return open_campaign(session, SYSTEM, council.id, f"Campagne {name}", paris_day() + dt.timedelta(days=5))

        pessac, links = campaign("CLSPD de Pessac")
        found["valid"], found["payload"] = links[0].token, links[1].token
        found["valid_partner"], found["payload_partner"] = links[0].partner, links[1].partner
        found["other_partner_id"] = links[2].partner_id
        revoke_link(session, SYSTEM, links[3].invite_id)
        found["revoked"] = links[3].token
        merignac, links = campaign("CLSPD de Mérignac")
        merignac.deadline = paris_day() - dt.timedelta(days=1)
        session.add(merignac)
        found["expired"] = links[0].token
        eysines, links = campaign("CLSPD d'Eysines")
        close_campaign(session, SYSTEM, eysines.id)
        found["closed"] = links[0].token
        good = found["valid"]
        found["tampered"] = good[:-1] + ("A" if good[-1] != "A" else "B")
    with session_scope(engine) as session:
        form = open_form(session, found["payload"])
        answer = form.answer
        answer.card.name = f"Asso {IMG}"
        answer.card.contact_name, answer.card.contact_role = SVG, IMG
        answer.links = [LinkAnswer(next(iter(form.others)), ["echange"], 2)]
        answer.comment = f"{SCRIPT} {SVG}"
        save_answer(session, found["payload"], answer, submit=True)
    engine.dispose()
    return found


def test_bad_links_get_the_same_refusal_and_a_link_reaches_nothing_else(phone, campaign_server, tokens):
    url, log_dir, _db = campaign_server
    watch = Watch(phone, url)
    messages = set()
    for reason in ("expired", "revoked", "tampered", "closed"):
        phone.goto(f"{url}/?campagne={tokens[reason]}")
        wait_for_app(phone)
        error = phone.get_by_test_id("stAlertContentError")
        expect(error).to_have_count(1, timeout=30000)
        messages.add(error.text_content().strip())
        assert phone.get_by_role("textbox").count() == 0 and phone.get_by_test_id("stSidebarNav").count() == 0
    assert messages == {REFUSAL}
    screenshot(phone, "campagne-lien-refuse-390")

    valid = tokens["valid"]
    for path in ("partenaires", "administration", "reseau", "campagnes"):
        phone.goto(f"{url}/{path}?campagne={valid}&partenaire={tokens['other_partner_id']}")
        wait_for_app(phone)
        expect(phone.get_by_role("heading", name="Votre fiche partenaire")).to_be_visible(timeout=30000)
        expect(phone.get_by_text(tokens["valid_partner"]).first).to_be_visible()
        assert phone.get_by_test_id("stSidebarNav").count() == 0
        assert phone.get_by_text("Campagnes de mise à jour").count() == 0
    # The same browser, without the link: the sign-in page, nothing of the app.
    phone.goto(f"{url}/partenaires")
    wait_for_app(phone)
    expect(phone.get_by_label("Adresse e-mail")).to_be_visible(timeout=30000)
    assert phone.get_by_test_id("stSidebarNav").count() == 0
    assert watch.dialogs == [] and watch.foreign_requests() == []
    log = (log_dir / "server.log").read_text()
    assert not any(tokens[key] in log for key in ("valid", "expired", "revoked", "closed", "payload"))


def test_script_payloads_in_an_answer_are_text_to_the_reviewer(page, campaign_server, tokens):
    url, _log_dir, _db = campaign_server
    watch = Watch(page, url)
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, url, ADMIN_EMAIL, PASSWORD)
    choose(page, "Instance", "CLSPD de Pessac", page.get_by_test_id("stSidebar"))
    open_page(page, "Campagnes")
    page.get_by_role("tab", name="Réponses à examiner").click()
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(IMG).first).to_be_visible(timeout=30000)
    expect(main.get_by_text(SVG).first).to_be_attached()
    expect(main.get_by_text(SCRIPT, exact=False).first).to_be_attached()
    screenshot(page, "campagne-examen-charges")
    assert page.locator("img[src='x']").count() == 0 and page.locator("svg[onload]").count() == 0
    assert watch.dialogs == [] and watch.console_errors == [] and watch.foreign_requests() == []
