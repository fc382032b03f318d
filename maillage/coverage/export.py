"""Coverage as files: the `gaps` command's CSV rows, and the page's matrix and gap-list downloads (CSV, XLSX).

Every text cell starting like a spreadsheet formula (= + - @, tab, carriage return) is neutralised with a
leading apostrophe (maillage.core.spreadsheet.safe_cell), in CSV and XLSX alike.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from maillage.core.spreadsheet import safe_cell, spreadsheet_csv
from maillage.coverage.gaps import RANK_STATUS, CouncilCoverage
from maillage.coverage.views import Matrix, _default_vocabularies, build_matrix

CLI_COLUMNS = ("territory_code", "territory_name", "population", "action_type", "public", "status", "actions")


def _titles(cov: CouncilCoverage, ids: Iterable[int]) -> str:
    """Action titles joined with `|` (sorted, formula-like text neutralised)."""
    return safe_cell("|".join(sorted({cov.actions[a].title for a in ids}, key=str.casefold)))


def cli_rows(cov: CouncilCoverage, by: str | None = None) -> Iterable[tuple]:
    """The `gaps` rows of one council: one per frame cell (no `by`), or per matrix cell by type, public or theme.

    Columns: CLI_COLUMNS (plus `theme` before `status` with `by="theme"`), sorted by territory code
    then action type (then public, or theme). Text that could run as a spreadsheet formula is neutralised.
    """
    if by is None:
        names = {c.code: (c.code, safe_cell(c.name), c.population) for c in cov.communes}
        titles: dict[tuple[int, ...], str] = {(): ""}
        for cell in cov.cells:  # already sorted by commune code, then action type, then public
            text = titles.get(cell.action_ids)
            if text is None:
                text = titles[cell.action_ids] = _titles(cov, cell.action_ids)
            yield names[cell.commune] + (cell.action_type, cell.public, cell.status, text)
        return
    if by == "theme":
        yield from _theme_rows(cov)
        return
    matrix = build_matrix(cov, by, "commune")
    rows = []
    for (row_key, column), mcell in matrix.cells.items():
        commune = cov.commune(row_key.partition(":")[2])
        behind = {a for fc in mcell.frame_cells for a in fc.action_ids}
        types = column if by == "type" else "|".join(sorted({fc.action_type for fc in mcell.frame_cells}))
        publics = column if by == "public" else "|".join(sorted({fc.public for fc in mcell.frame_cells}))
        rows.append((commune.code, safe_cell(commune.name), commune.population, types, publics, mcell.status,
                     _titles(cov, behind)))
    rows.sort(key=lambda r: (r[0], r[3], r[4]))
    yield from rows


def _theme_rows(cov: CouncilCoverage) -> Iterable[tuple]:
    """Theme rows, straight from the actions on each commune (the same statuses as the theme matrix):
    the action types and publics of the best-ranked actions on the theme, `none` when no action has it."""
    themes = sorted(_default_vocabularies().codes("theme"))
    for commune in cov.communes:
        head = (commune.code, safe_cell(commune.name), commune.population)
        by_theme: dict[str, list[int]] = {}
        for action_id in cov.covering.get(commune.code, ()):
            for theme in cov.actions[action_id].themes:
                by_theme.setdefault(theme, []).append(action_id)
        for theme in themes:
            ids = by_theme.get(theme)
            if not ids:
                yield head + ("", "", theme, "none", "")
                continue
            best_rank = max(cov.ranks[a] for a in ids)
            best = [a for a in ids if cov.ranks[a] == best_rank]
            yield head + ("|".join(sorted({cov.actions[a].action_type for a in best})),
                          "|".join(sorted({p for a in best for p in cov.actions[a].publics})),
                          theme, RANK_STATUS[best_rank], _titles(cov, best))


def cli_header(by: str | None, with_council: bool) -> list[str]:
    """The header line of `gaps` output."""
    columns = list(CLI_COLUMNS)
    if by == "theme":
        columns.insert(5, "theme")
    return (["council"] if with_council else []) + columns


def write_cli_csv(stream, coverages: Sequence[CouncilCoverage], by: str | None = None,
                  with_council: bool = False) -> None:
    """Write the `gaps` CSV for councils to a text stream (text cells already neutralised by `cli_rows`)."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(cli_header(by, with_council))
    for cov in coverages:
        rows = cli_rows(cov, by)
        if with_council:
            prefix = (safe_cell(cov.name),)
            rows = (prefix + row for row in rows)
        writer.writerows(rows)


def cli_xlsx(coverages: Sequence[CouncilCoverage], by: str | None = None, with_council: bool = False) -> bytes:
    """The `gaps` rows as an XLSX workbook (one sheet)."""
    header = cli_header(by, with_council)
    rows = []
    for cov in coverages:
        prefix = (cov.name,) if with_council else ()
        rows.extend(prefix + row for row in cli_rows(cov, by))
    return xlsx_bytes([("manques", header, rows)])  # safe_cell is idempotent on already neutralised text


def matrix_records(matrix: Matrix) -> list[dict[str, Any]]:
    """The matrix as rows of French text (one column per action type, public, theme or rule)."""
    return matrix.wide_rows()


def records_csv(records: list[dict[str, Any]]) -> bytes:
    """French spreadsheet CSV (`;`, UTF-8 with BOM, formulas neutralised)."""
    return spreadsheet_csv(records)


def records_xlsx(records: list[dict[str, Any]], sheet: str) -> bytes:
    """One-sheet XLSX of records (formulas neutralised)."""
    header = list(records[0]) if records else []
    return xlsx_bytes([(sheet, header, [[r.get(k) for k in header] for r in records])])


def xlsx_bytes(sheets: list[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """An XLSX workbook (bold frozen header, formula-like text neutralised) as bytes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.freeze_panes = "A2"
        bold = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=safe_cell(str(name)))
            cell.font = Font(bold=True)
            bold.append(cell)
        for index, name in enumerate(header):
            letter = _column_letter(index)
            sheet.column_dimensions[letter].width = min(60, max(12, len(str(name)) + 2))
        sheet.append(bold)
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    """A value as written in a worksheet (numbers kept, text neutralised)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (int, float)):
        return value
    return safe_cell(str(value))


def _column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based index."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


PRESENCE_COLUMNS = ("territory_code", "territory_name", "population", "action_type", "public", "theme", "status",
                    "count", "since", "actions")


def presence_header(with_council: bool) -> list[str]:
    """The header line of `gaps --presence` output."""
    return (["council"] if with_council else []) + list(PRESENCE_COLUMNS)


def presence_cli_rows(presence, with_council: bool = False) -> Iterable[tuple]:
    """One row per commune of a presence answer (maillage.coverage.presence.CouncilPresence), by commune code:
    the query's action type, public and theme (empty when any), status `present`/`planned`/`lapsed`/`none`,
    how many actions give it, since when (ISO date of the earliest running one) and their titles."""
    query = presence.query
    head = (safe_cell(presence.name),) if with_council else ()
    titles = {}
    for row in presence.rows:
        text = titles.get(row.action_ids)
        if text is None:
            text = titles[row.action_ids] = safe_cell("|".join(sorted({presence.actions[a].title for a in row.action_ids},
                                                                      key=str.casefold)))
        yield head + (row.code, safe_cell(row.name), row.population, query.action_type or "", query.public or "",
                      query.theme or "", row.status, row.count, row.since.isoformat() if row.since else "", text)


def write_presence_csv(stream, answers, with_council: bool = False) -> None:
    """Write the `gaps --presence` CSV of presence answers to a text stream."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(presence_header(with_council))
    for presence in answers:
        writer.writerows(presence_cli_rows(presence, with_council))


def presence_xlsx(answers, with_council: bool = False) -> bytes:
    """The `gaps --presence` rows as an XLSX workbook (one sheet)."""
    rows = [row for presence in answers for row in presence_cli_rows(presence, with_council)]
    return xlsx_bytes([("presence", presence_header(with_council), rows)])
