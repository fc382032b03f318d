"""The exchange format (DESIGN.md §8): read files, check every row, apply all or nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from maillage.db import session_scope
from maillage.errors import MaillageError
from maillage.exchange.apply import ImportReport, apply_plan
from maillage.exchange.checks import ImportPlan, Problem, check_tables
from maillage.exchange.formats import KIND_ORDER, KINDS, kind_for_name
from maillage.exchange.reader import ReadError, Table, read_csv


class ImportRefused(MaillageError):
    """The import has problems; nothing was written. `plan.problems` lists them all."""

    def __init__(self, plan: ImportPlan):
        self.plan = plan
        super().__init__(f"{len(plan.problems)} erreur(s) : rien n'a été importé.")


def read_directory(directory: Path) -> list[Table]:
    """Read every `<kind>.csv` file of a directory (the demo dataset's layout)."""
    tables = []
    for path in sorted(directory.glob("*.csv")):
        kind = kind_for_name(path.name)
        if kind is None:
            raise ReadError(f"{path.name} : nom de fichier inconnu (attendu : {', '.join(KINDS)}.csv).")
        tables.append(read_csv(kind, path.read_bytes(), path.name))
    return tables


def import_tables(engine: Engine, tables: list[Table], *, user_email: str = "", dry_run: bool = False) -> tuple[ImportPlan, ImportReport | None]:
    """Check `tables`, then (unless `dry_run`) write them in one transaction; refuse everything on any problem."""
    with session_scope(engine) as session:
        plan = check_tables(session, tables)
        if not plan.ok:
            raise ImportRefused(plan)
        if dry_run:
            session.rollback()
            return plan, None
        return plan, apply_plan(session, plan, user_email)


__all__ = [
    "ImportPlan",
    "ImportRefused",
    "ImportReport",
    "KINDS",
    "KIND_ORDER",
    "Problem",
    "ReadError",
    "Table",
    "check_tables",
    "import_tables",
    "kind_for_name",
    "read_csv",
    "read_directory",
]
