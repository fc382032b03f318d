"""The actions list: territory matching (EPCI, département, sub-territory), filters, visibility, sorting, totals."""

import datetime as dt

import pytest
from sqlmodel import Session

from maillage.accounts import SYSTEM
from maillage.actions import (
    ActionFilters,
    council_suggestions,
    filter_options,
    list_actions,
    matching_territory_keys,
    search_territories,
    sort_rows,
    visible_councils,
)
from maillage.core import session_scope
from models import ActionFunding, ActionTheme, Indicator
from tests.actions_world import TODAY, build_world
from tests.builders import add_action

EPCI = "epci:243300316"


@pytest.fixture(scope="module")
def engine(db_factory):
    """One world with actions declared at every level (read-only for the tests of this module)."""
    from maillage.core.db import make_engine
    engine = make_engine(db_factory.new("empty"))
    with session_scope(engine) as session:
        world = build_world(session)
        from models import Council, Partner
        bordeaux, merignac, saintes = (session.get(Council, i) for i in (world.bordeaux, world.merignac, world.saintes))
        ville, caf, asso = (session.get(Partner, i) for i in (world.ville, world.caf, world.asso))
        actions = {
            "metropole": add_action(session, bordeaux, "Maraude numérique métropolitaine", "maraude_numerique",
                                    territories=[EPCI], partners=[(ville, "pilote"), (caf, "financeur")],
                                    shared=True, weekly_hours=8.0, budget_eur=20000.0, start=dt.date(2021, 3, 1)),
            "gironde": add_action(session, bordeaux, "Défi sans écran girondin", "defi_sans_ecran",
                                  territories=["dep:33"], publics=["enfants", "familles"],
                                  partners=[(caf, "pilote")], start=dt.date(2023, 1, 9), end=dt.date(2023, 1, 19),
                                  status="terminee", budget_eur=5000.0),
            "merignac": add_action(session, merignac, "Cyber-base de Mérignac", "cyberbase",
                                   territories=["com:33281"], partners=[(asso, "pilote")], shared=True,
                                   weekly_hours=12.0, start=dt.date(2020, 9, 1)),
            "merignac_private": add_action(session, merignac, "Projet interne Mérignac", "groupe_de_travail",
                                           territories=["com:33281"], partners=[(asso, "pilote")], shared=False,
                                           status="projet", start=dt.date(2027, 1, 1)),
            "benauge": add_action(session, bordeaux, "Promeneurs du Net à la Benauge", "presence_en_ligne",
                                  territories=["sub:33063:benauge"], partners=[(ville, "pilote"), (asso, "operateur")],
                                  start=dt.date(2024, 1, 8), end=dt.date(2026, 6, 30), status="en_cours",
                                  weekly_hours=3.0),
            "saintes": add_action(session, saintes, "Parents et écrans à Saintes", "sensibilisation_parents",
                                  territories=["com:17415"], publics=["familles"], start=dt.date(2025, 9, 1)),
            "abzac": add_action(session, bordeaux, "Atelier seniors à Abzac", "inclusion_numerique_seniors",
                                territories=["com:33001"], publics=["seniors"], start=dt.date(2025, 2, 1)),
        }
        session.add(ActionTheme(action_id=actions["metropole"].id, theme="prostitution_michetonnage"))
        session.add(ActionTheme(action_id=actions["benauge"].id, theme="cyberharcelement"))
        session.add(ActionFunding(action_id=actions["metropole"].id, funding="FIPD"))
        session.add(Indicator(action_id=actions["metropole"].id, year=2024, people_reached=100, sessions=10))
        session.add(Indicator(action_id=actions["metropole"].id, year=2025, people_reached=150))
        session.add(Indicator(action_id=actions["merignac"].id, year=2025, people_reached=40))
        ids = {name: action.id for name, action in actions.items()}
    engine.world, engine.ids = world, ids
    yield engine
    engine.dispose()


def titles(engine, filters=None, actor=SYSTEM, **kwargs):
    with Session(engine) as session:
        return {row.title for row in list_actions(session, actor, filters, as_of=TODAY, **kwargs).rows}


def names(engine, *keys):
    from models import Action
    with Session(engine) as session:
        return {session.get(Action, engine.ids[key]).title for key in keys}


# ------------------------------------------------------------- territory matching


@pytest.mark.parametrize("key, expected", [
    ("com:33063", {"com:33063", "sub:33063:benauge", EPCI, "dep:33", "reg:75"}),
    ("com:33281", {"com:33281", EPCI, "dep:33", "reg:75"}),
    ("com:33001", {"com:33001", "dep:33", "reg:75"}),  # a commune outside any EPCI
    (EPCI, {EPCI, "com:33063", "com:33281", "sub:33063:benauge", "dep:33", "reg:75"}),
    ("dep:33", {"dep:33", "com:33063", "com:33281", "com:33001", "sub:33063:benauge", EPCI, "reg:75"}),
    ("dep:17", {"dep:17", "com:17415", "reg:75"}),
    ("sub:33063:benauge", {"sub:33063:benauge", "com:33063", EPCI, "dep:33", "reg:75"}),
])
def test_matching_territory_keys(engine, key, expected):
    with Session(engine) as session:
        assert matching_territory_keys(session, key) == expected


@pytest.mark.parametrize("key, expected", [
    # A commune finds the actions declared on its EPCI, its département and its sub-territories.
    ("com:33063", {"metropole", "gironde", "benauge"}),
    ("com:33281", {"metropole", "gironde", "merignac", "merignac_private"}),
    ("com:33001", {"gironde", "abzac"}),
    # An EPCI finds those of its communes and sub-territories, and the département's.
    (EPCI, {"metropole", "gironde", "merignac", "merignac_private", "benauge"}),
    ("dep:33", {"metropole", "gironde", "merignac", "merignac_private", "benauge", "abzac"}),
    ("dep:17", {"saintes"}),
    ("sub:33063:benauge", {"metropole", "gironde", "benauge"}),
    ("reg:75", {"metropole", "gironde", "merignac", "merignac_private", "benauge", "saintes", "abzac"}),
])
def test_territory_filter(engine, key, expected):
    assert titles(engine, ActionFilters(territory_key=key)) == names(engine, *expected)


# ------------------------------------------------------------- other filters


def test_council_type_theme_public_partner_shared_filters(engine):
    world = engine.world
    assert titles(engine, ActionFilters(council_ids=[world.merignac])) == names(engine, "merignac", "merignac_private")
    assert titles(engine, ActionFilters(action_types=["cyberbase", "defi_sans_ecran"])) == names(engine, "merignac", "gironde")
    assert titles(engine, ActionFilters(themes=["cyberharcelement"])) == names(engine, "benauge")
    assert titles(engine, ActionFilters(publics=["familles"])) == names(engine, "gironde", "saintes")
    assert titles(engine, ActionFilters(partner_id=world.asso)) == names(engine, "merignac", "merignac_private", "benauge")
    assert titles(engine, ActionFilters(shared=True)) == names(engine, "metropole", "merignac")
    assert titles(engine, ActionFilters(text="ecran")) == names(engine, "gironde", "saintes")
    # Filters combine: all of them must hold.
    assert titles(engine, ActionFilters(territory_key="com:33063", partner_id=world.caf)) == names(engine, "metropole", "gironde")


def test_status_filter_uses_the_effective_status(engine):
    ended = titles(engine, ActionFilters(statuses=["terminee"]))
    assert ended == names(engine, "gironde", "benauge")  # Benauge is « en cours » but ended on 30/06/2026
    assert titles(engine, ActionFilters(review_only=True)) == names(engine, "benauge")


def test_year_filter_keeps_actions_running_that_year(engine):
    assert titles(engine, ActionFilters(year=2023)) == names(engine, "metropole", "gironde", "merignac")
    assert titles(engine, ActionFilters(year=2027)) == names(engine, "metropole", "merignac", "merignac_private",
                                                            "saintes", "abzac")


# ------------------------------------------------------------- visibility


def test_a_council_sees_its_own_and_the_shared_actions_of_its_network(engine):
    world = engine.world
    seen_by_bordeaux = titles(engine, actor=world.coordinator)
    assert names(engine, "merignac") <= seen_by_bordeaux
    assert not names(engine, "merignac_private", "saintes") & seen_by_bordeaux
    assert titles(engine, actor=world.far_coordinator) == names(engine, "saintes")
    assert titles(engine, actor=world.network_member) == names(engine, "metropole", "merignac")
    with Session(engine) as session:
        assert set(visible_councils(session, world.far_coordinator)) == {world.saintes}
        assert set(visible_councils(session, SYSTEM)) == {world.bordeaux, world.merignac, world.saintes}


# ------------------------------------------------------------- rows, sorting, totals


def test_rows_carry_labels_partners_and_people_reached(engine):
    with Session(engine) as session:
        listed = list_actions(session, SYSTEM, ActionFilters(action_types=["maraude_numerique"]), as_of=TODAY)
    row = listed.rows[0]
    assert row.council == "CLSPD de Bordeaux"
    assert row.action_type_label == "Maraude numérique" and row.status_label == "En cours"
    assert row.territories == ["Bordeaux Métropole (243300316)"]
    assert row.partners == [("Ville de Bordeaux", "pilote"), ("CAF de la Gironde", "financeur")]
    assert row.partner_labels == ["Ville de Bordeaux (Pilote)", "CAF de la Gironde (Financeur)"]
    assert row.people_reached == 250  # every year added up
    with Session(engine) as session:
        listed = list_actions(session, SYSTEM, ActionFilters(action_types=["maraude_numerique"], year=2024), as_of=TODAY)
    assert listed.rows[0].people_reached == 100 and listed.people_year == 2024


def test_totals(engine):
    world = engine.world
    with Session(engine) as session:
        listed = list_actions(session, SYSTEM, ActionFilters(council_ids=[world.bordeaux, world.merignac]), as_of=TODAY)
    totals = listed.totals
    assert totals.actions == 6
    assert totals.weekly_hours == 8.0 + 12.0 + 3.0
    assert totals.budget_eur == 25000.0
    assert totals.people_reached == 250 + 40
    assert totals.to_review == 1


@pytest.mark.parametrize("key, descending, first", [
    ("start_date", True, "Projet interne Mérignac"),
    ("start_date", False, "Cyber-base de Mérignac"),
    ("title", False, "Atelier seniors à Abzac"),
    ("weekly_hours", True, "Cyber-base de Mérignac"),
    ("budget_eur", True, "Maraude numérique métropolitaine"),
    ("people_reached", True, "Maraude numérique métropolitaine"),
    ("council", False, "Atelier seniors à Abzac"),  # CLSPD de Bordeaux first, then titles
])
def test_sorting(engine, key, descending, first):
    with Session(engine) as session:
        rows = list_actions(session, SYSTEM, as_of=TODAY, sort=key, descending=descending).rows
    assert rows[0].title == first


def test_empty_values_sort_last_both_ways(engine):
    with Session(engine) as session:
        rows = list_actions(session, SYSTEM, as_of=TODAY).rows
    for descending in (False, True):
        ordered = sort_rows(rows, "weekly_hours", descending)
        hours = [row.weekly_hours for row in ordered]
        assert hours[-1] is None and hours[0] is not None
        present = [h for h in hours if h is not None]
        assert present == sorted(present, reverse=descending)


def test_filter_options(engine):
    world = engine.world
    with Session(engine) as session:
        options = filter_options(session, world.coordinator, [world.bordeaux], as_of=TODAY)
    assert set(options.councils) == {world.bordeaux, world.merignac}
    assert set(options.partners) == {world.ville, world.caf, world.asso}
    assert options.years[0] == 2026 and options.years[-1] == 2021
    assert options.action_types["cyberbase"] == "Cyber-base"


# ------------------------------------------------------------- territory search for the form


def test_search_territories_by_name_and_code(engine):
    with Session(engine) as session:
        found = search_territories(session, "Mérig")
        assert found == {"com:33281": "Mérignac (commune 33281)"}
        by_name = search_territories(session, "bordeaux")
        assert list(by_name)[:2] == [EPCI, "com:33063"]  # larger levels first among names starting with the query
        assert search_territories(session, "33")["dep:33"] == "Gironde (département 33)"
        assert search_territories(session, "benauge") == {"sub:33063:benauge": "Benauge (sous-territoire de Bordeaux)"}
        assert search_territories(session, "b") == {}


def test_council_suggestions(engine):
    with Session(engine) as session:
        suggestions = council_suggestions(session, engine.world.bordeaux)
    assert list(suggestions) == ["com:33063", "sub:33063:benauge"]


def test_search_in_the_real_geography_ignores_accents(geo_engine):
    with Session(geo_engine) as session:
        found = search_territories(session, "merignac")
        assert list(found)[0] == "com:33281" and found["com:33281"] == "Mérignac (commune 33281)"
        assert list(search_territories(session, "gironde"))[0] == "dep:33"
        assert "epci:243300316" in search_territories(session, "243300316")
        assert matching_territory_keys(session, "com:33281") >= {"com:33281", "epci:243300316", "dep:33", "reg:75"}


def test_limit_keeps_totals_over_every_matching_action(engine):
    with Session(engine) as session:
        full = list_actions(session, SYSTEM, as_of=TODAY, sort="title", descending=False)
        limited = list_actions(session, SYSTEM, as_of=TODAY, sort="title", descending=False, limit=2)
    assert [row.title for row in limited.rows] == [row.title for row in full.rows[:2]]
    assert limited.matched == full.matched == len(full.rows) == 7
    assert limited.totals == full.totals
    assert limited.rows[0].partners == full.rows[0].partners and limited.rows[0].territories == full.rows[0].territories


def test_too_many_partners_to_list_are_searched_instead(engine):
    with Session(engine) as session:
        options = filter_options(session, SYSTEM, [], as_of=TODAY, max_partners=2)
    assert options.partners == {} and options.partners_searched
