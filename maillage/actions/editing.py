"""Writing actions: the edit draft, validation, create/update/archive/restore.

The status rule lives in `actions.status`, the list in `actions.listing`, partners' roles in `actions.roles`,
yearly figures in `actions.indicators`, the printable sheet in `actions.sheet`, the timeline in `actions.timeline`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from sqlmodel import Session, select

from maillage.accounts.access import Actor, can_write_council, require_write_council
from maillage.actions.access import visible_action
from maillage.actions.roles import (
    apply_role_changes,
    diff_roles,
    role_pairs,
    roles_problems,
)
from maillage.actions.status import StatusWarning, status_date_warnings
from maillage.core.errors import NotFoundError, ValidationError
from maillage.core.formatting import format_date, format_decimal
from maillage.core.text import fold
from maillage.core.validators import personal_data_problem
from maillage.core.writes import Entity, Operation, recorded_write
from maillage.vocabularies.store import Vocabularies
from models import (
    Action,
    ActionFunding,
    ActionPartner,
    ActionPlatform,
    ActionPublic,
    ActionTerritory,
    ActionTheme,
    Council,
    Partner,
    Territory,
)
from models.common import utc_now

TITLE_MAX = 300
HOURS_IN_A_WEEK = 168

# The list tables of an action: draft attribute → (table, value column).
LIST_TABLES = {
    "territory_keys": (ActionTerritory, "territory_key"),
    "themes": (ActionTheme, "theme"),
    "publics": (ActionPublic, "public"),
    "platforms": (ActionPlatform, "platform"),
    "fundings": (ActionFunding, "funding"),
}
SCALAR_FIELDS = ("title", "council_id", "action_type", "status", "start_date", "end_date", "mode",
                 "weekly_hours", "budget_eur", "shared", "notes", "evaluation")

# French names of the fields, for messages and the history.
FIELD_LABELS = {
    "title": "Titre",
    "council_id": "Instance",
    "action_type": "Type d'action",
    "status": "Statut",
    "start_date": "Début",
    "end_date": "Fin",
    "territory_keys": "Territoires",
    "themes": "Thèmes",
    "publics": "Publics",
    "mode": "Modalité",
    "platforms": "Plateformes",
    "weekly_hours": "Heures par semaine",
    "budget_eur": "Budget",
    "fundings": "Financements",
    "shared": "Partagée avec les réseaux",
    "notes": "Notes",
    "evaluation": "Évaluation",
    "partners": "Partenaires",
}


# ---------------------------------------------------------------- the draft


@dataclass
class ActionDraft:
    """Everything the form edits; partners are (partner id, role) pairs."""

    title: str = ""
    council_id: int | None = None
    action_type: str | None = None
    status: str = "projet"
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    territory_keys: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)
    mode: str | None = None
    platforms: list[str] = field(default_factory=list)
    weekly_hours: float | None = None
    budget_eur: float | None = None
    fundings: list[str] = field(default_factory=list)
    shared: bool = False
    notes: str = ""
    evaluation: str = ""
    partners: list[tuple[int, str]] = field(default_factory=list)


def empty_draft(council_id: int | None, today: dt.date) -> ActionDraft:
    """A new action of `council_id`, starting today, in project, shared with the council's networks (the form
    lets the coordinator keep it to the council)."""
    return ActionDraft(council_id=council_id, start_date=today, shared=True)


def _lists_of(session: Session, action_id: int) -> dict[str, list[str]]:
    """The values of each list table of an action (territories, themes, publics…), sorted."""
    values: dict[str, list[str]] = {}
    for name, (model, column) in LIST_TABLES.items():
        values[name] = sorted(session.exec(
            select(getattr(model, column)).where(model.action_id == action_id)
        ).all())
    return values


def draft_of(session: Session, action: Action) -> ActionDraft:
    """The draft holding an action's current values."""
    scalars = {name: getattr(action, name) for name in SCALAR_FIELDS}
    return ActionDraft(**scalars, **_lists_of(session, action.id), partners=role_pairs(session, action.id))


def draft_for_edit(session: Session, actor: Actor, action_id: int) -> tuple[ActionDraft, int]:
    """The draft and version to open the edit form on (the actor must be able to write it)."""
    action = visible_action(session, actor, action_id)
    require_write_council(actor, action.council_id, "modifier cette action")
    return draft_of(session, action), action.version


def copy_draft(session: Session, actor: Actor, action_id: int, council_id: int | None, today: dt.date) -> ActionDraft:
    """A new action prefilled from a visible one, to run it on another territory (territories left empty)."""
    source = visible_action(session, actor, action_id)
    council = session.get(Council, source.council_id)
    draft = draft_of(session, source)
    target = council_id if council_id is not None else source.council_id
    taken = {fold(t) for t in session.exec(select(Action.title).where(Action.council_id == target)).all()}
    title = f"{source.title} (copie)"
    number = 2
    while fold(title) in taken:
        title = f"{source.title} (copie {number})"
        number += 1
    archived = set(session.exec(select(Partner.id).where(
        Partner.id.in_(sorted({pid for pid, _role in draft.partners})), Partner.archived_at.is_not(None))).all())
    return replace(
        draft, title=title[:TITLE_MAX], council_id=target, status="projet", start_date=today, end_date=None,
        territory_keys=[], evaluation="", partners=[pair for pair in draft.partners if pair[0] not in archived],
        notes=f"Reprise de l'action « {source.title} » ({council.name if council else '?'}).",
    )


# ---------------------------------------------------------------- validation


def _known(vocab: Vocabularies, kind: str, values: list[str], field_name: str, what: str,
           problems: list[tuple[str, str]]) -> None:
    """Add a problem for every value that is not a code of vocabulary `kind`."""
    known = set(vocab.codes(kind))
    for value in values:
        if value not in known:
            problems.append((field_name, f"{FIELD_LABELS[field_name]} : « {value} » n'est pas {what} connu"))


def _text_problems(draft: ActionDraft, problems: list[tuple[str, str]]) -> None:
    """Title required and not too long; no personal contact details in title, notes, evaluation."""
    title = draft.title.strip()
    if not title:
        problems.append(("title", "Titre : obligatoire"))
    elif len(title) > TITLE_MAX:
        problems.append(("title", f"Titre : {len(title)} caractères, {TITLE_MAX} au plus"))
    for name in ("title", "notes", "evaluation"):
        reason = personal_data_problem(getattr(draft, name) or "")
        if reason:
            problems.append((name, f"{FIELD_LABELS[name]} : {reason}"))


def _number_problems(draft: ActionDraft, problems: list[tuple[str, str]]) -> None:
    """Weekly hours between 0 and 168, budget not negative."""
    if draft.weekly_hours is not None:
        if draft.weekly_hours < 0:
            problems.append(("weekly_hours", "Heures par semaine : doit être un nombre positif ou nul"))
        elif draft.weekly_hours > HOURS_IN_A_WEEK:
            problems.append(("weekly_hours", f"Heures par semaine : {format_decimal(draft.weekly_hours)} h "
                                             f"dépasse les {HOURS_IN_A_WEEK} heures d'une semaine"))
    if draft.budget_eur is not None and draft.budget_eur < 0:
        problems.append(("budget_eur", "Budget : doit être un montant positif ou nul"))


def _date_problems(draft: ActionDraft, problems: list[tuple[str, str]]) -> None:
    """A start date, and an end not before it."""
    if draft.start_date is None:
        problems.append(("start_date", "Début : date obligatoire"))
    elif draft.end_date is not None and draft.end_date < draft.start_date:
        problems.append(("end_date", f"Fin : le {format_date(draft.end_date)} est avant le début "
                                     f"({format_date(draft.start_date)})"))


def _reference_problems(session: Session, draft: ActionDraft, action_id: int | None,
                        problems: list[tuple[str, str]]) -> None:
    """A known council, a title unique in it, at least one known territory."""
    council = session.get(Council, draft.council_id) if draft.council_id is not None else None
    if council is None:
        problems.append(("council_id", "Instance : choisissez l'instance qui porte l'action"))
    elif draft.title.strip():
        same = session.exec(select(Action.id, Action.title).where(Action.council_id == council.id)).all()
        if any(fold(title) == fold(draft.title) and other != action_id for other, title in same):
            problems.append(("title", f"Titre : une action « {draft.title.strip()} » existe déjà dans "
                                      f"l'instance « {council.name} » (choisissez un autre titre)"))
    if not draft.territory_keys:
        problems.append(("territory_keys", "Territoires : indiquez au moins un territoire couvert"))
    else:
        known = set(session.exec(select(Territory.key).where(Territory.key.in_(draft.territory_keys))).all())
        for key in draft.territory_keys:
            if key not in known:
                problems.append(("territory_keys", f"Territoires : « {key} » n'est pas un territoire connu"))


def _partner_problems(session: Session, draft: ActionDraft, action_id: int | None,
                      vocab: Vocabularies, problems: list[tuple[str, str]]) -> None:
    """Roles known, at least one pilot, partners existing (and not archived when added)."""
    for message in roles_problems(draft.partners, vocab):
        problems.append(("partners", f"Partenaires : {message}"))
    ids = {partner_id for partner_id, _role in draft.partners}
    if not ids:
        return
    partners = {p.id: p for p in session.exec(select(Partner).where(Partner.id.in_(sorted(ids))))}
    already = set(role_pairs_ids(session, action_id)) if action_id is not None else set()
    for partner_id in sorted(ids):
        partner = partners.get(partner_id)
        if partner is None:
            problems.append(("partners", f"Partenaires : le partenaire n° {partner_id} n'existe pas"))
        elif partner.archived_at is not None and partner_id not in already:
            problems.append(("partners", f"Partenaires : « {partner.name} » est archivé et ne peut pas être ajouté"))


def role_pairs_ids(session: Session, action_id: int) -> list[int]:
    """The ids of the partners taking part in an action."""
    return list(session.exec(select(ActionPartner.partner_id).where(ActionPartner.action_id == action_id)).all())


def validate_draft(session: Session, draft: ActionDraft, action_id: int | None = None,
                   vocab: Vocabularies | None = None) -> list[tuple[str, str]]:
    """Every reason to refuse the draft, as (field, French message); empty when it can be saved."""
    vocab = vocab or Vocabularies.load(session)
    problems: list[tuple[str, str]] = []
    _text_problems(draft, problems)
    _reference_problems(session, draft, action_id, problems)
    if draft.action_type is None:
        problems.append(("action_type", "Type d'action : choisissez un type"))
    else:
        _known(vocab, "action_type", [draft.action_type], "action_type", "un type d'action", problems)
    _known(vocab, "action_status", [draft.status], "status", "un statut", problems)
    _date_problems(draft, problems)
    if not draft.publics:
        problems.append(("publics", "Publics : indiquez au moins un public"))
    _known(vocab, "public", draft.publics, "publics", "un public", problems)
    _known(vocab, "theme", draft.themes, "themes", "un thème", problems)
    if draft.mode is not None:
        _known(vocab, "mode", [draft.mode], "mode", "une modalité", problems)
    if draft.platforms and draft.mode != "en_ligne":
        problems.append(("platforms", "Plateformes : elles ne se renseignent que pour une action en ligne"))
    _known(vocab, "platform", draft.platforms, "platforms", "une plateforme", problems)
    _known(vocab, "funding", draft.fundings, "fundings", "un financement", problems)
    _number_problems(draft, problems)
    _partner_problems(session, draft, action_id, vocab, problems)
    return problems


def status_warnings(draft: ActionDraft, today: dt.date, vocab: Vocabularies | None = None) -> list[StatusWarning]:
    """The draft's status against its dates (maillage.actions.status.status_date_warnings), in the vocabulary's
    labels when given: what the form asks to fix or confirm before saving."""
    labels = vocab.labels("action_status") if vocab is not None else None
    return status_date_warnings(draft.status, draft.start_date, draft.end_date, today, labels)


def draft_warnings(draft: ActionDraft, today: dt.date, vocab: Vocabularies | None = None) -> list[str]:
    """What is allowed but worth a look: a status its dates contradict, an action carried by a single partner."""
    warnings = [warning.message for warning in status_warnings(draft, today, vocab)]
    if len({partner_id for partner_id, _role in draft.partners}) == 1:
        warnings.append("Un seul partenaire porte cette action : pas de coproduction pour l'instant.")
    return warnings


# ---------------------------------------------------------------- writing


def _clean(draft: ActionDraft) -> ActionDraft:
    """Trimmed text and de-duplicated lists (order kept)."""
    def unique(values):
        """The values without repeats, first occurrence kept."""
        return list(dict.fromkeys(values))
    return replace(
        draft, title=draft.title.strip(), notes=(draft.notes or "").strip(),
        evaluation=(draft.evaluation or "").strip(),
        **{name: unique(getattr(draft, name)) for name in LIST_TABLES},
        partners=unique(draft.partners),
    )


def _replace_lists(session: Session, action_id: int, draft: ActionDraft) -> None:
    """Make the list tables of an action hold exactly the draft's values."""
    for name, (model, column) in LIST_TABLES.items():
        wanted = set(getattr(draft, name))
        current = {getattr(row, column): row for row in session.exec(select(model).where(model.action_id == action_id))}
        for value, row in current.items():
            if value not in wanted:
                session.delete(row)
        for value in wanted - set(current):
            session.add(model(action_id=action_id, **{column: value}))


def audit_snapshot(session: Session, action: Action) -> dict[str, Any]:
    """An action's values with its lists and partners (`Name:role`), as written to the audit log."""
    values: dict[str, Any] = {name: getattr(action, name) for name in SCALAR_FIELDS}
    values.update(_lists_of(session, action.id))
    names = dict(session.exec(
        select(Partner.id, Partner.name).join(ActionPartner, ActionPartner.partner_id == Partner.id)
        .where(ActionPartner.action_id == action.id)
    ).all())
    values["partners"] = sorted(f"{names.get(pid, pid)}:{role}" for pid, role in role_pairs(session, action.id))
    return values


def _refuse(problems: list[tuple[str, str]]) -> None:
    """Raise a ValidationError carrying every problem, if there is any."""
    if problems:
        raise ValidationError(problems)


def create_action(session: Session, actor: Actor, draft: ActionDraft) -> Action:
    """Create an action with its lists and partners' roles, after checking rights and every rule."""
    with recorded_write(session, actor, Entity.ACTION, Operation.CREATE, councils={draft.council_id},
                        values=lambda action: audit_snapshot(session, action),
                        permitted=lambda: require_write_council(actor, draft.council_id,
                                                                "créer une action dans cette instance")) as change:
        draft = _clean(draft)
        _refuse(validate_draft(session, draft))
        action = Action(**{name: getattr(draft, name) for name in SCALAR_FIELDS})
        session.add(action)
        session.flush()
        _replace_lists(session, action.id, draft)
        apply_role_changes(session, action.id, diff_roles([], draft.partners))
        change.record, change.label = action, action.title
    return action


def _write(session: Session, actor: Actor, action: Action, operation: Operation, what: str,
           expected_version: int | None = None, councils: set[int | None] | None = None):
    """The write protocol for an existing action: its council's coordinator, its version, changed values."""
    return recorded_write(session, actor, Entity.ACTION, operation, record=action, label=action.title,
                          expected_version=expected_version, changes_only=True,
                          values=lambda record: {**audit_snapshot(session, record), "archived_at": record.archived_at},
                          permitted=lambda: require_write_council(actor, action.council_id, what),
                          councils=councils or {action.council_id})


def update_action(session: Session, actor: Actor, action_id: int, draft: ActionDraft,
                  expected_version: int | None) -> Action:
    """Save the edit form of an action: version checked, rights on its council (and the new one) checked."""
    action = visible_action(session, actor, action_id)
    with _write(session, actor, action, Operation.UPDATE, "modifier cette action", expected_version,
                {action.council_id, draft.council_id}):
        if draft.council_id != action.council_id:
            require_write_council(actor, draft.council_id, "confier l'action à cette instance")
        draft = _clean(draft)
        _refuse(validate_draft(session, draft, action_id=action.id))
        for name in SCALAR_FIELDS:
            setattr(action, name, getattr(draft, name))
        _replace_lists(session, action.id, draft)
        apply_role_changes(session, action.id, diff_roles(role_pairs(session, action.id), draft.partners))
        session.add(action)
    return action


def archive_action(session: Session, actor: Actor, action_id: int, expected_version: int | None) -> Action:
    """Hide an action from lists and figures (restorable); its partners and indicators are kept."""
    action = visible_action(session, actor, action_id)
    with _write(session, actor, action, Operation.ARCHIVE, "archiver cette action", expected_version):
        action.archived_at = utc_now()
        session.add(action)
    return action


def restore_action(session: Session, actor: Actor, action_id: int) -> Action:
    """Bring an archived action back."""
    action = session.get(Action, action_id)
    if action is None:
        raise NotFoundError(f"l'action n° {action_id} n'existe pas")
    require_write_council(actor, action.council_id, "restaurer cette action")
    if action.archived_at is None:
        return action
    with _write(session, actor, action, Operation.RESTORE, "restaurer cette action"):
        action.archived_at = None
        session.add(action)
    return action


def archived_actions(session: Session, actor: Actor, council_id: int) -> list[tuple[int, str]]:
    """(id, title) of a council's archived actions, for those who may restore them."""
    if not can_write_council(actor, council_id):
        return []
    return list(session.exec(
        select(Action.id, Action.title).where(Action.council_id == council_id, Action.archived_at.is_not(None))
        .order_by(Action.title)
    ).all())
