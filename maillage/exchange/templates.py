"""Templates of the exchange format: per kind, the headers and two example rows (CSV), or every kind in one
workbook with a « Lisez-moi » sheet describing each column and the allowed values."""

from __future__ import annotations

from typing import Any

from maillage.exchange.export import csv_bytes, workbook_bytes
from maillage.exchange.formats import BOOL, COUNT, DATE, KIND_ORDER, KINDS, NUMBER
from maillage.exchange.values import CellError, parse_date, parse_number
from maillage.vocabularies.store import Vocabularies

# column → vocabulary whose codes it takes (for the instructions sheet)
VOCABULARY_COLUMNS = {
    ("instances", "type"): "council_kind", ("instances", "statut"): "council_status",
    ("reseaux", "type"): "network_kind", ("partenaires", "typologie"): "typology",
    ("liens", "nature"): "link_kind", ("liens", "niveau"): "link_level",
    ("actions", "type_action"): "action_type", ("actions", "statut"): "action_status",
    ("actions", "themes"): "theme", ("actions", "publics"): "public", ("actions", "modalite"): "mode",
    ("actions", "plateformes"): "platform", ("actions", "financements"): "funding",
    ("action_partenaires", "role"): "role", ("referentiel", "type_action"): "action_type",
    ("referentiel", "public"): "public",
}


def template_filename(kind: str) -> str:
    """`modele-partenaires.csv`."""
    return f"modele-{kind}.csv"


def template_csv(kind: str) -> bytes:
    """Headers and two example rows of one kind, as CSV (UTF-8 with BOM, `;`)."""
    kind_format = KINDS[kind]
    return csv_bytes(list(kind_format.columns), [list(example) for example in kind_format.examples])


def _typed(column_type: str, value: str) -> Any:
    """An example cell typed for a workbook (dates as dates, numbers as numbers)."""
    if not value:
        return None
    try:
        if column_type == DATE:
            return parse_date(value)
        if column_type in (NUMBER, COUNT):
            number = parse_number(value)
            return int(number) if number is not None and number.is_integer() else number
    except CellError:
        return value
    return value


def _allowed(vocab: Vocabularies, kind: str, column: str) -> str:
    """The codes (and labels) a column takes, for the instructions sheet."""
    vocabulary = VOCABULARY_COLUMNS.get((kind, column))
    if vocabulary is None:
        return ""
    if vocabulary == "link_kind":
        return ", ".join(f"{code} ({label})" for code, label in vocab.labels(vocabulary).items() if code != "action")
    return ", ".join(f"{code} ({label})" for code, label in vocab.labels(vocabulary).items())


def instructions(vocab: Vocabularies) -> list[list[str]]:
    """The « Lisez-moi » rows: one per column of every kind."""
    rows = []
    for kind in KIND_ORDER:
        for spec in KINDS[kind].specs:
            type_label = {BOOL: "oui / non"}.get(spec.type, spec.type)
            rows.append([kind, spec.name, "oui" if spec.required else "non", type_label, spec.help,
                         _allowed(vocab, kind, spec.name)])
    return rows


INSTRUCTIONS_HEADER = ["feuille", "colonne", "obligatoire", "type", "description", "valeurs possibles"]
GENERAL_NOTES = [
    ["Une feuille par type de données ; le nom de la feuille donne le type (partenaires, actions…)."],
    ["Les listes dans une cellule sont séparées par | (barre verticale)."],
    ["Dates : JJ/MM/AAAA ou AAAA-MM-JJ. Nombres : virgule décimale acceptée."],
    ["Vocabulaires : le code ou son libellé français, majuscules et accents indifférents."],
    ["Partenaires désignés par leur nom ; en cas d'homonymes, « nom (code commune) »."],
    ["Cette feuille « Lisez-moi » est ignorée à l'import. Les lignes d'exemple sont à remplacer."],
]


def template_xlsx(vocab: Vocabularies | None = None) -> bytes:
    """Every kind's sheet (headers and two example rows) after a « Lisez-moi » sheet."""
    vocab = vocab or Vocabularies.defaults()
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [
        ("Lisez-moi", INSTRUCTIONS_HEADER, [*instructions(vocab), [], *GENERAL_NOTES]),
    ]
    for kind in KIND_ORDER:
        kind_format = KINDS[kind]
        rows = [[_typed(spec.type, value) for spec, value in zip(kind_format.specs, example)]
                for example in kind_format.examples]
        sheets.append((kind, list(kind_format.columns), rows))
    return workbook_bytes(sheets)
