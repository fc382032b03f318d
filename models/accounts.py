"""User accounts, their councils and networks, and the audit log."""

import datetime as dt
from typing import Optional

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from models.common import utc_now


class User(SQLModel, table=True):
    """A person who signs in; their role decides what they may read and write."""

    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin','coordinateur','reseau','elu')", name="role"
        ),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(max_length=200, unique=True)
    display_name: str = Field(default="", max_length=200)
    role: str = Field(max_length=20)
    password_hash: Optional[str] = Field(default=None, max_length=300)
    active: bool = Field(default=True)
    failed_attempts: int = Field(default=0)
    locked_until: Optional[dt.datetime] = None
    last_login_at: Optional[dt.datetime] = None
    version: int = Field(default=1)
    created_at: dt.datetime = Field(default_factory=utc_now)


class UserCouncil(SQLModel, table=True):
    """A council a coordinator or elected official belongs to."""

    __tablename__ = "user_council"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    council_id: int = Field(foreign_key="council.id", primary_key=True, ondelete="CASCADE")


class UserNetwork(SQLModel, table=True):
    """A network a network member belongs to."""

    __tablename__ = "user_network"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    network_id: int = Field(foreign_key="network.id", primary_key=True, ondelete="CASCADE")


class AuditEntry(SQLModel, table=True):
    """One change: who, when, which record, values before and after (JSON)."""

    __tablename__ = "audit_entry"

    id: Optional[int] = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utc_now, index=True)
    user_email: str = Field(default="", max_length=200, index=True)
    operation: str = Field(max_length=20)
    entity: str = Field(max_length=40, index=True)
    record_id: Optional[int] = Field(default=None, index=True)
    label: str = Field(default="", max_length=300)
    before: Optional[str] = None
    after: Optional[str] = None


class SignInSession(SQLModel, table=True):
    """A signed-in browser: only the SHA-256 of its random token is kept, with its ages and state."""

    __tablename__ = "signin_session"

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = Field(default_factory=utc_now)
    last_seen_at: dt.datetime = Field(default_factory=utc_now)
    expires_at: dt.datetime
    user_agent: str = Field(default="", max_length=300)
    single_sign_on: bool = Field(default=False)
    revoked_at: Optional[dt.datetime] = None
