"""Who sees which actions: a council's own people see all of them, network peers only the shared ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session

from maillage.accounts.access import Actor, can_read_council, peer_council_ids
from maillage.core.errors import NotFoundError, PermissionDenied
from models import Action


@dataclass(frozen=True)
class Visibility:
    """The councils whose actions an actor reads in full, and those whose shared actions they read."""

    everything: bool
    full: frozenset[int]
    shared_only: frozenset[int]

    def allows(self, council_id: int, shared: bool) -> bool:
        """Whether an action of `council_id` (shared or not) is visible."""
        return self.everything or council_id in self.full or (shared and council_id in self.shared_only)

    def condition(self) -> Any:
        """The same rule as a SQL condition on `Action` (None: no restriction)."""
        if self.everything:
            return None
        parts = []
        if self.full:
            parts.append(Action.council_id.in_(sorted(self.full)))
        if self.shared_only:
            parts.append(and_(Action.council_id.in_(sorted(self.shared_only)), Action.shared.is_(True)))
        return or_(*parts) if parts else Action.id.is_(None)

    def council_ids(self) -> frozenset[int] | None:
        """Councils with at least something visible (None: all)."""
        return None if self.everything else self.full | self.shared_only


def visibility(session: Session, actor: Actor) -> Visibility:
    """What `actor` may read: their own councils in full; councils sharing a network, shared actions only."""
    if actor.is_admin:
        return Visibility(True, frozenset(), frozenset())
    full = frozenset(c for c in actor.council_ids if can_read_council(actor, c))
    return Visibility(False, full, frozenset(peer_council_ids(session, actor)) - full)


def visible_action(session: Session, actor: Actor, action_id: int, *, archived: bool = False) -> Action:
    """The action if `actor` may read it; NotFoundError or PermissionDenied otherwise."""
    action = session.get(Action, action_id)
    if action is None or (action.archived_at is not None and not archived):
        raise NotFoundError(f"l'action n° {action_id} n'existe pas (ou a été archivée)")
    if not visibility(session, actor).allows(action.council_id, action.shared):
        raise PermissionDenied("cette action n'est pas partagée avec vous : impossible de la consulter")
    return action
