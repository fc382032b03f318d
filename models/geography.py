"""Official French geography (régions, départements, EPCI, EPT, communes) and user sub-territories."""

from typing import Optional

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

TERRITORY_LEVELS = ("reg", "dep", "epci", "ept", "com", "sub")


class Territory(SQLModel, table=True):
    """One territory; `key` is `level:code` (`com:33063`, `epci:243300316`, `sub:33063:benauge`)."""

    __tablename__ = "territory"
    __table_args__ = (
        CheckConstraint(
            "level IN ('reg','dep','epci','ept','com','sub')", name="level"
        ),
        CheckConstraint("population >= 0", name="population"),
        Index("ix_territory_level_code", "level", "code"),
    )

    key: str = Field(primary_key=True, max_length=80)
    level: str = Field(max_length=4)
    code: str = Field(max_length=60)
    name: str = Field(max_length=200, index=True)
    population: int = Field(default=0)
    zone: Optional[str] = Field(default=None, max_length=8)
    epci_kind: Optional[str] = Field(default=None, max_length=8)
    region_code: Optional[str] = Field(default=None, max_length=4, index=True)
    departement_code: Optional[str] = Field(default=None, max_length=4, index=True)
    epci_code: Optional[str] = Field(default=None, max_length=9, index=True)
    ept_code: Optional[str] = Field(default=None, max_length=9, index=True)
    # For a sub-territory: the commune it lies in.
    commune_code: Optional[str] = Field(default=None, max_length=5, index=True)
    search_name: str = Field(default="", max_length=200, index=True)
