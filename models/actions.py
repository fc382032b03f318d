"""Shared prevention actions, their lists (territories, themes, publics…), partners, indicators, and coverage rules."""

import datetime as dt
from typing import Optional

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import utc_now


class Action(SQLModel, table=True):
    """A shared prevention action of a council."""

    __tablename__ = "action"
    __table_args__ = (
        UniqueConstraint("title", "council_id", name="uq_action_title_council"),
        CheckConstraint(
            "status IN ('projet','en_cours','terminee','suspendue')", name="status"
        ),
        CheckConstraint(
            "mode IS NULL OR mode IN ('site','mobile','en_ligne')", name="mode"
        ),
        CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name="dates"
        ),
        CheckConstraint(
            "weekly_hours IS NULL OR weekly_hours >= 0", name="hours"
        ),
        CheckConstraint("budget_eur IS NULL OR budget_eur >= 0", name="budget"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    council_id: int = Field(foreign_key="council.id", index=True)
    action_type: str = Field(max_length=40, index=True)
    status: str = Field(max_length=20)
    start_date: dt.date
    end_date: Optional[dt.date] = None
    mode: Optional[str] = Field(default=None, max_length=10)
    weekly_hours: Optional[float] = None
    budget_eur: Optional[float] = None
    shared: bool = Field(default=False)
    notes: str = Field(default="")
    evaluation: str = Field(default="")
    archived_at: Optional[dt.datetime] = None
    version: int = Field(default=1)
    created_at: dt.datetime = Field(default_factory=utc_now)
    updated_at: dt.datetime = Field(default_factory=utc_now)


class ActionTerritory(SQLModel, table=True):
    """A territory an action covers."""

    __tablename__ = "action_territory"

    action_id: int = Field(foreign_key="action.id", primary_key=True, ondelete="CASCADE")
    territory_key: str = Field(foreign_key="territory.key", primary_key=True, max_length=80)


class ActionTheme(SQLModel, table=True):
    """A theme an action addresses."""

    __tablename__ = "action_theme"

    action_id: int = Field(foreign_key="action.id", primary_key=True, ondelete="CASCADE")
    theme: str = Field(primary_key=True, max_length=40)


class ActionPublic(SQLModel, table=True):
    """A public an action is for."""

    __tablename__ = "action_public"

    action_id: int = Field(foreign_key="action.id", primary_key=True, ondelete="CASCADE")
    public: str = Field(primary_key=True, max_length=40)


class ActionPlatform(SQLModel, table=True):
    """An online platform an action is present on."""

    __tablename__ = "action_platform"

    action_id: int = Field(foreign_key="action.id", primary_key=True, ondelete="CASCADE")
    platform: str = Field(primary_key=True, max_length=20)


class ActionFunding(SQLModel, table=True):
    """A funding source of an action."""

    __tablename__ = "action_funding"

    action_id: int = Field(foreign_key="action.id", primary_key=True, ondelete="CASCADE")
    funding: str = Field(primary_key=True, max_length=20)


class ActionPartner(SQLModel, table=True):
    """A partner's role in an action (one row per action, partner and role)."""

    __tablename__ = "action_partner"
    __table_args__ = (
        UniqueConstraint("action_id", "partner_id", "role", name="uq_action_partner_role"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True, ondelete="CASCADE")
    partner_id: int = Field(foreign_key="partner.id", index=True)
    role: str = Field(max_length=20)


class Indicator(SQLModel, table=True):
    """Yearly counts of an action (never anything about individuals)."""

    __tablename__ = "indicator"
    __table_args__ = (
        UniqueConstraint("action_id", "year", name="uq_indicator_year"),
        CheckConstraint("year BETWEEN 1990 AND 2100", name="year"),
        CheckConstraint(
            "(people_reached IS NULL OR people_reached >= 0)"
            " AND (sessions IS NULL OR sessions >= 0)"
            " AND (online_contacts IS NULL OR online_contacts >= 0)"
            " AND (referrals IS NULL OR referrals >= 0)",
            name="counts",
        ),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True, ondelete="CASCADE")
    year: int
    people_reached: Optional[int] = None
    sessions: Optional[int] = None
    online_contacts: Optional[int] = None
    referrals: Optional[int] = None
    version: int = Field(default=1)


class CoverageRule(SQLModel, table=True):
    """A council's expectation: every commune of at least `population_min` has this action type for this public."""

    __tablename__ = "coverage_rule"
    __table_args__ = (
        UniqueConstraint("council_id", "action_type", "public", name="uq_coverage_rule"),
        CheckConstraint("population_min >= 0", name="population"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="council.id", index=True, ondelete="CASCADE")
    action_type: str = Field(max_length=40)
    public: str = Field(max_length=40)
    population_min: int = Field(default=0)
