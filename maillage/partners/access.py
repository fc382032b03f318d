"""Who may change a partner: administrators, and coordinators of a council whose partnership includes it.

Partners belong to no single council: a partner is in a council's partnership when its seat or its
territories meet the council's, or it has a link or an action role there (docs/GLOSSARY.md, « partenariat »). Archived
partners are checked the same way, so a coordinator can restore what they archived.
"""

from __future__ import annotations

from sqlmodel import Session, select

from maillage.accounts.access import Actor
from maillage.core.errors import PermissionDenied
from maillage.partners.partnership import council_footprint
from models import Action, ActionPartner, CooperationLink, Partner, PartnerTerritory


def in_partnership(session: Session, partner: Partner, council_id: int,
                   territory_keys: list[str] | None = None) -> bool:
    """Whether `partner` (archived or not) belongs to the council's partnership."""
    area = council_footprint(session, council_id)
    if territory_keys is None:
        territory_keys = list(session.exec(
            select(PartnerTerritory.territory_key).where(PartnerTerritory.partner_id == partner.id)
        ).all()) if partner.id else []
    if area.meets(partner.seat_commune_key) or any(area.meets(key) for key in territory_keys):
        return True
    if partner.id is None:
        return False
    linked = session.exec(select(CooperationLink.id).where(
        CooperationLink.council_id == council_id,
        (CooperationLink.partner_a_id == partner.id) | (CooperationLink.partner_b_id == partner.id),
    )).first()
    if linked is not None:
        return True
    acting = session.exec(
        select(ActionPartner.id).join(Action, Action.id == ActionPartner.action_id)
        .where(Action.council_id == council_id, ActionPartner.partner_id == partner.id)
    ).first()
    return acting is not None


def reading_councils(session: Session, actor: Actor, partner: Partner) -> set[int]:
    """The actor's councils (as coordinator or elected official) whose partnership includes the partner."""
    if actor.role not in ("coordinateur", "elu"):
        return set()
    return {cid for cid in sorted(actor.council_ids) if in_partnership(session, partner, cid)}


def can_write_partner(session: Session, actor: Actor, partner: Partner, territory_keys: list[str] | None = None) -> bool:
    """Administrators always; coordinators when one of their councils' partnership includes the partner."""
    if actor.is_admin:
        return True
    if actor.role != "coordinateur":
        return False
    return any(in_partnership(session, partner, cid, territory_keys) for cid in sorted(actor.council_ids))


def can_see_contact(session: Session, actor: Actor, partner: Partner) -> bool:
    """A partner's professional contact: administrators, and coordinators or officials of its councils."""
    return actor.is_admin or bool(reading_councils(session, actor, partner))


def require_write_partner(session: Session, actor: Actor, partner: Partner, what: str = "modifier ce partenaire",
                          territory_keys: list[str] | None = None) -> None:
    """Refuse unless the actor may change this partner."""
    if can_write_partner(session, actor, partner, territory_keys):
        return
    if actor.role in ("reseau", "elu"):
        raise PermissionDenied(f"votre rôle permet de consulter, pas de {what}")
    raise PermissionDenied(
        f"« {partner.name} » n'est dans le partenariat d'aucune de vos instances : impossible de {what}"
    )
