"""The partner's side of a campaign, reached with its personal link only: its card, the names of the
council's partners, its answer (draft, submitted, reopened). Every call checks the token again."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlmodel import Session, select

from maillage.campaigns.declarations import Answer, CardAnswer, LinkAnswer
from maillage.campaigns.opening import is_running
from maillage.campaigns.timing import paris_day
from maillage.campaigns.tokens import TokenRefused, plausible, same_hash, token_hash
from maillage.core.errors import ValidationError
from maillage.core.text import fold
from maillage.core.validators import personal_data_problem
from maillage.core.writes import Entity, Operation, write_audit
from maillage.partners.choices import commune_choices
from maillage.partners.input import PartnerInput, clean_partner
from maillage.partners.partnership import councils_context, partnership_ids
from maillage.vocabularies.store import Vocabularies
from models import (
    Campaign,
    CampaignInvite,
    CooperationLink,
    Council,
    Network,
    NetworkCouncil,
    NetworkPartner,
    Partner,
    PartnerTerritory,
    Territory,
)
from models.common import utc_now
from models.vocabularies import DECLARED_LINK_KINDS

MAX_COMMENT = 2000
MAX_TEXT = 200
MAX_WEBSITE = 300
MAX_LINKS = 300
MAX_ANSWER_BYTES = 64_000
PARTNER_ACTOR = "partenaire (lien personnel)"
STATES = {"envoye": "Envoyé", "ouvert": "Ouvert", "brouillon": "Brouillon enregistré", "soumis": "Réponse envoyée",
          "examine": "Examinée", "revoque": "Lien révoqué"}


def invite_state(invite: CampaignInvite) -> str:
    """envoye, ouvert, brouillon, soumis, examine or revoque."""
    if invite.reviewed_at is not None:
        return "examine"
    if invite.submitted_at is not None:
        return "soumis"
    if invite.revoked_at is not None:
        return "revoque"
    if invite.saved_at is not None:
        return "brouillon"
    if invite.opened_at is not None:
        return "ouvert"
    return "envoye"


@dataclass(frozen=True)
class PartnerForm:
    """What the token page shows: this partner's data and the names of the council's partners, nothing else."""

    campaign_title: str
    council_name: str
    deadline: dt.date
    partner_name: str
    state: str
    submitted_at: dt.datetime | None
    can_edit: bool
    answer: Answer
    others: dict[int, str]  # id → « Nom (Commune) » of the council's other partners
    current_links: dict[int, tuple[tuple[str, ...], int]]  # other → (kinds, highest level) of its active links
    typologies: dict[str, str]
    networks: dict[int, str]
    kinds: dict[str, str]
    communes: list[str] = field(default_factory=list)  # the seat picker: communes of the council's départements
    council_id: int | None = None  # where an ambiguous commune name is read


def _resolve(session: Session, token: str | None, today: dt.date) -> tuple[CampaignInvite, Campaign, Partner]:
    """The invite, campaign and partner of a valid token; TokenRefused (one message for every case) otherwise."""
    if not plausible(token):
        token_hash("x" * 43)  # same work as a real lookup
        raise TokenRefused()
    digest = token_hash(token)
    invite = session.exec(select(CampaignInvite).where(CampaignInvite.token_hash == digest)).first()
    if invite is None or not same_hash(invite.token_hash, digest) or invite.revoked_at is not None:
        raise TokenRefused()
    campaign = session.get(Campaign, invite.campaign_id)
    partner = session.get(Partner, invite.partner_id)
    if campaign is None or partner is None or partner.archived_at is not None or not is_running(campaign, today):
        raise TokenRefused()
    return invite, campaign, partner


def _current_links(session: Session, council_id: int, partner_id: int, today: dt.date) -> dict[int, tuple[tuple[str, ...], int]]:
    """The partner's active declared links in the council: other partner → (kinds, highest level)."""
    found: dict[int, tuple[set[str], int]] = {}
    for link in session.exec(select(CooperationLink).where(
            CooperationLink.council_id == council_id,
            (CooperationLink.partner_a_id == partner_id) | (CooperationLink.partner_b_id == partner_id))):
        if (link.start_date and link.start_date > today) or (link.end_date and link.end_date < today):
            continue
        other = link.partner_b_id if link.partner_a_id == partner_id else link.partner_a_id
        kinds, level = found.get(other, (set(), 0))
        found[other] = (kinds | {link.kind}, max(level, link.level))
    return {other: (tuple(sorted(kinds)), level) for other, (kinds, level) in found.items()}


def council_partner_names(session: Session, council_id: int, exclude: int) -> dict[int, str]:
    """id → « Nom (Commune) » of the council's partners but one, by name."""
    ids = sorted(partnership_ids(session, council_id) - {exclude})
    rows = session.exec(select(Partner.id, Partner.name, Partner.seat_commune_key).where(Partner.id.in_(ids or [-1]))).all()
    communes = dict(session.exec(select(Territory.key, Territory.name).where(
        Territory.key.in_(sorted({r[2] for r in rows}) or ["-"]))).all())
    ordered = sorted(rows, key=lambda r: (fold(r[1]), r[0]))
    return {pid: f"{name} ({communes.get(seat, seat)})" for pid, name, seat in ordered}


def current_card(session: Session, partner: Partner) -> CardAnswer:
    """The card as it stands, in the form's terms."""
    commune = session.get(Territory, partner.seat_commune_key)
    networks = sorted(session.exec(select(NetworkPartner.network_id).where(NetworkPartner.partner_id == partner.id)).all())
    return CardAnswer(
        name=partner.name, typology=partner.typology,
        seat_commune=f"{commune.name} ({commune.code})" if commune else partner.seat_commune_key,
        website=partner.website, contact_name=partner.contact_name, contact_role=partner.contact_role,
        contact_email=partner.contact_email, contact_phone=partner.contact_phone, network_ids=list(networks))


def _network_choices(session: Session, council_id: int, partner_id: int) -> dict[int, str]:
    """Networks the partner belongs to and those of its council."""
    ids = set(session.exec(select(NetworkPartner.network_id).where(NetworkPartner.partner_id == partner_id)).all())
    ids |= set(session.exec(select(NetworkCouncil.network_id).where(NetworkCouncil.council_id == council_id)).all())
    rows = session.exec(select(Network.id, Network.name).where(Network.id.in_(sorted(ids) or [-1]))).all()
    return dict(sorted(rows, key=lambda r: fold(r[1])))


def _form(session: Session, invite: CampaignInvite, campaign: Campaign, partner: Partner, today: dt.date) -> PartnerForm:
    """Assemble the page's data."""
    vocab = Vocabularies.load(session)
    council = session.get(Council, campaign.council_id)
    current = _current_links(session, campaign.council_id, partner.id, today)
    if invite.answer:
        answer = Answer.from_json(invite.answer)
    else:
        answer = Answer(card=current_card(session, partner),
                        links=[LinkAnswer(other, list(kinds), level) for other, (kinds, level) in current.items()])
    state = invite_state(invite)
    return PartnerForm(
        campaign_title=campaign.title, council_name=council.name if council else "", deadline=campaign.deadline,
        partner_name=partner.name, state=state, submitted_at=invite.submitted_at,
        can_edit=state not in ("soumis", "examine"), answer=answer,
        others=council_partner_names(session, campaign.council_id, partner.id), current_links=current,
        typologies=vocab.labels("typology"), networks=_network_choices(session, campaign.council_id, partner.id),
        kinds={k: vocab.label("link_kind", k) for k in DECLARED_LINK_KINDS},
        communes=commune_choices(session, [campaign.council_id]), council_id=campaign.council_id,
    )


def open_form(session: Session, token: str | None, today: dt.date | None = None) -> PartnerForm:
    """The form of a valid token (its first opening is recorded); TokenRefused otherwise."""
    today = today or paris_day()
    invite, campaign, partner = _resolve(session, token, today)
    if invite.opened_at is None:
        invite.opened_at = utc_now()
        session.add(invite)
        session.flush()
    return _form(session, invite, campaign, partner, today)


def _limited(text: str, limit: int, label: str, problems: list[tuple[str, str]], field: str) -> str:
    """Trimmed text, with a problem when too long."""
    value = (text or "").strip()
    if len(value) > limit:
        problems.append((field, f"{label} : {limit} caractères au plus"))
    return value


def check_answer(session: Session, answer: Answer, form: PartnerForm, partner: Partner, today: dt.date,
                 complete: bool) -> Answer:
    """The answer cleaned; ValidationError with every problem. A draft only needs sizes and known choices;
    a submission must also be a valid card (the register's checks) and say how closely for each partner."""
    problems: list[tuple[str, str]] = []
    card = answer.card
    labels = {"name": "Nom", "seat_commune": "Commune du siège", "contact_name": "Nom du contact",
              "contact_role": "Fonction du contact", "contact_email": "E-mail du contact",
              "contact_phone": "Téléphone du contact", "typology": "Typologie"}
    clean_card = CardAnswer(**{name: _limited(getattr(card, name), MAX_TEXT, labels.get(name, name), problems, name)
                               for name in CARD_FIELDS_SHORT},
                            website=_limited(card.website, MAX_WEBSITE, "Site web", problems, "website"),
                            network_ids=[])
    networks = []
    for network_id in card.network_ids or []:
        if int(network_id) not in form.networks:
            problems.append(("networks", "Réseaux : réseau inconnu"))
            break
        networks.append(int(network_id))
    clean_card.network_ids = sorted(set(networks))
    if clean_card.typology and clean_card.typology not in form.typologies:
        problems.append(("typology", "Typologie : inconnue"))
    links: list[LinkAnswer] = []
    seen: set[int] = set()
    if len(answer.links) > MAX_LINKS:
        problems.append(("links", f"Partenaires : {MAX_LINKS} au plus"))
    for link in answer.links[:MAX_LINKS]:
        other = int(link.partner_id)
        name = form.others.get(other)
        if name is None:
            problems.append(("links", "Partenaires : un partenaire cité n'appartient pas à l'instance"))
            continue
        if other in seen:
            continue
        seen.add(other)
        kinds = sorted(set(link.kinds or []))
        if any(kind not in form.kinds for kind in kinds):
            problems.append(("links", f"{name} : nature de lien inconnue"))
            kinds = [k for k in kinds if k in form.kinds]
        level = link.level
        if level is not None and (not isinstance(level, int) or not 1 <= level <= 4):
            problems.append(("links", f"{name} : le niveau va de 1 à 4"))
            level = None
        if complete and not kinds:
            problems.append(("links", f"{name} : cochez au moins une nature de lien"))
        if complete and level is None:
            problems.append(("links", f"{name} : choisissez à quel point vous travaillez ensemble"))
        links.append(LinkAnswer(other, kinds, level))
    ended = []
    for other in dict.fromkeys(int(x) for x in answer.ended or []):
        if other not in form.current_links:
            problems.append(("ended", "Liens arrêtés : seul un lien en cours peut être déclaré arrêté"))
            continue
        if other in seen:
            problems.append(("ended", f"{form.others.get(other, '?')} : à la fois cité comme partenaire "
                                      "et comme lien arrêté"))
            continue
        ended.append(other)
    comment = _limited(answer.comment, MAX_COMMENT, "Commentaire", problems, "comment")
    if comment and (reason := personal_data_problem(comment)):
        problems.append(("comment", f"Commentaire : {reason}"))
    cleaned = Answer(card=clean_card, links=links, ended=ended, comment=comment)
    if len(cleaned.to_json().encode("utf-8")) > MAX_ANSWER_BYTES:
        problems.append(("comment", "Réponse trop longue"))
    if complete:
        territories = list(session.exec(select(PartnerTerritory.territory_key)
                                        .where(PartnerTerritory.partner_id == partner.id)).all())
        try:
            clean_partner(session, PartnerInput(
                name=clean_card.name, typology=clean_card.typology, seat_commune=clean_card.seat_commune,
                territories=territories, siret=partner.siret or "", website=clean_card.website,
                network_ids=clean_card.network_ids, contact_name=clean_card.contact_name,
                contact_role=clean_card.contact_role, contact_email=clean_card.contact_email,
                contact_phone=clean_card.contact_phone, verified_on=None, notes=partner.notes,
            ), Vocabularies.load(session), today, partner.id, 
            councils_context(session, [form.council_id] if form.council_id else []))
        except ValidationError as error:
            problems.extend(error.problems)
    if problems:
        raise ValidationError(problems)
    return cleaned


CARD_FIELDS_SHORT = ("name", "typology", "seat_commune", "contact_name", "contact_role", "contact_email",
                     "contact_phone")


def save_answer(session: Session, token: str | None, answer: Answer, submit: bool = False,
                today: dt.date | None = None) -> PartnerForm:
    """Save the answer as a draft, or submit it (once; reopen to change it until the deadline)."""
    today = today or paris_day()
    invite, campaign, partner = _resolve(session, token, today)
    form = _form(session, invite, campaign, partner, today)
    if not form.can_edit:
        raise ValidationError("votre réponse est déjà envoyée : rouvrez-la pour la modifier")
    cleaned = check_answer(session, answer, form, partner, today, complete=submit)
    invite.answer = cleaned.to_json()
    invite.saved_at = utc_now()
    invite.version += 1
    if submit:
        invite.submitted_at = utc_now()
        write_audit(session, user_email=PARTNER_ACTOR, operation=Operation.SUBMIT, entity=Entity.CAMPAIGN_INVITE,
                    record_id=invite.id, label=f"Réponse de {partner.name} — campagne « {campaign.title} »",
                    after=json.loads(cleaned.to_json()))
    session.add(invite)
    session.flush()
    return _form(session, invite, campaign, partner, today)


def reopen_answer(session: Session, token: str | None, today: dt.date | None = None) -> PartnerForm:
    """Reopen a submitted answer until the deadline, unless the coordination has begun reviewing it."""
    today = today or paris_day()
    invite, campaign, partner = _resolve(session, token, today)
    if invite.submitted_at is None:
        return _form(session, invite, campaign, partner, today)
    if invite.decisions or invite.reviewed_at is not None:
        raise ValidationError("la coordination a déjà commencé à examiner votre réponse : "
                              "contactez-la pour la modifier")
    invite.submitted_at = None
    invite.version += 1
    session.add(invite)
    write_audit(session, user_email=PARTNER_ACTOR, operation=Operation.REOPEN, entity=Entity.CAMPAIGN_INVITE,
                record_id=invite.id, label=f"Réponse rouverte par {partner.name} — campagne « {campaign.title} »")
    session.flush()
    return _form(session, invite, campaign, partner, today)
