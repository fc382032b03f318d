"""The actions as CSV (command line and download): one row per action, text cells safe for spreadsheets."""

from __future__ import annotations

import csv
import io

from maillage.actions.listing import ActionRow
from maillage.core.spreadsheet import safe_cell

COLUMNS = ("title", "council", "action_type", "status", "start", "end", "territories", "publics", "themes",
           "partners", "effective_status")


def csv_record(row: ActionRow) -> dict[str, str]:
    """One action in the CSV columns: codes, ISO dates, lists joined with `|`, partners as `name:role`."""
    record = {
        "title": row.title,
        "council": row.council,
        "action_type": row.action_type,
        "status": row.status,
        "start": row.start_date.isoformat(),
        "end": row.end_date.isoformat() if row.end_date else "",
        "territories": "|".join(row.territory_keys),
        "publics": "|".join(row.publics),
        "themes": "|".join(row.themes),
        "partners": "|".join(f"{name}:{role}" for name, role in row.partners),
        "effective_status": row.effective_status,
    }
    return {column: safe_cell(value) for column, value in record.items()}


def actions_csv(rows: list[ActionRow]) -> str:
    """The CSV text (comma-separated, header line first, `\\n` line ends)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(csv_record(row))
    return buffer.getvalue()
