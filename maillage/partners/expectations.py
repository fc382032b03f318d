"""Typologies a council expects in its partnership (editable; a default frame applies when it has none)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from maillage.accounts.access import Actor, require_write_council
from maillage.core.errors import ConflictError, NotFoundError, ValidationError
from maillage.core.writes import Entity, Operation, record_change
from maillage.vocabularies.store import Vocabularies
from models import Council, ExpectedTypology

# One entry per expected presence; an entry with several codes is met by any one of them.
DEFAULT_EXPECTATIONS: tuple[tuple[str, ...], ...] = (
    ("MUNI",),
    ("EN",),
    ("POLICE_NAT", "GENDARMERIE", "POLICE_MUN"),
    ("JUSTICE",),
    ("CAF",),
    ("PREVENTION",),
    ("ML",),
    ("BAILLEUR",),
    ("ASSO",),
    ("SANTE", "MDA"),
)


@dataclass(frozen=True)
class Expectation:
    """One expected presence: any one of `codes`."""

    codes: tuple[str, ...]

    @property
    def text(self) -> str:
        """The stored form, `POLICE_NAT|GENDARMERIE|POLICE_MUN`."""
        return "|".join(self.codes)

    def met_by(self, typologies: set[str] | frozenset[str]) -> bool:
        """Whether one of the codes is present."""
        return any(code in typologies for code in self.codes)

    def label(self, vocab: Vocabularies) -> str:
        """`Police nationale ou Gendarmerie nationale ou Police municipale`."""
        return " ou ".join(vocab.label("typology", code) for code in self.codes)


def parse_expectation(text: str) -> Expectation:
    """`police_nat | GENDARMERIE` → Expectation(('POLICE_NAT', 'GENDARMERIE')) (no check against the vocabulary)."""
    codes = []
    for part in text.split("|"):
        code = part.strip().upper()
        if code and code not in codes:
            codes.append(code)
    return Expectation(tuple(codes))


def expectations_for(session: Session, council_id: int | None) -> tuple[list[Expectation], bool]:
    """The council's expectations and whether they are the default frame (it has none of its own)."""
    if council_id is not None:
        rows = session.exec(
            select(ExpectedTypology).where(ExpectedTypology.council_id == council_id).order_by(ExpectedTypology.id)
        ).all()
        if rows:
            return [parse_expectation(row.codes) for row in rows], False
    return [Expectation(codes) for codes in DEFAULT_EXPECTATIONS], True


def missing_expectations(expectations: list[Expectation], present: set[str] | frozenset[str]) -> list[Expectation]:
    """The expectations no present typology meets, in their order."""
    return [expectation for expectation in expectations if not expectation.met_by(present)]


def _check(entries: list[str], vocab: Vocabularies) -> list[Expectation]:
    """The entries as expectations, every code known; ValidationError otherwise."""
    problems: list[tuple[str, str]] = []
    result: list[Expectation] = []
    known = set(vocab.codes("typology"))
    for number, entry in enumerate(entries, start=1):
        expectation = parse_expectation(entry)
        if not expectation.codes:
            continue
        unknown = [code for code in expectation.codes if code not in known]
        if unknown:
            problems.append(("typologies", f"Typologies attendues, ligne {number} : « {', '.join(unknown)} » "
                                           "n'est pas une typologie connue"))
        elif expectation.text not in {e.text for e in result}:
            result.append(expectation)
    if problems:
        raise ValidationError(problems)
    return result


def set_expectations(session: Session, actor: Actor, council_id: int, entries: list[str],
                     expected_current: list[str] | None = None) -> list[Expectation]:
    """Replace a council's expected typologies (`entries`: codes, `|` between alternatives).

    An empty list brings back the default frame. `expected_current` is what the form showed: if the
    stored list changed meanwhile, nothing is saved (ConflictError).
    """
    council = session.get(Council, council_id)
    if council is None:
        raise NotFoundError(f"l'instance n° {council_id} n'existe pas")
    require_write_council(actor, council_id, "modifier les typologies attendues de cette instance")
    current, is_default = expectations_for(session, council_id)
    current_texts = [] if is_default else [e.text for e in current]
    if expected_current is not None and [parse_expectation(t).text for t in expected_current] != current_texts:
        raise ConflictError(
            f"Les typologies attendues de « {council.name} » ont été modifiées pendant que vous les éditiez : "
            "vos changements n'ont pas été enregistrés. Rechargez la page et refaites-les."
        )
    wanted = _check(entries, Vocabularies.load(session))
    if [e.text for e in wanted] == current_texts:
        return wanted or current
    for row in session.exec(select(ExpectedTypology).where(ExpectedTypology.council_id == council_id)).all():
        session.delete(row)
    session.flush()
    for expectation in wanted:
        session.add(ExpectedTypology(council_id=council_id, codes=expectation.text))
    record_change(session, actor, Entity.EXPECTED_TYPOLOGY, Operation.UPDATE, councils={council_id},
                  record_id=council_id, label=f"Typologies attendues — {council.name}",
                  before={"typologies": current_texts}, after={"typologies": [e.text for e in wanted]})
    session.flush()
    return wanted or [Expectation(codes) for codes in DEFAULT_EXPECTATIONS]
