"""The data-quality list (known answers) and the import templates (they read back and import)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor
from maillage.core import PermissionDenied, session_scope
from maillage.exchange import (
    KINDS,
    data_quality,
    import_tables,
    quality_csv,
    read_file,
    read_files,
    template_csv,
    template_xlsx,
)
from models import Council, Indicator, Partner
from tests.builders import add_action, add_link, add_partner
from tests.exchange_support import fill_mini

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def world(empty_engine):
    """Bordeaux: a likely duplicate pair, stale and isolated partners, actions with and without 2026 figures."""
    fill_mini(empty_engine)
    with session_scope(empty_engine) as session:
        bordeaux = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one()
        city = session.exec(select(Partner).where(Partner.name == "Ville de Bordeaux")).one()
        city.verified_on = dt.date(2026, 6, 1)
        centre = session.exec(select(Partner).where(Partner.name == "Centre social Bordeaux Nord")).one()
        centre.verified_on = dt.date(2025, 11, 28)
        add_partner(session, "Mairie de Bordeaux", "MUNI", "33063", verified_on=dt.date(2026, 10, 1))
        add_partner(session, "Médiathèque de Saintes", "BIB", "17415", verified_on=dt.date(2026, 10, 1))
        add_link(session, bordeaux, city, centre, "convention", 2)
        counted = add_action(session, bordeaux, "Promeneurs du Net", start=dt.date(2024, 1, 1), partners=[(city, "pilote")])
        session.add(Indicator(action_id=counted.id, year=2026, people_reached=10))
        add_action(session, bordeaux, "Atelier parents", start=dt.date(2025, 9, 1))
        add_action(session, bordeaux, "Défi sans écran", start=dt.date(2026, 3, 1), end=dt.date(2026, 6, 30))
        add_action(session, bordeaux, "Forum 2027", status="projet", start=dt.date(2027, 2, 1))
        add_action(session, bordeaux, "Ancien forum", status="terminee", start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
    return empty_engine


def labels(report, code: str) -> list[str]:
    return [item.label for item in report.section(code).items]


def test_quality_list_known_answers(world):
    with Session(world) as session:
        bordeaux = session.exec(select(Council.id).where(Council.name == "CLSPD de Bordeaux")).one()
        report = data_quality(session, SYSTEM, bordeaux, TODAY)
        everything = data_quality(session, SYSTEM, None, TODAY)
    assert labels(report, "doublons") == ["Ville de Bordeaux ↔ Mairie de Bordeaux"]
    assert report.section("doublons").items[0].detail == "même nom dans la même commune (Bordeaux)"
    assert labels(report, "non_verifies") == ["Centre social Bordeaux Nord"]
    assert report.section("non_verifies").items[0].detail == "vérifié le 28/11/2025"
    assert labels(report, "isoles") == ["Mairie de Bordeaux"]
    assert labels(report, "sans_indicateurs") == ["Atelier parents", "Défi sans écran"]
    assert labels(report, "echeance_depassee") == ["Défi sans écran"]
    assert report.section("echeance_depassee").items[0].detail == "fin prévue le 30/06/2026"
    assert labels(everything, "isoles") == ["Mairie de Bordeaux", "Médiathèque de Saintes"]
    assert labels(everything, "echeance_depassee") == ["Défi sans écran (CLSPD de Bordeaux)"]
    assert report.total == 6
    assert quality_csv(report).decode("utf-8-sig").splitlines()[:2] == [
        "problème;élément;détail",
        "Doublons probables de partenaires;Ville de Bordeaux ↔ Mairie de Bordeaux;même nom dans la même commune (Bordeaux)",
    ]


def test_quality_list_is_scoped(world):
    with Session(world) as session:
        bordeaux = session.exec(select(Council.id).where(Council.name == "CLSPD de Bordeaux")).one()
        saintes = session.exec(select(Council.id).where(Council.name == "CLSPD de Saintes")).one()
        coordinator = Actor(email="c@b.fr", role="coordinateur", council_ids=frozenset({bordeaux}))
        assert data_quality(session, coordinator, bordeaux, TODAY).total == 6
        with pytest.raises(PermissionDenied):
            data_quality(session, coordinator, saintes, TODAY)
        with pytest.raises(PermissionDenied):
            data_quality(session, coordinator, None, TODAY)


@pytest.mark.parametrize("kind", list(KINDS))
def test_csv_templates_have_the_headers_and_two_examples(kind):
    [table] = read_file(f"modele-{kind}.csv", template_csv(kind))
    assert table.kind == kind and table.columns == list(KINDS[kind].columns)
    assert [row.line for row in table.rows] == [2, 3]
    assert not table.problems and not table.warnings


def test_xlsx_template_imports_into_the_demo(shared_demo_engine):
    workbook = template_xlsx()
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    assert book.sheetnames == ["Lisez-moi", *KINDS]
    assert book["Lisez-moi"]["A1"].value == "feuille"
    _plan, report = import_tables(shared_demo_engine, read_files([("modele.xlsx", workbook)]), dry_run=True)
    assert report.counts["partenaires"].created == 2 and report.counts["actions"].created == 2
