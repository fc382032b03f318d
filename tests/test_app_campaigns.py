"""AppTest: the partner's token page (no account) and the Campagnes page (open, review), the dashboard figures."""

import datetime as dt
import re

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from maillage.accounts import Actor
from maillage.campaigns import TOKEN_LIMITER, open_campaign, paris_day, token_hash
from maillage.core import make_engine, session_scope
from models import AuditEntry, CampaignInvite, Council, Partner
from tests.apptest import APP, TIMEOUT, open_app

PAGE = "pages/campagnes.py"


@pytest.fixture
def demo(db_factory, use_database):
    """A writable demo database, the app pointed at it, the Bordeaux council's id and its coordinator."""
    url = db_factory.new("demo")
    use_database(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        bordeaux = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one().id
    TOKEN_LIMITER._seen.clear()
    yield engine, bordeaux, Actor("coord@bordeaux.fr", "coordinateur", frozenset({bordeaux}))
    TOKEN_LIMITER._seen.clear()
    engine.dispose()


def _campaign(engine, council, actor):
    with session_scope(engine) as session:
        _campaign, links = open_campaign(session, actor, council, "Plénière", paris_day() + dt.timedelta(days=7))
        return {link.partner: link for link in links}


def token_page(token: str) -> AppTest:
    """The app opened on a personal link, signed in as nobody."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["campagne"] = token
    at.run()
    return at


def test_partner_answers_without_an_account(demo):
    engine, bordeaux, actor = demo
    links = _campaign(engine, bordeaux, actor)
    name, link = next((n, l) for n, l in links.items() if n.startswith("CAF de la Gironde"))
    at = token_page(link.token)
    assert not at.exception
    assert at.title[0].value == "Votre fiche partenaire" and name in at.markdown[0].value
    assert len(at.sidebar) == 0  # no navigation, no council picker
    at.text_input(key="cp_contact_email").set_value("pdn@caf-gironde.fr")
    at.run()
    with session_scope(engine) as session:
        ville = session.exec(select(Partner.id).where(Partner.name == "Ville de Bordeaux")).one()
    chosen = at.multiselect(key="cp_partners").value
    at.multiselect(key="cp_partners").set_value([*chosen, ville] if ville not in chosen else chosen).run()
    assert not at.exception
    for key in [w.key for w in at.multiselect if w.key.startswith("cp_kinds_")]:
        if not at.multiselect(key=key).value:
            at.multiselect(key=key).set_value(["echange"])
        if at.radio(key=key.replace("kinds", "level")).value is None:
            at.radio(key=key.replace("kinds", "level")).set_value(2)
    at.run()
    at.button[1].click().run()  # Envoyer ma réponse
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Votre réponse a été envoyée le" in at.success[0].value
    with session_scope(engine) as session:
        invite = session.exec(select(CampaignInvite).where(CampaignInvite.token_hash == token_hash(link.token))).one()
        assert invite.submitted_at is not None and "pdn@caf-gironde.fr" in invite.answer
        entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "campaign_invite")).all()
    assert [e.operation for e in entries] == ["submit"] and link.token not in (entries[0].after or "")


def test_bad_links_get_one_message_then_the_rate_limit(demo):
    engine, bordeaux, actor = demo
    links = _campaign(engine, bordeaux, actor)
    good = next(iter(links.values())).token
    seen = set()
    for token in ("", "abc", good[:-1] + ("x" if good[-1] != "x" else "y"), "<script>alert(1)</script>"):
        at = token_page(token)
        assert not at.exception and len(at.sidebar) == 0
        assert not at.text_input and not at.button
        seen.add(at.error[0].value)
    assert len(seen) == 1 and "n'est pas valable" in seen.pop()
    for _ in range(10):
        token_page("faux")
    at = token_page(good)  # even a good link is refused while the client is blocked
    assert "Trop de tentatives" in at.error[0].value and not at.text_input


def test_coordinator_opens_a_campaign_and_reviews_an_answer(demo):
    engine, bordeaux, actor = demo
    at = open_app(actor, page=PAGE, council_id=bordeaux)
    assert not at.exception and at.title[0].value == "Campagnes de mise à jour"
    at.button[0].click().run()  # the opening form's submit button
    assert not at.exception and not at.error, [e.value for e in at.error]
    bodies = [c.value for c in at.code]
    assert bodies and all("?campagne=" in body for body in bodies)
    token = re.search(r"\?campagne=([A-Za-z0-9_-]+)", bodies[0]).group(1)
    assert "Ces liens ne sont affichés qu'une fois" in at.warning[0].value

    partner_page = token_page(token)
    partner_page.text_input(key="cp_contact_phone").set_value("05 56 00 00 00").run()
    partner_page.button[1].click().run()
    assert "Votre réponse a été envoyée le" in partner_page.success[0].value, [e.value for e in partner_page.error]

    at.run()
    assert not at.exception
    assert any("Réponses envoyées" == m.label and m.value == "1" for m in at.metric)
    accept_all = next(b for b in at.button if b.label == "Tout accepter")
    accept_all.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "entièrement examinée" in at.success[0].value
    with session_scope(engine) as session:
        invite = session.exec(select(CampaignInvite).where(CampaignInvite.token_hash == token_hash(token))).one()
        partner = session.get(Partner, invite.partner_id)
        assert partner.contact_phone == "05 56 00 00 00" and partner.verified_on == paris_day()
        label = session.exec(select(AuditEntry.label).where(AuditEntry.entity == "partner",
                                                            AuditEntry.record_id == partner.id)).all()[-1]
    assert "déclaré par le partenaire, campagne « Plénière" in label

    dashboard = open_app(actor, page="pages/tableau_de_bord.py", council_id=bordeaux)
    figures = {m.label: m.value for m in dashboard.metric}
    assert figures["Réponses envoyées"] == "1" and figures["Réponses examinées"] == "1"
