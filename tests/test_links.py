"""Addresses: the remembered address after single sign-on is followed only inside the app."""

import datetime as dt

from ui.auth import safe_return_address
from ui.links import as_date, as_int, as_year


def test_return_address_stays_inside_the_app():
    assert safe_return_address("/partenaires?instance=3&partenaire=12") == ("partenaires", {"instance": "3", "partenaire": "12"})
    assert safe_return_address("%2Fcouverture%3Finstance%3D2") == ("couverture", {"instance": "2"})
    assert safe_return_address("/") == ("", {})
    for hostile in ("https://pirate.example/x", "//pirate.example/x", "/\\pirate.example", "javascript:alert(1)",
                    "%2F%2Fpirate.example", "", None):
        assert safe_return_address(hostile) is None


def test_address_values():
    assert as_int("12") == 12 and as_int(" 7 ") == 7
    assert as_int("-1") is None and as_int("1e3") is None and as_int("9" * 20) is None and as_int(None) is None
    assert as_year("2025") == 2025 and as_year("25") is None and as_year("abc") is None
    assert as_date("2026-11-29") == dt.date(2026, 11, 29) and as_date("29/11/2026") is None and as_date(None) is None
