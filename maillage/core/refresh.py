"""Results refreshed in the background: the last result of a costly national view is served at once while
the result for the new data version is computed in a thread (one at a time per key), then swapped in.

No Streamlit here: a page keeps one `BackgroundRefresh` per process and passes the function that computes
(with the engine it needs already in hand: a thread must not call Streamlit). The clock and the way a job is
started are injectable, so the tests run the logic without threads or waiting.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Served:
    """A result as served: its value, the version it was computed for, when, and whether it is current."""

    value: Any
    version: Hashable
    computed_at: float
    current: bool  # computed for the version asked for
    refreshing: bool  # a newer result is being computed in the background


@dataclass(frozen=True)
class _Entry:
    """The last result kept for a key."""

    version: Hashable
    value: Any
    computed_at: float


def _start_thread(job: Callable[[], None]) -> None:
    """Run `job` in a daemon thread (the default way a refresh starts)."""
    threading.Thread(target=job, name="maillage-refresh", daemon=True).start()


class BackgroundRefresh:
    """Last results per key, refreshed in the background when the data version of a key changes."""

    def __init__(self, *, clock: Callable[[], float] = time.time,
                 start: Callable[[Callable[[], None]], None] = _start_thread,
                 max_keys: int = 16, retry_after: float = 60.0) -> None:
        """`clock` gives the time in seconds; `start(job)` runs a job (a thread by default); at most `max_keys`
        results are kept (least recently served dropped first); a failed refresh is retried after `retry_after` s."""
        self._clock = clock
        self._start = start
        self._max_keys = max_keys
        self._retry_after = retry_after
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._running: dict[Hashable, Hashable] = {}  # key → version being computed
        self._failed: dict[Hashable, tuple[Hashable, float]] = {}  # key → (version, when it failed)
        self._idle = threading.Condition(self._lock)

    def get(self, key: Hashable, version: Hashable, compute: Callable[[], Any]) -> Served:
        """The result of `compute()` for `key` at `version`: the kept one if current; else the last one kept,
        while the new one is computed in the background; computed here and now when nothing is kept yet
        (its exceptions then reach the caller)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                if entry.version == version:
                    return Served(entry.value, entry.version, entry.computed_at, True, key in self._running)
                started = self._start_refresh_locked(key, version, compute)
                return Served(entry.value, entry.version, entry.computed_at, False, started or key in self._running)
        value = compute()
        at = self._clock()
        with self._lock:
            self._store_locked(key, version, value, at)
            return Served(value, version, at, True, key in self._running)

    def _start_refresh_locked(self, key: Hashable, version: Hashable, compute: Callable[[], Any]) -> bool:
        """Start one background computation of `key` at `version` unless one runs or it just failed."""
        if key in self._running:
            return False
        failed = self._failed.get(key)
        if failed is not None and failed[0] == version and self._clock() - failed[1] < self._retry_after:
            return False
        self._running[key] = version
        try:
            self._start(lambda: self._refresh(key, version, compute))
        except Exception:  # no thread could be started: serve the last result, try again later
            logger.exception("Actualisation de %r impossible à lancer", key)
            self._running.pop(key, None)
            self._failed[key] = (version, self._clock())
            return False
        return True

    def _refresh(self, key: Hashable, version: Hashable, compute: Callable[[], Any]) -> None:
        """The background job: compute, then keep the result (an error is logged, the last result stays)."""
        try:
            value = compute()
        except Exception:
            logger.exception("Actualisation en arrière-plan de %r (version %r) en échec", key, version)
            with self._lock:
                self._failed[key] = (version, self._clock())
                self._running.pop(key, None)
                self._idle.notify_all()
            return
        at = self._clock()
        with self._lock:
            self._store_locked(key, version, value, at)
            self._failed.pop(key, None)
            self._running.pop(key, None)
            self._idle.notify_all()

    def _store_locked(self, key: Hashable, version: Hashable, value: Any, at: float) -> None:
        """Keep a result, dropping the least recently served beyond `max_keys`."""
        self._entries[key] = _Entry(version, value, at)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_keys:
            self._entries.popitem(last=False)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until no refresh runs (for tests and benchmarks); False if `timeout` passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._idle:
            while self._running:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def age(self, served: Served) -> float:
        """Seconds since `served` was computed."""
        return max(0.0, self._clock() - served.computed_at)


def computed_ago(seconds: float) -> str:
    """How long ago a result was computed, in French: « calculé il y a 2 min »."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return "calculé à l'instant"
    minutes = seconds // 60
    if minutes < 60:
        return f"calculé il y a {minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"calculé il y a {hours} h" + (f" {minutes:02d}" if minutes else "")
    days = hours // 24
    return f"calculé il y a {days} jour" + ("s" if days > 1 else "")


def freshness_note(served: Served, seconds: float) -> str:
    """The caption under a result served from the background cache: its age, and whether it is being updated."""
    note = computed_ago(seconds)
    if not served.current:
        note += " ; les données ont changé depuis" + (" : mise à jour en cours" if served.refreshing else "")
    return note[:1].upper() + note[1:] + "."
