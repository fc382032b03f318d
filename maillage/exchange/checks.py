"""Validate exchange tables against the database and each other: the records to write, or every problem."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from maillage.accounts.access import SYSTEM, Actor, can_write_council
from maillage.actions.status import status_date_warnings
from maillage.core.errors import MaillageError, PermissionDenied
from maillage.core.text import fold
from maillage.core.validators import (
    email_problem,
    personal_data_problem,
    siret_problem,
    url_problem,
)
from maillage.exchange.formats import KIND_ORDER, KINDS
from maillage.exchange.problems import Problem
from maillage.exchange.reader import Row, Table
from maillage.exchange.records import (
    ActionRecord,
    ActionRoleRecord,
    CouncilRecord,
    IndicatorRecord,
    LinkRecord,
    NetworkRecord,
    PartnerRecord,
    Record,
    RuleRecord,
)
from maillage.exchange.values import (
    CellError,
    looks_like_formula,
    parse_bool,
    parse_count,
    parse_date,
    parse_number,
    split_list,
)
from maillage.geography.keys import territory_key
from maillage.geography.names import Context, TerritoryNames
from maillage.partners.access import contact_readable_ids, owned_partner_ids
from maillage.partners.partnership import council_footprint
from maillage.vocabularies.store import Vocabularies
from models import Action, Council, Network, Partner, Territory

PARTNER_WITH_COMMUNE = re.compile(r"^(?P<name>.+?)\s*\((?P<code>[0-9][0-9ABab][0-9]{3})\)$")
MAX_WEEKLY_HOURS = 168
Progress = Callable[[float, str], None]


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


class ImportRefused(MaillageError):
    """The import has problems; nothing was written. `plan.problems` lists them all."""

    def __init__(self, plan: ImportPlan):
        """Keep the plan, whose problems say why."""
        self.plan = plan
        count = len(plan.problems)
        super().__init__(f"{count} erreur{'s' if count > 1 else ''} : rien n'a été importé.")


@dataclass(slots=True)
class CheckedRow:
    """A row that passed: the record to write, the columns its file has, and its place for the preview.

    `protected` is set by the check when the row names an existing record the actor may not change: the
    reason the write refuses the row if it would change anything (an unchanged row is fine).
    """

    kind: str
    source: str
    line: int
    record: Record
    columns: frozenset[str]
    protected: str = ""

    def has(self, field_name: str) -> bool:
        """Whether the row's file has the column that fills a record field (absent columns change nothing)."""
        return KINDS[self.kind].column_of.get(field_name) in self.columns


@dataclass(slots=True)
class LineResult:
    """One data row of the import, for the preview: what it is and whether it passed."""

    kind: str
    source: str
    line: int
    label: str
    ok: bool


@dataclass
class ImportPlan:
    """Everything an import would write, or the problems that stop it; warnings never stop it."""

    rows: dict[str, list[CheckedRow]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    lines: list[LineResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether nothing stops the import."""
        return not self.problems

    @property
    def row_count(self) -> int:
        """How many data rows were read."""
        return len(self.lines)


@dataclass
class PartnerRef:
    """A partner known by name and seat commune code (from the database or this import)."""

    name: str
    seat: str
    archived: bool = False
    id: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        """(name, seat commune code)."""
        return (self.name, self.seat)


class _Index:
    """Names known from the database and from the rows already checked in this import."""

    def __init__(self, session: Session):
        """Load what rows may refer to, once."""
        self.session = session
        self.territories: set[str] = set(session.exec(select(Territory.key)).all())
        self.names = TerritoryNames(session)  # territories written as names, postal codes… (loaded when needed)
        self.context_councils: frozenset[int] = frozenset()
        self.today = dt.date.today()  # the day actions' statuses are checked against (check_tables sets it)
        self._context: Context | None = None
        self.sub_by_name: dict[str, list[str]] = {}
        for key, name in session.exec(select(Territory.key, Territory.name).where(Territory.level == "sub")):
            self.sub_by_name.setdefault(fold(name), []).append(key)
        self.councils: dict[str, tuple[str, int | None]] = {
            fold(name): (name, council_id) for council_id, name in session.exec(select(Council.id, Council.name))
        }
        self.networks = {fold(name): name for name in session.exec(select(Network.name)).all()}
        self.partners: dict[str, list[PartnerRef]] = {}
        self.resolved: dict[str, list[PartnerRef]] = {}
        for id_, name, seat, archived_at in session.exec(
            select(Partner.id, Partner.name, Partner.seat_commune_key, Partner.archived_at)
        ):
            self.add_partner(name, seat.split(":", 1)[1], archived=archived_at is not None, id_=id_)
        self.stored_networks = set(self.networks)
        self._editable_partners: set[int] | None = None
        self._readable_contacts: set[int] | None = None
        self._area = None
        self._by_siret: dict[str, PartnerRef] | None = None
        self.actions: set[tuple[str, str]] = set()
        for title, council in session.exec(
            select(Action.title, Council.name).join(Council, Council.id == Action.council_id)
        ):
            self.actions.add((fold(title), fold(council)))
        self.seen: dict[str, dict[Any, int]] = {kind: {} for kind in KINDS}
        self.cells: dict[tuple, tuple] = {}  # valid list cells already parsed

    @property
    def context(self) -> Context | None:
        """The communes and départements of the councils the import is read for (names resolve inside them)."""
        if self._context is None and self.context_councils:
            area = council_footprint(self.session, sorted(self.context_councils))
            self._context = Context(frozenset(area.codes["com"]), frozenset(area.codes["dep"]))
        return self._context

    def add_partner(self, name: str, seat_code: str, archived: bool = False, id_: int | None = None) -> PartnerRef:
        """Know a partner (from the database, with its id, or a checked row)."""
        self.resolved.clear()
        refs = self.partners.setdefault(fold(name), [])
        for ref in refs:
            if ref.seat == seat_code and fold(ref.name) == fold(name):
                ref.archived = archived
                return ref
        ref = PartnerRef(name, seat_code, archived, id_)
        refs.append(ref)
        return ref

    def by_siret(self) -> dict[str, PartnerRef]:
        """SIRET → the partner that has it (loaded when first needed)."""
        if self._by_siret is None:
            self._by_siret = {}
            for name, seat, siret in self.session.exec(
                select(Partner.name, Partner.seat_commune_key, Partner.siret).where(Partner.siret.is_not(None))
            ):
                self._by_siret.setdefault(siret, PartnerRef(name, seat.split(":", 1)[1]))
        return self._by_siret

    def editable_partners(self, actor: Actor) -> set[int]:
        """The ids of the partners the actor owns (maillage.partners.access: their councils' territory holds the
        seat or a territory of intervention; a link or an action grants nothing), computed once."""
        if self._editable_partners is None:
            self._editable_partners = owned_partner_ids(self.session, actor) or set()
        return self._editable_partners

    def inside(self, actor: Actor, seat_key: str, territory_keys: list[str]) -> bool:
        """Whether a partner seated at `seat_key` with these territories lies in the actor's councils' territory."""
        if self._area is None:
            self._area = council_footprint(self.session, sorted(actor.council_ids))
        return self._area.meets(seat_key) or any(self._area.meets(key) for key in territory_keys)

    def hidden_contact(self, actor: Actor, partner_id: int) -> tuple[str, str, str, str] | None:
        """A stored partner's contact when the actor may not read it (an export leaves it empty), else None."""
        if self._readable_contacts is None:
            self._readable_contacts = contact_readable_ids(self.session, actor) or set()
        if partner_id in self._readable_contacts:
            return None
        return tuple(self.session.exec(select(Partner.contact_name, Partner.contact_role, Partner.contact_email,
                                              Partner.contact_phone).where(Partner.id == partner_id)).one())

    def first_line(self, kind: str, key: Any, line: int) -> int | None:
        """The line where `key` already appeared in this import (None the first time)."""
        seen = self.seen[kind]
        if key in seen:
            return seen[key]
        seen[key] = line
        return None


class _RowChecker:
    """Collects the problems of one row while parsing its cells; cells are named by the record field they fill
    (the format's column table gives the column, which problems name)."""

    __slots__ = ("plan", "table", "row", "vocab", "index", "actor", "failed", "cells", "skip", "protected",
                 "columns")

    def __init__(self, plan: ImportPlan, table: Table, row: Row, vocab: Vocabularies, index: _Index, actor: Actor):
        """Check one row of one table."""
        self.plan, self.table, self.row = plan, table, row
        self.vocab, self.index, self.actor = vocab, index, actor
        self.failed = False
        self.skip = False  # a repeated row that is ignored (with a warning)
        self.protected = ""  # why the write must refuse this row if it changes an existing record
        self.cells = row.cells
        self.columns = table.format.column_of

    def cell(self, field_name: str) -> str:
        """The cell that fills a record field ('' when the column is absent)."""
        return self.cells.get(self.columns[field_name], "")

    def problem(self, field_name: str, value: str, reason: str, *, permission: bool = False) -> None:
        """Refuse the row: record a problem located at the field's column (`permission`: for lack of rights)."""
        self.failed = True
        self.plan.problems.append(Problem(self.table.source, self.row.line, self.columns[field_name], value, reason,
                                          permission))

    def warn(self, field_name: str, value: str, reason: str) -> None:
        """Flag a cell without refusing the row."""
        self.plan.warnings.append(Problem(self.table.source, self.row.line, self.columns[field_name], value, reason))

    def required(self, field_name: str) -> str:
        """A required cell's value, or a problem when it is empty."""
        value = self.cell(field_name)
        if not value:
            self.problem(field_name, "", "valeur obligatoire manquante")
        return value

    def name(self, field_name: str) -> str:
        """A required name that lists may hold (networks' members, partners' networks): no `|` in it."""
        value = self.required(field_name)
        if "|" in value:
            self.problem(field_name, value, "ne doit pas contenir le caractère | (il sépare les éléments des listes)")
        return value

    def parsed(self, field_name: str, parser: Callable[[str], Any], default: Any = None) -> Any:
        """A cell through a parser; its CellError becomes a problem."""
        value = self.cell(field_name)
        try:
            return parser(value)
        except CellError as error:
            self.problem(field_name, value, str(error))
            return default

    def text(self, field_name: str, *, private_check: bool = False) -> str:
        """A free-text cell, flagged when formula-like, refused when it holds personal contact details."""
        value = self.cell(field_name)
        if looks_like_formula(value):
            self.warn(field_name, value, "ressemble à une formule de tableur : enregistré comme simple texte")
        if private_check and value:
            reason = personal_data_problem(value)
            if reason:
                self.problem(field_name, value, reason)
        return value

    def vocab_code(self, kind: str, field_name: str, value: str, what: str) -> str | None:
        """The code of `value` in vocabulary `kind` (code or French label, any case), or a problem."""
        if not value:
            return None
        code = _parse_vocab(self.vocab, kind, value)
        if code is None:
            codes = self.vocab.codes(kind)
            known = ", ".join(codes[:14]) + ("…" if len(codes) > 14 else "")
            known_word = "connu" if what.startswith("un ") else "connue"
            self.problem(field_name, value, f"n'est pas {what} {known_word} (valeurs possibles : {known})")
        return code

    def vocab_list(self, kind: str, field_name: str, what: str) -> list[str]:
        """The codes of a `|`-separated vocabulary cell."""
        cell = self.cell(field_name)
        cache_key = ("vocab", kind, cell)
        known = self.index.cells.get(cache_key)
        if known is not None:
            return list(known)
        codes, valid = [], True
        for value in split_list(cell):
            code = self.vocab_code(kind, field_name, value, what)
            valid = valid and code is not None
            if code is not None and code not in codes:
                codes.append(code)
        if valid:
            self.index.cells[cache_key] = tuple(codes)
        return codes

    def duplicate(self, field_name: str, value: str, key: Any, what: str) -> None:
        """A problem when `key` was already seen in this import."""
        first = self.index.first_line(self.table.kind, key, self.row.line)
        if first is not None:
            self.problem(field_name, value, f"{what} apparaît deux fois dans l'import (déjà ligne {first})")


_vocab_cache: dict[tuple[int, str, str], str | None] = {}


_LEVEL_WORDS = re.compile(r"[^\W\d_][^\W\d_' -]*")


def link_level(vocab: Vocabularies, value: str) -> str | None:
    """A collaboration level: exactly 1, 2, 3 or 4, or a level's label (`coordination`); never `-1`, `+3`,
    `(2)` or `#3`, which folding used to turn into a level (issue 20)."""
    text = value.strip()
    if text in ("1", "2", "3", "4"):
        return text
    if _LEVEL_WORDS.fullmatch(text):
        return _parse_vocab(vocab, "link_level", text)
    return None


def _parse_vocab(vocab: Vocabularies, kind: str, value: str) -> str | None:
    """`Vocabularies.parse`, cached per value."""
    key = (id(vocab), kind, value)
    if key not in _vocab_cache:
        if len(_vocab_cache) > 100_000:
            _vocab_cache.clear()
        _vocab_cache[key] = vocab.parse(kind, value)
    return _vocab_cache[key]


def _territories(checker: _RowChecker, field_name: str, levels: set[str] | None = None) -> list[str]:
    """The territory keys of a `|`-separated cell; each unknown reference is a problem saying what to write."""
    cell = checker.cell(field_name)
    cache_key = ("territories", cell, levels is not None)
    known = checker.index.cells.get(cache_key)
    if known is not None:  # the same cell, already found valid (files repeat them a lot)
        return list(known)
    failed = checker.failed
    checker.failed = False
    keys = _territory_keys(checker, field_name, cell, levels)
    if not checker.failed:
        checker.index.cells[cache_key] = tuple(keys)
    checker.failed = checker.failed or failed
    return keys


_FOUR_DIGITS = re.compile(r"\d{4}")


def _territory_keys(checker: _RowChecker, field_name: str, cell: str, levels: set[str] | None) -> list[str]:
    """Parse one territory cell (no cache)."""
    index = checker.index
    keys: list[str] = []
    for reference in split_list(cell):
        key = territory_key(reference)
        if key not in index.territories and _FOUR_DIGITS.fullmatch(reference) and f"com:0{reference}" in index.territories:
            key = f"com:0{reference}"  # a spreadsheet dropped the leading zero of an INSEE code
        if key.startswith("sub:"):
            matches = index.sub_by_name.get(fold(key[4:]), [])
            if key in index.territories:
                keys.append(key)
            elif len(matches) == 1:
                keys.append(matches[0])
            else:
                checker.problem(field_name, reference, "désigne plusieurs sous-territoires : écrivez sub:CODE_COMMUNE:nom"
                                if matches else "n'est pas un sous-territoire connu")
            continue
        level = key.split(":", 1)[0] if ":" in key else ""
        if key in index.territories:
            if levels is not None and level not in levels:
                checker.problem(field_name, reference, "n'est pas une commune (code INSEE à 5 caractères attendu)")
            elif key not in keys:
                keys.append(key)
            continue
        found = index.names.resolve(reference, levels, index.context)
        if found.key is None:
            checker.problem(field_name, reference, found.problem)
        elif found.key not in keys:
            keys.append(found.key)
    return keys


def _council(checker: _RowChecker, field_name: str = "council") -> str | None:
    """The council named in `field_name`, which the actor must be allowed to write."""
    value = checker.required(field_name)
    if not value:
        return None
    known = checker.index.councils.get(fold(value))
    if known is None:
        checker.problem(field_name, value, "n'est pas une instance connue (importez d'abord les instances)")
        return None
    name, council_id = known
    if not can_write_council(checker.actor, council_id):
        checker.problem(field_name, value, "vous n'êtes pas coordinateur de cette instance : ligne refusée", permission=True)
        return None
    return name


def resolve_partner(index: _Index, value: str) -> tuple[list[PartnerRef], bool]:
    """Candidates for a partner reference (`nom` or `nom (code commune)`), and whether a commune was given."""
    if value not in index.resolved:
        index.resolved[value] = _resolve_partner(index, value)
    return index.resolved[value]


def _resolve_partner(index: _Index, value: str) -> tuple[list[PartnerRef], bool]:
    """Candidates for a partner reference, uncached."""
    match = PARTNER_WITH_COMMUNE.match(value) if value.endswith(")") else None
    if match:
        candidates = [ref for ref in index.partners.get(fold(match["name"]), []) if ref.seat == match["code"].upper()]
        if candidates:
            return candidates, True
    candidates = list(index.partners.get(fold(value), []))
    if len(candidates) > 1:
        exact = [ref for ref in candidates if ref.name == value]
        candidates = exact if len(exact) == 1 else candidates
    if len(candidates) > 1:
        active = [ref for ref in candidates if not ref.archived]
        candidates = active if len(active) == 1 else candidates
    return candidates, False


def _partner(checker: _RowChecker, field_name: str) -> PartnerRef | None:
    """The partner a cell names, or a problem (unknown, or ambiguous without its commune)."""
    value = checker.required(field_name)
    if not value:
        return None
    candidates, _ = resolve_partner(checker.index, value)
    if not candidates:
        checker.problem(field_name, value, "n'est pas un partenaire connu (importez-le d'abord dans les partenaires)")
        return None
    if len(candidates) > 1:
        example = sorted(candidates, key=lambda ref: ref.seat)[0]
        checker.problem(field_name, value, "désigne plusieurs partenaires : précisez la commune, par exemple "
                        f"« {example.name} ({example.seat}) »")
        return None
    return candidates[0]


def _action(checker: _RowChecker, council: str | None) -> tuple[str, str] | None:
    """The action a row names (title in its council), or a problem."""
    title = checker.required("action")
    if not title or council is None:
        return None
    if (fold(title), fold(council)) not in checker.index.actions:
        checker.problem("action", title, f"n'est pas une action connue de l'instance « {council} » "
                        "(importez-la d'abord dans les actions)")
        return None
    return (title, council)


def _dates(checker: _RowChecker, start: dt.date | None, end: dt.date | None) -> None:
    """A problem when the end is before the start."""
    if start and end and end < start:
        checker.problem("end_date", checker.cell("end_date"), "est avant la date de début")


def _check_instances(checker: _RowChecker) -> tuple[CouncilRecord, str]:
    """A council row: name, kind, territories, contact, last plenary, status; creation by administrators."""
    index = checker.index
    name = checker.text("name")
    checker.name("name")
    kind = checker.vocab_code("council_kind", "kind", checker.required("kind"), "un type d'instance")
    checker.required("territory_keys")
    territories = _territories(checker, "territory_keys")
    status_value = checker.cell("status") or "active"
    status = checker.vocab_code("council_status", "status", status_value, "un statut d'instance")
    if name:
        checker.duplicate("name", name, fold(name), "cette instance")
        known = index.councils.get(fold(name))
        if known is None:
            if not checker.actor.is_admin:
                checker.problem("name", name, "seul un administrateur peut créer une instance", permission=True)
            index.councils[fold(name)] = (name, None)
        elif not can_write_council(checker.actor, known[1]):
            checker.problem("name", name, "vous n'êtes pas coordinateur de cette instance : ligne refusée", permission=True)
    record = CouncilRecord(
        name=name, kind=kind, territory_keys=territories,
        coordination_contact=checker.text("coordination_contact", private_check=True),
        last_plenary=checker.parsed("last_plenary", parse_date), status=status,
    )
    return record, name


def _check_reseaux(checker: _RowChecker) -> tuple[NetworkRecord, str]:
    """A network row: name, kind, members (resolved once every table is checked); administrators only."""
    name = checker.text("name")
    checker.name("name")
    kind = checker.vocab_code("network_kind", "kind", checker.required("kind"), "un type de réseau")
    if name:
        checker.duplicate("name", name, fold(name), "ce réseau")
        if not checker.actor.is_admin:
            if fold(name) not in checker.index.networks:
                checker.problem("name", name, "seul un administrateur peut créer ou modifier un réseau", permission=True)
            else:
                checker.protected = "seul un administrateur peut créer ou modifier un réseau"
        checker.index.networks.setdefault(fold(name), name)
    return NetworkRecord(name=name, kind=kind, members=split_list(checker.cell("members"))), name


def _check_partenaires(checker: _RowChecker) -> tuple[PartnerRecord, str]:
    """A partner row: name, typology, seat commune, territories, SIRET, web, networks, contact, dates."""
    index = checker.index
    if checker.table.match_siret and (known := index.by_siret().get(re.sub(r"[\s.]", "", checker.cell("siret")))):
        # a data·inclusion structure already in the register under its SIRET: update that partner
        checker.cells = {**checker.cells, checker.columns["name"]: known.name,
                         checker.columns["seat_commune_key"]: known.seat}
    name = checker.text("name")
    checker.name("name")
    typology = checker.vocab_code("typology", "typology", checker.required("typology"), "une typologie")
    seat = checker.required("seat_commune_key")
    seat_keys = _territories(checker, "seat_commune_key", levels={"com"}) if seat else []
    if len(split_list(seat)) > 1:
        checker.problem("seat_commune_key", seat, "doit désigner une seule commune")
    siret_cell = checker.cell("siret")
    siret = re.sub(r"[\s.]", "", siret_cell)
    if siret and (reason := siret_problem(siret)):
        if re.fullmatch(r"\d+([.,]\d+)?[eE]\+?\d+", siret_cell.replace(" ", "")):
            reason = "a été converti par le tableur en notation scientifique : formatez la colonne en texte"
        checker.problem("siret", siret_cell, reason)
    website = checker.cell("website")
    if website and (reason := url_problem(website)):
        checker.problem("website", website, reason)
    email = checker.cell("contact_email")
    if email and (reason := email_problem(email)):
        checker.problem("contact_email", email, reason)
    networks = split_list(checker.cell("networks"))
    for network in networks:
        if fold(network) not in index.networks:
            checker.problem("networks", network, "n'est pas un réseau connu (importez d'abord les réseaux)")
    seat_code = seat_keys[0].split(":", 1)[1] if seat_keys else ""
    archived = checker.parsed("archived_at", parse_date)
    territory_keys = _territories(checker, "territory_keys")
    contact = (checker.text("contact_name"), checker.text("contact_role"), email, checker.text("contact_phone"))
    if name and seat_code:
        checker.duplicate("name", name, (fold(name), seat_code), "ce partenaire (même nom, même commune)")
        ref = index.add_partner(name, seat_code, archived=archived is not None)
        if not checker.actor.is_admin:
            # One ownership rule (maillage.partners.access), as in the form: see issue 20.
            inside = index.inside(checker.actor, seat_keys[0], territory_keys)
            if ref.id is None and not inside:
                checker.problem("seat_commune_key", seat,
                                "ce partenaire n'aurait ni son siège ni un territoire d'intervention sur le "
                                "territoire de vos instances : vous ne pouvez pas le créer", permission=True)
            elif ref.id is not None and ref.id not in index.editable_partners(checker.actor):
                checker.protected = ("ce partenaire n'a ni son siège ni un territoire d'intervention sur le "
                                     "territoire de vos instances (un lien ou une action ne suffit pas) : "
                                     "vous ne pouvez pas le modifier")
            elif ref.id is not None and not inside:
                checker.protected = ("ainsi modifié, ce partenaire n'aurait plus ni son siège ni un territoire "
                                     "d'intervention sur le territoire de vos instances : vous ne pouvez pas "
                                     "le modifier ainsi")
            if ref.id is not None and (hidden := index.hidden_contact(checker.actor, ref.id)):
                # An empty contact cell on a partner whose contact the importer may not read means « not shown
                # to you » (the export leaves it empty), never « erase ».
                contact = tuple(given or stored for given, stored in zip(contact, hidden))
    record = PartnerRecord(
        name=name, typology=typology, seat_commune_key=seat_keys[0] if seat_keys else None,
        territory_keys=territory_keys,
        siret=siret or None, website=website,
        networks=[index.networks.get(fold(n), n) for n in networks],
        contact_name=contact[0], contact_role=contact[1], contact_email=contact[2], contact_phone=contact[3],
        verified_on=checker.parsed("verified_on", parse_date), notes=checker.text("notes", private_check=True),
        archived_at=archived,
    )
    return record, f"{name} ({seat_code})" if seat_code else name


def _check_liens(checker: _RowChecker) -> tuple[LinkRecord, str]:
    """A link row: two different known partners, kind, level, council, dates."""
    council = _council(checker)
    a = _partner(checker, "partner_a")
    b = _partner(checker, "partner_b")
    if a and b and a.key == b.key:
        checker.problem("partner_b", checker.cell("partner_b"),
                        "est le même partenaire que partenaire_a (un lien joint deux partenaires différents)")
    kind_value = checker.required("kind")
    kind = checker.vocab_code("link_kind", "kind", kind_value, "une nature de lien")
    if kind == "action":
        checker.problem("kind", kind_value, "se déduit des actions communes et ne se saisit pas")
    level_value = checker.required("level")
    level = link_level(checker.vocab, level_value) if level_value else None
    if level_value and level is None:
        checker.problem("level", level_value,
                        "n'est pas un niveau de collaboration (1 information, 2 coordination, 3 coopération, 4 collaboration)")
    start = checker.parsed("start_date", parse_date)
    end = checker.parsed("end_date", parse_date)
    _dates(checker, start, end)
    if council and a and b and kind:
        pair = tuple(sorted((fold(a.name) + "\x00" + a.seat, fold(b.name) + "\x00" + b.seat)))
        checker.duplicate("kind", kind_value, (fold(council), pair, kind), "ce lien (même paire, même nature)")
    record = LinkRecord(
        partner_a=a.key if a else None, partner_b=b.key if b else None, kind=kind,
        level=int(level) if level else None, council=council, start_date=start, end_date=end,
        note=checker.text("note", private_check=True),
    )
    label = f"{checker.cell('partner_a')} — {checker.cell('partner_b')} ({checker.cell('kind')})"
    return record, label


def _check_actions(checker: _RowChecker) -> tuple[ActionRecord, str]:
    """An action row: title, council, type, status, dates, territories, lists, numbers, notes."""
    title = checker.text("title", private_check=True)
    checker.required("title")
    council = _council(checker)
    action_type = checker.vocab_code("action_type", "action_type", checker.required("action_type"), "un type d'action")
    status = checker.vocab_code("action_status", "status", checker.required("status"), "un statut d'action")
    checker.required("start_date")
    start = checker.parsed("start_date", parse_date)
    end = checker.parsed("end_date", parse_date)
    _dates(checker, start, end)
    checker.required("territory_keys")
    checker.required("publics")
    mode_value = checker.cell("mode")
    hours = checker.parsed("weekly_hours", parse_number)
    if hours is not None and hours > MAX_WEEKLY_HOURS:
        checker.problem("weekly_hours", checker.cell("weekly_hours"),
                        f"dépasse {MAX_WEEKLY_HOURS} heures (le nombre d'heures d'une semaine)")
    record = ActionRecord(
        title=title, council=council, action_type=action_type, status=status,
        start_date=start, end_date=end,
        territory_keys=_territories(checker, "territory_keys"),
        themes=checker.vocab_list("theme", "themes", "un thème"),
        publics=checker.vocab_list("public", "publics", "un public"),
        mode=checker.vocab_code("mode", "mode", mode_value, "une modalité") if mode_value else None,
        platforms=checker.vocab_list("platform", "platforms", "une plateforme"),
        weekly_hours=hours,
        budget_eur=checker.parsed("budget_eur", parse_number),
        fundings=checker.vocab_list("funding", "fundings", "une source de financement"),
        shared=checker.parsed("shared", parse_bool, False) if checker.cell("shared") else None,
        notes=checker.text("notes", private_check=True),
        evaluation=checker.text("evaluation", private_check=True),
        archived_at=checker.parsed("archived_at", parse_date),
    )
    if status and start and record.archived_at is None and not checker.failed:
        # A status its dates contradict is flagged, as the form does before saving; it never stops the import.
        for warning in status_date_warnings(status, start, end, checker.index.today,
                                            checker.vocab.labels("action_status")):
            checker.warn("status", "", warning.message)
    if title and council:
        key = (fold(title), fold(council))
        checker.duplicate("title", title, key, f"cette action de l'instance « {council} »")
        checker.index.actions.add(key)
    return record, title


def _check_action_partenaires(checker: _RowChecker) -> tuple[ActionRoleRecord, str]:
    """A role row: known action of the council, known partner, role; exact repeats ignored."""
    council = _council(checker)
    action = _action(checker, council)
    partner = _partner(checker, "partner")
    role = checker.vocab_code("role", "role", checker.required("role"), "un rôle")
    record = ActionRoleRecord(action=action, council=council, partner=partner.key if partner else None, role=role)
    if action and partner and role:
        key = (fold(action[0]), fold(action[1]), fold(partner.name), partner.seat, role)
        first = checker.index.first_line("action_partenaires", key, checker.row.line)
        if first is not None:
            checker.warn("role", checker.cell("role"), f"ligne en double (déjà ligne {first}) : ignorée")
            checker.skip = True
    return record, f"{checker.cell('action')} : {checker.cell('partner')} ({checker.cell('role')})"


def _check_indicateurs(checker: _RowChecker) -> tuple[IndicatorRecord, str]:
    """An indicator row: known action, plausible year, counts."""
    council = _council(checker)
    action = _action(checker, council)
    checker.required("year")
    year = checker.parsed("year", parse_count)
    if year is not None and not 1990 <= year <= 2100:
        checker.problem("year", checker.cell("year"), "n'est pas une année plausible (entre 1990 et 2100)")
        year = None
    if action and year is not None:
        checker.duplicate("year", checker.cell("year"), (fold(action[0]), fold(action[1]), year),
                          "l'année de cette action")
    record = IndicatorRecord(
        action=action, council=council, year=year,
        people_reached=checker.parsed("people_reached", parse_count),
        sessions=checker.parsed("sessions", parse_count),
        online_contacts=checker.parsed("online_contacts", parse_count),
        referrals=checker.parsed("referrals", parse_count),
    )
    return record, f"{checker.cell('action')} — {checker.cell('year')}"


def _check_referentiel(checker: _RowChecker) -> tuple[RuleRecord, str]:
    """A coverage rule row: council, action type, public, minimum population."""
    council = _council(checker)
    action_type = checker.vocab_code("action_type", "action_type", checker.required("action_type"), "un type d'action")
    public = checker.vocab_code("public", "public", checker.required("public"), "un public")
    if council and action_type and public:
        checker.duplicate("public", checker.cell("public"), (fold(council), action_type, public),
                          "cette règle (même type d'action, même public)")
    record = RuleRecord(
        council=council, action_type=action_type, public=public,
        population_min=checker.parsed("population_min", parse_count) or 0,
    )
    return record, f"{checker.cell('council')} : {checker.cell('action_type')} / {checker.cell('public')}"


_CHECKERS: dict[str, Callable[[_RowChecker], tuple[Record, str]]] = {
    "instances": _check_instances,
    "reseaux": _check_reseaux,
    "partenaires": _check_partenaires,
    "liens": _check_liens,
    "actions": _check_actions,
    "action_partenaires": _check_action_partenaires,
    "indicateurs": _check_indicateurs,
    "referentiel": _check_referentiel,
}


def check_tables(session: Session, tables: list[Table], actor: Actor = SYSTEM,
                 progress: Progress | None = None, council_ids: Iterable[int] | None = None,
                 today: dt.date | None = None) -> ImportPlan:
    """Check every row of every table (in dependency order) without writing anything.

    Commune names that several communes share are read inside `council_ids`' territory (by default the
    actor's councils), then their départements.
    """
    if not actor.can_write_anything:
        raise PermissionDenied("votre rôle permet de consulter les données, pas d'en importer")
    plan = ImportPlan()
    vocab = Vocabularies.load(session)
    index = _Index(session)
    index.context_councils = frozenset(actor.council_ids if council_ids is None else council_ids)
    index.today = today or dt.date.today()  # actions' statuses are checked against their dates on that day
    by_kind: dict[str, list[Table]] = {}
    for table in tables:
        by_kind.setdefault(table.kind, []).append(table)
        plan.problems.extend(table.problems)
        plan.warnings.extend(table.warnings)
    total = sum(len(table.rows) for table in tables) or 1
    done = 0
    for kind in KIND_ORDER:
        limits = KINDS[kind].max_lengths
        for table in by_kind.get(kind, []):
            missing = [column for column in table.format.columns
                       if column in table.format.required and column not in table.columns]
            if missing:
                plan.problems.append(Problem(
                    table.source, table.header_line, "", "",
                    f"colonne{'s' if len(missing) > 1 else ''} obligatoire{'s' if len(missing) > 1 else ''} "
                    f"absente{'s' if len(missing) > 1 else ''} : " + ", ".join(missing),
                ))
                continue
            checked = plan.rows.setdefault(kind, [])
            columns = frozenset(table.columns)
            failed_lines = {problem.line for problem in table.problems}
            for row in table.rows:
                checker = _RowChecker(plan, table, row, vocab, index, actor)
                checker.failed = row.line in failed_lines
                for column, limit in limits.items():
                    value = row.cells.get(column, "")
                    if len(value) > limit:
                        checker.problem(table.format.field_of[column], value, f"dépasse {limit} caractères")
                record, label = _CHECKERS[kind](checker)
                plan.lines.append(LineResult(kind, table.source, row.line, label, not checker.failed))
                if not checker.failed and not checker.skip:
                    checked.append(CheckedRow(kind, table.source, row.line, record, columns, checker.protected))
                done += 1
                if progress and done % 2000 == 0:
                    progress(0.5 * done / total, f"Vérification : {done} lignes sur {total}")
    _check_network_members(plan, index)
    kinds = {table.source: table.kind for table in tables}
    plan.problems.sort(key=lambda p: _problem_order(p, kinds))
    return plan


def _problem_order(problem: Problem, kinds: dict[str, str]) -> tuple:
    """Problems in file order: kind (dependency order), file, line, then column as in the format."""
    kind = kinds.get(problem.source, KIND_ORDER[0])
    columns = KINDS[kind].columns
    column = columns.index(problem.column) if problem.column in columns else -1
    return (KIND_ORDER.index(kind), problem.source, problem.line, column)


def _check_network_members(plan: ImportPlan, index: _Index) -> None:
    """A network's members are councils or partners, known once every table is checked."""
    for checked in list(plan.rows.get("reseaux", [])):
        members = []
        for member in checked.record.members:
            if fold(member) in index.councils:
                members.append(("council", index.councils[fold(member)][0]))
                continue
            candidates, _ = resolve_partner(index, member)
            if len(candidates) == 1:
                members.append(("partner", candidates[0].key))
                continue
            reason = ("désigne plusieurs partenaires : précisez la commune entre parenthèses"
                      if candidates else "n'est ni une instance ni un partenaire connu")
            plan.problems.append(Problem(checked.source, checked.line, "membres", member, reason))
            for line in plan.lines:
                if line.source == checked.source and line.line == checked.line:
                    line.ok = False
        checked.record.member_refs = members
