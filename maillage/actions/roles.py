"""Partners' roles in an action: the role table the form edits, and how its edits become database changes.

The form shows one row per partner with a multi-choice list of roles (`st.data_editor`). Its edits come
back as Streamlit's editing state (`edited_rows`, `added_rows`, `deleted_rows`); `apply_editor_state`
replays them on the rows shown, `pairs_from_rows` turns rows into (partner, role) pairs with French
problems, `diff_roles` compares them with the database, and `save_action_partners` writes the difference.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from maillage.accounts.access import Actor, require_write_council
from maillage.actions.access import visible_action
from maillage.core.errors import ValidationError
from maillage.core.versions import check_version, mark_updated
from maillage.core.writes import Entity, Operation, record_change
from maillage.vocabularies.store import Vocabularies
from models import ActionPartner, Partner

PARTNER = "partenaire"
ROLES = "roles"
PILOT = "pilote"

Pair = tuple[int, str]


@dataclass(frozen=True)
class RoleChanges:
    """Roles to add and to remove, as (partner id, role) pairs."""

    added: list[Pair] = field(default_factory=list)
    removed: list[Pair] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Whether nothing changes."""
        return not self.added and not self.removed


def role_pairs(session: Session, action_id: int) -> list[Pair]:
    """The (partner id, role) pairs of an action, in a stable order."""
    return sorted(session.exec(
        select(ActionPartner.partner_id, ActionPartner.role).where(ActionPartner.action_id == action_id)
    ).all())


def diff_roles(current: Iterable[Pair], wanted: Iterable[Pair]) -> RoleChanges:
    """What to add and remove to go from the `current` pairs to the `wanted` ones."""
    current_set, wanted_set = set(current), set(wanted)
    return RoleChanges(added=sorted(wanted_set - current_set), removed=sorted(current_set - wanted_set))


def apply_role_changes(session: Session, action_id: int, changes: RoleChanges) -> None:
    """Write a RoleChanges (no checks: callers validate and check rights)."""
    for partner_id, role in changes.removed:
        row = session.exec(select(ActionPartner).where(
            ActionPartner.action_id == action_id, ActionPartner.partner_id == partner_id,
            ActionPartner.role == role)).first()
        if row is not None:
            session.delete(row)
    if changes.removed:
        session.flush()
    for partner_id, role in changes.added:
        session.add(ActionPartner(action_id=action_id, partner_id=partner_id, role=role))


def roles_problems(pairs: Iterable[Pair], vocab: Vocabularies) -> list[str]:
    """Why a set of roles cannot be saved (French, without the field name): unknown role, no pilot."""
    pairs = list(pairs)
    known = set(vocab.codes("role"))
    problems = [f"« {role} » n'est pas un rôle connu" for role in sorted({r for _p, r in pairs} - known)]
    if not any(role == PILOT for _partner, role in pairs):
        problems.append("il faut au moins un partenaire « pilote »")
    return problems


# ---------------------------------------------------------------- the role table of the form


def editor_rows(pairs: Iterable[Pair], vocab: Vocabularies | None = None) -> list[dict[str, Any]]:
    """One row per partner (first-seen order), its roles in vocabulary order."""
    order = (vocab or Vocabularies.defaults()).codes("role")
    rows: dict[int, list[str]] = {}
    for partner_id, role in pairs:
        roles = rows.setdefault(partner_id, [])
        if role not in roles:
            roles.append(role)
    return [
        {PARTNER: partner_id, ROLES: sorted(roles, key=lambda r: order.index(r) if r in order else len(order))}
        for partner_id, roles in rows.items()
    ]


def _index(key: Any) -> int | None:
    """A row position from the editor state (keys may be text), or None."""
    try:
        return int(key)
    except (TypeError, ValueError):
        return None


def _roles_value(value: Any) -> list[str]:
    """A cell of the roles column as a list of codes."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part) for part in value if part is not None and str(part) != ""]


def _partner_value(value: Any) -> int | None:
    """A cell of the partner column as a partner id, or None."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def apply_editor_state(base_rows: list[dict[str, Any]], state: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The rows after `st.data_editor`'s edits (`edited_rows`, `deleted_rows`, `added_rows`) on `base_rows`."""
    rows = [dict(row) for row in base_rows]
    if not state:
        return rows
    for key, changes in (state.get("edited_rows") or {}).items():
        position = _index(key)
        if position is not None and 0 <= position < len(rows):
            rows[position].update(changes or {})
    deleted = {_index(key) for key in (state.get("deleted_rows") or [])}
    rows = [row for position, row in enumerate(rows) if position not in deleted]
    for added in state.get("added_rows") or []:
        rows.append({PARTNER: None, ROLES: [], **(added or {})})
    return rows


def pairs_from_rows(rows: list[dict[str, Any]], partner_labels: dict[int, str],
                    vocab: Vocabularies | None = None) -> tuple[list[Pair], list[str]]:
    """(partner, role) pairs from the table rows, and the French problems of incomplete rows.

    Empty rows are ignored; a partner listed twice has its roles merged.
    """
    vocab = vocab or Vocabularies.defaults()
    known_roles = set(vocab.codes("role"))
    pairs: list[Pair] = []
    problems: list[str] = []
    for line, row in enumerate(rows, start=1):
        partner_id = _partner_value(row.get(PARTNER))
        roles = _roles_value(row.get(ROLES))
        if partner_id is None and not roles:
            continue
        if partner_id is None:
            problems.append(f"ligne {line} : choisissez le partenaire qui tient le rôle "
                            f"« {', '.join(vocab.label('role', r) for r in roles)} »")
            continue
        name = partner_labels.get(partner_id, f"partenaire n° {partner_id}")
        if not roles:
            problems.append(f"ligne {line} : indiquez au moins un rôle pour « {name} »")
            continue
        for role in roles:
            if role not in known_roles:
                problems.append(f"ligne {line} : « {role} » n'est pas un rôle connu")
            elif (partner_id, role) not in pairs:
                pairs.append((partner_id, role))
    return pairs, problems


def add_partner_row(rows: list[dict[str, Any]], partner_id: int, roles: list[str]) -> list[dict[str, Any]]:
    """The rows with `partner_id` added (or its roles merged into its existing row)."""
    rows = [dict(row) for row in rows]
    for row in rows:
        if _partner_value(row.get(PARTNER)) == partner_id:
            row[ROLES] = list(dict.fromkeys(_roles_value(row.get(ROLES)) + list(roles)))
            return rows
    rows.append({PARTNER: partner_id, ROLES: list(dict.fromkeys(roles))})
    return rows


# ---------------------------------------------------------------- saving the roles alone


def _named(session: Session, pairs: Iterable[Pair]) -> list[str]:
    """Pairs as sorted `Name:role` texts, for the audit log."""
    pairs = list(pairs)
    ids = sorted({partner_id for partner_id, _role in pairs})
    names = dict(session.exec(select(Partner.id, Partner.name).where(Partner.id.in_(ids))).all()) if ids else {}
    return sorted(f"{names.get(pid, pid)}:{role}" for pid, role in pairs)


def save_action_partners(session: Session, actor: Actor, action_id: int, pairs: list[Pair],
                         expected_version: int | None) -> RoleChanges:
    """Replace an action's roles by `pairs`: rights, version and rules checked, audit written."""
    action = visible_action(session, actor, action_id)
    require_write_council(actor, action.council_id, "modifier les partenaires de cette action")
    check_version(session, action, expected_version, Entity.ACTION, action.title)
    vocab = Vocabularies.load(session)
    problems = [("partners", f"Partenaires : {message}") for message in roles_problems(pairs, vocab)]
    current = role_pairs(session, action.id)
    current_ids = {partner_id for partner_id, _role in current}
    ids = sorted({partner_id for partner_id, _role in pairs})
    partners = {p.id: p for p in session.exec(select(Partner).where(Partner.id.in_(ids)))} if ids else {}
    for partner_id in ids:
        partner = partners.get(partner_id)
        if partner is None:
            problems.append(("partners", f"Partenaires : le partenaire n° {partner_id} n'existe pas"))
        elif partner.archived_at is not None and partner_id not in current_ids:
            problems.append(("partners", f"Partenaires : « {partner.name} » est archivé et ne peut pas être ajouté"))
    if problems:
        raise ValidationError(problems)
    changes = diff_roles(current, pairs)
    if changes.empty:
        return changes
    before = _named(session, current)
    apply_role_changes(session, action.id, changes)
    mark_updated(action)
    session.add(action)
    record_change(session, actor, Entity.ACTION, Operation.UPDATE, record_id=action.id, councils={action.council_id},
                  label=action.title, before={"partners": before}, after={"partners": _named(session, pairs)})
    return changes




