"""Sign-in sessions kept server-side: random tokens stored hashed, idle and absolute expiry, revocation.

A browser holds only the token (in an HttpOnly cookie, see docs/sessions.md); the table holds its
SHA-256, so a copy of the database opens no session. Every run of the app resolves the token to the
account as it is *now* (active, role, councils, networks): disabling, demoting or re-scoping an
account takes effect at its next click.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from dataclasses import dataclass

from sqlmodel import Session, select, update

from maillage.accounts.access import Actor, actor_for_user
from maillage.core.errors import NotFoundError
from models import SignInSession, User
from models.common import utc_now

TOKEN_BYTES = 32  # 256 bits of randomness (the issue asks for at least 128)
DEFAULT_IDLE_HOURS = 8.0
DEFAULT_LIFETIME_DAYS = 7.0
SEEN_REFRESH = dt.timedelta(minutes=1)
PURGE_AFTER = dt.timedelta(days=30)

# Why a session was refused (the app turns each into a French notice).
EXPIRED_IDLE = "idle"
EXPIRED_LIFETIME = "lifetime"
REVOKED = "revoked"
DISABLED = "disabled"
UNKNOWN = "unknown"


def _hours_from_env(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip().replace(",", ".")
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if value > 0 else default


def idle_timeout() -> dt.timedelta:
    """How long a session may stay idle: `MAILLAGE_IDLE_HOURS` (default 8 h)."""
    return dt.timedelta(hours=_hours_from_env("MAILLAGE_IDLE_HOURS", DEFAULT_IDLE_HOURS))


def session_lifetime() -> dt.timedelta:
    """How long a session may last at most, active or not: `MAILLAGE_SESSION_DAYS` (default 7 days)."""
    return dt.timedelta(days=_hours_from_env("MAILLAGE_SESSION_DAYS", DEFAULT_LIFETIME_DAYS))


def session_expired(last_activity: dt.datetime | None, now: dt.datetime | None = None,
                    timeout: dt.timedelta | None = None) -> bool:
    """Whether a session idle since `last_activity` has expired."""
    if last_activity is None:
        return False
    now = now or utc_now()
    return now - _aware(last_activity) > (timeout or idle_timeout())


def hash_token(token: str) -> str:
    """The SHA-256 (hex) under which a token is stored; a token has enough entropy not to need salt."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def open_session(session: Session, email: str, *, user_agent: str = "", single_sign_on: bool = False,
                 now: dt.datetime | None = None) -> str:
    """Open a new session for an account (after its password or single sign-on was checked); the new token."""
    now = now or utc_now()
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise NotFoundError(f"aucun compte pour « {email} »")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(SignInSession(
        user_id=user.id, token_hash=hash_token(token), created_at=now, last_seen_at=now,
        expires_at=now + session_lifetime(), user_agent=(user_agent or "")[:300], single_sign_on=single_sign_on,
    ))
    _purge(session, now)
    session.commit()
    return token


def _purge(session: Session, now: dt.datetime) -> None:
    """Forget sessions that ended more than 30 days ago (they no longer say anything useful)."""
    old = now - PURGE_AFTER
    for row in session.exec(select(SignInSession).where(SignInSession.expires_at < old)):
        session.delete(row)
    for row in session.exec(select(SignInSession).where(SignInSession.revoked_at.is_not(None),
                                                        SignInSession.revoked_at < old)):
        session.delete(row)


@dataclass(frozen=True)
class Resumed:
    """What a token gives: the actor as the account is now, or why there is none."""

    actor: Actor | None
    reason: str | None = None
    single_sign_on: bool = False
    write_due: bool = False  # read without writing: « last seen » or a revocation is due (see resume_session)


def resume_session(session: Session, token: str | None, now: dt.datetime | None = None, *,
                   write: bool = True) -> Resumed:
    """Check a token against the table and re-read its account; refresh « last seen » at most once a minute.

    With `write=False` (a read-only session, so a page never waits behind someone else's long write) nothing
    is written: `write_due` says whether a refresh or a revocation should follow in a writing session.
    """
    if not token:
        return Resumed(None, UNKNOWN)
    now = now or utc_now()
    found = session.exec(
        select(SignInSession, User).join(User, User.id == SignInSession.user_id)
        .where(SignInSession.token_hash == hash_token(token))
    ).first()
    if found is None:
        return Resumed(None, UNKNOWN)
    row, user = found
    if row.revoked_at is not None:
        return Resumed(None, REVOKED, row.single_sign_on)
    ended = (DISABLED if not user.active else EXPIRED_LIFETIME if now >= _aware(row.expires_at)
             else EXPIRED_IDLE if session_expired(row.last_seen_at, now) else None)
    if ended:
        if write:
            _revoke_rows(session, [row], now)
        return Resumed(None, ended, row.single_sign_on, write_due=not write)
    seen_due = now - _aware(row.last_seen_at) >= SEEN_REFRESH
    if seen_due and write:
        row.last_seen_at = now
        session.add(row)
        session.commit()
    return Resumed(actor_for_user(session, user), None, row.single_sign_on, write_due=seen_due and not write)


def session_is_live(session: Session, token: str | None, now: dt.datetime | None = None) -> bool:
    """Whether a token names an open session of an active account (no refresh, no side effect)."""
    if not token:
        return False
    now = now or utc_now()
    found = session.exec(
        select(SignInSession, User).join(User, User.id == SignInSession.user_id)
        .where(SignInSession.token_hash == hash_token(token))
    ).first()
    if found is None:
        return False
    row, user = found
    return (row.revoked_at is None and user.active and now < _aware(row.expires_at)
            and not session_expired(row.last_seen_at, now))


def _revoke_rows(session: Session, rows: list[SignInSession], now: dt.datetime) -> None:
    for row in rows:
        row.revoked_at = now
        session.add(row)
    session.commit()


def revoke_session(session: Session, token: str | None, now: dt.datetime | None = None) -> None:
    """Close the session of this token (sign-out); unknown or already closed tokens are ignored."""
    if not token:
        return
    row = session.exec(select(SignInSession).where(SignInSession.token_hash == hash_token(token))).first()
    if row is not None and row.revoked_at is None:
        _revoke_rows(session, [row], now or utc_now())


def revoke_user_sessions(session: Session, user_id: int | None, now: dt.datetime | None = None) -> int:
    """Close every open session of an account (password change, disabling, lock-out); how many were open.

    Does not commit: it runs inside the caller's write.
    """
    if user_id is None:
        return 0
    result = session.exec(
        update(SignInSession)
        .where(SignInSession.user_id == user_id, SignInSession.revoked_at.is_(None))
        .values(revoked_at=now or utc_now())
    )
    return result.rowcount or 0


@dataclass(frozen=True)
class OpenSession:
    """One of my open sessions, as « Mon compte » lists them."""

    id: int
    created_at: dt.datetime
    last_seen_at: dt.datetime
    browser: str
    single_sign_on: bool
    current: bool


def describe_user_agent(user_agent: str) -> str:
    """A short French description of a browser from its User-Agent (« Chrome sur Linux »)."""
    agent = user_agent or ""
    browser = next((label for needle, label in (
        ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("HeadlessChrome", "Chromium sans écran"),
        ("Chromium/", "Chromium"), ("Chrome/", "Chrome"), ("Safari/", "Safari"),
    ) if needle in agent), "Navigateur inconnu")
    system = next((label for needle, label in (
        ("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
        ("Mac OS X", "macOS"), ("Linux", "Linux"),
    ) if needle in agent), "")
    return f"{browser} sur {system}" if system else browser


def list_open_sessions(session: Session, actor: Actor, current_token: str | None = None,
                       now: dt.datetime | None = None) -> list[OpenSession]:
    """My sessions still open, most recently seen first (the current one flagged)."""
    now = now or utc_now()
    current_hash = hash_token(current_token) if current_token else None
    rows = session.exec(
        select(SignInSession).join(User, User.id == SignInSession.user_id)
        .where(User.email == actor.email, SignInSession.revoked_at.is_(None))
    ).all()
    live = [r for r in rows if now < _aware(r.expires_at) and not session_expired(r.last_seen_at, now)]
    live.sort(key=lambda r: _aware(r.last_seen_at), reverse=True)
    return [OpenSession(r.id, _aware(r.created_at), _aware(r.last_seen_at), describe_user_agent(r.user_agent),
                        r.single_sign_on, r.token_hash == current_hash) for r in live]


def close_my_session(session: Session, actor: Actor, session_id: int, now: dt.datetime | None = None) -> None:
    """Close one of my own sessions (another person's session is « not found »)."""
    row = session.exec(
        select(SignInSession).join(User, User.id == SignInSession.user_id)
        .where(SignInSession.id == session_id, User.email == actor.email)
    ).first()
    if row is None:
        raise NotFoundError("cette session n'existe pas ou n'est pas la vôtre")
    if row.revoked_at is None:
        _revoke_rows(session, [row], now or utc_now())
