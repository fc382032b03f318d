"""Partners (institutions, never people) and the cooperation links declared between them."""

import datetime as dt
from typing import Optional

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import utc_now


class Partner(SQLModel, table=True):
    """An institution or structure taking part in prevention on a territory."""

    __tablename__ = "partner"
    __table_args__ = (
        UniqueConstraint("name", "seat_commune_key", name="uq_partner_name_commune"),
        CheckConstraint("siret IS NULL OR length(siret) = 14", name="siret"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    typology: str = Field(max_length=20, index=True)
    seat_commune_key: str = Field(foreign_key="territory.key", max_length=80, index=True)
    siret: Optional[str] = Field(default=None, max_length=14)
    website: str = Field(default="", max_length=300)
    contact_name: str = Field(default="", max_length=200)
    contact_role: str = Field(default="", max_length=200)
    contact_email: str = Field(default="", max_length=200)
    contact_phone: str = Field(default="", max_length=40)
    verified_on: Optional[dt.date] = None
    notes: str = Field(default="")
    archived_at: Optional[dt.datetime] = None
    version: int = Field(default=1)
    created_at: dt.datetime = Field(default_factory=utc_now)
    updated_at: dt.datetime = Field(default_factory=utc_now)


class PartnerTerritory(SQLModel, table=True):
    """A territory a partner intervenes on (beyond its seat commune)."""

    __tablename__ = "partner_territory"

    partner_id: int = Field(foreign_key="partner.id", primary_key=True, ondelete="CASCADE")
    territory_key: str = Field(foreign_key="territory.key", primary_key=True, max_length=80)


class CooperationLink(SQLModel, table=True):
    """A declared, undirected link between two partners in a council (stored with a < b)."""

    __tablename__ = "cooperation_link"
    __table_args__ = (
        CheckConstraint("partner_a_id < partner_b_id", name="ordered_pair"),
        CheckConstraint("level BETWEEN 1 AND 4", name="level"),
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name="dates",
        ),
        CheckConstraint(
            "kind IN ('convention','cofinancement','gouvernance','orientation','echange')",
            name="kind",
        ),
        UniqueConstraint(
            "council_id", "partner_a_id", "partner_b_id", "kind", name="uq_link_natural"
        ),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="council.id", index=True)
    partner_a_id: int = Field(foreign_key="partner.id", index=True)
    partner_b_id: int = Field(foreign_key="partner.id", index=True)
    kind: str = Field(max_length=20)
    level: int
    start_date: Optional[dt.date] = None
    end_date: Optional[dt.date] = None
    note: str = Field(default="")
    version: int = Field(default=1)
    created_at: dt.datetime = Field(default_factory=utc_now)
    updated_at: dt.datetime = Field(default_factory=utc_now)
