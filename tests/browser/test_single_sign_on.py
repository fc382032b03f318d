"""Single sign-on for real: a local OpenID Connect provider (`oidc-provider-mock`, on localhost), Streamlit's
`st.login` configured by a secrets file written for this run only, Chromium going through the provider's form."""

from __future__ import annotations

import secrets

import pytest
from oidc_provider_mock import User, run_server_in_thread
from playwright.sync_api import expect
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, add_user
from maillage.core import make_engine
from models import Council, Partner, SignInSession
from tests.browser.conftest import free_port, serve, wait_for_app

KNOWN = "sso.coord@ville.fr"
UNKNOWN = "inconnu.sso@ville.fr"


@pytest.fixture(scope="module")
def provider():
    """The identity provider, with a known and an unknown person (subject → e-mail claim)."""
    people = [User(sub="coord", claims={"email": KNOWN, "email_verified": True, "name": "Coordination SSO"}),
              User(sub="inconnu", claims={"email": UNKNOWN, "email_verified": True, "name": "Personne inconnue"})]
    with run_server_in_thread(user_claims=people) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def sso_world(db_factory):
    url = db_factory.new("demo")
    engine = make_engine(url)
    with Session(engine) as session:
        add_user(session, SYSTEM, KNOWN, "coordinateur", councils=["CLSPD de Bordeaux"])  # no password
        session.commit()
        council = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one().id
        partner = session.exec(select(Partner).where(Partner.name == "GIP Bordeaux Métropole Médiation")).one().id
    engine.dispose()
    return url, council, partner


@pytest.fixture(scope="module")
def sso_server(sso_world, provider, tmp_path_factory):
    """The app with `[auth]` pointing at the local provider; the secrets file lives in a temporary folder."""
    folder = tmp_path_factory.mktemp("streamlit-sso")
    port = free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "maillage-tests"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    with serve(sso_world[0], folder, port=port, extra_args=("--secrets.files", str(secrets_file))) as url:
        yield url


def through_provider(page, subject: str) -> None:
    """Click the single sign-on button, then authorise `subject` on the provider's form."""
    page.get_by_role("button", name="Se connecter avec l'authentification unique").click()
    page.get_by_placeholder("sub").fill(subject, timeout=30000)
    page.get_by_role("button", name="Authorize").click()


def test_known_email_signs_in_with_its_role_and_comes_back_to_the_address(sso_world, sso_server, context):
    url, council, partner = sso_world
    page = context.new_page()
    page.goto(f"{sso_server}/partenaires?instance={council}&partenaire={partner}")
    expect(page.get_by_role("heading", name="Connexion à Maillage")).to_be_visible(timeout=30000)
    through_provider(page, "coord")
    page.get_by_role("button", name="Se déconnecter").wait_for(timeout=30000)
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text(KNOWN)
    expect(sidebar).to_contain_text("Coordinateur")
    expect(page.get_by_test_id("stMain").get_by_role("heading", name="GIP Bordeaux Métropole Médiation")).to_be_visible(
        timeout=30000)
    assert f"partenaire={partner}" in page.url

    # Our own session was opened (flagged single sign-on), and survives a reload.
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.exec(select(SignInSession).where(SignInSession.single_sign_on)).all()
        assert len(rows) == 1 and rows[0].revoked_at is None
    page.reload()
    page.get_by_role("button", name="Se déconnecter").wait_for(timeout=30000)

    # Sign-out ends our session (and the provider's): the sign-in page, and it stays so after a reload.
    page.get_by_role("button", name="Se déconnecter").click()
    # Through the provider's own sign-out (it asks for a confirmation), then back to our sign-in page.
    page.get_by_role("button", name="End session").click(timeout=30000)
    page.wait_for_url(lambda address: address.startswith(sso_server), timeout=30000)
    expect(page.get_by_role("heading", name="Connexion à Maillage")).to_be_visible(timeout=30000)
    with Session(engine) as session:
        rows = session.exec(select(SignInSession).where(SignInSession.single_sign_on)).all()
        assert all(row.revoked_at is not None for row in rows)
    engine.dispose()
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Connexion à Maillage")).to_be_visible(timeout=30000)
    expect(page.get_by_role("button", name="Se déconnecter", exact=True)).to_have_count(0)


def test_unknown_email_is_refused_in_french(sso_server, context):
    page = context.new_page()
    page.goto(sso_server)
    expect(page.get_by_role("heading", name="Connexion à Maillage")).to_be_visible(timeout=30000)
    through_provider(page, "inconnu")
    expect(page.get_by_text("aucun compte Maillage ne correspond à cette adresse")).to_be_visible(timeout=30000)
    expect(page.get_by_role("button", name="Se déconnecter", exact=True)).to_have_count(0)
    assert "Tableau de bord" not in page.get_by_test_id("stMain").inner_text()
