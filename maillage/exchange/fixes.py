"""Fixing an import without retyping: the problem list as a workbook of the original rows with a « problème »
column (it re-imports once corrected), a newly dropped file replacing the earlier one of the same kind, and the
exact changes an import made."""

from __future__ import annotations

from maillage.exchange.apply import CREATED, UPDATED, ImportReport
from maillage.exchange.checks import ImportPlan
from maillage.exchange.export import workbook_bytes
from maillage.exchange.formats import KIND_ORDER, KINDS
from maillage.exchange.reader import PROBLEM_COLUMN, ReadError, Table, read_file
from maillage.exchange.values import neutralise

LISTED = 10  # names listed per kind and outcome in the success message


def problem_workbook(tables: list[Table], plan: ImportPlan) -> bytes:
    """Every row of every file as it was written, one sheet per kind, with a « problème » column saying what to fix
    (empty for good rows): correct the cells, then import the workbook again."""
    messages: dict[tuple[str, int], list[str]] = {}
    for problem in plan.problems:
        text = f"colonne {problem.column} : " if problem.column else ""
        text += f"« {problem.value} » {problem.reason}" if problem.value else problem.reason
        messages.setdefault((problem.source, problem.line), []).append(text)
    sheets: dict[str, tuple[list[str], list[list[str]]]] = {}
    for table in sorted(tables, key=lambda t: KIND_ORDER.index(t.kind)):
        headers = [h for h in table.headers if h != PROBLEM_COLUMN]
        width = len(table.headers)
        keep = [i for i, h in enumerate(table.headers) if h != PROBLEM_COLUMN]
        header, rows = sheets.setdefault(table.kind, ([*headers, PROBLEM_COLUMN], []))
        for row in table.rows:
            cells = (row.raw + [""] * width)[:width]
            problem = " ; ".join(messages.get((table.source, row.line), []))
            rows.append([neutralise(cells[i]) for i in keep] + [neutralise(problem)])
    return workbook_bytes([(kind, header, rows) for kind, (header, rows) in sheets.items()])


def latest_files(files: list[tuple[str, bytes]], kind: str | None = None) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The files to check, in drop order, when a later file holds the same kinds as an earlier one (a corrected
    copy) it replaces it; also the names of the replaced files."""
    kept: dict[object, tuple[str, bytes]] = {}
    replaced: list[str] = []
    for name, data in files:
        try:
            key: object = frozenset(table.kind for table in read_file(name, data, kind))
        except ReadError:
            key = name
        if key in kept:
            replaced.append(kept.pop(key)[0])
        kept[key] = (name, data)
    return list(kept.values()), replaced


def change_lines(report: ImportReport, plan: ImportPlan) -> list[str]:
    """What the import changed, kind by kind: the records created and updated by name (with the columns changed)."""
    labels = {(line.source, line.line): line.label for line in plan.lines}
    kinds = {(line.source, line.line): line.kind for line in plan.lines}
    lines = []
    for kind in KIND_ORDER:
        counts = report.counts.get(kind)
        if counts is None:
            continue
        label = KINDS[kind].label
        created = [labels.get(place, "") for place, status in report.row_status.items()
                   if status == CREATED and kinds.get(place) == kind]
        updated = [f"{labels.get(place, '')} [{', '.join(report.row_changes.get(place, []))}]"
                   if report.row_changes.get(place) else labels.get(place, "")
                   for place, status in report.row_status.items()
                   if status == UPDATED and kinds.get(place) == kind]
        parts = []
        if created:
            parts.append(f"{len(created)} créé{'s' if len(created) > 1 else ''} : {_listed(created)}")
        if updated:
            parts.append(f"{len(updated)} mis à jour : {_listed(updated)}")
        if counts.unchanged:
            parts.append(f"{counts.unchanged} inchangé{'s' if counts.unchanged > 1 else ''}")
        lines.append(f"{label.capitalize()} — " + (" ; ".join(parts) if parts else "aucune ligne"))
    return lines


def _listed(names: list[str]) -> str:
    """`A, B, C` then « et N autres » past the first ten."""
    shown = ", ".join(names[:LISTED])
    return shown + (f" et {len(names) - LISTED} autre{'s' if len(names) - LISTED > 1 else ''}"
                    if len(names) > LISTED else "")
