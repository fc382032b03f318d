"""Validate exchange tables against the database and each other: records to write, or every problem."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlmodel import Session, select

from maillage.exchange.formats import KIND_ORDER
from maillage.exchange.reader import Row, Table
from maillage.exchange.values import (
    CellError,
    looks_like_formula,
    parse_bool,
    parse_count,
    parse_date,
    parse_number,
    split_list,
)
from maillage.text import fold
from maillage.validators import email_problem, personal_data_problem, siret_problem, url_problem
from maillage.vocab import Vocabularies
from models import Action, Council, Network, Partner, Territory

_PARTNER_WITH_COMMUNE = re.compile(r"^(?P<name>.+?)\s*\((?P<code>[0-9][0-9AB][0-9]{3})\)$")


@dataclass(frozen=True)
class Problem:
    """One refused cell or row, located in its file."""

    source: str
    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}, ligne {self.line}" if self.source else f"ligne {self.line}"
        if self.column:
            where += f", colonne {self.column}"
        if self.value:
            return f"{where} : « {self.value} » {self.reason}"
        return f"{where} : {self.reason}"


@dataclass
class CheckedRow:
    """A row that passed: the record to write, plus its place for the preview."""

    kind: str
    source: str
    line: int
    record: dict[str, Any]


@dataclass
class ImportPlan:
    """Everything an import would write, or the problems that stop it."""

    rows: dict[str, list[CheckedRow]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Index:
    """Names known from the database and from the rows already checked in this import."""

    def __init__(self, session: Session):
        self.territories = set(session.exec(select(Territory.key)).all())
        self.sub_by_name: dict[str, list[str]] = {}
        for key, name in session.exec(select(Territory.key, Territory.name).where(Territory.level == "sub")):
            self.sub_by_name.setdefault(fold(name), []).append(key)
        self.councils = {fold(name): name for name in session.exec(select(Council.name)).all()}
        self.networks = {fold(name): name for name in session.exec(select(Network.name)).all()}
        self.partners: dict[str, set[tuple[str, str]]] = {}
        for name, seat in session.exec(
            select(Partner.name, Partner.seat_commune_key).where(Partner.archived_at.is_(None))
        ):
            self.add_partner(name, seat.split(":", 1)[1])
        self.actions: set[tuple[str, str]] = set()
        self.actions_in_import: set[tuple[str, str]] = set()
        for title, council in session.exec(
            select(Action.title, Council.name).join(Council, Council.id == Action.council_id)
        ):
            self.actions.add((fold(title), fold(council)))

    def add_partner(self, name: str, seat_code: str) -> None:
        self.partners.setdefault(fold(name), set()).add((name, seat_code))


class _RowChecker:
    """Collects the problems of one row while parsing its cells."""

    def __init__(self, plan: ImportPlan, table: Table, row: Row):
        self.plan, self.table, self.row = plan, table, row
        self.failed = False

    def cell(self, column: str) -> str:
        return self.row.cells.get(column, "")

    def problem(self, column: str, value: str, reason: str) -> None:
        self.failed = True
        self.plan.problems.append(Problem(self.table.source, self.row.line, column, value, reason))

    def required(self, column: str) -> str:
        value = self.cell(column)
        if not value:
            self.problem(column, "", "valeur obligatoire manquante")
        return value

    def parsed(self, column: str, parser: Callable[[str], Any], default: Any = None) -> Any:
        value = self.cell(column)
        try:
            return parser(value)
        except CellError as error:
            self.problem(column, value, str(error))
            return default

    def text(self, column: str, *, private_check: bool = False) -> str:
        value = self.cell(column)
        if looks_like_formula(value):
            self.plan.warnings.append(
                Problem(self.table.source, self.row.line, column, value,
                        "ressemble à une formule de tableur : enregistré comme simple texte")
            )
        if private_check and value:
            reason = personal_data_problem(value)
            if reason:
                self.problem(column, value, reason)
        return value


def _vocab(checker: _RowChecker, vocab: Vocabularies, kind: str, column: str, value: str, what: str) -> str | None:
    code = vocab.parse(kind, value)
    if code is None and value:
        known = ", ".join(vocab.codes(kind)[:14])
        checker.problem(column, value, f"n'est pas {what} connu (valeurs possibles : {known}…)"
                        if len(vocab.codes(kind)) > 14 else f"n'est pas {what} connu (valeurs possibles : {known})")
    return code


def territory_key(reference: str) -> str:
    """`33063` → `com:33063`, `243300316` → `epci:243300316`, prefixed references kept (lower-cased prefix)."""
    text = reference.strip()
    if re.fullmatch(r"[0-9][0-9AaBb][0-9]{3}", text):
        return f"com:{text.upper()}"
    if re.fullmatch(r"\d{9}", text):
        return f"epci:{text}"
    if ":" in text:
        prefix, code = text.split(":", 1)
        prefix = prefix.strip().lower()
        if prefix == "sub":
            return f"sub:{code.strip()}"
        return f"{prefix}:{code.strip().upper() if prefix == 'com' else code.strip()}"
    return text


def _territories(checker: _RowChecker, index: _Index, column: str, levels: set[str] | None = None) -> list[str]:
    keys = []
    for reference in split_list(checker.cell(column)):
        key = territory_key(reference)
        if key.startswith("sub:"):
            matches = index.sub_by_name.get(fold(key[4:]), [])
            if len(matches) == 1:
                keys.append(matches[0])
                continue
            if key in index.territories:
                keys.append(key)
                continue
            reason = ("désigne plusieurs sous-territoires" if matches else "n'est pas un sous-territoire connu")
            checker.problem(column, reference, reason)
            continue
        level = key.split(":", 1)[0]
        if key not in index.territories:
            checker.problem(column, reference, "n'est pas un territoire connu (code INSEE de commune, SIREN d'EPCI, ou préfixe com:, epci:, ept:, dep:, reg:, sub:)")
        elif levels is not None and level not in levels:
            checker.problem(column, reference, "n'est pas une commune")
        else:
            keys.append(key)
    return keys


def _council(checker: _RowChecker, index: _Index, column: str) -> str | None:
    value = checker.required(column)
    if value and fold(value) not in index.councils:
        checker.problem(column, value, "n'est pas une instance connue (importez d'abord les instances)")
        return None
    return index.councils.get(fold(value)) if value else None


def _partner(checker: _RowChecker, index: _Index, column: str) -> tuple[str, str] | None:
    value = checker.required(column)
    if not value:
        return None
    match = _PARTNER_WITH_COMMUNE.match(value)
    candidates = index.partners.get(fold(match["name"] if match else value), set())
    if match:
        candidates = {c for c in candidates if c[1] == match["code"].upper()}
    if not candidates:
        checker.problem(column, value, "n'est pas un partenaire connu (importez-le d'abord dans les partenaires)")
        return None
    if len(candidates) > 1:
        example = sorted(candidates)[0]
        checker.problem(column, value, f"désigne plusieurs partenaires : précisez la commune, par exemple « {example[0]} ({example[1]}) »")
        return None
    return next(iter(candidates))


def _action(checker: _RowChecker, index: _Index, council: str | None) -> tuple[str, str] | None:
    title = checker.required("action")
    if not title or council is None:
        return None
    if (fold(title), fold(council)) not in index.actions:
        checker.problem("action", title, f"n'est pas une action connue de l'instance « {council} »")
        return None
    return (title, council)


def _dates(checker: _RowChecker, start: dt.date | None, end: dt.date | None) -> None:
    if start and end and end < start:
        checker.problem("fin", end.strftime("%d/%m/%Y"), "est avant la date de début")


def _check_instances(checker, vocab, index):
    name = checker.required("nom")
    kind = _vocab(checker, vocab, "council_kind", "type", checker.required("type"), "un type d'instance")
    territories = _territories(checker, index, "territoires")
    if not checker.cell("territoires"):
        checker.required("territoires")
    status = _vocab(checker, vocab, "council_status", "statut", checker.cell("statut") or "active", "un statut")
    record = dict(
        name=name, kind=kind, territory_keys=territories,
        coordination_contact=checker.text("coordination_contact", private_check=False),
        last_plenary=checker.parsed("derniere_pleniere", parse_date), status=status,
    )
    if name:
        index.councils.setdefault(fold(name), name)
    return record


def _check_reseaux(checker, vocab, index):
    name = checker.required("nom")
    kind = _vocab(checker, vocab, "network_kind", "type", checker.required("type"), "un type de réseau")
    if name:
        index.networks.setdefault(fold(name), name)
    return dict(name=name, kind=kind, members=split_list(checker.cell("membres")))


def _check_partenaires(checker, vocab, index):
    name = checker.required("nom")
    typology = _vocab(checker, vocab, "typology", "typologie", checker.required("typologie"), "une typologie")
    seat = checker.required("commune_siege")
    seat_keys = _territories(checker, index, "commune_siege", levels={"com"}) if seat else []
    siret = checker.cell("siret").replace(" ", "")
    if siret and (reason := siret_problem(siret)):
        checker.problem("siret", checker.cell("siret"), reason)
    website = checker.cell("site_web")
    if website and (reason := url_problem(website)):
        checker.problem("site_web", website, reason)
    email = checker.cell("contact_email")
    if email and (reason := email_problem(email)):
        checker.problem("contact_email", email, reason)
    networks = split_list(checker.cell("reseaux"))
    for network in networks:
        if fold(network) not in index.networks:
            checker.problem("reseaux", network, "n'est pas un réseau connu (importez d'abord les réseaux)")
    seat_code = seat_keys[0].split(":", 1)[1] if seat_keys else ""
    if name and seat_code:
        index.add_partner(name, seat_code)
    return dict(
        name=name, typology=typology, seat_commune_key=seat_keys[0] if seat_keys else None,
        territory_keys=_territories(checker, index, "territoires_intervention"),
        siret=siret or None, website=website,
        networks=[index.networks.get(fold(n), n) for n in networks],
        contact_name=checker.text("contact_nom"), contact_role=checker.text("contact_fonction"),
        contact_email=email, contact_phone=checker.text("contact_telephone"),
        verified_on=checker.parsed("verifie_le", parse_date), notes=checker.text("notes", private_check=True),
    )


def _check_liens(checker, vocab, index):
    a = _partner(checker, index, "partenaire_a")
    b = _partner(checker, index, "partenaire_b")
    if a and b and a == b:
        checker.problem("partenaire_b", checker.cell("partenaire_b"), "est le même partenaire que partenaire_a (un lien joint deux partenaires différents)")
    kind_value = checker.required("nature")
    kind = _vocab(checker, vocab, "link_kind", "nature", kind_value, "une nature de lien")
    if kind == "action":
        checker.problem("nature", kind_value, "est calculée à partir des actions communes et ne se saisit pas")
    level_value = checker.required("niveau")
    level = vocab.parse("link_level", level_value)
    if level_value and level is None:
        checker.problem("niveau", level_value, "n'est pas un niveau de collaboration (1 information, 2 coordination, 3 coopération, 4 collaboration)")
    start = checker.parsed("debut", parse_date)
    end = checker.parsed("fin", parse_date)
    _dates(checker, start, end)
    return dict(
        partner_a=a, partner_b=b, kind=kind, level=int(level) if level else None,
        council=_council(checker, index, "instance"), start_date=start, end_date=end,
        note=checker.text("notes", private_check=True),
    )


def _check_actions(checker, vocab, index):
    title = checker.text("titre", private_check=True)
    checker.required("titre")
    council = _council(checker, index, "instance")
    action_type = _vocab(checker, vocab, "action_type", "type_action", checker.required("type_action"), "un type d'action")
    status = _vocab(checker, vocab, "action_status", "statut", checker.required("statut"), "un statut d'action")
    start = checker.parsed("debut", parse_date)
    if not checker.cell("debut"):
        checker.required("debut")
    end = checker.parsed("fin", parse_date)
    _dates(checker, start, end)
    if not checker.cell("territoires"):
        checker.required("territoires")
    if not checker.cell("publics"):
        checker.required("publics")
    mode_value = checker.cell("modalite")
    record = dict(
        title=title, council=council, action_type=action_type, status=status,
        start_date=start, end_date=end,
        territory_keys=_territories(checker, index, "territoires"),
        themes=[_vocab(checker, vocab, "theme", "themes", v, "un thème") for v in split_list(checker.cell("themes"))],
        publics=[_vocab(checker, vocab, "public", "publics", v, "un public") for v in split_list(checker.cell("publics"))],
        mode=_vocab(checker, vocab, "mode", "modalite", mode_value, "une modalité") if mode_value else None,
        platforms=[_vocab(checker, vocab, "platform", "plateformes", v, "une plateforme") for v in split_list(checker.cell("plateformes"))],
        weekly_hours=checker.parsed("heures_semaine", parse_number),
        budget_eur=checker.parsed("budget_eur", parse_number),
        fundings=[_vocab(checker, vocab, "funding", "financements", v, "une source de financement") for v in split_list(checker.cell("financements"))],
        shared=checker.parsed("partage_reseau", parse_bool, False),
        notes=checker.text("notes", private_check=True),
    )
    if title and council:
        key = (fold(title), fold(council))
        if key in index.actions_in_import:
            checker.problem("titre", title, f"apparaît deux fois pour l'instance « {council} »")
        index.actions_in_import.add(key)
        index.actions.add(key)
    return record


def _check_action_partenaires(checker, vocab, index):
    council = _council(checker, index, "instance")
    return dict(
        action=_action(checker, index, council),
        partner=_partner(checker, index, "partenaire"),
        role=_vocab(checker, vocab, "role", "role", checker.required("role"), "un rôle"),
    )


def _check_indicateurs(checker, vocab, index):
    council = _council(checker, index, "instance")
    year = checker.parsed("annee", parse_count)
    if not checker.cell("annee"):
        checker.required("annee")
    elif year is not None and not 1990 <= year <= 2100:
        checker.problem("annee", checker.cell("annee"), "n'est pas une année plausible")
    return dict(
        action=_action(checker, index, council), year=year,
        people_reached=checker.parsed("personnes_touchees", parse_count),
        sessions=checker.parsed("seances", parse_count),
        online_contacts=checker.parsed("contacts_en_ligne", parse_count),
        referrals=checker.parsed("orientations", parse_count),
    )


def _check_referentiel(checker, vocab, index):
    return dict(
        council=_council(checker, index, "instance"),
        action_type=_vocab(checker, vocab, "action_type", "type_action", checker.required("type_action"), "un type d'action"),
        public=_vocab(checker, vocab, "public", "public", checker.required("public"), "un public"),
        population_min=checker.parsed("population_min", parse_count) or 0,
    )


_CHECKERS = {
    "instances": _check_instances,
    "reseaux": _check_reseaux,
    "partenaires": _check_partenaires,
    "liens": _check_liens,
    "actions": _check_actions,
    "action_partenaires": _check_action_partenaires,
    "indicateurs": _check_indicateurs,
    "referentiel": _check_referentiel,
}


def check_tables(session: Session, tables: list[Table]) -> ImportPlan:
    """Check every row of every table (in dependency order) without writing anything."""
    plan = ImportPlan()
    vocab = Vocabularies.load(session)
    index = _Index(session)
    by_kind: dict[str, list[Table]] = {}
    for table in tables:
        by_kind.setdefault(table.kind, []).append(table)
    for kind in KIND_ORDER:
        for table in by_kind.get(kind, []):
            missing = sorted(table.format.required - set(table.columns))
            if missing:
                plan.problems.append(Problem(
                    table.source, 1, "", "",
                    "colonne obligatoire absente : " + ", ".join(missing),
                ))
                continue
            checked = plan.rows.setdefault(kind, [])
            for row in table.rows:
                checker = _RowChecker(plan, table, row)
                record = _CHECKERS[kind](checker, vocab, index)
                if not checker.failed:
                    checked.append(CheckedRow(kind, table.source, row.line, record))
    _check_network_members(plan, index)
    return plan


def _check_network_members(plan: ImportPlan, index: _Index) -> None:
    """A network's members are councils or partners, known once every table is checked."""
    for checked in plan.rows.get("reseaux", []):
        members = []
        for member in checked.record["members"]:
            if fold(member) in index.councils:
                members.append(("council", index.councils[fold(member)]))
                continue
            match = _PARTNER_WITH_COMMUNE.match(member)
            candidates = index.partners.get(fold(match["name"] if match else member), set())
            if match:
                candidates = {c for c in candidates if c[1] == match["code"].upper()}
            if len(candidates) == 1:
                members.append(("partner", next(iter(candidates))))
            else:
                reason = ("désigne plusieurs partenaires : précisez la commune entre parenthèses"
                          if candidates else "n'est ni une instance ni un partenaire connu")
                plan.problems.append(Problem(checked.source, checked.line, "membres", member, reason))
        checked.record["member_refs"] = members
