"""The day a yearly comparison or summary is computed at, and which actions were running then.

A year Y is looked at on its last day (31/12/Y), or today for the current year. Today, an action runs
when its recorded status says so (`maillage.actions.status.effective_status` is `en_cours`) and it has
started. In the past the status is today's, not that day's, so the dates decide: an action ran on a
past day between its start and its end date, unless it never ran (`projet`), or it is finished or
suspended without an end date (when it stopped is unknown, so it is not counted).
"""

from __future__ import annotations

import datetime as dt

from maillage.actions.status import effective_status
from maillage.core.errors import ValidationError
from maillage.coverage.data import ActionRow
from maillage.coverage.gaps import ACTIVE, action_rank

FIRST_YEAR = 1990


def check_year(year: int, today: dt.date) -> int:
    """The year if it can be reported on; a French ValidationError otherwise."""
    if not isinstance(year, int) or isinstance(year, bool):
        raise ValidationError([("year", "Année : indiquez une année (par exemple 2026)")])
    if year > today.year:
        raise ValidationError([("year", f"Année : {year} n'a pas encore commencé (nous sommes en {today.year})")])
    if year < FIRST_YEAR:
        raise ValidationError([("year", f"Année : {year} est trop ancienne (à partir de {FIRST_YEAR})")])
    return year


def as_of_for(year: int, today: dt.date) -> dt.date:
    """The day year `year` is looked at: today for the current year, else its 31 December."""
    check_year(year, today)
    return today if year == today.year else dt.date(year, 12, 31)


def ran_on(status: str, start: dt.date | None, end: dt.date | None, day: dt.date, today: dt.date) -> bool:
    """Whether an action was running on `day` (see the module docstring for the past)."""
    if start is not None and start > day:
        return False
    if end is not None and end < day:
        return False
    if day >= today:
        return effective_status(status, end, day) == "en_cours"
    if status == "projet" or status == "suspendue":
        return False
    return not (status == "terminee" and end is None)


def ran_during(status: str, start: dt.date | None, end: dt.date | None, year: int, today: dt.date) -> bool:
    """Whether an action was running at some point of `year` (up to today)."""
    first, last = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
    if start is not None and start > last:
        return False
    if end is not None and end < first:
        return False
    if ran_on(status, start, end, last, today):
        return True
    # Ended during the year (known end date): it ran before that.
    return end is not None and first <= end <= last and status in ("en_cours", "terminee") and (
        start is None or start <= end)


def historical_rank(action: ActionRow, as_of: dt.date, today: dt.date) -> int:
    """Coverage rank of an action at `as_of`: ACTIVE when it was running then, else coverage's own rank.

    `maillage.coverage.gaps.action_rank` reads today's status; for a past day an action finished since then
    would count as lapsed. Pre-filling `compute_council(ranks=…)` with these ranks keeps a past year's
    score consistent with the action counts of the same year.
    """
    if as_of < today and ran_on(action.status, action.start_date, action.end_date, as_of, today):
        return ACTIVE
    return action_rank(action, as_of)


def offered_years(first: int | None, today: dt.date, at_most: int = 15) -> list[int]:
    """Years to choose from, most recent first: from `first` (oldest data) to this year, `at_most` of them."""
    oldest = max(first if first is not None else today.year, today.year - at_most + 1, FIRST_YEAR)
    return list(range(today.year, oldest - 1, -1))
