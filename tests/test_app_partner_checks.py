"""Partner cards and links (issue 17): a card a coordinator adds or edits counts as verified that day unless they
give another date; the add-partner and add-link forms are empty again after a successful save."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from maillage.accounts import Actor
from maillage.core import make_engine, session_scope
from maillage.partners import PartnerInput, create_partner, partner_detail, update_partner
from models import CooperationLink, Council, Partner
from tests.apptest import open_app

PAGE = "pages/partenaires.py"
DAY = dt.date(2026, 11, 29)
NEW_SUBMIT = "FormSubmitter:new_form-Ajouter le partenaire"
LINK_SUBMIT = "FormSubmitter:p_link_new-Ajouter le lien"


@pytest.fixture
def demo(db_factory, use_database):
    """A fresh demo database the app reads, and the id of the CLSPD de Bordeaux."""
    url = db_factory.new("demo")
    use_database(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        bordeaux = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one().id
    yield engine, bordeaux
    engine.dispose()


def _partner(engine, name: str) -> Partner:
    with session_scope(engine) as session:
        return session.exec(select(Partner).where(Partner.name == name)).first()


def _coordinator(council_id: int) -> Actor:
    return Actor("coord@bordeaux.fr", "coordinateur", frozenset({council_id}))


# ---------------------------------------------------------------- the rule, in the functions that write


def test_a_card_entered_without_date_is_verified_that_day(demo):
    engine, bordeaux = demo
    with session_scope(engine) as session:
        created = create_partner(session, _coordinator(bordeaux), PartnerInput(
            name="Point accueil écoute jeunes", typology="ASSO", seat_commune="33063"), DAY)
        assert created.verified_on == DAY
        dated = create_partner(session, _coordinator(bordeaux), PartnerInput(
            name="Maison des adolescents", typology="SANTE", seat_commune="33063",
            verified_on=dt.date(2026, 9, 1)), DAY)
        assert dated.verified_on == dt.date(2026, 9, 1)  # the date they gave is kept


def test_an_edited_card_is_verified_that_day_unless_another_date_is_given(demo):
    engine, bordeaux = demo
    caf = _partner(engine, "CAF de la Gironde")
    with session_scope(engine) as session:
        detail = partner_detail(session, _coordinator(bordeaux), caf.id, DAY)
        assert detail.as_input().verified_on == caf.verified_on  # the stored date, without `today`
        form = detail.as_input(DAY)
        assert form.verified_on == DAY  # the form offers today
        form.verified_on = None  # a field emptied by hand: still checked today
        form.notes = "Financeur des Promeneurs du Net"
        saved = update_partner(session, _coordinator(bordeaux), caf.id, form, caf.version, DAY)
        assert saved.verified_on == DAY
    with session_scope(engine) as session:
        form = partner_detail(session, _coordinator(bordeaux), caf.id, DAY).as_input(DAY)
        form.verified_on = dt.date(2026, 10, 2)
        saved = update_partner(session, _coordinator(bordeaux), caf.id, form, caf.version + 1, DAY)
        assert saved.verified_on == dt.date(2026, 10, 2)
    with session_scope(engine) as session, pytest.raises(Exception, match="futur"):
        form = partner_detail(session, _coordinator(bordeaux), caf.id, DAY).as_input(DAY)
        form.verified_on = DAY + dt.timedelta(days=1)
        update_partner(session, _coordinator(bordeaux), caf.id, form, caf.version + 2, DAY)


# ---------------------------------------------------------------- the page


def test_new_partner_form_offers_today_then_is_empty_after_saving(demo):
    engine, bordeaux = demo
    today = dt.date.today()
    at = open_app(page=PAGE, council_id=bordeaux)
    assert at.date_input(key="new_verified").value == today
    assert "Aujourd'hui par défaut" in at.date_input(key="new_verified").help
    at.text_input(key="new_name").set_value("Point accueil écoute jeunes de Bacalan")
    at.selectbox(key="new_typology").set_value("ASSO")
    at.selectbox(key="new_seat").set_value("Bordeaux (33063)")
    at.text_input(key="new_contact_role").set_value("Accueil")
    at.button(key=NEW_SUBMIT).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert _partner(engine, "Point accueil écoute jeunes de Bacalan").verified_on == today
    # The next partner starts from an empty form.
    assert at.text_input(key="new_name").value == ""
    assert at.selectbox(key="new_typology").value is None
    assert at.selectbox(key="new_seat").value is None
    assert at.text_input(key="new_contact_role").value == ""
    assert at.date_input(key="new_verified").value == today


def test_editing_a_card_marks_it_verified_today(demo):
    engine, bordeaux = demo
    today = dt.date.today()
    with session_scope(engine) as session:
        caf = session.exec(select(Partner).where(Partner.name == "CAF de la Gironde")).first()
        caf.verified_on = dt.date(2024, 3, 1)
        session.add(caf)
    at = open_app(page=PAGE, council_id=bordeaux)
    at.selectbox(key="partners_selected").set_value(caf.id).run()
    at.button(key="p_edit_open").click().run()
    prefix = f"edit{caf.id}"
    assert at.date_input(key=f"{prefix}_verified").value == today
    assert "Dernière vérification : 01/03/2024." in at.date_input(key=f"{prefix}_verified").help
    at.button(key=f"FormSubmitter:{prefix}_form-Enregistrer les modifications").click().run()
    assert not at.exception and not at.error
    assert _partner(engine, "CAF de la Gironde").verified_on == today


def test_link_form_is_empty_after_adding_a_link(demo):
    engine, bordeaux = demo
    ville, caf = _partner(engine, "Ville de Bordeaux"), _partner(engine, "CAF de la Gironde")
    at = open_app(page=PAGE, council_id=bordeaux)
    at.selectbox(key="partners_selected").set_value(ville.id).run()
    defaults = {key: at.selectbox(key=key).value for key in ("p_link_kind", "p_link_level")}
    with session_scope(engine) as session:
        taken = set(session.exec(select(CooperationLink.kind).where(
            CooperationLink.council_id == bordeaux,
            CooperationLink.partner_a_id == min(ville.id, caf.id),
            CooperationLink.partner_b_id == max(ville.id, caf.id))).all())
    kind = next(k for k in ("orientation", "echange", "gouvernance", "convention", "cofinancement") if k not in taken)
    at.selectbox(key="p_link_other").set_value(caf.id)
    at.selectbox(key="p_link_kind").set_value(kind)
    at.selectbox(key="p_link_level").set_value(4)
    at.date_input(key="p_link_start").set_value(dt.date(2025, 1, 1))
    at.text_input(key="p_link_note").set_value("Convention Promeneurs du Net")
    at.button(key=LINK_SUBMIT).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Lien ajouté" in s.value for s in at.success)
    with session_scope(engine) as session:
        assert session.exec(select(CooperationLink).where(
            CooperationLink.note == "Convention Promeneurs du Net", CooperationLink.level == 4)).first() is not None
    # The form is back to its empty state: no partner, default kind and level, no dates, no note.
    assert at.selectbox(key="p_link_other").value is None
    assert {key: at.selectbox(key=key).value for key in ("p_link_kind", "p_link_level")} == defaults
    assert at.date_input(key="p_link_start").value is None
    assert at.date_input(key="p_link_end").value is None
    assert at.text_input(key="p_link_note").value == ""
    assert at.selectbox(key="partners_selected").value == ville.id  # still on the same card
