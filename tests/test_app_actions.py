"""AppTest of the Actions page: create an action with three partners, edit it, record indicators, find it in the
list and on the timeline; the demo data shows every action type; read-only roles see no form."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from sqlmodel import Session, select

from maillage.accounts import Actor
from maillage.actions import role_pairs
from models import Action, Council, Indicator, Partner
from models.vocabularies import ACTION_TYPES
from tests.apptest import open_app

PAGE = "pages/actions.py"
TITLE = "Promeneurs du Net au Grand Parc"


def _ids(engine):
    with Session(engine) as session:
        council = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one().id
        partners = {
            name: session.exec(select(Partner).where(Partner.name == name)).first().id
            for name in ("Ville de Bordeaux", "CAF de la Gironde", "GIP Bordeaux Métropole Médiation")
        }
    return council, partners


TABLES = {  # a column that only this table of the page has
    "actions:table": "Instance",
    "actions:indicators_table": "Séances",
    "actions:history_table": "Champ",
    "actions:timeline_table": "Période",
}


def _column(at, table, column):
    """A column of one of the page's tables (AppTest does not keep st.dataframe keys)."""
    marker = TABLES[table]
    frame = next(d.value for d in at.dataframe if marker in d.value.columns)
    return list(frame[column])


def _chart_titles(at):
    """The action titles in the timeline chart's data (sent to the browser as Arrow)."""
    chart = next(element for element in at.main if getattr(element, "type", "") == "vega_lite_chart")
    table = pa.ipc.open_stream(chart.proto.data.data).read_all()
    return table.column("action").to_pylist()


def _success(at):
    return " ".join(element.value for element in at.success)


def test_create_edit_indicators_then_find_in_list_and_timeline(demo_engine, use_database):
    use_database(demo_engine.url.render_as_string(hide_password=False))
    council_id, partners = _ids(demo_engine)
    at = open_app(page=PAGE, council_id=council_id)
    assert not at.exception
    at.radio(key="actions:view").set_value("nouvelle").run()
    assert not at.exception

    at.text_input(key="new:title").input(TITLE)
    at.selectbox(key="new:type").set_value("presence_en_ligne")
    at.selectbox(key="new:status").set_value("en_cours")
    at.date_input(key="new:start").set_value(dt.date(2025, 1, 6))
    at.multiselect(key="new:publics").set_value(["adolescents", "jeunes_adultes"])
    at.multiselect(key="new:themes").set_value(["cyberharcelement"])
    at.selectbox(key="new:mode").set_value("en_ligne")
    at.text_input(key="new:territory_search").input("Bordeaux").run()
    assert "com:33063" in at.multiselect(key="new:territories").options or \
        "Bordeaux (commune 33063)" in at.multiselect(key="new:territories").options
    at.multiselect(key="new:territories").set_value(["com:33063"])
    at.multiselect(key="new:platforms").set_value(["instagram", "discord"])
    at.number_input(key="new:hours").set_value(6.0)
    for name, role in (("Ville de Bordeaux", "pilote"), ("CAF de la Gironde", "financeur"),
                       ("GIP Bordeaux Métropole Médiation", "operateur")):
        at.selectbox(key="new:add_partner").set_value(partners[name])
        at.multiselect(key="new:add_roles").set_value([role])
        at.button(key="new:add").click().run()
        assert not at.exception
    at.button(key="new:save").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert f"Action « {TITLE} » créée." in _success(at)

    with Session(demo_engine) as session:
        action = session.exec(select(Action).where(Action.title == TITLE)).one()
        assert set(role_pairs(session, action.id)) == {
            (partners["Ville de Bordeaux"], "pilote"), (partners["CAF de la Gironde"], "financeur"),
            (partners["GIP Bordeaux Métropole Médiation"], "operateur")}
        assert action.mode == "en_ligne" and action.weekly_hours == 6.0
    action_id = action.id
    assert at.session_state["actions:view"] == "fiche" and at.session_state["actions:selected"] == action_id

    # Edit: more hours, a budget, and the CAF becomes copilot as well.
    prefix = f"edit:{action_id}"
    at.number_input(key=f"{prefix}:hours").set_value(9.0)
    at.number_input(key=f"{prefix}:budget").set_value(15000.0)
    at.selectbox(key=f"{prefix}:add_partner").set_value(partners["CAF de la Gironde"])
    at.multiselect(key=f"{prefix}:add_roles").set_value(["copilote"])
    at.button(key=f"{prefix}:add").click().run()
    at.button(key=f"{prefix}:save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert f"Action « {TITLE} » modifiée." in _success(at)
    with Session(demo_engine) as session:
        action = session.get(Action, action_id)
        assert (action.weekly_hours, action.budget_eur, action.version) == (9.0, 15000.0, 2)
        assert (partners["CAF de la Gironde"], "copilote") in role_pairs(session, action_id)

    # Indicators for 2025.
    at.selectbox(key=f"ind:{action_id}:year").set_value(2025).run()
    at.number_input(key=f"ind:{action_id}:2025:people_reached").set_value(140)
    at.number_input(key=f"ind:{action_id}:2025:sessions").set_value(48)
    at.number_input(key=f"ind:{action_id}:2025:online_contacts").set_value(620)
    at.number_input(key=f"ind:{action_id}:2025:referrals").set_value(11)
    next(b for b in at.button if b.label == "Enregistrer les indicateurs").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Indicateurs 2025 enregistrés." in _success(at)
    with Session(demo_engine) as session:
        indicator = session.exec(select(Indicator).where(Indicator.action_id == action_id)).one()
        assert (indicator.year, indicator.people_reached, indicator.sessions, indicator.online_contacts,
                indicator.referrals) == (2025, 140, 48, 620, 11)
    assert _column(at, "actions:indicators_table", "Personnes touchées") == ["140"]
    history = _column(at, "actions:history_table", "Champ")
    assert "Indicateurs 2025" in history and "Heures par semaine" in history

    # Found in the list, with its figures…
    at.radio(key="actions:view").set_value("liste").run()
    assert not at.exception
    assert TITLE in _column(at, "actions:table", "Titre")
    row = _column(at, "actions:table", "Titre").index(TITLE)
    assert _column(at, "actions:table", "Personnes touchées")[row] == "140"
    assert "CAF de la Gironde (Copilote)" in _column(at, "actions:table", "Partenaires")[row]
    # … also when filtering on Mérignac's EPCI (Bordeaux Métropole).
    at.text_input(key="actions:territory_query").input("243300316").run()
    at.selectbox(key="actions:territory").set_value("epci:243300316").run()
    assert TITLE in _column(at, "actions:table", "Titre")

    # … and on the timeline.
    at.radio(key="actions:view").set_value("chronologie").run()
    assert not at.exception
    assert TITLE in _column(at, "actions:timeline_table", "Action")
    assert TITLE in _chart_titles(at)
    assert "Présence éducative en ligne (Promeneurs du Net)" in " ".join(m.value for m in at.markdown)


def test_refused_form_explains_in_french_and_keeps_the_input(demo_engine, use_database):
    use_database(demo_engine.url.render_as_string(hide_password=False))
    council_id, _partners = _ids(demo_engine)
    at = open_app(page=PAGE, council_id=council_id)
    at.radio(key="actions:view").set_value("nouvelle").run()
    at.text_input(key="new:title").input("Permanence, écrire à jean.dupont@gmail.com")
    at.date_input(key="new:start").set_value(dt.date(2025, 3, 1))
    at.date_input(key="new:end").set_value(dt.date(2025, 2, 1))
    at.button(key="new:save").click().run()
    assert not at.exception
    message = at.error[0].value
    assert "L'action n'a pas été enregistrée" in message
    for expected in ("Titre : contient une adresse e-mail", "Fin : le 01/02/2025 est avant le début (01/03/2025)",
                     "Territoires : indiquez au moins un territoire", "Publics : indiquez au moins un public",
                     "Type d'action : choisissez un type", "il faut au moins un partenaire « pilote »"):
        assert expected in message, expected
    assert at.text_input(key="new:title").value == "Permanence, écrire à jean.dupont@gmail.com"


def test_copy_prefills_the_new_action_form(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    council_id, _partners = _ids(shared_demo_engine)
    with Session(shared_demo_engine) as session:
        source = session.exec(select(Action).where(Action.title == "Maraude numérique prostitution")).one()
    at = open_app(page=PAGE, council_id=council_id)
    at.session_state["actions:selected"] = source.id
    at.radio(key="actions:view").set_value("fiche").run()
    assert not at.exception
    at.button(key="actions:copy").click().run()
    assert not at.exception
    assert at.session_state["actions:view"] == "nouvelle"
    assert at.text_input(key="new:title").value == "Maraude numérique prostitution (copie)"
    assert at.selectbox(key="new:type").value == "maraude_numerique"
    assert at.multiselect(key="new:territories").value == []
    assert at.selectbox(key="new:status").value == "projet"


def test_demo_data_shows_every_action_type(shared_demo_url, use_database):
    use_database(shared_demo_url)
    at = open_app(page=PAGE)
    at.multiselect(key="actions:councils").set_value([]).run()  # every council
    assert not at.exception
    assert set(_column(at, "actions:table", "Type")) == set(ACTION_TYPES.values())
    assert at.metric[0].value == "63"


def test_every_demo_council_lists_and_draws_its_actions(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    with Session(shared_demo_engine) as session:
        councils = session.exec(select(Council.id, Council.name)).all()
    at = open_app(page=PAGE)
    for council_id, name in councils:
        at.sidebar.selectbox[0].set_value(council_id).run()
        assert not at.exception, name
        at.multiselect(key="actions:councils").set_value([council_id]).run()
        assert not at.exception, name
    at.radio(key="actions:view").set_value("chronologie").run()
    for council_id, name in councils:
        at.selectbox(key="actions:timeline_council").set_value(council_id).run()
        assert not at.exception, name


def test_network_member_reads_shared_actions_without_forms(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    from models import Network
    with Session(shared_demo_engine) as session:
        network = session.exec(select(Network).where(Network.name == "Réseau FFSU Nouvelle-Aquitaine")).one()
    member = Actor("membre@ffsu.org", "reseau", frozenset(), frozenset({network.id}))
    at = open_app(actor=member, page=PAGE)
    assert not at.exception
    assert "nouvelle" not in at.radio(key="actions:view").options
    at.multiselect(key="actions:councils").set_value([]).run()
    with Session(shared_demo_engine) as session:
        shared = {a.title for a in session.exec(select(Action).where(Action.shared.is_(True)))}
    assert set(_column(at, "actions:table", "Titre")) <= shared
    at.radio(key="actions:view").set_value("fiche").run()
    assert not at.exception
    assert not [k for k in at.session_state if str(k).startswith("edit:")]


def test_concurrent_edit_is_refused_and_the_form_shows_current_values(demo_engine, use_database):
    import dataclasses

    from maillage.accounts.access import SYSTEM
    from maillage.actions.editing import draft_for_edit, update_action
    from maillage.core.db import session_scope

    use_database(demo_engine.url.render_as_string(hide_password=False))
    council_id, _partners = _ids(demo_engine)
    with Session(demo_engine) as session:
        action = session.exec(select(Action).where(Action.title == "Maraude numérique prostitution")).one()
    at = open_app(page=PAGE, council_id=council_id)
    at.session_state["actions:selected"] = action.id
    at.radio(key="actions:view").set_value("fiche").run()
    prefix = f"edit:{action.id}"
    at.number_input(key=f"{prefix}:hours").set_value(10.0)
    # Meanwhile, someone else saves the same action.
    with session_scope(demo_engine) as session:
        draft, version = draft_for_edit(session, SYSTEM, action.id)
        update_action(session, SYSTEM, action.id, dataclasses.replace(draft, weekly_hours=12.5), version)
    at.button(key=f"{prefix}:save").click().run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "a été modifié par ligne de commande" in warning and "refaites vos modifications" in warning
    assert at.number_input(key=f"{prefix}:hours").value == 12.5
    with Session(demo_engine) as session:
        assert session.get(Action, action.id).weekly_hours == 12.5
