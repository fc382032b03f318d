"""Small French-writing helpers for sentences generated from data: counts, lists, changes, publics."""

from __future__ import annotations

from maillage.core.formatting import format_decimal, format_int, format_percent, plural

MINUS = "\u2212"  # the typographic minus sign

# How a public reads after « pour » (unknown codes fall back on their label in guillemets).
PUBLIC_PHRASES = {
    "enfants": "les enfants",
    "adolescents": "les adolescents",
    "jeunes_adultes": "les jeunes adultes",
    "familles": "les familles",
    "seniors": "les seniors",
    "femmes": "les femmes",
    "professionnels": "les professionnels",
    "personnes_en_errance": "les personnes en errance",
    "residents_qpv": "les habitants des QPV",
    "tout_public": "tous les publics",
}


def count(n: int, singular: str, plural_form: str | None = None, zero: str | None = None) -> str:
    """`1 action`, `2 actions` (French: 0 and 1 take the singular); `zero` instead of « 0 … » when given."""
    if n == 0 and zero is not None:
        return zero
    return plural(n, singular, plural_form)


def agree(n: int, singular: str, plural_form: str) -> str:
    """The verb or adjective form for `n` (French: 0 and 1 singular)."""
    return singular if abs(n) < 2 else plural_form


def join(items: list[str], last: str = "et") -> str:
    """`a`, `a et b`, `a, b et c`."""
    items = [item for item in items if item]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def join_some(items: list[str], limit: int = 3) -> str:
    """Like `join`, naming at most `limit` items: `a, b, c et 2 autres`."""
    if len(items) <= limit:
        return join(items)
    rest = len(items) - limit
    return join(items[:limit] + [f"{format_int(rest)} {agree(rest, 'autre', 'autres')}"])


def quoted(text: str) -> str:
    """`« text »` with no-break spaces inside the guillemets."""
    return f"«\u00a0{text}\u00a0»"


def signed(value: float, kind: str = "count", digits: int = 0) -> str:
    """A change with its sign: `+3`, `−2`, `+5 points` (kind `percent`), `+0,25` (kind `decimal`)."""
    if kind == "percent":
        points = round(value * 100, digits)
        body = format_decimal(abs(points), digits)
        unit = "\u00a0" + ("point" if abs(points) < 2 else "points")
    elif kind == "decimal":
        body, unit = format_decimal(abs(value), digits), ""
        points = round(value, digits)
    else:
        points = round(value)
        body, unit = format_int(abs(points)), ""
    sign = "+" if points > 0 else (MINUS if points < 0 else "")
    return f"{sign}{body}{unit}"


def relative_change(value: int | float | None, previous: int | float | None) -> str:
    """`+12 %`, `−5 %` of a change between two positive totals; empty when it cannot be computed."""
    if value is None or not previous:
        return ""
    share = (value - previous) / previous
    text = format_percent(abs(share))
    if text.startswith("0\u00a0%"):
        return "stable"
    return ("+" if share > 0 else MINUS) + text


def public_phrase(code: str, label: str) -> str:
    """`les familles`, or `le public « Label »` for a public the defaults do not know."""
    return PUBLIC_PHRASES.get(code, f"le public {quoted(label)}")


def capitalise(text: str) -> str:
    """First letter upper-case, the rest unchanged."""
    return text[:1].upper() + text[1:]
