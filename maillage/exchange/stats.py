"""Counts of what the database holds, for `python -m maillage stats`."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from models import Action, CooperationLink, Council, Network, Partner, Territory, User


def database_counts(session: Session) -> dict[str, int]:
    """name → count, in the order `stats` prints them (archived partners and actions excluded)."""
    def count(statement) -> int:
        return int(session.exec(statement).one())

    def territories(level: str) -> int:
        return count(select(func.count()).select_from(Territory).where(Territory.level == level))

    return {
        "regions": territories("reg"),
        "departements": territories("dep"),
        "epci": territories("epci"),
        "ept": territories("ept"),
        "communes": territories("com"),
        "councils": count(select(func.count()).select_from(Council)),
        "networks": count(select(func.count()).select_from(Network)),
        "partners": count(select(func.count()).select_from(Partner).where(Partner.archived_at.is_(None))),
        "links": count(select(func.count()).select_from(CooperationLink)),
        "actions": count(select(func.count()).select_from(Action).where(Action.archived_at.is_(None))),
        "users": count(select(func.count()).select_from(User)),
    }
