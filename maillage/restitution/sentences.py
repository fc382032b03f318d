"""The summary's short French sentences, written from the figures (plurals, lists and numbers in French).

« 12 actions en cours, dont 3 en ligne ; 2 communes sans action « Sensibilisation des parents » pour
les familles. » Each function returns one sentence, or "" when it has nothing to say.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from maillage.core.formatting import (
    format_date,
    format_date_long,
    format_int,
    format_percent,
    plural,
)
from maillage.core.french import (
    agree,
    capitalise,
    count,
    join,
    join_some,
    public_phrase,
    quoted,
    relative_change,
)

if TYPE_CHECKING:
    from maillage.restitution.summary import CouncilReport, ReportAction, ReportGap


def gap_phrase(gap: ReportGap) -> str:
    """`2 communes sans action « X » pour les familles`, or `Bordeaux n'a pas d'action « X » pour les familles`."""
    what = f"{quoted(gap.type_label)} pour {public_phrase(gap.public, gap.public_label)}"
    if gap.status == "lapsed":
        if len(gap.communes) == 1:
            return f"{gap.communes[0]} : action {what} échue"
        return f"{count(len(gap.communes), 'commune')} où l'action {what} est échue"
    if len(gap.communes) == 1:
        return f"{gap.communes[0]} n'a pas d'action {what}"
    return f"{count(len(gap.communes), 'commune')} sans action {what}"


def actions_sentence(report: CouncilReport) -> str:
    """« 12 actions en cours, dont 3 en ligne ; 2 communes sans action « … » pour les familles. »"""
    text = count(report.active_actions, "action en cours", "actions en cours", zero="aucune action en cours")
    if report.active_actions and report.online_actions:
        text += f", dont {format_int(report.online_actions)} en ligne"
    if report.gaps:
        text += " ; " + gap_phrase(report.gaps[0])
    return capitalise(text) + "."


def change_sentence(report: CouncilReport) -> str:
    """« C'est 2 actions de plus qu'à fin 2025. » (or « qu'au 2 décembre 2025 » for the running year: like for like)."""
    change = report.active_actions - report.previous_active
    when = report.baseline.at
    if change == 0:
        return f"Autant d'actions en cours qu'{when}." if report.active_actions else ""
    more = "de plus" if change > 0 else "de moins"
    return f"C'est {count(abs(change), 'action')} {more} qu'{when}."


def people_sentence(report: CouncilReport) -> str:
    """« 1 234 personnes touchées en 2026 (chiffres provisoires), contre 1 100 en 2025 (+12 %). »"""
    if report.people is None:
        return f"Aucun effectif de personnes touchées n'est saisi pour {report.year}."
    text = f"{count(report.people, 'personne touchée', 'personnes touchées')} en {report.year}"
    if report.provisional:
        text += " (chiffres provisoires)"
    if report.previous_people is not None and not report.baseline.compares_totals:
        # A running year's total is not compared with a full year: the full year is given as a reference.
        text += f" ; {format_int(report.previous_people)} sur toute l'année {report.previous_year}"
    elif report.previous_people is not None:
        text += f", contre {format_int(report.previous_people)} en {report.previous_year}"
        change = relative_change(report.people, report.previous_people)
        if change:
            text += f" ({change})"
    return capitalise(text) + "."


def partnership_sentence(report: CouncilReport) -> str:
    """« 45 partenaires, dont 30 engagés dans un lien ou une action commune ; 28 liens actifs, dont 12 … »"""
    text = count(report.partners, "partenaire", zero="aucun partenaire")
    if report.partners:
        text += (f", dont {format_int(report.engaged_partners)} "
                 f"{agree(report.engaged_partners, 'engagé', 'engagés')} dans un lien ou une action commune")
    text += " ; " + count(report.links, "lien actif", "liens actifs", zero="aucun lien actif")
    if report.links:
        high = report.high_links
        text += f", dont {format_int(high)} de coopération ou de collaboration" if high else \
            ", aucun de coopération ni de collaboration"
    return capitalise(text) + "."


def newcomers_sentence(report: CouncilReport) -> str:
    """« 3 partenaires ont rejoint le maillage en 2026 : A, B et C. »"""
    n = len(report.new_partners)
    if not n:
        return f"Aucun nouveau partenaire n'a rejoint le maillage en {report.year}."
    names = join_some(report.new_partners, 3)
    return f"{capitalise(count(n, 'partenaire'))} {agree(n, 'a', 'ont')} rejoint le maillage en {report.year} : {names}."


def coverage_sentence(report: CouncilReport) -> str:
    """« Les attentes du référentiel sont couvertes à 67 % (50 % fin 2025) ; 3 restent sans action. »"""
    if report.coverage_score is None:
        return "Le référentiel de couverture n'attend aucune action sur ces communes."
    text = f"Les attentes du référentiel sont couvertes à {format_percent(report.coverage_score)}"
    if report.previous_score is not None:
        text += f" ({format_percent(report.previous_score)} {report.baseline.when})"
    text += " ; " + count(report.gap_cells, "attente reste", "attentes restent", zero="aucune ne reste") + " sans action en cours"
    return text + "."


def typologies_sentence(report: CouncilReport) -> str:
    """« Absents du partenariat : Justice (parquet, tribunal) et Prévention spécialisée. »"""
    if not report.missing_typologies:
        return ""
    return f"Absents du partenariat : {join(report.missing_typologies)}."


def coproduction_sentence(report: CouncilReport) -> str:
    """« 2 actions en cours reposent sur un seul partenaire. »"""
    n = len(report.single_partner)
    if not n:
        return ""
    return capitalise(count(n, "action en cours repose", "actions en cours reposent")) + \
        " sur un seul partenaire (ou aucun) : la coproduction reste à construire."


def sentences(report: CouncilReport) -> list[str]:
    """Every sentence of the summary, in reading order, without the empty ones."""
    found = [actions_sentence(report), change_sentence(report), people_sentence(report),
             partnership_sentence(report), newcomers_sentence(report), coverage_sentence(report),
             typologies_sentence(report), coproduction_sentence(report)]
    return [text for text in found if text]


# ---------------------------------------------------------------- texts of the rendered page


def period_text(report: CouncilReport) -> str:
    """`Année 2026 (en cours) — situation au 29/11/2026` or `Année 2025 — situation au 31/12/2025`."""
    running = " (en cours)" if report.provisional else ""
    return f"Année {report.year}{running} — situation au {format_date(report.as_of)}"


def identity_text(report: CouncilReport) -> str:
    """`CLSPD · Bordeaux (33063) · 267 991 habitants · 1 commune · dernière plénière : 9 décembre 2025`."""
    parts = [report.kind]
    if report.territories:
        parts.append(join_some(report.territories, 3))
    parts.append(plural(report.population, "habitant"))
    parts.append(plural(report.communes, "commune"))
    parts.append("dernière plénière : " + (format_date_long(report.last_plenary) if report.last_plenary else "non renseignée"))
    return " · ".join(parts)


def results_text(action: ReportAction) -> str:
    """`1 524 personnes touchées, 229 séances, 171 orientations` (known, non-zero figures only)."""
    parts = []
    for value, singular, plural_form in (
            (action.people, "personne touchée", "personnes touchées"), (action.sessions, "séance", "séances"),
            (action.online_contacts, "contact en ligne", "contacts en ligne"),
            (action.referrals, "orientation", "orientations")):
        if value:
            parts.append(plural(value, singular, plural_form))
    return ", ".join(parts) if parts else "aucun chiffre saisi"


def partners_text(action: ReportAction) -> str:
    """`Pilote : Ville de Bordeaux. Avec : CCAS de Bordeaux, PIMMS.`"""
    parts = []
    if action.pilots:
        parts.append(("Pilote : " if len(action.pilots) == 1 else "Pilotes : ") + ", ".join(action.pilots) + ".")
    if action.partners:
        parts.append("Avec : " + ", ".join(action.partners) + ".")
    return " ".join(parts) or "Aucun partenaire enregistré."


def gap_text(gap: ReportGap) -> str:
    """The gap sentence, the communes concerned when several, and the leads."""
    text = gap_phrase(gap)
    if len(gap.communes) > 1:
        text += f" ({join_some(list(gap.communes), 4)})"
    text += "."
    if gap.suggestions:
        text += " Pistes : " + ", ".join(gap.suggestions) + "."
    return text
