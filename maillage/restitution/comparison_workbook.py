"""The comparison as an XLSX workbook for the network meeting: one sheet per table, numbers as numbers.

`comparison_csv` writes the « Indicateurs » sheet alone as CSV. Sheets: « Indicateurs » (one row per council, first column « Instance »), « Rangs », « Qui fait quoi »
(councils × action types, active actions), « Actions » (the actions the reader may see, with their
pilots), « Définitions » and « À propos ». Column headers are French labels; the workbook is read, not
re-imported, so the stable column codes appear only in the « Définitions » sheet (last column), as « À propos »
says. Text cells are formula-neutralised with the exchange helper; shares are stored as fractions shown as
percentages, dates as dates.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from maillage.core.formatting import format_date
from maillage.core.spreadsheet import spreadsheet_csv
from maillage.core.text import fold
from maillage.exchange.values import neutralise
from maillage.restitution.comparison import MAX_COUNCILS, Comparison
from maillage.restitution.indicators import COUNT, DATE, DECIMAL, INDICATORS, PERCENT

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Columns of `indicateurs` that are not indicators: code → (French label, definition).
EXTRA_COLUMNS = {
    "liens_niveau_3_4": ("Liens actifs de niveau 3 ou 4", "Nombre de liens actifs au niveau coopération ou collaboration."),
    "typologies_manquantes_detail": ("Typologies attendues manquantes (détail)", "Les présences attendues manquantes, "
                                     "séparées par « | »."),
    "actions_en_ligne": ("Actions en ligne en cours", "Actions en cours menées en ligne (modalité « En ligne »)."),
    "communes": ("Communes", "Nombre de communes couvertes par l'instance."),
    "type": ("Type d'instance", "CLSPD, CISPD, mission…"),
    "statut": ("Statut", "Active ou en sommeil."),
}
INDICATOR_COLUMNS = ("instance", "population", "communes", "partenaires", "liens", "liens_niveau_3_4",
                     "part_liens_niveau_3_4", "densite", "typologies_manquantes", "typologies_manquantes_detail",
                     "actions_en_cours", "actions_en_ligne", "heures_en_ligne_10000_hab", "personnes_touchees",
                     "score_couverture", "derniere_pleniere", "type", "statut")
ACTION_COLUMNS = {
    "instance": "Instance", "type_action": "Type d'action", "titre": "Titre", "pilotes": "Pilotes",
    "partenaires": "Partenaires", "publics": "Publics", "modalite": "Modalité", "debut": "Début", "fin": "Fin",
    "personnes_touchees": "Personnes touchées", "partagee": "Partagée avec les réseaux",
    "contact_coordination": "Contact de coordination",
}
SHEET_TITLES = {"indicateurs": "Indicateurs", "rangs": "Rangs", "qui_fait_quoi": "Qui fait quoi",
                "actions": "Actions", "definitions": "Définitions", "a_propos": "À propos"}
FORMATS = {COUNT: "#,##0", PERCENT: "0%", DECIMAL: "0.00", DATE: "DD/MM/YYYY"}


def _cell(value: Any) -> Any:
    """Text neutralised, everything else as is."""
    return neutralise(value) if isinstance(value, str) else value


def indicator_rows(comparison: Comparison) -> tuple[list[str], list[list[Any]]]:
    """`indicateurs`: header and one row per council (raw values)."""
    rows = []
    for f in comparison.councils:
        values = {
            "instance": f.name, "communes": f.communes, "liens_niveau_3_4": f.links_high,
            "typologies_manquantes_detail": " | ".join(f.missing_typologies), "actions_en_ligne": f.online_actions,
            "type": f.kind, "statut": f.status,
        }
        values.update({spec.code: f.value(spec.code) for spec in INDICATORS})
        rows.append([values[column] for column in INDICATOR_COLUMNS])
    return list(INDICATOR_COLUMNS), rows


def rank_rows(comparison: Comparison) -> tuple[list[str], list[list[Any]]]:
    """`rangs`: one row per council, one column per indicator (1 = first; empty when unknown)."""
    header = ["instance"] + [spec.code for spec in INDICATORS]
    rows = [[f.name] + [comparison.ranks[spec.code].get(f.council_id) for spec in INDICATORS]
            for f in comparison.councils]
    return header, rows


def matrix_rows(comparison: Comparison) -> tuple[list[str], list[list[Any]]]:
    """`qui_fait_quoi`: one row per council, one column per action type (every type), then the total."""
    types = list(comparison.type_labels)
    header = ["instance"] + types + ["total"]
    rows = [[f.name] + [comparison.matrix.get((f.council_id, t), 0) for t in types] + [f.active_actions]
            for f in comparison.councils]
    return header, rows


def action_rows(comparison: Comparison) -> tuple[list[str], list[list[Any]]]:
    """`actions`: the active actions the reader may see, by council then type, with pilots and partners."""
    header = list(ACTION_COLUMNS)
    rows = []
    order = {code: i for i, code in enumerate(comparison.type_labels)}
    for f in comparison.councils:
        keys = sorted((k for k in comparison.listed if k[0] == f.council_id), key=lambda k: order.get(k[1], 99))
        for key in keys:
            for e in comparison.listed[key]:
                rows.append([e.council, e.type_label, e.title, " | ".join(e.pilots), " | ".join(e.partners),
                             " | ".join(e.publics), e.mode_label, e.start_date, e.end_date, e.people_reached,
                             "oui" if e.shared else "non", f.coordination_contact])
    return header, rows


def column_labels(comparison: Comparison) -> dict[str, str]:
    """Column code → the French header the workbook shows (indicators with the year, action types by label)."""
    labels = {"instance": "Instance", "total": "Total"}
    labels.update({spec.code: spec.title(comparison.year) for spec in INDICATORS})
    labels.update({code: label for code, (label, _definition) in EXTRA_COLUMNS.items()})
    labels.update(comparison.type_labels)
    return labels


def definition_rows(comparison: Comparison) -> tuple[list[str], list[list[Any]]]:
    """`definitions`: every column's French header, its definition, what rank 1 means, and its stable code."""
    rows = [["Instance", "Nom de l'instance (CLSPD, CISPD, mission…).", "", "instance"]]
    for spec in INDICATORS:
        rows.append([spec.title(comparison.year), spec.definition, spec.rank_rule, spec.code])
    for code, (label, definition) in EXTRA_COLUMNS.items():
        rows.append([label, definition, "", code])
    for code, label in comparison.type_labels.items():
        rows.append([label, f"Feuille « Qui fait quoi » : actions en cours de type « {label} ».", "", code])
    return ["colonne", "definition", "rang", "code"], rows


def about_rows(comparison: Comparison) -> tuple[list[str], list[list[Any]]]:
    """`a_propos`: scope, year, date, sharing rule."""
    rows = [
        ["Périmètre", comparison.title],
        ["Instances comparées", len(comparison.councils)],
        ["Année", comparison.year],
        ["Date de référence", comparison.as_of],
        ["Établi le", comparison.today],
        ["Chiffres de l'année", "provisoires (année en cours)" if comparison.provisional else "année close"],
        ["Règle de partage", "Les chiffres agrégés portent sur toutes les actions de chaque instance ; les actions "
                             "d'une autre instance ne sont listées que si elle les partage avec ses réseaux."],
        ["Actions en cours non listées (non partagées)", comparison.hidden_total()] if comparison.detailed else
        ["Actions en cours", "Non listées : le tableau d'un grand réseau donne les chiffres seulement. Comparez "
                             f"{MAX_COUNCILS} instances au plus pour la liste des actions et de leurs pilotes."],
        ["Confidentialité", "Effectifs agrégés uniquement : aucune donnée sur les personnes accompagnées."],
        ["Codes des colonnes", "Ce classeur se lit, il ne se réimporte pas. Pour un traitement automatisé, la "
                               "feuille « Définitions » donne le code stable de chaque colonne (dernière colonne)."],
    ]
    return ["information", "valeur"], rows


# Headers of the sheets whose columns are not indicators, action types or action fields.
FIXED_HEADERS = {"colonne": "Colonne", "definition": "Définition", "rang": "Rang 1 =", "code": "Code de la colonne",
                 "information": "Information", "valeur": "Valeur"}


def sheet_header(comparison: Comparison, title: str, codes: list[str]) -> list[str]:
    """The French headers of a sheet, from its column codes."""
    labels = column_labels(comparison)
    if title == "actions":
        labels = ACTION_COLUMNS
    elif title in ("definitions", "a_propos"):
        labels = FIXED_HEADERS
    return [labels.get(code, code) for code in codes]


def comparison_xlsx(comparison: Comparison) -> bytes:
    """The workbook (sheets in the order listed in the module docstring)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    formats = {spec.code: FORMATS[spec.kind] for spec in INDICATORS}
    formats["densite"] = "0.0%"
    sheets = [("indicateurs", indicator_rows(comparison)), ("rangs", rank_rows(comparison)),
              ("qui_fait_quoi", matrix_rows(comparison)), ("actions", action_rows(comparison)),
              ("definitions", definition_rows(comparison)), ("a_propos", about_rows(comparison))]
    for title, (header, rows) in sheets:
        sheet = workbook.create_sheet(SHEET_TITLES[title])
        labels = sheet_header(comparison, title, header)
        sheet.append([_cell(h) for h in labels])
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet.append([_cell(v) for v in row])
        for column_index, name in enumerate(header, start=1):
            letter = get_column_letter(column_index)
            number_format = formats.get(name) if title == "indicateurs" else None
            widest = min(len(labels[column_index - 1]), 40)
            for row_index in range(2, len(rows) + 2):
                cell = sheet[f"{letter}{row_index}"]
                if isinstance(cell.value, dt.date):
                    cell.number_format = "DD/MM/YYYY"
                elif number_format and isinstance(cell.value, (int, float)):
                    cell.number_format = number_format
                shown = format_date(cell.value) if isinstance(cell.value, dt.date) else str(cell.value or "")
                widest = max(widest, min(len(shown), 60))
            sheet.column_dimensions[letter].width = max(10, widest + 2)
        for cell in sheet[1]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if title in ("definitions", "a_propos"):
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "B2" if title in ("indicateurs", "rangs", "qui_fait_quoi") else "A2"
        if rows and title not in ("definitions", "a_propos"):
            sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def comparison_csv(comparison: Comparison) -> bytes:
    """The « Indicateurs » sheet as a French-spreadsheet CSV (`;`, decimal comma, UTF-8 with BOM): one row per
    council, French headers, numbers as numbers, dates as DD/MM/YYYY (any number of councils)."""
    header, rows = indicator_rows(comparison)
    labels = sheet_header(comparison, "indicateurs", header)
    return spreadsheet_csv([{label: format_date(value) if isinstance(value, dt.date) else value
                             for label, value in zip(labels, row)} for row in rows])


def comparison_filename(comparison: Comparison, extension: str) -> str:
    """`comparaison-reseau-ffsu-nouvelle-aquitaine-2026.xlsx`."""
    slug = "-".join(fold(comparison.title).split())[:60].strip("-") or "instances"
    return f"comparaison-{slug}-{comparison.year}.{extension}"

