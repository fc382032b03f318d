"""effective_status and needs_review: the status of an action at a date."""

import datetime as dt

import pytest

from maillage.actions import effective_status, needs_review

DAY = dt.date(2026, 11, 29)


@pytest.mark.parametrize("status, end, expected", [
    ("en_cours", None, "en_cours"),
    ("en_cours", DAY, "en_cours"),  # ends today: still running today
    ("en_cours", DAY - dt.timedelta(days=1), "terminee"),
    ("projet", DAY - dt.timedelta(days=1), "terminee"),  # a project whose end passed never ran on
    ("projet", DAY + dt.timedelta(days=30), "projet"),
    ("suspendue", DAY - dt.timedelta(days=400), "suspendue"),  # suspended stays suspended
    ("terminee", None, "terminee"),
    ("terminee", DAY + dt.timedelta(days=10), "terminee"),
])
def test_effective_status(status, end, expected):
    assert effective_status(status, end, DAY) == expected


@pytest.mark.parametrize("status, end, expected", [
    ("en_cours", DAY - dt.timedelta(days=1), True),
    ("en_cours", DAY, False),
    ("en_cours", None, False),
    ("terminee", DAY - dt.timedelta(days=1), False),
    ("projet", DAY - dt.timedelta(days=1), False),
])
def test_needs_review(status, end, expected):
    assert needs_review(status, end, DAY) is expected


def test_the_date_is_what_counts_not_today():
    end = dt.date(2025, 6, 30)
    assert effective_status("en_cours", end, dt.date(2025, 6, 1)) == "en_cours"
    assert effective_status("en_cours", end, dt.date(2025, 7, 1)) == "terminee"
