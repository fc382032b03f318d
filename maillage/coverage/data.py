"""The rows coverage needs, loaded in a few bulk queries: communes, councils, frames, networks, actions.

`load_snapshot(session)` reads everything (for `gaps --all` and national views); `load_snapshot(session,
council_ids=[…])` reads only what those councils need (their communes, and the actions that cover them
or come from their network peers), so one council's matrix stays fast on a national database.
Nothing here computes a status: see maillage/coverage.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import select
from sqlmodel import Session

from maillage.core.rows import chunks, rows_in
from maillage.core.rows import driver_date as _date
from maillage.core.rows import driver_rows as _rows
from maillage.core.rows import ids_in as _ids_in
from maillage.coverage.frame import RuleSpec, frames_by_council
from models import (
    Action,
    ActionPublic,
    ActionTerritory,
    ActionTheme,
    Council,
    CouncilTerritory,
    CoverageRule,
    NetworkCouncil,
    Territory,
)

# Above this many values, IN lists are sent in chunks (SQLite's variable limit, query plan sizes).
CHUNK = 5_000


def _chunks(values):
    """Values in lists of at most CHUNK."""
    return chunks(values, CHUNK)


def _in_rows(session: Session, make_statement, values):
    """Rows of `make_statement(chunk)` for every chunk of `values` (IN lists stay small)."""
    return rows_in(session, make_statement, values, CHUNK)


LEVELS_ABOVE = ("epci", "ept", "dep", "reg")


class Commune(NamedTuple):
    """A commune with the codes of the territories above it, and the keys whose actions cover it."""

    code: str
    name: str
    population: int
    epci: str | None
    ept: str | None
    dep: str | None
    reg: str | None
    keys: tuple[str, ...]   # com:, epci:, ept:, dep:, reg: (sub-territories are folded into com:)


@dataclass(slots=True)
class ActionRow:
    """What coverage needs of one action."""

    id: int
    title: str
    council_id: int
    action_type: str
    status: str
    start_date: dt.date | None
    end_date: dt.date | None
    mode: str | None
    weekly_hours: float | None
    shared: bool
    keys: tuple[str, ...] = ()          # coverage keys: com:, epci:, ept:, dep:, reg: (sub: folded into com:)
    territory_keys: tuple[str, ...] = ()  # as entered (sub-territories kept)
    publics: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()


@dataclass
class Snapshot:
    """Everything coverage computes from, held in dicts (no query afterwards)."""

    communes: dict[str, Commune] = field(default_factory=dict)
    councils: dict[int, str] = field(default_factory=dict)                 # loaded councils: id → name
    council_names: dict[int, str] = field(default_factory=dict)            # every council: id → name
    council_territories: dict[int, tuple[str, ...]] = field(default_factory=dict)
    council_communes: dict[int, tuple[str, ...]] = field(default_factory=dict)
    frames: dict[int, tuple[RuleSpec, ...]] = field(default_factory=dict)  # own rules only
    peers: dict[int, frozenset[int]] = field(default_factory=dict)          # councils sharing a network
    actions: dict[int, ActionRow] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)                     # epci:/ept:/dep:/reg: key → name
    key_population: dict[str, int] = field(default_factory=dict)            # population of action territories
    with_themes: bool = False
    _index: dict | None = None
    _theme_index: dict | None = None
    _visibility: tuple | None = None

    def visibility(self) -> tuple[dict[int, int], frozenset[int]]:
        """(action id → its council id, ids of the actions shared with the networks), built once."""
        if self._visibility is None:
            self._visibility = ({a.id: a.council_id for a in self.actions.values()},
                                frozenset(a.id for a in self.actions.values() if a.shared))
        return self._visibility

    def index(self) -> dict[str, dict[tuple[str, str], list[int]]]:
        """coverage key → (action type, public) → action ids, built once."""
        if self._index is None:
            index: dict[str, dict[tuple[str, str], list[int]]] = {}
            for action in self.actions.values():
                for key in action.keys:
                    by_pair = index.setdefault(key, {})
                    for public in action.publics:
                        by_pair.setdefault((action.action_type, public), []).append(action.id)
            self._index = index
        return self._index

    def theme_index(self) -> dict[str, dict[str, list[int]]]:
        """coverage key → theme → action ids, built once."""
        if self._theme_index is None:
            index: dict[str, dict[str, list[int]]] = {}
            for action in self.actions.values():
                for key in action.keys:
                    by_theme = index.setdefault(key, {})
                    for theme in action.themes:
                        by_theme.setdefault(theme, []).append(action.id)
            self._theme_index = index
        return self._theme_index


def coverage_key(territory_key: str) -> str:
    """The key an action territory counts under: a sub-territory `sub:33063:x` counts for `com:33063`."""
    if territory_key.startswith("sub:"):
        return "com:" + territory_key[4:].split(":", 1)[0]
    return territory_key


def _commune_columns():
    """The commune columns coverage reads."""
    return (Territory.code, Territory.name, Territory.population, Territory.epci_code, Territory.ept_code,
            Territory.departement_code, Territory.region_code)


def _load_communes(session: Session, snapshot: Snapshot, condition=None) -> None:
    """Add the communes matching `condition` (all when None) to the snapshot."""
    statement = select(*_commune_columns()).where(Territory.level == "com")
    if condition is not None:
        statement = statement.where(condition)
    communes = snapshot.communes
    new = tuple.__new__  # 35,000 communes on a national load: skip NamedTuple keyword handling
    for code, name, population, epci, ept, dep, reg in _rows(session, statement):
        keys = ("com:" + code,)
        if epci:
            keys += ("epci:" + epci,)
        if ept:
            keys += ("ept:" + ept,)
        if dep:
            keys += ("dep:" + dep,)
        if reg:
            keys += ("reg:" + reg,)
        communes[code] = new(Commune, (code, name, population or 0, epci, ept, dep, reg, keys))


def _expand(snapshot: Snapshot, territory_keys, members: dict[str, list[str]] | None = None) -> tuple[str, ...]:
    """The commune codes covered by territory keys (members: level key → commune codes, built if absent)."""
    codes: set[str] = set()
    for key in territory_keys:
        level, _, code = key.partition(":")
        if level == "com":
            if code in snapshot.communes:
                codes.add(code)
        elif level == "sub":
            commune = code.split(":", 1)[0]
            if commune in snapshot.communes:
                codes.add(commune)
        elif members is not None:
            codes.update(members.get(key, ()))
    return tuple(sorted(codes))


def _members(snapshot: Snapshot, territory_lists) -> dict[str, list[str]]:
    """epci:/ept:/dep:/reg: key → its commune codes, for the wider keys among `territory_lists`."""
    wanted = {key for keys in territory_lists for key in keys if not key.startswith(("com:", "sub:"))}
    members: dict[str, list[str]] = {key: [] for key in wanted}
    if not wanted:
        return members
    for commune in snapshot.communes.values():
        for key in commune.keys[1:]:
            if key in members:
                members[key].append(commune.code)
    return members


def _load_councils(session: Session, snapshot: Snapshot, council_ids: list[int] | None) -> None:
    """Councils, their territories and frames, and their network peers."""
    territories = select(CouncilTerritory.council_id, CouncilTerritory.territory_key)
    rules = select(CoverageRule.council_id, CoverageRule.action_type, CoverageRule.public, CoverageRule.population_min)
    if council_ids is not None:
        territories = territories.where(CouncilTerritory.council_id.in_(council_ids))
        rules = rules.where(CoverageRule.council_id.in_(council_ids))
    snapshot.council_names = dict(_rows(session, select(Council.id, Council.name)))
    if council_ids is None:
        snapshot.councils = dict(snapshot.council_names)
    else:
        wanted = set(council_ids)
        snapshot.councils = {c: n for c, n in snapshot.council_names.items() if c in wanted}
    keys: dict[int, list[str]] = {council_id: [] for council_id in snapshot.councils}
    for council_id, key in _rows(session, territories):
        keys.setdefault(council_id, []).append(key)
    snapshot.council_territories = {c: tuple(sorted(k)) for c, k in keys.items()}
    snapshot.frames = frames_by_council(_rows(session, rules))

    memberships = _rows(session, select(NetworkCouncil.network_id, NetworkCouncil.council_id))
    by_network: dict[int, set[int]] = {}
    for network_id, council_id in memberships:
        by_network.setdefault(network_id, set()).add(council_id)
    peers: dict[int, set[int]] = {}
    for members in by_network.values():
        for council_id in members:
            if council_ids is None or council_id in snapshot.councils:
                peers.setdefault(council_id, set()).update(members)
    snapshot.peers = {c: frozenset(p - {c}) for c, p in peers.items()}


def _load_actions(session: Session, snapshot: Snapshot, action_ids: list[int] | None, keep=None,
                  action_types: list[str] | None = None) -> None:
    """Load non-archived actions (all, or `action_ids` among them, those `keep(row)` accepts; only those of
    `action_types` if given) with their territories, publics and themes."""
    columns = (Action.id, Action.title, Action.council_id, Action.action_type, Action.status, Action.start_date,
               Action.end_date, Action.mode, Action.weekly_hours, Action.shared)
    if action_ids is None:
        statement = select(*columns).where(Action.archived_at.is_(None))
        if action_types is not None:
            statement = statement.where(Action.action_type.in_(sorted(action_types)))
        rows = _rows(session, statement)
    else:
        rows = _in_rows(session, lambda chunk: select(*columns).where(_ids_in(Action.id, chunk), Action.archived_at.is_(None)),
                        action_ids)
    actions = {row[0]: ActionRow(row[0], row[1], row[2], row[3], row[4], _date(row[5]), _date(row[6]), row[7],
                                 row[8], bool(row[9])) for row in rows}
    if keep is not None:
        actions = {a: row for a, row in actions.items() if keep(row)}
    snapshot.actions = actions
    if not actions:
        return
    scope = list(actions) if action_ids is not None else None

    def linked(column_a, column_b):
        """Rows of a link table (action id, value) for the loaded actions."""
        if scope is None and action_types is not None:  # joined: only the rows of the chosen types are read
            return _rows(session, select(column_a, column_b).join(Action, Action.id == column_a)
                         .where(Action.action_type.in_(sorted(action_types))))
        if scope is None:
            return _rows(session, select(column_a, column_b))
        return _in_rows(session, lambda chunk: select(column_a, column_b).where(_ids_in(column_a, chunk)), scope)

    territory_lists: dict[int, list[str]] = {}
    for action_id, key in linked(ActionTerritory.action_id, ActionTerritory.territory_key):
        if action_id in actions:
            territory_lists.setdefault(action_id, []).append(key)
    for action_id, keys in territory_lists.items():
        action = actions[action_id]
        action.territory_keys = tuple(sorted(keys))
        action.keys = tuple(sorted({coverage_key(k) for k in keys}))
    public_lists: dict[int, list[str]] = {}
    for action_id, public in linked(ActionPublic.action_id, ActionPublic.public):
        if action_id in actions:
            public_lists.setdefault(action_id, []).append(public)
    for action_id, publics in public_lists.items():
        actions[action_id].publics = tuple(sorted(publics))
    if snapshot.with_themes:
        theme_lists: dict[int, list[str]] = {}
        for action_id, theme in linked(ActionTheme.action_id, ActionTheme.theme):
            if action_id in actions:
                theme_lists.setdefault(action_id, []).append(theme)
        for action_id, themes in theme_lists.items():
            actions[action_id].themes = tuple(sorted(themes))


def _load_every_action(session: Session, snapshot: Snapshot, action_types: list[str] | None,
                       with_publics: bool = True) -> None:
    """Every non-archived action (only those of `action_types` if given) with its territories, publics (unless
    not `with_publics`) and themes, for a national load: the same rows as `_load_actions`, in one joined query
    per link table.

    The action and its territories come in one outer join (an action without territory keeps empty keys);
    publics and themes are joined to action so that only the chosen types' rows are read.
    """
    statement = (
        select(Action.id, Action.title, Action.council_id, Action.action_type, Action.status, Action.start_date,
               Action.end_date, Action.mode, Action.weekly_hours, Action.shared, ActionTerritory.territory_key)
        .outerjoin(ActionTerritory, ActionTerritory.action_id == Action.id)
        .where(Action.archived_at.is_(None))
    )
    if action_types is not None:
        statement = statement.where(Action.action_type.in_(sorted(action_types)))
    actions: dict[int, ActionRow] = {}
    for row in _rows(session, statement):
        action = actions.get(row[0])
        if action is None:
            action = actions[row[0]] = ActionRow(row[0], row[1], row[2], row[3], row[4], _date(row[5]),
                                                 _date(row[6]), row[7], row[8], bool(row[9]))
            if row[10] is not None:
                action.territory_keys = (row[10],)
        elif row[10] is not None:
            action.territory_keys += (row[10],)
    for action in actions.values():
        keys = action.territory_keys
        if not keys:
            continue
        if len(keys) > 1:
            keys = action.territory_keys = tuple(sorted(keys))
        if any(k.startswith("sub:") for k in keys):
            action.keys = tuple(sorted({coverage_key(k) for k in keys}))
        else:
            action.keys = keys if len(keys) == 1 else tuple(sorted(set(keys)))
    snapshot.actions = actions
    if not actions:
        return

    def joined(column_a, column_b) -> dict[int, list[str]]:
        """action id → values of a link table, for the loaded actions only."""
        statement = select(column_a, column_b).join(Action, Action.id == column_a).where(Action.archived_at.is_(None))
        if action_types is not None:
            statement = statement.where(Action.action_type.in_(sorted(action_types)))
        lists: dict[int, list[str]] = {}
        for action_id, value in _rows(session, statement):
            found = lists.get(action_id)
            if found is None:
                lists[action_id] = [value]
            else:
                found.append(value)
        return lists

    if with_publics:
        for action_id, publics in joined(ActionPublic.action_id, ActionPublic.public).items():
            actions[action_id].publics = tuple(sorted(publics))
    if snapshot.with_themes:
        for action_id, themes in joined(ActionTheme.action_id, ActionTheme.theme).items():
            actions[action_id].themes = tuple(sorted(themes))


def _load_frame_actions(session: Session, snapshot: Snapshot) -> None:
    """Only the actions whose (type, public) is in some council's frame, in one joined query, and the index.

    For `gaps --all`: an action's `publics` then holds only its frame publics, and nothing else is loaded.
    """
    from maillage.coverage.frame import DEFAULT_FRAME

    pairs = {(r.action_type, r.public) for frame in snapshot.frames.values() for r in frame}
    if any(c not in snapshot.frames for c in snapshot.councils):
        pairs |= {(r.action_type, r.public) for r in DEFAULT_FRAME}
    if not pairs:
        return
    statement = (
        select(Action.id, Action.title, Action.council_id, Action.action_type, Action.status, Action.start_date,
               Action.end_date, Action.mode, Action.weekly_hours, Action.shared, ActionPublic.public,
               ActionTerritory.territory_key)
        .join(ActionPublic, ActionPublic.action_id == Action.id)
        .join(ActionTerritory, ActionTerritory.action_id == Action.id)
        .where(Action.archived_at.is_(None), Action.action_type.in_(sorted({t for t, _p in pairs})),
               ActionPublic.public.in_(sorted({p for _t, p in pairs})))
    )
    actions: dict[int, ActionRow] = {}
    publics: dict[int, set[str]] = {}
    territories: dict[int, set[str]] = {}
    for row in _rows(session, statement):
        action_id, action_type, public = row[0], row[3], row[10]
        if (action_type, public) not in pairs:
            continue
        if action_id not in actions:
            actions[action_id] = ActionRow(action_id, row[1], row[2], action_type, row[4], _date(row[5]), _date(row[6]),
                                           row[7], row[8], bool(row[9]))
            publics[action_id] = set()
            territories[action_id] = set()
        publics[action_id].add(public)
        territories[action_id].add(row[11])
    for action_id, action in actions.items():
        action.publics = tuple(sorted(publics[action_id]))
        action.territory_keys = tuple(sorted(territories[action_id]))
        action.keys = tuple(sorted({coverage_key(k) for k in territories[action_id]}))
    snapshot.actions = actions


def _load_key_facts(session: Session, snapshot: Snapshot, all_levels: bool) -> None:
    """Names and populations of the EPCI, EPT, départements and régions used (labels, per-capita figures)."""
    if all_levels:
        statement = select(Territory.key, Territory.name, Territory.population).where(Territory.level.in_(LEVELS_ABOVE))
        rows = _rows(session, statement)
    else:
        keys = {key for commune in snapshot.communes.values() for key in commune.keys[1:]}
        keys |= {key for action in snapshot.actions.values() for key in action.keys if not key.startswith("com:")}
        rows = _in_rows(session, lambda chunk: select(Territory.key, Territory.name, Territory.population)
                        .where(Territory.key.in_(chunk)), keys)
    for key, name, population in rows:
        snapshot.names[key] = name
        snapshot.key_population[key] = int(population or 0)
    # Sub-territories an action names (« par le quartier … »): names only, they count for their commune.
    subs = {key for action in snapshot.actions.values() for key in action.territory_keys if key.startswith("sub:")}
    if subs:
        for key, name in _in_rows(session, lambda chunk: select(Territory.key, Territory.name)
                                  .where(Territory.key.in_(chunk)), subs):
            snapshot.names[key] = name


def load_snapshot(session: Session, council_ids: list[int] | None = None, *, with_themes: bool = True,
                  frame_only: bool = False, with_partners: bool = False,
                  action_types: list[str] | None = None, with_publics: bool = True) -> Snapshot:
    """Load what coverage needs: for every council (None) or only for `council_ids`.

    `with_partners` is accepted for existing callers and ignored (partner counts are no longer loaded:
    maillage.coverage.partnership.single_partner_actions reads them).

    `frame_only` (every council only) loads just the actions matching some frame rule: enough for the
    cells (`gaps --all`), not for themes nor per-capita figures. `action_types` (every council only) loads
    just the actions of those types (`gaps --all --presence --column …`); `with_publics=False` (every council
    only) leaves their publics empty (a presence question that names no public).
    """
    snapshot = Snapshot(with_themes=with_themes and not frame_only)
    _load_councils(session, snapshot, council_ids)
    if council_ids is None:
        _load_communes(session, snapshot)
        members = _members(snapshot, snapshot.council_territories.values())
        snapshot.council_communes = {c: _expand(snapshot, keys, members)
                                     for c, keys in snapshot.council_territories.items()}
        if frame_only:
            _load_frame_actions(session, snapshot)
        else:
            _load_every_action(session, snapshot, action_types, with_publics)
        _load_key_facts(session, snapshot, all_levels=True)
        return snapshot

    _load_council_communes(session, snapshot)
    action_ids = _covering_action_ids(session, snapshot)
    _load_actions(session, snapshot, sorted(action_ids), keep=_visible_to_loaded(snapshot))
    # Actions seen through a peer's network may cover communes outside the councils: load those communes' facts too.
    missing = {key[4:] for a in snapshot.actions.values() for key in a.keys
               if key.startswith("com:") and key[4:] not in snapshot.communes}
    if missing:
        for chunk in chunks(missing, CHUNK):
            _load_communes(session, snapshot, Territory.code.in_(chunk))
    _load_key_facts(session, snapshot, all_levels=False)
    return snapshot


def _load_council_communes(session: Session, snapshot: Snapshot) -> None:
    """The communes of the loaded councils only (a commune list, EPCI, EPT, département or région each)."""
    wanted: dict[str, set[str]] = {}
    for keys in snapshot.council_territories.values():
        for key in keys:
            level, _, code = key.partition(":")
            if level == "sub":
                level, code = "com", code.split(":", 1)[0]
            wanted.setdefault(level, set()).add(code)
    columns = {"com": Territory.code, "epci": Territory.epci_code, "ept": Territory.ept_code,
               "dep": Territory.departement_code, "reg": Territory.region_code}
    for level, codes in wanted.items():
        if level in columns:
            for chunk in chunks(codes, CHUNK):
                _load_communes(session, snapshot, columns[level].in_(chunk))
    members = _members(snapshot, snapshot.council_territories.values())
    snapshot.council_communes = {c: _expand(snapshot, keys, members)
                                 for c, keys in snapshot.council_territories.items()}


def _covering_action_ids(session: Session, snapshot: Snapshot) -> set[int]:
    """Ids of the actions that cover a loaded commune (visibility and archiving are checked on loading).

    action_territory has no index on the territory alone, so the keys are matched against a scan of the
    table (one scan per chunk of keys, or one full read for very many keys) and never joined to action
    in SQL, where SQLite would probe every key for every action of the councils.
    """
    keys = {key for commune in snapshot.communes.values() for key in commune.keys}
    codes = list(snapshot.communes)
    sub_keys = [row[0] for row in _in_rows(
        session, lambda chunk: select(Territory.key).where(Territory.level == "sub", Territory.commune_code.in_(chunk)),
        codes)]
    keys.update(sub_keys)
    if len(keys) > CHUNK:
        rows = _rows(session, select(ActionTerritory.action_id, ActionTerritory.territory_key))
        return {action_id for action_id, key in rows if key in keys}
    rows = _rows(session, select(ActionTerritory.action_id).where(ActionTerritory.territory_key.in_(sorted(keys))))
    return {row[0] for row in rows}


def _visible_to_loaded(snapshot: Snapshot):
    """A test for actions some loaded council may count (its own, or shared by one of its peers)."""
    councils = set(snapshot.councils)
    peers = set().union(*snapshot.peers.values()) if snapshot.peers else set()
    return lambda row: row.council_id in councils or (row.shared and row.council_id in peers)
