"""A council's partnership: partners whose territory meets the council's, or who link or act in it."""

from __future__ import annotations

from sqlalchemy import true
from sqlmodel import Session, select

from maillage.core.rows import chunks, driver_rows, ids_in
from maillage.geography.footprints import Footprint, footprint
from maillage.geography.names import Context
from models import (
    Action,
    ActionPartner,
    CooperationLink,
    CouncilTerritory,
    Partner,
    PartnerTerritory,
    Territory,
)

TARGETED_COMMUNES = 2_000  # up to this many communes, partners are read by their seat's index


def council_footprint(session: Session, council_id: int | list[int]) -> Footprint:
    """The communes a council (or several councils together) covers."""
    ids = [council_id] if isinstance(council_id, int) else list(council_id)
    keys = session.exec(
        select(CouncilTerritory.territory_key).where(CouncilTerritory.council_id.in_(ids or [-1]))
    ).all()
    return footprint(session, keys)


def councils_context(session: Session, council_ids) -> Context | None:
    """Where a commune name typed for these councils is read (their communes, then their départements), or None."""
    ids = sorted(council_ids or ())
    if not ids:
        return None
    area = council_footprint(session, ids)
    return Context(frozenset(area.codes["com"]), frozenset(area.codes["dep"]))


def territorial_ids(session: Session, area: Footprint, include_archived: bool = False) -> set[int]:
    """Ids of the partners whose seat or a territory of intervention lies in `area` (the councils that
    own their cards, see maillage.partners.access); archived ones only with `include_archived`."""
    active = Partner.archived_at.is_(None) if not include_archived else true()
    ids: set[int] = set()
    if len(area.codes["com"]) <= TARGETED_COMMUNES:
        # A council's area: only the partners seated in its communes are read (by the seat's index), and
        # those whose seat is not a commune (none is written so; read in case, and checked as below).
        seats = [f"com:{code}" for code in sorted(area.codes["com"])]
        for chunk in chunks(seats):
            ids.update(row[0] for row in driver_rows(
                session, select(Partner.id).where(active, Partner.seat_commune_key.in_(chunk))))
        for partner_id, seat in driver_rows(session, select(Partner.id, Partner.seat_commune_key)
                                            .where(active, Partner.seat_commune_key.not_like("com:%"))):
            if area.meets(seat):
                ids.add(partner_id)
    else:
        # Plain driver rows: this runs over every partner of France for a network's or a national graph.
        for partner_id, seat in driver_rows(session, select(Partner.id, Partner.seat_commune_key).where(active)):
            if area.meets(seat):
                ids.add(partner_id)
    sub_communes = dict(
        driver_rows(session, select(Territory.key, Territory.commune_code).where(Territory.level == "sub"))
    )
    for partner_id, key in driver_rows(
        session, select(PartnerTerritory.partner_id, PartnerTerritory.territory_key)
        .join(Partner, Partner.id == PartnerTerritory.partner_id).where(active)
    ):
        if partner_id not in ids and area.meets(key, sub_communes.get(key)):
            ids.add(partner_id)
    return ids


def partnership_ids(session: Session, council_id: int | list[int], area: Footprint | None = None) -> set[int]:
    """Ids of the (non-archived) partners of a council's partnership, as docs/GLOSSARY.md defines it; given several
    councils, of the union of their partnerships (one pass over the partners, however many councils)."""
    council_ids = [council_id] if isinstance(council_id, int) else sorted(set(council_id))
    area = area or council_footprint(session, council_ids)
    ids = territorial_ids(session, area)
    for chunk in chunks(council_ids):
        for a, b in driver_rows(session, select(CooperationLink.partner_a_id, CooperationLink.partner_b_id)
                                .where(ids_in(CooperationLink.council_id, chunk))):
            ids.update((a, b))
        ids.update(row[0] for row in driver_rows(
            session, select(ActionPartner.partner_id).join(Action, Action.id == ActionPartner.action_id)
            .where(ids_in(Action.council_id, chunk), Action.archived_at.is_(None))
        ))
    archived = {row[0] for row in driver_rows(session, select(Partner.id).where(Partner.archived_at.is_not(None)))}
    return ids - archived


def partner_councils(session: Session, partner_id: int) -> set[int]:
    """Ids of the councils whose partnership includes a partner (archived or not): those whose territory
    meets its seat or territories, and those where it has a link or an action role."""
    partner = session.get(Partner, partner_id)
    if partner is None:
        return set()
    keys = [partner.seat_commune_key, *session.exec(
        select(PartnerTerritory.territory_key).where(PartnerTerritory.partner_id == partner_id)).all()]
    area = footprint(session, keys)
    candidates = [f"{level}:{code}" for level, codes in area.codes.items() for code in codes]
    councils: set[int] = set()
    for chunk in chunks(candidates):
        councils.update(session.exec(select(CouncilTerritory.council_id)
                                     .where(CouncilTerritory.territory_key.in_(chunk))).all())
    for chunk in chunks(area.codes["com"]):
        councils.update(session.exec(
            select(CouncilTerritory.council_id).join(Territory, Territory.key == CouncilTerritory.territory_key)
            .where(Territory.level == "sub", Territory.commune_code.in_(chunk))).all())
    councils.update(session.exec(select(CooperationLink.council_id).where(
        (CooperationLink.partner_a_id == partner_id) | (CooperationLink.partner_b_id == partner_id))).all())
    councils.update(session.exec(
        select(Action.council_id).join(ActionPartner, ActionPartner.action_id == Action.id)
        .where(ActionPartner.partner_id == partner_id)).all())
    return councils
