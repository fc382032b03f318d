"""Who could fill a coverage gap (a `missing` or `lapsed` cell).

Two kinds of suggestion for a cell (commune, action type, public):
- partners of the council's partnership present on that commune (seat commune, or a territory of
  intervention that contains it) whose typology already runs that action type somewhere (as pilot,
  co-pilot or operator of a non-archived action); partners that run one themselves (among the actions
  the council may see) come first, then the more experienced typologies, then partners seated on the
  commune;
- councils of the same networks running that action type now, through actions they share with their
  networks (actions for the same public first).
Everything is loaded in a handful of queries for all the gaps of a council at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from maillage.core.db import chunks
from maillage.core.formatting import plural
from maillage.coverage.data import ActionRow, coverage_key
from maillage.coverage.gaps import ACTIVE, Cell, CouncilCoverage, action_rank
from maillage.partners.partnership import partnership_ids
from maillage.vocabularies.store import Vocabularies
from models import Action, ActionPartner, ActionPublic, Partner, PartnerTerritory

RUNNING_ROLES = ("pilote", "copilote", "operateur")
PARTNER_LIMIT = 8
COUNCIL_LIMIT = 6
CHUNK = 5_000


@dataclass(frozen=True)
class PartnerSuggestion:
    """A partner present on the commune that could carry the action."""

    partner_id: int
    name: str
    typology: str
    seated_here: bool
    own_actions: tuple[str, ...]   # titles of the actions of that type it already runs (visible ones)
    typology_actions: int          # actions of that type run by partners of the same typology (whole database)
    reason: str


@dataclass(frozen=True)
class CouncilSuggestion:
    """A council of the same networks that runs the action type in a shared action."""

    council_id: int
    name: str
    actions: tuple[str, ...]
    same_public: bool
    reason: str


@dataclass(frozen=True)
class CellSuggestions:
    """The suggestions for one gap."""

    commune: str
    action_type: str
    public: str
    partners: tuple[PartnerSuggestion, ...]
    councils: tuple[CouncilSuggestion, ...]

    @property
    def empty(self) -> bool:
        """Whether there is nothing to suggest."""
        return not self.partners and not self.councils



def _presence(session: Session, cov: CouncilCoverage, partner_ids: set[int]) -> tuple[dict[str, list[int]], dict[int, tuple], set[tuple[int, str]]]:
    """commune → partners present there; partner id → (name, typology); (partner, commune) pairs of seats."""
    partners: dict[int, tuple] = {}
    seats: set[tuple[int, str]] = set()
    present: dict[str, set[int]] = {}
    communes = {c.code for c in cov.communes}
    by_key: dict[str, list[str]] = {}
    for commune in cov.communes:
        for key in commune.keys:
            by_key.setdefault(key, []).append(commune.code)
    for chunk in chunks(partner_ids, CHUNK):
        for partner_id, name, typology, seat in session.execute(
                select(Partner.id, Partner.name, Partner.typology, Partner.seat_commune_key)
                .where(Partner.id.in_(chunk), Partner.archived_at.is_(None))):
            partners[partner_id] = (name, typology)
            code = seat.partition(":")[2]
            if code in communes:
                present.setdefault(code, set()).add(partner_id)
                seats.add((partner_id, code))
        for partner_id, key in session.execute(
                select(PartnerTerritory.partner_id, PartnerTerritory.territory_key)
                .where(PartnerTerritory.partner_id.in_(chunk))):
            for code in by_key.get(coverage_key(key), ()):
                present.setdefault(code, set()).add(partner_id)
    return ({code: sorted(ids & set(partners)) for code, ids in present.items()}, partners, seats)


def _typology_counts(session: Session, action_types: set[str]) -> dict[tuple[str, str], int]:
    """(typology, action type) → distinct non-archived actions run by partners of that typology."""
    rows = session.execute(
        select(Partner.typology, Action.action_type, func.count(func.distinct(Action.id)))
        .join(ActionPartner, ActionPartner.partner_id == Partner.id)
        .join(Action, Action.id == ActionPartner.action_id)
        .where(ActionPartner.role.in_(RUNNING_ROLES), Action.archived_at.is_(None),
               Action.action_type.in_(sorted(action_types)))
        .group_by(Partner.typology, Action.action_type))
    return {(typology, action_type): int(count) for typology, action_type, count in rows}


def _own_experience(session: Session, cov: CouncilCoverage, partner_ids: set[int],
                    action_types: set[str]) -> dict[tuple[int, str], list[str]]:
    """(partner, action type) → titles of visible actions of that type the partner runs."""
    peers = cov.peers
    found: dict[tuple[int, str], list[str]] = {}
    for chunk in chunks(partner_ids, CHUNK):
        # The action types are filtered here, not in SQL: given them, SQLite starts from the action-type
        # index and reads every action of those types in France for each chunk (3.4 s for 1,451 partners).
        rows = session.execute(
            select(ActionPartner.partner_id, Action.action_type, Action.title, Action.council_id, Action.shared)
            .join(Action, Action.id == ActionPartner.action_id)
            .where(ActionPartner.partner_id.in_(chunk), ActionPartner.role.in_(RUNNING_ROLES),
                   Action.archived_at.is_(None)))
        for partner_id, action_type, title, council_id, shared in rows:
            if action_type not in action_types:
                continue
            own = council_id == cov.council_id and (shared or not cov.shared_only)
            if own or (shared and council_id in peers):
                titles = found.setdefault((partner_id, action_type), [])
                if title not in titles:
                    titles.append(title)
    return found


def _peer_actions(session: Session, cov: CouncilCoverage, peers: set[int], action_types: set[str]) -> list[tuple[ActionRow, tuple[str, ...]]]:
    """Shared, currently active actions of the peers, of the wanted types, with their publics."""
    if not peers:
        return []
    columns = (Action.id, Action.title, Action.council_id, Action.action_type, Action.status, Action.start_date,
               Action.end_date, Action.mode, Action.weekly_hours, Action.shared)
    actions: dict[int, ActionRow] = {}
    for chunk in chunks(peers, CHUNK):
        for row in session.execute(select(*columns).where(
                Action.council_id.in_(chunk), Action.shared.is_(True), Action.archived_at.is_(None),
                Action.action_type.in_(sorted(action_types)))):
            action = ActionRow(*row[:9], bool(row[9]))
            if action_rank(action, cov.as_of) == ACTIVE:
                actions[action.id] = action
    publics: dict[int, list[str]] = {}
    for chunk in chunks(actions, CHUNK):
        for action_id, public in session.execute(
                select(ActionPublic.action_id, ActionPublic.public).where(ActionPublic.action_id.in_(chunk))):
            publics.setdefault(action_id, []).append(public)
    return [(action, tuple(sorted(publics.get(action.id, ())))) for action in actions.values()]


def suggest(session: Session, cov: CouncilCoverage, cells: list[Cell] | None = None,
            vocab: Vocabularies | None = None) -> dict[tuple[str, str, str], CellSuggestions]:
    """Suggestions for every gap of `cov` (or for the given cells), keyed by (commune, action type, public)."""
    vocab = vocab or Vocabularies.load(session)
    cells = cov.gaps() if cells is None else cells
    if not cells:
        return {}
    peers = set(cov.peers)
    action_types = {cell.action_type for cell in cells}
    partner_ids = partnership_ids(session, cov.council_id)
    present, partners, seats = _presence(session, cov, partner_ids)
    typology_counts = _typology_counts(session, action_types)
    experience = _own_experience(session, cov, set(partners), action_types)
    peer_actions = _peer_actions(session, cov, peers, action_types)
    commune_names = {c.code: c.name for c in cov.communes}
    sort_names = {partner_id: name.casefold() for partner_id, (name, _typology) in partners.items()}
    peer_actions_by_type: dict[str, list[tuple[ActionRow, tuple[str, ...]]]] = {}
    for action, publics in peer_actions:
        peer_actions_by_type.setdefault(action.action_type, []).append((action, publics))
    # The network councils depend on the (type, public) only, not on the commune.
    councils_by_question: dict[tuple[str, str], tuple[CouncilSuggestion, ...]] = {}

    result = {}
    for cell in cells:
        # Ranked on plain tuples; only the partners shown get their object and their French reason.
        ranked = []
        for partner_id in present.get(cell.commune, ()):
            typology = partners[partner_id][1]
            count = typology_counts.get((typology, cell.action_type), 0)
            if not count:
                continue
            own = experience.get((partner_id, cell.action_type), ())
            seated = (partner_id, cell.commune) in seats
            ranked.append((-len(own), -count, not seated, sort_names[partner_id], partner_id))
        ranked.sort()
        candidates = []
        for _minus_own, minus_count, not_seated, _sort_name, partner_id in ranked[:PARTNER_LIMIT]:
            name, typology = partners[partner_id]
            own = tuple(experience.get((partner_id, cell.action_type), ()))
            candidates.append(PartnerSuggestion(partner_id, name, typology, not not_seated, own, -minus_count,
                                                _partner_reason(vocab, typology, own, -minus_count, not not_seated,
                                                                commune_names[cell.commune])))
        question = (cell.action_type, cell.public)
        if question not in councils_by_question:
            councils_by_question[question] = _council_suggestions(
                cov, peer_actions_by_type.get(cell.action_type, ()), cell.public)
        result[(cell.commune, cell.action_type, cell.public)] = CellSuggestions(
            cell.commune, cell.action_type, cell.public, tuple(candidates), councils_by_question[question])
    return result


def _council_suggestions(cov: CouncilCoverage, peer_actions, public: str) -> tuple[CouncilSuggestion, ...]:
    """The network councils that share an action of one type, those for the same public first."""
    councils: dict[int, list[tuple[str, bool]]] = {}
    for action, publics in peer_actions:
        councils.setdefault(action.council_id, []).append((action.title, public in publics))
    found = []
    for council_id, items in councils.items():
        same = any(flag for _title, flag in items)
        titles = tuple(sorted({title for title, flag in items if flag or not same}))
        name = cov.council_names.get(council_id, "?")
        reason = (f"partage {'l’action' if len(titles) == 1 else 'les actions'} « " + " », « ".join(titles[:2])
                  + ("… » " if len(titles) > 2 else " » ")
                  + ("pour ce public" if same else "pour d'autres publics"))
        found.append(CouncilSuggestion(council_id, name, titles, same, reason))
    found.sort(key=lambda s: (not s.same_public, s.name.casefold()))
    return tuple(found[:COUNCIL_LIMIT])


def _partner_reason(vocab: Vocabularies, typology: str, own: tuple[str, ...], count: int, seated: bool,
                    commune: str) -> str:
    """French explanation of a partner suggestion."""
    where = "siège sur la commune" if seated else "intervient sur la commune"
    if own:
        shown = " », « ".join(own[:2]) + (" »…" if len(own) > 2 else " »")
        return f"{where} ; mène déjà « {shown}"
    return (f"{where} ; les structures « {vocab.label('typology', typology)} » portent "
            f"{plural(count, 'action')} de ce type")
