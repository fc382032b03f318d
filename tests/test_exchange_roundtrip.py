"""Round trips: demo → export → import into an empty database → export gives identical files (CSV and XLSX);
backup → restore gives an identical export; restore refusals; formula neutralising; scoped exports."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import openpyxl
import pytest
from alembic.script import ScriptDirectory
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor
from maillage.core import PermissionDenied, alembic_config, session_scope
from maillage.exchange import (
    DEMO_DIR,
    KINDS,
    ReadError,
    RestoreRefused,
    export_csv_files,
    export_csv_zip,
    export_data,
    export_xlsx,
    import_tables,
    make_backup,
    read_backup,
    read_directory,
    read_files,
    restore_backup,
)
from models import (
    Action,
    AuditEntry,
    Council,
    Partner,
    PartnerTerritory,
    Territory,
    User,
    UserCouncil,
    VocabularyEntry,
    WorkingGroup,
)
from tests.exchange_support import snapshot


def test_demo_export_import_export_gives_identical_files(shared_demo_engine, geo_engine, tmp_path):
    first = export_csv_files(shared_demo_engine, SYSTEM)
    assert sorted(first) == sorted(f"{kind}.csv" for kind in KINDS)
    for name, content in first.items():
        assert content.startswith(b"\xef\xbb\xbf")
        assert content.split(b"\r\n", 1)[0][3:].decode() == ";".join(KINDS[name[:-4]].columns)
        (tmp_path / name).write_bytes(content)
    _plan, report = import_tables(geo_engine, read_directory(tmp_path))
    assert report.counts["partenaires"].created == 141 and report.counts["actions"].created == 63
    assert report.counts["liens"].created == 225
    second = export_csv_files(geo_engine, SYSTEM)
    assert [name for name in first if first[name] != second[name]] == []
    # and the demo's own files, once imported, say the same thing as the export
    _plan, again = import_tables(geo_engine, read_directory(DEMO_DIR))
    assert all(counts.created == counts.updated == 0 for counts in again.counts.values())


def test_xlsx_export_round_trip(shared_demo_engine, geo_engine):
    workbook = export_xlsx(shared_demo_engine, SYSTEM)
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    assert book.sheetnames == ["Lisez-moi", *KINDS]
    notes = [row[0] for row in book["Lisez-moi"].iter_rows(values_only=True)]
    assert ("partenaires", "commune_siege") in [tuple(row[:2]) for row in book["Lisez-moi"].iter_rows(values_only=True)]
    assert any(note and "fait pour être réimporté" in note and "codes stables" in note for note in notes)
    actions = book["actions"]
    assert [cell.value for cell in actions[1]] == list(KINDS["actions"].columns)
    start = actions.cell(row=2, column=5)
    assert isinstance(start.value, dt.datetime) and start.number_format == "DD/MM/YYYY"
    import_tables(geo_engine, read_files([("export.xlsx", workbook)]))
    assert export_csv_files(geo_engine, SYSTEM) == export_csv_files(shared_demo_engine, SYSTEM)


def test_export_neutralises_formula_like_text_in_csv_and_xlsx(geo_engine, tmp_path):
    rows = ("nom;typologie;commune_siege;notes;contact_telephone\n"
            "=cmd' /C calc'!A0;ASSO;33063;@SOMME(A1);+33 5 56 00 00 00\n")
    import_tables(geo_engine, read_files([("partenaires.csv", rows.encode())]))
    csv_file = export_csv_files(geo_engine, SYSTEM)["partenaires.csv"].decode("utf-8-sig")
    assert "\r\n'=cmd' /C calc'!A0;ASSO;33063;;;;;;;;'+33 5 56 00 00 00;;'@SOMME(A1);\r\n" in csv_file
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(geo_engine, SYSTEM)))
    cell = book["partenaires"]["A2"]
    assert (cell.value, cell.data_type) == ("'=cmd' /C calc'!A0", "s")
    # re-importing our own export gives the same text back, not a doubled quote
    (tmp_path / "partenaires.csv").write_bytes(export_csv_files(geo_engine, SYSTEM)["partenaires.csv"])
    _plan, report = import_tables(geo_engine, read_directory(tmp_path))
    assert report.lines() == ["partenaires : 0 créé, 0 mis à jour, 1 inchangé"]
    with Session(geo_engine) as session:
        partner = session.exec(select(Partner)).one()
        assert (partner.name, partner.notes) == ("=cmd' /C calc'!A0", "@SOMME(A1)")


def test_export_zip_holds_every_kind(shared_demo_engine):
    with zipfile.ZipFile(io.BytesIO(export_csv_zip(shared_demo_engine, SYSTEM))) as archive:
        assert archive.namelist() == [f"{kind}.csv" for kind in KINDS]


def test_coordinator_exports_their_councils_only_and_it_reimports(shared_demo_engine, geo_engine, tmp_path):
    with Session(shared_demo_engine) as session:
        bordeaux = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one()
        own_actions = len(session.exec(select(Action).where(Action.council_id == bordeaux.id)).all())
    actor = Actor(email="coord@bordeaux.fr", role="coordinateur", council_ids=frozenset({bordeaux.id}))
    data = export_data(shared_demo_engine, actor)
    assert [row[0] for row in data.tables["instances"]] == ["CLSPD de Bordeaux"]
    assert data.count("actions") == own_actions
    assert {row[1] for row in data.tables["actions"]} == {"CLSPD de Bordeaux"}
    for name, content in export_csv_files(shared_demo_engine, actor).items():
        (tmp_path / name).write_bytes(content)
    _plan, report = import_tables(geo_engine, read_directory(tmp_path))
    assert report.counts["actions"].created == own_actions
    with pytest.raises(PermissionDenied):
        export_data(shared_demo_engine, Actor(email="r@x.fr", role="reseau"))


def test_backup_restore_gives_identical_export(demo_engine, geo_engine):
    with session_scope(demo_engine) as session:
        session.add(Territory(key="sub:33063:grand-parc", level="sub", code="33063:grand-parc", name="Grand Parc",
                              commune_code="33063", search_name="grand parc"))
        session.flush()
        partner = session.exec(select(Partner).where(Partner.name == "Ville de Bordeaux")).one()
        session.add(PartnerTerritory(partner_id=partner.id, territory_key="sub:33063:grand-parc"))
        council = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one()
        session.add(WorkingGroup(council_id=council.id, name="Groupe écrans", theme="ecrans_parentalite"))
        session.add(VocabularyEntry(kind="funding", code="FSE", label="Fonds social européen", position=99))
        action = session.exec(select(Action).where(Action.council_id == council.id)).first()
        action.archived_at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        action.evaluation = "Bilan positif"
    archive = make_backup(demo_engine, SYSTEM, include_accounts=True)
    backup = read_backup(archive)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert backup.manifest["version_schema"] == head
    assert backup.manifest["comptes"]["partenaires"] == 141 and backup.manifest["comptes"]["actions"] == 63
    for name, facts in backup.manifest["fichiers"].items():
        assert facts["sha256"] == hashlib.sha256(backup.files[name]).hexdigest()

    report = restore_backup(geo_engine, archive, SYSTEM, include_accounts=True)
    assert "sous-territoires : 1" in report.lines and "comptes : 4 créés, 0 déjà présent" in report.lines
    assert export_csv_files(geo_engine, SYSTEM) == export_csv_files(demo_engine, SYSTEM)
    with Session(geo_engine) as session:
        assert session.exec(select(WorkingGroup.name)).all() == ["Groupe écrans"]
        assert session.get(VocabularyEntry, ("funding", "FSE")).label == "Fonds social européen"
        coordinator = session.exec(select(User).where(User.email == "coordination@demo.maillage.fr")).one()
        assert coordinator.password_hash and session.exec(select(UserCouncil).where(UserCouncil.user_id == coordinator.id)).all()
        assert session.exec(select(AuditEntry).where(AuditEntry.operation == "restore")).one().user_email == SYSTEM.email
    # a second backup of the restored database restores the same data
    again = read_backup(make_backup(geo_engine, SYSTEM, include_accounts=True))
    assert {n: c for n, c in again.files.items() if not n.endswith("journal.csv")} == \
        {n: c for n, c in backup.files.items() if not n.endswith("journal.csv")}


def test_restore_refuses_a_non_empty_database_unless_replace(shared_demo_engine, demo_engine):
    archive = make_backup(shared_demo_engine, SYSTEM)
    with session_scope(demo_engine) as session:
        session.add(Council(name="Conseil en trop", kind="autre"))
    before = snapshot(demo_engine)
    with pytest.raises(RestoreRefused) as error:
        restore_backup(demo_engine, archive, SYSTEM)
    assert str(error.value).startswith("la base contient déjà des données (14 instances, 4 réseaux, 141 partenaires, "
                                       "63 actions)")
    assert snapshot(demo_engine) == before
    with pytest.raises(PermissionDenied):
        restore_backup(demo_engine, archive, Actor(email="c@x.fr", role="coordinateur"), replace=True)
    with pytest.raises(PermissionDenied):
        make_backup(demo_engine, Actor(email="c@x.fr", role="coordinateur"))
    assert snapshot(demo_engine) == before
    report = restore_backup(demo_engine, archive, SYSTEM, replace=True)
    assert report.lines[0] == "données existantes effacées : 14 instances, 4 réseaux, 141 partenaires, 63 actions"
    assert export_csv_files(demo_engine, SYSTEM) == export_csv_files(shared_demo_engine, SYSTEM)


def _rezip(archive: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(archive))
    files = {name: source.read(name) for name in source.namelist()}
    change(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in files.items():
            target.writestr(name, content)
    return buffer.getvalue()


def test_damaged_or_foreign_backups_are_refused(shared_demo_engine, geo_engine):
    archive = make_backup(shared_demo_engine, SYSTEM)
    before = snapshot(geo_engine)

    def tamper(files):
        files["partenaires.csv"] = files["partenaires.csv"].replace(b"Ville de Bordeaux", b"Ville de Bordeaus")

    def future_schema(files):
        manifest = json.loads(files["manifest.json"])
        manifest["version_schema"] = "9999_futur"
        files["manifest.json"] = json.dumps(manifest).encode()

    def no_manifest(files):
        del files["manifest.json"]

    cases = [
        (_rezip(archive, tamper), "sauvegarde : fichier « partenaires.csv » modifié ou endommagé (somme de contrôle différente)."),
        (_rezip(archive, future_schema), "sauvegarde : sauvegarde faite avec un schéma inconnu (9999_futur) : une version plus "
                                         "récente de Maillage ; mettez l'application à jour avant de restaurer."),
        (_rezip(archive, no_manifest), "sauvegarde : pas de manifest.json : ce n'est pas une sauvegarde Maillage."),
        (b"pas une archive", "sauvegarde : ce n'est pas une sauvegarde Maillage (archive ZIP illisible)."),
    ]
    for data, expected in cases:
        with pytest.raises(ReadError) as error:
            restore_backup(geo_engine, data, SYSTEM)
        assert str(error.value) == expected
    assert snapshot(geo_engine) == before
