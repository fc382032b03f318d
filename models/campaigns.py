"""Update campaigns: before a plenary, each partner of a council gets a personal link to confirm its card
and declare its cooperation; the answers wait for the coordinator's review."""

import datetime as dt
from typing import Optional

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import utc_now


class Campaign(SQLModel, table=True):
    """A campaign of a council: title, deadline (links expire at its end), which partners were asked."""

    __tablename__ = "campaign"
    __table_args__ = (
        CheckConstraint("targeting IN ('tous','secteur','non_verifies')", name="targeting"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="council.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    deadline: dt.date
    targeting: str = Field(default="tous", max_length=20)
    sector: str = Field(default="", max_length=40)
    created_by: str = Field(default="", max_length=200)
    created_at: dt.datetime = Field(default_factory=utc_now)
    closed_at: Optional[dt.datetime] = None
    version: int = Field(default=1)


class CampaignInvite(SQLModel, table=True):
    """One partner's personal link in a campaign (only the token's SHA-256 is stored) and its answer."""

    __tablename__ = "campaign_invite"
    __table_args__ = (UniqueConstraint("campaign_id", "partner_id", name="uq_campaign_invite_partner"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    partner_id: int = Field(foreign_key="partner.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    email: str = Field(default="", max_length=200)
    sent_at: dt.datetime = Field(default_factory=utc_now)
    opened_at: Optional[dt.datetime] = None
    saved_at: Optional[dt.datetime] = None
    submitted_at: Optional[dt.datetime] = None
    reviewed_at: Optional[dt.datetime] = None
    revoked_at: Optional[dt.datetime] = None
    answer: str = Field(default="")
    decisions: str = Field(default="")
    version: int = Field(default=1)
