"""Who may read and write what: the four roles (docs/GLOSSARY.md), checked in the domain functions themselves.

Every domain function that writes, or reads protected data (unshared actions, partner contacts),
takes an `Actor` and calls one of the `require_*` checks below; a refusal raises PermissionDenied.
The command line acts as `SYSTEM` (administrator) unless `--as EMAIL` is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from maillage.core.errors import NotFoundError, PermissionDenied
from models import NetworkCouncil, User, UserCouncil, UserNetwork

ROLES = ("admin", "coordinateur", "reseau", "elu")


@dataclass(frozen=True)
class Actor:
    """The person (or the command line) doing something, with their role and scope."""

    email: str
    role: str
    council_ids: frozenset[int] = field(default_factory=frozenset)
    network_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_write_anything(self) -> bool:
        """Whether this role writes at all (administrators and coordinators)."""
        return self.role in ("admin", "coordinateur")


SYSTEM = Actor(email="ligne de commande", role="admin")


def actor_for_user(session: Session, user: User) -> Actor:
    """The actor of a signed-in account, with its councils and networks."""
    councils = session.exec(select(UserCouncil.council_id).where(UserCouncil.user_id == user.id)).all()
    networks = session.exec(select(UserNetwork.network_id).where(UserNetwork.user_id == user.id)).all()
    return Actor(email=user.email, role=user.role, council_ids=frozenset(councils), network_ids=frozenset(networks))


def actor_for_email(session: Session, email: str) -> Actor:
    """The actor of an active account given by e-mail (`--as EMAIL` on the command line)."""
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise NotFoundError(f"aucun compte pour « {email} »")
    if not user.active:
        raise PermissionDenied(f"le compte « {email} » est désactivé")
    return actor_for_user(session, user)


def network_council_ids(session: Session, network_ids: frozenset[int] | set[int]) -> set[int]:
    """The councils that are members of the given networks."""
    if not network_ids:
        return set()
    return set(session.exec(
        select(NetworkCouncil.council_id).where(NetworkCouncil.network_id.in_(list(network_ids)))
    ).all())


def peer_council_ids(session: Session, actor: Actor) -> set[int]:
    """Councils whose shared actions the actor may read: those sharing a network with the actor's."""
    if actor.role == "reseau":
        return network_council_ids(session, actor.network_ids)
    if not actor.council_ids:
        return set()
    networks = set(session.exec(
        select(NetworkCouncil.network_id).where(NetworkCouncil.council_id.in_(list(actor.council_ids)))
    ).all())
    return network_council_ids(session, networks) | set(actor.council_ids)


def can_write_council(actor: Actor, council_id: int | None) -> bool:
    """Administrators everywhere; coordinators on their own councils."""
    if actor.is_admin:
        return True
    return actor.role == "coordinateur" and council_id in actor.council_ids


def can_read_council(actor: Actor, council_id: int | None) -> bool:
    """Full read (unshared actions, contacts): administrators, and the council's coordinators and officials."""
    if actor.is_admin:
        return True
    return actor.role in ("coordinateur", "elu") and council_id in actor.council_ids


def require_admin(actor: Actor, what: str = "faire cette opération") -> None:
    """Refuse unless the actor is an administrator."""
    if not actor.is_admin:
        raise PermissionDenied(f"seul un administrateur peut {what}")


def require_write_council(actor: Actor, council_id: int | None, what: str = "modifier les données de cette instance") -> None:
    """Refuse unless the actor may write this council's data."""
    if not can_write_council(actor, council_id):
        if actor.role in ("reseau", "elu"):
            raise PermissionDenied(f"votre rôle ({_role_label(actor.role)}) permet de consulter, pas de {what}")
        raise PermissionDenied(f"vous n'êtes pas coordinateur de cette instance : impossible de {what}")


def require_read_council(actor: Actor, council_id: int | None, what: str = "consulter les données de cette instance") -> None:
    """Refuse unless the actor may read this council's unshared data."""
    if not can_read_council(actor, council_id):
        raise PermissionDenied(f"vous n'avez pas accès à cette instance : impossible de {what}")


def _role_label(role: str) -> str:
    return {"admin": "administrateur", "coordinateur": "coordinateur", "reseau": "membre de réseau", "elu": "élu"}.get(role, role)


def workspace_council_ids(session: Session, actor: Actor) -> set[int] | None:
    """The councils offered in the actor's council picker (None: every council)."""
    if actor.is_admin:
        return None
    if actor.role == "reseau":
        return network_council_ids(session, actor.network_ids)
    return set(actor.council_ids)
