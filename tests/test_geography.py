"""Reference geography: every level loaded with populations and parents, idempotently and fast."""


from sqlmodel import Session, select

from maillage.exchange import database_counts
from maillage.geography import footprint, load_reference_geography, territory_labels
from models import Territory


def test_loads_all_of_france_idempotently(empty_engine):
    first = load_reference_geography(empty_engine)
    assert first.created == 36370 and first.updated == 0
    second = load_reference_geography(empty_engine)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 36370)
    with Session(empty_engine) as session:
        counts = database_counts(session)
    assert counts["communes"] == 34969
    assert counts["epci"] == 1255
    assert counts["ept"] == 11
    assert counts["departements"] >= 101
    assert counts["regions"] >= 18


def test_commune_parents_and_population(shared_demo_engine):
    with Session(shared_demo_engine) as session:
        bordeaux = session.get(Territory, "com:33063")
        assert bordeaux.name == "Bordeaux"
        assert bordeaux.population == 267991
        assert (bordeaux.departement_code, bordeaux.region_code) == ("33", "75")
        assert session.get(Territory, f"epci:{bordeaux.epci_code}").name == "Bordeaux Métropole"
        ajaccio = session.get(Territory, "com:2A004")
        assert ajaccio.name == "Ajaccio" and ajaccio.departement_code == "2A"
        pantin = session.get(Territory, "com:93055")
        assert session.get(Territory, f"ept:{pantin.ept_code}").name == "Est Ensemble"


def test_footprint_of_an_epci_and_a_departement(shared_demo_engine):
    with Session(shared_demo_engine) as session:
        metropole = session.exec(select(Territory).where(Territory.name == "Bordeaux Métropole")).one()
        area = footprint(session, [metropole.key])
        assert len(area.communes) == 28
        assert area.population == metropole.population
        assert area.meets("com:33281") and not area.meets("com:17415")
        assert area.meets("dep:33") and area.meets("reg:75") and not area.meets("dep:17")
        gironde = footprint(session, ["dep:33"])
        assert len(gironde.communes) == session.exec(
            select(Territory).where(Territory.level == "com", Territory.departement_code == "33")).all().__len__()
        assert territory_labels(session, ["dep:33", "com:33063"]) == {
            "dep:33": "Gironde (dép. 33)", "com:33063": "Bordeaux (33063)"}
