"""French number and date formats for everything a user reads."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

THIN_SPACE = "\u202f"  # espace fine insécable, the French thousands separator
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def _round(value: float, digits: int) -> Decimal:
    """Round half away from zero, as people do (42,5 % → 43 %)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def format_int(value: int | float | None) -> str:
    """`12345` → `12 345` (fine no-break space); None → `—`."""
    if value is None:
        return "—"
    return f"{_round(value, 0):,.0f}".replace(",", THIN_SPACE)


def format_decimal(value: float | None, digits: int = 1) -> str:
    """`1234.5` → `1 234,5`; None → `—`."""
    if value is None:
        return "—"
    text = f"{_round(value, digits):,.{digits}f}".replace(",", "\x00").replace(".", ",").replace("\x00", THIN_SPACE)
    return text


def format_percent(share: float | None, digits: int = 0) -> str:
    """`0.425` → `43 %` (with a no-break space before %)."""
    if share is None:
        return "—"
    return f"{format_decimal(share * 100, digits)}\u00a0%"


def format_euros(value: float | None) -> str:
    """`12500` → `12 500 €`."""
    if value is None:
        return "—"
    return f"{format_int(value)}\u00a0€"


def format_date(value: dt.date | dt.datetime | None) -> str:
    """`2026-03-05` → `05/03/2026`; None → `—`."""
    if value is None:
        return "—"
    return value.strftime("%d/%m/%Y")


def format_date_long(value: dt.date | None) -> str:
    """`2026-03-01` → `1er mars 2026`."""
    if value is None:
        return "—"
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def format_datetime(value: dt.datetime | None) -> str:
    """`2026-03-05 14:07` (UTC) → `05/03/2026 à 15 h 07` in Paris time."""
    if value is None:
        return "—"

    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone(ZoneInfo("Europe/Paris"))
    return f"{local:%d/%m/%Y} à {local.hour} h {local.minute:02d}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 action`, `3 actions`, `0 action` (French: 0 and 1 are singular)."""
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{format_int(count)} {word}"
