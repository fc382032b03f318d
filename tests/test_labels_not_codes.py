"""Labels, never codes: the partner form's typologies, the journal's changes, French widget formats and placeholders."""

import ast
import datetime as dt
import re
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


def _shown_strings(at) -> list[str]:
    """Every string a page shows in AppTest: texts, option lists, table headers and text cells."""
    shown = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader",
                 "metric"):
        for element in at.get(kind):
            value = getattr(element, "value", None) or getattr(element, "label", None)
            if isinstance(value, str):
                shown.append(value)
    for kind in ("selectbox", "multiselect", "radio"):
        for element in at.get(kind):
            shown.extend(str(option) for option in element.options)
    for frame in at.dataframe:
        data = frame.value
        shown.extend(str(column) for column in data.columns)
        for column in data.columns:
            if str(column).startswith("Codes à saisir"):  # codes shown where the reader must type them
                continue
            shown.extend(value for value in data[column].tolist() if isinstance(value, str))
    return shown


KINDS = ("typology", "typology_group", "link_kind", "action_type", "action_status", "theme", "public", "mode",
         "platform", "funding", "role", "council_kind", "council_status", "network_kind", "user_role")


def test_no_vocabulary_code_is_shown_on_the_main_pages(demo):
    """Labels, never codes: no cell, option or text is a bare vocabulary code or holds « (CODE) » or a snake_case
    code (codes that are French words of their own label, such as EPCI or CAF, are left out)."""
    from maillage.vocabularies import Vocabularies

    vocab = Vocabularies.defaults()
    codes = {code for kind in KINDS for code, label in vocab.labels(kind).items() if code.lower() not in label.lower()}
    snake = {code for code in codes if "_" in code}
    labels = {label for kind in KINDS for label in vocab.labels(kind).values()}
    for page in ("pages/partenaires.py", "pages/actions.py", "pages/tableau_de_bord.py", "pages/reseau.py",
                 "pages/couverture.py", "pages/comparer.py", "pages/synthese_elus.py", "pages/donnees.py"):
        # (Administration's vocabulary editor shows codes on purpose: administrators manage them.)
        at = open_app(page=page, council_id=demo)
        assert not at.exception, page
        for text in _shown_strings(at):
            if text in labels:  # « Intercommunalité (EPCI) » is a label
                continue
            assert text.strip() not in codes, (page, text)
            assert not any(re.search(rf"\({re.escape(code)}\)", text) for code in codes if code.isupper()), (page, text)
            assert not any(re.search(rf"(?<![\w/:.-]){re.escape(code)}(?![\w/.-])", text) for code in snake), \
                (page, text)
