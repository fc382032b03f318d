"""What a year's figures are compared with, like for like, and how to say it in French.

Two kinds of figures: a *state* at a day (actions running, active links, coverage score, gaps) and a
*yearly total* (people reached in the year, entered once per year per action).

- A closed year (before this one) is looked at on 31 December: its states are compared with 31 December
  of the year before (« depuis fin 2025 ») and its totals with the whole year before (« par rapport à 2025 »).
- The current year is looked at today: its states are compared with the same day of the year before
  (« depuis le 2 décembre 2025 », 29 February → 28 February), never with a full year; its totals are
  still running and are not compared (no arrow): the previous year's total is given as a reference
  (« 2025 entière : 1 050 ») until the year is closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from maillage.core.formatting import format_date_long


def same_day_last_year(day: dt.date) -> dt.date:
    """The same day one year earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Baseline:
    """The reference a year's figures are compared with."""

    year: int        # the year reported on
    closed: bool     # the year is over: its figures are final
    day: dt.date     # states are compared with this day

    @property
    def previous_year(self) -> int:
        """The year compared with."""
        return self.year - 1

    @property
    def at(self) -> str:
        """« à fin 2025 » or « au 2 décembre 2025 » (after « qu' », « comme »…)."""
        return f"à fin {self.previous_year}" if self.closed else f"au {format_date_long(self.day)}"

    @property
    def when(self) -> str:
        """« fin 2025 » or « au 2 décembre 2025 » (in brackets after a value)."""
        return f"fin {self.previous_year}" if self.closed else f"au {format_date_long(self.day)}"

    @property
    def since(self) -> str:
        """« depuis fin 2025 » or « depuis le 2 décembre 2025 » (after a change of a state)."""
        return f"depuis fin {self.previous_year}" if self.closed else f"depuis le {format_date_long(self.day)}"

    @property
    def compares_totals(self) -> bool:
        """Whether yearly totals may be compared (only once the year is closed)."""
        return self.closed

    @property
    def words(self) -> str:
        """The rule, said in a sentence under the figures."""
        if self.closed:
            return (f"Évolutions : état au 31 décembre {self.year} comparé à fin {self.previous_year} ; "
                    f"totaux de l'année comparés à toute l'année {self.previous_year}.")
        return (f"Année {self.year} en cours : les évolutions comparent à la même date de {self.previous_year} "
                f"({format_date_long(self.day)}) ; les totaux de l'année ne se comparent qu'une fois l'année "
                f"close ({self.previous_year} entière en référence).")


def baseline_for(year: int, today: dt.date) -> Baseline:
    """The like-for-like reference of `year` seen on `today` (see the module docstring)."""
    if year >= today.year:
        return Baseline(year, False, same_day_last_year(today))
    return Baseline(year, True, dt.date(year - 1, 12, 31))
