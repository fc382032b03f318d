"""Issue 20 in a real browser: no demo password on the anonymous sign-in page; Markdown payloads in a council
name, its coordination contact and a display name render as text with no request to another host; a backup's
download URL answers nothing once its admin has signed out."""

import json
import os
import time
import urllib.error
import urllib.request

import pytest
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, add_user
from maillage.core import make_engine
from models import Council
from tests.browser.conftest import Watch, open_page, serve, sign_in, wait_for_app

IMAGE = "![x](https://tracker.example/p.png)"
PHISH = "[Mettez à jour votre mot de passe](https://phish.example)"
EMAIL = "coord.markdown@ville.fr"
ADMIN = "admin.securite@ville.fr"
PASSWORD = "mot-de-passe-navigateur"


@pytest.fixture(scope="module")
def security_app(db_factory, tmp_path_factory):
    """A demo database with Markdown payloads and two accounts, served with downloads kept 3 s."""
    url = db_factory.new("demo")
    engine = make_engine(url)
    with Session(engine) as session:
        council = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one()
        council.name = "CLSPD de Bordeaux " + IMAGE
        council.coordination_contact = PHISH
        session.add(council)
        session.commit()
        add_user(session, SYSTEM, EMAIL, "coordinateur", password=PASSWORD, display_name=PHISH,
                 councils=[council.name])
        add_user(session, SYSTEM, ADMIN, "admin", password=PASSWORD)
        session.commit()
    engine.dispose()
    previous = os.environ.get("MAILLAGE_DOWNLOAD_SECONDS")
    os.environ["MAILLAGE_DOWNLOAD_SECONDS"] = "3"
    try:
        with serve(url, tmp_path_factory.mktemp("streamlit-securite")) as app_url:
            yield app_url
    finally:
        if previous is None:
            os.environ.pop("MAILLAGE_DOWNLOAD_SECONDS", None)
        else:
            os.environ["MAILLAGE_DOWNLOAD_SECONDS"] = previous


def test_anonymous_sign_in_page_on_a_demo_base_shows_no_password(page, security_app, db_factory):
    passwords = [row["password"] for row in json.loads(db_factory.accounts_file.read_text(encoding="utf-8"))]
    page.goto(security_app)
    wait_for_app(page)
    page.get_by_label("Adresse e-mail").wait_for(timeout=30000)
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert "Base de démonstration" in text
    assert passwords and not any(password in text for password in passwords)
    assert not any(password in page.content() for password in passwords)


def test_markdown_payloads_render_as_text_without_outside_requests(page, security_app):
    watch = Watch(page, security_app)
    sign_in(page, security_app, EMAIL, PASSWORD)
    for title in ("Tableau de bord", "Actions", "Mon compte"):
        open_page(page, title)
        page.wait_for_timeout(500)
        app = page.locator('[data-testid="stApp"]')
        assert app.locator('img[src*="tracker.example"]').count() == 0, title
        assert app.locator('a[href*="phish.example"]').count() == 0, title
    open_page(page, "Tableau de bord")
    heading = page.locator("h1").filter(has_text="Tableau de bord").first
    heading.wait_for(timeout=30000)
    assert "![x](https://tracker.example/p.png)" in heading.inner_text().replace("\u2060", "")  # shown as text
    assert not [url for url in watch.foreign_requests() if "tracker.example" in url or "phish.example" in url]


def test_a_backup_url_answers_nothing_after_sign_out(page, security_app):
    sign_in(page, security_app, ADMIN, PASSWORD)
    open_page(page, "Données")
    page.get_by_text("Sauvegarde", exact=True).click()
    wait_for_app(page)
    with page.expect_download(timeout=60000) as info:
        page.get_by_role("button", name="Télécharger une sauvegarde").click()
    download = info.value
    assert download.path().stat().st_size > 1000
    url = download.url
    assert url.startswith(security_app) and "/media/" in url
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_label("Adresse e-mail").wait_for(timeout=30000)
    time.sleep(5)  # longer than MAILLAGE_DOWNLOAD_SECONDS
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(url, timeout=10)
    assert error.value.code == 404
