"""The coordinator's review: each submitted answer as a proposed change set (card changes, new links,
changed levels, ended links), accepted or rejected item by item; accepted items go through the register's
and the network's own write functions, their audit entries marked « déclaré par le partenaire, campagne X »."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from sqlmodel import Session, select

from maillage.accounts.access import Actor, require_write_council
from maillage.campaigns.answers import current_card, invite_state
from maillage.campaigns.declarations import (
    DIVERGENT,
    ONE_SIDED,
    Answer,
    Declaration,
    declarations_of,
    level_phrase,
    merge_pair,
)
from maillage.campaigns.opening import get_campaign
from maillage.campaigns.timing import paris_day
from maillage.core.errors import ConflictError, NotFoundError
from maillage.core.text import fold
from maillage.core.writes import Entity, Operation, audit_provenance, write_audit
from maillage.network.links import LinkInput, create_link, end_link, update_link
from maillage.partners.input import PartnerInput, resolve_commune
from maillage.partners.register import update_partner
from maillage.vocabularies.store import Vocabularies
from models import (
    Campaign,
    CampaignInvite,
    CooperationLink,
    Network,
    Partner,
    PartnerTerritory,
)
from models.common import utc_now

CATEGORIES = {"fiche": "Fiche", "verification": "Vérification", "nouveau": "Nouveau lien",
              "niveau": "Niveau changé", "fin": "Lien arrêté"}
CARD_LABELS = {"name": "Nom", "typology": "Typologie", "seat_commune": "Commune du siège", "website": "Site web",
               "contact_name": "Nom du contact", "contact_role": "Fonction du contact",
               "contact_email": "E-mail du contact", "contact_phone": "Téléphone du contact",
               "network_ids": "Réseaux"}
ACCEPTED, REJECTED = "accepted", "rejected"
DECISION_LABELS = {ACCEPTED: "Acceptée", REJECTED: "Rejetée", None: "À décider"}


@dataclass(frozen=True)
class Conflict:
    """Two partners describing the same pair differently, side by side."""

    first: str
    first_says: str
    second: str
    second_says: str


@dataclass(frozen=True)
class ChangeItem:
    """One proposed change (or a decided one, as it was when decided)."""

    key: str
    category: str
    label: str
    before: str
    after: str
    other: str = ""
    decision: str | None = None
    conflict: Conflict | None = None

    @property
    def category_label(self) -> str:
        """French name of the kind of change."""
        return CATEGORIES.get(self.category, self.category)


@dataclass
class ChangeSet:
    """An answer as the coordinator reviews it."""

    invite_id: int
    campaign_id: int
    campaign_title: str
    partner_id: int
    partner_name: str
    state: str
    submitted_at: dt.datetime | None
    comment: str
    items: list[ChangeItem] = field(default_factory=list)
    confirmed_links: int = 0

    @property
    def pending(self) -> list[ChangeItem]:
        """Items still to decide."""
        return [item for item in self.items if item.decision is None]


def provenance(campaign: Campaign) -> str:
    """The note every accepted change carries in the audit journal."""
    return f"déclaré par le partenaire, campagne « {campaign.title} »"


def _key(category: str, subject: str, before: str, after: str) -> str:
    """A key naming the item and the values it was shown with (a change of either makes a new key)."""
    digest = hashlib.sha256(f"{category}|{subject}|{before}|{after}".encode()).hexdigest()[:12]
    return f"{category}:{subject}:{digest}"


def describe(declaration: Declaration | None, vocab: Vocabularies) -> str:
    """What one side says about a pair, in words."""
    if declaration is None:
        return "ne cite pas ce partenaire"
    if declaration.ended:
        return "lien arrêté"
    kinds = ", ".join(vocab.label("link_kind", k) for k in sorted(declaration.kinds)) or "nature non précisée"
    return f"{kinds} — {level_phrase(declaration.level)}"


def _submitted_answers(session: Session, campaign_id: int) -> dict[int, Answer]:
    """Partner id → submitted answer, in a campaign."""
    return {invite.partner_id: Answer.from_json(invite.answer) for invite in session.exec(
        select(CampaignInvite).where(CampaignInvite.campaign_id == campaign_id,
                                     CampaignInvite.submitted_at.is_not(None)))}


def _submitted_day(invite: CampaignInvite) -> dt.date:
    """The Paris day the answer was submitted."""
    return paris_day(invite.submitted_at)


def _card_state(session: Session, partner: Partner) -> PartnerInput:
    """The register form's values of a partner as it stands."""
    card = current_card(session, partner)
    territories = list(session.exec(select(PartnerTerritory.territory_key)
                                    .where(PartnerTerritory.partner_id == partner.id)).all())
    return PartnerInput(name=partner.name, typology=partner.typology, seat_commune=card.seat_commune,
                        territories=territories, siret=partner.siret or "", website=partner.website,
                        network_ids=card.network_ids, contact_name=partner.contact_name,
                        contact_role=partner.contact_role, contact_email=partner.contact_email,
                        contact_phone=partner.contact_phone, verified_on=partner.verified_on, notes=partner.notes)


def _pending(session: Session, invite: CampaignInvite, campaign: Campaign, partner: Partner, vocab: Vocabularies,
             today: dt.date) -> tuple[list[tuple[ChangeItem, dict]], int]:
    """(item, what applying it does) for every difference between the answer and the data; links confirmed as is."""
    answer = Answer.from_json(invite.answer)
    items: list[tuple[ChangeItem, dict]] = []
    current = current_card(session, partner)
    networks = dict(session.exec(select(Network.id, Network.name)).all())
    for name, label in CARD_LABELS.items():
        old, new = getattr(current, name), getattr(answer.card, name)
        if name == "network_ids":
            if sorted(old) == sorted(new):
                continue
            shown_old = ", ".join(sorted(networks.get(n, "?") for n in old)) or "aucun"
            shown_new = ", ".join(sorted(networks.get(n, "?") for n in new)) or "aucun"
        elif name == "seat_commune":
            key, _problem = resolve_commune(session, new)
            if key == partner.seat_commune_key or not (new or "").strip():
                continue
            shown_old, shown_new = old, new
        else:
            if (old or "").strip() == (new or "").strip() or (name == "contact_email" and fold(old) == fold(new)):
                continue
            shown_old, shown_new = old or "(vide)", new or "(vide)"
            if name == "typology":
                shown_old, shown_new = vocab.label("typology", old), vocab.label("typology", new)
        item = ChangeItem(_key("fiche", name, str(shown_old), str(shown_new)), "fiche", label, shown_old, shown_new)
        items.append((item, {"op": "card", "field": name, "value": new}))
    day = _submitted_day(invite)
    items.append((ChangeItem(_key("verification", str(partner.id), "", day.isoformat()), "verification",
                             "Fiche confirmée par le partenaire",
                             f"vérifiée le {partner.verified_on:%d/%m/%Y}" if partner.verified_on else "jamais vérifiée",
                             f"vérifiée le {day:%d/%m/%Y}"), {"op": "verify", "day": day}))

    names = dict(session.exec(select(Partner.id, Partner.name)).all())
    others = _submitted_answers(session, campaign.id)
    answered = frozenset(others)
    mine = {d.other: d for d in declarations_of(partner.id, answer)}

    def conflict_with(other: int) -> Conflict | None:
        """Both answers side by side when the other partner describes the pair differently."""
        if other not in others:
            return None
        theirs = next((d for d in declarations_of(other, others[other]) if d.other == partner.id), None)
        merged = merge_pair(mine.get(other), theirs, answered, (partner.id, other))
        if merged.status == DIVERGENT or merged.status == ONE_SIDED:
            return Conflict(partner.name, describe(mine.get(other), vocab), names.get(other, "?"), describe(theirs, vocab))
        return None

    links = session.exec(select(CooperationLink).where(
        CooperationLink.council_id == campaign.council_id,
        (CooperationLink.partner_a_id == partner.id) | (CooperationLink.partner_b_id == partner.id))).all()
    by_pair_kind = {(l.partner_b_id if l.partner_a_id == partner.id else l.partner_a_id, l.kind): l for l in links}
    confirmed = 0
    for declared in answer.links:
        other_name = names.get(declared.partner_id, "?")
        for kind in declared.kinds:
            kind_label = vocab.label("link_kind", kind)
            link = by_pair_kind.get((declared.partner_id, kind))
            active = link is not None and (link.end_date is None or link.end_date >= today)
            if active and link.level == declared.level:
                confirmed += 1
                continue
            if active:
                before, after = level_phrase(link.level), level_phrase(declared.level)
                item = ChangeItem(_key("niveau", str(link.id), before, after), "niveau",
                                  f"{other_name} : {kind_label}", before, after, other_name)
                effect = {"op": "level", "link_id": link.id, "level": declared.level, "other": declared.partner_id}
            else:
                before = "aucun lien" if link is None else f"lien terminé le {link.end_date:%d/%m/%Y}"
                after = level_phrase(declared.level)
                item = ChangeItem(_key("nouveau", f"{declared.partner_id}-{kind}", before, after), "nouveau",
                                  f"{other_name} : {kind_label}", before, after, other_name)
                effect = {"op": "new", "other": declared.partner_id, "kind": kind, "level": declared.level}
            items.append((item, effect))
    for other in answer.ended:
        other_name = names.get(other, "?")
        for (linked, kind), link in sorted(by_pair_kind.items()):
            if linked != other or (link.end_date is not None and link.end_date < today):
                continue
            end = max(day, link.start_date) if link.start_date else day
            before, after = level_phrase(link.level), f"terminé le {end:%d/%m/%Y}"
            item = ChangeItem(_key("fin", str(link.id), before, after), "fin",
                              f"{other_name} : {vocab.label('link_kind', kind)}", before, after, other_name)
            items.append((item, {"op": "end", "link_id": link.id, "day": end, "other": other}))
    items = [(ChangeItem(i.key, i.category, i.label, i.before, i.after, i.other, None,
                         conflict_with(e["other"]) if i.category in ("nouveau", "niveau", "fin") else None), e)
             for i, e in items]
    return items, confirmed


def _decided(invite: CampaignInvite) -> dict[str, dict]:
    """Decisions already taken on this answer."""
    return json.loads(invite.decisions) if invite.decisions else {}


def _load(session: Session, actor: Actor, invite_id: int) -> tuple[CampaignInvite, Campaign, Partner]:
    """An invite of a campaign the actor coordinates, its campaign and partner."""
    invite = session.get(CampaignInvite, invite_id)
    if invite is None:
        raise NotFoundError(f"la réponse n° {invite_id} n'existe pas")
    campaign = get_campaign(session, actor, invite.campaign_id)
    partner = session.get(Partner, invite.partner_id)
    return invite, campaign, partner


def _compute(session: Session, invite: CampaignInvite, campaign: Campaign, partner: Partner,
             today: dt.date) -> tuple[ChangeSet, dict[str, tuple[ChangeItem, dict]]]:
    """The change set and the pending items by key."""
    vocab = Vocabularies.load(session)
    decided = _decided(invite)
    pending: list[tuple[ChangeItem, dict]] = []
    confirmed = 0
    if invite.submitted_at is not None and invite.answer:
        raw, confirmed = _pending(session, invite, campaign, partner, vocab, today)
        pending = [(item, effect) for item, effect in raw if item.key not in decided]
    done = [ChangeItem(key, d["category"], d["label"], d["before"], d["after"], d.get("other", ""), d["decision"])
            for key, d in decided.items()]
    change_set = ChangeSet(
        invite_id=invite.id, campaign_id=campaign.id, campaign_title=campaign.title, partner_id=partner.id,
        partner_name=partner.name, state=invite_state(invite), submitted_at=invite.submitted_at,
        comment=Answer.from_json(invite.answer).comment if invite.answer else "",
        items=[item for item, _e in pending] + done, confirmed_links=confirmed)
    return change_set, {item.key: (item, effect) for item, effect in pending}


def answer_changes(session: Session, actor: Actor, invite_id: int, today: dt.date | None = None) -> ChangeSet:
    """A partner's answer as a change set (pending items first, then those decided)."""
    invite, campaign, partner = _load(session, actor, invite_id)
    return _compute(session, invite, campaign, partner, today or paris_day())[0]


def _apply(session: Session, actor: Actor, campaign: Campaign, partner: Partner,
           accepted: list[tuple[ChangeItem, dict]]) -> None:
    """Carry out accepted items through the normal write functions."""
    card = [effect for _item, effect in accepted if effect["op"] in ("card", "verify")]
    if card:
        data = _card_state(session, partner)
        for effect in card:
            if effect["op"] == "card":
                setattr(data, effect["field"], effect["value"])
        day = next((e["day"] for e in card if e["op"] == "verify"), None)
        if day is None:
            day = paris_day()
        data.verified_on = day
        update_partner(session, actor, partner.id, data, expected_version=partner.version)
    for _item, effect in accepted:
        if effect["op"] == "new":
            a, b = sorted((partner.id, effect["other"]))
            existing = session.exec(select(CooperationLink).where(
                CooperationLink.council_id == campaign.council_id, CooperationLink.partner_a_id == a,
                CooperationLink.partner_b_id == b, CooperationLink.kind == effect["kind"])).first()
            if existing is None:
                create_link(session, actor, LinkInput(campaign.council_id, partner.id, effect["other"],
                                                      effect["kind"], effect["level"]))
            else:
                update_link(session, actor, existing.id, LinkInput(
                    campaign.council_id, existing.partner_a_id, existing.partner_b_id, existing.kind,
                    effect["level"], existing.start_date, None, existing.note), existing.version)
        elif effect["op"] == "level":
            link = session.get(CooperationLink, effect["link_id"])
            update_link(session, actor, link.id, LinkInput(
                link.council_id, link.partner_a_id, link.partner_b_id, link.kind, effect["level"],
                link.start_date, link.end_date, link.note), link.version)
        elif effect["op"] == "end":
            link = session.get(CooperationLink, effect["link_id"])
            end_link(session, actor, link.id, effect["day"], link.version)


def decide(session: Session, actor: Actor, invite_id: int, choices: dict[str, bool],
           today: dt.date | None = None) -> ChangeSet:
    """Accept (True) or reject (False) items of an answer; accepted ones are written at once."""
    invite, campaign, partner = _load(session, actor, invite_id)
    require_write_council(actor, campaign.council_id, "examiner cette réponse")
    today = today or paris_day()
    _change_set, pending = _compute(session, invite, campaign, partner, today)
    unknown = [key for key in choices if key not in pending]
    if unknown:
        raise ConflictError("la réponse ou les données ont changé depuis l'affichage (une autre décision ou une "
                            "modification) : rien n'a été enregistré ; vérifiez la liste mise à jour et recommencez")
    accepted = [pending[key] for key, accept in choices.items() if accept]
    with audit_provenance(provenance(campaign)):
        _apply(session, actor, campaign, partner, accepted)
    decided = _decided(invite)
    moment = utc_now().isoformat()
    for key, accept in choices.items():
        item = pending[key][0]
        decided[key] = {"decision": ACCEPTED if accept else REJECTED, "category": item.category, "label": item.label,
                        "before": item.before, "after": item.after, "other": item.other, "at": moment,
                        "by": actor.email}
    invite.decisions = json.dumps(decided, ensure_ascii=False, sort_keys=True)
    remaining = [key for key in pending if key not in choices]
    if not remaining:
        invite.reviewed_at = utc_now()
    invite.version += 1
    session.add(invite)
    write_audit(session, user_email=actor.email, operation=Operation.REVIEW, entity=Entity.CAMPAIGN_INVITE, record_id=invite.id,
                label=f"Réponse de {partner.name} examinée — campagne « {campaign.title} »",
                after={"acceptées": sum(choices.values()), "rejetées": len(choices) - sum(choices.values()),
                       "restantes": len(remaining)})
    session.flush()
    session.refresh(partner)
    return _compute(session, invite, campaign, partner, today)[0]


def decide_all(session: Session, actor: Actor, invite_id: int, accept: bool, keys: list[str],
               today: dt.date | None = None) -> ChangeSet:
    """Accept or reject every item shown (`keys`, as displayed)."""
    return decide(session, actor, invite_id, {key: accept for key in keys}, today)
