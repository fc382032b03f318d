"""Sign-in: password check with Argon2, progressive delays after failures, single sign-on matching."""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from maillage.accounts import creation
from maillage.accounts.access import Actor, actor_for_user
from maillage.core.errors import MaillageError
from models import User
from models.common import utc_now

# Failed sign-ins slow down, they never lock: the delay grows per account (any client) and per client
# address (any account), so a stranger can at most make a person wait DELAY_CAP_ACCOUNT (issue 20).
FREE_ATTEMPTS = 3
DELAY_CAP_ACCOUNT = dt.timedelta(seconds=30)
DELAY_CAP_CLIENT = dt.timedelta(minutes=5)
FREE_ATTEMPTS_CLIENT = 10
_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("compte-inexistant-pour-egaliser-le-temps")
BAD_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."


@dataclass
class _Failures:
    """Failed attempts of one key (an account or a client address) and when the next one is allowed."""

    count: int = 0
    not_before: dt.datetime | None = None


class SignInThrottle:
    """Progressive delays after failed sign-ins, per account and per client address (kept in the process).

    Unknown e-mails are tracked like real ones, so the answers never tell whether an account exists."""

    def __init__(self) -> None:
        """No failure yet."""
        self._lock = threading.Lock()
        self._accounts: dict[str, _Failures] = {}
        self._clients: dict[str, _Failures] = {}

    @staticmethod
    def _delay(count: int, free: int, cap: dt.timedelta) -> dt.timedelta:
        """1 s after the free attempts, then doubling, up to `cap`."""
        if count < free:
            return dt.timedelta(0)
        return min(dt.timedelta(seconds=2 ** min(count - free, 20)), cap)

    def wait(self, email: str, client: str, now: dt.datetime) -> dt.timedelta:
        """How long this account or this client must still wait before trying again (zero: may try)."""
        with self._lock:
            waits = [failures.not_before - now for failures in
                     (self._accounts.get(email), self._clients.get(client) if client else None)
                     if failures is not None and failures.not_before is not None]
        return max([dt.timedelta(0), *waits])

    def failed(self, email: str, client: str, now: dt.datetime) -> None:
        """Count a failure for the account and the client."""
        with self._lock:
            account = self._accounts.setdefault(email, _Failures())
            account.count += 1
            account.not_before = now + self._delay(account.count, FREE_ATTEMPTS, DELAY_CAP_ACCOUNT)
            if client:
                client_failures = self._clients.setdefault(client, _Failures())
                client_failures.count += 1
                client_failures.not_before = now + self._delay(client_failures.count, FREE_ATTEMPTS_CLIENT,
                                                               DELAY_CAP_CLIENT)
            if len(self._accounts) > 100_000 or len(self._clients) > 100_000:  # bounded memory
                self._accounts.clear()
                self._clients.clear()

    def succeeded(self, email: str) -> None:
        """A successful sign-in clears the account's failures (not the client's)."""
        with self._lock:
            self._accounts.pop(email, None)


THROTTLE = SignInThrottle()


class SignInError(MaillageError):
    """Sign-in refused; the message is safe to show (it never says whether the e-mail exists)."""


def authenticate(session: Session, email: str, password: str, now: dt.datetime | None = None,
                 client: str = "", throttle: SignInThrottle | None = None) -> Actor:
    """Check an e-mail and password. Every refusal says the same thing whether or not the account exists;
    repeated failures slow down (per account and per `client` address) instead of locking the account."""
    now = now or utc_now()
    throttle = throttle or THROTTLE
    email = (email or "").strip().lower()
    wait = throttle.wait(email, client, now)
    if wait > dt.timedelta(0):
        seconds = max(int(wait.total_seconds() + 0.999), 1)
        raise SignInError(f"Trop d'essais infructueux : réessayez dans {seconds} seconde{'s' if seconds > 1 else ''}.")
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None or not user.password_hash:
        try:
            _hasher.verify(_DUMMY_HASH, password or "")
        except VerificationError:
            pass
        throttle.failed(email, client, now)
        raise SignInError(BAD_CREDENTIALS)
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        throttle.failed(email, client, now)
        raise SignInError(BAD_CREDENTIALS) from None
    if not user.active:
        raise SignInError("Ce compte est désactivé : adressez-vous à l'administrateur de Maillage.")
    throttle.succeeded(email)
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
    """A demonstration account, printed in the terminal by `make run` (never shown in a browser)."""

    email: str
    role: str
    name: str
    password: str


def demo_accounts(accounts_file: Path | None = None) -> list[DemoAccount]:
    """The demo accounts written by `init --demo` (empty when there are none)."""
    accounts_file = accounts_file or creation.DEMO_ACCOUNTS_FILE
    if not accounts_file.exists():
        return []
    try:
        rows = json.loads(accounts_file.read_text(encoding="utf-8"))
        return [DemoAccount(r["email"], r["role"], r["name"], r["password"]) for r in rows]
    except (ValueError, KeyError, TypeError):
        return []
