"""Helpers for the exchange tests: a small known database, and a snapshot of every table to prove nothing changed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from maillage.core import session_scope
from models import Territory, metadata
from tests.builders import add_council, add_mini_geography, add_partner


def fill_mini(engine: Engine) -> None:
    """Tiny France, two councils (Bordeaux, Saintes), two partners in Bordeaux, and Ain's 01001 commune."""
    with session_scope(engine) as session:
        add_mini_geography(session)
        session.add(Territory(key="com:01001", level="com", code="01001", name="L'Abergement-Clémenciat",
                              population=800, departement_code="01", region_code="84", search_name="abergement"))
        add_council(session, "CLSPD de Bordeaux", ["com:33063"])
        add_council(session, "CLSPD de Saintes", ["com:17415"])
        add_partner(session, "Ville de Bordeaux", "MUNI", "33063")
        add_partner(session, "Centre social Bordeaux Nord", "CS", "33063", territories=["com:33063"])


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table (sorted), to compare before and after a refused import."""
    content = {}
    with Session(engine) as session:
        for table in metadata.sorted_tables:
            rows = session.execute(select(table)).all()
            content[table.name] = sorted(tuple(str(value) for value in row) for row in rows)
    return content


def csv_text(text: str, encoding: str = "utf-8") -> bytes:
    """A CSV file as Excel writes it: CRLF line ends, in the given encoding."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode(encoding)
