"""CSV for downloads and the command line, with spreadsheet formulas neutralised.

A cell starting with = + - @, a tab or a carriage return would run as a formula in a spreadsheet:
such text cells get a leading apostrophe. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text starting like a formula gets a leading `'`; other values are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ",",
           decimal_comma: bool = False, bom: bool = False) -> str:
    """CSV text of `rows` under `header`; floats with a decimal comma when asked (French spreadsheets)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, float):
                value = repr(round(value, 6))
                value = value.replace(".", ",") if decimal_comma else value
            elif value is None:
                value = ""
            elif isinstance(value, str):
                value = safe_cell(value)
            cells.append(value)
        writer.writerow(cells)
    return ("\ufeff" if bom else "") + buffer.getvalue()


def spreadsheet_csv(records: list[dict[str, Any]]) -> bytes:
    """A French-spreadsheet CSV (`;`, decimal comma, UTF-8 with BOM) of records sharing the same keys."""
    if not records:
        return "\ufeff".encode("utf-8")
    header = list(records[0])

    def cell(value: Any) -> Any:
        """Booleans as oui/non."""
        return ("oui" if value else "non") if isinstance(value, bool) else value

    text = to_csv(header, ([cell(record.get(key)) for key in header] for record in records),
                  delimiter=";", decimal_comma=True, bom=True)
    return text.encode("utf-8")
