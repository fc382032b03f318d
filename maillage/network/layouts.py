"""Stable positions per scope: the layout of a scope's graph is stored, and new partners are placed around it.

A stored position is a view cache, not user data: reading a graph may store the positions of partners drawn for
the first time (no audit entry, no data-version bump). Starting the layout afresh (« recalculer la disposition »)
is for the people who keep the scope's data: administrators and the coordinators of its councils.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from maillage.accounts.access import Actor, can_write_council
from maillage.core.errors import PermissionDenied
from maillage.network.data import NetworkSource, Scope, require_scope_read
from maillage.network.view import CLUSTER_BY, STABLE_LAYOUT_MAX, scope_layout
from models import NetworkLayout


def layout_key(scope: Scope, cluster_by: str = "") -> str:
    """The key a scope's drawing is stored under (`council:12`, `network:3|council`)."""
    if cluster_by and cluster_by not in CLUSTER_BY:
        raise ValueError(f"regroupement inconnu : {cluster_by}")
    return f"{scope.kind}:{scope.value}" + (f"|{cluster_by}" if cluster_by else "")


def stored_positions(session: Session, key: str) -> dict[int, tuple[float, float]]:
    """partner id → stored (x, y) for a drawing key."""
    rows = session.exec(select(NetworkLayout.partner_id, NetworkLayout.x, NetworkLayout.y)
                        .where(NetworkLayout.scope_key == key))
    return {partner_id: (x, y) for partner_id, x, y in rows}


def stable_positions(session: Session, source: NetworkSource, cluster_by: str = "") -> dict[int, tuple[float, float]]:
    """Positions of every partner of the scope: the stored ones are kept, partners new to the scope are placed in
    free room near their neighbours and stored; a first view computes and stores the whole layout."""
    if len(source.nodes) > STABLE_LAYOUT_MAX:
        return {}  # too many to draw one by one: each view lays out what it draws
    key = layout_key(source.scope, cluster_by)
    stored = stored_positions(session, key)
    previous = {i: p for i, p in stored.items() if i in source.nodes}
    if len(previous) == len(source.nodes):
        return previous
    positions = scope_layout(source, cluster_by, previous=previous or None)
    fresh = [NetworkLayout(scope_key=key, partner_id=i, x=x, y=y) for i, (x, y) in positions.items() if i not in previous]
    try:
        session.add_all(fresh)
        session.commit()
    except IntegrityError:  # another view stored them first: take theirs
        session.rollback()
        stored = stored_positions(session, key)
        return {**positions, **{i: p for i, p in stored.items() if i in source.nodes}}
    return positions


def can_reset_layout(session: Session, actor: Actor, scope: Scope) -> bool:
    """Whether the actor may start a scope's layout afresh: administrators; a council's coordinators; for a
    network or a territory, the coordinators of at least one council (who may read it)."""
    if actor.is_admin:
        return True
    if scope.kind == "council":
        return can_write_council(actor, int(scope.value))
    try:
        require_scope_read(session, actor, scope)
    except PermissionDenied:
        return False
    return any(can_write_council(actor, council_id) for council_id in actor.council_ids)


def reset_layout(session: Session, actor: Actor, scope: Scope, cluster_by: str = "") -> int:
    """Forget a scope's stored positions (the next view lays it out afresh); returns the positions forgotten."""
    if not can_reset_layout(session, actor, scope):
        raise PermissionDenied("seuls les administrateurs et les coordinateurs du périmètre peuvent recalculer sa disposition")
    key = layout_key(scope, cluster_by)
    result = session.execute(delete(NetworkLayout).where(NetworkLayout.scope_key == key))
    return int(result.rowcount or 0)
