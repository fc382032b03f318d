"""The exchange format (DESIGN.md §8): read files, check every row, apply all or nothing; export, back up, restore."""

from __future__ import annotations

from pathlib import Path

from maillage.exchange.apply import ImportReport, apply_plan
from maillage.exchange.checks import ImportPlan, ImportRefused, check_tables
from maillage.exchange.formats import KIND_ORDER, KINDS, kind_for_name
from maillage.exchange.imports import (
    ImportPreview,
    PreviewRow,
    import_tables,
    preview_import,
)
from maillage.exchange.problems import Problem
from maillage.exchange.reader import (
    Limits,
    ReadError,
    Table,
    read_csv,
    read_file,
    read_files,
)


def read_directory(directory: Path, limits: Limits | None = None) -> list[Table]:
    """Read every `<kind>.csv` file of a directory (the demo dataset's and the CSV export's layout)."""
    tables = []
    messages = []
    for path in sorted(directory.glob("*.csv")):
        kind = kind_for_name(path.name)
        if kind is None:
            messages.append(f"{path.name} : nom de fichier inconnu (attendu : {', '.join(KINDS)}.csv).")
            continue
        try:
            tables.append(read_csv(kind, path.read_bytes(), path.name, limits or Limits()))
        except ReadError as error:
            messages.extend(error.messages)
    if messages:
        raise ReadError(messages)
    if not tables:
        raise ReadError(f"{directory} : aucun fichier CSV à importer.")
    return tables


__all__ = [
    "ImportPlan",
    "ImportPreview",
    "ImportRefused",
    "ImportReport",
    "KINDS",
    "KIND_ORDER",
    "Limits",
    "PreviewRow",
    "Problem",
    "ReadError",
    "Table",
    "apply_plan",
    "check_tables",
    "import_tables",
    "kind_for_name",
    "preview_import",
    "read_csv",
    "read_directory",
    "read_file",
    "read_files",
]
