"""French table rows of the coverage page (and its downloads): gaps, summaries, actions, suggestions, frame.

`display=True` gives numbers as French text (12 345, 43 %); downloads keep numbers as numbers.
"""

from __future__ import annotations

from typing import Any

from maillage.core.formatting import (
    format_date,
    format_decimal,
    format_int,
    format_percent,
)
from maillage.coverage.gaps import GAP_STATUSES, STATUS_LABELS, CouncilCoverage
from maillage.coverage.partnership import SinglePartnerAction
from maillage.coverage.presence import (
    PRESENCE_LABELS,
    PRESENCE_STATUSES,
    WITHOUT_RUNNING,
    CouncilPresence,
)
from maillage.coverage.suggestions import CellSuggestions
from maillage.coverage.views import ActionLine, AreaSummary, CouncilRow
from maillage.vocabularies.store import Vocabularies
from models.vocabularies import ACTION_STATUSES

ACTION_STATES = {"active": "En cours", "planned": "Prévue", "lapsed": "Échue"}


def _number(value: float | None, display: bool, digits: int = 2) -> Any:
    """A decimal figure: French text for display, rounded number otherwise."""
    if value is None:
        return "—" if display else None
    return format_decimal(value, digits) if display else round(value, 4)


def _int(value: int, display: bool) -> Any:
    """A count: French text for display, the number otherwise."""
    return format_int(value) if display else value


def gap_records(cov: CouncilCoverage, suggestions: dict[tuple[str, str, str], CellSuggestions],
                vocab: Vocabularies, display: bool = False) -> list[dict[str, Any]]:
    """One row per missing or lapsed cell, with who could fill it."""
    out = []
    for cell in cov.cells:
        if cell.status not in GAP_STATUSES:
            continue
        commune = cov.commune(cell.commune)
        found = suggestions.get((cell.commune, cell.action_type, cell.public))
        out.append({
            "Commune": commune.name,
            "Code INSEE": commune.code,
            "Population": _int(commune.population, display),
            "Type d'action": vocab.label("action_type", cell.action_type),
            "Public": vocab.label("public", cell.public),
            "Seuil (habitants)": _int(cell.population_min, display),
            "Statut": STATUS_LABELS[cell.status],
            "Actions échues": " | ".join(sorted({cov.actions[a].title for a in cell.action_ids}, key=str.casefold)),
            "Partenaires qui pourraient la porter": " | ".join(
                f"{p.name} ({vocab.label('typology', p.typology)})" for p in found.partners) if found else "",
            "Instances du réseau qui la mènent": " | ".join(s.name for s in found.councils) if found else "",
        })
    return out


def summary_record(summary: AreaSummary, display: bool = True) -> dict[str, Any]:
    """Figures of a group of communes as a French table row."""
    counts = summary.counts
    return {
        "Territoire": summary.label,
        "Communes": _int(summary.communes, display),
        "Population": _int(summary.population, display),
        "Cellules attendues": _int(summary.expected, display),
        "Couvertes": _int(counts["active"], display),
        "Prévues": _int(counts["planned"], display),
        "Échues": _int(counts["lapsed"], display),
        "Manquantes": _int(counts["missing"], display),
        "Score de couverture": (format_percent(summary.score) if display
                                else (None if summary.score is None else round(summary.score, 4))),
        "Actions en cours / 10 000 hab.": _number(summary.actions_per_10k, display),
        "Heures en ligne / sem. / 10 000 hab.": _number(summary.online_hours_per_10k, display),
    }


def comparison_records(rows: list[CouncilRow]) -> list[dict[str, Any]]:
    """The council and its network peers, side by side."""
    out = []
    for row in rows:
        record = summary_record(row.summary)
        record["Territoire"] = row.summary.label + (" (instance affichée)" if row.is_current else "")
        record = {"Instance": record.pop("Territoire"), **record}
        record["Actions comptées"] = "partagées seulement" if row.shared_only else "toutes"
        out.append(record)
    return out


def action_records(lines: list[ActionLine], vocab: Vocabularies) -> list[dict[str, Any]]:
    """The actions behind a matrix cell."""
    return [{
        "Action": line.title,
        "Instance": line.council + ("" if line.own else " (partagée par le réseau)"),
        "État à la date": ACTION_STATES[line.status],
        "Atteint le territoire": ", ".join(line.reach) or "—",
        "Depuis le": format_date(line.start_date) if line.start_date else "—",
        "Type d'action": vocab.label("action_type", line.action_type),
        "Publics": ", ".join(vocab.label("public", p) for p in line.publics),
        "Territoires": ", ".join(line.territories),
        "Modalité": vocab.label("mode", line.mode) if line.mode else "—",
        "Heures / semaine": format_decimal(line.weekly_hours, 1) if line.weekly_hours is not None else "—",
    } for line in lines]


def partner_suggestion_records(found: CellSuggestions, vocab: Vocabularies) -> list[dict[str, Any]]:
    """Partners present on the commune that could carry the action."""
    return [{"Partenaire": p.name, "Typologie": vocab.label("typology", p.typology), "Pourquoi": p.reason}
            for p in found.partners]


def council_suggestion_records(found: CellSuggestions) -> list[dict[str, Any]]:
    """Councils of the same networks that run the action type."""
    return [{"Instance": s.name, "Actions partagées": " | ".join(s.actions),
             "Même public": "oui" if s.same_public else "non"} for s in found.councils]


def frame_records(cov: CouncilCoverage, vocab: Vocabularies) -> list[dict[str, Any]]:
    """The rules of the frame in force, with the number of communes each one concerns."""
    out = []
    for rule in sorted(cov.frame, key=lambda r: (vocab.label("action_type", r.action_type), r.public)):
        concerned = sum(1 for c in cov.communes if c.population >= rule.population_min)
        out.append({
            "Type d'action": vocab.label("action_type", rule.action_type),
            "Public": vocab.label("public", rule.public),
            "Communes à partir de (habitants)": format_int(rule.population_min),
            "Communes concernées": f"{format_int(concerned)} sur {format_int(len(cov.communes))}",
        })
    return out


def single_partner_records(actions: list[SinglePartnerAction], vocab: Vocabularies) -> list[dict[str, Any]]:
    """Actions without co-production."""
    return [{
        "Action": a.title,
        "Type d'action": vocab.label("action_type", a.action_type),
        "Statut": ACTION_STATUSES.get(a.status, a.status),
        "Partenaire": a.partner or "aucun partenaire renseigné",
    } for a in actions]


def presence_records(presence: CouncilPresence, display: bool = False, statuses: tuple[str, ...] | None = None,
                     with_council: bool = False) -> list[dict[str, Any]]:
    """One row per commune of a presence answer (those in `statuses` only, if given), by commune name:
    its population and share of the council's, presence, how many actions, since when, through what."""
    rows = presence.with_status(*statuses) if statuses else presence.with_status(*PRESENCE_STATUSES)
    total = presence.population
    out = []
    for row in rows:
        reach: list[str] = []
        for action_id in row.action_ids:
            for text in presence.reaches(row.code, action_id):
                if text not in reach:
                    reach.append(text)
        share = row.population / total if total > 0 else None
        record = {"Instance": presence.name} if with_council else {}
        record.update({
            "Commune": row.name,
            "Code INSEE": row.code,
            "Population": _int(row.population, display),
            "Part de la population": (format_percent(share, 1) if display
                                      else (None if share is None else round(share, 4))),
            "Présence": PRESENCE_LABELS[row.status],
            "Actions": _int(row.count, display),
            "Depuis le": (format_date(row.since) if display else row.since) if row.since else ("—" if display else None),
            "Atteinte": ", ".join(reach) if reach else ("—" if display else ""),
            "Titres": " | ".join(sorted({presence.actions[a].title for a in row.action_ids}, key=str.casefold)),
        })
        out.append(record)
    return out


def network_presence_records(answers: list[CouncilPresence], per: str = "council", display: bool = False,
                             statuses: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """The network question's answer: one row per council (`per="council"`: communes and inhabitants without a
    running action, share of the council's population) or per commune (`per="commune"`, those in `statuses`)."""
    if per == "commune":
        out = []
        for presence in answers:
            for record in presence_records(presence, display, statuses, with_council=True):
                out.append({key: record[key] for key in ("Instance", "Commune", "Code INSEE", "Population",
                                                         "Présence", "Actions", "Depuis le", "Titres")})
        return out
    out = []
    for presence in answers:
        without = presence.with_status(*WITHOUT_RUNNING)
        share = presence.share(without)
        out.append({
            "Instance": presence.name,
            "Communes": _int(len(presence.rows), display),
            "Communes sans action en cours": _int(len(without), display),
            "Habitants concernés": _int(sum(r.population for r in without), display),
            "Part de la population": (format_percent(share) if display
                                      else (None if share is None else round(share, 4))),
            "Communes concernées": ", ".join(r.name for r in without),
            "Actions comptées": "partagées seulement" if presence.shared_only else "toutes",
        })
    return out
