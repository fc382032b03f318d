"""Presence: what is there on each commune, whatever the frame expects.

The question it answers: « où n'y a-t-il aucune action de type X (pour le public Y, sur le thème Z) ? ».
For each commune of a council and a query (action type, public, theme; each optional), the status is:
- `present`: a counted action matching the query is running at `as_of` and reaches the commune — directly,
  through its EPCI, EPT, département or région, or through one of its sub-territories (with how many
  such actions, and since when: the earliest start among them);
- `planned`: otherwise, such an action is planned (status `projet`, or not started yet);
- `lapsed`: otherwise, such an action ended, is past its end date or is suspended;
- `none`: no such action.

Counted actions are those of maillage.coverage.gaps: the council's own, and those its network peers share
(shared ones only for a reader with network access). A public matches exactly (an action for « Tout public »
does not count for « Adolescents »), as in the frame.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from sqlmodel import Session, select

from maillage.accounts.access import Actor, can_read_council, network_council_ids
from maillage.core.errors import NotFoundError, PermissionDenied
from maillage.core.formatting import format_date, format_int, format_percent, plural
from maillage.core.rows import collector_paused
from maillage.coverage.data import (
    ActionRow,
    Commune,
    Snapshot,
    coverage_key,
    load_snapshot,
)
from maillage.coverage.gaps import (
    ACTIVE,
    LAPSED,
    PLANNED,
    action_rank,
    counted_filter,
    coverage_access,
)
from maillage.vocabularies.store import Vocabularies
from models import Network, NetworkCouncil

PRESENCE_STATUSES = ("present", "planned", "lapsed", "none")
PRESENCE_LABELS = {
    "present": "Présente",
    "planned": "Prévue seulement",
    "lapsed": "Échue seulement",
    "none": "Aucune action",
}
PRESENCE_HELP = {
    "present": "au moins une action en cours touche la commune (directement, par son EPCI, son EPT, son "
               "département, sa région ou un de ses quartiers)",
    "planned": "aucune action en cours, mais une action en projet ou pas encore commencée",
    "lapsed": "seulement des actions terminées, arrivées à échéance ou suspendues",
    "none": "aucune action de ce genre ne touche la commune",
}
RANK_PRESENCE = {ACTIVE: "present", PLANNED: "planned", LAPSED: "lapsed", 0: "none"}
ACTION_STATE_LABELS = {ACTIVE: "En cours", PLANNED: "Prévue", LAPSED: "Échue"}
REACH_PREFIX = {"epci": "par l'EPCI", "ept": "par l'EPT", "dep": "par le département", "reg": "par la région",
                "sub": "par le quartier"}


@dataclass(frozen=True)
class PresenceQuery:
    """Which actions count: an action type, a public and a theme, each optional (None: any)."""

    action_type: str | None = None
    public: str | None = None
    theme: str | None = None

    def matches(self, action: ActionRow) -> bool:
        """Whether an action answers the query."""
        return ((self.action_type is None or action.action_type == self.action_type)
                and (self.public is None or self.public in action.publics)
                and (self.theme is None or self.theme in action.themes))

    def label(self, vocab: Vocabularies) -> str:
        """`Présence éducative en ligne (Promeneurs du Net) pour Adolescents (12-17 ans)` (French)."""
        parts = [f"« {vocab.label('action_type', self.action_type)} »" if self.action_type else "une action"]
        if self.public:
            parts.append(f"pour « {vocab.label('public', self.public)} »")
        if self.theme:
            parts.append(f"sur le thème « {vocab.label('theme', self.theme)} »")
        return " ".join(parts)


def clean_query(vocab: Vocabularies, action_type: str | None = None, public: str | None = None,
                theme: str | None = None) -> PresenceQuery:
    """A query from codes or French labels (empty = any); MaillageError naming the unknown value."""
    from maillage.core.errors import ValidationError

    values = {}
    problems = []
    for kind, field_name, value, what in (("action_type", "type_action", action_type, "type d'action"),
                                          ("public", "public", public, "public"), ("theme", "theme", theme, "thème")):
        if value in (None, ""):
            values[kind] = None
            continue
        code = vocab.parse(kind, str(value))
        if code is None:
            problems.append((field_name, f"{what} inconnu : « {value} »"))
        values[kind] = code
    if problems:
        raise ValidationError(problems)
    return PresenceQuery(values["action_type"], values["public"], values["theme"])


class PresenceRow(NamedTuple):
    """One commune's answer: status, the actions giving it, how many of them and since when."""

    code: str
    name: str
    population: int
    status: str
    action_ids: tuple[int, ...]     # the actions giving the status (the running ones when present)
    covering_ids: tuple[int, ...]   # every counted matching action reaching the commune
    since: dt.date | None           # earliest start of the running ones

    @property
    def count(self) -> int:
        """How many actions give the status."""
        return len(self.action_ids)


@dataclass
class CouncilPresence:
    """A council's presence answer for one query at one date."""

    council_id: int
    name: str
    as_of: dt.date
    query: PresenceQuery
    shared_only: bool
    rows: list[PresenceRow]
    actions: dict[int, ActionRow]
    ranks: dict[int, int]
    communes: dict[str, Commune] = field(default_factory=dict)
    territory_names: dict[str, str] = field(default_factory=dict)
    council_names: dict[int, str] = field(default_factory=dict)

    @property
    def population(self) -> int:
        """Inhabitants of the council's communes."""
        return sum(row.population for row in self.rows)

    def with_status(self, *statuses: str) -> list[PresenceRow]:
        """The communes in one of `statuses` (default `none`), by name."""
        wanted = set(statuses or ("none",))
        return sorted((r for r in self.rows if r.status in wanted), key=lambda r: (r.name.casefold(), r.code))

    def counts(self) -> dict[str, int]:
        """status → number of communes."""
        counts = {status: 0 for status in PRESENCE_STATUSES}
        for row in self.rows:
            counts[row.status] += 1
        return counts

    def share(self, rows: list[PresenceRow]) -> float | None:
        """Share of the council's population living in these communes (None without population)."""
        total = self.population
        return sum(r.population for r in rows) / total if total > 0 else None

    @cached_property
    def by_code(self) -> dict[str, PresenceRow]:
        """commune code → row."""
        return {row.code: row for row in self.rows}

    def reaches(self, code: str, action_id: int) -> list[str]:
        """How an action reaches a commune, in French (« directement », « par l'EPCI … »)."""
        commune = self.communes.get(code)
        if commune is None:
            return []
        return [reach_label(key, self.territory_names) for key in reach_keys(self.actions[action_id], commune)]


def reach_keys(action: ActionRow, commune: Commune) -> tuple[str, ...]:
    """The territories of an action (as entered) that reach a commune."""
    keys = set(commune.keys)
    return tuple(k for k in action.territory_keys if coverage_key(k) in keys)


def reach_label(key: str, names: dict[str, str]) -> str:
    """« directement », « par l'EPCI Communauté de communes du Créonnais », « par le quartier Benauge »…"""
    level, _, code = key.partition(":")
    if level == "com":
        return "directement"
    name = names.get(key) or (code.split(":", 1)[-1] if level == "sub" else code)
    return f"{REACH_PREFIX.get(level, 'par')} {name}"


def matching_index(snapshot: Snapshot, query: PresenceQuery) -> dict[str, list[int]]:
    """coverage key → ids of the actions answering the query (built once, shared between councils)."""
    index: dict[str, list[int]] = {}
    for action in snapshot.actions.values():
        if query.matches(action):
            for key in action.keys:
                index.setdefault(key, []).append(action.id)
    return index


def compute_presence(snapshot: Snapshot, council_id: int, as_of: dt.date, query: PresenceQuery, *,
                     shared_only: bool = False, ranks: dict[int, int] | None = None,
                     index: dict[str, list[int]] | None = None) -> CouncilPresence:
    """The presence answer of one council from a snapshot (`ranks`, `index` may be shared between councils)."""
    if council_id not in snapshot.councils:
        raise NotFoundError(f"l'instance n° {council_id} n'existe pas")
    index = matching_index(snapshot, query) if index is None else index
    ranks = {} if ranks is None else ranks
    keep = counted_filter(snapshot, council_id, shared_only)
    actions = snapshot.actions
    communes = sorted((snapshot.communes[code] for code in snapshot.council_communes.get(council_id, ())),
                      key=lambda c: c.code)
    by_key: dict[str, list[int]] = {}
    rows: list[PresenceRow] = []
    seen: set[int] = set()
    for commune in communes:
        ids: set[int] = set()
        for key in commune.keys:
            found = by_key.get(key)
            if found is None:
                found = by_key[key] = keep(index.get(key, ()))
            ids.update(found)
        if not ids:
            rows.append(PresenceRow(commune.code, commune.name, commune.population, "none", (), (), None))
            continue
        best = 0
        for action_id in ids:
            rank = ranks.get(action_id)
            if rank is None:
                rank = ranks[action_id] = action_rank(actions[action_id], as_of)
            best = max(best, rank)
        behind = tuple(sorted(a for a in ids if ranks[a] == best))
        starts = [actions[a].start_date for a in behind if actions[a].start_date is not None]
        since = min(starts) if best == ACTIVE and starts else None
        seen |= ids
        rows.append(PresenceRow(commune.code, commune.name, commune.population, RANK_PRESENCE[best], behind,
                                tuple(sorted(ids)), since))
    return CouncilPresence(
        council_id=council_id, name=snapshot.councils[council_id], as_of=as_of, query=query,
        shared_only=shared_only, rows=rows, actions={a: actions[a] for a in seen}, ranks={a: ranks[a] for a in seen},
        communes={c.code: c for c in communes}, territory_names=snapshot.names,
        council_names=snapshot.council_names,
    )


def load_council_presence(session: Session, council_id: int, as_of: dt.date, query: PresenceQuery,
                          shared_only: bool = False) -> CouncilPresence:
    """One council's presence answer, loading only what it needs (no access check: see `council_presence`)."""
    snapshot = load_snapshot(session, [council_id], with_themes=query.theme is not None)
    return compute_presence(snapshot, council_id, as_of, query, shared_only=shared_only)


def council_presence(session: Session, actor: Actor, council_id: int, query: PresenceQuery,
                     as_of: dt.date | None = None) -> CouncilPresence:
    """One council's presence answer at `as_of` (default today), as far as `actor` may read it."""
    shared_only = coverage_access(session, actor, council_id)
    return load_council_presence(session, council_id, as_of or dt.date.today(), query, shared_only)


def _presence_of_councils(snapshot: Snapshot, council_ids, as_of: dt.date, queries, shared: set[int]):
    """Presence answers of councils (by name) for several queries, query by query then council by council.

    The same answers as `compute_presence` for each query and council (tests/test_coverage_presence_scale.py
    checks it), in one pass for all queries: each action is matched and ranked once, each (council, territory key)
    filtered once for every query, the answer of the territories above a commune (EPCI, EPT, département,
    région) computed once per council and combined with the commune's own actions only where it has some.
    """
    queries = list(queries)
    order = sorted((c for c in council_ids if c in snapshot.councils),
                   key=lambda c: (snapshot.councils[c].casefold(), c))
    actions = snapshot.actions
    answered, index = _query_index(actions, queries)
    shared_ids = snapshot.visibility()[1]
    ranks = {a: action_rank(actions[a], as_of) for a in answered}
    starts = {a: actions[a].start_date for a in answered}

    alone: dict[int, tuple] = {}

    def answer(ids: list[int]) -> tuple:
        """(status, action ids giving it, all ids, since) for the ids reaching a commune."""
        if len(ids) == 1:
            known = alone.get(ids[0])
            if known is None:
                action_id = ids[0]
                rank = ranks[action_id]
                known = alone[action_id] = (RANK_PRESENCE[rank], (action_id,), (action_id,),
                                            starts[action_id] if rank == ACTIVE else None)
            return known
        ids = sorted(set(ids))
        levels = [ranks[a] for a in ids]
        best = max(levels)
        behind = tuple(ids) if min(levels) == best else tuple(a for a, r in zip(ids, levels) if r == best)
        since = None
        if best == ACTIVE:
            dates = [starts[a] for a in behind if starts[a] is not None]
            since = min(dates) if dates else None
        return RANK_PRESENCE[best], behind, tuple(ids), since

    new = tuple.__new__  # PresenceRow without keyword handling: one row per commune and query
    positions = range(len(queries))
    out: list[list[CouncilPresence]] = [[] for _ in positions]
    for council_id in order:
        peers = snapshot.peers.get(council_id, frozenset())
        shared_only = council_id in shared

        def counted(key: str, council_id=council_id, peers=peers, shared_only=shared_only) -> list[int]:
            """The actions through a key the council counts (as `counted_filter`): its own, and those its
            network peers share (shared ones only, its own included, for `shared_only`)."""
            owners = index.get(key)
            if not owners:
                return []
            if len(owners) == 1 and council_id in owners and not shared_only:
                return owners[council_id]
            out: list[int] = []
            for owner, ids in owners.items():
                if owner == council_id and not shared_only:
                    out += ids
                elif owner == council_id or owner in peers:
                    out += [a for a in ids if a in shared_ids]
            return out

        communes = [snapshot.communes[code] for code in sorted(snapshot.council_communes.get(council_id, ()))]
        by_key: dict[str, dict[int, list[int]]] = {}

        above: dict[tuple[str, ...], tuple[dict[int, list[int]], list]] = {}
        by_commune: list[list[PresenceRow]] = []
        seen: list[set[int]] = [set() for _ in positions]
        for commune in communes:
            keys = commune[7]
            wider = above.get(keys[1:])
            if wider is None:
                merged: dict[int, list[int]] = {}
                for key in keys[1:]:  # EPCI, EPT, département, région: each filtered once per council
                    entry = by_key.get(key)
                    if entry is None:
                        entry = by_key[key] = {}
                        for action_id in counted(key):
                            for position in answered[action_id]:
                                entry.setdefault(position, []).append(action_id)
                    for position, ids in entry.items():
                        merged.setdefault(position, []).extend(ids)
                results = [None] * len(queries)
                for position, ids in merged.items():
                    results[position] = answer(ids)
                    seen[position].update(ids)
                wider = above[keys[1:]] = (merged, results)
            merged, results = wider
            direct = counted(keys[0])  # the commune's own key is met once per council: no cache
            if direct:
                own: dict[int, list[int]] = {}
                for action_id in direct:
                    for position in answered[action_id]:
                        own.setdefault(position, []).append(action_id)
                if own:
                    results = list(results)
                    for position, ids in own.items():
                        results[position] = answer(ids + merged.get(position, []))
                        seen[position].update(ids)
            head = (commune[0], commune[1], commune[2])
            nothing = new(PresenceRow, (*head, "none", (), (), None))
            by_commune.append([nothing if result is None else new(PresenceRow, head + result) for result in results])
        rows = [list(column) for column in zip(*by_commune)] if by_commune else [[] for _ in positions]
        by_code = {c.code: c for c in communes}
        for position in positions:
            used = seen[position]
            out[position].append(CouncilPresence(
                council_id=council_id, name=snapshot.councils[council_id], as_of=as_of, query=queries[position],
                shared_only=council_id in shared, rows=rows[position], actions={a: actions[a] for a in used},
                ranks={a: ranks[a] for a in used}, communes=by_code, territory_names=snapshot.names,
                council_names=snapshot.council_names,
            ))
    return [presence for answers in out for presence in answers]


def _query_index(actions: dict[int, ActionRow], queries: list[PresenceQuery]):
    """(action id → positions of the queries it answers, coverage key → owner council → ids of those actions),
    for the actions answering at least one query and reaching some territory."""
    by_type: dict[str | None, list[int]] = {}
    for position, query in enumerate(queries):
        by_type.setdefault(query.action_type, []).append(position)
    any_type = by_type.pop(None, [])
    plain = all(q.public is None and q.theme is None for q in queries)
    answered: dict[int, tuple[int, ...]] = {}
    index: dict[str, dict[int, list[int]]] = {}
    for action in actions.values():
        if not action.keys:
            continue
        candidates = by_type.get(action.action_type, [])
        if any_type:
            candidates = candidates + any_type
        if not candidates:
            continue
        hit = tuple(candidates) if plain else tuple(p for p in candidates if queries[p].matches(action))
        if not hit:
            continue
        answered[action.id] = hit
        for key in action.keys:
            owners = index.get(key)
            if owners is None:
                index[key] = {action.council_id: [action.id]}
            else:
                owners.setdefault(action.council_id, []).append(action.id)
    return answered, index


def all_presence(session: Session, actor: Actor, queries: list[PresenceQuery],
                 as_of: dt.date | None = None) -> list[CouncilPresence]:
    """Presence answers of every council the actor may read (as `all_coverage`), query by query."""
    as_of = as_of or dt.date.today()
    themes = any(q.theme is not None for q in queries)
    if actor.is_admin:
        types = {q.action_type for q in queries}
        with collector_paused():  # a national answer builds one row per commune and query (400,000 for every type)
            snapshot = load_snapshot(session, with_themes=themes, with_publics=any(q.public for q in queries),
                                     action_types=None if None in types else sorted(types))
            return _presence_of_councils(snapshot, snapshot.councils, as_of, queries, set())
    from maillage.accounts.access import peer_council_ids

    readable = {c for c in actor.council_ids if can_read_council(actor, c)}
    shared = set(peer_council_ids(session, actor)) - readable if actor.role == "reseau" else set()
    wanted = sorted(readable | shared)
    if not wanted:
        return []
    snapshot = load_snapshot(session, wanted, with_themes=themes)
    with collector_paused():
        return _presence_of_councils(snapshot, wanted, as_of, queries, shared)


def readable_networks(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """The networks whose presence question the actor may ask: all for an administrator, their own for a
    network member, those of their councils for a coordinator; (id, name) by name."""
    if actor.is_admin:
        ids = None
    elif actor.role == "reseau":
        ids = set(actor.network_ids)
    elif actor.role == "coordinateur":
        ids = set(session.exec(select(NetworkCouncil.network_id)
                               .where(NetworkCouncil.council_id.in_(list(actor.council_ids) or [-1]))).all())
    else:
        ids = set()
    statement = select(Network.id, Network.name)
    rows = [(i, n) for i, n in session.exec(statement).all() if ids is None or i in ids]
    return sorted(rows, key=lambda r: r[1].casefold())


def network_presence(session: Session, actor: Actor, network_id: int, query: PresenceQuery,
                     as_of: dt.date | None = None) -> list[CouncilPresence]:
    """The presence answer of every council of a network, by council name, for its members and coordinators.

    Councils the actor does not coordinate count only the actions shared with their networks.
    """
    network = session.get(Network, network_id)
    if network is None:
        raise NotFoundError(f"le réseau n° {network_id} n'existe pas")
    if network_id not in {i for i, _n in readable_networks(session, actor)}:
        raise PermissionDenied(f"vous n'êtes ni membre du réseau « {network.name} » ni coordinateur d'une de ses "
                               "instances : impossible d'interroger sa couverture")
    members = sorted(network_council_ids(session, {network_id}))
    if not members:
        return []
    snapshot = load_snapshot(session, members, with_themes=query.theme is not None)
    shared = {c for c in members if not can_read_council(actor, c)}
    return _presence_of_councils(snapshot, members, as_of or dt.date.today(), [query], shared)


WITHOUT_RUNNING = ("none", "planned", "lapsed")


def absence_sentence(presence: CouncilPresence, vocab: Vocabularies) -> str:
    """« 3 communes sur 15 n'ont aucune action en cours de type … : 4 512 habitants, 12 % de la population
    de l'instance (dont 1 avec une action prévue). »"""
    rows = presence.with_status(*WITHOUT_RUNNING)
    words = _query_words(presence.query, vocab)
    total = len(presence.rows)
    if not total:
        return "L'instance ne couvre aucune commune."
    if not rows:
        return (f"Aucune commune sans action en cours {words} : les {plural(total, 'commune')} de l'instance "
                "en ont au moins une." if total > 1 else f"La commune de l'instance a une action en cours {words}.")
    people = sum(r.population for r in rows)
    many = len(rows) > 1
    verb = "n'ont" if many else "n'a"
    counts = presence.counts()
    extra = ""
    if counts["planned"] or counts["lapsed"]:
        extra = " (dont " + ", ".join(
            f"{format_int(counts[s])} avec seulement une action {t}" for s, t in (("planned", "prévue"),
                                                                               ("lapsed", "échue")) if counts[s]) + ")"
    return (f"{format_int(len(rows))} commune{'s' if many else ''} sur {format_int(total)} "
            f"{verb} aucune action en cours {words}{extra} : "
            f"{format_int(people)} habitants, {format_percent(presence.share(rows))} de la population de l'instance.")


def _query_words(query: PresenceQuery, vocab: Vocabularies) -> str:
    """`de type « … » pour « … » sur le thème « … »` (empty for an empty query)."""
    parts = []
    if query.action_type:
        parts.append(f"de type « {vocab.label('action_type', query.action_type)} »")
    if query.public:
        parts.append(f"pour « {vocab.label('public', query.public)} »")
    if query.theme:
        parts.append(f"sur le thème « {vocab.label('theme', query.theme)} »")
    return " ".join(parts)


def since_text(row: PresenceRow) -> str:
    """`depuis le 06/01/2020` for a present commune, else empty."""
    return f"depuis le {format_date(row.since)}" if row.since else ""
