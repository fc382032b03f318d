"""Sign-in: Argon2 passwords, progressive delays after failures (never a lock-out), idle expiry, single sign-on."""

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


def test_failures_slow_down_and_never_lock(accounts):
    """Issue 20: a progressive delay, the same for real and unknown accounts, that ends by itself."""
    engine, _ = accounts
    with Session(engine) as session:
        messages = {}
        for email in ("coord@ville.fr", "personne@ville.fr"):
            seen = []
            for _ in range(4):
                with pytest.raises(SignInError) as error:
                    authenticate(session, email, "mauvais", now=NOW, client="198.51.100.7")
                seen.append(str(error.value))
            messages[email] = seen
        assert messages["coord@ville.fr"] == messages["personne@ville.fr"]  # nothing tells them apart
        assert messages["coord@ville.fr"][:3] == ["Adresse e-mail ou mot de passe incorrect."] * 3
        assert messages["coord@ville.fr"][3].startswith("Trop d'essais infructueux : réessayez dans")
        # the right password, once the (short) delay is over: no lock-out anyone could trigger
        actor = authenticate(session, "coord@ville.fr", PASSWORD, now=NOW + dt.timedelta(seconds=3),
                             client="203.0.113.9")
        assert actor.email == "coord@ville.fr"


def test_a_stranger_can_delay_an_account_at_most_thirty_seconds(accounts):
    engine, _ = accounts
    with Session(engine) as session:
        for attempt in range(40):
            with pytest.raises(SignInError):
                authenticate(session, "coord@ville.fr", "mauvais", now=NOW + dt.timedelta(minutes=attempt),
                             client=f"192.0.2.{attempt}")
        actor = authenticate(session, "coord@ville.fr", PASSWORD, now=NOW + dt.timedelta(minutes=39, seconds=31),
                             client="203.0.113.9")
        assert actor.email == "coord@ville.fr"


def test_one_client_spraying_many_accounts_is_slowed(accounts):
    engine, _ = accounts
    with Session(engine) as session:
        for index in range(10):
            with pytest.raises(SignInError, match="incorrect"):
                authenticate(session, f"victime{index}@ville.fr", "mauvais", now=NOW, client="198.51.100.66")
        with pytest.raises(SignInError, match="Trop d'essais"):
            authenticate(session, "autre@ville.fr", "mauvais", now=NOW, client="198.51.100.66")
        with pytest.raises(SignInError, match="incorrect"):  # another client is not affected
            authenticate(session, "autre@ville.fr", "mauvais", now=NOW, client="203.0.113.9")


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
