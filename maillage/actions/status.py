"""An action's status at a date: what `en_cours` or `projet` become once the end date has passed, and the
warnings when the recorded status contradicts the dates (shown before saving, and by imports)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from maillage.core.formatting import format_date
from models.vocabularies import ACTION_STATUSES


def effective_status(status: str, end_date: dt.date | None, as_of: dt.date) -> str:
    """The status at `as_of`: an action whose end date is before that date counts as `terminee`."""
    if end_date is not None and end_date < as_of and status in ("en_cours", "projet"):
        return "terminee"
    return status


def needs_review(status: str, end_date: dt.date | None, as_of: dt.date) -> bool:
    """An action still marked `en_cours` after its end date: its status should be checked."""
    return status == "en_cours" and end_date is not None and end_date < as_of


@dataclass(frozen=True)
class StatusWarning:
    """A recorded status its dates contradict: the French message (with the fix), the status the dates suggest
    (None when only a date can fix it) and the date field to correct otherwise."""

    message: str
    suggested_status: str | None
    date_field: str


def status_date_warnings(status: str, start_date: dt.date | None, end_date: dt.date | None, today: dt.date,
                         labels: Mapping[str, str] | None = None) -> list[StatusWarning]:
    """What the dates say against the status on `today`: « en cours » must have started and not ended,
    « terminée » must have ended (a last day on or before today), « projet » must start today or later.
    `labels` are the statuses' French labels (the default vocabulary's without them). Dates in the wrong order
    are the validation's business: no warning then."""
    labels = labels or ACTION_STATUSES
    if start_date is None or (end_date is not None and end_date < start_date):
        return []

    def warn(problem: str, suggested: str | None, date_field: str, fix: str) -> list[StatusWarning]:
        """One warning: « L'action est « X » mais … : passez-la au statut « Y » ou corrigez … »."""
        remedy = f"passez-la au statut « {labels.get(suggested, suggested)} » ou {fix}" if suggested else fix
        return [StatusWarning(f"L'action est « {labels.get(status, status)} » mais {problem} : {remedy}.",
                              suggested, date_field)]

    start, end = format_date(start_date), format_date(end_date) if end_date else None
    if status == "en_cours":
        if start_date > today:
            return warn(f"ne commence que le {start}", "projet", "start_date", "corrigez la date de début")
        if end_date is not None and end_date < today:
            return warn(f"sa date de fin, le {end}, est passée (elle est signalée « à revoir »)", "terminee",
                        "end_date", "corrigez la date de fin")
    elif status == "terminee":
        if start_date > today:
            return warn(f"ne commence que le {start}", "projet", "start_date", "corrigez ses dates")
        if end_date is None:
            return warn("n'a pas de date de fin", None, "end_date", "indiquez son dernier jour comme date de fin")
        if end_date > today:
            return warn(f"ne se termine que le {end}", "en_cours", "end_date", "corrigez la date de fin")
    elif status == "projet" and start_date < today:
        if end_date is not None and end_date < today:
            return warn(f"s'est déroulée du {start} au {end}", "terminee", "start_date", "corrigez ses dates")
        return warn(f"a commencé le {start}", "en_cours", "start_date", "corrigez la date de début")
    return []
