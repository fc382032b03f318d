"""A real partner spreadsheet (Windows-1252, `;`, communes written as people write them) imports with the right
INSEE codes, through the functions and the command line; an ambiguous name is refused with its candidates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import Session, select

from maillage.accounts import SYSTEM
from maillage.commands.cli import main
from maillage.core import session_scope
from maillage.exchange import (
    CellError,
    ImportRefused,
    import_tables,
    parse_date,
    parse_number,
    read_files,
)
from models import Partner
from tests.builders import add_council

FIXTURES = Path(__file__).parent / "fixtures" / "exchange"

PARTNERS = (
    "nom;typologie;commune_siege\n"
    "Centre social de Pessac;CS;Pessac (33)\n"
    "Mairie de Mérignac;MUNI;Mérignac\n"
    "Club de prévention;PREVENTION;St Médard en Jalles\n"
    "Maison des ados;SANTE;33000\n"
    "Espace jeunes;MJC;Paris 15e\n"
    "MJC Lyon;MJC;Lyon 3e arrondissement\n"
    "Médiathèque;BIB;Marseille 13e\n"
    "Association du Bouscat;ASSO;LE BOUSCAT\n"
    "CCAS;CCAS;Sainte-Eulalie 33\n"
    "Mission locale;ML;33600 Pessac\n"
)
EXPECTED = {
    "Centre social de Pessac": "com:33318", "Mairie de Mérignac": "com:33281", "Club de prévention": "com:33449",
    "Maison des ados": "com:33063", "Espace jeunes": "com:75056", "MJC Lyon": "com:69123",
    "Médiathèque": "com:13055", "Association du Bouscat": "com:33069", "CCAS": "com:33397",
    "Mission locale": "com:33318",
}


@pytest.fixture
def gironde(geo_engine):
    with session_scope(geo_engine) as session:
        council = add_council(session, "CLSPD de Bordeaux", ["com:33063"])
        council_id = council.id
    return geo_engine, council_id


def windows_file(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("cp1252")


def seats(engine) -> dict[str, str]:
    with Session(engine) as session:
        return dict(session.exec(select(Partner.name, Partner.seat_commune_key)).all())


def test_commune_names_postal_codes_and_arrondissements_import_with_their_insee_codes(gironde):
    engine, council_id = gironde
    tables = read_files([("partenaires.csv", windows_file(PARTNERS))])
    _plan, report = import_tables(engine, tables, actor=SYSTEM, council_ids=[council_id])
    assert report.lines() == ["partenaires : 10 créés, 0 mis à jour, 0 inchangé"]
    assert seats(engine) == EXPECTED


def test_an_ambiguous_name_outside_the_councils_departement_is_refused_with_candidates(gironde):
    engine, council_id = gironde
    data = windows_file("nom;typologie;commune_siege\nMaison de quartier;MQ;Saint-Denis\n")
    with pytest.raises(ImportRefused) as error:
        import_tables(engine, read_files([("partenaires.csv", data)]), actor=SYSTEM, council_ids=[council_id])
    [problem] = error.value.plan.problems
    assert problem.column == "commune_siege" and problem.value == "Saint-Denis"
    assert problem.reason.startswith("désigne plusieurs communes : précisez le département ou le code INSEE (")
    assert "Saint-Denis (93066)" in problem.reason and "Saint-Denis (97411)" in problem.reason
    # without a council, « Mérignac » (Gironde, Charente, Charente-Maritime) is ambiguous too
    data = windows_file("nom;typologie;commune_siege\nMairie;MUNI;Mérignac\n")
    with pytest.raises(ImportRefused) as error:
        import_tables(engine, read_files([("partenaires.csv", data)]), actor=SYSTEM, council_ids=[])
    assert "Mérignac (33281)" in error.value.plan.problems[0].reason


def test_the_command_line_reads_names_inside_a_council(gironde, capsys, tmp_path, use_database):
    engine, _council_id = gironde
    use_database(engine.url.render_as_string(hide_password=False))
    path = tmp_path / "partenaires.csv"
    path.write_bytes(windows_file(PARTNERS))
    assert main(["import", str(path)]) == 1
    assert "« Mérignac » désigne plusieurs communes" in capsys.readouterr().err
    assert main(["import", str(path), "--instance", "clspd de bordeaux"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["  partenaires : 10 créés, 0 mis à jour, 0 inchangé"]
    assert seats(engine) == EXPECTED


FOREIGN = ("Structure;Catégorie;Ville;Code postal;Mail;Tél.;Observations\n"
           "Centre social Le Tournesol;CS;Saint-Denis;93200;accueil@tournesol.fr;01 23 45 67 89;\n"
           "Club de prévention;PREVENTION;Pessac;;;;Quartier Saige\n")


def test_foreign_headers_are_read_through_known_aliases_with_the_postal_code(gironde):
    engine, council_id = gironde
    [table] = read_files([("partenaires.csv", windows_file(FOREIGN))])
    assert table.header_columns == {"Structure": "nom", "Catégorie": "typologie", "Ville": "commune_siege",
                                    "Mail": "contact_email", "Tél.": "contact_telephone", "Observations": "notes"}
    assert table.rows[0].cells["commune_siege"] == "93200 Saint-Denis"
    _plan, report = import_tables(engine, [table], actor=SYSTEM, council_ids=[council_id])
    assert report.lines() == ["partenaires : 2 créés, 0 mis à jour, 0 inchangé"]
    assert seats(engine) == {"Centre social Le Tournesol": "com:93066", "Club de prévention": "com:33318"}


def test_the_command_line_maps_a_files_own_headers(gironde, capsys, tmp_path, use_database):
    engine, _council_id = gironde
    use_database(engine.url.render_as_string(hide_password=False))
    path = tmp_path / "annuaire.csv"
    path.write_bytes(windows_file("Nom de l'organisme;Genre;Lieu;Divers\n"
                                  "Maison des ados;SANTE;Bordeaux;à ignorer\n"))
    assert main(["import", "partenaires", str(path)]) == 1
    assert "aucune ligne d'en-têtes reconnue pour « partenaires »" in capsys.readouterr().err
    assert main(["import", "partenaires", str(path), "--map",
                 "Nom de l'organisme=nom, Genre=typologie, Lieu=commune_siege, Divers="]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["  partenaires : 1 créé, 0 mis à jour, 0 inchangé"]
    assert seats(engine) == {"Maison des ados": "com:33063"}
    assert main(["import", "partenaires", str(path), "--map", "Lieu=ville"]) == 1
    assert "--map : « ville » n'est pas une colonne du format d'échange" in capsys.readouterr().err


@pytest.mark.parametrize("name, expected", [
    ("partenaires-ancien-excel.xls", {"Centre social de Pessac": ("com:33318", "2026-03-05"),
                                      "Maison des ados": ("com:33063", "2025-01-01")}),
    ("partenaires-libreoffice.ods", {"Médiathèque de Mérignac": ("com:33281", "2025-12-09"),
                                     "Club de prévention": ("com:33449", "2026-08-15")}),
])
def test_legacy_excel_and_opendocument_workbooks_are_read_directly(gironde, name, expected):
    engine, council_id = gironde
    data = (FIXTURES / name).read_bytes()
    _plan, report = import_tables(engine, read_files([(name, data)]), actor=SYSTEM, council_ids=[council_id])
    assert report.lines() == ["partenaires : 2 créés, 0 mis à jour, 0 inchangé"]
    with Session(engine) as session:
        found = {p.name: (p.seat_commune_key, p.verified_on.isoformat()) for p in session.exec(select(Partner))}
    assert found == expected


def test_french_dates_and_amounts():
    assert parse_date("1er janvier 2025") == dt.date(2025, 1, 1)
    assert parse_date("Lundi 3 février 2025") == dt.date(2025, 2, 3)
    assert parse_date("45658") == dt.date(2025, 1, 1)  # Excel serial number
    assert parse_number("12 000,50 €") == 12000.5 and parse_number("12\u202f000,50\xa0€") == 12000.5
    with pytest.raises(CellError):
        parse_date("3 brumaire 2025")
