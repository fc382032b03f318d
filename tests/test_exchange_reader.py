"""The reader: encodings, separators, headers, limits, workbooks, and malformed files with clear French messages."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from maillage.exchange import (
    KINDS,
    CellError,
    Limits,
    ReadError,
    decode,
    guess_kind,
    kind_for_name,
    looks_like_formula,
    neutralise,
    parse_bool,
    parse_count,
    parse_date,
    parse_number,
    read_csv,
    read_file,
    read_files,
    split_list,
    unneutralise,
)

HEADER = "nom;typologie;commune_siege\r\n"


def message(error: pytest.ExceptionInfo) -> str:
    return str(error.value)


def test_decode_utf8_bom_windows_1252_and_utf16():
    assert decode("Mérignac".encode(), "f") == ("Mérignac", "UTF-8")
    assert decode(b"\xef\xbb\xbfM\xc3\xa9rignac", "f") == ("Mérignac", "UTF-8 (avec BOM)")
    assert decode("Mérignac – l’été".encode("cp1252"), "f") == ("Mérignac – l’été", "Windows-1252")
    assert decode("nom\tville\r\n".encode("utf-16"), "f") == ("nom\tville\r\n", "UTF-16")


def test_undecodable_bytes_are_an_error_never_a_guess():
    with pytest.raises(ReadError) as error:
        decode(b"nom;ville\r\nCaf\x81;x\r\n", "f.csv")
    assert message(error) == ("f.csv : encodage illisible (octet 0x81 ligne 2) : ni UTF-8 ni Windows-1252 ; "
                              "enregistrez le fichier en « CSV UTF-8 ».")
    with pytest.raises(ReadError) as error:
        decode(b"\xef\xbb\xbfnom\r\nM\xe9rignac\r\n", "f.csv")
    assert message(error) == "f.csv : le fichier se déclare UTF-8 mais contient un octet invalide (octet 0xe9 ligne 2)."
    with pytest.raises(ReadError) as error:
        decode(b"nom;ville\r\nx\x00y\r\n", "f.csv")
    assert message(error) == "f.csv : caractère de contrôle 0x00 ligne 2 : ce n'est pas un fichier texte (CSV) lisible."


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_separators_are_detected(separator):
    text = separator.join(["nom", "typologie", "commune_siege", "notes"]) + "\r\n"
    text += separator.join(["Club", "ASSO", "33063", '"a; b, c"']) + "\r\n"
    table = read_csv("partenaires", text.encode(), "p.csv")
    assert table.delimiter == separator
    assert table.rows[0].cells["notes"] == "a; b, c"


def test_headers_ignore_case_accents_spaces_underscores_and_unknown_columns():
    data = "NOM ; Typologie ;Commune Siège;Contact_Fonction;Couleur préférée\r\nClub ;ASSO; 33063 ;Directrice  ;bleu\r\n"
    table = read_csv("partenaires", data.encode(), "p.csv")
    assert table.columns == ["nom", "typologie", "commune_siege", "contact_fonction"]
    assert table.rows[0].cells["nom"] == "Club" and table.rows[0].cells["contact_fonction"] == "Directrice"
    assert [str(w) for w in table.warnings] == ["p.csv, ligne 1 : colonnes inconnues ignorées : Couleur préférée"]


def test_a_title_above_the_headers_is_skipped_with_a_warning():
    data = "Partenaires du CLSPD;;\r\n;;\r\n" + HEADER + "Club;ASSO;33063\r\n"
    table = read_csv("partenaires", data.encode(), "p.csv")
    assert table.header_line == 3 and table.rows[0].line == 4
    assert [str(w) for w in table.warnings] == ["p.csv, ligne 3 : 1 ligne(s) avant les en-têtes ignorée(s)"]


def test_multiline_cells_keep_the_line_where_the_row_starts():
    data = HEADER.replace("\r\n", ";notes\r\n") + 'A;ASSO;33063;"deux\r\nlignes"\r\nB;ASSO;33063;\r\n'
    table = read_csv("partenaires", data.encode(), "p.csv")
    assert [row.line for row in table.rows] == [2, 4]
    assert table.rows[0].cells["notes"] == "deux\r\nlignes"


def test_a_row_with_more_cells_than_headers_is_an_error():
    table = read_csv("partenaires", (HEADER + "Club;ASSO;33063;en trop\r\n").encode(), "p.csv")
    assert [str(p) for p in table.problems] == [
        "p.csv, ligne 2 : 4 valeurs pour 3 colonnes d'en-tête ; une cellule contient-elle un point-virgule sans "
        "guillemets ?"]


@pytest.mark.parametrize("data, expected", [
    (b"", "p.csv : le fichier est vide."),
    (b"\r\n \r\n", "p.csv : le fichier est vide."),
    (b"nom typologie commune\r\nClub ASSO 33063\r\n",
     "p.csv : une seule colonne trouvée ; vérifiez le séparateur (point-virgule, virgule ou tabulation) et la "
     "ligne d'en-têtes."),
    (b"a;b;c\r\n1;2;3\r\n",
     "p.csv : aucune ligne d'en-têtes reconnue pour « partenaires » dans les premières lignes (colonnes attendues : "
     "nom, typologie, commune_siege, territoires_intervention, siret, site_web, reseaux, contact_nom, "
     "contact_fonction, contact_email, contact_telephone, verifie_le, notes, archive_le)."),
    (b"nom;nom;typologie\r\n", "p.csv, ligne 1 : la colonne « nom » apparaît deux fois."),
    (b'nom;typologie;commune_siege\r\n"Club;ASSO;33063\r\n', None),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "p.csv : classeur Excel (.xls) illisible ou endommagé."),
    (b"%PDF-1.7\n", "p.csv : c'est un PDF, pas un tableau ; exportez les données en CSV ou XLSX."),
    (b"PK\x03\x04garbage", "p.csv : classeur Excel (.xlsx) endommagé ou incomplet."),
])
def test_malformed_files_get_one_clear_message(data, expected):
    try:
        tables = read_file("p.csv", data, "partenaires")
    except ReadError as error:
        assert expected is not None and str(error) == expected
    else:
        # an unclosed quote swallows the rest of the file into one cell: read, never crashes
        assert expected is None and tables[0].rows[0].cells["nom"].startswith("Club;ASSO")


def test_size_and_row_limits():
    with pytest.raises(ReadError) as error:
        read_file("gros.csv", b"x" * 2_000_000, "partenaires", Limits(max_bytes=1024 * 1024))
    assert message(error) == "gros.csv : le fichier pèse 1,9 Mo, au-delà de la limite de 1 Mo ; découpez-le."
    rows = HEADER + "".join(f"Club {n};ASSO;33063\r\n" for n in range(20))
    with pytest.raises(ReadError) as error:
        read_file("long.csv", rows.encode(), "partenaires", Limits(max_rows=10))
    assert message(error) == "long.csv : plus de 10 lignes, au-delà de la limite ; découpez le fichier."
    assert len(read_file("long.csv", rows.encode(), "partenaires", Limits(max_rows=20))[0].rows) == 20


def test_default_limits_are_20_megabytes_and_200_000_rows():
    assert Limits() == Limits(max_bytes=20 * 1024 * 1024, max_rows=200_000)
    with pytest.raises(ReadError) as error:
        read_file("gros.csv", b"x" * (20 * 1024 * 1024 + 1), "partenaires")
    assert "au-delà de la limite de 20 Mo" in message(error)


def test_kind_from_file_name_or_headers():
    assert kind_for_name("Action_Partenaires.CSV") == "action_partenaires"
    assert kind_for_name("partenaires des actions") == "action_partenaires"
    assert kind_for_name("Référentiel.xlsx") == "referentiel"
    assert guess_kind(["Titre", "Instance", "Type d'action", "Statut", "Début", "Territoires", "Publics"]) == "actions"
    [table] = read_file("export_mairie.csv", b"nom;type;territoires\r\nCLSPD;CLSPD;33063\r\n")
    assert table.kind == "instances"
    with pytest.raises(ReadError) as error:
        read_file("divers.csv", b"a;b;c\r\n1;2;3\r\n")
    assert message(error).startswith("divers.csv : impossible de savoir ce que contient ce fichier")


def test_several_unreadable_files_are_reported_together():
    with pytest.raises(ReadError) as error:
        read_files([("a.csv", b""), ("partenaires.csv", b"\x81\x81"), ("liens.csv", b"x;y\r\n")])
    assert error.value.messages[0] == "a.csv : le fichier est vide."
    assert len(error.value.messages) == 3


def _book(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_workbook_sheet_names_are_checked():
    data = _book({"Partenaires": [["nom", "typologie", "commune_siege"], ["Club", "ASSO", 33063]],
                  "Feuil1": [["titre", "instance", "type_action", "statut", "debut", "territoires", "publics"], ["x"]],
                  "Notes": [["à faire"]], "Feuil2": []})
    with pytest.raises(ReadError) as error:
        read_file("classeur.xlsx", data)
    assert error.value.messages == [
        "classeur.xlsx : feuille « Feuil1 » inconnue (noms attendus : instances, reseaux, partenaires, liens, actions, "
        "action_partenaires, indicateurs, referentiel) ; ses colonnes sont celles de « actions » : renommez la feuille.",
        "classeur.xlsx : feuille « Notes » inconnue (noms attendus : instances, reseaux, partenaires, liens, actions, "
        "action_partenaires, indicateurs, referentiel).",
    ]


def test_workbook_with_a_kind_takes_its_sheet_or_the_only_sheet():
    data = _book({"Feuil1": [["nom", "typologie", "commune_siege"], ["Club", "ASSO", 33063]]})
    [table] = read_file("mes partenaires.xlsx", data, "partenaires")
    assert table.source == "mes partenaires.xlsx [Feuil1]"
    assert table.rows[0].cells == {**{c: "" for c in KINDS["partenaires"].columns},
                                   "nom": "Club", "typologie": "ASSO", "commune_siege": "33063"}
    two = _book({"A": [["nom"]], "B": [["nom"]]})
    with pytest.raises(ReadError) as error:
        read_file("deux.xlsx", two, "partenaires")
    assert message(error) == "deux.xlsx : aucune feuille nommée « partenaires » parmi « A », « B »."


def test_workbook_cells_typed_by_excel():
    data = _book({"actions": [
        ["titre", "instance", "type_action", "statut", "debut", "fin", "territoires", "publics", "heures_semaine",
         "partage_reseau"],
        ["A", "CLSPD", "evenement", "projet", dt.datetime(2026, 3, 5, 0, 0), 46112, 1001, "tout_public", 2.5, True],
    ]})
    [table] = read_file("a.xlsx", data)
    cells = table.rows[0].cells
    assert (cells["debut"], cells["fin"], cells["territoires"]) == ("2026-03-05", "46112", "1001")
    assert (cells["heures_semaine"], cells["partage_reseau"]) == ("2.5", "oui")
    assert parse_date(cells["fin"]) == dt.date(2026, 3, 31)


def test_opendocument_and_damaged_workbooks():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    with pytest.raises(ReadError) as error:
        read_file("c.ods", buffer.getvalue())
    assert message(error) == "c.ods : classeur OpenDocument (.ods) illisible ou endommagé."
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<pas du xml")
    with pytest.raises(ReadError) as error:
        read_file("c.xlsx", buffer.getvalue())
    assert message(error) == "c.xlsx : classeur Excel (.xlsx) illisible ou endommagé."


def test_formula_like_text_is_flagged_and_our_quote_removed():
    assert looks_like_formula("=HYPERLINK(\"http://x\")") and looks_like_formula("@SUM(A1)")
    assert looks_like_formula("+33 5 56 00 00 00") and looks_like_formula("- atelier")
    assert not looks_like_formula("-12") and not looks_like_formula("Club") and not looks_like_formula("")
    assert neutralise("=1+1") == "'=1+1" and neutralise("\tx") == "'\tx" and neutralise("Club") == "Club"
    assert unneutralise("'=1+1") == "=1+1" and unneutralise("'Club") == "'Club"
    table = read_csv("partenaires", (HEADER.replace("\r\n", ";notes\r\n") + "Club;ASSO;33063;'=1+1\r\n").encode(), "p.csv")
    assert table.rows[0].cells["notes"] == "=1+1"


@pytest.mark.parametrize("text, expected", [
    ("05/03/2026", dt.date(2026, 3, 5)), ("5/3/2026", dt.date(2026, 3, 5)), ("2026-03-05", dt.date(2026, 3, 5)),
    ("05-03-2026", dt.date(2026, 3, 5)), ("05.03.2026", dt.date(2026, 3, 5)), ("2026-03-05 00:00:00", dt.date(2026, 3, 5)),
    ("46086", dt.date(2026, 3, 5)), ("46086,0", dt.date(2026, 3, 5)), ("", None),
])
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, reason", [
    ("31/02/2026", "n'est pas une date qui existe"),
    ("05/03/26", "n'est pas une date complète : écrivez l'année sur 4 chiffres (JJ/MM/AAAA)"),
    ("2026", "n'est pas une date (attendu JJ/MM/AAAA, AAAA-MM-JJ ou « 1er janvier 2025 »)"),
    ("mars 2026", "n'est pas une date (attendu JJ/MM/AAAA, AAAA-MM-JJ ou « 1er janvier 2025 »)"),
    ("01/01/0202", "n'est pas une date plausible (année entre 1900 et 2100 attendue)"),
])
def test_bad_dates(text, reason):
    with pytest.raises(CellError) as error:
        parse_date(text)
    assert str(error.value) == reason


def test_numbers_counts_and_booleans():
    assert parse_number("4 500,50") == 4500.5 and parse_number("4\u202f500 €") == 4500
    assert parse_number("2.5") == 2.5 and parse_number("6 h") == 6 and parse_number("") is None
    assert parse_count("12") == 12 and parse_count("12,0") == 12
    for text, reason in [("-3", "doit être un nombre positif ou nul"), ("douze", "n'est pas un nombre"),
                         ("1,5E+13", "a été converti par le tableur en notation scientifique : saisissez le nombre en entier"),
                         ("1" * 40, "est un nombre trop grand")]:
        with pytest.raises(CellError) as error:
            parse_number(text)
        assert str(error.value) == reason
    with pytest.raises(CellError):
        parse_count("2,5")
    assert parse_bool("Oui") is True and parse_bool("non") is False and parse_bool("") is False
    assert split_list(" a | b|a||c ") == ["a", "b", "c"]


def test_mojibake_is_flagged():
    data = (HEADER + "CafÃ© des parents;ASSO;33063\r\n").encode("utf-8")
    table = read_csv("partenaires", data, "p.csv")
    assert "accents abîmés" in str(table.warnings[0])
