"""AppTest: the Couverture page for every demo council; changing the frame changes the matrix."""

import datetime as dt

from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor
from maillage.core import format_int, format_percent, md
from maillage.coverage import council_coverage
from models import Council, CoverageRule
from tests.apptest import open_app

PAGE = "pages/couverture.py"


def _councils(engine):
    with Session(engine) as session:
        return [(c.id, c.name) for c in session.exec(select(Council).order_by(Council.name))]


def _matrix_table(at):
    """The matrix shown as a table (expander « La matrice sous forme de tableau »)."""
    for frame in at.dataframe:
        if "Territoire" in frame.value.columns and "Score de couverture" in frame.value.columns:
            return frame.value
    raise AssertionError("matrix table not found")


def test_page_for_every_demo_council(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    councils = _councils(shared_demo_engine)
    assert len(councils) >= 4
    at = open_app(page=PAGE)
    for council_id, name in councils:
        at.sidebar.selectbox[0].set_value(council_id).run()
        assert not at.exception, name
        assert not at.error, name
        assert at.title[0].value == f"Couverture — {md(name)}"
        with Session(shared_demo_engine) as session:
            expected = council_coverage(session, SYSTEM, council_id, dt.date.today())
        shown = {metric.label: metric.value for metric in at.metric}
        assert shown["Score de couverture"] == format_percent(expected.score), name
        assert shown["Manquantes"] == format_int(expected.counts()["missing"]), name
        table = _matrix_table(at)
        assert len(table) == len(expected.communes), name


def test_cell_detail_lists_actions_or_suggestions(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    bordeaux = next(cid for cid, name in _councils(shared_demo_engine) if name == "CLSPD de Bordeaux")
    at = open_app(page=PAGE, council_id=bordeaux)
    at.selectbox(key="cov_col").set_value("maraude_numerique").run()
    assert not at.exception
    assert any("Maraude numérique" in m.value and "Couvert" in m.value for m in at.markdown)
    assert any("Action" in frame.value.columns and "Maraude numérique prostitution" in list(frame.value["Action"])
               for frame in at.dataframe)
    at.selectbox(key="cov_col").set_value("defi_sans_ecran").run()
    assert any("Défi sans écran" in m.value and "Manquant" in m.value for m in at.markdown)
    assert any("Qui pourrait porter « Défi sans écran »" in m.value for m in at.markdown)
    assert any("Partenaire" in frame.value.columns for frame in at.dataframe)
    comparison = next(frame.value for frame in at.dataframe if "Actions comptées" in frame.value.columns)
    assert "CLSPD de Bordeaux (instance affichée)" in list(comparison["Instance"])
    assert "CLSPD de Mérignac" in list(comparison["Instance"])


def test_changing_the_frame_changes_the_matrix(db_factory, use_database):
    url = db_factory.new("demo")
    use_database(url)
    from maillage.core.db import make_engine
    engine = make_engine(url)
    saintes = next(cid for cid, name in _councils(engine) if name == "CLSPD de Saintes")
    at = open_app(page=PAGE, council_id=saintes)
    assert "Médiation des conflits en ligne" not in _matrix_table(at).columns

    at.selectbox(key="cov_new_type").set_value("mediation_conflits_en_ligne")
    at.selectbox(key="cov_new_public").set_value("adolescents")
    at.number_input(key="cov_new_min").set_value(0)
    at.button[[b.label for b in at.button].index("Ajouter la règle")].click().run()
    assert not at.exception
    assert any("Règle ajoutée" in s.value for s in at.success)
    table = _matrix_table(at)
    assert list(table["Médiation des conflits en ligne"]) == ["Manquant"]
    with Session(engine) as session:
        assert session.exec(select(CoverageRule).where(CoverageRule.council_id == saintes,
                                                       CoverageRule.action_type == "mediation_conflits_en_ligne")).one()

    at.selectbox(key="cov_edit_key").set_value("mediation_conflits_en_ligne|adolescents").run()
    at.button[[b.label for b in at.button].index("Supprimer la règle")].click().run()
    assert not at.exception
    assert "Médiation des conflits en ligne" not in _matrix_table(at).columns
    engine.dispose()


def test_coordinator_sees_own_council_with_the_editor(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    councils = dict((name, cid) for cid, name in _councils(shared_demo_engine))
    actor = Actor("coord@merignac.fr", "coordinateur", council_ids=frozenset({councils["CLSPD de Mérignac"]}))
    at = open_app(actor=actor, page=PAGE)
    assert not at.exception
    assert at.title[0].value == "Couverture — CLSPD de Mérignac"
    assert "Ajouter la règle" in [b.label for b in at.button]
