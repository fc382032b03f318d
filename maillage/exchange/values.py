"""Cell parsers and writers of the exchange format: parsers return a value or raise CellError (French reason)."""

from __future__ import annotations

import datetime as dt
import re

from maillage.core.spreadsheet import FORMULA_STARTS
from maillage.core.text import fold

EXCEL_EPOCH = dt.date(1899, 12, 30)
TRUE_WORDS = {"oui", "o", "vrai", "true", "1", "x", "yes"}
FALSE_WORDS = {"non", "n", "faux", "false", "0", "no", ""}
MIN_YEAR, MAX_YEAR = 1900, 2100
# Excel serial numbers between 01/01/1950 and 31/12/2100: a bare number outside is not taken for a date.
MIN_SERIAL, MAX_SERIAL = 18264, 73415
MAX_COUNT = 2_147_483_647
MAX_NUMBER = 1e12

_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DMY_SHORT = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}")
_SERIAL = re.compile(r"\d{4,5}([.,]\d+)?")
_SCIENTIFIC = re.compile(r"\d+([.,]\d+)?[eE]\+?\d+")
_DECIMAL = re.compile(r"\d+([.,]\d+)?")
_NEGATIVE = re.compile(r"-\d+([.,]\d+)?")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")
_MONTHS = {"janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5,
           "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "oct": 10,
           "novembre": 11, "nov": 11, "decembre": 12, "dec": 12}
_WORDS_DATE = re.compile(r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?(\d{1,2})(?:er|e)?\s+"
                         r"([a-z]+)\s+(\d{4})")


class CellError(ValueError):
    """A cell's value is refused; the message says why, in French (after « value »)."""


def split_list(cell: str) -> list[str]:
    """`a | b|c` → `['a', 'b', 'c']`; empty parts and repeated parts dropped, order kept."""
    if not cell:
        return []
    if "|" not in cell:
        part = cell.strip()
        return [part] if part else []
    seen: list[str] = []
    for part in cell.split("|"):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


def parse_date(cell: str) -> dt.date | None:
    """`JJ/MM/AAAA` (also `-` or `.`), `AAAA-MM-JJ`, « 1er janvier 2025 » or an Excel serial number; empty → None."""
    text = (cell or "").strip()
    if not text:
        return None
    if match := _DMY.fullmatch(text):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif match := _YMD.fullmatch(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif _SERIAL.fullmatch(text):
        serial = float(text.replace(",", "."))
        if not MIN_SERIAL <= serial <= MAX_SERIAL:
            raise CellError("n'est pas une date (attendu JJ/MM/AAAA, AAAA-MM-JJ ou « 1er janvier 2025 »)")
        return EXCEL_EPOCH + dt.timedelta(days=int(serial))
    elif (match := _WORDS_DATE.fullmatch(fold(text))) and match[2] in _MONTHS:  # « 1er janvier 2025 »
        day, month, year = int(match[1]), _MONTHS[match[2]], int(match[3])
    elif _DMY_SHORT.fullmatch(text):
        raise CellError("n'est pas une date complète : écrivez l'année sur 4 chiffres (JJ/MM/AAAA)")
    else:
        raise CellError("n'est pas une date (attendu JJ/MM/AAAA, AAAA-MM-JJ ou « 1er janvier 2025 »)")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CellError(f"n'est pas une date plausible (année entre {MIN_YEAR} et {MAX_YEAR} attendue)")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError("n'est pas une date qui existe") from None


def parse_number(cell: str) -> float | None:
    """A number ≥ 0 with a decimal comma or point, spaces as thousands separators; empty → None."""
    text = (cell or "").strip()
    if not text:
        return None
    if _DECIMAL.fullmatch(text) is None:
        text = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").removesuffix("€").removesuffix("h")
    if not text:
        return None
    if _DECIMAL.fullmatch(text) is None:
        if _NEGATIVE.fullmatch(text):
            raise CellError("doit être un nombre positif ou nul")
        if _SCIENTIFIC.fullmatch(text):
            raise CellError("a été converti par le tableur en notation scientifique : saisissez le nombre en entier")
        raise CellError("n'est pas un nombre")
    number = float(text.replace(",", "."))
    if number > MAX_NUMBER:
        raise CellError("est un nombre trop grand")
    return number


def parse_count(cell: str) -> int | None:
    """A whole number ≥ 0; empty → None."""
    number = parse_number(cell)
    if number is None:
        return None
    if number != int(number):
        raise CellError("doit être un nombre entier")
    if number > MAX_COUNT:
        raise CellError("est un nombre trop grand")
    return int(number)


def parse_bool(cell: str) -> bool:
    """`oui`/`non` (also vrai/faux, 1/0); empty → non."""
    word = (cell or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    word = fold(word)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("doit valoir « oui » ou « non »")


def looks_like_formula(cell: str) -> bool:
    """Whether a spreadsheet would run this text as a formula (`=`, `+`, `-`, `@` first; plain numbers excepted)."""
    return bool(cell) and cell.startswith(FORMULA_STARTS) and not _is_plain_number(cell)


def unneutralise(cell: str) -> str:
    """`'=SOMME(A1)` → `=SOMME(A1)`, `''abc` → `'abc`: drop the one quote `neutralise` added."""
    if cell.startswith("'") and cell[1:].startswith((*FORMULA_STARTS, "'")):
        return cell[1:]
    return cell


def neutralise(cell: str) -> str:
    """Prefix with `'` a text a spreadsheet would run as a formula (CSV and XLSX exports), and a text that
    itself starts with `'`, so that `unneutralise(neutralise(x)) == x` for every string (issue 20)."""
    if cell and cell.startswith((*FORMULA_STARTS, "'")):
        return "'" + cell
    return cell


def format_date_cell(value: dt.date | dt.datetime | None) -> str:
    """`2026-03-05` → `05/03/2026` (the date form French spreadsheets read)."""
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def format_number_cell(value: float | int | None) -> str:
    """`6.5` → `6,5`, `9000.0` → `9000` (decimal comma, no thousands separator, nothing lost)."""
    if value is None:
        return ""
    if float(value) == int(value):
        return str(int(value))
    text = repr(float(value))
    if "e" in text:
        text = f"{value:.15f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def format_bool_cell(value: bool | None) -> str:
    """True → `oui`, False → `non`."""
    return "oui" if value else "non"


def _is_plain_number(cell: str) -> bool:
    """Whether a cell is a signed number (not a formula)."""
    return _PLAIN_NUMBER.fullmatch(cell.strip()) is not None
