"""The partners register: search, filter, sort and count; create, edit, archive and restore; a partner's detail.

Every write takes an Actor (checked in maillage.partners.access), the version the form was opened on
(maillage.core.versions), writes an audit entry and bumps the data version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, desc, select

from maillage.accounts.access import Actor, can_write_council
from maillage.core.db import chunks
from maillage.core.errors import NotFoundError, PermissionDenied, ValidationError
from maillage.core.text import fold
from maillage.core.writes import (
    OPERATION_LABELS,
    Entity,
    Operation,
    recorded_write,
    snapshot,
)
from maillage.geography.footprints import Footprint, footprint, territory_labels, territory_names
from maillage.partners.access import (
    can_see_contact,
    in_partnership,
    owns_partner,
    require_write_partner,
)
from maillage.partners.input import CleanPartner, PartnerInput, clean_partner
from maillage.partners.partnership import (
    council_footprint,
    councils_context,
    partner_councils,
    partnership_ids,
)
from maillage.vocabularies.store import Vocabularies
from models import (
    AuditEntry,
    CooperationLink,
    Council,
    Network,
    NetworkPartner,
    Partner,
    PartnerTerritory,
)
from models.common import utc_now

STALE_AFTER_DAYS = 365
SORTS = {"name": "Nom", "typology": "Typologie", "commune": "Commune du siège", "verified_on": "Vérifié le",
         "updated_at": "Modifié le"}
FRESHNESS = {"all": "Toutes les fiches", "fresh": "Vérifiées depuis moins d'un an", "stale": "À vérifier (plus d'un an ou jamais)"}
ARCHIVED = {"active": "En activité", "archived": "Archivés", "all": "Tous"}


@dataclass(frozen=True)
class PartnerFilters:
    """Register filters; empty values filter nothing."""

    query: str = ""
    typologies: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    commune: str | None = None
    territory: str | None = None
    network_id: int | None = None
    freshness: str = "all"
    archived: str = "active"
    council_id: int | None = None  # only this council's partnership


@dataclass(frozen=True)
class PartnerRow:
    """One line of the register (with what the filters need)."""

    id: int
    name: str
    typology: str
    typology_label: str
    group: str
    group_label: str
    commune_key: str
    commune_name: str
    verified_on: dt.date | None
    stale: bool
    archived: bool
    networks: tuple[str, ...]
    updated_at: dt.datetime
    version: int
    siret: str = ""
    territory_keys: tuple[str, ...] = ()
    network_ids: tuple[int, ...] = ()
    search_text: str = ""  # folded name and seat commune


@dataclass
class PartnerList:
    """The filtered, sorted register and how many partners the unfiltered scope holds."""

    rows: list[PartnerRow]
    scope_total: int

    @property
    def count(self) -> int:
        """How many partners pass the filters."""
        return len(self.rows)


def is_stale(verified_on: dt.date | None, today: dt.date) -> bool:
    """A record never checked, or checked more than a year ago."""
    return verified_on is None or verified_on < today - dt.timedelta(days=STALE_AFTER_DAYS)


def _archived_members(session: Session, council_id: int) -> set[int]:
    """Archived partners that the council's partnership would include."""
    archived = session.exec(select(Partner).where(Partner.archived_at.is_not(None))).all()
    return {p.id for p in archived if in_partnership(session, p, council_id)}


def register_rows(session: Session, council_id: int | None = None, archived: str = "active",
                  today: dt.date | None = None) -> list[PartnerRow]:
    """Every partner of the scope (a council's partnership, or all), active, archived or both: the heavy read,
    done once per data version; `filter_rows` then answers each search without the database."""
    today = today or dt.date.today()
    vocab = Vocabularies.load(session)
    statement = select(Partner.id, Partner.name, Partner.typology, Partner.seat_commune_key, Partner.siret,
                       Partner.verified_on, Partner.archived_at, Partner.updated_at, Partner.version)
    if archived == "active":
        statement = statement.where(Partner.archived_at.is_(None))
    elif archived == "archived":
        statement = statement.where(Partner.archived_at.is_not(None))
    if council_id is None:
        partners = list(session.exec(statement))
    else:
        members = partnership_ids(session, council_id)
        if archived != "active":
            members |= _archived_members(session, council_id)
        # Only the council's partners are read, not every partner of France.
        partners = sorted((row for chunk in chunks(sorted(members))
                           for row in session.exec(statement.where(Partner.id.in_(chunk)))), key=lambda p: p[0])

    territories: dict[int, list[str]] = {}
    for partner_id, key in session.exec(select(PartnerTerritory.partner_id, PartnerTerritory.territory_key)):
        territories.setdefault(partner_id, []).append(key)
    network_names = dict(session.exec(select(Network.id, Network.name)).all())
    memberships: dict[int, list[int]] = {}
    for network_id, partner_id in session.exec(select(NetworkPartner.network_id, NetworkPartner.partner_id)):
        memberships.setdefault(partner_id, []).append(network_id)
    seat_keys = sorted({p[3] for p in partners})
    communes = territory_names(session, seat_keys)
    rows = []
    for partner_id, name, typology, seat, siret, verified_on, archived_at, updated_at, version in partners:
        group = vocab.group_of(typology)
        commune = communes.get(seat, seat)
        networks = sorted(memberships.get(partner_id, ()))
        rows.append(PartnerRow(
            id=partner_id, name=name, typology=typology, typology_label=vocab.label("typology", typology),
            group=group, group_label=vocab.label("typology_group", group), commune_key=seat, commune_name=commune,
            verified_on=verified_on, stale=is_stale(verified_on, today), archived=archived_at is not None,
            networks=tuple(sorted(network_names.get(n, "") for n in networks)), updated_at=updated_at,
            version=version, siret=siret or "", territory_keys=tuple(sorted(territories.get(partner_id, ()))),
            network_ids=tuple(networks), search_text=f"{fold(name)} | {fold(commune)}",
        ))
    return rows


SORT_KEYS = {
    "name": lambda r: (fold(r.name), r.id),
    "typology": lambda r: (fold(r.typology_label), fold(r.name), r.id),
    "commune": lambda r: (fold(r.commune_name), fold(r.name), r.id),
    "verified_on": lambda r: (r.verified_on or dt.date.min, fold(r.name), r.id),
    "updated_at": lambda r: (r.updated_at.replace(tzinfo=None) if r.updated_at else dt.datetime.min, fold(r.name), r.id),
}


def filter_rows(rows: list[PartnerRow], filters: PartnerFilters, sort: str = "name", descending: bool = False,
                area: Footprint | None = None) -> PartnerList:
    """The rows matching every filter (the territory one through `area`, its footprint), sorted."""
    query = fold(filters.query)
    digits = filters.query.replace(" ", "")
    kept = []
    for r in rows:
        if filters.archived == "active" and r.archived or filters.archived == "archived" and not r.archived:
            continue
        if query and query not in r.search_text and not (digits and digits == r.siret):
            continue
        if filters.typologies and r.typology not in filters.typologies:
            continue
        if filters.groups and r.group not in filters.groups:
            continue
        if filters.commune and r.commune_key != filters.commune:
            continue
        if area is not None and not (area.meets(r.commune_key) or any(area.meets(k) for k in r.territory_keys)):
            continue
        if filters.network_id is not None and filters.network_id not in r.network_ids:
            continue
        if (filters.freshness == "stale" and not r.stale) or (filters.freshness == "fresh" and r.stale):
            continue
        kept.append(r)
    kept.sort(key=SORT_KEYS.get(sort, SORT_KEYS["name"]), reverse=descending)
    return PartnerList(rows=kept, scope_total=sum(
        1 for r in rows if filters.archived == "all" or r.archived == (filters.archived == "archived")))


def list_partners(session: Session, filters: PartnerFilters = PartnerFilters(), sort: str = "name",
                  descending: bool = False, today: dt.date | None = None) -> PartnerList:
    """The register: partners matching every filter, sorted (names compared without case or accents)."""
    rows = register_rows(session, filters.council_id, filters.archived, today)
    area = footprint(session, [filters.territory]) if filters.territory else None
    return filter_rows(rows, filters, sort, descending, area)


def _write_sets(session: Session, partner_id: int, territory_keys: list[str], network_ids: list[int]) -> None:
    """Replace a partner's territories and network memberships."""
    for row in session.exec(select(PartnerTerritory).where(PartnerTerritory.partner_id == partner_id)).all():
        session.delete(row)
    for row in session.exec(select(NetworkPartner).where(NetworkPartner.partner_id == partner_id)).all():
        session.delete(row)
    session.flush()
    for key in territory_keys:
        session.add(PartnerTerritory(partner_id=partner_id, territory_key=key))
    for network_id in network_ids:
        session.add(NetworkPartner(network_id=network_id, partner_id=partner_id))


def _state(session: Session, partner: Partner) -> dict:
    """A partner's values with its territories and networks, for the audit log."""
    values = snapshot(partner)
    values["territories"] = sorted(session.exec(
        select(PartnerTerritory.territory_key).where(PartnerTerritory.partner_id == partner.id)).all())
    values["networks"] = sorted(session.exec(
        select(NetworkPartner.network_id).where(NetworkPartner.partner_id == partner.id)).all())
    return values


def create_partner(session: Session, actor: Actor, data: PartnerInput, today: dt.date | None = None,
                   councils: Iterable[int] | None = None) -> Partner:
    """Add a partner after checking every field; a coordinator may add partners on their councils' territories.
    An ambiguous commune name is read inside `councils` (the council being worked on; default: the actor's).
    A card entered without a verification date counts as verified `today`."""
    if not actor.can_write_anything:
        raise PermissionDenied("votre rôle permet de consulter, pas d'ajouter un partenaire")
    today = today or dt.date.today()
    clean = clean_partner(session, data, Vocabularies.load(session), today,
                          context=councils_context(session, actor.council_ids if councils is None else councils))
    clean.fields["verified_on"] = clean.fields["verified_on"] or today  # entered today: checked today
    partner = Partner(**clean.fields)
    if not actor.is_admin and not owns_partner(session, actor, partner, clean.territory_keys):
        raise PermissionDenied(
            "ce partenaire n'a ni son siège ni un territoire d'intervention sur le territoire de vos instances : "
            "indiquez un territoire d'intervention de votre instance"
        )
    with recorded_write(session, actor, Entity.PARTNER, Operation.CREATE, label=partner.name,
                        values=lambda record: _state(session, record)) as change:
        session.add(partner)
        session.flush()
        _write_sets(session, partner.id, clean.territory_keys, clean.network_ids)
        change.record = partner
        change.councils = partner_councils(session, partner.id)
    return partner


def _get(session: Session, partner_id: int) -> Partner:
    """The partner, or NotFoundError."""
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise NotFoundError(f"le partenaire n° {partner_id} n'existe pas (il a peut-être été fusionné)")
    return partner


def _write(session: Session, actor: Actor, partner: Partner, operation: Operation, what: str,
           expected_version: int | None):
    """The write protocol for an existing partner: who may change it, its version, its councils' versions."""
    return recorded_write(session, actor, Entity.PARTNER, operation, record=partner, label=partner.name,
                          expected_version=expected_version, values=lambda record: _state(session, record),
                          permitted=lambda: require_write_partner(session, actor, partner, what),
                          councils=partner_councils(session, partner.id))


def update_partner(session: Session, actor: Actor, partner_id: int, data: PartnerInput, expected_version: int | None,
                   today: dt.date | None = None, councils: Iterable[int] | None = None) -> Partner:
    """Save a partner's form, refused if the record changed since the form was opened (an ambiguous commune
    name read inside `councils`, as for `create_partner`); without a verification date the card counts as
    verified `today`."""
    partner = _get(session, partner_id)
    with _write(session, actor, partner, Operation.UPDATE, "modifier ce partenaire", expected_version) as change:
        today = today or dt.date.today()
        clean: CleanPartner = clean_partner(session, data, Vocabularies.load(session), today, partner.id,
                                            councils_context(session, actor.council_ids if councils is None else councils))
        clean.fields["verified_on"] = clean.fields["verified_on"] or today  # edited without a date: checked today
        if not owns_partner(session, actor, Partner(**clean.fields), clean.territory_keys):
            raise PermissionDenied(
                "ainsi modifié, ce partenaire n'aurait plus ni son siège ni un territoire d'intervention sur le "
                "territoire de vos instances : gardez-en un"
            )
        for name, value in clean.fields.items():
            setattr(partner, name, value)
        _write_sets(session, partner.id, clean.territory_keys, clean.network_ids)
        session.add(partner)
        session.flush()
        change.councils |= partner_councils(session, partner.id)
    return partner


def archive_partner(session: Session, actor: Actor, partner_id: int, expected_version: int | None) -> Partner:
    """Archive (never delete): the partner leaves lists and graphs, its links and history stay."""
    partner = _get(session, partner_id)
    with _write(session, actor, partner, Operation.ARCHIVE, "archiver ce partenaire", expected_version):
        if partner.archived_at is not None:
            raise ValidationError(f"« {partner.name} » est déjà archivé")
        partner.archived_at = utc_now()
        session.add(partner)
    return partner


def restore_partner(session: Session, actor: Actor, partner_id: int, expected_version: int | None) -> Partner:
    """Bring an archived partner back, with its links and history."""
    partner = _get(session, partner_id)
    with _write(session, actor, partner, Operation.RESTORE, "restaurer ce partenaire", expected_version):
        if partner.archived_at is None:
            raise ValidationError(f"« {partner.name} » n'est pas archivé")
        partner.archived_at = None
        session.add(partner)
    return partner


@dataclass(frozen=True)
class LinkRow:
    """A link of the partner shown in its detail."""

    id: int
    council_id: int
    council: str
    other_id: int
    other: str
    other_archived: bool
    kind: str
    kind_label: str
    level: int
    level_label: str
    start: dt.date | None
    end: dt.date | None
    active: bool
    note: str
    version: int
    can_edit: bool


@dataclass(frozen=True)
class HistoryRow:
    """One audit entry about the partner."""
    at: dt.datetime
    user: str
    operation: str


@dataclass
class PartnerDetail:
    """Everything the partner's page shows."""

    id: int
    name: str
    typology: str
    typology_label: str
    group_label: str
    seat_commune_key: str
    seat_commune: str
    territory_keys: list[str]
    territories: list[str]
    network_ids: list[int]
    networks: list[str]
    siret: str
    website: str
    verified_on: dt.date | None
    stale: bool
    notes: str
    archived_at: dt.datetime | None
    version: int
    can_edit: bool
    contact_visible: bool
    contact_name: str = ""
    contact_role: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    links: list[LinkRow] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)

    def as_input(self, today: dt.date | None = None) -> PartnerInput:
        """The form's starting values; with `today`, the card is offered as verified that day (editing a card
        checks it; the coordinator may give another date)."""
        return PartnerInput(
            name=self.name, typology=self.typology, seat_commune=f"{self.seat_commune} ({self.seat_commune_key[4:]})",
            territories=list(self.territory_keys), siret=self.siret, website=self.website,
            network_ids=list(self.network_ids), contact_name=self.contact_name, contact_role=self.contact_role,
            contact_email=self.contact_email, contact_phone=self.contact_phone,
            verified_on=today if today is not None else self.verified_on, notes=self.notes,
        )




def partner_detail(session: Session, actor: Actor, partner_id: int, today: dt.date | None = None) -> PartnerDetail:
    """A partner with its links, networks and recent history (its actions: `maillage.actions.partner_actions`)."""
    today = today or dt.date.today()
    partner = _get(session, partner_id)
    vocab = Vocabularies.load(session)
    territory_keys = sorted(session.exec(
        select(PartnerTerritory.territory_key).where(PartnerTerritory.partner_id == partner.id)).all())
    labels = territory_labels(session, territory_keys + [partner.seat_commune_key])
    network_rows = session.exec(
        select(Network).join(NetworkPartner, NetworkPartner.network_id == Network.id)
        .where(NetworkPartner.partner_id == partner.id).order_by(Network.name)).all()
    councils = dict(session.exec(select(Council.id, Council.name)).all())
    links = session.exec(select(CooperationLink).where(
        (CooperationLink.partner_a_id == partner.id) | (CooperationLink.partner_b_id == partner.id))).all()
    others = {p.id: p for p in session.exec(select(Partner).where(Partner.id.in_(
        [l.partner_b_id if l.partner_a_id == partner.id else l.partner_a_id for l in links] or [-1])))}
    link_rows = sorted((
        LinkRow(
            id=l.id, council_id=l.council_id, council=councils.get(l.council_id, ""),
            other_id=(other := others[l.partner_b_id if l.partner_a_id == partner.id else l.partner_a_id]).id,
            other=other.name, other_archived=other.archived_at is not None, kind=l.kind,
            kind_label=vocab.label("link_kind", l.kind), level=l.level, level_label=vocab.label("link_level", str(l.level)),
            start=l.start_date, end=l.end_date,
            active=(l.start_date is None or l.start_date <= today) and (l.end_date is None or l.end_date >= today),
            note=l.note, version=l.version, can_edit=can_write_council(actor, l.council_id),
        ) for l in links), key=lambda r: (not r.active, fold(r.other), r.kind))
    history = [HistoryRow(e.at, e.user_email, OPERATION_LABELS.get(e.operation, e.operation)) for e in session.exec(
        select(AuditEntry).where(AuditEntry.entity == Entity.PARTNER, AuditEntry.record_id == partner.id)
        .order_by(desc(AuditEntry.at), desc(AuditEntry.id)).limit(10))]
    contact = can_see_contact(session, actor, partner)
    return PartnerDetail(
        id=partner.id, name=partner.name, typology=partner.typology,
        typology_label=vocab.label("typology", partner.typology),
        group_label=vocab.label("typology_group", vocab.group_of(partner.typology)),
        seat_commune_key=partner.seat_commune_key,
        seat_commune=labels.get(partner.seat_commune_key, partner.seat_commune_key).rsplit(" (", 1)[0],
        territory_keys=territory_keys, territories=[labels.get(k, k) for k in territory_keys],
        network_ids=[n.id for n in network_rows], networks=[n.name for n in network_rows],
        siret=partner.siret or "", website=partner.website, verified_on=partner.verified_on,
        stale=is_stale(partner.verified_on, today), notes=partner.notes, archived_at=partner.archived_at,
        version=partner.version, can_edit=owns_partner(session, actor, partner), contact_visible=contact,
        contact_name=partner.contact_name if contact else "", contact_role=partner.contact_role if contact else "",
        contact_email=partner.contact_email if contact else "", contact_phone=partner.contact_phone if contact else "",
        links=link_rows, history=history,
    )


def commune_options(session: Session, council_id: int | None = None) -> dict[str, str]:
    """Seat communes of active partners → name, by name (the council's communes only when given)."""
    if council_id is None:
        keys = set(session.exec(select(Partner.seat_commune_key).where(Partner.archived_at.is_(None))).all())
    else:
        members = partnership_ids(session, council_id, council_footprint(session, council_id))
        keys = {key for chunk in chunks(sorted(members))
                for key in session.exec(select(Partner.seat_commune_key).where(Partner.id.in_(chunk))).all()}
    labels = territory_labels(session, sorted(keys))
    return dict(sorted(labels.items(), key=lambda kv: fold(kv[1])))


def territory_area(session: Session, key: str) -> Footprint:
    """The footprint of a territory filter (the communes it covers)."""
    return footprint(session, [key])
