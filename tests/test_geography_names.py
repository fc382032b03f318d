"""Territories as people write them (known answers on the real 2026 geography)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from maillage.geography import Context, TerritoryNames, name_key, postal_communes


@pytest.fixture(scope="module")
def names(db_factory):
    from maillage.core import make_engine

    engine = make_engine(db_factory.new("geo"))
    with Session(engine) as session:
        resolver = TerritoryNames(session)
        resolver.places  # noqa: B018 - load once, while the session is open
        yield resolver
    engine.dispose()


@pytest.mark.parametrize("reference, key", [
    ("33063", "com:33063"),
    ("Bordeaux", "com:33063"),
    ("BORDEAUX", "com:33063"),
    ("Mérignac (33)", "com:33281"),
    ("merignac 33", "com:33281"),
    ("Saint-Médard-en-Jalles", "com:33449"),
    ("St Médard en Jalles", "com:33449"),
    ("ST-MEDARD-EN-JALLES", "com:33449"),
    ("Sainte-Eulalie (33)", "com:33397"),
    ("Ste Eulalie 33", "com:33397"),
    ("33600", "com:33318"),  # postal code of Pessac
    ("33000", "com:33063"),
    ("Pessac (33)", "com:33318"),
    ("Pessac 33", "com:33318"),
    ("Bordeaux (33063)", "com:33063"),
    ("33600 Pessac", "com:33318"),
    ("Paris 15e", "com:75056"),
    ("Paris 1er", "com:75056"),
    ("Lyon 3e arrondissement", "com:69123"),
    ("Marseille 13e", "com:13055"),
    ("75115", "com:75056"),  # arrondissement's INSEE code
    ("75015 Paris", "com:75056"),  # its postal code, shared with Issy-les-Moulineaux, and the name
    ("Bouscat (Le)", "com:33069"),
    ("Le Bouscat", "com:33069"),
    ("Ville de Pessac", "com:33318"),
    ("2A004", "com:2A004"),
    ("Ajaccio", "com:2A004"),
    ("1001", "com:01001"),  # a spreadsheet dropped the leading zero
])
def test_communes_as_people_write_them(names, reference, key):
    assert names.resolve(reference, {"com"}).key == key, names.resolve(reference, {"com"}).problem


@pytest.mark.parametrize("reference, key", [
    ("Bordeaux Métropole", "epci:243300316"),
    ("bordeaux metropole", "epci:243300316"),
    ("243300316", "epci:243300316"),
    ("33", "dep:33"),
    ("Gironde", "dep:33"),
    ("dep:Gironde", "dep:33"),
    ("Nouvelle-Aquitaine", "reg:75"),
    ("Paris", "com:75056"),  # the commune before the département
    ("dep:75", "dep:75"),
])
def test_other_territories_by_name_or_code(names, reference, key):
    assert names.resolve(reference).key == key


def test_ambiguous_names_are_refused_with_candidates(names):
    found = names.resolve("Saint-Denis", {"com"})
    assert found.key is None
    assert {p.key for p in found.candidates} >= {"com:93066", "com:97411"}
    assert found.problem.startswith("désigne plusieurs communes : précisez le département ou le code INSEE")
    assert "Saint-Denis (93066)" in found.problem and "Saint-Denis (97411)" in found.problem


def test_ambiguity_settled_by_the_councils_territory_or_departement(names):
    assert names.resolve("Saint-Denis (93)", {"com"}).key == "com:93066"
    assert names.resolve("Saint-Denis 974", {"com"}).key == "com:97411"
    assert names.resolve("Saint-Denis", {"com"}, Context(departements=frozenset({"93"}))).key == "com:93066"
    assert names.resolve("Saint-Denis", {"com"}, Context(communes=frozenset({"97411"}))).key == "com:97411"
    # outside the council's départements, still ambiguous
    assert names.resolve("Saint-Denis", {"com"}, Context(departements=frozenset({"33"}))).key is None


def test_unknown_and_wrong_level(names):
    assert names.resolve("99999", {"com"}).problem == "n'est ni un code INSEE de commune ni un code postal connu"
    assert "vouliez-vous dire : Bordeaux (33063)" in names.resolve("Bordeau", {"com"}).problem
    assert names.resolve("Gironde", {"com"}).key is None
    assert names.resolve("33", {"com"}).problem.startswith("est un numéro de département")
    assert names.resolve("Paris 25e", {"com"}).key is None
    assert names.resolve("", {"com"}).key is None
    shared = names.resolve("75015", {"com"})
    assert shared.problem.startswith("est un code postal commun à plusieurs communes") and len(shared.candidates) == 2


def test_name_key_and_postal_codes():
    assert name_key("St-Médard-en-Jalles") == name_key("SAINT MEDARD EN JALLES") == "saint medard en jalles"
    assert name_key("Bordeaux Cedex 9") == "bordeaux"
    assert postal_communes("33600") == ("33318",)
    assert "75056" in postal_communes("75015")
