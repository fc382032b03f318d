"""Councils (CLSPD, CISPD, missions), their territories and working groups, and networks."""

import datetime as dt
from typing import Optional

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import utc_now


class Council(SQLModel, table=True):
    """A coordination body (CLSPD, CISPD, CDPD, mission…) covering one or more territories."""

    __tablename__ = "council"
    __table_args__ = (
        CheckConstraint("status IN ('active','en_sommeil')", name="status"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=20)
    coordination_contact: str = Field(default="", max_length=300)
    last_plenary: Optional[dt.date] = None
    status: str = Field(default="active", max_length=20)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(default_factory=utc_now)
    updated_at: dt.datetime = Field(default_factory=utc_now)


class CouncilTerritory(SQLModel, table=True):
    """A territory covered by a council."""

    __tablename__ = "council_territory"

    council_id: int = Field(foreign_key="council.id", primary_key=True, ondelete="CASCADE")
    territory_key: str = Field(foreign_key="territory.key", primary_key=True, max_length=80)


class WorkingGroup(SQLModel, table=True):
    """A thematic working group of a council."""

    __tablename__ = "working_group"
    __table_args__ = (UniqueConstraint("council_id", "name", name="uq_working_group"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="council.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    theme: Optional[str] = Field(default=None, max_length=40)


class ExpectedTypology(SQLModel, table=True):
    """One expected presence in a council's partnership: any one of `codes` (`|`-separated)."""

    __tablename__ = "expected_typology"
    __table_args__ = (UniqueConstraint("council_id", "codes", name="uq_expected_typology"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="council.id", index=True, ondelete="CASCADE")
    codes: str = Field(max_length=200)


class Network(SQLModel, table=True):
    """A membership group across councils or partners (regional, Promeneurs du Net, thematic)."""

    __tablename__ = "network"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('regional','promeneurs_du_net','thematique')", name="kind"
        ),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=30)
    version: int = Field(default=1)


class NetworkCouncil(SQLModel, table=True):
    """A council that is a member of a network."""

    __tablename__ = "network_council"

    network_id: int = Field(foreign_key="network.id", primary_key=True, ondelete="CASCADE")
    council_id: int = Field(foreign_key="council.id", primary_key=True, ondelete="CASCADE")


class NetworkPartner(SQLModel, table=True):
    """A partner that is a member of a network."""

    __tablename__ = "network_partner"

    network_id: int = Field(foreign_key="network.id", primary_key=True, ondelete="CASCADE")
    partner_id: int = Field(foreign_key="partner.id", primary_key=True, ondelete="CASCADE")


class ColumnMapping(SQLModel, table=True):
    """A council's remembered reading of a file header (« Ville » → `commune_siege`), per kind of file."""

    __tablename__ = "column_mapping"

    council_id: int = Field(foreign_key="council.id", primary_key=True, ondelete="CASCADE")
    kind: str = Field(primary_key=True, max_length=30)
    header: str = Field(primary_key=True, max_length=200)
    column: str = Field(default="", max_length=40)
