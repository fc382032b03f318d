"""AppTest of the action form's checks (issue 17): a status its dates contradict is shown before saving with the
fix proposed (take the suggested status, correct the date, or save as it is); new actions are shared by default."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from maillage.core import format_date
from models import Action, Council, Partner
from tests.apptest import open_app

PAGE = "pages/actions.py"


def _open_new_form(engine, use_database):
    """The app on « Nouvelle action » as the administrator, Bordeaux selected."""
    use_database(engine.url.render_as_string(hide_password=False))
    with Session(engine) as session:
        council = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one().id
        pilot = session.exec(select(Partner).where(Partner.name == "Ville de Bordeaux")).first().id
    at = open_app(page=PAGE, council_id=council)
    at.radio(key="actions:view").set_value("nouvelle").run()
    assert not at.exception
    return at, pilot


def _fill(at, pilot: int, title: str, status: str, start: dt.date) -> None:
    """Everything a valid new action needs."""
    at.text_input(key="new:title").input(title)
    at.selectbox(key="new:type").set_value("presence_en_ligne")
    at.selectbox(key="new:status").set_value(status)
    at.date_input(key="new:start").set_value(start)
    at.multiselect(key="new:publics").set_value(["adolescents"])
    at.text_input(key="new:territory_search").input("Bordeaux").run()
    at.multiselect(key="new:territories").set_value(["com:33063"])
    at.selectbox(key="new:add_partner").set_value(pilot)
    at.multiselect(key="new:add_roles").set_value(["pilote"])
    at.button(key="new:add").click().run()
    assert not at.exception


def _saved(engine, title: str) -> Action | None:
    with Session(engine) as session:
        return session.exec(select(Action).where(Action.title == title)).first()


def _warnings(at) -> str:
    return " ".join(w.value for w in at.warning)


def test_new_action_is_shared_by_default_and_can_be_kept_private(demo_engine, use_database):
    at, pilot = _open_new_form(demo_engine, use_database)
    assert at.checkbox(key="new:shared").value is True
    today = dt.date.today()
    _fill(at, pilot, "Action partagée par défaut", "en_cours", today)
    at.button(key="new:save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert _saved(demo_engine, "Action partagée par défaut").shared is True

    at.radio(key="actions:view").set_value("nouvelle").run()
    # The form is empty again after a save, back to its defaults (shared, in project, starting today).
    assert at.text_input(key="new:title").value == ""
    assert at.selectbox(key="new:type").value is None and at.multiselect(key="new:publics").value == []
    assert (at.selectbox(key="new:status").value, at.date_input(key="new:start").value) == ("projet", today)
    assert at.checkbox(key="new:shared").value is True
    _fill(at, pilot, "Action gardée dans l'instance", "en_cours", today)
    at.checkbox(key="new:shared").uncheck()
    at.button(key="new:save").click().run()
    assert not at.exception and not at.error
    assert _saved(demo_engine, "Action gardée dans l'instance").shared is False


def test_running_action_starting_later_is_questioned_then_moved_to_project(demo_engine, use_database):
    at, pilot = _open_new_form(demo_engine, use_database)
    start = dt.date.today() + dt.timedelta(days=45)
    _fill(at, pilot, "Défi sans écran de printemps", "en_cours", start)
    at.button(key="new:save").click().run()
    assert not at.exception and not at.error
    expected = (f"L'action est « En cours » mais ne commence que le {format_date(start)} : passez-la au statut "
                "« En projet » ou corrigez la date de début.")
    assert expected in _warnings(at)
    assert _saved(demo_engine, "Défi sans écran de printemps") is None  # nothing written before the answer
    assert not at.success

    at.button(key="new:status_fix").click().run()
    assert not at.exception and not at.error
    action = _saved(demo_engine, "Défi sans écran de printemps")
    assert (action.status, action.start_date) == ("projet", start)
    assert "Action « Défi sans écran de printemps » créée." in " ".join(s.value for s in at.success)
    assert "ne commence que" not in _warnings(at)


def test_the_user_may_confirm_the_status_as_it_is(demo_engine, use_database):
    at, pilot = _open_new_form(demo_engine, use_database)
    start = dt.date.today() + dt.timedelta(days=10)
    _fill(at, pilot, "Permanence numérique confirmée", "en_cours", start)
    at.button(key="new:save").click().run()
    assert "ne commence que le" in _warnings(at)
    at.button(key="new:status_confirm").click().run()
    assert not at.exception and not at.error
    assert _saved(demo_engine, "Permanence numérique confirmée").status == "en_cours"
    assert "ne commence que" not in _warnings(at)  # confirmed: not repeated after saving


def test_correcting_the_date_removes_the_warning(demo_engine, use_database):
    at, pilot = _open_new_form(demo_engine, use_database)
    _fill(at, pilot, "Atelier parents corrigé", "terminee", dt.date.today() - dt.timedelta(days=30))
    at.button(key="new:save").click().run()
    assert "n'a pas de date de fin" in _warnings(at)
    assert not at.button(key="new:status_confirm").disabled
    at.date_input(key="new:end").set_value(dt.date.today() - dt.timedelta(days=2)).run()
    assert "n'a pas de date de fin" not in _warnings(at)  # the form agrees with its status now
    at.button(key="new:save").click().run()
    assert not at.exception and not at.error
    assert _saved(demo_engine, "Atelier parents corrigé").status == "terminee"


def test_editing_an_overdue_action_proposes_to_close_it(demo_engine, use_database):
    """The demo's « en cours » action whose end has passed: saving its edit form proposes « Terminée »."""
    use_database(demo_engine.url.render_as_string(hide_password=False))
    title = "Prévention du cybersexisme en collège"
    with Session(demo_engine) as session:
        action = session.exec(select(Action).where(Action.title == title)).one()
    assert action.status == "en_cours" and action.end_date < dt.date.today()
    at = open_app(page=PAGE, council_id=action.council_id)
    at.session_state["actions:view"] = "fiche"
    at.session_state["actions:selected"] = action.id
    at.run()
    assert not at.exception
    prefix = f"edit:{action.id}"
    at.number_input(key=f"{prefix}:hours").set_value(3.0)
    at.button(key=f"{prefix}:save").click().run()
    assert not at.exception and not at.error
    assert f"sa date de fin, le {format_date(action.end_date)}, est passée" in _warnings(at)
    with Session(demo_engine) as session:
        assert session.get(Action, action.id).version == action.version  # not saved yet
    fix = at.button(key=f"{prefix}:status_fix")
    assert fix.label == "Passer au statut « Terminée » et enregistrer"
    fix.click().run()
    assert not at.exception and not at.error
    with Session(demo_engine) as session:
        saved = session.get(Action, action.id)
    assert (saved.status, saved.weekly_hours, saved.end_date) == ("terminee", 3.0, action.end_date)
    assert f"Action « {title} » modifiée." in " ".join(s.value for s in at.success)
