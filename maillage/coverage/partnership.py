"""Gaps in a council's partnership: expected typologies nobody brings, and actions without co-production.

Expected typologies come from maillage.partners.expectations (the council's ExpectedTypology rows, else the
default expectation: MUNI, EN, one of POLICE_NAT/GENDARMERIE/POLICE_MUN, JUSTICE, CAF, PREVENTION, ML,
BAILLEUR, ASSO, SANTE or MDA), the same rules the network page uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from maillage.actions.status import effective_status
from maillage.core.db import chunks
from maillage.partners.expectations import (
    Expectation,
    expectations_for,
    missing_expectations,
)
from maillage.partners.partnership import partnership_ids
from maillage.vocabularies.store import Vocabularies
from models import Action, ActionPartner, Partner

CHUNK = 5_000


@dataclass(frozen=True)
class PartnershipGaps:
    """The expected typologies of a council and those its partnership lacks."""

    expectations: tuple[Expectation, ...]
    is_default: bool
    missing: tuple[Expectation, ...]
    present: frozenset[str]
    labels: dict[str, str]          # expectation text → French label

    def missing_labels(self) -> list[str]:
        """French labels of the missing expectations, in order."""
        return [self.labels[e.text] for e in self.missing]


def partnership_gaps(session: Session, council_id: int, vocab: Vocabularies | None = None) -> PartnershipGaps:
    """Which expected typologies no (non-archived) partner of the council's partnership has."""
    vocab = vocab or Vocabularies.load(session)
    ids = sorted(partnership_ids(session, council_id))
    present: set[str] = set()
    for chunk in chunks(ids, CHUNK):
        present.update(session.execute(select(Partner.typology).where(Partner.id.in_(chunk))).scalars())
    expectations, is_default = expectations_for(session, council_id)
    missing = missing_expectations(expectations, present)
    return PartnershipGaps(tuple(expectations), is_default, tuple(missing), frozenset(present),
                           {e.text: e.label(vocab) for e in expectations})


@dataclass(frozen=True)
class SinglePartnerAction:
    """An action of the council carried by one partner or none (no co-production)."""

    id: int
    title: str
    action_type: str
    status: str                  # effective status at the date
    partner: str | None          # the only partner's name, None when no partner is recorded


def single_partner_actions(session: Session, council_id: int, as_of: dt.date,
                           shared_only: bool = False) -> list[SinglePartnerAction]:
    """The council's current (running or planned) actions with fewer than two distinct partners, by title."""
    statement = select(Action.id, Action.title, Action.action_type, Action.status, Action.end_date).where(
        Action.council_id == council_id, Action.archived_at.is_(None))
    if shared_only:
        statement = statement.where(Action.shared.is_(True))
    actions = {}
    for action_id, title, action_type, status, end_date in session.execute(statement):
        effective = effective_status(status, end_date, as_of)
        if effective in ("en_cours", "projet"):
            actions[action_id] = (title, action_type, effective)
    partners: dict[int, set[int]] = {}
    names: dict[int, str] = {}
    ids = sorted(actions)
    for chunk in chunks(ids, CHUNK):
        rows = session.execute(
            select(ActionPartner.action_id, Partner.id, Partner.name)
            .join(Partner, Partner.id == ActionPartner.partner_id)
            .where(ActionPartner.action_id.in_(chunk)))
        for action_id, partner_id, name in rows:
            partners.setdefault(action_id, set()).add(partner_id)
            names[partner_id] = name
    out = []
    for action_id, (title, action_type, status) in actions.items():
        members = partners.get(action_id, set())
        if len(members) < 2:
            only = names[next(iter(members))] if members else None
            out.append(SinglePartnerAction(action_id, title, action_type, status, only))
    out.sort(key=lambda a: a.title.casefold())
    return out
