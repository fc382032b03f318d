"""Who could fill a gap (known answers), partnership gaps and actions without co-production."""

import datetime as dt

import pytest
from sqlmodel import Session

from maillage.accounts import SYSTEM
from maillage.coverage import (
    council_coverage,
    partnership_gaps,
    single_partner_actions,
    suggest,
)
from maillage.vocabularies import Vocabularies
from models import (
    Council,
    CoverageRule,
    ExpectedTypology,
    Network,
    NetworkCouncil,
    Partner,
)
from tests.builders import add_action, add_council, add_mini_geography, add_partner

AS_OF = dt.date(2026, 11, 29)


def _network(session, name, *councils):
    network = Network(name=name, kind="regional")
    session.add(network)
    session.flush()
    for council in councils:
        session.add(NetworkCouncil(network_id=network.id, council_id=council.id))
    session.flush()


@pytest.fixture
def world(empty_engine):
    """Council over Abzac and Mérignac expecting online presence for teens; elsewhere, who already runs it."""
    with Session(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CISPD test", ["com:33001", "com:33281"])
        session.add(CoverageRule(council_id=council.id, action_type="presence_en_ligne", public="adolescents",
                                 population_min=0))
        peer = add_council(session, "CLSPD de Saintes", ["com:17415"])
        quiet_peer = add_council(session, "CLSPD discret", ["com:17415"])
        stranger = add_council(session, "CLSPD hors réseau", ["com:17415"])
        _network(session, "Réseau régional", council, peer, quiet_peer)

        # Present on Abzac: seated there, or intervening on it through the département.
        centre = add_partner(session, "Centre social d'Abzac", "CS", seat="33001")
        library = add_partner(session, "Médiathèque d'Abzac", "BIB", seat="33001")
        mjc = add_partner(session, "MJC départementale", "MJC", seat="17415", territories=["dep:33"])
        runner = add_partner(session, "Centre social de Mérignac", "CS", seat="33281")
        # Not present on Abzac nor Mérignac.
        far = add_partner(session, "Centre social de Saintes", "CS", seat="17415")

        # Elsewhere: social centres and an MJC run online presence (Saintes, a network peer, shares it).
        add_action(session, peer, "Promeneurs du Net à Saintes", territories=["com:17415"], shared=True,
                   partners=[(far, "pilote"), (mjc, "financeur")])
        add_action(session, quiet_peer, "Présence en ligne non partagée", territories=["com:17415"], shared=False,
                   partners=[(mjc, "operateur")])
        add_action(session, stranger, "Partagée hors réseau", territories=["com:17415"], shared=True,
                   partners=[(far, "operateur")])
        add_action(session, peer, "Promeneurs pour les familles", territories=["com:17415"], shared=True,
                   publics=["familles"], partners=[(far, "copilote")])
        # The Mérignac centre ran one itself for this council, now lapsed on Mérignac.
        add_action(session, council, "Ancienne présence en ligne", status="terminee", end=dt.date(2025, 6, 30),
                   territories=["com:33281"], partners=[(runner, "operateur")])
        session.commit()
        ids = dict(council=council.id, centre=centre.id, library=library.id, mjc=mjc.id, runner=runner.id, far=far.id)
    return empty_engine, ids


def test_partners_present_whose_typology_runs_the_action(world):
    engine, ids = world
    with Session(engine) as session:
        cov = council_coverage(session, SYSTEM, ids["council"], AS_OF)
        found = suggest(session, cov)
    assert set(found) == {("33001", "presence_en_ligne", "adolescents"), ("33281", "presence_en_ligne", "adolescents")}
    abzac = found[("33001", "presence_en_ligne", "adolescents")]
    names = [p.name for p in abzac.partners]
    # CS runs 4 of them (Saintes ×3, Mérignac), MJC operates one (unshared, elsewhere); BIB never does; Saintes' centre is far.
    assert set(names) == {"Centre social d'Abzac", "MJC départementale"}
    centre = next(p for p in abzac.partners if p.name == "Centre social d'Abzac")
    assert centre.seated_here and centre.own_actions == () and centre.typology_actions == 4
    assert "siège sur la commune" in centre.reason and "Centre social" in centre.reason
    mjc = next(p for p in abzac.partners if p.name == "MJC départementale")
    assert not mjc.seated_here and mjc.typology_actions == 1
    # The MJC's own experience is in an unshared action of another council: not shown as its own.
    assert mjc.own_actions == ()


def test_partner_that_ran_it_comes_first_on_a_lapsed_cell(world):
    engine, ids = world
    with Session(engine) as session:
        cov = council_coverage(session, SYSTEM, ids["council"], AS_OF)
        merignac = suggest(session, cov)[("33281", "presence_en_ligne", "adolescents")]
    assert [p.name for p in merignac.partners][0] == "Centre social de Mérignac"
    assert merignac.partners[0].own_actions == ("Ancienne présence en ligne",)
    assert "mène déjà « Ancienne présence en ligne »" in merignac.partners[0].reason
    assert "MJC départementale" in [p.name for p in merignac.partners]


def test_network_councils_running_it_through_shared_actions(world):
    engine, ids = world
    with Session(engine) as session:
        cov = council_coverage(session, SYSTEM, ids["council"], AS_OF)
        abzac = suggest(session, cov)[("33001", "presence_en_ligne", "adolescents")]
    assert [(s.name, s.same_public, s.actions) for s in abzac.councils] == [
        ("CLSPD de Saintes", True, ("Promeneurs du Net à Saintes",))]


def test_no_gap_no_suggestion(empty_engine):
    with Session(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "Couvert", ["com:33063"])
        session.add(CoverageRule(council_id=council.id, action_type="cyberbase", public="adolescents", population_min=0))
        add_action(session, council, "Cyber-base", action_type="cyberbase")
        session.commit()
        cov = council_coverage(session, SYSTEM, council.id, AS_OF)
        assert suggest(session, cov) == {}


def test_partnership_gaps_default_and_custom(world):
    engine, ids = world
    with Session(engine) as session:
        gaps = partnership_gaps(session, ids["council"], Vocabularies.defaults())
        assert gaps.is_default
        assert {"CS", "BIB", "MJC"} <= gaps.present
        assert "Éducation nationale" in gaps.missing_labels()
        assert "Police nationale ou Gendarmerie nationale ou Police municipale" in gaps.missing_labels()
        session.add(ExpectedTypology(council_id=ids["council"], codes="CS"))
        session.add(ExpectedTypology(council_id=ids["council"], codes="EN|CAF"))
        session.commit()
        custom = partnership_gaps(session, ids["council"], Vocabularies.defaults())
    assert not custom.is_default
    assert [e.text for e in custom.missing] == ["EN|CAF"]


def test_single_partner_actions(world):
    engine, ids = world
    with Session(engine) as session:
        council = session.get(Council, ids["council"])
        a, b = session.get(Partner, ids["centre"]), session.get(Partner, ids["library"])
        add_action(session, council, "À deux", partners=[(a, "pilote"), (b, "lieu")])
        add_action(session, council, "Seul", partners=[(a, "pilote"), (a, "operateur")])
        add_action(session, council, "Sans partenaire", status="projet")
        add_action(session, council, "Finie seule", status="terminee", end=dt.date(2025, 1, 1), partners=[(a, "pilote")])
        session.commit()
        found = single_partner_actions(session, ids["council"], AS_OF)
    assert [(s.title, s.partner, s.status) for s in found] == [
        ("Sans partenaire", None, "projet"), ("Seul", "Centre social d'Abzac", "en_cours")]
