"""AppTest: app.py and the dashboard for every demo council, figures checked against the database."""

import datetime as dt

from sqlalchemy import func
from sqlmodel import Session, or_, select

from maillage.actions import effective_status
from maillage.core import format_int
from models import Action, CooperationLink, Council
from tests.apptest import open_app


def _expected(engine, council_id):
    """Figures computed straight from the tables, independently of maillage.restitution.dashboard."""
    today = dt.date.today()
    with Session(engine) as session:
        links = session.exec(select(func.count()).select_from(CooperationLink).where(
            CooperationLink.council_id == council_id,
            or_(CooperationLink.start_date.is_(None), CooperationLink.start_date <= today),
            or_(CooperationLink.end_date.is_(None), CooperationLink.end_date >= today))).one()
        actions = session.exec(select(Action).where(Action.council_id == council_id,
                                                    Action.archived_at.is_(None))).all()
        active = sum(1 for a in actions if effective_status(a.status, a.end_date, today) == "en_cours")
    return {"Liens actifs": format_int(links), "Actions en cours": format_int(active)}


def _council_ids(engine):
    with Session(engine) as session:
        return [c.id for c in session.exec(select(Council).order_by(Council.name))]


def test_app_starts_on_the_dashboard(shared_demo_url, use_database):
    use_database(shared_demo_url)
    at = open_app()
    assert not at.exception
    assert at.title[0].value.startswith("Tableau de bord — ")
    assert "démonstration" in " ".join(c.value for c in at.sidebar.caption)


def test_dashboard_for_every_demo_council(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    council_ids = _council_ids(shared_demo_engine)
    assert len(council_ids) >= 4
    at = open_app()
    for council_id in council_ids:
        at.sidebar.selectbox[0].set_value(council_id).run()
        assert not at.exception, council_id
        assert not at.error
        shown = {metric.label: metric.value for metric in at.metric}
        expected = _expected(shared_demo_engine, council_id)
        for label, value in expected.items():
            assert shown[label] == value, (council_id, label)
        with Session(shared_demo_engine) as session:
            name = session.get(Council, council_id).name
        assert at.title[0].value == f"Tableau de bord — {name}"


def test_bordeaux_population_and_territory(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    with Session(shared_demo_engine) as session:
        bordeaux = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one()
    at = open_app(council_id=bordeaux.id)
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown["Population couverte"] == "267\u202f991"
    assert shown["Communes couvertes"] == "1"
    assert "Bordeaux (33063)" in at.markdown[0].value


def test_empty_database_explains_what_to_do(db_factory, use_database):
    use_database(db_factory.new("empty"))
    at = open_app()
    assert not at.exception
    assert "Aucune instance" in at.info[0].value
