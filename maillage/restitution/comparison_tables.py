"""French table rows and chart records of the Comparer page, computed from a `Comparison` (no Streamlit)."""

from __future__ import annotations

from typing import Any

from maillage.core.formatting import format_date, format_int
from maillage.restitution.comparison import Comparison, WhoDoesWhat
from maillage.restitution.indicators import BY_CODE, INDICATORS, ordinal

# Short column headers of the indicators table (councils are rows): the full label is in the header's tooltip.
SHORT_LABELS = {
    "population": "Population",
    "partenaires": "Partenaires",
    "liens": "Liens actifs",
    "part_liens_niveau_3_4": "Niveau 3-4",
    "densite": "Densité",
    "typologies_manquantes": "Typologies manquantes",
    "actions_en_cours": "Actions en cours",
    "heures_en_ligne_10000_hab": "En ligne h/10 000 hab.",
    "personnes_touchees": "Touchées {year}",
    "score_couverture": "Couverture",
    "derniere_pleniere": "Plénière",
}
COUNCIL_COLUMN = "Instance"


def indicator_columns(comparison: Comparison) -> dict[str, str]:
    """Indicators table header → its tooltip (full label, definition, what rank 1 means), in table order."""
    columns = {COUNCIL_COLUMN: "Votre instance est en tête et surlignée ; les autres suivent par ordre alphabétique."}
    for spec in INDICATORS:
        columns[SHORT_LABELS[spec.code].format(year=comparison.year)] = (
            f"{spec.title(comparison.year)}. {spec.definition} {spec.rank_rule.capitalize()}.")
    return columns


def council_order(comparison: Comparison, first: int | None = None) -> list:
    """The compared councils' figures, the `first` council (the reader's own) ahead, the others in name order."""
    return sorted(comparison.councils, key=lambda f: f.council_id != first)


def indicator_records(comparison: Comparison, with_ranks: bool = True, first: int | None = None) -> list[dict[str, str]]:
    """One row per council (`first` ahead: the reader's own), one column per indicator: the value in French,
    with its rank between brackets. The actions by type are in `matrix_rows`."""
    headers = list(indicator_columns(comparison))[1:]
    records = []
    for f in council_order(comparison, first):
        record = {COUNCIL_COLUMN: f.name}
        for header, spec in zip(headers, INDICATORS):
            text = spec.format(f.value(spec.code))
            rank = comparison.ranks[spec.code].get(f.council_id)
            record[header] = f"{text} ({ordinal(rank)})" if with_ranks and rank is not None else text
        records.append(record)
    return records


def missing_records(comparison: Comparison) -> list[dict[str, str]]:
    """The expected typologies each council's partnership lacks."""
    return [{"Instance": f.name, "Typologies attendues manquantes": ", ".join(f.missing_typologies) or "aucune"}
            for f in comparison.councils]


def ranking_records(comparison: Comparison, code: str) -> list[dict[str, Any]]:
    """Bar-chart records of one indicator: councils by rank, with the French value and rank texts."""
    out = []
    for order, row in enumerate(comparison.ranking(code)):
        out.append({
            "council": row.council, "order": order, "value": row.value if row.value is not None else 0,
            "known": row.value is not None, "text": row.text, "rank": ordinal(row.rank),
            "label": f"{ordinal(row.rank)} · {row.council}" if row.rank is not None else f"— · {row.council}",
            "first": row.rank == 1,
        })
    return out


def matrix_records(comparison: Comparison) -> list[dict[str, Any]]:
    """Heat-map records: one per council × active type, with the count, the listed and hidden numbers."""
    types = comparison.active_types()
    top = max((comparison.matrix.get((f.council_id, code), 0) for f in comparison.councils for code, _ in types),
              default=0)
    out = []
    for row_order, f in enumerate(comparison.councils):
        for column_order, (code, label) in enumerate(types):
            count = comparison.matrix.get((f.council_id, code), 0)
            listed = len(comparison.listed.get((f.council_id, code), ()))
            out.append({
                "council_id": f.council_id, "council": f.name, "row_order": row_order,
                "action_type": code, "type_label": label, "column_order": column_order,
                "count": count, "text": format_int(count) if count else "·", "strong": count > 0.55 * top,
                "detail": (f"{format_int(count)} en cours, dont {format_int(listed)} visible"
                           f"{'s' if listed > 1 else ''}") if count else "aucune action en cours",
            })
    return out


def matrix_rows(comparison: Comparison, first: int | None = None) -> list[dict[str, Any]]:
    """The who-does-what table: one row per council (`first` ahead), one column per active type, then the total."""
    types = comparison.active_types()
    rows = []
    for f in council_order(comparison, first):
        row: dict[str, Any] = {"Instance": f.name}
        for code, label in types:
            row[label] = comparison.matrix.get((f.council_id, code), 0)
        row["Total"] = f.active_actions
        rows.append(row)
    return rows


def cell_records(cell: WhoDoesWhat, year: int) -> list[dict[str, str]]:
    """The actions listed under one council × type, with pilots and partners."""
    return [{
        "Action": e.title,
        "Pilote(s)": ", ".join(e.pilots) or "—",
        "Autres partenaires": ", ".join(e.partners) or "—",
        "Publics": ", ".join(e.publics) or "—",
        "Modalité": e.mode_label,
        "Début": format_date(e.start_date),
        f"Personnes touchées {year}": format_int(e.people_reached) if e.people_reached is not None else "—",
    } for e in cell.actions]


def all_action_records(comparison: Comparison) -> list[dict[str, str]]:
    """Every listed action of the comparison (council, type, pilots), by council then type."""
    order = {code: i for i, code in enumerate(comparison.type_labels)}
    out = []
    for f in comparison.councils:
        keys = sorted((k for k in comparison.listed if k[0] == f.council_id), key=lambda k: order.get(k[1], 99))
        for key in keys:
            for e in comparison.listed[key]:
                out.append({"Instance": e.council, "Type d'action": e.type_label, "Action": e.title,
                            "Pilote(s)": ", ".join(e.pilots) or "—", "Partagée": "oui" if e.shared else "non"})
    return out


def definition_text(comparison: Comparison, code: str) -> str:
    """`Définition. Rang 1 : …` under a chart."""
    spec = BY_CODE[code]
    return f"{spec.definition} {spec.rank_rule.capitalize()}."
