"""Plain DB-API rows for bulk reads: statements run on the driver's cursor, without SQLAlchemy's per-row work.

Values are the driver's: SQLite gives dates as ISO text and booleans as 0/1 (`driver_date` converts).
"""

from __future__ import annotations

import datetime as dt
import gc
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


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a bulk computation builds hundreds of thousands of
    acyclic rows (tuples, lists, dicts): each collection would walk every object built so far, which costs
    more than building them. Reference counting still frees everything. On leaving, what was built joins the
    oldest generation without a walk (freeze then unfreeze, unless something else keeps objects frozen), so
    the first young collection afterwards does not walk it all at once; the collector then resumes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()
