"""Sign-in: password check with Argon2, lock-out after repeated failures, single sign-on matching."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from maillage.accounts.access import Actor, actor_for_user
from maillage.accounts.creation import DEMO_ACCOUNTS_FILE
from maillage.accounts.sessions import revoke_user_sessions
from maillage.core.errors import MaillageError
from maillage.core.formatting import format_datetime
from models import User
from models.common import utc_now

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)
_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("compte-inexistant-pour-egaliser-le-temps")


class SignInError(MaillageError):
    """Sign-in refused; the message is safe to show (it never says whether the e-mail exists)."""


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def authenticate(session: Session, email: str, password: str, now: dt.datetime | None = None) -> Actor:
    """Check an e-mail and password; count failures and lock the account for 15 min after 5 of them."""
    now = now or utc_now()
    email = (email or "").strip().lower()
    user = session.exec(select(User).where(User.email == email)).first()
    generic = SignInError("Adresse e-mail ou mot de passe incorrect.")
    if user is None or not user.password_hash:
        try:
            _hasher.verify(_DUMMY_HASH, password or "")
        except VerificationError:
            pass
        raise generic
    locked_until = _aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        raise SignInError(
            f"Compte verrouillé après {MAX_FAILED_ATTEMPTS} essais infructueux : réessayez après le "
            f"{format_datetime(locked_until)}."
        )
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        user.failed_attempts += 1
        if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
            user.locked_until = now + LOCKOUT
            user.failed_attempts = 0
            revoke_user_sessions(session, user.id, now)  # whoever is signed in must prove it again
            session.add(user)
            session.commit()
            raise SignInError(
                f"Compte verrouillé pour 15 minutes après {MAX_FAILED_ATTEMPTS} essais infructueux."
            ) from None
        session.add(user)
        session.commit()
        remaining = MAX_FAILED_ATTEMPTS - user.failed_attempts
        raise SignInError(
            f"Adresse e-mail ou mot de passe incorrect ({remaining} essai{'s' if remaining > 1 else ''} "
            "avant verrouillage du compte)." if user.failed_attempts >= 3 else "Adresse e-mail ou mot de passe incorrect."
        ) from None
    if not user.active:
        raise SignInError("Ce compte est désactivé : adressez-vous à l'administrateur de Maillage.")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_attempts = 0
    user.locked_until = None
    user.last_login_at = now
    session.add(user)
    session.commit()
    return actor_for_user(session, user)


def actor_for_single_sign_on(session: Session, email: str | None) -> Actor:
    """The actor of a person signed in through OpenID Connect: matched by e-mail; unknown → no access."""
    email = (email or "").strip().lower()
    user = session.exec(select(User).where(User.email == email)).first() if email else None
    if user is None:
        raise SignInError(
            f"Vous êtes bien identifié ({email or 'adresse inconnue'}), mais aucun compte Maillage ne "
            "correspond à cette adresse : demandez à l'administrateur de vous en créer un."
        )
    if not user.active:
        raise SignInError("Ce compte est désactivé : adressez-vous à l'administrateur de Maillage.")
    user.last_login_at = utc_now()
    session.add(user)
    session.commit()
    return actor_for_user(session, user)


@dataclass(frozen=True)
class DemoAccount:
    """A demonstration account shown on the sign-in page (demo databases only)."""

    email: str
    role: str
    name: str
    password: str


def demo_accounts(accounts_file: Path = DEMO_ACCOUNTS_FILE) -> list[DemoAccount]:
    """The demo accounts written by `init --demo` (empty when there are none)."""
    if not accounts_file.exists():
        return []
    try:
        rows = json.loads(accounts_file.read_text(encoding="utf-8"))
        return [DemoAccount(r["email"], r["role"], r["name"], r["password"]) for r in rows]
    except (ValueError, KeyError, TypeError):
        return []
