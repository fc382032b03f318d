"""Imports flag an action whose status its dates contradict (the rule of maillage.actions.status, as the form
applies it before saving): a warning with the fix, in the preview, the Données page and the command line; the
import still goes through. The data-quality list names every such action."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from maillage.accounts import SYSTEM
from maillage.commands.cli import main
from maillage.core import format_date, session_scope
from maillage.exchange import check_tables, data_quality, import_tables, preview_import, read_files
from models import Action, Council
from tests.builders import add_action
from tests.exchange_support import csv_text, fill_mini

HEADER = "titre;instance;type_action;statut;debut;fin;territoires;publics\n"


@pytest.fixture
def mini(empty_engine, use_database):
    fill_mini(empty_engine)
    use_database(empty_engine.url.render_as_string(hide_password=False))
    return empty_engine


def _actions(*rows: str) -> str:
    return HEADER + "".join(f"{row}\n" for row in rows)


def test_preview_flags_each_contradicted_status_with_its_fix(mini):
    later = dt.date.today() + dt.timedelta(days=40)
    text = _actions(
        f"Défi sans écran;CLSPD de Bordeaux;defi_sans_ecran;en_cours;{later:%d/%m/%Y};;33063;enfants",
        "Atelier parents;CLSPD de Bordeaux;sensibilisation_parents;terminee;01/09/2024;;33063;familles",
        "Forum;CLSPD de Bordeaux;evenement;terminee;01/09/2024;30/09/2024;33063;tout_public",  # agrees
        f"Cyber-base;CLSPD de Bordeaux;cyberbase;projet;{later:%d/%m/%Y};;33063;seniors",  # agrees
    )
    preview = preview_import(mini, read_files([("actions.csv", csv_text(text))]))
    assert preview.ok
    assert [w.message for w in preview.plan.warnings] == [
        f"ligne 2, colonne statut : L'action est « En cours » mais ne commence que le {format_date(later)} : "
        "passez-la au statut « En projet » ou corrigez la date de début.",
        "ligne 3, colonne statut : L'action est « Terminée » mais n'a pas de date de fin : indiquez son dernier "
        "jour comme date de fin.",
    ]
    assert preview.rows[0].notes and not preview.rows[2].notes


def test_the_day_of_the_check_can_be_given(mini):
    text = _actions("Forum;CLSPD de Bordeaux;evenement;terminee;01/09/2026;30/09/2026;33063;tout_public")
    tables = read_files([("actions.csv", csv_text(text))])
    with Session(mini) as session:
        assert check_tables(session, tables, today=dt.date(2026, 12, 1)).warnings == []
        [warning] = check_tables(session, tables, today=dt.date(2026, 9, 15)).warnings
    assert "ne se termine que le 30/09/2026" in warning.message and "« En cours »" in warning.message


def test_a_warning_never_stops_the_import(mini):
    later = dt.date.today() + dt.timedelta(days=40)
    text = _actions(f"Défi sans écran;CLSPD de Bordeaux;defi_sans_ecran;en_cours;{later:%d/%m/%Y};;33063;enfants")
    plan, report = import_tables(mini, read_files([("actions.csv", csv_text(text))]))
    assert len(plan.warnings) == 1 and report.lines() == ["actions : 1 créé, 0 mis à jour, 0 inchangé"]
    with session_scope(mini) as session:
        assert session.exec(select(Action.status).where(Action.title == "Défi sans écran")).one() == "en_cours"


def test_command_line_prints_the_warning(mini, capsys, tmp_path):
    later = dt.date.today() + dt.timedelta(days=40)
    path = tmp_path / "actions.csv"
    path.write_bytes(csv_text(_actions(
        f"Défi sans écran;CLSPD de Bordeaux;defi_sans_ecran;en_cours;{later:%d/%m/%Y};;33063;enfants")))
    code = main(["import", "actions", str(path), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    assert (f"Attention : actions.csv, ligne 2, colonne statut : L'action est « En cours » mais ne commence que le "
            f"{format_date(later)} : passez-la au statut « En projet » ou corrigez la date de début.") in out


def test_data_quality_lists_every_status_its_dates_contradict(mini):
    day = dt.date(2026, 11, 29)
    with session_scope(mini) as session:
        bordeaux = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one()
        add_action(session, bordeaux, "Défi sans écran", start=dt.date(2026, 3, 1), end=dt.date(2026, 6, 30))
        add_action(session, bordeaux, "Forum 2027", start=dt.date(2027, 1, 15))  # en cours, not started
        add_action(session, bordeaux, "Ancien forum", status="terminee", start=dt.date(2023, 1, 1))  # no end
        add_action(session, bordeaux, "Atelier parents", status="projet", start=dt.date(2025, 9, 1))  # started
        add_action(session, bordeaux, "Cyber-base", start=dt.date(2025, 9, 1))  # agrees
        bordeaux_id = bordeaux.id
    with Session(mini) as session:
        section = data_quality(session, SYSTEM, bordeaux_id, day).section("echeance_depassee")
    assert section.title == "Actions dont le statut contredit les dates"
    assert [(item.label, item.detail) for item in section.items] == [
        ("Ancien forum", "L'action est « Terminée » mais n'a pas de date de fin : indiquez son dernier jour comme "
                         "date de fin."),
        ("Atelier parents", "L'action est « En projet » mais a commencé le 01/09/2025 : passez-la au statut "
                            "« En cours » ou corrigez la date de début."),
        ("Défi sans écran", "fin prévue le 30/06/2026"),
        ("Forum 2027", "L'action est « En cours » mais ne commence que le 15/01/2027 : passez-la au statut "
                       "« En projet » ou corrigez la date de début."),
    ]
