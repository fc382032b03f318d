"""Labels, never codes: the partner form's typologies, the journal's changes, French widget formats and placeholders."""

import ast
import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import select

from maillage.accounts import AuditRow
from maillage.core import make_engine, session_scope
from models import Council
from tests.apptest import open_app

ROOT = Path(__file__).resolve().parent.parent
SCREENS = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py"])


def _calls(name: str):
    """(file, line, keywords) of every `….name(…)` call in the pages, ui/ and app.py."""
    for path in SCREENS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name:
                yield path.relative_to(ROOT), node.lineno, {k.arg: k.value for k in node.keywords}


def test_every_date_input_shows_french_dates():
    calls = list(_calls("date_input"))
    assert calls
    for path, line, keywords in calls:
        fmt = keywords.get("format")
        assert isinstance(fmt, ast.Constant) and fmt.value == "DD/MM/YYYY", f"{path}:{line}"


def test_every_multiselect_and_empty_selectbox_has_a_french_placeholder():
    """Streamlit's default placeholders are English (« Choose options »); those that can show are set."""
    for path, line, keywords in _calls("multiselect"):
        assert "placeholder" in keywords, f"{path}:{line}"
    for path, line, keywords in _calls("selectbox"):
        index = keywords.get("index")
        if isinstance(index, ast.Constant) and index.value is None:
            assert "placeholder" in keywords, f"{path}:{line}"


def test_app_injects_the_french_layer_on_every_kind_of_page():
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert source.count("french_interface_script()") == 2  # the campaign link's page, and every other page


def test_journal_changes_name_fields_in_french_and_leave_bookkeeping_out():
    row = AuditRow(1, dt.datetime(2026, 12, 1), "coord@ville.fr", "update", "partner", 3, "CAF",
                   {"typology": "ASSO", "seat_commune_key": "com:33063", "version": 1, "updated_at": "x",
                    "unknown_field": 1},
                   {"typology": "CAF", "seat_commune_key": "com:33063", "version": 2, "updated_at": "y",
                    "unknown_field": 2})
    assert row.summary() == "typologie : ASSO → CAF; unknown_field : 1 → 2"
    assert ("version", 1, 2) in row.changed_fields()  # still recorded, only not shown


@pytest.fixture
def demo(db_factory, use_database):
    """A demo database with the app pointed at it, and the Bordeaux council's id."""
    url = db_factory.new("demo")
    use_database(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        bordeaux = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one().id
    yield bordeaux
    engine.dispose()


def test_partner_form_lists_typologies_by_label_only(demo):
    at = open_app(page="pages/partenaires.py", council_id=demo)
    assert not at.exception
    options = at.selectbox(key="new_typology").options
    assert options[:2] == ["Commune", "Intercommunalité (EPCI)"]
    assert "Maison des adolescents" in options and "Santé (ARS, hôpital)" in options
    assert not any(option.endswith(("(MUNI)", "(EPCI) (EPCI)", "(SANTE)", "(MDA)")) for option in options)
