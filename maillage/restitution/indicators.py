"""The indicators of the Comparer page: definitions, French formats, and ranks (1 = first)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from maillage.core.formatting import (
    format_date,
    format_decimal,
    format_int,
    format_percent,
)

COUNT, DECIMAL, PERCENT, DATE = "count", "decimal", "percent", "date"
HIGH, LOW = "high", "low"


@dataclass(frozen=True)
class IndicatorSpec:
    """One compared figure: its column code, French label and definition, how it is shown and ranked."""

    code: str
    label: str
    kind: str
    better: str | None  # HIGH, LOW, or None: ranked by size with no judgement (population)
    definition: str
    digits: int = 0

    def title(self, year: int) -> str:
        """The label with the year filled in (« Personnes touchées en 2026 »)."""
        return self.label.format(year=year)

    def format(self, value: Any) -> str:
        """The value in French (`12 345`, `43 %`, `0,52`, `05/03/2026`); `—` when unknown."""
        if value is None:
            return "—"
        if self.kind == COUNT:
            return format_int(value)
        if self.kind == PERCENT:
            return format_percent(value, self.digits)
        if self.kind == DECIMAL:
            return format_decimal(value, self.digits)
        return format_date(value)

    def rank_value(self, value: Any) -> float | None:
        """The value ranks compare: rounded as shown (equal-looking values tie), dates as day numbers."""
        if value is None:
            return None
        if self.kind == DATE:
            return float(value.toordinal())
        if self.kind == PERCENT:
            return _shown(float(value) * 100, self.digits)
        if self.kind == DECIMAL:
            return _shown(float(value), self.digits)
        return float(value)

    @property
    def rank_rule(self) -> str:
        """What rank 1 means, in French."""
        if self.kind == DATE:
            return "rang 1 : la plus récente"
        if self.better == LOW:
            return "rang 1 : la valeur la plus faible"
        if self.better is None:
            return "rang 1 : la valeur la plus élevée (indicateur descriptif)"
        return "rang 1 : la valeur la plus élevée"


def _shown(value: float, digits: int) -> float:
    """The value rounded as `maillage.core.formatting` shows it (half away from zero, not Python's half-even)."""
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("population", "Population couverte", COUNT, None,
                  "Habitants des communes couvertes par l'instance (population municipale INSEE)."),
    IndicatorSpec("partenaires", "Partenaires", COUNT, HIGH,
                  "Structures du partenariat : siège ou territoire d'intervention sur les communes de l'instance, "
                  "ou engagées dans ses liens et ses actions (fiches archivées exclues)."),
    IndicatorSpec("liens", "Liens actifs", COUNT, HIGH,
                  "Liens de coopération déclarés dans l'instance et actifs à la date de référence."),
    IndicatorSpec("part_liens_niveau_3_4", "Part des liens de niveau 3 ou 4", PERCENT, HIGH,
                  "Part des liens actifs au niveau coopération (3) ou collaboration (4) du continuum "
                  "de collaboration."),
    IndicatorSpec("densite", "Densité du réseau", PERCENT, HIGH,
                  "Part des paires de partenaires reliées par un lien actif ou une action commune en cours.",
                  digits=1),
    IndicatorSpec("typologies_manquantes", "Typologies attendues manquantes", COUNT, LOW,
                  "Présences attendues dans le partenariat (Éducation nationale, police ou gendarmerie, justice…) "
                  "qu'aucun partenaire n'assure."),
    IndicatorSpec("actions_en_cours", "Actions en cours", COUNT, HIGH,
                  "Actions de l'instance en cours à la date de référence, tous types confondus."),
    IndicatorSpec("heures_en_ligne_10000_hab", "Heures en ligne par semaine pour 10 000 habitants", DECIMAL, HIGH,
                  "Heures hebdomadaires des actions en ligne en cours qui touchent les communes de l'instance "
                  "(réparties au prorata de la population), pour 10 000 habitants.", digits=2),
    IndicatorSpec("personnes_touchees", "Personnes touchées en {year}", COUNT, HIGH,
                  "Somme des personnes touchées déclarées pour l'année par les actions de l'instance "
                  "(effectifs agrégés ; chiffres provisoires pour l'année en cours)."),
    IndicatorSpec("score_couverture", "Score de couverture", PERCENT, HIGH,
                  "Part des cellules attendues du référentiel (commune × type d'action × public) couvertes par "
                  "une action en cours."),
    IndicatorSpec("derniere_pleniere", "Dernière plénière", DATE, HIGH,
                  "Date de la dernière séance plénière de l'instance."),
)
BY_CODE = {spec.code: spec for spec in INDICATORS}
# Indicators drawn as bar charts (dates are not).
CHARTED = tuple(spec for spec in INDICATORS if spec.kind != DATE)


def ranks(values: dict[int, Any], spec: IndicatorSpec) -> dict[int, int | None]:
    """Competition ranks (1, 2, 2, 4) of the known values; unknown values get no rank."""
    keyed = {key: spec.rank_value(value) for key, value in values.items()}
    ascending = spec.better == LOW and spec.kind != DATE
    # Sorted once (a thousand councils): a value's rank is 1 + the number of values strictly better.
    ordered = sorted((v for v in keyed.values() if v is not None), reverse=not ascending)
    first: dict[float, int] = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return {key: None if value is None else first[value] for key, value in keyed.items()}


def ordinal(rank: int | None) -> str:
    """`1er`, `2e`, `3e` … (rang, masculine); `—` without rank."""
    if rank is None:
        return "—"
    return "1er" if rank == 1 else f"{rank}e"


