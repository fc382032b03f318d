"""Coverage gaps: for each commune of a council and each rule of its frame, the status at a date.

Statuses (codes; French labels in `STATUS_LABELS`):
- `active`: an action of that type, for that public, covers the commune — directly, through its EPCI,
  EPT, département or région, or through a sub-territory of the commune — and is `en_cours` at `as_of`
  (maillage.actions.status.effective_status; an action not yet started at `as_of` counts as planned);
- `planned`: otherwise, such an action is `projet`;
- `lapsed`: otherwise, such an action ended before `as_of` (or is `terminee`) or is `suspendue`;
- `missing`: no such action;
- `not_expected`: the commune is below the rule's minimum population.

Which actions count for a council: its own (non-archived) actions, and the actions its network peers
(councils sharing a network with it) share with their networks. A reader who may only see what is
shared (network member) gets the same computation over shared actions only.

Everything is computed from a `Snapshot` (maillage/coverage_data.py) with dicts and sets: no query per
cell. See coverage_views.py for matrices and aggregations, coverage_suggestions.py for who could fill a gap.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from sqlmodel import Session

from maillage.accounts.access import Actor, can_read_council, peer_council_ids
from maillage.actions.status import effective_status
from maillage.core.errors import NotFoundError, PermissionDenied
from maillage.coverage.data import ActionRow, Commune, Snapshot, load_snapshot
from maillage.coverage.frame import DEFAULT_FRAME, RuleSpec

STATUSES = ("active", "planned", "lapsed", "missing", "not_expected")
STATUS_LABELS = {
    "active": "Couvert",
    "planned": "Prévu",
    "lapsed": "Échu",
    "missing": "Manquant",
    "not_expected": "Non attendu",
    "none": "Aucune action",
}
STATUS_HELP = {
    "active": "une action en cours de ce type, pour ce public, touche la commune (directement, par son EPCI, "
              "son EPT, son département, sa région ou un de ses quartiers)",
    "planned": "aucune action en cours, mais une action en projet",
    "lapsed": "seulement des actions terminées, arrivées à échéance ou suspendues",
    "missing": "aucune action alors que le référentiel l'attend",
    "not_expected": "commune sous le seuil de population de la règle (choix délibéré du référentiel)",
    "none": "aucune action sur ce thème (les thèmes ne sont pas attendus par le référentiel)",
}
GAP_STATUSES = ("missing", "lapsed")

# Rank of an action's state at a date: the best rank among covering actions gives the cell's status.
ACTIVE, PLANNED, LAPSED = 3, 2, 1
RANK_STATUS = {ACTIVE: "active", PLANNED: "planned", LAPSED: "lapsed", 0: "missing"}
PER_INHABITANTS = 10_000


def action_rank(action: ActionRow, as_of: dt.date) -> int:
    """ACTIVE, PLANNED or LAPSED: what one action counts as at `as_of`."""
    status = effective_status(action.status, action.end_date, as_of)
    if status == "en_cours":
        if action.start_date is not None and action.start_date > as_of:
            return PLANNED
        return ACTIVE
    if status == "projet":
        return PLANNED
    return LAPSED


class Cell(NamedTuple):
    """One (commune, action type, public) of a council's frame, with its status and the actions behind it."""

    commune: str
    action_type: str
    public: str
    population_min: int
    status: str
    action_ids: tuple[int, ...]      # the actions that give the status (e.g. the active ones for `active`)
    covering_ids: tuple[int, ...]    # every counted action of that type and public covering the commune


@dataclass
class CouncilCoverage:
    """One council's coverage at one date: cells, scores, per-capita figures."""

    council_id: int
    name: str
    as_of: dt.date
    frame: tuple[RuleSpec, ...]
    frame_is_default: bool
    shared_only: bool
    communes: list[Commune]
    cells: list[Cell]
    actions: dict[int, ActionRow]                # the counted actions covering the council's communes
    ranks: dict[int, int]                        # action id → ACTIVE/PLANNED/LAPSED at as_of
    council_names: dict[int, str]
    territory_names: dict[str, str]              # epci:/dep:… key → name
    online_hours: dict[str, float] = field(default_factory=dict)    # commune → weekly online hours (apportioned)
    covering: dict[str, frozenset[int]] = field(default_factory=dict)  # commune → counted actions (any type)
    peers: frozenset[int] = frozenset()          # councils sharing a network with this one
    has_figures: bool = True                     # covering/online_hours computed (not by `gaps --all`)

    @property
    def population(self) -> int:
        """Inhabitants of the council's communes."""
        return sum(c.population for c in self.communes)

    def counts(self, cells: list[Cell] | None = None) -> dict[str, int]:
        """status → number of cells."""
        counts = {status: 0 for status in STATUSES}
        for cell in self.cells if cells is None else cells:
            counts[cell.status] += 1
        return counts

    @property
    def expected(self) -> int:
        """Number of expected cells (all but `not_expected`)."""
        return sum(1 for cell in self.cells if cell.status != "not_expected")

    @property
    def score(self) -> float | None:
        """Share of expected cells that are active (None when nothing is expected)."""
        return score_of(self.cells)

    def commune_scores(self) -> dict[str, float | None]:
        """commune code → its coverage score."""
        by_commune: dict[str, list[Cell]] = {}
        for cell in self.cells:
            by_commune.setdefault(cell.commune, []).append(cell)
        return {c.code: score_of(by_commune.get(c.code, [])) for c in self.communes}

    def active_on(self, code: str) -> set[int]:
        """Counted actions active at `as_of` on one commune (any type or public)."""
        return {a for a in self.covering.get(code, ()) if self.ranks[a] == ACTIVE}

    def actions_per_10k(self, communes: list[str] | None = None) -> float | None:
        """Distinct active actions covering these communes (default: all) per 10,000 inhabitants."""
        codes = [c.code for c in self.communes] if communes is None else communes
        population = sum(self.commune(code).population for code in codes)
        if population <= 0 or not self.has_figures:
            return None
        ids = set()
        for code in codes:
            ids |= self.active_on(code)
        return len(ids) * PER_INHABITANTS / population

    def online_hours_per_10k(self, communes: list[str] | None = None) -> float | None:
        """Weekly hours of active online actions, apportioned to communes by population, per 10,000 inhabitants."""
        codes = [c.code for c in self.communes] if communes is None else communes
        population = sum(self.commune(code).population for code in codes)
        if population <= 0 or not self.has_figures:
            return None
        return sum(self.online_hours.get(code, 0.0) for code in codes) * PER_INHABITANTS / population

    def commune(self, code: str) -> Commune:
        """A commune of the council by code."""
        return self._communes_by_code[code]

    @cached_property
    def _communes_by_code(self) -> dict[str, Commune]:
        """commune code → Commune, built once."""
        return {c.code: c for c in self.communes}

    def gaps(self) -> list[Cell]:
        """Missing and lapsed cells, by commune code then action type then public."""
        return [cell for cell in self.cells if cell.status in GAP_STATUSES]

    def action_status(self, action_id: int) -> str:
        """`active`, `planned` or `lapsed` for one counted action."""
        return RANK_STATUS[self.ranks[action_id]]


def score_of(cells) -> float | None:
    """Share of expected cells (not `not_expected`) that are `active`; None when none is expected."""
    expected = active = 0
    for cell in cells:
        if cell.status == "not_expected":
            continue
        expected += 1
        active += cell.status == "active"
    return active / expected if expected else None


def _area_population(action: ActionRow, snapshot: Snapshot) -> int:
    """Inhabitants an action covers (a commune already inside another of its territories is not counted twice)."""
    wider = {key for key in action.keys if not key.startswith("com:")}
    total = 0
    for key in action.keys:
        if key.startswith("com:"):
            commune = snapshot.communes.get(key[4:])
            if commune is None or any(k in wider for k in commune.keys[1:]):
                continue
            total += commune.population
        else:
            total += snapshot.key_population.get(key, 0)
    return total


def counted_filter(snapshot: Snapshot, council_id: int, shared_only: bool = False):
    """A function keeping, among action ids, those a council counts: its own actions and those its network
    peers share (`shared_only`: only shared ones, its own included)."""
    owner, shared = snapshot.visibility()
    peers = snapshot.peers.get(council_id, frozenset())

    def keep(ids) -> list[int]:
        """The counted ones among action ids."""
        if shared_only:
            return [a for a in ids if a in shared and (owner[a] == council_id or owner[a] in peers)]
        if not peers:
            return [a for a in ids if owner[a] == council_id]
        return [a for a in ids if owner[a] == council_id or (a in shared and owner[a] in peers)]
    return keep


def compute_council(snapshot: Snapshot, council_id: int, as_of: dt.date, *, shared_only: bool = False,
                    ranks: dict[int, int] | None = None, area_population: dict[int, int] | None = None,
                    figures: bool = True) -> CouncilCoverage:
    """The coverage of one council from a snapshot.

    `ranks`/`area_population` may be shared between councils (same date); `figures=False` skips what only
    the page needs (actions per commune of any type, online hours), as `gaps --all` does.
    """
    if council_id not in snapshot.councils:
        raise NotFoundError(f"l'instance n° {council_id} n'existe pas")
    own_frame = snapshot.frames.get(council_id)
    frame = own_frame or tuple(sorted(DEFAULT_FRAME))
    pairs = [(rule.action_type, rule.public) for rule in frame]
    peers = snapshot.peers.get(council_id, frozenset())
    index = snapshot.index()
    actions = snapshot.actions
    ranks = {} if ranks is None else ranks
    area_population = {} if area_population is None else area_population

    keep = counted_filter(snapshot, council_id, shared_only)

    def rank(action_id: int) -> int:
        """The rank of an action at `as_of` (computed once, shared between councils)."""
        known = ranks.get(action_id)
        if known is None:
            known = ranks[action_id] = action_rank(actions[action_id], as_of)
        return known

    communes = sorted((snapshot.communes[code] for code in snapshot.council_communes.get(council_id, ())),
                      key=lambda c: c.code)
    # Counted actions per frame pair for each distinct key (an EPCI or département is looked at once).
    by_key: dict[str, dict] = {}
    for commune in communes:
        for key in commune.keys:
            if key in by_key:
                continue
            entry = index.get(key)
            hits = {}
            if entry:
                for pair in pairs:
                    found = entry.get(pair)
                    if found:
                        kept = keep(found)
                        if kept:
                            hits[pair] = kept
            by_key[key] = hits

    cells: list[Cell] = []
    append = cells.append
    new = tuple.__new__  # NamedTuple construction without keyword handling: this loop runs ~175,000 times
    rules = [(rule.action_type, rule.public, rule.population_min, pair) for rule, pair in zip(frame, pairs)]
    seen: set[int] = set()
    for commune in communes:
        code, population = commune[0], commune[2]
        hits = [by_key[k] for k in commune[7] if by_key[k]]
        if not hits:
            for action_type, public, minimum, _pair in rules:
                append(new(Cell, (code, action_type, public, minimum,
                                  "not_expected" if population < minimum else "missing", (), ())))
            continue
        for action_type, public, minimum, pair in rules:
            ids: list[int] = []
            for h in hits:
                found = h.get(pair)
                if found:
                    ids.extend(found)
            if ids:
                if len(ids) > 1:
                    ids = sorted(set(ids))
                best = max(rank(a) for a in ids)
                behind = tuple(a for a in ids if ranks[a] == best)
                seen.update(ids)
                ids = tuple(ids)
            else:
                best, behind, ids = 0, (), ()
            status = "not_expected" if population < minimum else RANK_STATUS[best]
            append(new(Cell, (code, action_type, public, minimum, status, behind, ids)))

    online_hours: dict[str, float] = {}
    covering: dict[str, frozenset[int]] = {}
    if figures:
        # Every counted action on each commune (any type or status): theme view and per-capita figures.
        all_by_key: dict[str, frozenset[int]] = {}
        online: dict[int, float] = {}  # active online actions → weekly hours per inhabitant of their area
        for commune in communes:
            here: set[int] = set()
            for key in commune.keys:
                found = all_by_key.get(key)
                if found is None:
                    entry = index.get(key) or {}
                    found = all_by_key[key] = frozenset(keep({a for ids in entry.values() for a in ids}))
                    for action_id in found:
                        action = actions[action_id]
                        if (action_id not in online and action.mode == "en_ligne" and action.weekly_hours
                                and rank(action_id) == ACTIVE):
                            area = area_population.get(action_id)
                            if area is None:
                                area = area_population[action_id] = _area_population(action, snapshot)
                            online[action_id] = action.weekly_hours / area if area > 0 else 0.0
                here |= found
            seen |= here
            # fsum: the same figure whatever the set order (bulk and targeted loads agree to the last bit)
            online_hours[commune.code] = commune.population * math.fsum(online[a] for a in online.keys() & here)
            covering[commune.code] = frozenset(here)
        for action_id in seen:
            rank(action_id)
    return CouncilCoverage(
        council_id=council_id, name=snapshot.councils[council_id], as_of=as_of, frame=frame,
        frame_is_default=own_frame is None, shared_only=shared_only, communes=communes, cells=cells,
        actions={a: actions[a] for a in seen}, ranks={a: ranks[a] for a in seen},
        council_names=snapshot.council_names, territory_names=snapshot.names,
        online_hours=online_hours, covering=covering, peers=peers, has_figures=figures,
    )


def compute_all(snapshot: Snapshot, as_of: dt.date, figures: bool = False) -> list[CouncilCoverage]:
    """Every council's coverage, by council name (ranks computed once; per-capita figures on request)."""
    ranks: dict[int, int] = {}
    areas: dict[int, int] = {}
    order = sorted(snapshot.councils, key=lambda c: (snapshot.councils[c].casefold(), c))
    return [compute_council(snapshot, c, as_of, ranks=ranks, area_population=areas, figures=figures) for c in order]


def coverage_access(session: Session, actor: Actor, council_id: int) -> bool:
    """Whether `actor` reads the council's coverage over shared actions only; PermissionDenied if not at all."""
    if can_read_council(actor, council_id):
        return False
    if council_id in peer_council_ids(session, actor):
        return True
    raise PermissionDenied("vous n'avez pas accès à cette instance : impossible de consulter sa couverture")


def load_council_coverage(session: Session, council_id: int, as_of: dt.date, shared_only: bool = False) -> CouncilCoverage:
    """One council's coverage, loading only the rows it needs (no access check: see `council_coverage`)."""
    snapshot = load_snapshot(session, [council_id])
    return compute_council(snapshot, council_id, as_of, shared_only=shared_only)


def council_coverage(session: Session, actor: Actor, council_id: int, as_of: dt.date | None = None) -> CouncilCoverage:
    """One council's coverage at `as_of` (default today), as far as `actor` may read it."""
    shared_only = coverage_access(session, actor, council_id)
    return load_council_coverage(session, council_id, as_of or dt.date.today(), shared_only)


def all_coverage(session: Session, actor: Actor, as_of: dt.date | None = None, *,
                 with_themes: bool = False) -> list[CouncilCoverage]:
    """Every council the actor may read, by name: all of them for an administrator (one bulk load),
    a coordinator's or official's own councils, a network member's network councils (shared actions only)."""
    as_of = as_of or dt.date.today()
    if actor.is_admin:
        snapshot = load_snapshot(session, with_themes=with_themes, frame_only=not with_themes)
        return compute_all(snapshot, as_of, figures=with_themes)
    readable = {c for c in actor.council_ids if can_read_council(actor, c)}
    shared = set(peer_council_ids(session, actor)) - readable if actor.role == "reseau" else set()
    wanted = sorted(readable | shared)
    if not wanted:
        return []
    snapshot = load_snapshot(session, wanted, with_themes=with_themes)
    ranks: dict[int, int] = {}
    areas: dict[int, int] = {}
    order = sorted(snapshot.councils, key=lambda c: (snapshot.councils[c].casefold(), c))
    return [compute_council(snapshot, c, as_of, shared_only=c in shared, ranks=ranks, area_population=areas,
                            figures=with_themes) for c in order]
