"""`user add|list|disable|password`: manage accounts from the server's terminal."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from maillage.commands.common import add_as_option, engine_and_actor
from maillage.core.errors import ValidationError


def register(subparsers) -> None:
    """Add the `user` command and its sub-commands."""
    user = subparsers.add_parser("user", help="gérer les comptes")
    actions = user.add_subparsers(dest="user_command", metavar="ACTION")
    actions.required = True

    add = actions.add_parser("add", help="créer un compte")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=("admin", "coordinateur", "reseau", "elu"))
    add.add_argument("--council", action="append", default=[], metavar="NOM", help="instance (répétable)")
    add.add_argument("--network", action="append", default=[], metavar="NOM", help="réseau (répétable)")
    add.add_argument("--name", default="", help="nom affiché")
    add.add_argument("--sso-only", action="store_true",
                     help="sans mot de passe : connexion uniquement par authentification unique")
    add_as_option(add)
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", help="lister les comptes")
    add_as_option(listing)
    listing.set_defaults(handler=run_list)

    disable = actions.add_parser("disable", help="désactiver un compte")
    disable.add_argument("email")
    add_as_option(disable)
    disable.set_defaults(handler=run_disable)

    password = actions.add_parser("password", help="changer le mot de passe d'un compte")
    password.add_argument("email")
    add_as_option(password)
    password.set_defaults(handler=run_password)


def _ask_password() -> str:
    """From MAILLAGE_PASSWORD, or asked twice on the terminal."""
    from_environment = os.environ.get("MAILLAGE_PASSWORD")
    if from_environment:
        return from_environment
    if not sys.stdin.isatty():
        raise ValidationError([("password", "mot de passe absent : donnez-le dans MAILLAGE_PASSWORD ou lancez la commande dans un terminal")])
    first = getpass.getpass("Mot de passe (10 caractères au moins) : ")
    second = getpass.getpass("Mot de passe, à nouveau : ")
    if first != second:
        raise ValidationError([("password", "les deux mots de passe saisis diffèrent")])
    return first


def run_add(args: argparse.Namespace) -> int:
    """Create an account."""
    from maillage.accounts.users import add_user
    from maillage.core.db import session_scope

    engine, actor = engine_and_actor(args)
    password = None if args.sso_only else _ask_password()
    with session_scope(engine) as session:
        user = add_user(session, actor, args.email, args.role, password=password, display_name=args.name,
                        councils=args.council, networks=args.network)
    print(f"Compte créé : {user.email} ({args.role}).")
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print one line per account."""
    from maillage.accounts.users import list_users
    from maillage.core.db import session_scope
    from maillage.core.formatting import format_datetime

    engine, actor = engine_and_actor(args)
    with session_scope(engine) as session:
        rows = list_users(session, actor)
    for row in rows:
        scope = ", ".join(row.councils + row.networks) or "—"
        state = "actif" if row.active else "désactivé"
        print(f"{row.email}\t{row.role}\t{state}\t{scope}\tdernière connexion : {format_datetime(row.last_login_at)}")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    """Disable an account."""
    from maillage.accounts.users import disable_user
    from maillage.core.db import session_scope

    engine, actor = engine_and_actor(args)
    with session_scope(engine) as session:
        disable_user(session, actor, args.email)
    print(f"Compte désactivé : {args.email}.")
    return 0


def run_password(args: argparse.Namespace) -> int:
    """Change an account's password."""
    from maillage.accounts.users import set_password
    from maillage.core.db import session_scope

    engine, actor = engine_and_actor(args)
    password = _ask_password()
    with session_scope(engine) as session:
        set_password(session, actor, args.email, password)
    print(f"Mot de passe changé : {args.email}.")
    return 0
