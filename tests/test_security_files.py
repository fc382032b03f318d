"""Issue 20, items 8 and 10: hostile or odd files. Backups keep password hashes out unless asked, restoring
accounts is explicit, crafted archives are refused before they are read; link levels are exact; a leading
apostrophe survives export → import → restore; XLSX formula cells are reported as formulas."""

import hashlib
import io
import json
import tracemalloc
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, add_user
from maillage.commands.cli import main
from maillage.exchange import (
    ImportRefused,
    ReadError,
    accounts_to_create,
    export_data,
    import_tables,
    make_backup,
    neutralise,
    read_backup,
    read_files,
    restore_backup,
    to_csv_files,
    unneutralise,
)
from models import Partner, User

MANIFEST = "manifest.json"


def _rewrite(backup: bytes, change) -> bytes:
    """A copy of a backup ZIP where `change(files)` edited the files, checksums recomputed (a forger's work)."""
    with zipfile.ZipFile(io.BytesIO(backup)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    change(files)
    manifest = json.loads(files[MANIFEST])
    for name, content in files.items():
        if name != MANIFEST:
            manifest["fichiers"].setdefault(name, {})["sha256"] = hashlib.sha256(content).hexdigest()
    files[MANIFEST] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.fixture
def with_accounts(geo_engine):
    with Session(geo_engine) as session:
        add_user(session, SYSTEM, "admin@ville.fr", "admin", password="mot-de-passe-solide")
        session.commit()
    return geo_engine


def test_backups_leave_password_hashes_out_unless_asked(with_accounts):
    plain = make_backup(with_accounts, SYSTEM)
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        assert "complements/comptes.csv" not in archive.namelist()
        assert all(b"$argon2" not in archive.read(name) for name in archive.namelist())
    full = make_backup(with_accounts, SYSTEM, include_accounts=True)
    with zipfile.ZipFile(io.BytesIO(full)) as archive:
        assert b"$argon2id$" in archive.read("complements/comptes.csv")


def test_a_forged_admin_account_is_not_created_unless_explicitly_asked(with_accounts, geo_engine, db_factory):
    full = make_backup(with_accounts, SYSTEM, include_accounts=True)

    def add_admin(files):
        files["complements/comptes.csv"] += b"intrus@pirate.example;Intrus;admin;oui;$argon2id$faux;;\r\n"
    forged = _rewrite(full, add_admin)
    target = db_factory.engine("geo")
    backup = read_backup(forged)
    assert {a.email for a in accounts_to_create(target, backup)} == {"admin@ville.fr", "intrus@pirate.example"}
    report = restore_backup(target, backup, SYSTEM)
    assert any("non restaurés" in line for line in report.lines)
    with Session(target) as session:
        assert session.exec(select(User).where(User.email == "intrus@pirate.example")).first() is None


def test_cli_restore_lists_accounts_and_creates_them_only_with_comptes(with_accounts, db_factory, use_database,
                                                                        tmp_path, capsys):
    file = tmp_path / "sauvegarde.zip"
    file.write_bytes(make_backup(with_accounts, SYSTEM, include_accounts=True))
    url = db_factory.new("geo")
    use_database(url)
    assert main(["restore", str(file)]) == 0
    out = capsys.readouterr().out
    assert "admin@ville.fr" in out and "--comptes" in out
    from maillage.core import make_engine
    engine = make_engine(url)
    with Session(engine) as session:
        assert session.exec(select(User)).first() is None
    assert main(["restore", str(file), "--replace", "--comptes"]) == 0
    with Session(engine) as session:
        assert session.exec(select(User.email)).all() == ["admin@ville.fr"]
    engine.dispose()


def _nested_manifest_zip(depth: int = 100_000) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, "[" * depth + "]" * depth)
    return out.getvalue()


def test_a_nested_manifest_gets_a_french_error(tmp_path, geo_engine, use_database, capsys):
    with pytest.raises(ReadError, match="manifest.json"):
        read_backup(_nested_manifest_zip())
    file = tmp_path / "imbrique.zip"
    file.write_bytes(_nested_manifest_zip())
    use_database(geo_engine.url.render_as_string(hide_password=False))
    assert main(["restore", str(file)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "RecursionError" not in err and "manifest.json" in err


def test_an_unlisted_huge_entry_is_refused_before_it_is_read(with_accounts, tmp_path):
    backup = make_backup(with_accounts, SYSTEM)
    path = tmp_path / "gonflee.zip"
    path.write_bytes(backup)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("complements/bourrage.bin", "w", force_zip64=True) as entry:
            block = b"\0" * (4 * 1024 * 1024)
            for _ in range(100):  # 400 MB once inflated, about 400 KB on disk
                entry.write(block)
    tracemalloc.start()
    try:
        with pytest.raises(ReadError, match="absent du manifeste"):
            read_backup(path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 300 * 1024 * 1024


def test_a_listed_oversized_entry_is_refused_before_it_is_read(with_accounts, monkeypatch):
    import maillage.exchange.backup as backup_module
    monkeypatch.setattr(backup_module, "MAX_ENTRY", 1000)
    with pytest.raises(ReadError, match="trop volumineux"):
        read_backup(make_backup(with_accounts, SYSTEM))


@pytest.mark.parametrize("level", ["-1", "-4", "+3", "(2)", "#3", "2.5", "5", "0"])
def test_link_levels_are_exact(demo_engine, level):
    links = ("partenaire_a;partenaire_b;nature;niveau;instance\n"
             f"Ville de Bordeaux;Mairie de Mérignac;echange;{level};CLSPD de Bordeaux\n")
    with pytest.raises(ImportRefused) as refused:
        import_tables(demo_engine, read_files([("liens.csv", links.encode())]), dry_run=True)
    assert any(problem.column == "niveau" for problem in refused.value.plan.problems)


@pytest.mark.parametrize("level", ["2", " 3 ", "coordination", "Collaboration"])
def test_link_levels_accept_numbers_and_labels(demo_engine, level):
    links = ("partenaire_a;partenaire_b;nature;niveau;instance\n"
             f"Ville de Bordeaux;Mairie de Mérignac;echange;{level};CLSPD de Bordeaux\n")
    try:
        import_tables(demo_engine, read_files([("liens.csv", links.encode())]), dry_run=True)
    except ImportRefused as refused:
        assert not any(problem.column == "niveau" for problem in refused.plan.problems), refused.plan.problems


@given(st.text(max_size=20))
def test_neutralise_round_trips_every_string(text):
    assert unneutralise(neutralise(text)) == text
    if text[:1] in ("=", "+", "-", "@"):
        assert neutralise(text).startswith("'")


def test_a_leading_apostrophe_survives_export_import_and_restore(demo_engine, db_factory):
    tricky = ["'=1+1", "'abc", "''", "=SOMME(A1)", "'-3"]
    with Session(demo_engine) as session:
        partners = session.exec(select(Partner).order_by(Partner.id).limit(len(tricky))).all()
        for partner, note in zip(partners, tricky):
            partner.notes = note
            session.add(partner)
        names = {partner.name: note for partner, note in zip(partners, tricky)}
        session.commit()
    files = to_csv_files(export_data(demo_engine, SYSTEM))
    fresh = db_factory.engine("geo")
    import_tables(fresh, read_files(list(files.items())))
    backup_target = db_factory.engine("geo")
    restore_backup(backup_target, make_backup(demo_engine, SYSTEM), SYSTEM)
    for engine in (fresh, backup_target):
        with Session(engine) as session:
            for name, note in names.items():
                assert session.exec(select(Partner.notes).where(Partner.name == name)).first() == note


def test_xlsx_formula_cells_are_reported_as_formulas():
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "partenaires"
    sheet.append(["nom", "typologie", "commune_siege"])
    sheet.append(['=CONCAT("Asso ";"A")', "ASSO", "33063"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    tables = read_files([("classeur.xlsx", buffer.getvalue())])
    messages = [problem.message for table in tables for problem in table.problems]
    assert any("formule" in message and "nom" in message for message in messages), messages
    assert not any("valeur obligatoire manquante" in message for message in messages)
