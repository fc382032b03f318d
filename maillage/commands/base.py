"""`init` and `stats`: set up the database and count what it holds."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    """Add `init` and `stats`."""
    init = subparsers.add_parser("init", help="créer ou mettre à jour la base (schéma, géographie, démo)")
    group = init.add_mutually_exclusive_group()
    group.add_argument("--demo", action="store_true", help="charger les données de démonstration")
    group.add_argument("--empty", action="store_true", help="sans données de démonstration (par défaut)")
    group.add_argument("--demo-if-empty", action="store_true",
                       help="charger la démonstration seulement si la base n'a encore aucune instance")
    init.set_defaults(handler=run_init)
    accounts = subparsers.add_parser("demo-accounts",
                                     help="afficher les comptes de démonstration (base de démonstration seulement)")
    accounts.set_defaults(handler=run_demo_accounts)
    leave = subparsers.add_parser("leave-demo", help="quitter la démonstration : supprimer les comptes de démonstration")
    leave.set_defaults(handler=run_leave_demo)
    stats = subparsers.add_parser("stats", help="compter ce que contient la base")
    stats.set_defaults(handler=run_stats)


def run_init(args: argparse.Namespace) -> int:
    """Migrate, load the geography, and the demo data with --demo."""
    from maillage.core.db import make_engine
    from maillage.core.errors import MaillageError
    from maillage.core.migrate import upgrade
    from maillage.exchange.checks import ImportRefused
    from maillage.exchange.setup import has_data, init_database

    engine = make_engine()
    demo = args.demo
    if args.demo_if_empty:
        upgrade(engine)
        demo = not has_data(engine)
    try:
        result = init_database(engine, demo=demo)
    except ImportRefused as error:
        details = "; ".join(str(problem) for problem in error.plan.problems[:5])
        raise MaillageError(f"données de démonstration invalides : {details}") from None
    print(f"Base prête. Géographie : {result.geography}.")
    for line in result.demo:
        print(f"Démo — {line}")
    return 0


def run_stats(_args: argparse.Namespace) -> int:
    """Print `name: count` lines."""
    from maillage.core.db import make_engine, session_scope
    from maillage.exchange.stats import database_counts

    engine = make_engine()
    with session_scope(engine) as session:
        for name, count in database_counts(session).items():
            print(f"{name}: {count}")
    return 0


def run_demo_accounts(_args: argparse.Namespace) -> int:
    """Print the demo accounts and their passwords in the terminal (never in a browser)."""
    from maillage.accounts.signin import demo_accounts
    from maillage.core.db import make_engine
    from maillage.exchange.setup import is_demo
    from models.vocabularies import USER_ROLES

    engine = make_engine()
    if not is_demo(engine):
        return 0
    accounts = demo_accounts()
    if not accounts:
        print("Base de démonstration : comptes de démonstration introuvables (data/demo-accounts.json).")
        return 0
    print("Comptes de démonstration (mots de passe tirés au hasard ; aussi dans data/demo-accounts.json) :")
    for account in accounts:
        print(f"  {USER_ROLES.get(account.role, account.role):<20} {account.email:<32} {account.password}")
    return 0


def run_leave_demo(_args: argparse.Namespace) -> int:
    """Drop the demo flag and delete the demo accounts; the data stays."""
    from maillage.accounts.access import SYSTEM
    from maillage.core.db import make_engine
    from maillage.exchange.setup import leave_demonstration

    removed = leave_demonstration(make_engine(), SYSTEM)
    print(f"Démonstration quittée : {len(removed)} compte(s) de démonstration supprimé(s).")
    return 0
