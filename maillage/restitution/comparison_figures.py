"""The cooperation-graph figures of many councils at once, for comparisons: one query per table, whatever the number.

`maillage.restitution.comparison.council_graph` reads one council's graph through `maillage.network` (partnership,
links, shared actions), one load per council. This module reads each table once for all the compared councils
and gives, for each, the same figures `comparison.graph_figures` draws from that graph: partners, active declared
links, of which level ≥ 3, density, missing expected typologies (tests/test_compare_scale.py checks they agree).

Rules reproduced from the graph (see `maillage.network.data`):
- a council's partners are the non-archived partners whose seat or a territory of intervention meets the
  council's communes, or who have a link or an action role (any non-archived action) in it
  (`maillage.partners.partnership.partnership_ids`);
- a declared link counts when both partners are in the partnership and its dates touch the comparison date;
- a non-archived action not « en projet » joins every pair of its partners in the partnership (at least two)
  when it ran that day (a finished action without end date no longer runs);
- density = joined pairs / possible pairs, from two partners on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, case, literal_column, or_
from sqlmodel import Session, select

from maillage.core.rows import driver_rows, ids_in, rows_in
from maillage.geography.footprints import Footprint
from maillage.network.data import NOT_RUN_STATUSES
from maillage.network.metrics import density
from maillage.partners.expectations import (
    DEFAULT_EXPECTATIONS,
    Expectation,
    missing_expectations,
    parse_expectation,
)
from maillage.vocabularies.store import Vocabularies
from models import (
    Action,
    ActionPartner,
    CooperationLink,
    CouncilTerritory,
    ExpectedTypology,
    Partner,
    PartnerTerritory,
    Territory,
)

HIGH_LEVEL = 3  # coopération and collaboration on the continuum
LEVELS = ("epci", "ept", "dep", "reg")


@dataclass(frozen=True)
class GraphFigures:
    """One council's cooperation figures at a date (the same as its graph's, see the module docstring)."""

    partners: int
    links: int
    links_high: int
    density: float | None
    missing_typologies: tuple[str, ...]


def council_footprints(session: Session, council_ids: Iterable[int]) -> dict[int, Footprint]:
    """council → the communes it covers (as `partnership.council_footprint`), from one read of each table."""
    ids = sorted(set(council_ids))
    keys: dict[int, list[str]] = {council_id: [] for council_id in ids}
    for council_id, key in rows_in(session, lambda chunk: select(CouncilTerritory.council_id, CouncilTerritory.territory_key)
                                   .where(ids_in(CouncilTerritory.council_id, chunk)), ids):
        keys[council_id].append(key)
    subs = sorted({key for listed in keys.values() for key in listed if key.startswith("sub:")})
    sub_communes = dict(rows_in(session, lambda chunk: select(Territory.key, Territory.commune_code)
                                .where(Territory.key.in_(chunk)), subs)) if subs else {}
    if not any(keys.values()):
        return {council_id: Footprint() for council_id in ids}
    communes = driver_rows(session, select(Territory.code, Territory.population, Territory.epci_code, Territory.ept_code,
                                           Territory.departement_code, Territory.region_code)
                           .where(Territory.level == "com"))
    wanted = {"com"} | {key.partition(":")[0] for listed in keys.values() for key in listed}
    by_level: dict[str, dict[str, list[tuple]]] = {level: {} for level in ("com", *LEVELS)}
    by_code = {row[0]: [row] for row in communes}
    by_level["com"] = by_code
    for position, level in enumerate(LEVELS, start=2):  # only the levels the councils name
        if level in wanted:
            index = by_level[level]
            for row in communes:
                if row[position]:
                    index.setdefault(row[position], []).append(row)
    out = {}
    for council_id in ids:
        result = Footprint()
        for key in keys[council_id]:
            level, _, code = key.partition(":")
            if level == "sub":
                level, code = "com", sub_communes.get(key)
                if not code:
                    continue
            for code_, population, *above in by_level.get(level, {}).get(code, ()):
                result.communes[code_] = population or 0
                result.codes["com"].add(code_)
                for upper, value in zip(LEVELS, above):
                    if value:
                        result.codes[upper].add(value)
        out[council_id] = result
    return out


class _Meeting:
    """Which of the given footprints a territory key meets (`Footprint.meets` for many footprints at once)."""

    def __init__(self, footprints: dict[int, Footprint]):
        """Index every footprint's codes by level."""
        self.index: dict[str, dict[str, set[int]]] = {}
        for council_id, area in footprints.items():
            for level, codes in area.codes.items():
                by_code = self.index.setdefault(level, {})
                for code in codes:
                    by_code.setdefault(code, set()).add(council_id)
        self.none: frozenset[int] = frozenset()

    def councils(self, key: str, sub_commune: str | None = None):
        """The councils whose footprint key `key` meets."""
        level, _, code = key.partition(":")
        if level == "sub":
            commune = sub_commune if sub_commune is not None else code.split(":", 1)[0]
            return self.index.get("com", {}).get(commune, self.none)
        return self.index.get(level, {}).get(code, self.none)


def _expectations(session: Session, council_ids: list[int]) -> dict[int, list[Expectation]]:
    """council → its expected typologies (the default frame when it has none), as `expectations_for`."""
    own: dict[int, list[Expectation]] = {}
    for council_id, codes in rows_in(session, lambda chunk: select(ExpectedTypology.council_id, ExpectedTypology.codes)
                                     .where(ids_in(ExpectedTypology.council_id, chunk)).order_by(ExpectedTypology.id),
                                     council_ids):
        own.setdefault(council_id, []).append(parse_expectation(codes))
    default = [Expectation(codes) for codes in DEFAULT_EXPECTATIONS]
    return {council_id: own.get(council_id, default) for council_id in council_ids}


def graph_figures_many(session: Session, council_ids: Iterable[int], as_of: dt.date,
                       vocab: Vocabularies | None = None) -> dict[int, GraphFigures]:
    """council → its cooperation figures at `as_of` (every link and action counted, whoever reads), read in bulk."""
    ids = sorted(set(council_ids))
    if not ids:
        return {}
    vocab = vocab or Vocabularies.load(session)
    meeting = _Meeting(council_footprints(session, ids))
    partnership: dict[int, set[int]] = {council_id: set() for council_id in ids}

    typology: dict[int, str] = {}
    for partner_id, seat, partner_typology in driver_rows(
            session, select(Partner.id, Partner.seat_commune_key, Partner.typology).where(Partner.archived_at.is_(None))):
        typology[partner_id] = partner_typology
        for council_id in meeting.councils(seat):
            partnership[council_id].add(partner_id)
    sub_communes = dict(driver_rows(session, select(Territory.key, Territory.commune_code).where(Territory.level == "sub")))
    for partner_id, key in driver_rows(
            session, select(PartnerTerritory.partner_id, PartnerTerritory.territory_key)
            .join(Partner, Partner.id == PartnerTerritory.partner_id).where(Partner.archived_at.is_(None))):
        for council_id in meeting.councils(key, sub_communes.get(key)):
            partnership[council_id].add(partner_id)

    # Whether a link or an action holds the day is computed by the database (no date converted in Python).
    day = literal_column(f"'{as_of.isoformat()}'")
    link_holds = case((and_(or_(CooperationLink.start_date.is_(None), CooperationLink.start_date <= day),
                            or_(CooperationLink.end_date.is_(None), CooperationLink.end_date >= day)), 1), else_=0)
    links = rows_in(session, lambda chunk: select(
        CooperationLink.council_id, CooperationLink.partner_a_id, CooperationLink.partner_b_id, CooperationLink.level,
        link_holds).where(ids_in(CooperationLink.council_id, chunk)), ids)
    for council_id, a, b, _level, _holds in links:
        partnership[council_id].update((a, b))
    action_runs = case((and_(Action.status.not_in(NOT_RUN_STATUSES), or_(Action.start_date.is_(None), Action.start_date <= day),
                             or_(Action.end_date.is_(None), Action.end_date >= day),
                             or_(Action.status != "terminee", Action.end_date.is_not(None))), 1), else_=0)
    roles = rows_in(session, lambda chunk: select(Action.council_id, Action.id, ActionPartner.partner_id, action_runs)
                    .join(ActionPartner, ActionPartner.action_id == Action.id)
                    .where(ids_in(Action.council_id, chunk), Action.archived_at.is_(None)), ids)
    for council_id, _action, partner_id, _runs in roles:
        partnership[council_id].add(partner_id)
    nodes = {council_id: {p for p in members if p in typology} for council_id, members in partnership.items()}

    pairs: dict[int, set[tuple[int, int]]] = {council_id: set() for council_id in ids}
    counts: dict[int, list[int]] = {council_id: [0, 0] for council_id in ids}  # links, of which high
    for council_id, a, b, level, holds in links:
        if holds:
            kept = nodes[council_id]
            if a in kept and b in kept:
                pairs[council_id].add((a, b))
                counts[council_id][0] += 1
                counts[council_id][1] += level >= HIGH_LEVEL
    members: dict[int, set[int]] = {}
    owner: dict[int, int] = {}
    for council_id, action_id, partner_id, runs in roles:
        if runs and partner_id in nodes[council_id]:
            members.setdefault(action_id, set()).add(partner_id)
            owner[action_id] = council_id
    for action_id, partners in members.items():
        present = sorted(partners)
        found = pairs[owner[action_id]]
        for i, a in enumerate(present):
            for b in present[i + 1:]:
                found.add((a, b))

    expectations = _expectations(session, ids)
    out = {}
    for council_id in ids:
        kept = nodes[council_id]
        present = {typology[p] for p in kept}
        missing = missing_expectations(expectations[council_id], present)
        out[council_id] = GraphFigures(
            partners=len(kept), links=counts[council_id][0], links_high=counts[council_id][1],
            density=density(len(kept), len(pairs[council_id])) if len(kept) >= 2 else None,
            missing_typologies=tuple(expectation.label(vocab) for expectation in missing))
    return out
