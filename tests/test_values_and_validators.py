"""Cell parsers of the exchange format and single-value validators: known answers and bad input."""

import datetime as dt

import pytest

from maillage.core import (
    email_problem,
    personal_data_problem,
    siret_problem,
    url_problem,
)
from maillage.exchange import (
    CellError,
    looks_like_formula,
    parse_bool,
    parse_count,
    parse_date,
    parse_number,
    split_list,
)


@pytest.mark.parametrize("text, expected", [
    ("05/03/2026", dt.date(2026, 3, 5)),
    ("5/3/2026", dt.date(2026, 3, 5)),
    ("2026-03-05", dt.date(2026, 3, 5)),
    ("2026-03-05 00:00:00", dt.date(2026, 3, 5)),
    ("46086", dt.date(2026, 3, 5)),
    ("", None),
])
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, reason", [
    ("31/02/2026", "n'est pas une date qui existe"),
    ("2026-13-01", "n'est pas une date qui existe"),
    ("mars 2026", "n'est pas une date"),
])
def test_bad_dates(text, reason):
    with pytest.raises(CellError, match=reason):
        parse_date(text)


def test_numbers_accept_french_forms():
    assert parse_number("3,5") == 3.5
    assert parse_number("12 500") == 12500
    assert parse_number("12\u202f500,50 €") == 12500.5
    assert parse_number("") is None
    with pytest.raises(CellError, match="positif"):
        parse_number("-2")
    with pytest.raises(CellError, match="n'est pas un nombre"):
        parse_number("douze")
    assert parse_count("7") == 7
    with pytest.raises(CellError, match="entier"):
        parse_count("7,5")


def test_booleans_and_lists():
    assert parse_bool("Oui") and parse_bool("vrai") and not parse_bool("non") and not parse_bool("")
    with pytest.raises(CellError):
        parse_bool("peut-être")
    assert split_list(" a | b|a||c ") == ["a", "b", "c"]


def test_formula_detection():
    assert looks_like_formula("=SOMME(A1:A2)")
    assert looks_like_formula("@cmd")
    assert looks_like_formula("+33 1 23")
    assert not looks_like_formula("-12")
    assert not looks_like_formula("Mairie")


def test_siret_luhn():
    assert siret_problem("73282932000074") is None  # a real, valid SIRET
    assert "14 chiffres" in siret_problem("1234")
    assert "clé de contrôle" in siret_problem("73282932000075")


def test_email_and_url():
    assert email_problem("contact@ville-bordeaux.fr") is None
    assert email_problem("contact@") is not None
    assert url_problem("https://www.bordeaux.fr/prevention") is None
    assert url_problem("javascript:alert(1)") is not None
    assert url_problem("www.bordeaux.fr") is not None


def test_personal_data_in_free_text():
    assert personal_data_problem("Maraude sur Snapchat") is None
    assert "adresse e-mail" in personal_data_problem("contacter jean.dupont@gmail.com")
    assert "téléphone" in personal_data_problem("appeler le 06 12 34 56 78")
    assert "téléphone" in personal_data_problem("+33 6 12 34 56 78")
    assert personal_data_problem("Budget 2026 : 12 500 €") is None
