"""Cooperation links between two partners in a council: add, edit, end (several kinds may join one pair)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from maillage.accounts.access import Actor, require_write_council
from maillage.core.errors import NotFoundError, ValidationError
from maillage.core.validators import personal_data_problem
from maillage.core.writes import Entity, Operation, recorded_write
from maillage.vocabularies.store import Vocabularies
from models import CooperationLink, Council, Partner
from models.vocabularies import DECLARED_LINK_KINDS


@dataclass
class LinkInput:
    """A link form: council, the two partners, kind, level (1-4), dates, note."""

    council_id: int | None
    partner_a_id: int | None
    partner_b_id: int | None
    kind: str
    level: int | str | None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    note: str = ""


def _label(session: Session, link: CooperationLink, vocab: Vocabularies) -> str:
    """`A — B (Convention)`, for the audit log and messages."""
    a, b = session.get(Partner, link.partner_a_id), session.get(Partner, link.partner_b_id)
    return f"{a.name if a else '?'} — {b.name if b else '?'} ({vocab.label('link_kind', link.kind)})"


def _clean(session: Session, data: LinkInput, vocab: Vocabularies, link_id: int | None = None) -> dict:
    """Checked link values (partners ordered a < b); ValidationError listing every problem."""
    problems: list[tuple[str, str]] = []
    council = session.get(Council, data.council_id) if data.council_id is not None else None
    if council is None:
        problems.append(("council", "Instance : obligatoire"))
    partners = []
    for field_name, label, partner_id in (("partner_a", "Partenaire", data.partner_a_id),
                                          ("partner_b", "Partenaire lié", data.partner_b_id)):
        partner = session.get(Partner, partner_id) if partner_id is not None else None
        if partner is None:
            problems.append((field_name, f"{label} : obligatoire"))
        elif partner.archived_at is not None:
            problems.append((field_name, f"{label} : « {partner.name} » est archivé"))
        partners.append(partner)
    if partners[0] is not None and partners[1] is not None and partners[0].id == partners[1].id:
        problems.append(("partner_b", "Partenaire lié : un partenaire ne peut pas être lié à lui-même"))
    kind = vocab.parse("link_kind", data.kind or "")
    if not data.kind:
        problems.append(("kind", "Nature : obligatoire"))
    elif kind not in DECLARED_LINK_KINDS:
        problems.append(("kind", f"Nature : « {data.kind} » n'est pas une nature de lien déclarable "
                                 f"({', '.join(vocab.label('link_kind', k) for k in DECLARED_LINK_KINDS)})"))
    try:
        level = data.level if isinstance(data.level, int) else (
            int(data.level.strip()) if isinstance(data.level, str) and data.level.strip() in ("1", "2", "3", "4")
            else None)
    except (TypeError, ValueError):
        level = None
    if level is None or not 1 <= level <= 4:
        problems.append(("level", "Niveau : un nombre de 1 (information) à 4 (collaboration)"))
    if data.start_date and data.end_date and data.end_date < data.start_date:
        problems.append(("end_date", "Fin : la date de fin précède la date de début"))
    note = (data.note or "").strip()
    if note and (reason := personal_data_problem(note)):
        problems.append(("note", f"Note : {reason}"))
    if not problems:
        a, b = sorted((partners[0].id, partners[1].id))
        clash = session.exec(select(CooperationLink).where(
            CooperationLink.council_id == council.id, CooperationLink.partner_a_id == a,
            CooperationLink.partner_b_id == b, CooperationLink.kind == kind)).first()
        if clash is not None and clash.id != link_id:
            problems.append(("kind", f"Nature : un lien « {vocab.label('link_kind', kind)} » joint déjà ces deux "
                                     f"partenaires dans « {council.name} » : modifiez-le plutôt"))
    if problems:
        raise ValidationError(problems)
    a, b = sorted((partners[0].id, partners[1].id))
    return dict(council_id=council.id, partner_a_id=a, partner_b_id=b, kind=kind, level=level,
                start_date=data.start_date, end_date=data.end_date, note=note)


def create_link(session: Session, actor: Actor, data: LinkInput) -> CooperationLink:
    """Declare a link in a council the actor coordinates."""
    with recorded_write(session, actor, Entity.LINK, Operation.CREATE, councils={data.council_id},
                        permitted=lambda: require_write_council(actor, data.council_id,
                                                                "déclarer un lien dans cette instance")) as change:
        vocab = Vocabularies.load(session)
        link = CooperationLink(**_clean(session, data, vocab))
        session.add(link)
        session.flush()
        change.record, change.label = link, _label(session, link, vocab)
    return link


def _get(session: Session, link_id: int) -> CooperationLink:
    """The link, or NotFoundError."""
    link = session.get(CooperationLink, link_id)
    if link is None:
        raise NotFoundError(f"le lien n° {link_id} n'existe pas")
    return link


def _write(session: Session, actor: Actor, link: CooperationLink, operation: Operation, what: str,
           expected_version: int | None, councils: set[int | None] | None = None):
    """The write protocol for an existing link: the actor coordinates its council; the version is checked."""
    vocab = Vocabularies.load(session)
    return recorded_write(session, actor, Entity.LINK, operation, record=link, expected_version=expected_version,
                          permitted=lambda: require_write_council(actor, link.council_id, what),
                          label=_label(session, link, vocab), councils=councils or {link.council_id})


def update_link(session: Session, actor: Actor, link_id: int, data: LinkInput, expected_version: int | None) -> CooperationLink:
    """Change a link (kind, level, dates, note, even its council if the actor coordinates both)."""
    link = _get(session, link_id)
    with _write(session, actor, link, Operation.UPDATE, "modifier ce lien", expected_version,
                {link.council_id, data.council_id}):
        if data.council_id != link.council_id:
            require_write_council(actor, data.council_id, "déplacer ce lien dans cette instance")
        for name, value in _clean(session, data, Vocabularies.load(session), link.id).items():
            setattr(link, name, value)
        session.add(link)
    return link


def end_link(session: Session, actor: Actor, link_id: int, end_date: dt.date, expected_version: int | None) -> CooperationLink:
    """Close a link at `end_date` (it stays in the history and in the graphs of earlier years)."""
    link = _get(session, link_id)
    with _write(session, actor, link, Operation.UPDATE, "terminer ce lien", expected_version):
        if end_date is None:
            raise ValidationError([("end_date", "Fin : obligatoire")])
        if link.start_date and end_date < link.start_date:
            raise ValidationError([("end_date", "Fin : la date de fin précède la date de début du lien "
                                                f"({link.start_date:%d/%m/%Y})")])
        link.end_date = end_date
        session.add(link)
    return link


def delete_link(session: Session, actor: Actor, link_id: int, expected_version: int | None) -> None:
    """Remove a link entered by mistake (ending it keeps the history: prefer `end_link`)."""
    link = _get(session, link_id)
    with _write(session, actor, link, Operation.DELETE, "supprimer ce lien", expected_version):
        session.delete(link)
