"""Read exchange files as people's spreadsheets really are (CSV in UTF-8 or Windows-1252, XLSX workbooks)
into tables of text cells with their line numbers. Anything unreadable raises ReadError, never another error."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from maillage.core.errors import MaillageError
from maillage.core.formatting import format_decimal, format_int
from maillage.core.text import compact
from maillage.exchange.formats import (
    IGNORED_SHEETS,
    KINDS,
    KindFormat,
    guess_kind,
    kind_for_name,
)
from maillage.exchange.problems import Problem
from maillage.exchange.values import unneutralise

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
HEADER_SEARCH_ROWS = 10
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MOJIBAKE = re.compile(r"Ã[\xa0-\xbf]|â€")
_DELIMITERS = (";", ",", "\t")
_DELIMITER_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}


class ReadError(MaillageError):
    """The file cannot be read as a table (encoding, shape, size); `messages` say why, in French."""

    def __init__(self, messages: list[str] | str):
        """One message or several."""
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ; ".join(self.messages))


@dataclass(frozen=True)
class Limits:
    """How big a file may be: 20 MB and 200,000 rows for imports (backups restore with larger limits)."""

    max_bytes: int = MAX_BYTES
    max_rows: int = MAX_ROWS


DEFAULT_LIMITS = Limits()


@dataclass(slots=True)
class Row:
    """One data row: its line number in the file, its cells by column name, and the row as written."""

    line: int
    cells: dict[str, str]
    raw: list[str] = field(default_factory=list)


# Column mappings: a file's header → the format's column it holds ("" to ignore it), for files whose headers
# are not ours. Headers are compared compacted (case, accents, spaces and punctuation ignored).
Mapping = dict[str, str]
PROBLEM_COLUMN = "problème"  # the column our problem lists add; ignored when such a file comes back


@dataclass
class Table:
    """The rows of one kind, read from one file or sheet, with what reading noticed."""

    kind: str
    source: str
    rows: list[Row] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    header_columns: dict[str, str] = field(default_factory=dict)
    ignored_headers: list[str] = field(default_factory=list)
    header_line: int = 1
    encoding: str = ""
    delimiter: str = ""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    match_siret: bool = False  # partners matched by SIRET before name and commune (data·inclusion files)

    @property
    def format(self) -> KindFormat:
        """The format of this table's kind."""
        return KINDS[self.kind]


def _too_big(source: str, size: int, limits: Limits) -> ReadError:
    """The error for a file over the size limit."""
    megabytes = format_decimal(size / 1024 / 1024, 1)
    limit = format_int(limits.max_bytes // 1024 // 1024)
    return ReadError(f"{source} : le fichier pèse {megabytes} Mo, au-delà de la limite de {limit} Mo ; découpez-le.")


def _too_many_rows(source: str, limits: Limits) -> ReadError:
    """The error for a file over the row limit."""
    return ReadError(f"{source} : plus de {format_int(limits.max_rows)} lignes, au-delà de la limite ; découpez le fichier.")


def decode(data: bytes, source: str) -> tuple[str, str]:
    """(text, encoding name): UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252.

    Bytes Windows-1252 cannot decode are an error, never guessed; so are control characters.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding = data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ReadError(f"{source} : fichier UTF-16 illisible ; enregistrez-le en CSV UTF-8.") from None
    elif data.startswith(b"\xef\xbb\xbf"):
        try:
            text, encoding = data[3:].decode("utf-8"), "UTF-8 (avec BOM)"
        except UnicodeDecodeError as error:
            raise ReadError(f"{source} : le fichier se déclare UTF-8 mais contient un octet invalide "
                            f"({_byte_position(data, error.start + 3)}).") from None
    else:
        try:
            text, encoding = data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1252"), "Windows-1252"
            except UnicodeDecodeError as error:
                raise ReadError(
                    f"{source} : encodage illisible ({_byte_position(data, error.start)}) : ni UTF-8 ni "
                    "Windows-1252 ; enregistrez le fichier en « CSV UTF-8 »."
                ) from None
    if match := _CONTROL.search(text):
        line = text.count("\n", 0, match.start()) + 1
        raise ReadError(f"{source} : caractère de contrôle {ord(match.group()):#04x} ligne {line} : "
                        "ce n'est pas un fichier texte (CSV) lisible.")
    return text, encoding


def _byte_position(data: bytes, position: int) -> str:
    """`octet 0x81 ligne 2`: where an undecodable byte is."""
    line = data.count(b"\n", 0, position) + 1
    return f"octet {data[position]:#04x} ligne {line}"


def _records(text: str, delimiter: str, source: str, limits: Limits, stop_after: int | None = None) -> list[tuple[int, list[str]]]:
    """(line number, cells) for every CSV record; the line is where the record starts."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    line = 1
    data_rows = 0
    try:
        for record in reader:
            records.append((line, record))
            line = reader.line_num + 1
            if record and (record[0].strip() or any(cell.strip() for cell in record)):
                data_rows += 1
                if stop_after is not None and data_rows >= stop_after:
                    break
                if data_rows > limits.max_rows + HEADER_SEARCH_ROWS:
                    raise _too_many_rows(source, limits)
    except csv.Error as error:
        raise ReadError(f"{source}, ligne {reader.line_num} : CSV mal formé ({_csv_error(error)}).") from None
    return records


def _csv_error(error: csv.Error) -> str:
    """The csv module's error, in French."""
    message = str(error)
    if "field larger than field limit" in message:
        return "une cellule dépasse 131 072 caractères"
    if "new-line character seen in unquoted field" in message:
        return "retour à la ligne inattendu"
    return "guillemets non refermés ou mal placés"


MAX_HEADER = 120  # no column name is longer: longer cells (notes) are not compared, which kept it linear


def _header_score(kind: str | None, record: list[str], mapping: Mapping | None = None) -> int:
    """How many columns of `kind` (of the best kind when None) a record names (through `mapping` first)."""
    kinds = [kind] if kind else list(KINDS)
    cells = [str(cell or "") for cell in record if len(str(cell or "")) <= MAX_HEADER]  # notes are no headers
    return max(len({header_column(KINDS[k], cell, mapping) for k in kinds for cell in cells} - {None, ""}), 0)


def header_column(kind_format: KindFormat, header: str, mapping: Mapping | None = None) -> str | None:
    """The column a header holds: the user's mapping first ("" = ignored), then our names and known aliases."""
    if mapping:
        wanted = compact(header)
        for mapped_header, column in mapping.items():
            if compact(mapped_header) == wanted:
                return column if column in kind_format.columns else ""
    return kind_format.match_header(header)


def _choose_delimiter(text: str, kind: str | None, source: str, limits: Limits) -> str:
    """The separator whose first lines best name the kind's columns (`;`, `,` or tab)."""
    best, best_score = None, 0
    for delimiter in _DELIMITERS:
        try:
            head = _records(text, delimiter, source, limits, stop_after=HEADER_SEARCH_ROWS)
        except ReadError:
            continue
        score = max((_header_score(kind, record) for _line, record in head), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    if best is not None and best_score >= 2:
        return best
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: _count_outside_quotes(first_line, delimiter) for delimiter in _DELIMITERS}
    most = max(counts, key=lambda delimiter: counts[delimiter])
    return most if counts[most] else ";"


def _count_outside_quotes(line: str, delimiter: str) -> int:
    """How many times a separator appears outside quotes in a line."""
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text the exchange format reads (dates ISO, whole numbers without `.0`)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def table_from_records(kind: str, source: str, records: list[tuple[int, list]], *,
                       limits: Limits = DEFAULT_LIMITS, delimiter: str = "", mapping: Mapping | None = None) -> Table:
    """Find the header row (among the first non-blank rows), match it to the kind's columns, keep the data rows."""
    kind_format = KINDS[kind]
    candidates = []
    for line, record in records:
        if any(_cell_text(cell) for cell in record):
            candidates.append((line, record))
            if len(candidates) == HEADER_SEARCH_ROWS:
                break
    if not candidates:
        raise ReadError(f"{source} : le fichier est vide.")
    scores = [_header_score(kind, record, mapping) for _line, record in candidates]
    best = max(range(len(candidates)), key=lambda index: (scores[index], -index))
    header_line, header_record = candidates[best]
    headers = [_cell_text(cell) for cell in header_record]
    if scores[best] < 2:
        if len([header for header in headers if header]) < 2 and delimiter:
            raise ReadError(
                f"{source} : une seule colonne trouvée ; vérifiez le séparateur (point-virgule, virgule ou "
                "tabulation) et la ligne d'en-têtes."
            )
        raise ReadError(
            f"{source} : aucune ligne d'en-têtes reconnue pour « {kind} » dans les premières lignes "
            f"(colonnes attendues : {', '.join(kind_format.columns)})."
        )
    table = Table(kind=kind, source=source, header_line=header_line, delimiter=delimiter, headers=headers)
    if best > 0:
        table.warnings.append(Problem(source, header_line, "", "",
                                      f"{best} ligne(s) avant les en-têtes ignorée(s)"))
    positions: dict[int, str] = {}
    postal: int | None = None  # a « Code postal » column beside the seat commune's name: read together
    for index, header in enumerate(headers):
        if compact(header) == compact(PROBLEM_COLUMN):
            continue
        column = header_column(kind_format, header, mapping)
        if column == "" and mapping:
            continue
        if column is None:
            if header:
                table.ignored_headers.append(header)
            continue
        if column in positions.values():
            previous = next(i for i, c in positions.items() if c == column)
            if column == "commune_siege" and _is_postal_header(headers[previous]) != _is_postal_header(header):
                if _is_postal_header(header):
                    postal = index
                else:
                    postal, positions[index] = previous, column
                    del positions[previous]
                continue
            raise ReadError(f"{source}, ligne {header_line} : la colonne « {column} » apparaît deux fois.")
        positions[index] = column
        table.header_columns[header] = column
    mapping_positions = positions
    table.columns = [positions[index] for index in sorted(positions)]
    if table.ignored_headers:
        table.warnings.append(Problem(source, header_line, "", "",
                                      "colonnes inconnues ignorées : " + ", ".join(table.ignored_headers)))
    width = max(mapping_positions) + 1
    header_width = len(headers)
    while header_width and not headers[header_width - 1]:
        header_width -= 1
    data_rows = 0
    columns = kind_format.columns
    pairs = sorted(mapping_positions.items())
    seat_index = next((i for i, c in pairs if c == "commune_siege"), None)
    spread = max(width, header_width)
    from_text = bool(delimiter)  # CSV cells are already text, checked for control characters when decoded
    for line, record in records:
        if line <= header_line:
            continue
        texts = [cell.strip() for cell in record] if from_text else [_cell_text(cell) for cell in record]
        if not any(texts):
            continue
        data_rows += 1
        if data_rows > limits.max_rows:
            raise _too_many_rows(source, limits)
        cells = dict.fromkeys(columns, "")
        size = len(texts)
        for index, column in pairs:
            if index < size:
                value = texts[index]
                cells[column] = unneutralise(value) if value[:1] == "'" else value
                if not from_text and isinstance(record[index], Formula):
                    table.problems.append(Problem(source, line, column, str(record[index]), FORMULA_PROBLEM))
        if postal is not None and postal < size and texts[postal]:
            code = texts[postal].zfill(5) if texts[postal].isdigit() else texts[postal]
            seat = cells.get("commune_siege", "") if seat_index is not None else ""
            cells["commune_siege"] = f"{code} {seat}" if seat else code
        if size > spread and any(texts[spread:]):
            hint = (f" ; une cellule contient-elle un {_DELIMITER_NAMES[delimiter]} sans guillemets ?"
                    if delimiter else "")
            table.problems.append(Problem(
                source, line, "", "",
                f"{size} valeurs pour {header_width} colonnes d'en-tête{hint}",
            ))
        if not from_text:
            for column, value in cells.items():
                if value and _CONTROL.search(value):
                    table.problems.append(Problem(source, line, column, value,
                                                  "contient des caractères de contrôle invisibles"))
                    cells[column] = _CONTROL.sub("", value)
        table.rows.append(Row(line=line, cells=cells, raw=texts))
    return table


def _is_postal_header(header: str) -> bool:
    """Whether a header names a postal code (« Code postal », « CP »)."""
    return compact(header) in ("codepostal", "cp", "codepostale")


def read_csv(kind: str | None, data: bytes, source: str, limits: Limits = DEFAULT_LIMITS,
             mapping: Mapping | None = None) -> Table:
    """Read one CSV file of `kind` (None: guess it from the file name, then from the headers)."""
    if len(data) > limits.max_bytes:
        raise _too_big(source, len(data), limits)
    if not data.strip():
        raise ReadError(f"{source} : le fichier est vide.")
    text, encoding = decode(data, source)
    if not text.strip():
        raise ReadError(f"{source} : le fichier est vide.")
    kind = kind or kind_for_name(source)
    delimiter = _choose_delimiter(text, kind, source, limits)
    records = _records(text, delimiter, source, limits)
    if kind is None:
        kind = _guess_from_records(records)
        if kind is None:
            raise ReadError(
                f"{source} : impossible de savoir ce que contient ce fichier ; nommez-le d'après son contenu "
                f"({', '.join(name + '.csv' for name in KINDS)}) ou indiquez son type."
            )
    table = table_from_records(kind, source, records, limits=limits, delimiter=delimiter, mapping=mapping)
    table.encoding = encoding
    if _MOJIBAKE.search(text):
        table.warnings.append(Problem(source, 0, "", "", "le texte contient des caractères comme « Ã© » : "
                                      "le fichier a peut-être été mal converti (accents abîmés)"))
    return table


def _guess_from_records(records: list[tuple[int, list]]) -> str | None:
    """The kind the first rows' headers name, or None."""
    for _line, record in [(line, record) for line, record in records if any(_cell_text(c) for c in record)][:HEADER_SEARCH_ROWS]:
        kind = guess_kind([_cell_text(cell) for cell in record])
        if kind:
            return kind
    return None


def _check_zip(data: bytes, source: str, limits: Limits) -> None:
    """Refuse what is not an XLSX workbook (ODS, corrupt archive) and archives that inflate too much."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
                return
            if "xl/workbook.xml" not in names:
                raise ReadError(f"{source} : ce fichier compressé n'est pas un classeur Excel (.xlsx).")
            inflated = sum(info.file_size for info in archive.infolist())
            if inflated > limits.max_bytes * 25:
                raise ReadError(f"{source} : le classeur décompressé est trop volumineux ; découpez-le.")
    except zipfile.BadZipFile:
        raise ReadError(f"{source} : classeur Excel (.xlsx) endommagé ou incomplet.") from None


def read_xlsx(data: bytes, source: str, kind: str | None = None, limits: Limits = DEFAULT_LIMITS,
              mapping: Mapping | None = None) -> list[Table]:
    """Read a workbook: one sheet per kind (named after it); with `kind`, its sheet or the only sheet."""
    if len(data) > limits.max_bytes:
        raise _too_big(source, len(data), limits)
    if data.startswith(b"\xd0\xcf\x11\xe0") or _is_ods(data):
        return _read_workbook(_calamine_records(data, source, limits), source, kind, limits, mapping)
    _check_zip(data, source, limits)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except ReadError:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors on a damaged file
        raise ReadError(f"{source} : classeur Excel (.xlsx) illisible ou endommagé.") from None
    try:
        sheets = [sheet for sheet in workbook.worksheets if compact(sheet.title) not in IGNORED_SHEETS]
        budget = [0]
        loaded = [(sheet.title, _sheet_records(sheet, source, limits, budget)) for sheet in sheets]
        return _read_workbook(loaded, source, kind, limits, mapping)
    except ReadError:
        raise
    except Exception:  # noqa: BLE001
        raise ReadError(f"{source} : classeur Excel (.xlsx) illisible ou endommagé.") from None
    finally:
        workbook.close()


class Formula(str):
    """A spreadsheet cell holding a formula (reported as such: Maillage reads values, issue 20)."""


FORMULA_PROBLEM = ("est une formule de tableur : Maillage lit des valeurs ; remplacez-la par sa valeur "
                   "(copier, puis « Collage spécial › Valeurs »)")


def _sheet_records(sheet, source: str, limits: Limits, budget: list[int]) -> list[tuple[int, list]]:
    """(row number, cells) of a sheet, stopping past the row limit."""
    sheet.reset_dimensions()
    records = []
    for line, row in enumerate(sheet.iter_rows(), start=1):
        values = [Formula(cell.value) if getattr(cell, "data_type", None) == "f" else cell.value for cell in row]
        if any(value is not None and value != "" for value in values):
            budget[0] += 1
            if budget[0] > limits.max_rows + HEADER_SEARCH_ROWS:
                raise _too_many_rows(source, limits)
        records.append((line, values))
    return records


def _is_ods(data: bytes) -> bool:
    """Whether bytes are an OpenDocument spreadsheet (.ods)."""
    return data.startswith(b"PK\x03\x04") and b"application/vnd.oasis.opendocument.spreadsheet" in data[:200]


def _calamine_records(data: bytes, source: str, limits: Limits) -> list[tuple[str, list[tuple[int, list]]]]:
    """(sheet title, records) of a legacy Excel (.xls) or OpenDocument (.ods) workbook, read with calamine."""
    from python_calamine import CalamineError, PasswordError, load_workbook

    what = "OpenDocument (.ods)" if data.startswith(b"PK") else "Excel (.xls)"
    try:
        workbook = load_workbook(io.BytesIO(data))
        loaded, budget = [], 0
        for title in workbook.sheet_names:
            if compact(title) in IGNORED_SHEETS:
                continue
            records = []
            for line, values in enumerate(workbook.get_sheet_by_name(title).to_python(skip_empty_area=False), start=1):
                if any(value not in (None, "") for value in values):
                    budget += 1
                    if budget > limits.max_rows + HEADER_SEARCH_ROWS:
                        raise _too_many_rows(source, limits)
                records.append((line, list(values)))
            loaded.append((title, records))
        return loaded
    except ReadError:
        raise
    except PasswordError:
        raise ReadError(f"{source} : classeur protégé par mot de passe ; enregistrez-le sans mot de passe.") from None
    except (CalamineError, Exception):  # noqa: BLE001 - a damaged file raises many kinds of errors
        raise ReadError(f"{source} : classeur {what} illisible ou endommagé.") from None


def _workbook_records(source: str, data: bytes) -> list[tuple[str, list[tuple[int, list]]]]:
    """(sheet title, first records) of any workbook, for reading its headers."""
    limits = Limits(max_rows=HEADER_SEARCH_ROWS)
    if data.startswith(b"\xd0\xcf\x11\xe0") or _is_ods(data):
        return _calamine_records(data, source, DEFAULT_LIMITS)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001
        raise ReadError(f"{source} : classeur Excel (.xlsx) illisible ou endommagé.") from None
    try:
        loaded = []
        for sheet in workbook.worksheets:
            if compact(sheet.title) in IGNORED_SHEETS:
                continue
            rows = []
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                rows.append((line, list(values)))
                if line >= limits.max_rows * 3:
                    break
            loaded.append((sheet.title, rows))
        return loaded
    finally:
        workbook.close()


def _read_workbook(loaded: list[tuple[str, list[tuple[int, list]]]], source: str, kind: str | None, limits: Limits,
                   mapping: Mapping | None = None) -> list[Table]:
    """Every sheet of a workbook (title, records) as a table of its kind."""
    non_empty = [(title, records) for title, records in loaded
                 if any(_cell_text(cell) for _line, record in records for cell in record)]
    if not non_empty:
        raise ReadError(f"{source} : le classeur est vide.")
    if kind is not None:
        named = [(title, records) for title, records in non_empty if kind_for_name(title) == kind]
        if named:
            chosen = named[0]
        elif len(non_empty) == 1:
            chosen = non_empty[0]
        else:
            raise ReadError(f"{source} : aucune feuille nommée « {kind} » parmi "
                            + ", ".join(f"« {title} »" for title, _ in non_empty) + ".")
        return [table_from_records(kind, f"{source} [{chosen[0]}]", chosen[1], limits=limits, mapping=mapping)]
    messages, tables, seen = [], [], {}
    for title, records in non_empty:
        sheet_kind = kind_for_name(title)
        if sheet_kind is None:
            guessed = _guess_from_records(records)
            hint = f" ; ses colonnes sont celles de « {guessed} » : renommez la feuille" if guessed else ""
            messages.append(f"{source} : feuille « {title} » inconnue (noms attendus : {', '.join(KINDS)}){hint}.")
            continue
        if sheet_kind in seen:
            messages.append(f"{source} : les feuilles « {seen[sheet_kind]} » et « {title} » contiennent toutes deux "
                            f"des {KINDS[sheet_kind].label} ; n'en gardez qu'une.")
            continue
        seen[sheet_kind] = title
        try:
            tables.append(table_from_records(sheet_kind, f"{source} [{title}]", records, limits=limits,
                                             mapping=mapping))
        except ReadError as error:
            messages.extend(error.messages)
    if messages:
        raise ReadError(messages)
    return tables


def read_file(name: str, data: bytes, kind: str | None = None, limits: Limits = DEFAULT_LIMITS,
              mapping: Mapping | None = None) -> list[Table]:
    """Read one uploaded file, CSV or XLSX (told apart by content, not by name)."""
    if kind is not None and kind not in KINDS:
        raise ReadError(f"« {kind} » n'est pas un type de fichier connu ({', '.join(KINDS)}).")
    if len(data) > limits.max_bytes:
        raise _too_big(name, len(data), limits)
    if not data:
        raise ReadError(f"{name} : le fichier est vide.")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return read_xlsx(data, name, kind, limits, mapping)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return read_xlsx(data, name, kind, limits, mapping)
    if kind in (None, "partenaires"):
        from maillage.exchange.inclusion import is_inclusion_file, read_inclusion

        if is_inclusion_file(name, data):
            return [read_inclusion(name, data)]
    if data.startswith(b"%PDF"):
        raise ReadError(f"{name} : c'est un PDF, pas un tableau ; exportez les données en CSV ou XLSX.")
    return [read_csv(kind, data, name, limits, mapping)]


def read_files(files: list[tuple[str, bytes]], kind: str | None = None, limits: Limits = DEFAULT_LIMITS,
               mapping: Mapping | None = None) -> list[Table]:
    """Read several files; every unreadable file is reported together in one ReadError."""
    tables: list[Table] = []
    messages: list[str] = []
    for name, data in files:
        try:
            tables.extend(read_file(name, data, kind, limits, mapping))
        except ReadError as error:
            messages.extend(error.messages)
    if messages:
        raise ReadError(messages)
    if not tables:
        raise ReadError("aucun fichier à importer.")
    return tables


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


def header_rows(name: str, data: bytes, kind: str | None = None) -> list[tuple[str, str | None, list[str]]]:
    """(source, kind or None, headers) of each table a file holds: the row that names the most of our columns among
    the first rows (the first non-blank row when none does), for mapping a file's own headers to our columns."""
    found = []
    try:
        if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            sheets = [(f"{name} [{title}]", kind or kind_for_name(title), records)
                      for title, records in _workbook_records(name, data)]
        else:
            text, _encoding = decode(data, name)
            records = _records(text, _choose_delimiter(text, kind, name, DEFAULT_LIMITS), name, DEFAULT_LIMITS,
                               stop_after=HEADER_SEARCH_ROWS)
            sheets = [(name, kind or kind_for_name(name), records)]
    except ReadError:
        return []
    for source, sheet_kind, records in sheets:
        rows = [[_cell_text(cell) for cell in record] for _line, record in records
                if any(_cell_text(cell) for cell in record)][:HEADER_SEARCH_ROWS]
        if not rows:
            continue
        best = max(rows, key=lambda row: (_header_score(sheet_kind, row), -rows.index(row)))
        if _header_score(sheet_kind, best) < 2:
            best = rows[0]
        found.append((source, sheet_kind or guess_kind(best), best))
    return found
