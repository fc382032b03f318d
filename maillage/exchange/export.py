"""Export the database in exactly the import format: CSV (UTF-8 with BOM, `;`) or one XLSX workbook.

Rows are sorted by natural keys (never by database ids), so exporting, importing into an empty
database and exporting again gives identical files. Formula-like text is neutralised with `'`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from maillage.accounts.access import Actor, can_read_council
from maillage.core.errors import PermissionDenied
from maillage.core.text import fold
from maillage.exchange.formats import BOOL, COUNT, DATE, KIND_ORDER, KINDS, NUMBER
from maillage.exchange.values import (
    format_bool_cell,
    format_date_cell,
    format_number_cell,
    neutralise,
)
from maillage.partners.access import contact_readable_ids
from maillage.partners.partnership import partnership_ids
from maillage.vocabularies.store import Vocabularies
from models import (
    Action,
    ActionFunding,
    ActionPartner,
    ActionPlatform,
    ActionPublic,
    ActionTerritory,
    ActionTheme,
    CooperationLink,
    Council,
    CouncilTerritory,
    CoverageRule,
    Indicator,
    Network,
    NetworkCouncil,
    NetworkPartner,
    Partner,
    PartnerTerritory,
)

Cell = str | int | float | bool | dt.date | None
LEVEL_ORDER = {"com": 0, "sub": 1, "epci": 2, "ept": 3, "dep": 4, "reg": 5}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class ExportData:
    """Every kind's rows (typed cells, in column order), ready to write as CSV or XLSX."""

    tables: dict[str, list[list[Cell]]]

    def count(self, kind: str) -> int:
        """How many rows of one kind."""
        return len(self.tables.get(kind, []))


def territory_reference(key: str) -> str:
    """`com:33063` → `33063`, `epci:243300316` → `243300316`, other keys as they are (`dep:33`)."""
    level, _, code = key.partition(":")
    if level in ("com", "epci"):
        return code
    return key


def _territory_cell(keys: Iterable[str]) -> str:
    """Territory keys as one `|`-separated cell, communes first."""
    return "|".join(territory_reference(key) for key in sorted(keys, key=lambda k: (LEVEL_ORDER.get(k.split(":")[0], 9), k)))


def _ordered(codes: Iterable[str], order: list[str]) -> str:
    """Vocabulary codes in the vocabulary's order, `|`-separated."""
    position = {code: index for index, code in enumerate(order)}
    return "|".join(sorted(set(codes), key=lambda code: (position.get(code, len(order)), code)))


def _export_scope(session: Session, actor: Actor) -> set[int] | None:
    """The councils an actor exports: all for administrators, their own for coordinators and officials."""
    if actor.is_admin:
        return None
    if actor.role not in ("coordinateur", "elu"):
        raise PermissionDenied("votre rôle ne permet pas d'exporter les données des instances")
    return {council_id for council_id in actor.council_ids if can_read_council(actor, council_id)}


def collect(session: Session, actor: Actor) -> ExportData:
    """Read everything the actor may export, as the exchange format's rows."""
    scope = _export_scope(session, actor)
    vocab = Vocabularies.load(session)

    def in_scope(council_id: int) -> bool:
        """Whether a council is exported for this actor."""
        return scope is None or council_id in scope

    councils = {c.id: c for c in session.execute(select(Council)).scalars() if in_scope(c.id)}
    links = [l for l in session.execute(select(CooperationLink)).scalars() if l.council_id in councils]
    actions = {a.id: a for a in session.execute(select(Action)).scalars() if a.council_id in councils}
    roles = [r for r in session.execute(select(ActionPartner)).scalars() if r.action_id in actions]
    all_partners = {p.id: p for p in session.execute(select(Partner)).scalars()}
    readable = contact_readable_ids(session, actor)  # None: every contact (administrators)
    if scope is None:
        partners = all_partners
    else:
        wanted: set[int] = set()
        for council_id in councils:
            wanted |= partnership_ids(session, council_id)
        wanted |= {l.partner_a_id for l in links} | {l.partner_b_id for l in links} | {r.partner_id for r in roles}
        partners = {id_: p for id_, p in all_partners.items() if id_ in wanted}

    name_counts: dict[str, int] = defaultdict(int)
    for partner in all_partners.values():
        name_counts[fold(partner.name)] += 1

    def partner_ref(partner_id: int) -> str:
        """How a partner is named in a file: its name, with its commune code when the name is shared."""
        partner = all_partners[partner_id]
        if name_counts[fold(partner.name)] > 1:
            return f"{partner.name} ({partner.seat_commune_key.split(':', 1)[1]})"
        return partner.name

    def partner_sort(partner_id: int) -> tuple:
        """Partners in name order (never by id)."""
        partner = all_partners[partner_id]
        return (fold(partner.name), partner.name, partner.seat_commune_key)

    network_councils: dict[int, set[int]] = defaultdict(set)
    for network_id, council_id in session.execute(select(NetworkCouncil.network_id, NetworkCouncil.council_id)):
        if council_id in councils:
            network_councils[network_id].add(council_id)
    network_partners: dict[int, set[int]] = defaultdict(set)
    partner_networks: dict[int, set[int]] = defaultdict(set)
    for network_id, partner_id in session.execute(select(NetworkPartner.network_id, NetworkPartner.partner_id)):
        if partner_id in partners:
            network_partners[network_id].add(partner_id)
            partner_networks[partner_id].add(network_id)
    networks = {n.id: n for n in session.execute(select(Network)).scalars()
                if scope is None or network_councils.get(n.id)}
    council_territories = _grouped(session, CouncilTerritory.council_id, CouncilTerritory.territory_key)
    partner_territories = _grouped(session, PartnerTerritory.partner_id, PartnerTerritory.territory_key)

    tables: dict[str, list[list[Cell]]] = {kind: [] for kind in KIND_ORDER}

    def add(kind_name: str, /, **values: Cell) -> None:
        """One row of a kind from its values by record field, in the column table's order."""
        tables[kind_name].append(KINDS[kind_name].row(values))

    for council in sorted(councils.values(), key=lambda c: (fold(c.name), c.name)):
        add("instances", name=council.name, kind=council.kind,
            territory_keys=_territory_cell(council_territories.get(council.id, ())),
            coordination_contact=council.coordination_contact, last_plenary=council.last_plenary,
            status=council.status)
    for network in sorted(networks.values(), key=lambda n: (fold(n.name), n.name)):
        members = [councils[c].name for c in sorted(network_councils.get(network.id, ()),
                                                      key=lambda c: (fold(councils[c].name), councils[c].name))]
        members += [partner_ref(p) for p in sorted(network_partners.get(network.id, ()), key=partner_sort)]
        add("reseaux", name=network.name, kind=network.kind, members="|".join(members))
    for partner_id in sorted(partners, key=partner_sort):
        p = partners[partner_id]
        network_names = sorted((networks[n].name for n in partner_networks.get(partner_id, ()) if n in networks),
                               key=lambda name: (fold(name), name))
        shown = readable is None or partner_id in readable  # a contact only for those who may read it
        add("partenaires", name=p.name, typology=p.typology, seat_commune_key=territory_reference(p.seat_commune_key),
            territory_keys=_territory_cell(partner_territories.get(partner_id, ())), siret=p.siret or "",
            website=p.website, networks="|".join(network_names),
            contact_name=p.contact_name if shown else "", contact_role=p.contact_role if shown else "",
            contact_email=p.contact_email if shown else "", contact_phone=p.contact_phone if shown else "",
            verified_on=p.verified_on, notes=p.notes, archived_at=_as_date(p.archived_at))
    link_rows = []
    for link in links:
        a, b = sorted((link.partner_a_id, link.partner_b_id), key=partner_sort)
        link_rows.append(((fold(councils[link.council_id].name), partner_sort(a), partner_sort(b), link.kind), dict(
            partner_a=partner_ref(a), partner_b=partner_ref(b), kind=link.kind, level=link.level,
            council=councils[link.council_id].name, start_date=link.start_date, end_date=link.end_date,
            note=link.note,
        )))
    for _key, values in sorted(link_rows, key=lambda item: item[0]):
        add("liens", **values)

    action_sets = {
        name: _grouped(session, column_owner, column_value)
        for name, column_owner, column_value in (
            ("territories", ActionTerritory.action_id, ActionTerritory.territory_key),
            ("themes", ActionTheme.action_id, ActionTheme.theme),
            ("publics", ActionPublic.action_id, ActionPublic.public),
            ("platforms", ActionPlatform.action_id, ActionPlatform.platform),
            ("fundings", ActionFunding.action_id, ActionFunding.funding),
        )
    }

    def action_sort(action_id: int) -> tuple:
        """Actions by council then title (never by id)."""
        action = actions[action_id]
        council = councils[action.council_id]
        return (fold(council.name), council.name, fold(action.title), action.title)

    for action_id in sorted(actions, key=action_sort):
        a = actions[action_id]
        add("actions", title=a.title, council=councils[a.council_id].name, action_type=a.action_type,
            status=a.status, start_date=a.start_date, end_date=a.end_date,
            territory_keys=_territory_cell(action_sets["territories"].get(action_id, ())),
            themes=_ordered(action_sets["themes"].get(action_id, ()), vocab.codes("theme")),
            publics=_ordered(action_sets["publics"].get(action_id, ()), vocab.codes("public")),
            mode=a.mode or "",
            platforms=_ordered(action_sets["platforms"].get(action_id, ()), vocab.codes("platform")),
            weekly_hours=a.weekly_hours, budget_eur=a.budget_eur,
            fundings=_ordered(action_sets["fundings"].get(action_id, ()), vocab.codes("funding")),
            shared=a.shared, notes=a.notes, evaluation=a.evaluation, archived_at=_as_date(a.archived_at))
    role_order = {code: index for index, code in enumerate(vocab.codes("role"))}
    for role in sorted(roles, key=lambda r: (action_sort(r.action_id), role_order.get(r.role, 99), r.role,
                                             partner_sort(r.partner_id))):
        action = actions[role.action_id]
        add("action_partenaires", action=action.title, council=councils[action.council_id].name,
            partner=partner_ref(role.partner_id), role=role.role)
    indicators = [i for i in session.execute(select(Indicator)).scalars() if i.action_id in actions]
    for indicator in sorted(indicators, key=lambda i: (action_sort(i.action_id), i.year)):
        action = actions[indicator.action_id]
        add("indicateurs", action=action.title, council=councils[action.council_id].name, year=indicator.year,
            people_reached=indicator.people_reached, sessions=indicator.sessions,
            online_contacts=indicator.online_contacts, referrals=indicator.referrals)
    rules = [r for r in session.execute(select(CoverageRule)).scalars() if r.council_id in councils]
    type_order = {code: index for index, code in enumerate(vocab.codes("action_type"))}
    public_order = {code: index for index, code in enumerate(vocab.codes("public"))}
    for rule in sorted(rules, key=lambda r: (fold(councils[r.council_id].name), councils[r.council_id].name,
                                             type_order.get(r.action_type, 99), r.action_type,
                                             public_order.get(r.public, 99), r.public)):
        add("referentiel", council=councils[rule.council_id].name, action_type=rule.action_type,
            public=rule.public, population_min=rule.population_min)
    return ExportData(tables=tables)


def _grouped(session: Session, owner_column, value_column) -> dict[int, list[str]]:
    """owner id → its values, for one association table."""
    grouped: dict[int, list[str]] = defaultdict(list)
    for owner, value in session.execute(select(owner_column, value_column)):
        grouped[owner].append(value)
    return grouped


def _as_date(value: dt.datetime | None) -> dt.date | None:
    """The day of a timestamp."""
    return value.date() if value is not None else None


def text_cell(kind: str, column: str, value: Cell) -> str:
    """A cell as CSV text: dates JJ/MM/AAAA, decimal commas, oui/non, formula-like text neutralised."""
    if value is None:
        return ""
    column_type = KINDS[kind].spec(column).type
    if column_type == DATE:
        return format_date_cell(value)
    if column_type in (NUMBER, COUNT):
        return format_number_cell(value)
    if column_type == BOOL:
        return format_bool_cell(value)
    return neutralise(str(value))


def csv_bytes(header: list[str], rows: Iterable[list[str]]) -> bytes:
    """CSV as French Excel opens it: UTF-8 with BOM, `;`, CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def kind_csv(kind: str, rows: list[list[Cell]]) -> bytes:
    """One kind as a CSV file."""
    columns = KINDS[kind].columns
    return csv_bytes(list(columns), ([text_cell(kind, column, value) for column, value in zip(columns, row)]
                                     for row in rows))


def to_csv_files(data: ExportData) -> dict[str, bytes]:
    """`<kind>.csv` → bytes, for every kind."""
    return {f"{kind}.csv": kind_csv(kind, data.tables.get(kind, [])) for kind in KIND_ORDER}


def xlsx_value(kind: str, column: str, value: Cell) -> Any:
    """A cell for a workbook: numbers and dates typed, text neutralised."""
    if value is None:
        return None
    column_type = KINDS[kind].spec(column).type
    if column_type == DATE or column_type in (NUMBER, COUNT):
        return value
    if column_type == BOOL:
        return format_bool_cell(value)
    return neutralise(str(value))


def workbook_bytes(sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    """An XLSX workbook, one sheet per (title, header, rows); dates shown JJ/MM/AAAA, header in bold."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        widths = [len(name) for name in header]
        for row in rows[:500]:
            for index, value in enumerate(row[: len(widths)]):
                widths[index] = max(widths[index], min(len(str(value)) if value is not None else 0, 60))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, width + 2)
        sheet.freeze_panes = "A2"
        header_cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, dt.date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "DD/MM/YYYY"
                    cells.append(cell)
                elif isinstance(value, str):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXPORT_NOTES = [
    ["Ce classeur est fait pour être réimporté (Données → Importer, ou `python -m maillage import`) : les en-têtes "
     "des feuilles sont les codes stables du format d'échange (nom, typologie, commune_siege…), décrits ci-dessus, "
     "et les vocabulaires y sont écrits par leur code."],
    ["Pour un document à lire, préférez les exports des pages (registre, comparaison, synthèse)."],
]


def to_xlsx(data: ExportData, vocab: Vocabularies | None = None) -> bytes:
    """Every kind as one sheet of a workbook, after a « Lisez-moi » sheet saying what each coded header means."""
    from maillage.exchange.templates import GENERAL_NOTES, INSTRUCTIONS_HEADER, instructions

    notes = [*instructions(vocab or Vocabularies.defaults()), [], *EXPORT_NOTES, *GENERAL_NOTES[1:-1]]
    sheets = [("Lisez-moi", INSTRUCTIONS_HEADER, notes)]
    for kind in KIND_ORDER:
        columns = list(KINDS[kind].columns)
        rows = [[xlsx_value(kind, column, value) for column, value in zip(columns, row)]
                for row in data.tables.get(kind, [])]
        sheets.append((kind, columns, rows))
    return workbook_bytes(sheets)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A ZIP archive of `files` (fixed timestamps, so equal contents give equal archives)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def export_data(engine: Engine, actor: Actor) -> ExportData:
    """Everything the actor may export (administrators: the whole database)."""
    with Session(engine) as session:
        return collect(session, actor)


def export_csv_files(engine: Engine, actor: Actor) -> dict[str, bytes]:
    """`<kind>.csv` → bytes."""
    return to_csv_files(export_data(engine, actor))


def export_csv_zip(engine: Engine, actor: Actor) -> bytes:
    """Every kind's CSV in one ZIP (what the page offers to download)."""
    return zip_bytes(export_csv_files(engine, actor))


def export_xlsx(engine: Engine, actor: Actor) -> bytes:
    """Every kind in one XLSX workbook."""
    with Session(engine) as session:
        vocab = Vocabularies.load(session)
    return to_xlsx(export_data(engine, actor), vocab)
