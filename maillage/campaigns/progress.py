"""Follow-up of a campaign: who was sent, opened, submitted, was reviewed; who to remind; and the network
as the answers tell it (« tel que déclaré », « tel que convenu », links confirmed by both partners)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, desc, select

from maillage.accounts.access import Actor, can_write_council, require_write_council
from maillage.campaigns.answers import STATES, invite_state
from maillage.campaigns.declarations import (
    STATUS_LABELS,
    Answer,
    as_agreed,
    as_declared,
    level_phrase,
    merge_answers,
)
from maillage.campaigns.opening import get_campaign, is_running
from maillage.campaigns.timing import paris_day
from maillage.core.text import fold
from maillage.vocabularies.store import Vocabularies
from models import Campaign, CampaignInvite, CooperationLink, Council, Partner


@dataclass(frozen=True)
class InviteRow:
    """One partner of a campaign and where its answer stands."""

    invite_id: int
    partner_id: int
    partner: str
    email: str
    state: str
    sent_at: dt.datetime
    opened_at: dt.datetime | None
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    revoked: bool

    @property
    def state_label(self) -> str:
        """French name of the state."""
        return STATES[self.state]


@dataclass
class CampaignProgress:
    """A campaign's follow-up."""

    campaign_id: int
    title: str
    deadline: dt.date
    closed: bool
    running: bool
    rows: list[InviteRow] = field(default_factory=list)
    council: str = ""

    @property
    def sent(self) -> int:
        """Links sent and not revoked."""
        return sum(1 for r in self.rows if not r.revoked)

    @property
    def opened(self) -> int:
        """Links opened at least once."""
        return sum(1 for r in self.rows if r.opened_at is not None)

    @property
    def submitted(self) -> int:
        """Answers submitted (reviewed or not)."""
        return sum(1 for r in self.rows if r.submitted_at is not None)

    @property
    def reviewed(self) -> int:
        """Answers fully reviewed."""
        return sum(1 for r in self.rows if r.reviewed_at is not None)

    @property
    def reminders(self) -> list[InviteRow]:
        """Partners who have not submitted yet (links still valid)."""
        return [r for r in self.rows if r.submitted_at is None and not r.revoked]

    @property
    def to_review(self) -> list[InviteRow]:
        """Submitted answers not fully reviewed."""
        return [r for r in self.rows if r.submitted_at is not None and r.reviewed_at is None]


def campaign_progress(session: Session, actor: Actor, campaign_id: int, today: dt.date | None = None) -> CampaignProgress:
    """Where each partner's answer stands."""
    campaign = get_campaign(session, actor, campaign_id)
    today = today or paris_day()
    names = dict(session.exec(select(Partner.id, Partner.name)).all())
    invites = session.exec(select(CampaignInvite).where(CampaignInvite.campaign_id == campaign.id)).all()
    rows = sorted((InviteRow(i.id, i.partner_id, names.get(i.partner_id, "?"), i.email, invite_state(i), i.sent_at,
                             i.opened_at, i.submitted_at, i.reviewed_at, i.revoked_at is not None) for i in invites),
                  key=lambda r: (fold(r.partner), r.partner_id))
    council = session.get(Council, campaign.council_id)
    return CampaignProgress(campaign.id, campaign.title, campaign.deadline, campaign.closed_at is not None,
                            is_running(campaign, today), rows, council.name if council else "")


def latest_progress(session: Session, actor: Actor, council_id: int, today: dt.date | None = None) -> CampaignProgress | None:
    """The council's open campaign, else its latest one (None without any, or for readers who do not coordinate)."""
    if not can_write_council(actor, council_id):
        return None
    today = today or paris_day()
    campaigns = session.exec(select(Campaign).where(Campaign.council_id == council_id)
                             .order_by(desc(Campaign.created_at), desc(Campaign.id))).all()
    if not campaigns:
        return None
    chosen = next((c for c in campaigns if is_running(c, today)), campaigns[0])
    return campaign_progress(session, actor, chosen.id, today)


@dataclass(frozen=True)
class DeclaredLine:
    """One direction of the network « tel que déclaré »."""

    declarer: str
    other: str
    kinds: str
    level: str
    ended: bool
    confirmed: bool


@dataclass(frozen=True)
class AgreedLine:
    """One pair of the network « tel que convenu »."""

    first: str
    second: str
    kinds: str
    level: str
    status: str


@dataclass(frozen=True)
class PlenaryLink:
    """A current link of the council and whether both partners confirmed it in the campaign."""

    first: str
    second: str
    kind: str
    level: str
    confirmed_by_both: bool


@dataclass
class CampaignNetwork:
    """The three views of the network a campaign gives."""

    answered: int
    declared: list[DeclaredLine]
    agreed: list[AgreedLine]
    links: list[PlenaryLink]
    disputed: int  # pairs described differently by the two partners

    @property
    def confirmed(self) -> int:
        """Current links both partners confirmed."""
        return sum(1 for link in self.links if link.confirmed_by_both)


def campaign_network(session: Session, actor: Actor, campaign_id: int, today: dt.date | None = None) -> CampaignNetwork:
    """The network as declared (each direction), as agreed (both sides), and the links confirmed by both."""
    campaign = get_campaign(session, actor, campaign_id)
    require_write_council(actor, campaign.council_id, "consulter cette campagne")
    today = today or paris_day()
    vocab = Vocabularies.load(session)
    names = dict(session.exec(select(Partner.id, Partner.name)).all())
    answers = {i.partner_id: Answer.from_json(i.answer) for i in session.exec(select(CampaignInvite).where(
        CampaignInvite.campaign_id == campaign.id, CampaignInvite.submitted_at.is_not(None)))}

    def kinds_text(kinds) -> str:
        """Kinds in French, or a dash."""
        return ", ".join(vocab.label("link_kind", k) for k in sorted(kinds)) or "—"

    declared = [DeclaredLine(names.get(r.declarer, "?"), names.get(r.other, "?"), kinds_text(r.kinds),
                             "lien arrêté" if r.ended else level_phrase(r.level), r.ended, r.confirmed)
                for r in as_declared(answers)]
    declared.sort(key=lambda r: (fold(r.declarer), fold(r.other)))
    agreed = sorted((AgreedLine(names.get(m.a, "?"), names.get(m.b, "?"), kinds_text(m.kinds), level_phrase(m.level),
                                STATUS_LABELS[m.status]) for m in as_agreed(answers)),
                    key=lambda r: (fold(r.first), fold(r.second)))
    merged = merge_answers(answers)
    both = {(m.a, m.b): m.kinds for m in merged if m.agreed}
    links = []
    for link in session.exec(select(CooperationLink).where(CooperationLink.council_id == campaign.council_id)):
        if (link.start_date and link.start_date > today) or (link.end_date and link.end_date < today):
            continue
        confirmed = link.kind in both.get((link.partner_a_id, link.partner_b_id), frozenset())
        links.append(PlenaryLink(names.get(link.partner_a_id, "?"), names.get(link.partner_b_id, "?"),
                                 vocab.label("link_kind", link.kind), level_phrase(link.level), confirmed))
    links.sort(key=lambda r: (not r.confirmed_by_both, fold(r.first), fold(r.second), r.kind))
    disputed = sum(1 for m in merged if m.status == "divergent")
    return CampaignNetwork(len(answers), declared, agreed, links, disputed)
