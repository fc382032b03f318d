"""Where the cooperation graph draws each partner, kept per scope so the picture stays the one people know."""

from sqlmodel import Field, SQLModel


class NetworkLayout(SQLModel, table=True):
    """One partner's position in one drawing of one scope (`council:12`, `network:3|council`…); a view cache,
    not user data: no audit, no data version."""

    __tablename__ = "network_layout"

    scope_key: str = Field(primary_key=True, max_length=120)
    partner_id: int = Field(primary_key=True)
    x: float
    y: float
