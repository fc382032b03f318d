"""Dashboard figures on small known data: partnership, links by level, active actions, stale records."""

import datetime as dt

import pytest
from sqlmodel import Session

from maillage.accounts import SYSTEM, Actor
from maillage.core import NotFoundError, PermissionDenied
from maillage.partners import partnership_ids
from maillage.restitution import council_overview, list_councils
from tests.builders import (
    add_action,
    add_council,
    add_link,
    add_mini_geography,
    add_partner,
)

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def small(empty_engine):
    with Session(empty_engine) as session:
        add_mini_geography(session)
        metro = add_council(session, "CISPD de la Métropole", ["epci:243300316"], last_plenary=dt.date(2026, 3, 2))
        other = add_council(session, "CLSPD de Saintes", ["com:17415"])
        ville = add_partner(session, "Ville de Bordeaux", "MUNI", "33063", verified_on=dt.date(2026, 6, 1))
        caf = add_partner(session, "CAF de la Gironde", "CAF", "33063", verified_on=dt.date(2025, 1, 1))
        merignac = add_partner(session, "Ville de Mérignac", "MUNI", "33281", verified_on=dt.date(2026, 1, 1))
        dsden = add_partner(session, "DSDEN", "EN", "33001", territories=["dep:33"])  # never verified
        saintes = add_partner(session, "Ville de Saintes", "MUNI", "17415", verified_on=dt.date(2026, 1, 1))
        far = add_partner(session, "Association lointaine", "ASSO", "17415", verified_on=dt.date(2026, 1, 1))
        archived = add_partner(session, "Ancienne MJC", "MJC", "33063", verified_on=dt.date(2026, 1, 1),
                               archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        add_link(session, metro, ville, caf, level=1)
        add_link(session, metro, ville, merignac, level=3, kind="gouvernance")
        add_link(session, metro, caf, dsden, level=3, start=dt.date(2027, 1, 1))  # not started yet
        add_link(session, metro, ville, dsden, level=4, end=dt.date(2025, 12, 31))  # ended
        add_link(session, other, saintes, far, level=2)
        add_action(session, metro, "Promeneurs du Net", partners=[(ville, "pilote"), (far, "operateur")])
        add_action(session, metro, "Cyber-base", "cyberbase", partners=[(caf, "pilote")])
        add_action(session, metro, "Défi 2024", "defi_sans_ecran", status="terminee", end=dt.date(2024, 6, 1))
        add_action(session, metro, "Parents", "sensibilisation_parents", status="projet")
        add_action(session, metro, "À revoir", "evenement", end=dt.date(2026, 6, 1))  # en_cours, ended
        session.commit()
        return empty_engine, metro.id, {p.name: p.id for p in (ville, caf, merignac, dsden, saintes, far, archived)}


def test_partnership_meets_territories_links_and_actions(small):
    engine, metro, ids = small
    with Session(engine) as session:
        members = partnership_ids(session, metro)
    expected = {ids[n] for n in ("Ville de Bordeaux", "CAF de la Gironde", "Ville de Mérignac", "DSDEN",
                                 "Association lointaine")}
    assert members == expected  # seat in the EPCI, intervention on dep:33, action role; archived excluded


def test_overview_known_answers(small):
    engine, metro, _ids = small
    with Session(engine) as session:
        overview = council_overview(session, SYSTEM, metro, today=TODAY)
    assert overview.name == "CISPD de la Métropole"
    assert overview.communes == 2 and overview.population == 3000
    assert overview.partners == 5
    assert overview.links_by_level == {1: 1, 2: 0, 3: 1, 4: 0}
    assert overview.links == 2
    assert dict(overview.active_actions_by_type) == {
        "Présence éducative en ligne (Promeneurs du Net)": 1, "Cyber-base": 1}
    assert overview.actions_to_review == [("À revoir", dt.date(2026, 6, 1))]
    assert [s.name for s in overview.stale_partners] == ["DSDEN", "CAF de la Gironde"]
    assert overview.territories == ["Bordeaux Métropole (243300316)"]
    assert len(overview.latest_changes) == 10


def test_unknown_council(small):
    engine, *_ = small
    with Session(engine) as session:
        with pytest.raises(NotFoundError):
            council_overview(session, SYSTEM, 9999, today=TODAY)
        assert [c.name for c in list_councils(session)] == ["CISPD de la Métropole", "CLSPD de Saintes"]


def test_overview_is_for_the_council_members_only(small):
    engine, metro, _ids = small
    with Session(engine) as session:
        elu = Actor("elu@x.fr", "elu", council_ids=frozenset({metro}))
        assert council_overview(session, elu, metro, today=TODAY).name == "CISPD de la Métropole"
        for outsider in (Actor("c@x.fr", "coordinateur", council_ids=frozenset({metro + 1})),
                         Actor("r@x.fr", "reseau"), Actor("e@x.fr", "elu")):
            with pytest.raises(PermissionDenied):
                council_overview(session, outsider, metro, today=TODAY)
        assert [c.name for c in list_councils(session, elu)] == ["CISPD de la Métropole"]
