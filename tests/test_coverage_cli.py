"""`python -m maillage gaps`: columns, order, --by, --all, --as, errors; CSV/XLSX downloads neutralise formulas."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from maillage.accounts import SYSTEM, add_user
from maillage.commands.cli import main
from maillage.coverage import STATUSES
from models import CoverageRule
from tests.builders import add_action, add_council, add_mini_geography

HEADER = ["territory_code", "territory_name", "population", "action_type", "public", "status", "actions"]


@pytest.fixture
def world(empty_engine, use_database):
    with Session(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CLSPD test", ["com:33281", "com:33063"])
        for action_type, public, minimum in (("presence_en_ligne", "adolescents", 0),
                                             ("presence_en_ligne", "jeunes_adultes", 0),
                                             ("defi_sans_ecran", "enfants", 1500)):
            session.add(CoverageRule(council_id=council.id, action_type=action_type, public=public,
                                     population_min=minimum))
        add_action(session, council, "=HYPERLINK(\"x\")", territories=["com:33063"], publics=["adolescents"])
        add_action(session, council, "Promeneurs", territories=["epci:243300316"], status="projet",
                   publics=["adolescents", "jeunes_adultes"])
        other = add_council(session, "Autre instance", ["com:17415"])
        add_action(session, other, "Défi", action_type="defi_sans_ecran", publics=["enfants"], territories=["com:17415"])
        add_user(session, SYSTEM, "coord@autre.fr", "coordinateur", password="mot-de-passe-long", councils=["Autre instance"])
        session.commit()
    use_database(empty_engine.url.render_as_string(hide_password=False))
    return empty_engine


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_council_rows_sorted_with_known_statuses(world, capsys):
    code, out, err = _run(capsys, "gaps", "--council", "clspd TEST", "--as-of", "29/11/2026", "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == HEADER
    assert rows[1:] == [
        ["33063", "Bordeaux", "2000", "defi_sans_ecran", "enfants", "missing", ""],
        ["33063", "Bordeaux", "2000", "presence_en_ligne", "adolescents", "active", "'=HYPERLINK(\"x\")"],
        ["33063", "Bordeaux", "2000", "presence_en_ligne", "jeunes_adultes", "planned", "Promeneurs"],
        ["33281", "Mérignac", "1000", "defi_sans_ecran", "enfants", "not_expected", ""],
        ["33281", "Mérignac", "1000", "presence_en_ligne", "adolescents", "planned", "Promeneurs"],
        ["33281", "Mérignac", "1000", "presence_en_ligne", "jeunes_adultes", "planned", "Promeneurs"],
    ]


def test_by_type_public_and_theme(world, capsys):
    _code, out, _err = _run(capsys, "gaps", "--council", "CLSPD test", "--as-of", "2026-11-29", "--by", "type",
                            "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == HEADER
    assert rows[1:] == [
        ["33063", "Bordeaux", "2000", "defi_sans_ecran", "enfants", "missing", ""],
        ["33063", "Bordeaux", "2000", "presence_en_ligne", "adolescents|jeunes_adultes", "planned",
         "'=HYPERLINK(\"x\")|Promeneurs"],
        ["33281", "Mérignac", "1000", "defi_sans_ecran", "enfants", "not_expected", ""],
        ["33281", "Mérignac", "1000", "presence_en_ligne", "adolescents|jeunes_adultes", "planned", "Promeneurs"],
    ]
    _code, out, _err = _run(capsys, "gaps", "--council", "CLSPD test", "--as-of", "2026-11-29", "--by", "public")
    rows = list(csv.reader(io.StringIO(out)))
    assert [r[3:6] for r in rows[1:4]] == [["defi_sans_ecran", "enfants", "missing"],
                                          ["presence_en_ligne", "adolescents", "active"],
                                          ["presence_en_ligne", "jeunes_adultes", "planned"]]
    _code, out, _err = _run(capsys, "gaps", "--council", "CLSPD test", "--by", "theme")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == HEADER[:5] + ["theme"] + HEADER[5:]
    assert {r[6] for r in rows[1:]} == {"none"}  # no action has a theme here
    assert len(rows) == 1 + 2 * 13


def test_all_councils_with_council_column(world, capsys):
    code, out, err = _run(capsys, "gaps", "--all", "--as-of", "2026-11-29", "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["council"] + HEADER
    assert [r[0] for r in rows[1:]] == ["Autre instance"] * 6 + ["CLSPD test"] * 6  # default frame: 6 rules
    assert {r[6] for r in rows[1:]} <= set(STATUSES)
    saintes_defi = next(r for r in rows if r[0] == "Autre instance" and r[4] == "defi_sans_ecran")
    assert saintes_defi[6:] == ["not_expected", "Défi"]  # Saintes has 1 000 inhabitants, the default asks 5 000


def test_as_email_limits_to_readable_councils(world, capsys):
    code, _out, err = _run(capsys, "gaps", "--council", "CLSPD test", "--as", "coord@autre.fr")
    assert code == 3 and "Accès refusé" in err
    code, out, _err = _run(capsys, "gaps", "--all", "--as", "coord@autre.fr")
    assert code == 0
    assert {r[0] for r in list(csv.reader(io.StringIO(out)))[1:]} == {"Autre instance"}


def test_errors_are_one_french_line(world, capsys):
    code, _out, err = _run(capsys, "gaps", "--council", "Inconnue")
    assert code == 1 and err.startswith("Erreur : aucune instance nommée « Inconnue »")
    code, _out, err = _run(capsys, "gaps", "--council", "CLSPD test", "--as-of", "32/01/2026")
    assert code == 1 and "n'est pas une date" in err
    code, _out, err = _run(capsys, "gaps", "--council", "CLSPD test", "--format", "xlsx")
    assert code == 1 and "--output" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["gaps"])
    assert exit_info.value.code == 2


def test_xlsx_output(world, capsys, tmp_path):
    target = tmp_path / "manques.xlsx"
    code, _out, err = _run(capsys, "gaps", "--all", "--format", "xlsx", "--output", str(target), "--as-of", "2026-11-29")
    assert code == 0, err
    sheet = load_workbook(target).active
    values = list(sheet.values)
    assert list(values[0]) == ["council"] + HEADER
    assert len(values) == 13
    assert any(v == "'=HYPERLINK(\"x\")" for row in values for v in row)


def test_page_downloads_neutralise_formulas(world):
    from maillage.coverage.export import records_csv, records_xlsx
    from maillage.coverage.gaps import council_coverage
    from maillage.coverage.views import build_matrix

    with Session(world) as session:
        from sqlmodel import select

        from models import Council
        council_id = session.exec(select(Council.id).where(Council.name == "CLSPD test")).one()
        cov = council_coverage(session, SYSTEM, council_id, dt.date(2026, 11, 29))
    records = build_matrix(cov, "type").wide_rows()
    records[0]["Territoire"] = "=1+1"
    text = records_csv(records).decode("utf-8")
    assert text.startswith("\ufeffTerritoire;Code;Population;")
    assert "'=1+1" in text
    workbook = load_workbook(io.BytesIO(records_xlsx(records, "matrice")))
    assert workbook.active["A2"].value == "'=1+1"
    assert workbook.active["C2"].value == 2000


def test_theme_rows_agree_with_the_theme_matrix(shared_demo_engine):
    from maillage.coverage.export import cli_rows
    from maillage.coverage.gaps import all_coverage
    from maillage.coverage.views import build_matrix

    with Session(shared_demo_engine) as session:
        coverages = all_coverage(session, SYSTEM, dt.date(2026, 11, 29), with_themes=True)
    checked = 0
    for cov in coverages:
        matrix = build_matrix(cov, "theme", "commune")
        for row in cli_rows(cov, "theme"):
            assert matrix.cell(f"com:{row[0]}", row[5]).status == row[6]
            checked += 1
    assert checked > 100
