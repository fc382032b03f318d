"""Issue 20, item 1: demo credentials never reach a browser; the demo disappears when real data replaces it."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

import maillage.accounts.creation as creation
from maillage.accounts import SYSTEM, Actor, add_user
from maillage.commands.cli import main
from maillage.core import PermissionDenied, get_meta
from maillage.exchange import is_demo, leave_demonstration, make_backup, restore_backup
from models import User
from tests.apptest import APP, TIMEOUT, open_app

ROOT = Path(__file__).resolve().parent.parent
DEMO_EMAILS = {"admin@demo.maillage.fr", "coordination@demo.maillage.fr", "reseau@demo.maillage.fr",
               "elu@demo.maillage.fr"}


@pytest.fixture
def demo_with_passwords(demo_engine, db_factory, use_database):
    """A demo database whose demo-accounts file (with the plain passwords) is where the app reads it."""
    shutil.copyfile(db_factory.accounts_file, creation.DEMO_ACCOUNTS_FILE)
    use_database(demo_engine.url.render_as_string(hide_password=False))
    passwords = [row["password"] for row in json.loads(creation.DEMO_ACCOUNTS_FILE.read_text(encoding="utf-8"))]
    assert len(passwords) == 4
    return demo_engine, passwords


def _page_text(at: AppTest) -> str:
    """Everything the page shows, as one text (markdown, captions, tables, inputs)."""
    parts = []
    for kind in ("title", "caption", "markdown", "info", "warning", "error", "success", "text"):
        parts.extend(str(element.value) for element in getattr(at, kind))
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    return "\n".join(parts)


def test_anonymous_sign_in_page_on_a_demo_base_shows_no_password(demo_with_passwords):
    _engine, passwords = demo_with_passwords
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Connexion à Maillage"
    text = _page_text(at)
    assert "Base de démonstration" in text  # the page still says it is a demo…
    assert not at.dataframe
    for password in passwords:  # …but no password reaches the browser
        assert password not in text


def test_demo_accounts_are_printed_in_the_terminal(demo_with_passwords, capsys):
    _engine, passwords = demo_with_passwords
    assert main(["demo-accounts"]) == 0
    out = capsys.readouterr().out
    assert all(password in out for password in passwords)
    assert "admin@demo.maillage.fr" in out


def test_make_run_listens_on_this_machine_unless_asked():
    dry = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    line = next(line for line in dry.splitlines() if "streamlit run" in line)
    assert "--server.address 127.0.0.1" in line
    assert "maillage demo-accounts" in dry
    wide = subprocess.run(["make", "-n", "run", "MAILLAGE_HOST=0.0.0.0"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60).stdout
    assert "--server.address 0.0.0.0" in wide


def _demo_users(engine) -> set[str]:
    with Session(engine) as session:
        return set(session.exec(select(User.email).where(User.email.in_(DEMO_EMAILS))).all())


def test_restore_replace_of_real_data_ends_the_demo(demo_with_passwords, geo_engine):
    demo_engine, _passwords = demo_with_passwords
    with Session(geo_engine) as session:
        add_user(session, SYSTEM, "admin@ville.fr", "admin", password="mot-de-passe-solide")
        session.commit()
    real_backup = make_backup(geo_engine, SYSTEM)
    assert is_demo(demo_engine) and _demo_users(demo_engine) == DEMO_EMAILS
    restore_backup(demo_engine, real_backup, SYSTEM, replace=True)
    assert not is_demo(demo_engine)
    assert _demo_users(demo_engine) == set()
    assert not creation.DEMO_ACCOUNTS_FILE.exists()


def test_restore_of_a_demo_backup_keeps_the_demo(demo_engine):
    backup = make_backup(demo_engine, SYSTEM)
    restore_backup(demo_engine, backup, SYSTEM, replace=True)
    assert is_demo(demo_engine) and _demo_users(demo_engine) == DEMO_EMAILS


def test_init_empty_over_a_demo_base_ends_the_demo(demo_with_passwords, capsys):
    demo_engine, _passwords = demo_with_passwords
    assert main(["init", "--empty"]) == 0
    assert "démonstration quittée" in capsys.readouterr().out
    assert not is_demo(demo_engine) and _demo_users(demo_engine) == set()
    assert not creation.DEMO_ACCOUNTS_FILE.exists()


def test_leave_demonstration_is_for_administrators(demo_engine):
    coordinator = Actor(email="coord@ville.fr", role="coordinateur", council_ids=frozenset({1}))
    with pytest.raises(PermissionDenied):
        leave_demonstration(demo_engine, coordinator)
    assert is_demo(demo_engine)
    removed = leave_demonstration(demo_engine, SYSTEM)
    assert set(removed) == DEMO_EMAILS
    assert not is_demo(demo_engine) and _demo_users(demo_engine) == set()
    with Session(demo_engine) as session:
        assert get_meta(session, "demo") == ""


def test_leave_demonstration_from_the_administration_page(demo_with_passwords):
    demo_engine, _passwords = demo_with_passwords
    at = open_app(SYSTEM, "pages/administration.py")
    assert not at.exception
    button = next(b for b in at.button if b.label == "Quitter la démonstration")
    assert button.disabled  # a confirmation first
    next(c for c in at.checkbox if c.key == "leave_demo_confirm").check().run()
    next(b for b in at.button if b.label == "Quitter la démonstration").click().run()
    assert not at.exception
    assert not is_demo(demo_engine) and _demo_users(demo_engine) == set()
    assert not any(b.label == "Quitter la démonstration" for b in at.button)
