"""AppTest: a partner's edit form refused because someone saved first reopens on the current values and
version, so redoing the change saves it (found by the two-browser journey in tests/browser)."""

import datetime as dt

from sqlmodel import select

from maillage.accounts import Actor
from maillage.core import make_engine, session_scope
from maillage.partners import partner_detail, update_partner
from models import Council, Partner
from tests.apptest import open_app

PAGE = "pages/partenaires.py"
NAME = "CAF de la Gironde"


def test_edit_conflict_reopens_the_form_on_current_values(db_factory, use_database):
    url = db_factory.new("demo")
    use_database(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        bordeaux = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one().id
        partner = session.exec(select(Partner).where(Partner.name == NAME)).one()
        partner_id, version = partner.id, partner.version
    at = open_app(page=PAGE, council_id=bordeaux)
    at.selectbox(key="partners_selected").set_value(partner_id).run()
    at.button(key="p_edit_open").click().run()

    # Someone else saves first.
    other = Actor("autre.coordination@ville.fr", "admin", frozenset(), frozenset())
    with session_scope(engine) as session:
        current = partner_detail(session, other, partner_id).as_input()
        current.notes = "Saisie de l'autre coordination"
        update_partner(session, other, partner_id, current, version, dt.date(2026, 11, 29))

    prefix = f"edit{partner_id}"
    at.text_area(key=f"{prefix}_notes").set_value("Ma saisie")
    at.button(key=f"FormSubmitter:{prefix}_form-Enregistrer les modifications").click().run()
    assert not at.exception
    assert [e.value for e in at.error if "a été modifié par autre.coordination@\u2060ville.fr" in e.value]
    # The reopened form holds the current notes, on the current version.
    assert at.text_area(key=f"{prefix}_1_notes").value == "Saisie de l'autre coordination"
    at.text_area(key=f"{prefix}_1_notes").set_value("Ma saisie")
    at.button(key=f"FormSubmitter:{prefix}_1_form-Enregistrer les modifications").click().run()
    assert not at.exception and not at.error
    with session_scope(engine) as session:
        saved = session.get(Partner, partner_id)
        assert saved.notes == "Ma saisie" and saved.version == version + 2
    engine.dispose()
