"""Vocabularies (extensible by administrators) and application metadata."""

from typing import Optional

from sqlmodel import Field, SQLModel


class VocabularyEntry(SQLModel, table=True):
    """One code of a vocabulary (typology, action type, theme…) with its French label."""

    __tablename__ = "vocabulary"

    kind: str = Field(primary_key=True, max_length=30)
    code: str = Field(primary_key=True, max_length=40)
    label: str = Field(max_length=200)
    group_code: Optional[str] = Field(default=None, max_length=40)
    position: int = Field(default=0)
    active: bool = Field(default=True)


class AppMeta(SQLModel, table=True):
    """Key/value facts about the database: data version, demo flag, geography vintage."""

    __tablename__ = "app_meta"

    key: str = Field(primary_key=True, max_length=40)
    value: str = Field(default="", max_length=400)
