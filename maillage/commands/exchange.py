"""`import`, `export`, `backup`, `restore`, `templates`: the exchange format on the command line.

    python -m maillage import KIND FILE [--dry-run]     one CSV (or XLSX sheet) of one kind
    python -m maillage import FILE.xlsx [--dry-run]     every sheet of a workbook (one per kind)
    python -m maillage import DIR [--dry-run]           every <kind>.csv of a directory
        [--map "Structure=nom,Ville=commune_siege"]     a file's own headers → our columns
        [--instance NOM]                                commune names read inside that council's territory
    python -m maillage export DIR [--format csv|xlsx|data-inclusion]
    python -m maillage backup FILE.zip [--comptes]
    python -m maillage restore FILE.zip [--replace] [--comptes]

Exit 0 with the counts; exit 1 with every error on stderr and nothing written; 3 when refused.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from maillage.commands.cli import EXIT_PERMISSION
from maillage.commands.common import add_as_option, engine_and_actor
from maillage.core.errors import MaillageError
from maillage.core.formatting import format_int
from maillage.exchange.kinds import KIND_NAMES


def register(subparsers) -> None:
    """Add `import`, `export`, `backup`, `restore` and `templates`."""
    parser = subparsers.add_parser(
        "import", help="importer des fichiers au format d'échange (CSV ou XLSX), tout ou rien",
        description="import KIND FICHIER, import FICHIER.xlsx ou import DOSSIER : chaque ligne est vérifiée ; "
                    f"à la moindre erreur rien n'est écrit. Types : {', '.join(KIND_NAMES)}.",
    )
    parser.add_argument("targets", nargs="+", metavar="[TYPE] FICHIER",
                        help="le type (partenaires, actions…) puis le fichier ; ou un classeur .xlsx ; ou un dossier")
    parser.add_argument("--dry-run", action="store_true", help="tout vérifier sans rien écrire")
    parser.add_argument("--map", dest="mapping", metavar="EN-TÊTE=COLONNE,…",
                        help="colonnes du fichier vers celles du format, par exemple "
                             "« Structure=nom,Ville=commune_siege » (« Colonne= » pour l'ignorer)")
    parser.add_argument("--instance", metavar="NOM",
                        help="lire les noms de communes ambigus dans le territoire de cette instance "
                             "(par défaut : les instances du compte)")
    add_as_option(parser)
    parser.set_defaults(handler=run_import)

    export = subparsers.add_parser("export", help="exporter les données au format d'échange (CSV ou XLSX)")
    export.add_argument("directory", metavar="DOSSIER", help="dossier où écrire les fichiers (créé au besoin)")
    export.add_argument("--format", choices=["csv", "xlsx", "data-inclusion"], default="csv",
                        help="csv (par défaut), xlsx, ou data-inclusion (registre des partenaires au schéma national "
                             "des structures, en JSON et CSV)")
    add_as_option(export)
    export.set_defaults(handler=run_export)

    backup = subparsers.add_parser("backup", help="sauvegarder toute la base dans un fichier ZIP")
    backup.add_argument("file", metavar="FICHIER.zip")
    backup.add_argument("--comptes", action="store_true",
                        help="inclure les comptes et leurs empreintes de mot de passe (à protéger en conséquence)")
    add_as_option(backup)
    backup.set_defaults(handler=run_backup)

    restore = subparsers.add_parser("restore", help="restaurer une sauvegarde ZIP (base vide, ou --replace)")
    restore.add_argument("file", metavar="FICHIER.zip")
    restore.add_argument("--replace", action="store_true",
                         help="effacer les données existantes (instances, partenaires, actions…) avant de restaurer")
    restore.add_argument("--comptes", action="store_true",
                         help="créer aussi les comptes de la sauvegarde (listés avant la restauration)")
    add_as_option(restore)
    restore.set_defaults(handler=run_restore)

    templates = subparsers.add_parser("templates", help="écrire les modèles de fichiers d'import (CSV et XLSX)")
    templates.add_argument("directory", metavar="DOSSIER")
    templates.set_defaults(handler=run_templates)


def parse_mapping(text: str | None) -> dict[str, str] | None:
    """`Structure=nom,Ville=commune_siege` → {header: column}; a French error when malformed or unknown."""
    if not text:
        return None
    from maillage.exchange.formats import KINDS

    mapping: dict[str, str] = {}
    known = {column for kind in KINDS.values() for column in kind.columns}
    for part in text.split(","):
        if not part.strip():
            continue
        header, sep, column = part.partition("=")
        header, column = header.strip(), column.strip()
        if not sep or not header:
            raise MaillageError(f"--map : « {part.strip()} » : écrivez EN-TÊTE=COLONNE (par exemple Ville=commune_siege)")
        if column and column not in known:
            raise MaillageError(f"--map : « {column} » n'est pas une colonne du format d'échange")
        mapping[header] = column
    return mapping


def _read_targets(targets: list[str], mapping: dict[str, str] | None = None):
    """The tables named on the command line: KIND FILE, FILE.xlsx, FILE named after its kind, or DIR."""
    from maillage.exchange.formats import KINDS, kind_for_name
    from maillage.exchange.reader import read_directory, read_files

    if len(targets) > 2:
        raise MaillageError("trop d'arguments : import TYPE FICHIER, import FICHIER.xlsx ou import DOSSIER")
    kind = None
    if len(targets) == 2:
        kind = kind_for_name(targets[0])
        if kind is None:
            raise MaillageError(f"« {targets[0]} » n'est pas un type de fichier ({', '.join(KINDS)})")
    path = Path(targets[-1])
    if path.is_dir():
        if kind is not None:
            raise MaillageError("avec un type, indiquez un fichier et non un dossier")
        return read_directory(path)
    if not path.is_file():
        raise MaillageError(f"fichier introuvable : {path}")
    data = path.read_bytes()
    is_workbook = data.startswith(b"PK")
    if kind is None and not is_workbook and kind_for_name(path.name) is None:
        raise MaillageError(f"{path.name} : précisez le type du fichier, par exemple « import partenaires {path} »")
    return read_files([(path.name, data)], kind, mapping=mapping)


def run_import(args: argparse.Namespace) -> int:
    """Check and import; print the counts, or every problem on stderr."""
    from maillage.exchange.checks import ImportRefused
    from maillage.exchange.imports import import_tables
    from maillage.exchange.reader import ReadError

    engine, actor = engine_and_actor(args)
    council_ids = None
    if args.instance:
        from maillage.commands.common import council_by_name
        from maillage.core.db import session_scope

        with session_scope(engine) as session:
            council_ids = [council_by_name(session, args.instance).id]
    try:
        tables = _read_targets(args.targets, parse_mapping(args.mapping))
    except ReadError as error:
        for message in error.messages:
            print(message, file=sys.stderr)
        print("Rien n'a été importé.", file=sys.stderr)
        return 1
    try:
        plan, report = import_tables(engine, tables, actor=actor, dry_run=args.dry_run, council_ids=council_ids)
    except ImportRefused as refused:
        denied = all(problem.permission for problem in refused.plan.problems)
        if denied:
            print("Accès refusé : vos droits ne couvrent pas ces lignes ; rien n'a été importé.", file=sys.stderr)
        for problem in refused.plan.problems:
            print(str(problem), file=sys.stderr)
        if denied:
            return EXIT_PERMISSION
        print(f"Erreur : {refused}", file=sys.stderr)
        return 1
    for warning in plan.warnings:
        print(f"Attention : {warning}")
    print("Vérification réussie, rien n'a été écrit (--dry-run) :" if args.dry_run else "Import réussi :")
    for line in report.lines():
        print(f"  {line}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write every kind as CSV files (or one workbook) into a directory."""
    from maillage.exchange.export import export_data, to_csv_files, to_xlsx
    from maillage.exchange.formats import KINDS

    engine, actor = engine_and_actor(args)
    directory = Path(args.directory)
    directory.mkdir(parents=True, exist_ok=True)
    if args.format == "data-inclusion":
        from maillage.exchange.inclusion import export_structures

        result = export_structures(engine, actor)
        (directory / "structures.json").write_bytes(result.json_bytes())
        (directory / "structures.csv").write_bytes(result.csv_bytes())
        count = len(result.structures)
        print(f"Registre au schéma data·inclusion écrit dans {directory} (structures.json, structures.csv) : "
              f"{format_int(count)} structure{'s' if count > 1 else ''} validée{'s' if count > 1 else ''}")
        for refused in result.refused:
            print(f"Non exportée (refusée par le schéma) : {refused}", file=sys.stderr)
        return 0
    data = export_data(engine, actor)
    if args.format == "xlsx":
        target = directory / "maillage-export.xlsx"
        target.write_bytes(to_xlsx(data))
        print(f"Classeur écrit : {target}")
    else:
        for name, content in to_csv_files(data).items():
            (directory / name).write_bytes(content)
        print(f"{len(KINDS)} fichiers CSV écrits dans {directory} :")
    for kind in KINDS:
        print(f"  {kind} : {format_int(data.count(kind))} ligne{'s' if data.count(kind) > 1 else ''}")
    return 0


def run_backup(args: argparse.Namespace) -> int:
    """Write the backup ZIP."""
    from maillage.exchange.backup import make_backup

    engine, actor = engine_and_actor(args)
    content = make_backup(engine, actor, include_accounts=args.comptes)
    target = Path(args.file)
    if target.parent and not target.parent.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    print(f"Sauvegarde écrite : {target} ({format_int(max(len(content) // 1024, 1))} Ko)")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    """Restore a backup; every problem on stderr when it cannot be restored."""
    from maillage.exchange.backup import accounts_to_create, read_backup, restore_backup
    from maillage.exchange.checks import ImportRefused
    from maillage.exchange.reader import ReadError
    from models.vocabularies import USER_ROLES

    engine, actor = engine_and_actor(args)
    path = Path(args.file)
    if not path.is_file():
        raise MaillageError(f"fichier introuvable : {path}")
    try:
        backup = read_backup(path)  # streamed from the file, entries checked before they are read
        accounts = accounts_to_create(engine, backup)
        if accounts and args.comptes:
            print(f"Comptes créés par la restauration ({len(accounts)}) :")
        elif accounts:
            print(f"La sauvegarde contient {len(accounts)} compte(s) absent(s) de la base, non restauré(s) "
                  "(ajoutez --comptes pour les créer) :")
        for account in accounts:
            print(f"  {account.email} ({USER_ROLES.get(account.role, account.role)}"
                  f"{', désactivé' if not account.active else ''})")
        report = restore_backup(engine, backup, actor, replace=args.replace, include_accounts=args.comptes)
    except ReadError as error:
        for message in error.messages:
            print(message, file=sys.stderr)
        print("Rien n'a été restauré.", file=sys.stderr)
        return 1
    except ImportRefused as refused:
        for problem in refused.plan.problems:
            print(str(problem), file=sys.stderr)
        print("Erreur : la sauvegarde contient des erreurs ; rien n'a été restauré.", file=sys.stderr)
        return 1
    print("Sauvegarde restaurée :")
    for line in report.lines:
        print(f"  {line}")
    return 0


def run_templates(args: argparse.Namespace) -> int:
    """Write one CSV template per kind and the XLSX workbook template."""
    from maillage.exchange.formats import KINDS
    from maillage.exchange.templates import (
        template_csv,
        template_filename,
        template_xlsx,
    )

    directory = Path(args.directory)
    directory.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        (directory / template_filename(kind)).write_bytes(template_csv(kind))
    (directory / "modele-maillage.xlsx").write_bytes(template_xlsx())
    print(f"Modèles écrits dans {directory} : {len(KINDS)} fichiers CSV et modele-maillage.xlsx")
    return 0
