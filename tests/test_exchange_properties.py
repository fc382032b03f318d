"""Property tests: random bytes and random rows never make the reader raise anything but its own error,
and an import is either written whole or not at all."""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.accounts import SYSTEM
from maillage.exchange import (
    KINDS,
    ImportRefused,
    Limits,
    ReadError,
    import_tables,
    read_backup,
    read_file,
)
from tests.exchange_support import fill_mini, snapshot

SETTINGS = settings(max_examples=50, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
PREFIXES = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"nom;typologie;commune_siege\r\n"]


@SETTINGS
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=2000),
       name=st.sampled_from(["x.csv", "partenaires.csv", "classeur.xlsx", "actions.txt"]),
       kind=st.sampled_from([None, *KINDS]))
def test_random_bytes_only_raise_read_errors(prefix, body, name, kind):
    try:
        tables = read_file(name, prefix + body, kind, Limits(max_rows=50))
    except ReadError as error:
        assert error.messages and all(isinstance(m, str) and m for m in error.messages)
    else:
        assert all(table.kind in KINDS for table in tables)


@SETTINGS
@given(members=st.dictionaries(st.sampled_from(["xl/workbook.xml", "[Content_Types].xml", "xl/worksheets/sheet1.xml",
                                                "xl/_rels/workbook.xml.rels", "manifest.json", "partenaires.csv"]),
                               st.binary(max_size=300), max_size=5))
def test_random_archives_only_raise_read_errors(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    for reader in (lambda data: read_file("c.xlsx", data), read_backup):
        try:
            reader(buffer.getvalue())
        except ReadError:
            pass


CELL = st.one_of(
    st.sampled_from(["", "Club", "Ville de Bordeaux", "Centre social Bordeaux Nord", "ASSO", "Association", "MUNI",
                     "33063", "33281", "1001", "sub:Benauge", "243300316", "dep:33", "99999", "Bordeaux",
                     "21330063500017", "1234", "05/03/2026", "31/02/2026", "2026-03-05", "46086", "2,5", "-3",
                     "oui", "non", "=1+1", "+33 5 56", "@x", "'=x", "a|b", "CLSPD de Bordeaux", "CLSPD de Saintes",
                     "presence_en_ligne", "en_cours", "adolescents", "convention", "3", "pilote", "x" * 250,
                     "prevention@exemple.fr", "https://www.exemple.fr", "Appeler le 06 12 34 56 78"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
)


@SETTINGS
@given(kind=st.sampled_from(["partenaires", "actions", "liens", "action_partenaires", "indicateurs", "instances"]),
       data=st.data(), separator=st.sampled_from([";", ",", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_random_rows_import_whole_or_not_at_all(db_factory, kind, data, separator, encoding):
    engine = _engine(db_factory)
    columns = list(KINDS[kind].columns)
    chosen = data.draw(st.lists(st.sampled_from(columns), min_size=2, max_size=len(columns), unique=True))
    rows = data.draw(st.lists(st.lists(CELL, min_size=len(chosen), max_size=len(chosen)), max_size=6))
    lines = [separator.join(chosen)] + [separator.join(_quote(cell, separator) for cell in row) for row in rows]
    try:
        content = "\r\n".join(lines).encode(encoding)
    except UnicodeEncodeError:
        content = "\r\n".join(lines).encode("utf-8")
    before = snapshot(engine)
    try:
        tables = read_file(f"{kind}.csv", content)
        import_tables(engine, tables, actor=SYSTEM)
    except (ReadError, ImportRefused):
        assert snapshot(engine) == before


def _quote(cell: str, separator: str) -> str:
    if any(char in cell for char in (separator, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


_ENGINES: dict[int, object] = {}


def _engine(db_factory):
    """One small database for the whole property run (successful imports may keep adding to it)."""
    key = id(db_factory)
    if key not in _ENGINES:
        engine = db_factory.engine("empty")
        fill_mini(engine)
        _ENGINES[key] = engine
    return _ENGINES[key]


@SETTINGS
@given(text=st.text(max_size=40))
def test_the_fold_is_the_slow_reference(text):
    """The cached fold equals the plain definition: NFKD, ligatures spelled out, marks dropped, lower case."""
    import re
    import unicodedata

    from maillage.core.text import _UNDECOMPOSED, fold

    plain = "".join(c for c in unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED)) if not unicodedata.combining(c))
    assert fold(text) == re.sub(r"[^a-z0-9]+", " ", plain.lower()).strip()
