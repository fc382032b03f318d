"""AppTest: sign-in, wrong password, lock-out, expiry, each role's landing page and hidden pages."""

import datetime as dt

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from maillage.accounts import SYSTEM, Actor, add_user
from models import SignInSession
from tests.apptest import APP, TIMEOUT, open_app
from tests.builders import add_council, add_mini_geography
from ui.auth import TOKEN_KEY

PASSWORD = "mot-de-passe-solide"


@pytest.fixture
def app_db(empty_engine, use_database):
    with Session(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CLSPD de Bordeaux", ["com:33063"])
        add_council(session, "CLSPD de Saintes", ["com:17415"])
        add_user(session, SYSTEM, "coord@ville.fr", "coordinateur", password=PASSWORD, councils=["CLSPD de Bordeaux"])
        add_user(session, SYSTEM, "admin@ville.fr", "admin", password=PASSWORD)
        council_id = council.id
        session.commit()
    use_database(empty_engine.url.render_as_string(hide_password=False))
    return council_id


def _sign_in(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input[0].input(email)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def test_sign_in_page_then_dashboard(app_db):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Connexion à Maillage"
    _sign_in(at, "coord@ville.fr", PASSWORD)
    assert not at.exception
    assert at.title[0].value == "Tableau de bord — CLSPD de Bordeaux"
    assert at.sidebar.selectbox[0].options == ["CLSPD de Bordeaux"]  # only the coordinator's council
    assert at.sidebar.text[0].value == "coord@ville.fr\nCoordinateur"


def test_wrong_password_then_delay(app_db):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _sign_in(at, "coord@ville.fr", "mauvais")
    assert at.error[0].value == "Adresse e-mail ou mot de passe incorrect."
    messages = []
    for _ in range(8):  # the delays double (1 s, 2 s, 4 s…): a try inside one is refused without looking
        _sign_in(at, "coord@ville.fr", "mauvais")
        messages.append(at.error[0].value)
        if messages[-1].startswith("Trop d'essais infructueux"):
            break
    assert messages[-1].startswith("Trop d'essais infructueux : réessayez dans"), messages
    assert at.title[0].value == "Connexion à Maillage"


def _age_sessions(url: str, hours: float) -> None:
    """Pretend every open session was last seen `hours` ago."""
    from maillage.core import make_engine

    engine = make_engine(url)
    with Session(engine) as session:
        for row in session.exec(select(SignInSession)):
            row.last_seen_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)
            session.add(row)
        session.commit()
    engine.dispose()


def test_idle_session_expires(app_db, empty_engine):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _sign_in(at, "coord@ville.fr", PASSWORD)
    assert at.title[0].value == "Tableau de bord — CLSPD de Bordeaux"
    token = at.session_state[TOKEN_KEY]
    with Session(empty_engine) as session:
        (row,) = session.exec(select(SignInSession)).all()
        assert row.token_hash != token and row.revoked_at is None
    _age_sessions(empty_engine.url.render_as_string(hide_password=False), 9)
    at.run()
    assert at.title[0].value == "Connexion à Maillage"
    assert "expiré après 8 h d'inactivité" in at.warning[0].value


def test_rights_read_again_at_every_run(app_db, empty_engine):
    """Disabling or re-scoping an account takes effect at its next click (issue 20, item 3)."""
    from maillage.accounts import disable_user, update_user

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _sign_in(at, "coord@ville.fr", PASSWORD)
    assert at.sidebar.selectbox[0].options == ["CLSPD de Bordeaux"]
    with Session(empty_engine) as session:
        update_user(session, SYSTEM, "coord@ville.fr", role="elu", councils=["CLSPD de Saintes"], networks=[],
                    display_name="", active=True)
        session.commit()
    at.run()
    assert at.sidebar.text[0].value == "coord@ville.fr\nÉlu"
    assert at.sidebar.selectbox[0].options == ["CLSPD de Saintes"]
    with Session(empty_engine) as session:
        disable_user(session, SYSTEM, "coord@ville.fr")
        session.commit()
    at.run()
    assert at.title[0].value == "Connexion à Maillage"
    assert "reconnectez-vous" in at.warning[0].value


def test_sign_in_returns_to_the_address_asked_for(app_db):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["instance"] = str(app_db)
    at.run()
    at.switch_page("pages/couverture.py")
    at.run()
    assert at.title[0].value == "Connexion à Maillage"
    _sign_in(at, "coord@ville.fr", PASSWORD)
    assert not at.exception
    assert at.title[0].value.startswith("Couverture")
    assert at.query_params["instance"] in (str(app_db), [str(app_db)])


def test_address_of_another_council_is_refused(app_db):
    other = app_db + 1  # CLSPD de Saintes, not the coordinator's
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["instance"] = str(other)
    at.run()
    _sign_in(at, "coord@ville.fr", PASSWORD)
    assert "ne permet pas de consulter" in at.error[0].value
    assert not at.title and "Saintes" not in str([m.value for m in at.markdown])


def test_sign_out(app_db):
    at = open_app(Actor("coord@ville.fr", "coordinateur", council_ids=frozenset({app_db})))
    at.sidebar.button[0].click().run()
    assert at.title[0].value == "Connexion à Maillage"
    assert at.warning[0].value == "Vous êtes déconnecté."


def test_pages_hidden_by_role(app_db):
    coordinator = open_app(Actor("coord@ville.fr", "coordinateur", council_ids=frozenset({app_db})))
    coordinator.switch_page("pages/administration.py").run()
    assert coordinator.error[0].value == "Votre rôle (Coordinateur) ne donne pas accès à cette page."
    assert not coordinator.dataframe
    elu = open_app(Actor("elu@ville.fr", "elu", council_ids=frozenset({app_db})))
    assert elu.title[0].value == "Tableau de bord — CLSPD de Bordeaux"
    elu.switch_page("pages/administration.py").run()
    assert "ne donne pas accès" in elu.error[0].value
    admin = open_app(SYSTEM, page="pages/administration.py")
    assert not admin.exception
    assert admin.title[0].value == "Administration"
    assert not admin.sidebar.selectbox  # the page ignores the council: no picker there
    admin.switch_page("pages/tableau_de_bord.py").run()
    assert len(admin.sidebar.selectbox[0].options) == 2  # every council


def test_administration_lists_accounts_and_audit(app_db):
    at = open_app(SYSTEM, page="pages/administration.py")
    emails = list(at.dataframe[0].value["Adresse e-mail"])
    assert emails == ["admin@ville.fr", "coord@ville.fr"]
    assert not at.error


def test_my_account_page(app_db):
    at = open_app(Actor("coord@ville.fr", "coordinateur", council_ids=frozenset({app_db})), page="pages/mon_compte.py")
    assert at.title[0].value == "Mon compte"
    assert any("CLSPD de Bordeaux" in m.value for m in at.markdown)
    at.text_input[0].input("faux")
    at.text_input[1].input("nouveau-mot-de-passe")
    at.text_input[2].input("nouveau-mot-de-passe")
    at.button[0].click().run()
    assert at.error[0].value == "Mot de passe actuel incorrect."


def test_archived_partner_restored_from_administration(demo_engine, use_database):
    from sqlmodel import select

    from maillage.exchange.archives import archived_records
    from maillage.partners.register import archive_partner
    from models import Partner

    with Session(demo_engine) as session:
        partner = session.exec(select(Partner).where(Partner.name == "GIP Bordeaux Métropole Médiation")).one()
        archive_partner(session, SYSTEM, partner.id, partner.version)
        session.commit()
        partner_id = partner.id
    use_database(demo_engine.url.render_as_string(hide_password=False))
    at = open_app(SYSTEM, page="pages/administration.py")
    assert "GIP Bordeaux Métropole Médiation" in list(at.dataframe[-1].value["Élément"])
    restore = next(b for b in at.button if b.label == "Restaurer")
    restore.click().run()
    assert not at.exception and not at.error
    with Session(demo_engine) as session:
        assert session.get(Partner, partner_id).archived_at is None
        assert archived_records(session, SYSTEM) == []
