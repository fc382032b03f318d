"""Personal link tokens: 256 random bits, only their SHA-256 stored, compared in constant time; the
rate limit of the token page; the one refusal every bad token gets."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import deque

from maillage.core.errors import MaillageError

TOKEN_PARAMETER = "campagne"
TOKEN_BYTES = 32  # 256 bits (the issue asks for at least 128)
MAX_TOKEN_LENGTH = 100
REFUSAL = ("Ce lien n'est pas valable : il a peut-être expiré, été remplacé ou mal copié. "
           "Demandez un nouveau lien à la coordination de votre instance.")
TOO_MANY = "Trop de tentatives depuis votre connexion : réessayez dans quelques minutes."


class TokenRefused(MaillageError):
    """A wrong, expired, revoked or closed-campaign token: always the same French message."""

    def __init__(self) -> None:
        super().__init__(REFUSAL)


class TooManyAttempts(MaillageError):
    """The token page refused because this client tried too many bad links."""

    def __init__(self) -> None:
        super().__init__(TOO_MANY)


def new_token() -> str:
    """A fresh URL-safe token of 256 random bits."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The SHA-256 (hex) stored instead of the token."""
    return hashlib.sha256((token or "").encode("utf-8", "replace")).hexdigest()


def same_hash(stored: str, candidate: str) -> bool:
    """Constant-time comparison of two hashes."""
    return hmac.compare_digest(stored.encode("ascii", "replace"), candidate.encode("ascii", "replace"))


def plausible(token: str | None) -> bool:
    """Whether `token` has the shape of a token (checked before anything else, in constant time per length)."""
    return bool(token) and len(token) <= MAX_TOKEN_LENGTH and all(
        c.isascii() and (c.isalnum() or c in "-_") for c in token)


class RateLimiter:
    """Sliding-window limit of failed attempts per client (per process; deployments use sticky sessions)."""

    def __init__(self, failures: int = 10, window_seconds: float = 900.0, clock=time.monotonic):
        self.failures = failures
        self.window = window_seconds
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str) -> deque[float]:
        """The client's failures still inside the window."""
        now = self.clock()
        times = self._seen.setdefault(client, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def blocked(self, client: str) -> bool:
        """Whether the client has used up its failures."""
        with self._lock:
            return len(self._recent(client)) >= self.failures

    def failed(self, client: str) -> None:
        """Count one failed attempt of the client."""
        with self._lock:
            self._recent(client).append(self.clock())
            if len(self._seen) > 10_000:  # forget the oldest clients rather than grow without bound
                for key in list(self._seen)[:1000]:
                    self._seen.pop(key, None)


def _limit_from_environment() -> RateLimiter:
    """The token page's limit: MAILLAGE_TOKEN_FAILURES failed links per client in 15 minutes (10 by default)."""
    try:
        failures = int(os.environ.get("MAILLAGE_TOKEN_FAILURES", "10"))
    except ValueError:
        failures = 10
    return RateLimiter(failures=max(1, failures))


TOKEN_LIMITER = _limit_from_environment()
