"""`python -m maillage import / export / backup / restore / templates`: exit codes, counts, every error on
stderr, nothing written on error, `--as` rights."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlmodel import Session, select

from maillage.commands.cli import main
from maillage.core import session_scope
from maillage.exchange import KINDS
from models import Council, CoverageRule, User, UserCouncil
from tests.exchange_support import csv_text, fill_mini, snapshot


@pytest.fixture
def mini(empty_engine, use_database):
    fill_mini(empty_engine)
    with session_scope(empty_engine) as session:
        user = User(email="coord@bordeaux.fr", role="coordinateur")
        session.add(user)
        session.flush()
        bordeaux = session.exec(select(Council.id).where(Council.name == "CLSPD de Bordeaux")).one()
        session.add(UserCouncil(user_id=user.id, council_id=bordeaux))
    use_database(empty_engine.url.render_as_string(hide_password=False))
    return empty_engine


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


GOOD = "nom;typologie;commune_siege\nClub de prévention;PREVENTION;33063\nMaison des ados;SANTE;33063\n"
BAD = "nom;typologie;commune_siege;siret\nClub;Club;33063;\nMaison;SANTE;99999;1234\n"


def test_import_kind_file_prints_counts(mini, capsys, tmp_path):
    path = tmp_path / "mes-partenaires.csv"
    path.write_bytes(csv_text(GOOD, "cp1252"))
    code, out, err = cli(capsys, "import", "partenaires", str(path), "--dry-run")
    assert (code, err) == (0, "")
    assert out == ("Vérification réussie, rien n'a été écrit (--dry-run) :\n"
                   "  partenaires : 2 créés, 0 mis à jour, 0 inchangé\n")
    code, out, _ = cli(capsys, "import", "partenaires", str(path))
    assert code == 0 and out == "Import réussi :\n  partenaires : 2 créés, 0 mis à jour, 0 inchangé\n"
    code, out, _ = cli(capsys, "import", "partenaires", str(path))
    assert out.endswith("partenaires : 0 créé, 0 mis à jour, 2 inchangés\n")


def test_import_errors_go_to_stderr_and_nothing_is_written(mini, capsys, tmp_path):
    path = tmp_path / "partenaires.csv"
    path.write_bytes(csv_text(BAD))
    before = snapshot(mini)
    code, out, err = cli(capsys, "import", str(path))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "partenaires.csv, ligne 2, colonne typologie : « Club » n'est pas une typologie connue (valeurs possibles : "
        "MUNI, EPCI, CD, REG, PREF, CAF, CCAS, CS, CSC, EVS, MJC, MQ, PIJ_BIJ, ML…)",
        "partenaires.csv, ligne 3, colonne commune_siege : « 99999 » n'est ni un code INSEE de commune ni un code "
        "postal connu",
        "partenaires.csv, ligne 3, colonne siret : « 1234 » n'est pas un SIRET (14 chiffres)",
        "Erreur : 3 erreurs : rien n'a été importé.",
    ]
    assert snapshot(mini) == before


def test_unreadable_file_and_usage_errors(mini, capsys, tmp_path):
    path = tmp_path / "partenaires.csv"
    path.write_bytes(b"\x81\x81;\x90")
    code, _out, err = cli(capsys, "import", str(path))
    assert code == 1 and err.splitlines()[-1] == "Rien n'a été importé."
    other = tmp_path / "liste.csv"
    other.write_bytes(csv_text(GOOD))
    code, _out, err = cli(capsys, "import", str(other))
    assert code == 1 and err == f"Erreur : liste.csv : précisez le type du fichier, par exemple « import partenaires {other} »\n"
    code, _out, err = cli(capsys, "import", "contacts", str(other))
    assert code == 1 and err.startswith("Erreur : « contacts » n'est pas un type de fichier")
    code, _out, err = cli(capsys, "import", str(tmp_path / "absent.csv"))
    assert code == 1 and err.startswith("Erreur : fichier introuvable")


def test_import_workbook_and_referentiel(mini, capsys, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "partenaires"
    for row in [["nom", "typologie", "commune_siege"], ["Club", "ASSO", 33063]]:
        book.active.append(row)
    sheet = book.create_sheet("referentiel")
    for row in [["instance", "type_action", "public", "population_min"],
                ["CLSPD de Bordeaux", "presence_en_ligne", "adolescents", 10000]]:
        sheet.append(row)
    path = tmp_path / "classeur.xlsx"
    book.save(path)
    code, out, _ = cli(capsys, "import", str(path))
    assert code == 0 and out.splitlines()[1:] == ["  partenaires : 1 créé, 0 mis à jour, 0 inchangé",
                                                  "  referentiel : 1 créé, 0 mis à jour, 0 inchangé"]
    rules = tmp_path / "regles.csv"
    rules.write_bytes(csv_text("instance;type_action;public;population_min\n"
                               "CLSPD de Bordeaux;sensibilisation_parents;familles;0\n"))
    code, out, _ = cli(capsys, "import", "referentiel", str(rules))
    assert code == 0 and "referentiel : 1 créé" in out
    with Session(mini) as session:
        assert len(session.exec(select(CoverageRule)).all()) == 2


def test_coordinator_rights_with_as(mini, capsys, tmp_path):
    path = tmp_path / "actions.csv"
    path.write_bytes(csv_text("titre;instance;type_action;statut;debut;territoires;publics\n"
                              "Forum;CLSPD de Saintes;evenement;projet;01/03/2027;17415;tout_public\n"))
    code, _out, err = cli(capsys, "import", str(path), "--as", "coord@bordeaux.fr")
    assert code == 3 and err.startswith("Accès refusé : ") and "vous n'êtes pas coordinateur de cette instance" in err
    backup = tmp_path / "b.zip"
    code, _out, err = cli(capsys, "backup", str(backup), "--as", "coord@bordeaux.fr")
    assert code == 3 and err.startswith("Accès refusé : seul un administrateur peut faire une sauvegarde")


def test_export_backup_restore(mini, capsys, tmp_path, db_factory, use_database):
    cli(capsys, "import", "partenaires", str(_write(tmp_path / "p.csv", GOOD)))
    code, out, _ = cli(capsys, "export", str(tmp_path / "export"))
    assert code == 0 and out.splitlines()[0] == f"8 fichiers CSV écrits dans {tmp_path / 'export'} :"
    assert sorted(p.name for p in (tmp_path / "export").iterdir()) == sorted(f"{kind}.csv" for kind in KINDS)
    code, out, _ = cli(capsys, "export", str(tmp_path / "xlsx"), "--format", "xlsx")
    assert code == 0 and (tmp_path / "xlsx" / "maillage-export.xlsx").exists()
    code, out, _ = cli(capsys, "backup", str(tmp_path / "b.zip"))
    assert code == 0 and out.startswith(f"Sauvegarde écrite : {tmp_path / 'b.zip'}")
    code, _out, err = cli(capsys, "restore", str(tmp_path / "b.zip"))
    assert code == 1 and err.startswith("Erreur : la base contient déjà des données")
    code, out, _ = cli(capsys, "restore", str(tmp_path / "b.zip"), "--replace")
    assert code == 0 and out.startswith("Sauvegarde restaurée :\n  données existantes effacées : 2 instances")
    code, _out, _err = cli(capsys, "export", str(tmp_path / "again"))
    for kind in KINDS:
        assert (tmp_path / "again" / f"{kind}.csv").read_bytes() == (tmp_path / "export" / f"{kind}.csv").read_bytes()
    code, _out, err = cli(capsys, "restore", str(_write(tmp_path / "x.zip", "pas un zip")))
    assert code == 1 and err.splitlines() == ["sauvegarde : ce n'est pas une sauvegarde Maillage (archive ZIP illisible).",
                                              "Rien n'a été restauré."]


def test_templates(capsys, tmp_path):
    code, out, _ = cli(capsys, "templates", str(tmp_path))
    assert code == 0
    assert (tmp_path / "modele-partenaires.csv").read_bytes().startswith(b"\xef\xbb\xbfnom;typologie;commune_siege;")
    assert openpyxl.load_workbook(io.BytesIO((tmp_path / "modele-maillage.xlsx").read_bytes())).sheetnames[0] == "Lisez-moi"


def _write(path, text: str):
    path.write_bytes(csv_text(text))
    return path
