"""An action's status at a date: what `en_cours` or `projet` become once the end date has passed."""

from __future__ import annotations

import datetime as dt


def effective_status(status: str, end_date: dt.date | None, as_of: dt.date) -> str:
    """The status at `as_of`: an action whose end date is before that date counts as `terminee`."""
    if end_date is not None and end_date < as_of and status in ("en_cours", "projet"):
        return "terminee"
    return status


def needs_review(status: str, end_date: dt.date | None, as_of: dt.date) -> bool:
    """An action still marked `en_cours` after its end date: its status should be checked."""
    return status == "en_cours" and end_date is not None and end_date < as_of
