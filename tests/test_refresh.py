"""Background refresh of national views: the last result served while the new version is computed."""

import logging
import threading

import pytest

from maillage.core import BackgroundRefresh, computed_ago, freshness_note


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Jobs:
    """Jobs started by the refresher, run when the test says."""

    def __init__(self):
        self.pending = []

    def __call__(self, job):
        self.pending.append(job)

    def run_all(self):
        while self.pending:
            self.pending.pop(0)()


def _refresher(**kwargs):
    clock, jobs = Clock(), Jobs()
    return BackgroundRefresh(clock=clock, start=jobs, **kwargs), clock, jobs


def test_first_result_computed_at_once_then_served_from_memory():
    refresher, clock, jobs = _refresher()
    calls = []
    served = refresher.get("net", (1,), lambda: calls.append(1) or "v1")
    assert (served.value, served.version, served.current, served.refreshing) == ("v1", (1,), True, False)
    assert served.computed_at == 1000.0
    clock.now += 30
    again = refresher.get("net", (1,), lambda: calls.append(1) or "other")
    assert again.value == "v1" and len(calls) == 1 and not jobs.pending
    assert refresher.age(again) == 30


def test_new_version_serves_the_last_result_while_one_refresh_runs():
    refresher, clock, jobs = _refresher()
    refresher.get("net", 1, lambda: "v1")
    clock.now += 120
    stale = refresher.get("net", 2, lambda: "v2")
    assert (stale.value, stale.version, stale.current, stale.refreshing) == ("v1", 1, False, True)
    # asked again before the refresh ends: the same old result, and no second refresh
    assert refresher.get("net", 2, lambda: "v2 bis").value == "v1"
    assert refresher.get("net", 3, lambda: "v3").value == "v1"
    assert len(jobs.pending) == 1
    clock.now += 5
    jobs.run_all()
    fresh = refresher.get("net", 2, lambda: "unused")
    assert (fresh.value, fresh.current, fresh.refreshing, fresh.computed_at) == ("v2", True, False, 1125.0)
    # version 3 was asked meanwhile: the next request starts its refresh
    assert refresher.get("net", 3, lambda: "v3").value == "v2" and len(jobs.pending) == 1


def test_keys_refresh_independently():
    refresher, _clock, jobs = _refresher()
    refresher.get("a", 1, lambda: "a1")
    refresher.get("b", 1, lambda: "b1")
    refresher.get("a", 2, lambda: "a2")
    refresher.get("b", 2, lambda: "b2")
    assert len(jobs.pending) == 2
    jobs.run_all()
    assert refresher.get("a", 2, lambda: None).value == "a2"
    assert refresher.get("b", 2, lambda: None).value == "b2"


def test_a_failed_refresh_is_logged_keeps_the_last_result_and_waits_before_retrying(caplog):
    refresher, clock, jobs = _refresher(retry_after=60)

    def boom():
        raise RuntimeError("base indisponible")

    refresher.get("net", 1, lambda: "v1")
    refresher.get("net", 2, boom)
    with caplog.at_level(logging.ERROR, logger="maillage.core.refresh"):
        jobs.run_all()  # must not raise
    assert "base indisponible" in caplog.text
    served = refresher.get("net", 2, boom)
    assert served.value == "v1" and not served.current and not served.refreshing and not jobs.pending
    clock.now += 61
    assert refresher.get("net", 2, lambda: "v2").refreshing and len(jobs.pending) == 1
    jobs.run_all()
    assert refresher.get("net", 2, boom).value == "v2"


def test_first_computation_errors_reach_the_caller():
    refresher, _clock, _jobs = _refresher()
    with pytest.raises(ValueError):
        refresher.get("net", 1, lambda: (_ for _ in ()).throw(ValueError("x")))
    assert refresher.get("net", 1, lambda: "ok").value == "ok"


def test_least_recently_served_results_are_dropped():
    refresher, _clock, _jobs = _refresher(max_keys=2)
    refresher.get("a", 1, lambda: "a")
    refresher.get("b", 1, lambda: "b")
    refresher.get("a", 1, lambda: "a again")  # a served: b is now the oldest
    refresher.get("c", 1, lambda: "c")
    assert refresher.get("a", 1, lambda: "a recomputed").value == "a"
    assert refresher.get("b", 1, lambda: "b recomputed").value == "b recomputed"


def test_real_threads_one_refresh_at_a_time():
    refresher = BackgroundRefresh()
    gate, calls = threading.Event(), []

    def slow():
        calls.append(1)
        gate.wait(5)
        return "v2"

    refresher.get("net", 1, lambda: "v1")
    served = [refresher.get("net", 2, slow) for _ in range(5)]
    assert all(s.value == "v1" and s.refreshing for s in served)
    assert not refresher.wait(timeout=0.05)
    gate.set()
    assert refresher.wait(timeout=5)
    assert calls == [1]
    assert refresher.get("net", 2, slow).value == "v2"


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "calculé à l'instant"), (59, "calculé à l'instant"), (-5, "calculé à l'instant"),
    (60, "calculé il y a 1 min"), (150, "calculé il y a 2 min"), (3599, "calculé il y a 59 min"),
    (3600, "calculé il y a 1 h"), (3900, "calculé il y a 1 h 05"), (86400, "calculé il y a 1 jour"),
    (3 * 86400 + 7, "calculé il y a 3 jours"),
])
def test_computed_ago_in_french(seconds, text):
    assert computed_ago(seconds) == text


def test_freshness_note_says_when_an_update_runs():
    refresher, clock, _jobs = _refresher()
    refresher.get("net", 1, lambda: "v1")
    clock.now += 125
    stale = refresher.get("net", 2, lambda: "v2")
    assert freshness_note(stale, refresher.age(stale)) == (
        "Calculé il y a 2 min ; les données ont changé depuis : mise à jour en cours.")
    current = refresher.get("net", 1, lambda: "v1")
    assert freshness_note(current, 0) == "Calculé à l'instant."
