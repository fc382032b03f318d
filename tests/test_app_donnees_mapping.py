"""AppTest of the Données page with real spreadsheets: commune names, a file with its own headers mapped column by
column and remembered for the council, the problem list that re-imports once corrected, and a newly dropped file
replacing the earlier one."""

from __future__ import annotations

import io

import openpyxl
from sqlmodel import Session, select

from maillage.exchange import problem_workbook, read_files
from maillage.exchange.checks import check_tables
from models import ColumnMapping, Council, Partner
from tests.apptest import open_app

PAGE = "pages/donnees.py"
FILES = "donnees:fichiers_test"
FOREIGN = ("Organisme;Genre;Lieu;Divers\n"
           "Maison des ados de Pessac;SANTE;Pessac;à ignorer\n"
           "Club de prévention du Bouscat;PREVENTION;Le Bouscat;\n").encode("cp1252")


def frame(at, column: str):
    """The first table of the page that has `column`."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def bordeaux(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(Council.id).where(Council.name == "CLSPD de Bordeaux")).one()


def seat(engine, name: str) -> str | None:
    with Session(engine) as session:
        return session.exec(select(Partner.seat_commune_key).where(Partner.name == name)).first()


def test_commune_names_and_an_ambiguous_name_through_the_page(demo_engine, use_database):
    use_database(demo_engine.url.render_as_string(hide_password=False))
    at = open_app(page=PAGE, council_id=bordeaux(demo_engine))
    at.session_state[FILES] = [("partenaires.csv", ("nom;typologie;commune_siege\n"
                                                    "Maison des ados;SANTE;Mérignac\n"
                                                    "Espace jeunes;MJC;Saint-Denis\n").encode("cp1252"))]
    at.run()
    assert not at.exception
    errors = frame(at, "Motif")
    assert list(errors["Valeur"]) == ["Saint-Denis"]
    assert list(errors["Motif"])[0].startswith("désigne plusieurs communes : précisez le département ou le code INSEE")
    at.session_state[FILES] = [("partenaires.csv", ("nom;typologie;commune_siege\n"
                                                    "Maison des ados;SANTE;Mérignac\n"
                                                    "Espace jeunes;MJC;Saint-Denis (93)\n").encode("cp1252"))]
    at.run()
    next(b for b in at.button if b.label == "Importer ces données").click().run()
    assert not at.exception
    assert seat(demo_engine, "Maison des ados") == "com:33281"  # Mérignac of the council's Gironde
    assert seat(demo_engine, "Espace jeunes") == "com:93066"


def test_foreign_headers_are_mapped_remembered_and_reused(demo_engine, use_database):
    use_database(demo_engine.url.render_as_string(hide_password=False))
    council_id = bordeaux(demo_engine)
    at = open_app(page=PAGE, council_id=council_id)
    at.selectbox(key="donnees:type").set_value("partenaires")
    at.session_state[FILES] = [("annuaire.csv", FOREIGN)]
    at.run()
    assert not at.exception
    boxes = {box.label: box for box in at.selectbox if box.key and box.key.startswith("donnees:colonne:")}
    assert set(boxes) == {"Organisme", "Genre", "Lieu", "Divers"}
    assert at.error[0].value == "Fichier illisible : rien n'a été importé."
    boxes["Organisme"].set_value("nom")
    boxes["Genre"].set_value("typologie")
    boxes["Lieu"].set_value("commune_siege").run()
    assert not at.exception
    first = frame(at, "commune_siege")
    assert list(first["nom"]) == ["Maison des ados de Pessac", "Club de prévention du Bouscat"]
    assert list(first["commune_siege"]) == ["Pessac", "Le Bouscat"]
    next(b for b in at.button if b.label == "Importer ces données").click().run()
    assert not at.exception
    assert seat(demo_engine, "Maison des ados de Pessac") == "com:33318"
    with Session(demo_engine) as session:
        saved = {m.header: m.column for m in session.exec(select(ColumnMapping)
                                                          .where(ColumnMapping.council_id == council_id))}
    assert saved == {"Organisme": "nom", "Genre": "typologie", "Lieu": "commune_siege", "Divers": ""}
    # the next file with the same headers is read through the remembered mapping, untouched
    again = open_app(page=PAGE, council_id=council_id)
    again.selectbox(key="donnees:type").set_value("partenaires")
    again.session_state[FILES] = [("annuaire-2.csv", FOREIGN.replace(b"Pessac;", b"Pessac;").replace(
        b"Maison des ados de Pessac", b"Point jeunes de Pessac"))]
    again.run()
    assert not again.exception
    assert {m.label: m.value for m in again.metric}["À créer"] == "1"
    next(b for b in again.button if b.label == "Importer ces données").click().run()
    assert seat(demo_engine, "Point jeunes de Pessac") == "com:33318"


def test_problem_list_is_downloaded_fixed_and_reimported(demo_engine, use_database):
    use_database(demo_engine.url.render_as_string(hide_password=False))
    original = ("nom;typologie;commune_siege;siret\n"
                "Ludothèque;ASSO;Bordeaux;\n"
                "Point accueil;Mairie;Pessac;\n"
                "Bus numérique;ASSO;Atlantide;12345678901234\n").encode("cp1252")
    at = open_app(page=PAGE, council_id=bordeaux(demo_engine))
    at.session_state[FILES] = [("partenaires.csv", original)]
    at.run()
    assert [b.proto.label for b in at.get("download_button")] == [
        "Télécharger les lignes avec leurs problèmes (XLSX)"]
    with Session(demo_engine) as session:
        tables = read_files([("partenaires.csv", original)])
        workbook = problem_workbook(tables, check_tables(session, tables))
    sheet = openpyxl.load_workbook(io.BytesIO(workbook)).active
    rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert sheet.title == "partenaires" and rows[0] == ["nom", "typologie", "commune_siege", "siret", "problème"]
    assert rows[1] == ["Ludothèque", "ASSO", "Bordeaux", "", ""]
    assert rows[2][4].startswith("colonne typologie : « Mairie » n'est pas une typologie connue")
    assert "colonne commune_siege : « Atlantide » ne désigne aucune commune connue" in rows[3][4]
    assert "colonne siret : « 12345678901234 » n'est pas un SIRET" in rows[3][4]
    # fixed in the spreadsheet, then dropped beside the first file: it replaces it
    sheet["B3"], sheet["C4"], sheet["D4"] = "MUNI", "Talence", ""
    fixed = io.BytesIO()
    sheet.parent.save(fixed)
    at.session_state[FILES] = [("partenaires.csv", original), ("problemes-import.xlsx", fixed.getvalue())]
    at.run()
    assert not at.exception
    assert at.info[0].value.startswith("Fichier remplacé par le plus récent de même contenu : partenaires.csv")
    next(b for b in at.button if b.label == "Importer ces données").click().run()
    result = list(frame(at, "Résultat")["Résultat"])
    assert result == ["Partenaires — 3 créés : Ludothèque (33063), Point accueil (33318), Bus numérique (33522)"]
    assert seat(demo_engine, "Bus numérique") == "com:33522"
