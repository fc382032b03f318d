"""Managing accounts (administrators only): list, add, change role and scope, disable, reset a password."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, delete, select

from maillage.accounts.access import Actor, require_admin
from maillage.accounts.creation import create_user, hash_password
from maillage.core.errors import NotFoundError, ValidationError
from maillage.core.text import fold
from maillage.core.versions import check_version
from maillage.core.writes import Entity, Operation, record_change
from models import Council, Network, User, UserCouncil, UserNetwork
from models.vocabularies import USER_ROLES


@dataclass(frozen=True)
class UserRow:
    """An account as the administration page and `user list` show it."""

    id: int
    email: str
    display_name: str
    role: str
    role_label: str
    active: bool
    councils: tuple[str, ...]
    networks: tuple[str, ...]
    last_login_at: dt.datetime | None
    locked_until: dt.datetime | None
    version: int


def list_users(session: Session, actor: Actor) -> list[UserRow]:
    """Every account with its councils and networks, by e-mail (administrators only)."""
    require_admin(actor, "consulter la liste des comptes")
    return _rows(session, list(session.exec(select(User).order_by(User.email))))


def _rows(session: Session, users: list[User]) -> list[UserRow]:
    councils = {c.id: c.name for c in session.exec(select(Council))}
    networks = {n.id: n.name for n in session.exec(select(Network))}
    by_user_councils: dict[int, list[str]] = {}
    for link in session.exec(select(UserCouncil)):
        by_user_councils.setdefault(link.user_id, []).append(councils[link.council_id])
    by_user_networks: dict[int, list[str]] = {}
    for link in session.exec(select(UserNetwork)):
        by_user_networks.setdefault(link.user_id, []).append(networks[link.network_id])
    return [
        UserRow(u.id, u.email, u.display_name, u.role, USER_ROLES.get(u.role, u.role), u.active,
                tuple(sorted(by_user_councils.get(u.id, []))), tuple(sorted(by_user_networks.get(u.id, []))),
                u.last_login_at, u.locked_until, u.version)
        for u in users
    ]


def add_user(session: Session, actor: Actor, email: str, role: str, *, password: str | None = None,
             display_name: str = "", councils: list[str] = (), networks: list[str] = ()) -> User:
    """Create an account (administrators only)."""
    require_admin(actor, "créer un compte")
    _check_scope(role, councils, networks)
    return create_user(session, email, role, password=password, display_name=display_name,
                       councils=list(councils), networks=list(networks), actor_email=actor.email)


def _check_scope(role: str, councils, networks) -> None:
    if role in ("coordinateur", "elu") and not councils:
        raise ValidationError([("council", f"un compte « {USER_ROLES.get(role, role)} » doit avoir au moins une instance")])
    if role == "reseau" and not networks:
        raise ValidationError([("network", "un compte « Membre de réseau » doit avoir au moins un réseau")])


def _get(session: Session, email: str) -> User:
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise NotFoundError(f"aucun compte pour « {email} »")
    return user


def update_user(session: Session, actor: Actor, email: str, *, role: str, councils: list[str],
                networks: list[str], display_name: str, active: bool, expected_version: int | None = None) -> User:
    """Change an account's role, scope, name and state (administrators only)."""
    require_admin(actor, "modifier un compte")
    user = _get(session, email)
    check_version(session, user, expected_version, Entity.USER, user.email)
    if role not in USER_ROLES:
        raise ValidationError([("role", f"« {role} » n'est pas un rôle")])
    _check_scope(role, councils, networks)
    if user.email == actor.email and (role != "admin" or not active):
        raise ValidationError([("role", "vous ne pouvez pas retirer vos propres droits d'administrateur")])
    council_ids = _ids(session, Council, councils, "instance")
    network_ids = _ids(session, Network, networks, "réseau")
    before = _describe(session, user)
    user.role, user.display_name, user.active = role, display_name, active
    user.version += 1
    session.exec(delete(UserCouncil).where(UserCouncil.user_id == user.id))
    session.exec(delete(UserNetwork).where(UserNetwork.user_id == user.id))
    for council_id in council_ids:
        session.add(UserCouncil(user_id=user.id, council_id=council_id))
    for network_id in network_ids:
        session.add(UserNetwork(user_id=user.id, network_id=network_id))
    session.add(user)
    session.flush()
    record_change(session, actor, Entity.USER, Operation.UPDATE, record_id=user.id, touches_data=False,
                  label=user.email, before=before, after=_describe(session, user))
    return user


def disable_user(session: Session, actor: Actor, email: str) -> User:
    """Deactivate an account: it can no longer sign in (its history is kept)."""
    require_admin(actor, "désactiver un compte")
    user = _get(session, email)
    if user.email == actor.email:
        raise ValidationError([("email", "vous ne pouvez pas désactiver votre propre compte")])
    if user.active:
        user.active = False
        user.version += 1
        session.add(user)
        record_change(session, actor, Entity.USER, Operation.ARCHIVE, record_id=user.id, touches_data=False,
                      label=user.email, before={"active": True}, after={"active": False})
    return user


def set_password(session: Session, actor: Actor, email: str, password: str) -> None:
    """Set a new password (administrators, or the person themself); unlocks the account."""
    if actor.email != email.strip().lower():
        require_admin(actor, "changer le mot de passe d'un autre compte")
    if len(password) < 10:
        raise ValidationError([("password", "le mot de passe doit compter au moins 10 caractères")])
    user = _get(session, email)
    user.password_hash = hash_password(password)
    user.failed_attempts = 0
    user.locked_until = None
    session.add(user)
    record_change(session, actor, Entity.USER, Operation.UPDATE, record_id=user.id, touches_data=False,
                  label=user.email, after={"password": "modifié"})


def _ids(session: Session, model, names: list[str], what: str) -> list[int]:
    by_name = {fold(r.name): r.id for r in session.exec(select(model))}
    missing = [name for name in names if fold(name) not in by_name]
    if missing:
        raise ValidationError([(what, f"« {name} » n'est pas {'une instance' if what == 'instance' else 'un réseau'} connu(e)") for name in missing])
    return [by_name[fold(name)] for name in names]


def _describe(session: Session, user: User) -> dict:
    councils = session.exec(select(Council.name).join(UserCouncil, UserCouncil.council_id == Council.id)
                            .where(UserCouncil.user_id == user.id)).all()
    networks = session.exec(select(Network.name).join(UserNetwork, UserNetwork.network_id == Network.id)
                            .where(UserNetwork.user_id == user.id)).all()
    return {"role": user.role, "active": user.active, "display_name": user.display_name,
            "councils": sorted(councils), "networks": sorted(networks)}


def scope_choices(session: Session) -> tuple[list[str], list[str]]:
    """The names of every council and network, for the account forms."""
    councils = list(session.exec(select(Council.name).order_by(Council.name)))
    networks = list(session.exec(select(Network.name).order_by(Network.name)))
    return councils, networks


def my_account(session: Session, actor: Actor) -> UserRow | None:
    """The signed-in person's own account (None for the command line's administrator)."""
    user = session.exec(select(User).where(User.email == actor.email)).first()
    return _rows(session, [user])[0] if user is not None else None
