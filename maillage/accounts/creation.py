"""User accounts: creation with an Argon2-hashed password, and the demo accounts."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import delete
from sqlmodel import Session, select

from maillage.core.db import PROJECT_ROOT, get_meta, set_meta
from maillage.core.errors import ValidationError
from maillage.core.text import fold
from maillage.core.validators import email_problem
from maillage.core.writes import Entity, Operation, write_audit
from models import Council, Network, User, UserCouncil, UserNetwork
from models.vocabularies import USER_ROLES

DEMO_ACCOUNTS_FILE = PROJECT_ROOT / "data" / "demo-accounts.json"
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`."""
    return _hasher.hash(password)


def create_user(
    session: Session,
    email: str,
    role: str,
    *,
    password: str | None = None,
    display_name: str = "",
    councils: list[str] = (),
    networks: list[str] = (),
    actor_email: str = "",
) -> User:
    """Create an account with its councils or networks; refuses bad e-mails, roles and names."""
    email = email.strip().lower()
    problems: list[tuple[str, str]] = []
    if email_problem(email):
        problems.append(("email", f"« {email} » n'est pas une adresse e-mail valide"))
    if role not in USER_ROLES:
        problems.append(("role", f"« {role} » n'est pas un rôle (admin, coordinateur, reseau, elu)"))
    if session.exec(select(User).where(User.email == email)).first():
        problems.append(("email", f"un compte existe déjà pour {email}"))
    council_by_name = {fold(c.name): c for c in session.exec(select(Council))}
    network_by_name = {fold(n.name): n for n in session.exec(select(Network))}
    council_ids = []
    for name in councils:
        if fold(name) not in council_by_name:
            problems.append(("council", f"« {name} » n'est pas une instance connue"))
        else:
            council_ids.append(council_by_name[fold(name)].id)
    network_ids = []
    for name in networks:
        if fold(name) not in network_by_name:
            problems.append(("network", f"« {name} » n'est pas un réseau connu"))
        else:
            network_ids.append(network_by_name[fold(name)].id)
    if password is not None and len(password) < 10:
        problems.append(("password", "le mot de passe doit compter au moins 10 caractères"))
    if problems:
        raise ValidationError(problems)
    user = User(
        email=email, role=role, display_name=display_name,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    for council_id in council_ids:
        session.add(UserCouncil(user_id=user.id, council_id=council_id))
    for network_id in network_ids:
        session.add(UserNetwork(user_id=user.id, network_id=network_id))
    write_audit(session, user_email=actor_email, operation=Operation.CREATE, entity=Entity.USER, record_id=user.id,
                label=email, after={"email": email, "role": role, "councils": list(councils), "networks": list(networks)})
    return user


DEMO_ACCOUNTS = (
    ("admin@demo.maillage.fr", "admin", "Administratrice (démo)", [], []),
    # Two councils: a one-commune CLSPD, and an intercommunal CISPD (15 communes) with a real coverage and map.
    ("coordination@demo.maillage.fr", "coordinateur", "Coordinatrice CLSPD de Bordeaux et CISPD du Créonnais (démo)",
     ["CLSPD de Bordeaux", "CISPD du Créonnais"], []),
    ("reseau@demo.maillage.fr", "reseau", "Membre du réseau FFSU Nouvelle-Aquitaine (démo)", [], ["Réseau FFSU Nouvelle-Aquitaine"]),
    ("elu@demo.maillage.fr", "elu", "Adjoint au maire chargé de la prévention (démo)", ["CLSPD de Mérignac"], []),
)


def create_demo_accounts(session: Session, accounts_file: Path | None = None) -> list[dict]:
    """One account per role with a random password, written (plain) to a git-ignored file that `make run`
    prints in the terminal (never shown in a browser)."""
    accounts_file = accounts_file or DEMO_ACCOUNTS_FILE
    created = []
    known_councils = {fold(c.name) for c in session.exec(select(Council))}
    known_networks = {fold(n.name) for n in session.exec(select(Network))}
    for email, role, name, councils, networks in DEMO_ACCOUNTS:
        if session.exec(select(User).where(User.email == email)).first():
            continue
        password = secrets.token_urlsafe(9)
        create_user(
            session, email, role, password=password, display_name=name,
            councils=[c for c in councils if fold(c) in known_councils],
            networks=[n for n in networks if fold(n) in known_networks],
        )
        created.append({"email": email, "role": role, "name": name, "password": password})
    if created:
        previous = json.loads(accounts_file.read_text(encoding="utf-8")) if accounts_file.exists() else []
        recreated = {account["email"] for account in created}
        previous = [account for account in previous if account.get("email") not in recreated]
        accounts_file.parent.mkdir(parents=True, exist_ok=True)
        accounts_file.write_text(json.dumps(previous + created, ensure_ascii=False, indent=2), encoding="utf-8")
    return created


DEMO_EMAILS = tuple(account[0] for account in DEMO_ACCOUNTS)


def remove_demo(session: Session, actor_email: str = "", accounts_file: Path | None = None) -> list[str]:
    """Drop the demo flag, delete the demo accounts and their password file; return the e-mails deleted."""
    accounts_file = accounts_file or DEMO_ACCOUNTS_FILE
    removed = []
    for user in session.exec(select(User).where(User.email.in_(DEMO_EMAILS))).all():
        session.execute(delete(UserCouncil).where(UserCouncil.user_id == user.id))
        session.execute(delete(UserNetwork).where(UserNetwork.user_id == user.id))
        session.delete(user)
        removed.append(user.email)
        write_audit(session, user_email=actor_email, operation=Operation.DELETE, entity=Entity.USER, record_id=user.id,
                    label=user.email, before={"email": user.email, "role": user.role})
    was_demo = get_meta(session, "demo") == "oui"
    if was_demo:
        set_meta(session, "demo", "")
    session.flush()
    if was_demo or removed:
        accounts_file.unlink(missing_ok=True)
    return sorted(removed)
