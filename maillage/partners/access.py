"""Who owns a partner's card: administrators, and the coordinators of the councils of its territory.

Partners belong to no single council. A council's *partnership* (DESIGN.md §3) also holds partners it merely
links to or acts with, but that grants nothing: editing, archiving, merging and reading the contact of a
partner belong to administrators and to the coordinators of the councils whose territory holds its seat or
one of its territories of intervention (which is how the form and the import let a coordinator create it).
Elected officials of those councils read the contact too. `owns_partner` and `owned_partner_ids` are the one
rule; the form, the import, the merge and the export all call them (issue 20).
"""

from __future__ import annotations

from sqlmodel import Session, select

from maillage.accounts.access import Actor
from maillage.core.errors import PermissionDenied
from maillage.partners.partnership import council_footprint, territorial_ids
from models import (
    Action,
    ActionPartner,
    CooperationLink,
    Partner,
    PartnerTerritory,
    Territory,
)


def _territory_keys(session: Session, partner: Partner, territory_keys: list[str] | None) -> list[str]:
    """The partner's territories of intervention (given, or read)."""
    if territory_keys is not None:
        return list(territory_keys)
    if partner.id is None:
        return []
    return list(session.exec(
        select(PartnerTerritory.territory_key).where(PartnerTerritory.partner_id == partner.id)).all())


def in_territory(session: Session, partner: Partner, council_id: int,
                 territory_keys: list[str] | None = None) -> bool:
    """Whether the partner's seat or one of its territories of intervention lies in the council's territory."""
    area = council_footprint(session, council_id)
    keys = _territory_keys(session, partner, territory_keys)
    subs = [key for key in keys if key.startswith("sub:")]
    sub_communes = dict(session.exec(select(Territory.key, Territory.commune_code)
                                     .where(Territory.key.in_(subs))).all()) if subs else {}
    return area.meets(partner.seat_commune_key) or any(area.meets(key, sub_communes.get(key)) for key in keys)


def in_partnership(session: Session, partner: Partner, council_id: int,
                   territory_keys: list[str] | None = None) -> bool:
    """Whether `partner` (archived or not) belongs to the council's partnership (territory, links, actions)."""
    if in_territory(session, partner, council_id, territory_keys):
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


def owner_councils(session: Session, actor: Actor, partner: Partner,
                   territory_keys: list[str] | None = None) -> set[int]:
    """The actor's councils (as coordinator or elected official) whose territory holds the partner."""
    if actor.role not in ("coordinateur", "elu"):
        return set()
    return {cid for cid in sorted(actor.council_ids) if in_territory(session, partner, cid, territory_keys)}


def owns_partner(session: Session, actor: Actor, partner: Partner, territory_keys: list[str] | None = None) -> bool:
    """The rule: administrators always; coordinators when one of their councils' territory holds the partner.

    A link or an action naming the partner in the coordinator's council grants nothing."""
    if actor.is_admin:
        return True
    if actor.role != "coordinateur":
        return False
    return bool(owner_councils(session, actor, partner, territory_keys))


def owned_partner_ids(session: Session, actor: Actor) -> set[int] | None:
    """Every partner (archived ones included) the actor owns per `owns_partner`; None: all (administrators)."""
    if actor.is_admin:
        return None
    if actor.role != "coordinateur" or not actor.council_ids:
        return set()
    return territorial_ids(session, council_footprint(session, sorted(actor.council_ids)), include_archived=True)


def contact_readable_ids(session: Session, actor: Actor) -> set[int] | None:
    """Partners whose contact the actor reads (owners and the officials of owning councils); None: all."""
    if actor.is_admin:
        return None
    if actor.role not in ("coordinateur", "elu") or not actor.council_ids:
        return set()
    return territorial_ids(session, council_footprint(session, sorted(actor.council_ids)), include_archived=True)


def can_see_contact(session: Session, actor: Actor, partner: Partner) -> bool:
    """A partner's professional contact: administrators, and coordinators or officials of owning councils."""
    return actor.is_admin or bool(owner_councils(session, actor, partner))


def require_write_partner(session: Session, actor: Actor, partner: Partner, what: str = "modifier ce partenaire",
                          territory_keys: list[str] | None = None) -> None:
    """Refuse unless the actor owns this partner's card."""
    if owns_partner(session, actor, partner, territory_keys):
        return
    if actor.role in ("reseau", "elu"):
        raise PermissionDenied(f"votre rôle permet de consulter, pas de {what}")
    raise PermissionDenied(
        f"« {partner.name} » n'a ni son siège ni un territoire d'intervention sur le territoire de vos instances "
        f"(un lien ou une action ne suffit pas) : impossible de {what}"
    )


def may_open_partner(session: Session, actor: Actor, partner_id: int | None) -> bool:
    """Whether a link to a partner's card may open it for this actor: administrators (if it exists), and
    coordinators or officials of a council whose partnership includes it. A card of another council's
    partnership, or a partner that does not exist, answer the same (nothing is said about it)."""
    partner = session.get(Partner, partner_id) if partner_id is not None else None
    if partner is None:
        return False
    if actor.is_admin:
        return True
    if actor.role not in ("coordinateur", "elu"):
        return False
    return any(in_partnership(session, partner, cid) for cid in sorted(actor.council_ids))
