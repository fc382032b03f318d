"""Vocabularies: seeding the defaults, French labels, and reading a code given as code or label."""

from __future__ import annotations

from sqlmodel import Session, select

from maillage.text import fold
from models import VocabularyEntry
from models.vocabularies import TYPOLOGIES, VOCABULARIES


def seed_vocabularies(session: Session) -> int:
    """Add every default vocabulary entry that is missing (administrators' changes are kept)."""
    existing = {(entry.kind, entry.code) for entry in session.exec(select(VocabularyEntry))}
    added = 0
    for kind, entries in VOCABULARIES.items():
        for position, (code, label) in enumerate(entries.items()):
            if (kind, code) in existing:
                continue
            group = TYPOLOGIES[code][1] if kind == "typology" else None
            session.add(
                VocabularyEntry(kind=kind, code=code, label=label, group_code=group, position=position)
            )
            added += 1
    return added


class Vocabularies:
    """The vocabularies in force, read once from the database (codes, labels, typology groups)."""

    def __init__(self, entries: list[VocabularyEntry]):
        self._labels: dict[str, dict[str, str]] = {}
        self._groups: dict[str, str] = {}
        self._lookup: dict[str, dict[str, str]] = {}
        for entry in sorted(entries, key=lambda e: (e.kind, e.position, e.code)):
            if not entry.active:
                continue
            self._labels.setdefault(entry.kind, {})[entry.code] = entry.label
            lookup = self._lookup.setdefault(entry.kind, {})
            lookup.setdefault(fold(entry.code), entry.code)
            lookup.setdefault(fold(entry.label), entry.code)
            if entry.group_code:
                self._groups[entry.code] = entry.group_code

    @classmethod
    def load(cls, session: Session) -> "Vocabularies":
        """Read every vocabulary from the database."""
        return cls(list(session.exec(select(VocabularyEntry))))

    @classmethod
    def defaults(cls) -> "Vocabularies":
        """The shipped defaults, without a database (tests, pure computations)."""
        entries = []
        for kind, values in VOCABULARIES.items():
            for position, (code, label) in enumerate(values.items()):
                group = TYPOLOGIES[code][1] if kind == "typology" else None
                entries.append(
                    VocabularyEntry(kind=kind, code=code, label=label, group_code=group, position=position)
                )
        return cls(entries)

    def labels(self, kind: str) -> dict[str, str]:
        """code → French label, in display order."""
        return dict(self._labels.get(kind, {}))

    def codes(self, kind: str) -> list[str]:
        """The codes of a vocabulary, in display order."""
        return list(self._labels.get(kind, {}))

    def label(self, kind: str, code: str | None) -> str:
        """The French label of a code (the code itself when unknown)."""
        if code is None:
            return ""
        return self._labels.get(kind, {}).get(code, code)

    def group_of(self, typology: str) -> str:
        """The typology group (sector) of a partner typology."""
        return self._groups.get(typology, "associatif")

    def parse(self, kind: str, value: str) -> str | None:
        """The code for `value` given as code or French label, any case or accents; None if unknown."""
        return self._lookup.get(kind, {}).get(fold(value))
