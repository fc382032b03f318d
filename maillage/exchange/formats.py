"""The exchange format of DESIGN.md §8: kinds, their columns, and the order they are applied in."""

from __future__ import annotations

from dataclasses import dataclass

from maillage.text import compact


@dataclass(frozen=True)
class KindFormat:
    """One kind of file/sheet: its columns (in order) and which are required."""

    name: str
    label: str
    columns: tuple[str, ...]
    required: frozenset[str]

    def match_header(self, header: str) -> str | None:
        """The column a header names, ignoring case, accents, spaces and underscores."""
        wanted = compact(header)
        for column in self.columns:
            if compact(column) == wanted:
                return column
        return None


def _kind(name: str, label: str, columns: str) -> KindFormat:
    names = tuple(column.strip() for column in columns.split(","))
    return KindFormat(
        name=name,
        label=label,
        columns=tuple(column.rstrip("*") for column in names),
        required=frozenset(column.rstrip("*") for column in names if column.endswith("*")),
    )


KINDS: dict[str, KindFormat] = {
    kind.name: kind
    for kind in (
        _kind("instances", "instances", "nom*, type*, territoires*, coordination_contact, derniere_pleniere, statut"),
        _kind("reseaux", "réseaux", "nom*, type*, membres"),
        _kind(
            "partenaires", "partenaires",
            "nom*, typologie*, commune_siege*, territoires_intervention, siret, site_web, reseaux, "
            "contact_nom, contact_fonction, contact_email, contact_telephone, verifie_le, notes",
        ),
        _kind("liens", "liens", "partenaire_a*, partenaire_b*, nature*, niveau*, instance*, debut, fin, notes"),
        _kind(
            "actions", "actions",
            "titre*, instance*, type_action*, statut*, debut*, fin, territoires*, themes, publics*, "
            "modalite, plateformes, heures_semaine, budget_eur, financements, partage_reseau, notes",
        ),
        _kind("action_partenaires", "partenaires des actions", "action*, instance*, partenaire*, role*"),
        _kind(
            "indicateurs", "indicateurs",
            "action*, instance*, annee*, personnes_touchees, seances, contacts_en_ligne, orientations",
        ),
        _kind("referentiel", "référentiel de couverture", "instance*, type_action*, public*, population_min"),
    )
}

# Dependency order: a kind only refers to kinds before it (networks' partner members are
# resolved once the partners exist, within the same transaction).
KIND_ORDER = tuple(KINDS)


def kind_for_name(name: str) -> str | None:
    """The kind a file or sheet name stands for (`Partenaires.csv`, `action partenaires`), or None."""
    stem = name.rsplit("/", 1)[-1]
    for suffix in (".csv", ".CSV", ".xlsx", ".XLSX", ".txt"):
        stem = stem.removesuffix(suffix)
    wanted = compact(stem)
    for kind in KINDS:
        if compact(kind) == wanted:
            return kind
    return None
