"""The actions a partner takes part in, as its card lists them: those the reader may see, and how many others."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, select

from maillage.accounts.access import Actor, can_read_council
from maillage.actions.status import effective_status
from maillage.core.text import fold
from maillage.vocabularies.store import Vocabularies
from models import Action, ActionPartner, Council


@dataclass(frozen=True)
class PartnerActionRow:
    """An action the partner takes part in."""

    id: int
    title: str
    council: str
    roles: str
    status: str
    start: dt.date
    end: dt.date | None


@dataclass(frozen=True)
class PartnerActions:
    """The actions of a partner's card: the readable ones, and the count of unshared ones of other councils."""

    rows: list[PartnerActionRow] = field(default_factory=list)
    hidden: int = 0


def partner_actions(session: Session, actor: Actor, partner_id: int, today: dt.date | None = None) -> PartnerActions:
    """A partner's non-archived actions with its roles and their status today, those the actor may read."""
    today = today or dt.date.today()
    vocab = Vocabularies.load(session)
    roles: dict[int, list[str]] = {}
    for action_id, role in session.exec(select(ActionPartner.action_id, ActionPartner.role)
                                        .where(ActionPartner.partner_id == partner_id)):
        roles.setdefault(action_id, []).append(vocab.label("role", role))
    actions = session.exec(select(Action).where(Action.id.in_(list(roles) or [-1]), Action.archived_at.is_(None))).all()
    visible = [a for a in actions if a.shared or can_read_council(actor, a.council_id)]
    councils = dict(session.exec(select(Council.id, Council.name).where(
        Council.id.in_({a.council_id for a in visible} or {-1}))).all())
    rows = sorted((
        PartnerActionRow(a.id, a.title, councils.get(a.council_id, ""), ", ".join(sorted(roles[a.id])),
                         vocab.label("action_status", effective_status(a.status, a.end_date, today)),
                         a.start_date, a.end_date)
        for a in visible), key=lambda r: (r.council, fold(r.title)))
    return PartnerActions(rows, len(actions) - len(visible))
