"""A partner's answer (its card, the partners it works with and how closely, links it stopped, a comment)
and what two answers say about the same pair: « tel que déclaré » (each direction) and « tel que convenu »."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

# The four levels of the collaboration continuum, as a partner reads them.
LEVEL_PHRASES = {
    1: "On s'informe",
    2: "On coordonne nos activités",
    3: "On partage des moyens",
    4: "On construit ensemble",
}
LEVEL_DETAILS = {
    1: "nous échangeons des informations sur nos activités",
    2: "nous ajustons aussi nos activités les uns aux autres (calendriers, orientations)",
    3: "nous mettons aussi en commun des moyens (locaux, personnels, financements)",
    4: "nous construisons aussi des projets ensemble et renforçons mutuellement nos capacités",
}
CARD_FIELDS = ("name", "typology", "seat_commune", "website", "contact_name", "contact_role", "contact_email",
               "contact_phone")


def level_phrase(level: int | None) -> str:
    """« 2 — On coordonne nos activités »."""
    return f"{level} — {LEVEL_PHRASES[level]}" if level in LEVEL_PHRASES else "niveau non précisé"


@dataclass
class CardAnswer:
    """The partner's card as it confirms or corrects it."""

    name: str = ""
    typology: str = ""
    seat_commune: str = ""
    website: str = ""
    contact_name: str = ""
    contact_role: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    network_ids: list[int] = field(default_factory=list)


@dataclass
class LinkAnswer:
    """A partner of the council the answering partner works with: the kinds of link and the level."""

    partner_id: int
    kinds: list[str] = field(default_factory=list)
    level: int | None = None


@dataclass
class Answer:
    """A whole answer (draft or submitted)."""

    card: CardAnswer = field(default_factory=CardAnswer)
    links: list[LinkAnswer] = field(default_factory=list)
    ended: list[int] = field(default_factory=list)
    comment: str = ""

    def to_json(self) -> str:
        """The stored form."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Answer:
        """Read a stored answer (an empty one for empty text)."""
        if not text:
            return cls()
        data = json.loads(text)
        card = data.get("card") or {}
        return cls(
            card=CardAnswer(**{k: card.get(k, "" if k != "network_ids" else []) for k in CardAnswer.__dataclass_fields__}),
            links=[LinkAnswer(int(item["partner_id"]), list(item.get("kinds") or []), item.get("level"))
                   for item in data.get("links") or []],
            ended=[int(x) for x in data.get("ended") or []],
            comment=data.get("comment") or "",
        )


@dataclass(frozen=True)
class Declaration:
    """What one partner (`declarer`) says about another: kinds and level, or that the link stopped."""

    declarer: int
    other: int
    kinds: frozenset[str] = frozenset()
    level: int | None = None
    ended: bool = False


def declarations_of(partner_id: int, answer: Answer) -> list[Declaration]:
    """The directed declarations of one answer."""
    found = [Declaration(partner_id, link.partner_id, frozenset(link.kinds), link.level) for link in answer.links]
    found += [Declaration(partner_id, other, ended=True) for other in answer.ended]
    return found


CONCORDANT, DIVERGENT, ONE_SIDED, ENDED = "concordant", "divergent", "unilateral", "ended"
STATUS_LABELS = {CONCORDANT: "Concordant", DIVERGENT: "Divergent", ONE_SIDED: "Déclaré d'un seul côté",
                 ENDED: "Arrêté des deux côtés"}


@dataclass(frozen=True)
class PairMerge:
    """Both directions of a pair (a < b) and what they agree on."""

    a: int
    b: int
    a_says: Declaration | None
    b_says: Declaration | None
    a_answered: bool
    b_answered: bool
    status: str
    kinds: frozenset[str]  # kinds both cite (empty unless both say they work together)
    level: int | None  # the lower of the two levels: what both recognise

    @property
    def agreed(self) -> bool:
        """Both say they work together (whatever the kinds and levels)."""
        return self.status in (CONCORDANT, DIVERGENT) and bool(self.a_says and self.b_says
                                                             and not self.a_says.ended and not self.b_says.ended)


def merge_pair(first: Declaration | None, second: Declaration | None, answered: set[int] | frozenset[int],
               pair: tuple[int, int] | None = None) -> PairMerge:
    """Merge what two partners declared about each other (either may be missing)."""
    if pair is None:
        known = first or second
        if known is None:
            raise ValueError("merge_pair needs a declaration or a pair")
        pair = (known.declarer, known.other)
    a, b = sorted(pair)
    says = {d.declarer: d for d in (first, second) if d is not None}
    for d in says.values():
        if {d.declarer, d.other} != {a, b}:
            raise ValueError("declarations of another pair")
    a_says, b_says = says.get(a), says.get(b)
    kinds: frozenset[str] = frozenset()
    level = None
    if a_says and b_says:
        if a_says.ended and b_says.ended:
            status = ENDED
        elif a_says.ended or b_says.ended:
            status = DIVERGENT
        else:
            kinds = a_says.kinds & b_says.kinds
            levels = [x for x in (a_says.level, b_says.level) if x is not None]
            level = min(levels) if levels else None
            same = a_says.kinds == b_says.kinds and a_says.level == b_says.level
            status = CONCORDANT if same else DIVERGENT
    else:
        status = ONE_SIDED
    return PairMerge(a, b, a_says, b_says, a in answered, b in answered, status, kinds, level)


def merge_answers(answers: dict[int, Answer]) -> list[PairMerge]:
    """Every pair mentioned in the submitted answers (partner id → answer), merged, by pair."""
    by_pair: dict[tuple[int, int], list[Declaration]] = {}
    for partner_id, answer in answers.items():
        for declaration in declarations_of(partner_id, answer):
            if declaration.other == partner_id:
                continue
            by_pair.setdefault(tuple(sorted((partner_id, declaration.other))), []).append(declaration)
    answered = frozenset(answers)
    merged = []
    for pair, found in sorted(by_pair.items()):
        first = found[0]
        second = next((d for d in found[1:] if d.declarer != first.declarer), None)
        merged.append(merge_pair(first, second, answered, pair))
    return merged


@dataclass(frozen=True)
class DeclaredRow:
    """One direction: what `declarer` says about `other`."""

    declarer: int
    other: int
    kinds: tuple[str, ...]
    level: int | None
    ended: bool
    confirmed: bool  # the other partner says the same


def as_declared(answers: dict[int, Answer]) -> list[DeclaredRow]:
    """The network « tel que déclaré »: every direction, each with whether the other side says the same."""
    merged = {(m.a, m.b): m for m in merge_answers(answers)}
    rows = []
    for partner_id, answer in sorted(answers.items()):
        for d in declarations_of(partner_id, answer):
            if d.other == partner_id:
                continue
            pair = merged[tuple(sorted((d.declarer, d.other)))]
            rows.append(DeclaredRow(d.declarer, d.other, tuple(sorted(d.kinds)), d.level, d.ended,
                                    pair.status in (CONCORDANT, ENDED)))
    return rows


def as_agreed(answers: dict[int, Answer]) -> list[PairMerge]:
    """The network « tel que convenu »: pairs both partners say they work in, with the kinds both cite and
    the lower level (status concordant, or divergent when kinds or levels differ)."""
    return [m for m in merge_answers(answers) if m.agreed]
