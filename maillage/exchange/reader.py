"""Read CSV files as people's spreadsheets really are into tables of text cells, with line numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from maillage.errors import MaillageError
from maillage.exchange.formats import KINDS, KindFormat

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000


class ReadError(MaillageError):
    """The file cannot be read as a table (encoding, shape, size); the message says why in French."""


@dataclass
class Row:
    """One data row: its line number in the file and its cells by column name."""

    line: int
    cells: dict[str, str]


@dataclass
class Table:
    """The rows of one kind, read from one file or sheet."""

    kind: str
    source: str
    rows: list[Row] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def format(self) -> KindFormat:
        return KINDS[self.kind]


def decode(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; undecodable bytes are an error, never guessed."""
    if b"\x00" in data[:4096]:
        raise ReadError(f"{source} : le fichier n'est pas un fichier texte (CSV) lisible.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ReadError(
            f"{source} : encodage illisible (octet {data[error.start]:#04x} à la position "
            f"{error.start}) ; enregistrez le fichier en UTF-8 ou en Windows-1252."
        ) from None
    return text


def sniff_delimiter(header_line: str) -> str:
    """The separator of a CSV header line: `;`, tab or `,` (the most frequent outside quotes)."""
    counts = {delimiter: 0 for delimiter in (";", "\t", ",")}
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ";"


def table_from_records(kind: str, source: str, records: list[tuple[int, list[str]]]) -> Table:
    """Match headers (first record) to the kind's columns and keep the non-blank rows.

    `records` are (line number, cells) pairs; the first non-blank one holds the headers.
    """
    records = [(line, record) for line, record in records]
    while records and not any((cell or "").strip() for cell in records[0][1]):
        records.pop(0)
    kind_format = KINDS[kind]
    if not records:
        raise ReadError(f"{source} : le fichier est vide.")
    headers = [(str(cell) if cell is not None else "").strip() for cell in records[0][1]]
    if len([header for header in headers if header]) < 2:
        raise ReadError(
            f"{source} : une seule colonne trouvée ; vérifiez le séparateur (; , ou tabulation) "
            "et la ligne d'en-têtes."
        )
    mapping: dict[int, str] = {}
    table = Table(kind=kind, source=source)
    for index, header in enumerate(headers):
        column = kind_format.match_header(header)
        if column is None:
            if header:
                table.ignored_headers.append(header)
            continue
        if column in mapping.values():
            raise ReadError(f"{source} : la colonne « {header} » apparaît deux fois.")
        mapping[index] = column
    table.columns = [mapping[index] for index in sorted(mapping)]
    for line, record in records[1:]:
        cells = {column: "" for column in kind_format.columns}
        for index, column in mapping.items():
            value = record[index] if index < len(record) else ""
            cells[column] = (str(value) if value is not None else "").strip()
        if any(cells.values()):
            table.rows.append(Row(line=line, cells=cells))
        if len(table.rows) > MAX_ROWS:
            raise ReadError(f"{source} : plus de {MAX_ROWS:,} lignes ; découpez le fichier.".replace(",", "\u202f"))
    return table


def read_csv(kind: str, data: bytes, source: str) -> Table:
    """Read one CSV file of `kind`."""
    if len(data) > MAX_BYTES:
        raise ReadError(f"{source} : le fichier dépasse 20 Mo ; découpez-le.")
    text = decode(data, source)
    if not text.strip():
        raise ReadError(f"{source} : le fichier est vide.")
    first_line = text.lstrip("\r\n").splitlines()[0]
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        line = 1
        for record in reader:
            records.append((line, record))
            line = reader.line_num + 1
    except csv.Error as error:
        raise ReadError(f"{source} : CSV mal formé ({error}).") from None
    return table_from_records(kind, source, records)
