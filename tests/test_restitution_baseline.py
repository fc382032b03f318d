"""The like-for-like rule of year-over-year changes (maillage.restitution.baseline) and its use by key figures."""

import datetime as dt

import pytest

from maillage.restitution import Baseline, KeyFigure, baseline_for, same_day_last_year

NNBSP = "\u202f"


@pytest.mark.parametrize("day, expected", [
    (dt.date(2026, 12, 2), dt.date(2025, 12, 2)),
    (dt.date(2026, 1, 1), dt.date(2025, 1, 1)),
    (dt.date(2024, 2, 29), dt.date(2023, 2, 28)),   # no 29 February in 2023
    (dt.date(2025, 3, 1), dt.date(2024, 3, 1)),
])
def test_same_day_last_year(day, expected):
    assert same_day_last_year(day) == expected


def test_a_running_year_is_compared_with_the_same_day_of_the_year_before():
    base = baseline_for(2026, dt.date(2026, 12, 2))
    assert base == Baseline(2026, False, dt.date(2025, 12, 2))
    assert not base.compares_totals and base.previous_year == 2025
    assert base.since == "depuis le 2 décembre 2025" and base.at == "au 2 décembre 2025"
    assert "même date de 2025" in base.words and "une fois l'année close" in base.words


def test_a_closed_year_is_compared_with_the_end_of_the_year_before():
    base = baseline_for(2025, dt.date(2026, 12, 2))
    assert base == Baseline(2025, True, dt.date(2024, 12, 31))
    assert base.compares_totals
    assert (base.since, base.at, base.when) == ("depuis fin 2024", "à fin 2024", "fin 2024")
    assert "31 décembre 2025" in base.words and "toute l'année 2024" in base.words


def test_first_of_january_is_a_running_year_with_one_day():
    base = baseline_for(2027, dt.date(2027, 1, 1))
    assert not base.closed and base.day == dt.date(2026, 1, 1) and base.since == "depuis le 1er janvier 2026"


def _figure(value, previous, total, year=2026, today=dt.date(2026, 12, 2), better="high"):
    return KeyFigure("people", "Personnes touchées", value, previous, "count", better,
                     baseline=baseline_for(year, today), total=total)


def test_a_running_years_total_is_not_compared_with_a_full_year():
    # The case: a red « ▼ −259 depuis 2025 » compared an unfinished 2026 with the whole of 2025.
    figure = _figure(1234, 1493, total=True)
    assert figure.trend is None and figure.improved is None
    assert figure.change_text() == f"2025 entière : 1{NNBSP}493"
    assert _figure(1234, None, total=True).change_text() == "—"


def test_a_closed_years_total_is_compared_with_the_whole_year_before():
    figure = _figure(1234, 1493, total=True, year=2025)
    assert figure.trend == "down" and figure.improved is False
    assert figure.change_text() == "\u2212259 par rapport à 2024"
    assert _figure(5, 5, total=True, year=2025).change_text() == "comme en 2024"


def test_a_state_is_compared_at_the_same_day_and_says_so():
    figure = _figure(12, 9, total=False)
    assert figure.trend == "up" and figure.improved is True
    assert figure.change_text() == "+3 depuis le 2 décembre 2025"
    assert _figure(4, 4, total=False).change_text() == "stable depuis le 2 décembre 2025"
    assert _figure(3, 5, total=False, year=2024).change_text() == "\u22122 depuis fin 2023"
    assert _figure(3, 5, total=False, better="low").improved is True


def test_without_a_baseline_the_old_wording_remains():
    figure = KeyFigure("links", "Liens actifs", 4, 2, "count", "high")
    assert figure.change_text(2025) == "+2 depuis 2025"
