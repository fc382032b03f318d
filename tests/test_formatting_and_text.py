"""French formats and text folding."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from maillage.core import (
    compact,
    fold,
    format_date,
    format_date_long,
    format_datetime,
    format_decimal,
    format_euros,
    format_int,
    format_percent,
    plural,
)


def test_numbers():
    assert format_int(1234567) == "1\u202f234\u202f567"
    assert format_int(None) == "—"
    assert format_decimal(1234.56) == "1\u202f234,6"
    assert format_decimal(2.5, 2) == "2,50"
    assert format_percent(0.425) == "43\u00a0%"
    assert format_euros(12500) == "12\u202f500\u00a0€"


def test_dates():
    assert format_date(dt.date(2026, 3, 5)) == "05/03/2026"
    assert format_date_long(dt.date(2026, 3, 1)) == "1er mars 2026"
    assert format_date_long(dt.date(2026, 12, 25)) == "25 décembre 2026"
    assert format_datetime(dt.datetime(2026, 7, 1, 10, 5, tzinfo=dt.UTC)) == "01/07/2026 à 12 h 05"
    assert format_datetime(dt.datetime(2026, 1, 1, 10, 5, tzinfo=dt.UTC)) == "01/01/2026 à 11 h 05"


def test_plural_follows_french_rules():
    assert plural(0, "action") == "0 action"
    assert plural(1, "action") == "1 action"
    assert plural(2, "lien") == "2 liens"
    assert plural(3, "réseau", "réseaux") == "3 réseaux"


def test_fold_and_compact():
    assert fold("  Mairie de Mérignac ! ") == "mairie de merignac"
    assert compact("Commune siège") == "communesiege"
    assert compact("commune_siege") == "communesiege"


LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"}


@given(st.text(alphabet=st.sampled_from("abcdeéèêëàâîïôöûüç -'ŒœÆæß"), max_size=30))
def test_fold_treats_ligatures_as_their_letters(text):
    spelled = "".join(LIGATURES.get(char, char) for char in text)
    assert fold(text) == fold(spelled)


def test_fold_ligatures_known_answers():
    assert fold("Cœur de Ville") == fold("Coeur de Ville") == "coeur de ville"
    assert fold("Œuvre") == "oeuvre" and fold("Lætitia") == "laetitia"
