"""A council's partnership: partners whose territory meets the council's, or who link or act in it."""

from __future__ import annotations

from sqlmodel import Session, select

from maillage.territories import Footprint, footprint
from models import Action, ActionPartner, CooperationLink, CouncilTerritory, Partner, PartnerTerritory, Territory


def council_footprint(session: Session, council_id: int) -> Footprint:
    """The communes a council covers."""
    keys = session.exec(
        select(CouncilTerritory.territory_key).where(CouncilTerritory.council_id == council_id)
    ).all()
    return footprint(session, keys)


def partnership_ids(session: Session, council_id: int, area: Footprint | None = None) -> set[int]:
    """Ids of the council's (non-archived) partners, per DESIGN.md §3."""
    area = area or council_footprint(session, council_id)
    active = Partner.archived_at.is_(None)
    ids: set[int] = set()
    for partner_id, seat in session.exec(select(Partner.id, Partner.seat_commune_key).where(active)):
        if area.meets(seat):
            ids.add(partner_id)
    sub_communes = dict(
        session.exec(select(Territory.key, Territory.commune_code).where(Territory.level == "sub")).all()
    )
    for partner_id, key in session.exec(
        select(PartnerTerritory.partner_id, PartnerTerritory.territory_key)
        .join(Partner, Partner.id == PartnerTerritory.partner_id).where(active)
    ):
        if partner_id not in ids and area.meets(key, sub_communes.get(key)):
            ids.add(partner_id)
    for a, b in session.exec(
        select(CooperationLink.partner_a_id, CooperationLink.partner_b_id)
        .where(CooperationLink.council_id == council_id)
    ):
        ids.update((a, b))
    ids.update(session.exec(
        select(ActionPartner.partner_id).join(Action, Action.id == ActionPartner.action_id)
        .where(Action.council_id == council_id, Action.archived_at.is_(None))
    ).all())
    archived = set(session.exec(select(Partner.id).where(Partner.archived_at.is_not(None))).all())
    return ids - archived
