"""The data-quality list of the Données page: likely duplicate partners (maillage.partners.duplicates), records not
checked for 12 months, partners with no link or action, actions without this year's indicators, actions whose
status the dates contradict (overdue, or any other case of maillage.actions.status.status_date_warnings)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from maillage.accounts.access import Actor, require_write_council
from maillage.actions.status import needs_review, status_date_warnings
from maillage.core.errors import PermissionDenied
from maillage.core.formatting import format_date
from maillage.core.text import fold
from maillage.partners.duplicates import find_duplicates
from maillage.partners.partnership import partnership_ids
from maillage.vocabularies.store import Vocabularies
from models import Action, ActionPartner, CooperationLink, Council, Indicator, Partner

STALE_AFTER_DAYS = 365


@dataclass(frozen=True)
class QualityItem:
    """One record to look at: what it is, and why."""

    record: str  # "partenaire" or "action"
    record_id: int
    label: str
    detail: str


@dataclass
class QualitySection:
    """One kind of problem with its items."""

    code: str
    title: str
    advice: str
    items: list[QualityItem] = field(default_factory=list)


@dataclass
class QualityReport:
    """Every section, in the order the page shows them."""

    sections: list[QualitySection]

    @property
    def total(self) -> int:
        """How many items in every section."""
        return sum(len(section.items) for section in self.sections)

    def section(self, code: str) -> QualitySection:
        """One section by its code."""
        return next(section for section in self.sections if section.code == code)


def _scope(session: Session, actor: Actor, council_id: int | None) -> tuple[set[int] | None, set[int] | None]:
    """(partner ids, council ids) to look at; None = everything (administrators without a council)."""
    if council_id is None:
        if not actor.is_admin:
            raise PermissionDenied("choisissez une instance : seuls les administrateurs voient toutes les instances")
        return None, None
    require_write_council(actor, council_id, "vérifier la qualité de ses données")
    return partnership_ids(session, council_id), {council_id}


def data_quality(session: Session, actor: Actor, council_id: int | None = None,
                 today: dt.date | None = None) -> QualityReport:
    """The data-quality list for one council (its partnership and actions), or everything for administrators."""
    today = today or dt.date.today()
    partner_scope, council_scope = _scope(session, actor, council_id)
    vocab = Vocabularies.load(session)
    partners = [p for p in session.execute(select(Partner).where(Partner.archived_at.is_(None))).scalars()
                if partner_scope is None or p.id in partner_scope]

    duplicates = QualitySection(
        "doublons", "Doublons probables de partenaires",
        "Vérifiez ces paires et fusionnez-les depuis la page Partenaires s'il s'agit de la même structure.")
    for pair in find_duplicates(session, partner_scope):
        duplicates.items.append(QualityItem("partenaire", pair.a_id, f"{pair.a_name} ↔ {pair.b_name}",
                                            f"{pair.reason} ({pair.commune})" if pair.commune else pair.reason))

    limit = today - dt.timedelta(days=STALE_AFTER_DAYS)
    stale = QualitySection(
        "non_verifies", "Partenaires non vérifiés depuis 12 mois",
        "Contrôlez la fiche (contact, site, territoires) puis mettez à jour la date de vérification.")
    for partner in sorted((p for p in partners if p.verified_on is None or p.verified_on < limit),
                          key=lambda p: (p.verified_on or dt.date.min, fold(p.name))):
        stale.items.append(QualityItem(
            "partenaire", partner.id, partner.name,
            f"vérifié le {format_date(partner.verified_on)}" if partner.verified_on else "jamais vérifié"))

    linked = set()
    for a, b in session.execute(select(CooperationLink.partner_a_id, CooperationLink.partner_b_id)):
        linked.update((a, b))
    acting = set(session.execute(
        select(ActionPartner.partner_id).join(Action, Action.id == ActionPartner.action_id)
        .where(Action.archived_at.is_(None))).scalars())
    isolated = QualitySection(
        "isoles", "Partenaires sans aucun lien ni action",
        "Déclarez leurs coopérations ou leurs rôles dans les actions, ou archivez-les s'ils ne sont plus partenaires.")
    for partner in sorted((p for p in partners if p.id not in linked and p.id not in acting), key=lambda p: fold(p.name)):
        isolated.items.append(QualityItem("partenaire", partner.id, partner.name,
                                          vocab.label("typology", partner.typology)))

    councils = dict(session.execute(select(Council.id, Council.name)).all())
    actions = [a for a in session.execute(select(Action).where(Action.archived_at.is_(None))).scalars()
               if council_scope is None or a.council_id in council_scope]
    with_indicators = set(session.execute(select(Indicator.action_id).where(Indicator.year == today.year)).scalars())
    year_start = dt.date(today.year, 1, 1)
    missing = QualitySection(
        "sans_indicateurs", f"Actions sans indicateurs {today.year}",
        f"Saisissez les chiffres {today.year} (personnes touchées, séances, contacts, orientations).")
    overdue = QualitySection(
        "echeance_depassee", "Actions dont le statut contredit les dates",
        "« En cours » après la date de fin, « terminée » sans date de fin ou pas encore finie, « en projet » déjà "
        "commencée… : mettez le statut à jour ou corrigez les dates.")
    status_labels = vocab.labels("action_status")
    for action in sorted(actions, key=lambda a: (fold(councils.get(a.council_id, "")), fold(a.title))):
        label = action.title if council_scope else f"{action.title} ({councils.get(action.council_id, '?')})"
        ran_this_year = (action.status in ("en_cours", "terminee") and action.start_date <= today
                         and (action.end_date is None or action.end_date >= year_start))
        if ran_this_year and action.id not in with_indicators:
            missing.items.append(QualityItem("action", action.id, label,
                                             f"{vocab.label('action_status', action.status)} depuis le "
                                             f"{format_date(action.start_date)}"))
        if needs_review(action.status, action.end_date, today):
            overdue.items.append(QualityItem("action", action.id, label,
                                             f"fin prévue le {format_date(action.end_date)}"))
        else:  # the other statuses the dates contradict (maillage.actions.status), with the fix proposed
            overdue.items.extend(
                QualityItem("action", action.id, label, warning.message)
                for warning in status_date_warnings(action.status, action.start_date, action.end_date, today,
                                                    status_labels))
    return QualityReport([duplicates, stale, isolated, missing, overdue])


def quality_csv(report: QualityReport) -> bytes:
    """The whole list as a CSV (UTF-8 with BOM, `;`): section, record, detail."""
    from maillage.exchange.export import csv_bytes
    from maillage.exchange.values import neutralise

    rows = ([section.title, neutralise(item.label), neutralise(item.detail)]
            for section in report.sections for item in section.items)
    return csv_bytes(["problème", "élément", "détail"], rows)
