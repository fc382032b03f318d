"""Cell parsers of the exchange format: each returns a value or raises CellError with a French reason."""

from __future__ import annotations

import datetime as dt
import re

from maillage.text import fold

EXCEL_EPOCH = dt.date(1899, 12, 30)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TRUE_WORDS = {"oui", "o", "vrai", "true", "1", "x", "yes"}
FALSE_WORDS = {"non", "n", "faux", "false", "0", "no", ""}


class CellError(ValueError):
    """A cell's value is refused; the message says why, in French (after « value »)."""


def split_list(cell: str) -> list[str]:
    """`a | b|c` → `['a', 'b', 'c']`; empty parts dropped, order and duplicates kept out."""
    seen: list[str] = []
    for part in (cell or "").split("|"):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


def parse_date(cell: str) -> dt.date | None:
    """`JJ/MM/AAAA`, `AAAA-MM-JJ` or an Excel serial number; empty → None."""
    text = (cell or "").strip()
    if not text:
        return None
    try:
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
            day, month, year = (int(part) for part in text.split("/"))
            return dt.date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            year, month, day = (int(part) for part in text.split("-"))
            return dt.date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]00:00(:00)?", text):
            return dt.date.fromisoformat(text[:10])
        if re.fullmatch(r"\d{1,6}(\.0+)?", text):
            serial = int(float(text))
            if 1 <= serial <= 2958465:
                return EXCEL_EPOCH + dt.timedelta(days=serial)
    except ValueError:
        raise CellError("n'est pas une date qui existe") from None
    raise CellError("n'est pas une date (attendu JJ/MM/AAAA ou AAAA-MM-JJ)")


def parse_number(cell: str) -> float | None:
    """A number ≥ 0 with a decimal comma or point, spaces as thousands separators; empty → None."""
    text = (cell or "").strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    text = text.removesuffix("€").removesuffix("h")
    if not text:
        return None
    if re.fullmatch(r"\d+([.,]\d+)?", text) is None:
        if re.fullmatch(r"-\d+([.,]\d+)?", text):
            raise CellError("doit être un nombre positif ou nul")
        raise CellError("n'est pas un nombre")
    return float(text.replace(",", "."))


def parse_count(cell: str) -> int | None:
    """A whole number ≥ 0; empty → None."""
    number = parse_number(cell)
    if number is None:
        return None
    if number != int(number):
        raise CellError("doit être un nombre entier")
    return int(number)


def parse_bool(cell: str) -> bool:
    """`oui`/`non` (also vrai/faux, 1/0); empty → non."""
    word = fold(cell or "")
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("doit valoir « oui » ou « non »")


def looks_like_formula(cell: str) -> bool:
    """Whether a spreadsheet would run this text as a formula."""
    return bool(cell) and cell.startswith(FORMULA_STARTS) and not _is_plain_number(cell)


def _is_plain_number(cell: str) -> bool:
    return re.fullmatch(r"[+-]?\d+([.,]\d+)?", cell.strip()) is not None
