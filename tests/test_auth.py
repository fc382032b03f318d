"""Sign-in: Argon2 passwords, lock-out after 5 failures for 15 minutes, idle expiry, single sign-on matching."""

import datetime as dt

import pytest
from sqlmodel import Session, select

from maillage.accounts import (
    SYSTEM,
    SignInError,
    actor_for_single_sign_on,
    add_user,
    authenticate,
    demo_accounts,
    disable_user,
    idle_timeout,
    session_expired,
)
from models import User
from tests.builders import add_council, add_mini_geography

NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(empty_engine):
    with Session(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CLSPD de Bordeaux", ["com:33063"])
        add_user(session, SYSTEM, "Coord@Ville.fr", "coordinateur", password=PASSWORD, councils=["CLSPD de Bordeaux"])
        add_user(session, SYSTEM, "sso@ville.fr", "elu", councils=["CLSPD de Bordeaux"])
        session.commit()
        return empty_engine, council.id


def test_password_is_hashed_with_argon2_and_accepted(accounts):
    engine, council_id = accounts
    with Session(engine) as session:
        user = session.exec(select(User).where(User.email == "coord@ville.fr")).one()
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
        actor = authenticate(session, " COORD@ville.fr ", PASSWORD, now=NOW)
    assert actor.role == "coordinateur" and actor.council_ids == {council_id}


def test_wrong_password_and_unknown_email_get_the_same_message(accounts):
    engine, _ = accounts
    with Session(engine) as session:
        with pytest.raises(SignInError, match="^Adresse e-mail ou mot de passe incorrect.$"):
            authenticate(session, "coord@ville.fr", "mauvais", now=NOW)
        with pytest.raises(SignInError, match="^Adresse e-mail ou mot de passe incorrect.$"):
            authenticate(session, "personne@ville.fr", "mauvais", now=NOW)
        with pytest.raises(SignInError, match="^Adresse e-mail ou mot de passe incorrect.$"):
            authenticate(session, "sso@ville.fr", "", now=NOW)  # no password: single sign-on only


def test_lock_out_after_five_failures_for_fifteen_minutes(accounts):
    engine, _ = accounts
    with Session(engine) as session:
        for _attempt in range(4):
            with pytest.raises(SignInError):
                authenticate(session, "coord@ville.fr", "mauvais", now=NOW)
        with pytest.raises(SignInError, match="verrouillé pour 15 minutes"):
            authenticate(session, "coord@ville.fr", "mauvais", now=NOW)
        with pytest.raises(SignInError, match="verrouillé"):
            authenticate(session, "coord@ville.fr", PASSWORD, now=NOW + dt.timedelta(minutes=14))
        actor = authenticate(session, "coord@ville.fr", PASSWORD, now=NOW + dt.timedelta(minutes=16))
        assert actor.email == "coord@ville.fr"
        user = session.exec(select(User).where(User.email == "coord@ville.fr")).one()
        assert user.failed_attempts == 0 and user.locked_until is None


def test_warning_before_lock_out(accounts):
    engine, _ = accounts
    with Session(engine) as session:
        for _ in range(2):
            with pytest.raises(SignInError):
                authenticate(session, "coord@ville.fr", "mauvais", now=NOW)
        with pytest.raises(SignInError, match="2 essais avant verrouillage"):
            authenticate(session, "coord@ville.fr", "mauvais", now=NOW)


def test_disabled_account_cannot_sign_in(accounts):
    engine, _ = accounts
    with Session(engine) as session:
        disable_user(session, SYSTEM, "coord@ville.fr")
        session.commit()
        with pytest.raises(SignInError, match="désactivé"):
            authenticate(session, "coord@ville.fr", PASSWORD, now=NOW)


def test_single_sign_on_matches_by_email_and_refuses_strangers(accounts):
    engine, council_id = accounts
    with Session(engine) as session:
        actor = actor_for_single_sign_on(session, "SSO@ville.fr")
        assert actor.role == "elu" and actor.council_ids == {council_id}
        with pytest.raises(SignInError, match="aucun compte Maillage"):
            actor_for_single_sign_on(session, "inconnu@ville.fr")
        with pytest.raises(SignInError):
            actor_for_single_sign_on(session, None)


def test_idle_expiry(monkeypatch):
    assert idle_timeout() == dt.timedelta(hours=8)
    assert not session_expired(NOW - dt.timedelta(hours=7, minutes=59), NOW)
    assert session_expired(NOW - dt.timedelta(hours=8, minutes=1), NOW)
    assert not session_expired(None, NOW)
    monkeypatch.setenv("MAILLAGE_IDLE_HOURS", "0,5")
    assert idle_timeout() == dt.timedelta(minutes=30)
    monkeypatch.setenv("MAILLAGE_IDLE_HOURS", "n'importe quoi")
    assert idle_timeout() == dt.timedelta(hours=8)


def test_demo_accounts_file(tmp_path):
    assert demo_accounts(tmp_path / "absent.json") == []
    (tmp_path / "bad.json").write_text("{pas du json", encoding="utf-8")
    assert demo_accounts(tmp_path / "bad.json") == []
