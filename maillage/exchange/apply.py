"""Write a checked import plan in one transaction, in bulk: create or update records by their natural key.

Everything the rows refer to is loaded once; rows are written with multi-row statements (no query
per row), so 60,000 actions and their partners import in seconds. Columns absent from a file leave
the existing values alone; network memberships and action roles are only ever added.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table as SqlTable
from sqlalchemy import bindparam, delete, insert, select, update
from sqlmodel import Session

from maillage.accounts.access import SYSTEM, Actor
from maillage.core.formatting import format_int
from maillage.core.writes import Entity, Operation, record_change
from maillage.exchange.checks import CheckedRow, ImportPlan, Progress, fold
from maillage.exchange.formats import KIND_ORDER, KINDS
from maillage.exchange.problems import Problem
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
from models.common import utc_now

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
STATUS_LABELS = {CREATED: "à créer", UPDATED: "à mettre à jour", UNCHANGED: "inchangée"}

@dataclass
class KindCounts:
    """How many records of one kind an import created, updated or left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        """Rows of this kind in the import."""
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    """Counts per kind, and each row's outcome (with the columns that changed), for the user's report."""

    counts: dict[str, KindCounts] = field(default_factory=dict)
    row_status: dict[tuple[str, int], str] = field(default_factory=dict)
    row_changes: dict[tuple[str, int], list[str]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """`partenaires : 3 créés, 1 mis à jour, 60 inchangés` for each kind, in dependency order."""
        lines = []
        for kind in KIND_ORDER:
            if kind in self.counts:
                c = self.counts[kind]
                lines.append(f"{kind} : {format_int(c.created)} créé{'s' if c.created > 1 else ''}, "
                             f"{format_int(c.updated)} mis à jour, "
                             f"{format_int(c.unchanged)} inchangé{'s' if c.unchanged > 1 else ''}")
        return lines

    def as_dict(self) -> dict[str, dict[str, int]]:
        """kind → {created, updated, unchanged} (for the audit log)."""
        return {kind: {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}
                for kind, c in self.counts.items()}


@dataclass(frozen=True)
class _SetSpec:
    """An association table holding one list cell of a record (an action's themes…)."""

    table: SqlTable
    owner: str
    value: str
    field: str


def _same(old: Any, new: Any) -> bool:
    """Whether a stored value equals an imported one (archive timestamps compared by day, numbers as floats)."""
    if isinstance(old, dt.datetime) and not isinstance(new, dt.datetime):
        return new is not None and old.date() == new
    if isinstance(old, float) or isinstance(new, float):
        return old is not None and new is not None and float(old) == float(new)
    return old == new


def _as_timestamp(value: Any) -> Any:
    """An archive date becomes midnight UTC of that day."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(0, 0), tzinfo=dt.UTC)
    return value


class _Applier:
    """Writes one plan; keeps the ids of everything created so later kinds can refer to them."""

    def __init__(self, session: Session, plan: ImportPlan, actor: Actor, progress: Progress | None):
        """Load the councils and networks once; partners and actions are loaded when first needed."""
        self.session, self.plan, self.actor, self.progress = session, plan, actor, progress
        self.now = utc_now()
        self.report = ImportReport()
        self.councils: dict[str, int] = {fold(name): id_ for id_, name in session.execute(select(Council.id, Council.name))}
        self.networks: dict[str, int] = {fold(name): id_ for id_, name in session.execute(select(Network.id, Network.name))}
        self._partners: dict[tuple[str, str], int] | None = None
        self._actions: dict[tuple[str, int], int] | None = None

    # --- lookups -------------------------------------------------------------------------
    @property
    def partners(self) -> dict[tuple[str, str], int]:
        """(folded name, seat commune code) → partner id, for every partner (created ones included)."""
        if self._partners is None:
            self._partners = {(fold(name), seat.split(":", 1)[1]): id_ for id_, name, seat
                              in self.session.execute(select(Partner.id, Partner.name, Partner.seat_commune_key))}
        return self._partners

    @property
    def actions(self) -> dict[tuple[str, int], int]:
        """(folded title, council id) → action id, for every action (created ones included)."""
        if self._actions is None:
            self._actions = {(fold(title), council_id): id_ for id_, title, council_id
                             in self.session.execute(select(Action.id, Action.title, Action.council_id))}
        return self._actions

    def partner_id(self, ref: tuple[str, str]) -> int:
        """The id of a partner reference (name, seat commune code)."""
        return self.partners[(fold(ref[0]), ref[1])]

    def action_id(self, ref: tuple[str, str]) -> int:
        """The id of an action reference (title, council name)."""
        return self.actions[(fold(ref[0]), self.councils[fold(ref[1])])]

    def refuse(self, row: CheckedRow) -> None:
        """A row the check protected would change a record: its permission problem rolls the whole import back."""
        self.plan.problems.append(Problem(row.source, row.line, "nom", row.record.name, row.protected, permission=True))
        for line in self.plan.lines:
            if line.source == row.source and line.line == row.line:
                line.ok = False

    def status(self, kind: str, row: CheckedRow, status: str, changed: list[str] = ()) -> None:
        """Record one row's outcome and count it."""
        counts = self.report.counts.setdefault(kind, KindCounts())
        setattr(counts, status, getattr(counts, status) + 1)
        self.report.row_status[(row.source, row.line)] = status
        if changed:
            self.report.row_changes[(row.source, row.line)] = list(changed)

    # --- bulk statements -----------------------------------------------------------------
    def insert_many(self, table: SqlTable, rows: list[dict]) -> None:
        """Multi-row INSERT (executemany; COPY on PostgreSQL) of dicts that all have the same keys."""
        if not rows:
            return
        if self.session.connection().dialect.name == "postgresql":
            columns = tuple(rows[0])
            self.copy_rows(table, columns, [tuple(row[column] for column in columns) for row in rows])
        else:
            self.session.execute(insert(table), rows)

    def copy_rows(self, table: SqlTable, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """PostgreSQL's COPY, in the session's transaction (one round trip instead of one per row)."""
        connection = self.session.connection()
        preparer = connection.dialect.identifier_preparer
        statement = (f"COPY {preparer.format_table(table)} ({', '.join(preparer.quote(c) for c in columns)}) "
                     "FROM STDIN")
        with connection.connection.dbapi_connection.cursor() as cursor:
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)

    def insert_pairs(self, table: SqlTable, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """INSERT of plain integer/text rows straight through the driver (association tables: the bulk of an import)."""
        if not rows:
            return
        connection = self.session.connection()
        if connection.dialect.name == "postgresql":
            self.copy_rows(table, columns, rows)
            return
        marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        preparer = connection.dialect.identifier_preparer
        sql = (f"INSERT INTO {preparer.format_table(table)} ({', '.join(preparer.quote(c) for c in columns)}) "
               f"VALUES ({', '.join([marker] * len(columns))})")
        for start in range(0, len(rows), 50_000):
            connection.exec_driver_sql(sql, rows[start:start + 50_000])

    def update_many(self, table: SqlTable, rows: list[dict]) -> None:
        """UPDATE … WHERE id = :id for rows grouped by the columns they set."""
        groups: dict[tuple[str, ...], list[dict]] = defaultdict(list)
        for row in rows:
            groups[tuple(sorted(key for key in row if key != "id"))].append(row)
        for columns, group in groups.items():
            statement = (update(table).where(table.c.id == bindparam("p_id"))
                         .values({column: bindparam(f"p_{column}") for column in columns}))
            self.session.execute(statement, [{f"p_{key}": value for key, value in row.items()} for row in group])

    def delete_pairs(self, spec: _SetSpec, pairs: list[tuple[int, str]]) -> None:
        """Delete (owner, value) rows of an association table."""
        if pairs:
            statement = delete(spec.table).where(spec.table.c[spec.owner] == bindparam("p_owner"),
                                                 spec.table.c[spec.value] == bindparam("p_value"))
            self.session.execute(statement, [{"p_owner": owner, "p_value": value} for owner, value in pairs])

    def current_sets(self, spec: _SetSpec, owners: set[int]) -> dict[int, set]:
        """owner id → its current values, for the owners an import updates."""
        if not owners:
            return {}
        sets: dict[int, set] = defaultdict(set)
        for owner, value in self.raw_rows(spec.table, (spec.owner, spec.value)):
            if owner in owners:
                sets[owner].add(value)
        return sets

    def raw_rows(self, table: SqlTable, columns: tuple[str, ...]) -> list[tuple]:
        """Integer/text columns of every row, as plain tuples straight from the driver (fast)."""
        preparer = self.session.connection().dialect.identifier_preparer
        result = self.session.connection().exec_driver_sql(
            f"SELECT {', '.join(preparer.quote(c) for c in columns)} FROM {preparer.format_table(table)}")
        return [tuple(row) for row in result.cursor.fetchall()] if result.cursor is not None else []

    # --- the generic upsert ----------------------------------------------------------------
    def upsert(self, kind: str, table: SqlTable, rows: list[CheckedRow], *,
               key: Callable[[CheckedRow], Any], stored_key: Callable[[Any], Any], key_columns: tuple[str, ...],
               fields: tuple[str, ...], create: Callable[[CheckedRow], dict], sets: Iterable[_SetSpec] = (),
               unarchive: bool = False, need_ids: bool = True, kept_when_empty: tuple[str, ...] = ()) -> dict[Any, int]:
        """Create rows whose key is new, update the fields (and list cells) that differ; return key → id.

        `key` gives a row's natural key, `stored_key` the same key from a database row (its `key_columns`).
        A field of `kept_when_empty` left empty (None) keeps its stored value.
        A row the check marked `protected` is refused when it would change its record.
        """
        columns = KINDS[kind].column_of
        result = self.session.execute(select(table))
        names = list(result.keys())
        existing = {stored_key(row): dict(zip(names, row)) for row in result}
        sets = list(sets)
        updatable_owners = {existing[key(row)]["id"] for row in rows if key(row) in existing}
        current = {spec.field: self.current_sets(spec, updatable_owners) for spec in sets}
        creates: list[tuple[CheckedRow, Any, dict]] = []
        updates: list[dict] = []
        set_inserts: dict[_SetSpec, list[dict]] = defaultdict(list)
        set_deletes: dict[_SetSpec, list[tuple[int, str]]] = defaultdict(list)
        ids: dict[Any, int] = {}
        has_version, has_updated = "version" in table.c, "updated_at" in table.c
        for row in rows:
            record, row_key = row.record, key(row)
            old = existing.get(row_key)
            if old is None:
                creates.append((row, row_key, record))
                continue
            present = {name: getattr(record, name) for name in fields
                       if row.has(name) and not (name in kept_when_empty and getattr(record, name) is None)}
            if unarchive and not row.has("archived_at"):
                present["archived_at"] = None
            changed = {name: _as_timestamp(value) for name, value in present.items() if not _same(old[name], value)}
            changed_sets = []
            for spec in sets:
                if not row.has(spec.field):
                    continue
                wanted, have = set(getattr(record, spec.field)), current[spec.field].get(old["id"], set())
                if wanted != have:
                    changed_sets.append(spec.field)
                    set_deletes[spec].extend((old["id"], value) for value in have - wanted)
                    set_inserts[spec].extend({spec.owner: old["id"], spec.value: value} for value in wanted - have)
            ids[row_key] = old["id"]
            if not changed and not changed_sets:
                self.status(kind, row, UNCHANGED)
                continue
            if row.protected:
                self.refuse(row)
                for spec in sets:
                    set_deletes[spec] = [pair for pair in set_deletes[spec] if pair[0] != old["id"]]
                    set_inserts[spec] = [item for item in set_inserts[spec] if item[spec.owner] != old["id"]]
                continue
            values = {"id": old["id"], **changed}
            if has_version:
                values["version"] = (old.get("version") or 1) + 1
            if has_updated:
                values["updated_at"] = self.now
            updates.append(values)
            self.status(kind, row, UPDATED, [columns[name] for name in [*changed, *changed_sets] if name in columns])
        self.insert_many(table, [create(row) for row, _key, _record in creates])
        if creates and (need_ids or sets):
            stored = {stored_key(row): row.id for row in
                      self.session.execute(select(table.c.id, *(table.c[name] for name in key_columns)))}
            for _row, row_key, record in creates:
                ids[row_key] = new_id = stored[row_key]
                for spec in sets:
                    set_inserts[spec].extend({spec.owner: new_id, spec.value: value}
                                             for value in getattr(record, spec.field))
        for row, _key, _record in creates:
            self.status(kind, row, CREATED)
        self.update_many(table, updates)
        for spec in sets:
            self.delete_pairs(spec, set_deletes[spec])
            self.insert_pairs(spec.table, (spec.owner, spec.value),
                              [(item[spec.owner], item[spec.value]) for item in set_inserts[spec]])
        return ids

    def stamps(self) -> dict[str, Any]:
        """Version and timestamps of a new record."""
        return {"version": 1, "created_at": self.now, "updated_at": self.now}

    # --- kinds ------------------------------------------------------------------------------
    def instances(self, rows: list[CheckedRow]) -> None:
        """Councils and their territories."""
        table = Council.__table__
        fields = ("name", "kind", "coordination_contact", "last_plenary", "status")
        ids = self.upsert(
            "instances", table, rows, key=lambda row: fold(row.record.name),
            stored_key=lambda r: fold(r.name), key_columns=("name",), fields=fields,
            create=lambda row: {**{name: getattr(row.record, name) for name in fields}, **self.stamps()},
            sets=[_SetSpec(CouncilTerritory.__table__, "council_id", "territory_key", "territory_keys")],
        )
        self.councils.update(ids)

    def reseaux(self, rows: list[CheckedRow]) -> None:
        """Networks, and their council members."""
        table = Network.__table__
        ids = self.upsert(
            "reseaux", table, rows, key=lambda row: fold(row.record.name),
            stored_key=lambda r: fold(r.name), key_columns=("name",), fields=("name", "kind"),
            create=lambda row: {"name": row.record.name, "kind": row.record.kind, "version": 1},
        )
        self.networks.update(ids)
        current = set(self.raw_rows(NetworkCouncil.__table__, ("network_id", "council_id")))
        self._add_members(rows, "council", NetworkCouncil.__table__, "council_id", current,
                          lambda ref: self.councils[fold(ref)])

    def reseaux_partner_members(self, rows: list[CheckedRow]) -> None:
        """Networks' partner members (once the import's partners exist)."""
        current = set(self.raw_rows(NetworkPartner.__table__, ("network_id", "partner_id")))
        self._add_members(rows, "partner", NetworkPartner.__table__, "partner_id", current, self.partner_id)

    def _add_members(self, rows, member_kind: str, table: SqlTable, column: str, current: set, resolve) -> None:
        """Add the members a network row names that it lacks (memberships are never removed by an import)."""
        new = []
        for row in rows:
            network_id = self.networks.get(fold(row.record.name))
            if network_id is None:
                continue
            added = False
            for kind, ref in row.record.member_refs:
                if kind != member_kind:
                    continue
                pair = (network_id, resolve(ref))
                if pair not in current:
                    current.add(pair)
                    new.append(pair)
                    added = True
            if added and self.report.row_status.get((row.source, row.line)) == UNCHANGED:
                if row.protected:
                    self.refuse(row)
                    return
                self._restatus("reseaux", row, UPDATED, ["membres"])
        self.insert_pairs(table, ("network_id", column), new)

    def _restatus(self, kind: str, row: CheckedRow, status: str, changed: list[str]) -> None:
        """Change a row's outcome (an unchanged record that gained a membership is updated)."""
        counts = self.report.counts[kind]
        previous = self.report.row_status[(row.source, row.line)]
        setattr(counts, previous, getattr(counts, previous) - 1)
        self.status(kind, row, status, changed)

    def partenaires(self, rows: list[CheckedRow]) -> None:
        """Partners, their territories of intervention and networks."""
        table = Partner.__table__
        fields = ("name", "typology", "siret", "website", "contact_name", "contact_role", "contact_email",
                  "contact_phone", "verified_on", "notes", "archived_at")
        ids = self.upsert(
            "partenaires", table, rows,
            key=lambda row: (fold(row.record.name), row.record.seat_commune_key.split(":", 1)[1]),
            stored_key=lambda r: (fold(r.name), r.seat_commune_key.split(":", 1)[1]),
            key_columns=("name", "seat_commune_key"), fields=fields,
            create=lambda row: {**{name: getattr(row.record, name) for name in fields},
                                "seat_commune_key": row.record.seat_commune_key,
                                "archived_at": _as_timestamp(row.record.archived_at), **self.stamps()},
            sets=[_SetSpec(PartnerTerritory.__table__, "partner_id", "territory_key", "territory_keys")],
            unarchive=True,
        )
        self.partners.update(ids)
        current = set(self.raw_rows(NetworkPartner.__table__, ("network_id", "partner_id")))
        new = []
        for row in rows:
            key = (fold(row.record.name), row.record.seat_commune_key.split(":", 1)[1])
            if key not in ids:
                continue
            added = False
            for name in row.record.networks:
                pair = (self.networks[fold(name)], ids[key])
                if pair not in current:
                    current.add(pair)
                    new.append(pair)
                    added = True
            if added and self.report.row_status.get((row.source, row.line)) == UNCHANGED:
                if row.protected:
                    self.refuse(row)
                else:
                    self._restatus("partenaires", row, UPDATED, ["reseaux"])
        self.insert_pairs(NetworkPartner.__table__, ("network_id", "partner_id"), new)

    def liens(self, rows: list[CheckedRow]) -> None:
        """Cooperation links, by council, pair (in either order) and kind."""
        table = CooperationLink.__table__
        fields = ("level", "start_date", "end_date", "note")

        def key(row: CheckedRow) -> tuple:
            """The natural key of a row of this kind."""
            a, b = sorted((self.partner_id(row.record.partner_a), self.partner_id(row.record.partner_b)))
            return (self.councils[fold(row.record.council)], a, b, row.record.kind)

        def create(row: CheckedRow) -> dict:
            """The values of a new record of this kind."""
            council_id, a, b, kind = key(row)
            return {"council_id": council_id, "partner_a_id": a, "partner_b_id": b, "kind": kind,
                    **{name: getattr(row.record, name) for name in fields}, **self.stamps()}

        self.upsert("liens", table, rows, key=key, fields=fields, create=create, need_ids=False,
                    stored_key=lambda r: (r.council_id, r.partner_a_id, r.partner_b_id, r.kind),
                    key_columns=("council_id", "partner_a_id", "partner_b_id", "kind"))

    def actions_(self, rows: list[CheckedRow]) -> None:
        """Actions and their territories, themes, publics, platforms and fundings."""
        table = Action.__table__
        fields = ("title", "action_type", "status", "start_date", "end_date", "mode", "weekly_hours",
                  "budget_eur", "shared", "notes", "evaluation", "archived_at")

        def key(row: CheckedRow) -> tuple:
            """The natural key of a row of this kind."""
            return (fold(row.record.title), self.councils[fold(row.record.council)])

        ids = self.upsert(
            "actions", table, rows, key=key, fields=fields,
            stored_key=lambda r: (fold(r.title), r.council_id), key_columns=("title", "council_id"),
            create=lambda row: {**{name: getattr(row.record, name) for name in fields}, "council_id": key(row)[1],
                                "shared": row.record.shared is not False,  # shared unless the file says « non »
                                "archived_at": _as_timestamp(row.record.archived_at), **self.stamps()},
            kept_when_empty=("shared",),
            sets=[
                _SetSpec(ActionTerritory.__table__, "action_id", "territory_key", "territory_keys"),
                _SetSpec(ActionTheme.__table__, "action_id", "theme", "themes"),
                _SetSpec(ActionPublic.__table__, "action_id", "public", "publics"),
                _SetSpec(ActionPlatform.__table__, "action_id", "platform", "platforms"),
                _SetSpec(ActionFunding.__table__, "action_id", "funding", "fundings"),
            ],
            unarchive=True,
        )
        self.actions.update(ids)

    def action_partenaires(self, rows: list[CheckedRow]) -> None:
        """Partners' roles in actions (only ever added)."""
        current = set(self.raw_rows(ActionPartner.__table__, ("action_id", "partner_id", "role")))
        new = []
        for row in rows:
            triple = (self.action_id(row.record.action), self.partner_id(row.record.partner), row.record.role)
            if triple in current:
                self.status("action_partenaires", row, UNCHANGED)
                continue
            current.add(triple)
            new.append(triple)
            self.status("action_partenaires", row, CREATED)
        self.insert_pairs(ActionPartner.__table__, ("action_id", "partner_id", "role"), new)

    def indicateurs(self, rows: list[CheckedRow]) -> None:
        """Yearly indicators, by action and year."""
        table = Indicator.__table__
        fields = ("people_reached", "sessions", "online_contacts", "referrals")

        def key(row: CheckedRow) -> tuple:
            """The natural key of a row of this kind."""
            return (self.action_id(row.record.action), row.record.year)

        self.upsert("indicateurs", table, rows, key=key, fields=fields,
                    stored_key=lambda r: (r.action_id, r.year), key_columns=("action_id", "year"), need_ids=False,
                    create=lambda row: {"action_id": key(row)[0], "year": row.record.year, "version": 1,
                                        **{name: getattr(row.record, name) for name in fields}})

    def referentiel(self, rows: list[CheckedRow]) -> None:
        """Coverage rules, by council, action type and public."""
        table = CoverageRule.__table__

        def key(row: CheckedRow) -> tuple:
            """The natural key of a row of this kind."""
            return (self.councils[fold(row.record.council)], row.record.action_type, row.record.public)

        self.upsert("referentiel", table, rows, key=key, fields=("population_min",),
                    stored_key=lambda r: (r.council_id, r.action_type, r.public),
                    key_columns=("council_id", "action_type", "public"), need_ids=False,
                    create=lambda row: dict(zip(("council_id", "action_type", "public"), key(row)),
                                            population_min=row.record.population_min))


def apply_plan(session: Session, plan: ImportPlan, actor: Actor = SYSTEM, *, progress: Progress | None = None,
               label: str = "") -> ImportReport:
    """Write a valid plan (the caller commits, or rolls back when `plan.problems` is no longer empty)."""
    if not plan.ok:
        raise ValueError("an import plan with problems cannot be applied")
    applier = _Applier(session, plan, actor, progress)
    handlers = {kind: getattr(applier, kind if kind != "actions" else "actions_") for kind in KIND_ORDER}
    kinds = [kind for kind in KIND_ORDER if plan.rows.get(kind)]
    for position, kind in enumerate(kinds):
        if progress:
            progress(0.5 + 0.5 * position / len(kinds), f"Écriture : {KINDS[kind].label}")
        handlers[kind](plan.rows[kind])
        if kind == "partenaires" or (kind == "reseaux" and "partenaires" not in kinds):
            applier.reseaux_partner_members(plan.rows.get("reseaux", []))
    sources = sorted({row.source for rows in plan.rows.values() for row in rows})
    record_change(session, actor, Entity.IMPORT, Operation.IMPORT, national=True,
                  label=label or ("Import : " + ", ".join(sources)),
                  after={"fichiers": sources, "comptes": applier.report.as_dict()})
    if progress:
        progress(1.0, "Import terminé")
    return applier.report
