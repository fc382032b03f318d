"""Vocabularies: seeding the defaults, French labels, and reading a code given as code or label."""

from __future__ import annotations

import re

from sqlmodel import Session, func, select

from maillage.accounts.access import Actor, require_admin
from maillage.core.errors import ValidationError
from maillage.core.text import fold
from maillage.core.writes import Entity, Operation, record_change
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
    def load(cls, session: Session) -> Vocabularies:
        """Read every vocabulary from the database."""
        return cls(list(session.exec(select(VocabularyEntry))))

    @classmethod
    def defaults(cls) -> Vocabularies:
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


VOCABULARY_KINDS = {
    "typology": "Typologies de partenaires",
    "action_type": "Types d'action",
    "theme": "Thèmes",
    "public": "Publics",
    "role": "Rôles dans une action",
    "platform": "Plateformes en ligne",
    "funding": "Financements",
    "typology_group": "Groupes de typologies (secteurs)",
}
_CODE = re.compile(r"^[A-Za-z0-9_]{1,40}$")


def list_entries(session: Session, kind: str) -> list[VocabularyEntry]:
    """Every entry of one vocabulary (inactive ones included), in display order."""
    return list(session.exec(
        select(VocabularyEntry).where(VocabularyEntry.kind == kind)
        .order_by(VocabularyEntry.position, VocabularyEntry.code)
    ))


def add_entry(session: Session, actor: Actor, kind: str, code: str, label: str,
              group_code: str | None = None) -> VocabularyEntry:
    """Extend a vocabulary with a new code (administrators only)."""
    require_admin(actor, "modifier les vocabulaires")
    code, label = code.strip(), label.strip()
    problems = []
    if kind not in VOCABULARY_KINDS:
        problems.append(("kind", f"« {kind} » n'est pas un vocabulaire modifiable"))
    if not _CODE.fullmatch(code):
        problems.append(("code", f"« {code} » : le code ne peut contenir que lettres sans accent, chiffres et _ (40 au plus)"))
    if not label:
        problems.append(("label", "le libellé est obligatoire"))
    if session.get(VocabularyEntry, (kind, code)) is not None:
        problems.append(("code", f"le code « {code} » existe déjà"))
    if kind == "typology":
        groups = {e.code for e in list_entries(session, "typology_group")}
        if group_code not in groups:
            problems.append(("group_code", "choisissez le groupe (secteur) de la typologie"))
    if problems:
        raise ValidationError(problems)
    position = session.exec(select(func.count()).select_from(VocabularyEntry).where(VocabularyEntry.kind == kind)).one()
    entry = VocabularyEntry(kind=kind, code=code, label=label, group_code=group_code, position=position)
    session.add(entry)
    record_change(session, actor, Entity.VOCABULARY, Operation.CREATE, national=True,
                  label=f"{kind} : {code}", after={"kind": kind, "code": code, "label": label, "group": group_code})
    return entry


def update_entry(session: Session, actor: Actor, kind: str, code: str, *, label: str, active: bool) -> VocabularyEntry:
    """Rename or (de)activate a code; data already using it keeps it (administrators only)."""
    require_admin(actor, "modifier les vocabulaires")
    entry = session.get(VocabularyEntry, (kind, code))
    if entry is None:
        raise ValidationError([("code", f"le code « {code} » n'existe pas")])
    if not label.strip():
        raise ValidationError([("label", "le libellé est obligatoire")])
    before = {"label": entry.label, "active": entry.active}
    entry.label, entry.active = label.strip(), active
    session.add(entry)
    record_change(session, actor, Entity.VOCABULARY, Operation.UPDATE, national=True,
                  label=f"{kind} : {code}", before=before, after={"label": entry.label, "active": active})
    return entry
