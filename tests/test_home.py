"""Each role's home on small known data: dashboard sections, the coordinator's « à faire », next steps, and the
shared actions a network member reads."""

import datetime as dt

import pytest
from sqlmodel import Session

from maillage.accounts import SYSTEM, Actor
from maillage.actions import ActionFilters, list_actions, opening_councils
from maillage.core import NotFoundError, PermissionDenied
from maillage.restitution import (
    HOME_SECTIONS,
    NetworkHome,
    coordinator_next_steps,
    council_todo,
    elected_next_steps,
    gaps_without_suggestion,
    home_sections,
    network_home,
    plenary_due,
    shared_network_action_ids,
)
from models import CoverageRule, Network, NetworkCouncil
from tests.builders import add_action, add_council, add_mini_geography, add_partner

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def world(empty_engine):
    """A two-commune CISPD with one action to update, two ending soon, one far off, stale cards, a late plenary
    and a frame rule nobody can carry; Saintes and Abzac in a network with it."""
    with Session(empty_engine) as session:
        add_mini_geography(session)
        metro = add_council(session, "CISPD de la Métropole", ["epci:243300316"], kind="CISPD",
                            last_plenary=dt.date(2025, 10, 1))
        saintes = add_council(session, "CLSPD de Saintes", ["com:17415"], last_plenary=dt.date(2026, 9, 1))
        abzac = add_council(session, "CLSPD d'Abzac", ["com:33001"], last_plenary=dt.date(2026, 1, 20))
        outside = add_council(session, "CLSPD hors réseau", ["com:33001"])
        ville = add_partner(session, "Ville de Bordeaux", "MUNI", "33063", verified_on=dt.date(2026, 6, 1))
        add_partner(session, "CAF de la Gironde", "CAF", "33063", verified_on=dt.date(2025, 1, 1))
        add_partner(session, "Ville de Mérignac", "MUNI", "33281", verified_on=dt.date(2026, 1, 1))
        add_partner(session, "DSDEN", "EN", "33001", territories=["dep:33"])  # never verified
        add_action(session, metro, "À revoir", "evenement", end=dt.date(2026, 6, 1), partners=[(ville, "pilote")])
        add_action(session, metro, "Fin en décembre", "cyberbase", end=dt.date(2026, 12, 20))
        add_action(session, metro, "Fin aujourd'hui", "evenement", end=TODAY)
        add_action(session, metro, "Fin en 2027", "cyberbase", end=dt.date(2027, 3, 1))
        add_action(session, metro, "Terminée tôt", "cyberbase", status="terminee", end=dt.date(2026, 12, 10))
        add_action(session, metro, "Archivée", "evenement", end=dt.date(2026, 6, 2),
                   archived_at=dt.datetime(2026, 7, 1, tzinfo=dt.UTC))
        session.add(CoverageRule(council_id=metro.id, action_type="sensibilisation_parents", public="familles",
                                 population_min=0))
        network = Network(name="Réseau test", kind="regional")
        session.add(network)
        session.flush()
        for council in (metro, saintes, abzac):
            session.add(NetworkCouncil(network_id=network.id, council_id=council.id))
        add_action(session, saintes, "Partagée à Saintes", "cyberbase", territories=["com:17415"], shared=True)
        add_action(session, saintes, "Partagée finie", "cyberbase", status="terminee", end=dt.date(2025, 1, 1),
                   territories=["com:17415"], shared=True)
        add_action(session, saintes, "Non partagée", "cyberbase", territories=["com:17415"], shared=False)
        add_action(session, abzac, "Partagée archivée", "cyberbase", territories=["com:33001"], shared=True,
                   archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        add_action(session, abzac, "Partagée à venir", "cyberbase", status="projet", start=dt.date(2027, 1, 4),
                   territories=["com:33001"], shared=True)
        add_action(session, outside, "Hors réseau partagée", "cyberbase", territories=["com:33001"], shared=True)
        session.commit()
        return empty_engine, {"metro": metro.id, "saintes": saintes.id, "abzac": abzac.id,
                              "outside": outside.id, "network": network.id}


def test_sections_per_role():
    assert home_sections("coordinateur")[0] == "todo" and home_sections("admin")[0] == "todo"
    assert {"todo", "journal", "campaign"} <= set(home_sections("coordinateur"))
    assert set(home_sections("elu")) == {"figures", "trends", "summary"}  # nothing to act on
    assert home_sections("reseau") == () and home_sections("inconnu") == ()
    assert set(HOME_SECTIONS) == {"admin", "coordinateur", "elu", "reseau"}


def test_todo_known_answers(world):
    engine, ids = world
    coordinator = Actor("c@x.fr", "coordinateur", council_ids=frozenset({ids["metro"]}))
    with Session(engine) as session:
        todo = council_todo(session, coordinator, ids["metro"], TODAY)
    assert [item.kind for item in todo] == ["review", "ending", "cards", "plenary", "gaps"]
    review, ending, cards, plenary, gaps = todo
    assert review.title == "1 action à mettre à jour" and review.count == 1 and review.more == 0
    assert [(link.label, link.page) for link in review.links] == [("À revoir", "pages/actions.py")]
    assert review.links[0].query["instance"] == str(ids["metro"]) and review.links[0].query["action"].isdigit()
    # Ending within 30 days, running: the one ending today and the one in December (not the finished one,
    # nor the one in 2027, nor the archived one).
    assert ending.title == "2 actions se terminent d'ici le 29/12/2026"
    assert [link.label for link in ending.links] == ["Fin aujourd'hui (fin le 29/11/2026)",
                                                     "Fin en décembre (fin le 20/12/2026)"]
    # Cards unchecked for 12 months, never-verified first; then a campaign to ask the partners themselves.
    assert cards.title == "2 fiches partenaires à vérifier"
    assert [link.label for link in cards.links] == [
        "DSDEN (jamais vérifiée)", "CAF de la Gironde (vérifiée le 01/01/2025)",
        "Demander aux partenaires de vérifier leur fiche (campagne)"]
    assert cards.links[0].page == "pages/partenaires.py" and "partenaire" in cards.links[0].query
    assert cards.links[-1].page == "pages/campagnes.py"
    assert plenary.title == "Plénière en retard depuis le 01/10/2026"
    assert [link.page for link in plenary.links] == ["pages/synthese_elus.py", "pages/campagnes.py"]
    # Nobody runs parent sessions anywhere and no peer shares one: both communes are gaps without suggestion.
    assert gaps.title == "2 manques de couverture sans porteur suggéré" and gaps.count == 2
    assert [link.label for link in gaps.links] == [
        "Sensibilisation des parents — Familles (parents) : Bordeaux et 1 autre commune"]
    assert gaps.links[0].page == "pages/couverture.py"
    assert gaps.links[0].query == {"instance": str(ids["metro"]), "colonnes": "type", "lignes": "commune",
                                   "territoire": "com:33063", "colonne": "sensibilisation_parents"}


def test_gap_with_a_peer_sharing_the_action_is_not_an_orphan(world):
    engine, ids = world
    with Session(engine) as session:
        assert [(code, name) for code, name, _t, _p in gaps_without_suggestion(session, ids["metro"], TODAY)] == [
            ("33063", "Bordeaux"), ("33281", "Mérignac")]
        from models import Council
        add_action(session, session.get(Council, ids["saintes"]), "Parents à Saintes", "sensibilisation_parents",
                   territories=["com:17415"], publics=["familles"], shared=True)
        session.commit()
        assert gaps_without_suggestion(session, ids["metro"], TODAY) == []
        todo = council_todo(session, SYSTEM, ids["metro"], TODAY)
    assert "gaps" not in [item.kind for item in todo]


def test_todo_is_for_the_coordination_only(world):
    engine, ids = world
    with Session(engine) as session:
        assert council_todo(session, SYSTEM, ids["metro"], TODAY)  # an administrator
        for reader in (Actor("e@x.fr", "elu", council_ids=frozenset({ids["metro"]})),
                       Actor("r@x.fr", "reseau", network_ids=frozenset({ids["network"]})),
                       Actor("c@x.fr", "coordinateur", council_ids=frozenset({ids["saintes"]}))):
            with pytest.raises(PermissionDenied):
                council_todo(session, reader, ids["metro"], TODAY)
        with pytest.raises(NotFoundError):
            council_todo(session, SYSTEM, 99999, TODAY)


def test_plenary_due_dates(world):
    engine, ids = world
    assert plenary_due(None) is None
    assert plenary_due(dt.date(2025, 12, 9)) == dt.date(2026, 12, 9)
    with Session(engine) as session:
        saintes = council_todo(session, SYSTEM, ids["saintes"], TODAY)  # last one in September: not due yet
        abzac = council_todo(session, SYSTEM, ids["abzac"], TODAY)     # due on 20/01/2027: within 60 days
        never = council_todo(session, SYSTEM, ids["outside"], TODAY)   # no plenary recorded
    assert "plenary" not in [item.kind for item in saintes]
    assert [item.title for item in abzac if item.kind == "plenary"] == ["Plénière à préparer avant le 20/01/2027"]
    assert [item.title for item in never if item.kind == "plenary"] == ["Plénière à programmer"]


def test_next_steps_lines(world):
    engine, ids = world
    with Session(engine) as session:
        todo = council_todo(session, SYSTEM, ids["metro"], TODAY)
    assert coordinator_next_steps(todo) == (
        "Prochaines étapes : mettre à jour 1 action échue, puis faire le bilan de 2 actions qui se terminent, "
        "puis vérifier 2 fiches partenaires.")
    plenary = [item for item in todo if item.kind == "plenary"]
    assert coordinator_next_steps(plenary) == (
        "Prochaines étapes : préparer la plénière (en retard depuis le 01/10/2026).")
    assert coordinator_next_steps([]).startswith("Prochaine étape : tout est à jour.")
    assert elected_next_steps("CLSPD de Mérignac", 2026, 4, 0) == (
        "À lire ensuite : la synthèse 2026 de CLSPD de Mérignac, une page à imprimer ou à joindre en PDF "
        "(4 actions en cours).")
    assert elected_next_steps("X", 2026, 1, 3, "Service prévention").endswith(
        "(1 action en cours, 3 manques de couverture). Pour une question ou une décision : Service prévention.")


def test_network_member_reads_every_shared_action_of_their_networks(world):
    engine, ids = world
    member = Actor("r@x.fr", "reseau", network_ids=frozenset({ids["network"]}))
    with Session(engine) as session:
        shared = shared_network_action_ids(session, member)
        listed = list_actions(session, member, ActionFilters(council_ids=opening_councils(member, ids["saintes"],
                                                                                           {ids["saintes"]: "S"})),
                              as_of=TODAY)
        home = network_home(session, member, TODAY)
        nobody = network_home(session, Actor("n@x.fr", "reseau"), TODAY)
    # Saintes's two shared actions and Abzac's coming one; not the unshared, archived or out-of-network ones.
    assert sorted(row.title for row in listed.rows) == ["Partagée finie", "Partagée à Saintes", "Partagée à venir"]
    assert sorted(row.id for row in listed.rows) == sorted(shared)
    assert home == NetworkHome(("Réseau test",), 3, 3, 1)
    assert home.next_steps() == (
        "Prochaines étapes : comparez les 3 instances de « Réseau test », puis parcourez leurs 3 actions partagées "
        "(dont 1 en cours) pour savoir qui fait quoi et qui appeler.")
    assert nobody == NetworkHome((), 0, 0, 0) and "rattacher à un réseau" in nobody.next_steps()


def test_opening_councils():
    member = Actor("r@x.fr", "reseau", network_ids=frozenset({1}))
    coordinator = Actor("c@x.fr", "coordinateur", council_ids=frozenset({4}))
    assert opening_councils(member, 4, {4: "A", 5: "B"}) == []
    assert opening_councils(coordinator, 4, {4: "A", 5: "B"}) == [4]
    assert opening_councils(coordinator, 9, {4: "A"}) == [] and opening_councils(SYSTEM, None, {4: "A"}) == []
