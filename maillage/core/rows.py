"""Plain DB-API rows for bulk reads: statements run on the driver's cursor, without SQLAlchemy's per-row work.

Values are the driver's: SQLite gives dates as ISO text and booleans as 0/1 (`driver_date` converts).
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import text

from maillage.core.db import IN_CHUNK, chunks

if TYPE_CHECKING:
    from sqlalchemy.sql.elements import TextClause
    from sqlmodel import Session



def driver_rows(session: Session, statement) -> list[tuple]:
    """Plain DB-API tuples: the statement is compiled with its literal values and run on the raw cursor,
    skipping SQLAlchemy's per-row processing (several times faster on hundreds of thousands of rows)."""
    connection = session.connection()
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def ids_in(column, ids) -> TextClause:
    """`table.column IN (1, 2, …)` for integer ids, written once as SQL text (rendering thousands of bound
    literals through SQLAlchemy for every query costs more than the query itself)."""
    listed = ",".join(str(int(i)) for i in ids) or "NULL"
    return text(f"{column.table.name}.{column.name} IN ({listed})")


def driver_date(value) -> dt.date | None:
    """A date from the driver (date, or ISO text with SQLite)."""
    if value is None or isinstance(value, dt.date):
        return value
    return _iso_date(str(value)[:10])


@lru_cache(maxsize=65_536)
def _iso_date(text: str) -> dt.date:
    """`2024-03-01` → a date (the same few thousand dates recur over a hundred thousand rows)."""
    return dt.date.fromisoformat(text)


def rows_in(session: Session, make_statement: Callable, values, size: int = IN_CHUNK) -> list[tuple]:
    """Rows of `make_statement(chunk)` for every chunk of `values` (IN lists stay small)."""
    out: list[tuple] = []
    for chunk in chunks(values, size):
        out.extend(driver_rows(session, make_statement(chunk)))
    return out


_PAUSES = threading.Lock()
_pause = {"count": 0, "restart": False}  # bulk computations running with the collector paused; restart it after?


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building tens of thousands of objects at once (a national graph).

    Each collection walks every live object, and bulk building triggers hundreds of them: about half the time
    of a national graph went there (issue 19). Nothing built here forms reference cycles; reference counting
    frees everything as usual, and the collector restarts when the last paused computation (any thread) ends.
    What was built then joins the oldest generation without a walk (freeze then unfreeze, unless something else
    keeps objects frozen), so the first young collection afterwards does not walk it all at once.
    """
    with _PAUSES:
        if _pause["count"] == 0:
            _pause["restart"] = gc.isenabled()
            gc.disable()
        _pause["count"] += 1
    try:
        yield
    finally:
        with _PAUSES:
            _pause["count"] -= 1
            if _pause["count"] == 0:
                if gc.get_freeze_count() == 0:
                    gc.freeze()
                    gc.unfreeze()
                if _pause["restart"]:
                    gc.enable()
