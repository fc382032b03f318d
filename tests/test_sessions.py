"""Server-side sign-in sessions: hashed tokens, a new token at each sign-in, expiry, revocation, rights re-read."""

import datetime as dt

import pytest
from sqlmodel import Session, select

from maillage.accounts import (
    SYSTEM,
    Actor,
    SignInError,
    add_user,
    authenticate,
    close_my_session,
    disable_user,
    list_open_sessions,
    open_session,
    resume_session,
    revoke_session,
    session_is_live,
    set_password,
    update_user,
)
from maillage.accounts.sessions import (
    DISABLED,
    EXPIRED_IDLE,
    EXPIRED_LIFETIME,
    REVOKED,
    UNKNOWN,
    describe_user_agent,
    hash_token,
    session_lifetime,
)
from maillage.accounts.signin import SignInThrottle
from maillage.core import NotFoundError
from models import SignInSession, User
from tests.builders import add_council, add_mini_geography

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0 Safari/537.36"


@pytest.fixture
def engine(empty_engine):
    with Session(empty_engine) as session:
        add_mini_geography(session)
        add_council(session, "CLSPD de Bordeaux", ["com:33063"])
        add_council(session, "CLSPD de Saintes", ["com:17415"])
        add_user(session, SYSTEM, "coord@ville.fr", "coordinateur", password=PASSWORD, councils=["CLSPD de Bordeaux"])
        add_user(session, SYSTEM, "autre@ville.fr", "coordinateur", password=PASSWORD, councils=["CLSPD de Saintes"])
        session.commit()
    return empty_engine


def _rows(engine) -> list[SignInSession]:
    with Session(engine) as session:
        return list(session.exec(select(SignInSession).order_by(SignInSession.id)))


def test_token_is_random_long_and_stored_only_hashed(engine):
    with Session(engine) as session:
        token = open_session(session, "coord@ville.fr", user_agent=CHROME, now=NOW)
    assert len(token) >= 43  # 32 random bytes, URL-safe base 64: 256 bits
    (row,) = _rows(engine)
    assert row.token_hash == hash_token(token) and len(row.token_hash) == 64
    assert token not in row.token_hash
    with Session(engine) as session:
        stored = " ".join(str(v) for r in session.exec(select(SignInSession)) for v in r.model_dump().values())
    assert token not in stored
    assert row.user_agent == CHROME
    assert row.expires_at.replace(tzinfo=dt.UTC) == NOW + session_lifetime()


def test_new_token_at_each_sign_in(engine):
    with Session(engine) as session:
        first = open_session(session, "coord@ville.fr", now=NOW)
        second = open_session(session, "coord@ville.fr", now=NOW)
    assert first != second
    assert len({r.token_hash for r in _rows(engine)}) == 2


def test_resume_gives_the_account_as_it_is_now(engine):
    with Session(engine) as session:
        token = open_session(session, "coord@ville.fr", now=NOW)
        resumed = resume_session(session, token, NOW + dt.timedelta(minutes=5))
        assert resumed.reason is None and resumed.actor.email == "coord@ville.fr"
        assert resumed.actor.role == "coordinateur" and len(resumed.actor.council_ids) == 1
        # Demoted and moved to another council: the next run sees it.
        update_user(session, SYSTEM, "coord@ville.fr", role="elu", councils=["CLSPD de Saintes"], networks=[],
                    display_name="", active=True)
        session.commit()
        again = resume_session(session, token, NOW + dt.timedelta(minutes=6))
    assert again.actor.role == "elu"
    assert again.actor.council_ids != resumed.actor.council_ids


def test_unknown_and_empty_tokens(engine):
    with Session(engine) as session:
        assert resume_session(session, None, NOW).reason == UNKNOWN
        assert resume_session(session, "", NOW).reason == UNKNOWN
        assert resume_session(session, "pas-un-jeton", NOW).reason == UNKNOWN
        assert not session_is_live(session, "pas-un-jeton", NOW)


def test_last_seen_refreshed_at_most_once_a_minute(engine):
    with Session(engine) as session:
        token = open_session(session, "coord@ville.fr", now=NOW)
        resume_session(session, token, NOW + dt.timedelta(seconds=30))
    assert _rows(engine)[0].last_seen_at.replace(tzinfo=dt.UTC) == NOW
    with Session(engine) as session:
        resume_session(session, token, NOW + dt.timedelta(seconds=61))
    assert _rows(engine)[0].last_seen_at.replace(tzinfo=dt.UTC) == NOW + dt.timedelta(seconds=61)


def test_idle_expiry_follows_the_setting(engine, monkeypatch):
    monkeypatch.setenv("MAILLAGE_IDLE_HOURS", "2")
    with Session(engine) as session:
        token = open_session(session, "coord@ville.fr", now=NOW)
        assert resume_session(session, token, NOW + dt.timedelta(hours=1, minutes=59)).actor is not None
        # Active at 1 h 59: the idle clock restarts from there.
        assert resume_session(session, token, NOW + dt.timedelta(hours=3, minutes=58)).actor is not None
        late = resume_session(session, token, NOW + dt.timedelta(hours=6))
    assert late.actor is None and late.reason == EXPIRED_IDLE
    with Session(engine) as session:  # expired stays expired
        assert resume_session(session, token, NOW + dt.timedelta(hours=6)).reason == REVOKED


def test_absolute_lifetime_even_when_active(engine, monkeypatch):
    monkeypatch.setenv("MAILLAGE_SESSION_DAYS", "1")
    with Session(engine) as session:
        token = open_session(session, "coord@ville.fr", now=NOW)
        moment = NOW
        while moment < NOW + dt.timedelta(hours=23):
            moment += dt.timedelta(hours=1)
            assert resume_session(session, token, moment).actor is not None
        assert resume_session(session, token, NOW + dt.timedelta(hours=24)).reason == EXPIRED_LIFETIME


def test_sign_out_revokes_only_that_session(engine):
    with Session(engine) as session:
        first = open_session(session, "coord@ville.fr", now=NOW)
        second = open_session(session, "coord@ville.fr", now=NOW)
        revoke_session(session, first, NOW)
        revoke_session(session, "inconnu", NOW)  # ignored
        assert resume_session(session, first, NOW).reason == REVOKED
        assert resume_session(session, second, NOW).actor is not None


def test_password_change_revokes_every_session(engine):
    with Session(engine) as session:
        token = open_session(session, "coord@ville.fr", now=NOW)
        other = open_session(session, "autre@ville.fr", now=NOW)
        set_password(session, Actor("coord@ville.fr", "coordinateur"), "coord@ville.fr", "un-nouveau-mot-de-passe")
        session.commit()
        assert resume_session(session, token, NOW + dt.timedelta(minutes=1)).reason == REVOKED
        assert resume_session(session, other, NOW + dt.timedelta(minutes=1)).actor is not None


def test_disabling_revokes_and_refuses(engine):
    with Session(engine) as session:
        token = open_session(session, "coord@ville.fr")
        disable_user(session, SYSTEM, "coord@ville.fr")
        session.commit()
        assert resume_session(session, token).reason == REVOKED
        assert not session_is_live(session, token)


def test_disabled_through_the_account_form_and_direct_flag(engine):
    with Session(engine) as session:
        token = open_session(session, "coord@ville.fr")
        update_user(session, SYSTEM, "coord@ville.fr", role="coordinateur", councils=["CLSPD de Bordeaux"],
                    networks=[], display_name="", active=False)
        session.commit()
        assert resume_session(session, token).reason == REVOKED
        # Even a session the revocation missed (flag changed directly in the table) is refused.
        user = session.exec(select(User).where(User.email == "autre@ville.fr")).one()
        other = open_session(session, "autre@ville.fr")
        user.active = False
        session.add(user)
        session.commit()
        assert resume_session(session, other).reason == DISABLED


def test_failed_sign_ins_never_lock_nor_close_sessions(engine):
    """Failures slow down the next tries (issue 20) but neither lock the account nor close its sessions:
    a stranger typing wrong passwords must not sign the real person out."""
    throttle = SignInThrottle()
    with Session(engine) as session:
        token = open_session(session, "coord@ville.fr", now=NOW)
        for _ in range(5):
            with pytest.raises(SignInError):
                authenticate(session, "coord@ville.fr", "mauvais", now=NOW, throttle=throttle)
        user = session.exec(select(User).where(User.email == "coord@ville.fr")).one()
        assert user.locked_until is None
        assert resume_session(session, token, NOW).reason is None
        later = NOW + dt.timedelta(minutes=5)
        assert authenticate(session, "coord@ville.fr", PASSWORD, now=later, throttle=throttle).email == "coord@ville.fr"


def test_open_sessions_listed_and_closed_by_their_owner_only(engine):
    coord = Actor("coord@ville.fr", "coordinateur")
    other = Actor("autre@ville.fr", "coordinateur")
    with Session(engine) as session:
        mine = open_session(session, "coord@ville.fr", user_agent=CHROME, now=NOW - dt.timedelta(minutes=10))
        open_session(session, "coord@ville.fr", user_agent="Mozilla/5.0 (Windows NT 10.0) Firefox/140.0", now=NOW)
        theirs = open_session(session, "autre@ville.fr", now=NOW)
        closed = open_session(session, "coord@ville.fr", now=NOW)
        revoke_session(session, closed, NOW)
        listed = list_open_sessions(session, coord, mine, NOW)
        assert [s.browser for s in listed] == ["Firefox sur Windows", "Chrome sur Linux"]
        assert [s.current for s in listed] == [False, True]
        their_id = list_open_sessions(session, other, theirs, NOW)[0].id
        with pytest.raises(NotFoundError):
            close_my_session(session, coord, their_id)
        close_my_session(session, coord, listed[0].id, NOW)
        assert [s.browser for s in list_open_sessions(session, coord, mine, NOW)] == ["Chrome sur Linux"]
        assert resume_session(session, theirs, NOW).actor is not None


def test_user_agent_descriptions():
    assert describe_user_agent(CHROME) == "Chrome sur Linux"
    assert describe_user_agent("") == "Navigateur inconnu"
    assert describe_user_agent("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1") == "Safari sur iPhone"
    assert describe_user_agent("Mozilla/5.0 (Windows NT 10.0) Chrome/142.0 Safari/537.36 Edg/142.0") == "Edge sur Windows"


def test_no_session_for_an_unknown_account(engine):
    with Session(engine) as session:
        open_session(session, "coord@ville.fr", now=NOW)
        with pytest.raises(NotFoundError):
            open_session(session, "personne@ville.fr", now=NOW)
    assert len(_rows(engine)) == 1


def test_old_sessions_are_purged(engine):
    with Session(engine) as session:
        old = open_session(session, "coord@ville.fr", now=NOW - dt.timedelta(days=60))
        revoke_session(session, old, NOW - dt.timedelta(days=59))
        open_session(session, "coord@ville.fr", now=NOW)
    assert len(_rows(engine)) == 1
