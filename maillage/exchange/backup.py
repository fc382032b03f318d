"""Backup and restore: one ZIP with every kind in the exchange format, the data the format does not carry
(sub-territories, vocabularies, working groups, expected typologies, accounts, audit log) and a manifest
(schema version, counts, SHA-256 checksums). Restoring into an empty database reproduces the same export."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from maillage.accounts.access import Actor, require_admin
from maillage.accounts.creation import remove_demo
from maillage.core.db import get_meta, read_scope, set_meta
from maillage.core.errors import MaillageError
from maillage.core.formatting import format_int
from maillage.core.text import fold
from maillage.core.writes import Entity, Operation, record_change
from maillage.exchange.apply import apply_plan
from maillage.exchange.checks import ImportRefused, Progress, check_tables
from maillage.exchange.export import collect, csv_bytes, kind_csv, zip_bytes
from maillage.exchange.formats import KIND_ORDER
from maillage.exchange.reader import Limits, ReadError, read_csv
from maillage.exchange.values import neutralise, unneutralise
from models import (
    Action,
    ActionFunding,
    ActionPartner,
    ActionPlatform,
    ActionPublic,
    ActionTerritory,
    ActionTheme,
    AuditEntry,
    CooperationLink,
    Council,
    CouncilTerritory,
    CoverageRule,
    ExpectedTypology,
    Indicator,
    Network,
    NetworkCouncil,
    NetworkPartner,
    Partner,
    PartnerTerritory,
    Territory,
    User,
    UserCouncil,
    UserNetwork,
    VocabularyEntry,
    WorkingGroup,
)
from models.vocabularies import USER_ROLES

FORMAT_NAME = "maillage-sauvegarde"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
COMPLEMENTS = "complements/"
RESTORE_LIMITS = Limits(max_bytes=1024 * 1024 * 1024, max_rows=20_000_000)
MAX_BACKUP_INFLATED = 4 * 1024 * 1024 * 1024
ZIP_MIME = "application/zip"

# Council data, deleted (children first) when a restore replaces the database's content.
COUNCIL_DATA_TABLES = (
    ActionTerritory, ActionTheme, ActionPublic, ActionPlatform, ActionFunding, ActionPartner, Indicator, Action,
    CooperationLink, PartnerTerritory, NetworkPartner, NetworkCouncil, CoverageRule, WorkingGroup,
    ExpectedTypology, CouncilTerritory, UserCouncil, UserNetwork, Partner, Network, Council,
)


class RestoreRefused(MaillageError):
    """The database already holds data and the restore was not asked to replace it."""


@dataclass
class RestoreReport:
    """What a restore did, in French lines."""

    lines: list[str] = field(default_factory=list)


# --- generic table <-> CSV for the complements ------------------------------------------------

@dataclass(frozen=True)
class _Generic:
    """A complement file holding rows of one table, with French headers for its columns."""

    file: str
    model: Any
    columns: tuple[tuple[str, str], ...]  # (header, attribute)


_SUB_TERRITORIES = _Generic("sous_territoires.csv", Territory, (
    ("cle", "key"), ("code", "code"), ("nom", "name"), ("population", "population"), ("zone", "zone"),
    ("region", "region_code"), ("departement", "departement_code"), ("epci", "epci_code"), ("ept", "ept_code"),
    ("commune", "commune_code"), ("nom_recherche", "search_name"),
))
_VOCABULARIES = _Generic("vocabulaires.csv", VocabularyEntry, (
    ("vocabulaire", "kind"), ("code", "code"), ("libelle", "label"), ("groupe", "group_code"),
    ("position", "position"), ("actif", "active"),
))
_JOURNAL = _Generic("journal.csv", AuditEntry, (
    ("date", "at"), ("utilisateur", "user_email"), ("operation", "operation"), ("objet", "entity"),
    ("identifiant", "record_id"), ("libelle", "label"), ("avant", "before"), ("apres", "after"),
))


def _to_text(value: Any) -> str:
    """A value as complement-file text (ISO dates, oui/non, formula-like text neutralised)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(str(value))


def _from_text(column, value: str) -> Any:
    """A complement cell back to the column's Python value."""
    python_type = getattr(column.type, "impl", column.type).python_type
    if value == "":
        return None if column.nullable or python_type is not str else ""
    if python_type is bool:
        return value == "oui"
    if python_type is int:
        return int(value)
    if python_type is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if python_type is dt.date:
        return dt.date.fromisoformat(value)
    return unneutralise(value)


def _generic_csv(session: Session, spec: _Generic, where=None, order=None) -> bytes:
    """One table's rows as a complement CSV file."""
    statement = select(spec.model)
    if where is not None:
        statement = statement.where(where)
    if order is not None:
        statement = statement.order_by(*order)
    rows = ([_to_text(getattr(record, attribute)) for _header, attribute in spec.columns]
            for record in session.execute(statement).scalars())
    return csv_bytes([header for header, _attribute in spec.columns], rows)


def _read_complement(name: str, data: bytes, headers: list[str]) -> list[dict[str, str]]:
    """Rows of a complement file as header → text; its headers must be exactly the expected ones."""
    try:
        text_data = data.decode("utf-8-sig")
        records = list(csv.reader(io.StringIO(text_data, newline=""), delimiter=";"))
    except (UnicodeDecodeError, csv.Error):
        raise ReadError(f"{name} : fichier de la sauvegarde illisible.") from None
    if not records or records[0] != headers:
        raise ReadError(f"{name} : en-têtes inattendus (attendu : {', '.join(headers)}).")
    return [dict(zip(headers, record)) for record in records[1:] if any(record)]


def _generic_rows(name: str, data: bytes, spec: _Generic) -> list[dict[str, Any]]:
    """A complement file back to column values."""
    table = spec.model.__table__
    rows = _read_complement(name, data, [header for header, _ in spec.columns])
    try:
        return [{attribute: _from_text(table.c[attribute], row[header]) for header, attribute in spec.columns}
                for row in rows]
    except ValueError:
        raise ReadError(f"{name} : valeur illisible dans la sauvegarde.") from None


# --- backup -----------------------------------------------------------------------------------

def schema_version(session: Session) -> str:
    """The Alembic revision the database is at."""
    try:
        return session.execute(text("SELECT version_num FROM alembic_version")).scalar() or ""
    except SQLAlchemyError:
        session.rollback()
        return ""


def known_revisions() -> set[str]:
    """Every Alembic revision of this version of the application."""
    from alembic.script import ScriptDirectory

    from maillage.core.migrate import alembic_config

    return {revision.revision for revision in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _council_names(session: Session) -> dict[int, str]:
    """Council id → name."""
    return dict(session.execute(select(Council.id, Council.name)).all())


def _complements(session: Session, include_accounts: bool = False) -> dict[str, bytes]:
    """The complement files: sub-territories, vocabularies, working groups, expected typologies, journal, and
    the accounts (with their password hashes) only when asked."""
    councils = _council_names(session)
    networks = dict(session.execute(select(Network.id, Network.name)).all())
    files = {
        _SUB_TERRITORIES.file: _generic_csv(session, _SUB_TERRITORIES, Territory.level == "sub", [Territory.key]),
        _VOCABULARIES.file: _generic_csv(session, _VOCABULARIES, None,
                                         [VocabularyEntry.kind, VocabularyEntry.position, VocabularyEntry.code]),
    }
    groups = sorted(((councils[g.council_id], g.name, g.theme or "") for g in session.execute(select(WorkingGroup)).scalars()),
                    key=lambda row: (fold(row[0]), row[0], fold(row[1]), row[1]))
    files["groupes_de_travail.csv"] = csv_bytes(["instance", "nom", "theme"],
                                                ([neutralise(cell) for cell in row] for row in groups))
    expected = sorted(((councils[e.council_id], e.codes) for e in session.execute(select(ExpectedTypology)).scalars()),
                      key=lambda row: (fold(row[0]), row[0], row[1]))
    files["typologies_attendues.csv"] = csv_bytes(["instance", "typologies"], expected)
    user_councils: dict[int, list[str]] = {}
    for user_id, council_id in session.execute(select(UserCouncil.user_id, UserCouncil.council_id)):
        user_councils.setdefault(user_id, []).append(councils[council_id])
    user_networks: dict[int, list[str]] = {}
    for user_id, network_id in session.execute(select(UserNetwork.user_id, UserNetwork.network_id)):
        user_networks.setdefault(user_id, []).append(networks[network_id])
    accounts = [[u.email, neutralise(u.display_name), u.role, "oui" if u.active else "non", u.password_hash or "",
                 "|".join(sorted(user_councils.get(u.id, []))), "|".join(sorted(user_networks.get(u.id, [])))]
                for u in session.execute(select(User).order_by(User.email)).scalars()]
    if include_accounts:
        files[ACCOUNTS_FILE] = csv_bytes(ACCOUNT_HEADERS, accounts)
    files[_JOURNAL.file] = _generic_csv(session, _JOURNAL, None, [AuditEntry.at, AuditEntry.id])
    return {COMPLEMENTS + name: data for name, data in files.items()}


ACCOUNT_HEADERS = ["email", "nom", "role", "actif", "empreinte_mot_de_passe", "instances", "reseaux"]
ACCOUNTS_FILE = "comptes.csv"


def make_backup(engine: Engine, actor: Actor, *, now: dt.datetime | None = None,
                include_accounts: bool = False) -> bytes:
    """The whole database (but the reference geography) as one ZIP with its manifest; administrators only.
    The accounts and their password hashes go in only with `include_accounts` (« inclure les comptes »)."""
    require_admin(actor, "faire une sauvegarde complète")
    with read_scope(engine) as session:
        data = collect(session, actor)
        files = {f"{kind}.csv": kind_csv(kind, data.tables[kind]) for kind in KIND_ORDER}
        files.update(_complements(session, include_accounts))
        manifest = {
            "application": "Maillage",
            "format": FORMAT_NAME,
            "version_format": FORMAT_VERSION,
            "version_schema": schema_version(session),
            "creee_le": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
            "par": actor.email,
            "demo": get_meta(session, "demo") == "oui",
            "comptes_inclus": include_accounts,
            "comptes": {kind: data.count(kind) for kind in KIND_ORDER},
            "fichiers": {name: {"lignes": max(content.count(b"\r\n") - 1, 0),
                                "sha256": hashlib.sha256(content).hexdigest()} for name, content in files.items()},
        }
    return zip_bytes({MANIFEST: json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"), **files})


# --- restore ----------------------------------------------------------------------------------

@dataclass
class Backup:
    """A backup read and verified: its manifest and its files."""

    manifest: dict
    files: dict[str, bytes]


MAX_MANIFEST = 1024 * 1024
MAX_ENTRY = 256 * 1024 * 1024
MAX_ENTRIES = 64


def _manifest(archive: zipfile.ZipFile, source: str) -> dict:
    """The manifest, read with a size cap and checked for shape; ReadError (French) otherwise."""
    info = archive.getinfo(MANIFEST)
    if info.file_size > MAX_MANIFEST:
        raise ReadError(f"{source} : {MANIFEST} anormalement volumineux : ce n'est pas une sauvegarde Maillage.")
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except RecursionError:
        raise ReadError(f"{source} : {MANIFEST} malformé (imbrication excessive).") from None
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError, RuntimeError):
        raise ReadError(f"{source} : {MANIFEST} illisible.") from None
    if not isinstance(manifest, dict):
        raise ReadError(f"{source} : {MANIFEST} illisible.")
    listed = manifest.get("fichiers")
    if not isinstance(listed, dict) or not all(
            isinstance(name, str) and isinstance(facts, dict) and isinstance(facts.get("sha256"), str)
            for name, facts in listed.items()):
        raise ReadError(f"{source} : {MANIFEST} malformé (liste des fichiers attendue avec leurs sommes de contrôle).")
    for key in ("creee_le", "par", "version_schema", "format"):
        if key in manifest and not isinstance(manifest[key], (str, type(None))):
            raise ReadError(f"{source} : {MANIFEST} malformé (« {key} » doit être un texte).")
    return manifest


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[bytes, str]:
    """One entry's bytes and SHA-256, read in chunks (never more than its declared size)."""
    digest = hashlib.sha256()
    chunks = []
    with archive.open(info) as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
            chunks.append(chunk)
    return b"".join(chunks), digest.hexdigest()


def read_backup(data: bytes | Any, source: str = "sauvegarde") -> Backup:
    """Open a backup ZIP (bytes, a path or a file) and verify its manifest and every checksum; ReadError lists
    what is wrong. Entries the manifest does not list, oversized ones and a malformed manifest are refused
    before anything else is read (issue 20)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ReadError(f"{source} : ce n'est pas une sauvegarde Maillage (archive ZIP illisible).") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ReadError(f"{source} : trop de fichiers dans l'archive : ce n'est pas une sauvegarde Maillage.")
        if sum(info.file_size for info in infos) > MAX_BACKUP_INFLATED:
            raise ReadError(f"{source} : archive trop volumineuse une fois décompressée.")
        names = {info.filename: info for info in infos}
        if MANIFEST not in names:
            raise ReadError(f"{source} : pas de {MANIFEST} : ce n'est pas une sauvegarde Maillage.")
        manifest = _manifest(archive, source)
        if manifest.get("format") != FORMAT_NAME:
            raise ReadError(f"{source} : ce n'est pas une sauvegarde Maillage (format « {manifest.get('format')} »).")
        if not isinstance(manifest.get("version_format"), int) or manifest["version_format"] > FORMAT_VERSION:
            raise ReadError(f"{source} : sauvegarde d'une version plus récente de Maillage ; mettez l'application à jour.")
        schema = manifest.get("version_schema", "")
        if schema and schema not in known_revisions():
            raise ReadError(f"{source} : sauvegarde faite avec un schéma inconnu ({schema}) : une version plus "
                            "récente de Maillage ; mettez l'application à jour avant de restaurer.")
        listed = manifest["fichiers"]
        unlisted = sorted(name for name in names if name != MANIFEST and name not in listed)
        if unlisted:
            raise ReadError([f"{source} : fichier « {name} » absent du manifeste : archive refusée." for name in unlisted])
        oversized = sorted(name for name in listed if name in names and names[name].file_size > MAX_ENTRY)
        if oversized:
            raise ReadError([f"{source} : fichier « {name} » trop volumineux ({format_int(names[name].file_size // 1024 // 1024)} Mo) : "
                             "archive refusée." for name in oversized])
        messages, files = [], {}
        for name, facts in listed.items():
            if name not in names:
                messages.append(f"{source} : fichier « {name} » absent de l'archive.")
                continue
            try:
                content, digest = _read_entry(archive, names[name])
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError):
                messages.append(f"{source} : fichier « {name} » illisible.")
                continue
            if digest != facts.get("sha256"):
                messages.append(f"{source} : fichier « {name} » modifié ou endommagé (somme de contrôle différente).")
                continue
            files[name] = content
        for kind in KIND_ORDER:
            if f"{kind}.csv" not in listed:
                messages.append(f"{source} : {kind}.csv manquant dans la sauvegarde.")
        if messages:
            raise ReadError(messages)
    return Backup(manifest=manifest, files=files)


@dataclass(frozen=True)
class BackupAccount:
    """An account a backup would create (restoring accounts is an explicit choice)."""

    email: str
    role: str
    active: bool


def accounts_to_create(engine: Engine, backup: Backup) -> list[BackupAccount]:
    """The accounts of a backup that do not exist in the database: what « restaurer aussi les comptes » adds."""
    name = COMPLEMENTS + ACCOUNTS_FILE
    if name not in backup.files:
        return []
    rows = _read_complement(name, backup.files[name], ACCOUNT_HEADERS)
    with read_scope(engine) as session:
        existing = set(session.execute(select(User.email)).scalars())
    return [BackupAccount(row["email"], row["role"], row["actif"] == "oui")
            for row in rows if row["email"] and row["email"] not in existing]


def database_content(session: Session) -> dict[str, int]:
    """How many councils, networks, partners, actions and sub-territories the database holds."""
    def count(model, *where) -> int:
        """Rows of one table (optionally filtered)."""
        return int(session.execute(select(func.count()).select_from(model).where(*where)).scalar() or 0)

    return {
        "instances": count(Council), "réseaux": count(Network), "partenaires": count(Partner),
        "actions": count(Action), "sous-territoires": count(Territory, Territory.level == "sub"),
    }


def _wipe(session: Session) -> None:
    """Delete every council's data (accounts, vocabularies, audit log and geography stay)."""
    for model in COUNCIL_DATA_TABLES:
        session.execute(delete(model.__table__))
    session.execute(delete(Territory.__table__).where(Territory.level == "sub"))


def _restore_vocabularies(session: Session, rows: list[dict]) -> int:
    """Add or update vocabulary entries from a backup; return how many changed."""
    current = {(entry.kind, entry.code): entry for entry in session.execute(select(VocabularyEntry)).scalars()}
    changed = 0
    for row in rows:
        entry = current.get((row["kind"], row["code"]))
        if entry is None:
            session.add(VocabularyEntry(**row))
            changed += 1
        elif any(getattr(entry, key) != value for key, value in row.items()):
            for key, value in row.items():
                setattr(entry, key, value)
            changed += 1
    session.flush()
    return changed


def _restore_after(session: Session, backup: Backup, include_accounts: bool = False) -> list[str]:
    """Working groups, expected typologies, accounts and the audit log, once councils exist again."""
    files = backup.files
    councils = {fold(name): id_ for id_, name in session.execute(select(Council.id, Council.name))}
    networks = {fold(name): id_ for id_, name in session.execute(select(Network.id, Network.name))}
    lines = []

    def council_id(name: str, file: str) -> int:
        """The id of a council named in a complement file."""
        if fold(name) not in councils:
            raise ReadError(f"{file} : instance « {name} » absente de la sauvegarde.")
        return councils[fold(name)]

    name = COMPLEMENTS + "groupes_de_travail.csv"
    if name in files:
        rows = _read_complement(name, files[name], ["instance", "nom", "theme"])
        for row in rows:
            session.add(WorkingGroup(council_id=council_id(row["instance"], name), name=unneutralise(row["nom"]),
                                     theme=row["theme"] or None))
        lines.append(f"groupes de travail : {format_int(len(rows))}")
    name = COMPLEMENTS + "typologies_attendues.csv"
    if name in files:
        rows = _read_complement(name, files[name], ["instance", "typologies"])
        for row in rows:
            session.add(ExpectedTypology(council_id=council_id(row["instance"], name), codes=row["typologies"]))
        lines.append(f"typologies attendues : {format_int(len(rows))}")
    name = COMPLEMENTS + ACCOUNTS_FILE
    if name in files and not include_accounts:
        count = len(_read_complement(name, files[name], ACCOUNT_HEADERS))
        lines.append(f"comptes : {format_int(count)} dans la sauvegarde, non restaurés (restauration des comptes "
                     "non demandée)")
    elif name in files:
        rows = _read_complement(name, files[name], ACCOUNT_HEADERS)
        users = {user.email: user for user in session.execute(select(User)).scalars()}
        created = 0
        for row in rows:
            if row["role"] not in USER_ROLES or not row["email"]:
                raise ReadError(f"{name} : compte « {row['email']} » au rôle inconnu « {row['role']} ».")
            user = users.get(row["email"])
            if user is None:  # existing accounts keep their role and password
                user = User(email=row["email"], display_name=unneutralise(row["nom"]), role=row["role"],
                            active=row["actif"] == "oui", password_hash=row["empreinte_mot_de_passe"] or None)
                session.add(user)
                session.flush()
                created += 1
            have_councils = set(session.execute(select(UserCouncil.council_id).where(UserCouncil.user_id == user.id)).scalars())
            for council in filter(None, row["instances"].split("|")):
                if council_id(council, name) not in have_councils:
                    session.add(UserCouncil(user_id=user.id, council_id=council_id(council, name)))
            have_networks = set(session.execute(select(UserNetwork.network_id).where(UserNetwork.user_id == user.id)).scalars())
            for network in filter(None, row["reseaux"].split("|")):
                if fold(network) in networks and networks[fold(network)] not in have_networks:
                    session.add(UserNetwork(user_id=user.id, network_id=networks[fold(network)]))
        lines.append(f"comptes : {format_int(created)} créé{'s' if created > 1 else ''}, "
                     f"{format_int(len(rows) - created)} déjà présent{'s' if len(rows) - created > 1 else ''}")
    name = COMPLEMENTS + _JOURNAL.file
    if name in files:
        rows = _generic_rows(name, files[name], _JOURNAL)

        def entry_key(values: dict) -> tuple:
            """What makes two audit entries the same one."""
            at = values["at"]
            if at is not None and at.tzinfo is None:
                at = at.replace(tzinfo=dt.UTC)
            return (at, values["user_email"], values["operation"], values["entity"], values["record_id"], values["label"])

        present = {entry_key({column: getattr(entry, column) for _h, column in _JOURNAL.columns})
                   for entry in session.execute(select(AuditEntry)).scalars()}
        new = [row for row in rows if entry_key(row) not in present]
        for row in new:
            session.add(AuditEntry(**row))
        lines.append(f"journal : {format_int(len(new))} entrée{'s' if len(new) > 1 else ''} reprise{'s' if len(new) > 1 else ''}")
    return lines


def restore_backup(engine: Engine, data: bytes | Any, actor: Actor, *, replace: bool = False,
                   include_accounts: bool = False, progress: Progress | None = None) -> RestoreReport:
    """Restore a backup in one transaction; administrators only; a non-empty database only with `replace`;
    the backup's accounts (see `accounts_to_create`) only with `include_accounts`."""
    require_admin(actor, "restaurer une sauvegarde")
    backup = data if isinstance(data, Backup) else read_backup(data)
    tables = []
    messages = []
    for kind in KIND_ORDER:
        try:
            tables.append(read_csv(kind, backup.files[f"{kind}.csv"], f"{kind}.csv", RESTORE_LIMITS))
        except ReadError as error:
            if "vide" not in str(error):
                messages.extend(error.messages)
    if messages:
        raise ReadError(messages)
    report = RestoreReport()
    with Session(engine, expire_on_commit=False) as session:
        try:
            content = database_content(session)
            if any(content.values()):
                if not replace:
                    held = ", ".join(f"{format_int(count)} {name}" for name, count in content.items() if count)
                    raise RestoreRefused(
                        f"la base contient déjà des données ({held}) : la restauration les remplacerait ; "
                        "demandez explicitement le remplacement (option --replace) pour les effacer et restaurer."
                    )
                _wipe(session)
                report.lines.append("données existantes effacées : " + ", ".join(
                    f"{format_int(count)} {name}" for name, count in content.items() if count))
            name = COMPLEMENTS + _VOCABULARIES.file
            if name in backup.files:
                changed = _restore_vocabularies(session, _generic_rows(name, backup.files[name], _VOCABULARIES))
                report.lines.append(f"vocabulaires : {format_int(changed)} entrée{'s' if changed > 1 else ''} ajoutée{'s' if changed > 1 else ''} ou modifiée{'s' if changed > 1 else ''}")
            name = COMPLEMENTS + _SUB_TERRITORIES.file
            if name in backup.files:
                subs = _generic_rows(name, backup.files[name], _SUB_TERRITORIES)
                for row in subs:
                    session.add(Territory(level="sub", **row))
                session.flush()
                report.lines.append(f"sous-territoires : {format_int(len(subs))}")
            plan = check_tables(session, tables, actor, progress)
            if not plan.ok:
                raise ImportRefused(plan)
            imported = apply_plan(session, plan, actor, progress=progress, label="Restauration d'une sauvegarde")
            report.lines[len(report.lines):] = imported.lines()
            if backup.manifest.get("demo") is not True and get_meta(session, "demo") == "oui":
                # Real data replaces the demonstration: its flag and its accounts (known passwords) go.
                removed = remove_demo(session, actor.email)
                report.lines.append(f"démonstration quittée : {format_int(len(removed))} compte"
                                    f"{'s' if len(removed) > 1 else ''} de démonstration supprimé"
                                    f"{'s' if len(removed) > 1 else ''}")
            report.lines.extend(_restore_after(session, backup, include_accounts))
            if backup.manifest.get("demo") is True:
                set_meta(session, "demo", "oui")
            record_change(session, actor, Entity.BACKUP, Operation.RESTORE, national=True,
                          label=f"Restauration de la sauvegarde du {backup.manifest.get('creee_le', '?')}"
                                + (" (remplacement)" if replace else ""),
                          after={"manifest": {key: backup.manifest.get(key)
                                              for key in ("creee_le", "par", "version_schema", "comptes")},
                                 "remplacement": replace})
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return report


def backup_filename(now: dt.datetime | None = None) -> str:
    """`maillage-sauvegarde-2026-11-29.zip`."""
    return f"maillage-sauvegarde-{(now or dt.datetime.now(dt.UTC)):%Y-%m-%d}.zip"


ProgressCallback = Callable[[float, str], None]
