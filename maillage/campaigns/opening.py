"""Open a campaign (one personal link per targeted partner), replace or revoke a link, close the campaign."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, desc, select

from maillage.accounts.access import Actor, require_write_council
from maillage.campaigns.timing import paris_day
from maillage.campaigns.tokens import new_token, token_hash
from maillage.core.errors import NotFoundError, ValidationError
from maillage.core.text import fold
from maillage.core.writes import Entity, Operation, write_audit
from maillage.partners.partnership import partnership_ids
from maillage.vocabularies.store import Vocabularies
from models import Campaign, CampaignInvite, Council, Partner
from models.common import utc_now

TARGETS = {"tous": "Tous les partenaires", "secteur": "Un secteur",
           "non_verifies": "Fiches non vérifiées depuis 12 mois"}
STALE_AFTER_DAYS = 365
MAX_DEADLINE_DAYS = 366


@dataclass(frozen=True)
class IssuedLink:
    """A personal link just made: shown once (only its hash is kept)."""

    invite_id: int
    partner_id: int
    partner: str
    email: str
    token: str


def targeted_partners(session: Session, council_id: int, targeting: str, sector: str = "",
                      today: dt.date | None = None) -> list[Partner]:
    """The council's partners a campaign asks: all, one sector (typology group), or cards unchecked for 12 months."""
    today = today or paris_day()
    vocab = Vocabularies.load(session)
    ids = partnership_ids(session, council_id)
    partners = session.exec(select(Partner).where(Partner.id.in_(sorted(ids) or [-1]))).all()
    if targeting == "secteur":
        partners = [p for p in partners if vocab.group_of(p.typology) == sector]
    elif targeting == "non_verifies":
        limit = today - dt.timedelta(days=STALE_AFTER_DAYS)
        partners = [p for p in partners if p.verified_on is None or p.verified_on < limit]
    return sorted(partners, key=lambda p: (fold(p.name), p.id))


def is_running(campaign: Campaign, today: dt.date) -> bool:
    """Open: not closed and its deadline not passed."""
    return campaign.closed_at is None and campaign.deadline >= today


def running_campaign(session: Session, council_id: int, today: dt.date | None = None) -> Campaign | None:
    """The council's campaign still open, if any (there is at most one)."""
    today = today or paris_day()
    for campaign in session.exec(select(Campaign).where(Campaign.council_id == council_id,
                                                        Campaign.closed_at.is_(None))):
        if is_running(campaign, today):
            return campaign
    return None


def council_campaigns(session: Session, actor: Actor, council_id: int) -> list[Campaign]:
    """The council's campaigns, newest first."""
    require_write_council(actor, council_id, "consulter les campagnes de cette instance")
    return list(session.exec(select(Campaign).where(Campaign.council_id == council_id)
                             .order_by(desc(Campaign.created_at), desc(Campaign.id))))


def get_campaign(session: Session, actor: Actor, campaign_id: int) -> Campaign:
    """A campaign the actor coordinates, or NotFoundError / PermissionDenied."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFoundError(f"la campagne n° {campaign_id} n'existe pas")
    require_write_council(actor, campaign.council_id, "gérer cette campagne")
    return campaign


def _issue(session: Session, campaign: Campaign, partner: Partner) -> IssuedLink:
    """Make (or replace) the partner's link in the campaign."""
    token = new_token()
    invite = session.exec(select(CampaignInvite).where(CampaignInvite.campaign_id == campaign.id,
                                                       CampaignInvite.partner_id == partner.id)).first()
    if invite is None:
        invite = CampaignInvite(campaign_id=campaign.id, partner_id=partner.id, token_hash=token_hash(token),
                                email=partner.contact_email or "")
    else:
        invite.token_hash = token_hash(token)
        invite.revoked_at = None
        invite.sent_at = utc_now()
        invite.email = partner.contact_email or ""
        invite.version += 1
    session.add(invite)
    session.flush()
    return IssuedLink(invite.id, partner.id, partner.name, partner.contact_email or "", token)


def open_campaign(session: Session, actor: Actor, council_id: int, title: str, deadline: dt.date | None,
                  targeting: str = "tous", sector: str = "", today: dt.date | None = None
                  ) -> tuple[Campaign, list[IssuedLink]]:
    """Open a campaign in a council the actor coordinates: one personal link per targeted partner."""
    require_write_council(actor, council_id, "ouvrir une campagne dans cette instance")
    today = today or paris_day()
    council = session.get(Council, council_id)
    problems: list[tuple[str, str]] = []
    if council is None:
        problems.append(("council", "Instance : obligatoire"))
    title = " ".join((title or "").split())
    if not title:
        problems.append(("title", "Titre : obligatoire"))
    elif len(title) > 200:
        problems.append(("title", "Titre : 200 caractères au plus"))
    if deadline is None:
        problems.append(("deadline", "Date limite : obligatoire"))
    elif deadline < today:
        problems.append(("deadline", "Date limite : elle est déjà passée"))
    elif deadline > today + dt.timedelta(days=MAX_DEADLINE_DAYS):
        problems.append(("deadline", "Date limite : un an au plus après aujourd'hui"))
    if targeting not in TARGETS:
        problems.append(("targeting", f"Partenaires visés : « {targeting} » inconnu ({', '.join(TARGETS)})"))
    vocab = Vocabularies.load(session)
    if targeting == "secteur" and sector not in vocab.labels("typology_group"):
        problems.append(("sector", "Secteur : choisissez un secteur"))
    if council is not None and (current := running_campaign(session, council_id, today)) is not None:
        problems.append(("title", f"Une campagne est déjà ouverte dans cette instance (« {current.title} », "
                                  f"jusqu'au {current.deadline:%d/%m/%Y}) : clôturez-la d'abord"))
    if problems:
        raise ValidationError(problems)
    partners = targeted_partners(session, council_id, targeting, sector, today)
    if not partners:
        raise ValidationError([("targeting", "Partenaires visés : aucun partenaire ne correspond")])
    campaign = Campaign(council_id=council_id, title=title, deadline=deadline, targeting=targeting,
                        sector=sector if targeting == "secteur" else "", created_by=actor.email)
    session.add(campaign)
    session.flush()
    links = [_issue(session, campaign, partner) for partner in partners]
    write_audit(session, user_email=actor.email, operation=Operation.CREATE, entity=Entity.CAMPAIGN, record_id=campaign.id,
                label=f"Campagne « {title} » ({council.name})",
                after={"title": title, "deadline": deadline, "targeting": targeting, "sector": campaign.sector,
                       "partners": len(links)})
    return campaign, links


def _invite(session: Session, actor: Actor, invite_id: int) -> tuple[CampaignInvite, Campaign]:
    """An invite of a campaign the actor coordinates."""
    invite = session.get(CampaignInvite, invite_id)
    if invite is None:
        raise NotFoundError(f"le lien n° {invite_id} n'existe pas")
    return invite, get_campaign(session, actor, invite.campaign_id)


def reissue_link(session: Session, actor: Actor, invite_id: int, today: dt.date | None = None) -> IssuedLink:
    """A new link for one partner (the old one stops working): for a lost link."""
    invite, campaign = _invite(session, actor, invite_id)
    if not is_running(campaign, today or paris_day()):
        raise ValidationError("la campagne est terminée : impossible de créer un nouveau lien")
    partner = session.get(Partner, invite.partner_id)
    link = _issue(session, campaign, partner)
    write_audit(session, user_email=actor.email, operation=Operation.UPDATE, entity=Entity.CAMPAIGN_INVITE, record_id=invite.id,
                label=f"Nouveau lien pour {partner.name} — campagne « {campaign.title} »")
    return link


def revoke_link(session: Session, actor: Actor, invite_id: int) -> CampaignInvite:
    """Stop a partner's link at once (its answer, if any, stays for review)."""
    invite, campaign = _invite(session, actor, invite_id)
    if invite.revoked_at is not None:
        raise ValidationError("ce lien est déjà révoqué")
    invite.revoked_at = utc_now()
    invite.version += 1
    session.add(invite)
    partner = session.get(Partner, invite.partner_id)
    write_audit(session, user_email=actor.email, operation=Operation.UPDATE, entity=Entity.CAMPAIGN_INVITE, record_id=invite.id,
                label=f"Lien révoqué pour {partner.name if partner else '?'} — campagne « {campaign.title} »")
    return invite


def close_campaign(session: Session, actor: Actor, campaign_id: int) -> Campaign:
    """Close a campaign: every link stops working; the answers can still be reviewed."""
    campaign = get_campaign(session, actor, campaign_id)
    if campaign.closed_at is not None:
        raise ValidationError(f"la campagne « {campaign.title} » est déjà clôturée")
    campaign.closed_at = utc_now()
    campaign.version += 1
    session.add(campaign)
    write_audit(session, user_email=actor.email, operation=Operation.UPDATE, entity=Entity.CAMPAIGN, record_id=campaign.id,
                label=f"Campagne « {campaign.title} » clôturée")
    return campaign
