"""Likely duplicate partners, and merging two partners into one in a single transaction.

Two active partners are likely duplicates when they share a SIRET, or have the same seat commune and the
same name once case, accents, punctuation and filler words (« mairie de », « ville de », articles…) are
removed: « Mairie de Mérignac » and « Ville de Mérignac », « Centre social - Saige » and « centre social Saige ».
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from sqlmodel import Session, select

from maillage.accounts.access import Actor
from maillage.core.db import chunks
from maillage.core.errors import NotFoundError, ValidationError
from maillage.core.text import fold
from maillage.core.versions import check_version, mark_updated
from maillage.core.writes import Entity, Operation, record_change, snapshot
from maillage.geography.footprints import territory_names
from maillage.partners.access import require_write_partner
from maillage.partners.partnership import partner_councils
from models import (
    ActionPartner,
    CooperationLink,
    NetworkPartner,
    Partner,
    PartnerTerritory,
)

# Removed wherever they stand (after folding), longest first.
FILLER_PHRASES = ("hotel de ville de", "hotel de ville d", "mairie de", "mairie d", "ville de", "ville d",
                  "commune de", "commune d", "association")
FILLER_WORDS = {"de", "d", "du", "des", "la", "le", "les", "l", "et", "a", "au", "aux"}
CONTACT_FIELDS = ("contact_name", "contact_role", "contact_email", "contact_phone")


def name_key(name: str) -> str:
    """The comparison form of a partner name: folded, filler phrases and words removed."""
    text = f" {fold(name)} "
    for phrase in FILLER_PHRASES:
        text = text.replace(f" {phrase} ", " ")
    words = [w for w in text.split() if w not in FILLER_WORDS]
    return " ".join(words) or fold(name)


@dataclass(frozen=True)
class DuplicatePair:
    """Two partners that look like one (a < b by id), and why."""

    a_id: int
    a_name: str
    b_id: int
    b_name: str
    commune: str
    reason: str


@dataclass(frozen=True)
class _Light:
    """The columns duplicate detection reads."""

    id: int
    name: str
    seat_commune_key: str
    siret: str | None


def find_duplicates(session: Session, partner_ids: set[int] | None = None) -> list[DuplicatePair]:
    """Pairs of active partners that are likely duplicates (optionally: involving one of `partner_ids`)."""
    columns = select(Partner.id, Partner.name, Partner.seat_commune_key, Partner.siret) \
        .where(Partner.archived_at.is_(None))
    if partner_ids is None:
        partners = [_Light(*row) for row in session.exec(columns.order_by(Partner.id))]
    else:
        # A pair involving one of them shares its seat or its SIRET: only those partners are read.
        scoped = [_Light(*row) for chunk in chunks(sorted(partner_ids))
                  for row in session.exec(columns.where(Partner.id.in_(chunk)))]
        found_by_id = {p.id: p for p in scoped}
        for column, values in ((Partner.seat_commune_key, {p.seat_commune_key for p in scoped}),
                               (Partner.siret, {p.siret for p in scoped if p.siret})):
            for chunk in chunks(sorted(values)):
                found_by_id.update((row[0], _Light(*row)) for row in session.exec(columns.where(column.in_(chunk))))
        partners = sorted(found_by_id.values(), key=lambda p: p.id)
    seats = sorted({p.seat_commune_key for p in partners})
    communes = territory_names(session, seats)
    groups: dict[tuple[str, str], list[_Light]] = {}
    by_siret: dict[str, list[_Light]] = {}
    for partner in partners:
        groups.setdefault((partner.seat_commune_key, name_key(partner.name)), []).append(partner)
        if partner.siret:
            by_siret.setdefault(partner.siret, []).append(partner)
    found: dict[tuple[int, int], DuplicatePair] = {}
    for members in groups.values():
        for a, b in combinations(members, 2):
            found[(a.id, b.id)] = DuplicatePair(a.id, a.name, b.id, b.name, communes.get(a.seat_commune_key, ""),
                                                "même nom dans la même commune")
    for siret, members in by_siret.items():
        for a, b in combinations(members, 2):
            reason = f"même SIRET ({siret})"
            if (a.id, b.id) in found:
                reason = f"même nom dans la même commune et même SIRET ({siret})"
            found[(a.id, b.id)] = DuplicatePair(a.id, a.name, b.id, b.name, communes.get(a.seat_commune_key, ""), reason)
    pairs = [p for p in found.values() if partner_ids is None or p.a_id in partner_ids or p.b_id in partner_ids]
    return sorted(pairs, key=lambda p: (fold(p.a_name), fold(p.b_name), p.a_id, p.b_id))


@dataclass
class MergeReport:
    """What a merge moved."""

    kept_id: int
    kept_name: str
    removed_name: str
    links_moved: int = 0
    links_merged: int = 0
    links_dropped: int = 0
    roles_moved: int = 0
    roles_dropped: int = 0
    networks_added: int = 0
    territories_added: int = 0
    fields_filled: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """French summary lines."""
        return [
            f"« {self.removed_name} » a été fusionné dans « {self.kept_name} ».",
            f"Liens : {self.links_moved} déplacé(s), {self.links_merged} réuni(s) avec un lien existant, "
            f"{self.links_dropped} supprimé(s) (ils joignaient les deux fiches).",
            f"Rôles dans les actions : {self.roles_moved} déplacé(s), {self.roles_dropped} en double retiré(s).",
            f"Réseaux ajoutés : {self.networks_added} ; territoires d'intervention ajoutés : {self.territories_added}.",
        ]


def _merge_into(existing: CooperationLink, moved: CooperationLink) -> None:
    """Keep the stronger level, the earliest known start, the latest end (open if either is open)."""
    existing.level = max(existing.level, moved.level)
    starts = [d for d in (existing.start_date, moved.start_date) if d is not None]
    existing.start_date = min(starts) if starts else None
    existing.end_date = None if existing.end_date is None or moved.end_date is None else max(existing.end_date, moved.end_date)
    if moved.note and moved.note not in existing.note:
        existing.note = f"{existing.note} / {moved.note}".strip(" /")
    mark_updated(existing)


def merge_partners(session: Session, actor: Actor, keep_id: int, remove_id: int, keep_version: int | None,
                   remove_version: int | None) -> MergeReport:
    """Merge partner `remove_id` into `keep_id`: links, action roles, networks and territories move, empty
    fields are filled, then the removed record is deleted. All in the caller's transaction."""
    if keep_id == remove_id:
        raise ValidationError("choisissez deux partenaires différents")
    keep, remove = session.get(Partner, keep_id), session.get(Partner, remove_id)
    if keep is None or remove is None:
        raise NotFoundError("l'un des deux partenaires n'existe plus (déjà fusionné ?)")
    for partner in (keep, remove):
        if partner.archived_at is not None:
            raise ValidationError(f"« {partner.name} » est archivé : restaurez-le avant de le fusionner")
        require_write_partner(session, actor, partner, "fusionner ce partenaire")
    check_version(session, keep, keep_version, Entity.PARTNER, keep.name)
    check_version(session, remove, remove_version, Entity.PARTNER, remove.name)
    report = MergeReport(keep.id, keep.name, remove.name)
    councils = partner_councils(session, keep.id) | partner_councils(session, remove.id)
    before = {"conservé": snapshot(keep), "fusionné": snapshot(remove)}

    links = session.exec(select(CooperationLink).where(
        (CooperationLink.partner_a_id == remove.id) | (CooperationLink.partner_b_id == remove.id)
    ).order_by(CooperationLink.id)).all()
    moved_ids = []
    for link in links:
        other = link.partner_b_id if link.partner_a_id == remove.id else link.partner_a_id
        if other == keep.id:
            session.delete(link)
            report.links_dropped += 1
            continue
        a, b = sorted((keep.id, other))
        existing = session.exec(select(CooperationLink).where(
            CooperationLink.council_id == link.council_id, CooperationLink.partner_a_id == a,
            CooperationLink.partner_b_id == b, CooperationLink.kind == link.kind)).first()
        if existing is not None:
            _merge_into(existing, link)
            session.add(existing)
            session.delete(link)
            report.links_merged += 1
        else:
            link.partner_a_id, link.partner_b_id = a, b
            mark_updated(link)
            session.add(link)
            moved_ids.append(link.id)
            report.links_moved += 1
        session.flush()

    kept_roles = set(session.exec(select(ActionPartner.action_id, ActionPartner.role)
                                  .where(ActionPartner.partner_id == keep.id)).all())
    for role in session.exec(select(ActionPartner).where(ActionPartner.partner_id == remove.id)).all():
        if (role.action_id, role.role) in kept_roles:
            session.delete(role)
            report.roles_dropped += 1
        else:
            role.partner_id = keep.id
            session.add(role)
            report.roles_moved += 1
    kept_networks = set(session.exec(select(NetworkPartner.network_id).where(NetworkPartner.partner_id == keep.id)).all())
    for membership in session.exec(select(NetworkPartner).where(NetworkPartner.partner_id == remove.id)).all():
        if membership.network_id not in kept_networks:
            session.add(NetworkPartner(network_id=membership.network_id, partner_id=keep.id))
            report.networks_added += 1
        session.delete(membership)
    kept_places = set(session.exec(select(PartnerTerritory.territory_key).where(PartnerTerritory.partner_id == keep.id)).all())
    for place in session.exec(select(PartnerTerritory).where(PartnerTerritory.partner_id == remove.id)).all():
        if place.territory_key not in kept_places:
            session.add(PartnerTerritory(partner_id=keep.id, territory_key=place.territory_key))
            report.territories_added += 1
        session.delete(place)

    filled = []
    for name in ("siret", "website", *CONTACT_FIELDS):
        if not getattr(keep, name) and getattr(remove, name):
            setattr(keep, name, getattr(remove, name))
            filled.append(name)
    if remove.verified_on and (keep.verified_on is None or remove.verified_on > keep.verified_on):
        keep.verified_on = remove.verified_on
        filled.append("verified_on")
    if remove.notes and remove.notes not in keep.notes:
        keep.notes = f"{keep.notes}\n[Fusion de « {remove.name} »] {remove.notes}".strip()
        filled.append("notes")
    report.fields_filled = tuple(filled)
    session.flush()
    session.delete(remove)
    session.flush()
    mark_updated(keep)
    session.add(keep)
    session.flush()
    record_change(session, actor, Entity.PARTNER, Operation.MERGE, record_id=keep.id, touches_data=False,
                  label=f"{keep.name} ← {report.removed_name}",
                  before=before, after={"conservé": snapshot(keep), "liens_deplaces": moved_ids,
                                        "bilan": report.lines()})
    record_change(session, actor, Entity.PARTNER, Operation.MERGE, record_id=remove_id, councils=councils,
                  label=f"{report.removed_name} → {keep.name}", before=before["fusionné"],
                  after={"fusionné_dans": keep.id})
    return report
