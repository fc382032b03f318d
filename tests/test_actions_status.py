"""effective_status and needs_review: the status of an action at a date; status_date_warnings: the status
against the dates."""

import datetime as dt

import pytest

from maillage.actions import effective_status, needs_review, status_date_warnings

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


BEFORE, AFTER = DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1)
LATER = dt.date(2027, 1, 15)


def _warned(status, start, end):
    """(suggested status, date field) of each warning, on DAY."""
    return [(w.suggested_status, w.date_field) for w in status_date_warnings(status, start, end, DAY)]


@pytest.mark.parametrize("status, start, end, expected", [
    # « en cours » must have started and not be over
    ("en_cours", LATER, None, [("projet", "start_date")]),
    ("en_cours", AFTER, None, [("projet", "start_date")]),  # tomorrow is still the future
    ("en_cours", DAY, None, []),  # starts today: running
    ("en_cours", BEFORE, DAY, []),  # its last day is today
    ("en_cours", dt.date(2026, 1, 5), BEFORE, [("terminee", "end_date")]),
    # « terminée » must be over
    ("terminee", dt.date(2026, 1, 5), BEFORE, []),
    ("terminee", dt.date(2026, 1, 5), DAY, []),  # ended today
    ("terminee", dt.date(2026, 1, 5), AFTER, [("en_cours", "end_date")]),
    ("terminee", LATER, dt.date(2027, 2, 1), [("projet", "start_date")]),
    ("terminee", dt.date(2026, 1, 5), None, [(None, "end_date")]),  # ended when? only a date can tell
    # « projet » starts today or later
    ("projet", LATER, None, []),
    ("projet", DAY, None, []),  # the new-action form's default: a project starting today
    ("projet", BEFORE, None, [("en_cours", "start_date")]),
    ("projet", dt.date(2026, 1, 5), AFTER, [("en_cours", "start_date")]),
    ("projet", dt.date(2026, 1, 5), BEFORE, [("terminee", "start_date")]),  # it is over already
    # « suspendue » says nothing about dates
    ("suspendue", LATER, None, []),
    ("suspendue", dt.date(2020, 1, 1), dt.date(2020, 2, 1), []),
    # no start, or dates in the wrong order: the validation refuses them, no status warning on top
    ("en_cours", None, None, []),
    ("terminee", AFTER, BEFORE, []),
])
def test_status_against_dates(status, start, end, expected):
    assert _warned(status, start, end) == expected


def test_status_warning_messages_name_the_dates_and_the_fix():
    [warning] = status_date_warnings("en_cours", LATER, None, DAY)
    assert warning.message == ("L'action est « En cours » mais ne commence que le 15/01/2027 : passez-la au statut "
                               "« En projet » ou corrigez la date de début.")
    [warning] = status_date_warnings("en_cours", dt.date(2026, 1, 5), dt.date(2026, 6, 30), DAY)
    assert "30/06/2026" in warning.message and "« à revoir »" in warning.message and "« Terminée »" in warning.message
    [warning] = status_date_warnings("terminee", dt.date(2026, 1, 5), None, DAY)
    assert warning.message == ("L'action est « Terminée » mais n'a pas de date de fin : indiquez son dernier jour "
                               "comme date de fin.")
    [warning] = status_date_warnings("projet", dt.date(2026, 1, 5), dt.date(2026, 3, 1), DAY)
    assert "du 05/01/2026 au 01/03/2026" in warning.message


def test_status_warning_uses_the_labels_given():
    [warning] = status_date_warnings("en_cours", LATER, None, DAY, {"en_cours": "Active", "projet": "Prévue"})
    assert warning.message.startswith("L'action est « Active » mais") and "« Prévue »" in warning.message
    # a status missing from the labels is shown as its code, not an error
    [warning] = status_date_warnings("en_cours", LATER, None, DAY, {"en_cours": "Active"})
    assert "« projet »" in warning.message
