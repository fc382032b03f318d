"""Import files in the exchange format: check, preview (a dry run with every row's outcome), apply all or nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session

from maillage.accounts.access import SYSTEM, Actor
from maillage.core.db import get_meta, read_scope, unique_violation
from maillage.core.errors import MaillageError
from maillage.exchange.apply import STATUS_LABELS, ImportReport, apply_plan
from maillage.exchange.checks import ImportPlan, ImportRefused, Progress, check_tables
from maillage.exchange.formats import KINDS
from maillage.exchange.reader import Table


def _actor(actor: Actor, user_email: str | None) -> Actor:
    """The actor, with another e-mail when one is given (the demo loader's « démo »)."""
    return dataclasses.replace(actor, email=user_email) if user_email else actor


def import_tables(engine: Engine, tables: list[Table], *, actor: Actor = SYSTEM, user_email: str | None = None,
                  dry_run: bool = False, progress: Progress | None = None,
                  council_ids: Iterable[int] | None = None) -> tuple[ImportPlan, ImportReport]:
    """Check `tables`, then write them in one transaction (rolled back when `dry_run`).

    Any problem refuses everything (ImportRefused, `plan.problems` lists them all); the report says,
    per kind and per row, what was (or would be) created, updated or left unchanged.

    The check, the long part, runs in a read-only transaction: on SQLite it never holds the write lock,
    so other people's pages and saves go on (issue 20). The write lock is taken only for the final write;
    if anything was written in between (the data version moved), the rows are checked again under it.
    """
    actor = _actor(actor, user_email)
    with read_scope(engine) as session:
        checked_at = get_meta(session, "data_version")
        plan = check_tables(session, tables, actor, progress, council_ids)
    if not plan.ok:
        raise ImportRefused(plan)
    for attempt in range(1, UNIQUE_RACE_ATTEMPTS + 1):
        try:
            return _write(engine, tables, plan, checked_at, actor, dry_run, progress, council_ids)
        except MaillageError:
            raise
        except Exception as error:  # noqa: BLE001 - driver errors, raised through SQLAlchemy or not (COPY)
            if not (unique_violation(error) or _sqlstate(error) in ("40P01", "40001")):
                raise MaillageError(
                    "l'écriture dans la base a échoué, rien n'a été importé "
                    f"({type(error).__name__} : {str(error).splitlines()[0][:200]})"
                ) from None
            if attempt == UNIQUE_RACE_ATTEMPTS:
                raise MaillageError(
                    "d'autres imports des mêmes éléments écrivaient au même moment : rien n'a été importé ; "
                    "relancez l'import (les lignes déjà présentes seront reconnues)"
                ) from None
            checked_at = None  # another import wrote the same rows: check again, they now exist
    raise AssertionError("unreachable")


UNIQUE_RACE_ATTEMPTS = 3


def _sqlstate(error: BaseException) -> str | None:
    """PostgreSQL's error code (deadlock 40P01, serialisation 40001…), None elsewhere."""
    return getattr(getattr(error, "orig", None) or error, "sqlstate", None)


def _write(engine: Engine, tables: list[Table], plan: ImportPlan, checked_at: str | None, actor: Actor,
           dry_run: bool, progress: Progress | None,
           council_ids: Iterable[int] | None = None) -> tuple[ImportPlan, ImportReport]:
    """The final write, under the write lock; the rows are checked again when the data moved since the check."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            if get_meta(session, "data_version") != checked_at:
                plan = check_tables(session, tables, actor, progress, council_ids)
                if not plan.ok:
                    raise ImportRefused(plan)
            report = apply_plan(session, plan, actor, progress=progress)
            if not plan.ok:
                raise ImportRefused(plan)
            if dry_run:
                session.rollback()
            else:
                session.commit()
            return plan, report
        except BaseException:
            session.rollback()
            raise


@dataclass
class PreviewRow:
    """One data row as the preview shows it: its outcome and every message about it."""

    kind: str
    source: str
    line: int
    label: str
    status: str
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        """The French name of the row's kind."""
        return KINDS[self.kind].label


@dataclass
class ImportPreview:
    """What an import would do: ok or not, the plan (problems, warnings) and one row per data row."""

    plan: ImportPlan
    report: ImportReport | None
    rows: list[PreviewRow]

    @property
    def ok(self) -> bool:
        """Whether the import may be applied."""
        return self.plan.ok

    def summary(self) -> list[str]:
        """The report's lines, or the number of errors."""
        if self.report is not None and self.ok:
            return self.report.lines()
        return [str(ImportRefused(self.plan))]


def preview_import(engine: Engine, tables: list[Table], *, actor: Actor = SYSTEM,
                   progress: Progress | None = None, council_ids: Iterable[int] | None = None) -> ImportPreview:
    """A dry run: every row with its status (à créer, à mettre à jour, inchangée, erreur) and its messages."""
    try:
        plan, report = import_tables(engine, tables, actor=actor, dry_run=True, progress=progress,
                                     council_ids=council_ids)
    except ImportRefused as refused:
        plan, report = refused.plan, None
    errors: dict[tuple[str, int], list[str]] = {}
    for problem in plan.problems:
        errors.setdefault((problem.source, problem.line), []).append(problem.message)
    notes: dict[tuple[str, int], list[str]] = {}
    for warning in plan.warnings:
        notes.setdefault((warning.source, warning.line), []).append(warning.message)
    rows = []
    for line in plan.lines:
        key = (line.source, line.line)
        row_notes = list(notes.get(key, []))
        if not line.ok or key in errors:
            status = "erreur"
        elif report is not None:
            outcome = report.row_status.get(key)
            status = STATUS_LABELS.get(outcome, "ignorée")
            if changes := report.row_changes.get(key):
                row_notes.append("colonnes modifiées : " + ", ".join(changes))
        else:
            status = "valide"
        rows.append(PreviewRow(line.kind, line.source, line.line, line.label, status, errors.get(key, []), row_notes))
    return ImportPreview(plan=plan, report=report, rows=rows)


def fingerprint(files: list[tuple[str, bytes]], kind: str | None) -> str:
    """A short digest of uploaded files and the chosen kind (to know when a preview is stale)."""
    import hashlib

    digest = hashlib.sha256((kind or "").encode())
    for name, data in files:
        digest.update(name.encode("utf-8", "replace") + b"\x00" + hashlib.sha256(data).digest())
    return digest.hexdigest()[:16]
