"""Campaign days are French days: a link works until the end of its deadline in Europe/Paris."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def paris_day(moment: dt.datetime | None = None) -> dt.date:
    """The date in Paris at `moment` (now by default)."""
    moment = moment or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(PARIS).date()
