"""Cooperation links (add, edit, end, several kinds per pair) and duplicates (detection, merge in one transaction)."""

import datetime as dt

import pytest
from sqlmodel import select

from maillage.accounts import SYSTEM, Actor
from maillage.core import (
    ConflictError,
    PermissionDenied,
    ValidationError,
    data_version,
    session_scope,
)
from maillage.network import LinkInput, create_link, delete_link, end_link, update_link
from maillage.partners import find_duplicates, merge_partners, name_key
from models import (
    ActionPartner,
    AuditEntry,
    CooperationLink,
    Network,
    NetworkPartner,
    Partner,
    PartnerTerritory,
)
from tests.builders import (
    add_action,
    add_council,
    add_link,
    add_mini_geography,
    add_partner,
)


@pytest.fixture
def world(empty_engine):
    with session_scope(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CLSPD de Bordeaux", ["com:33063"])
        other = add_council(session, "CLSPD de Saintes", ["com:17415"])
        ids = {name: add_partner(session, name, typology).id for name, typology in
               (("Ville de Bordeaux", "MUNI"), ("CAF de la Gironde", "CAF"), ("Collège Cassignol", "EN"))}
        return dict(engine=empty_engine, council=council.id, other=other.id, **ids)


def test_link_add_edit_end_and_several_kinds(world):
    engine = world["engine"]
    ville, caf = world["Ville de Bordeaux"], world["CAF de la Gironde"]
    with session_scope(engine) as session:
        link = create_link(session, SYSTEM, LinkInput(world["council"], caf, ville, "convention", 3,
                                                      dt.date(2021, 1, 1)))
        assert (link.partner_a_id, link.partner_b_id) == tuple(sorted((ville, caf)))
        second = create_link(session, SYSTEM, LinkInput(world["council"], ville, caf, "Cofinancement", "2"))
        assert second.kind == "cofinancement"
        link_id, version = link.id, link.version
    with pytest.raises(ValidationError) as error, session_scope(engine) as session:
        create_link(session, SYSTEM, LinkInput(world["council"], ville, caf, "convention", 2))
    assert "joint déjà ces deux partenaires" in str(error.value)
    with session_scope(engine) as session:
        update_link(session, SYSTEM, link_id, LinkInput(world["council"], ville, caf, "convention", 4,
                                                         dt.date(2021, 1, 1), note="Renouvelée"), version)
    with pytest.raises(ConflictError), session_scope(engine) as session:
        update_link(session, SYSTEM, link_id, LinkInput(world["council"], ville, caf, "convention", 1), version)
    with pytest.raises(ValidationError) as error, session_scope(engine) as session:
        end_link(session, SYSTEM, link_id, dt.date(2020, 1, 1), version + 1)
    assert "précède la date de début" in str(error.value)
    with session_scope(engine) as session:
        ended = end_link(session, SYSTEM, link_id, dt.date(2026, 6, 30), version + 1)
        assert ended.end_date == dt.date(2026, 6, 30) and ended.level == 4 and ended.version == version + 2
        operations = session.exec(select(AuditEntry.operation).where(AuditEntry.entity == "link",
                                                                     AuditEntry.record_id == link_id)).all()
        assert operations == ["create", "update", "update"]
    with session_scope(engine) as session:
        delete_link(session, SYSTEM, second.id, 1)
        assert session.get(CooperationLink, second.id) is None


def test_link_validation_and_rights(world):
    engine = world["engine"]
    ville, caf = world["Ville de Bordeaux"], world["CAF de la Gironde"]
    with pytest.raises(ValidationError) as error, session_scope(engine) as session:
        create_link(session, SYSTEM, LinkInput(world["council"], ville, ville, "action", 7,
                                               dt.date(2022, 1, 1), dt.date(2021, 1, 1), "tél. 06 12 34 56 78"))
    fields = {field for field, _ in error.value.problems}
    assert fields == {"partner_b", "kind", "level", "end_date", "note"}
    outsider = Actor("coord@saintes.fr", "coordinateur", frozenset({world["other"]}))
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        create_link(session, outsider, LinkInput(world["council"], ville, caf, "convention", 2))
    insider = Actor("coord@bordeaux.fr", "coordinateur", frozenset({world["council"]}))
    with session_scope(engine) as session:
        link = create_link(session, insider, LinkInput(world["council"], ville, caf, "convention", 2))
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        end_link(session, outsider, link.id, dt.date(2026, 1, 1), None)


def test_name_key_ignores_case_accents_punctuation_and_fillers():
    assert name_key("Mairie de Mérignac") == name_key("VILLE DE MERIGNAC") == "merignac"
    assert name_key("Centre social - Saige") == name_key("centre social de Saige")
    assert name_key("Association « Tête à Tête »") == name_key("Tete a tete")
    assert name_key("CCAS de Bordeaux") != name_key("Ville de Bordeaux")
    assert name_key("Ville de") == "ville de"


def test_find_duplicates(world):
    engine = world["engine"]
    with session_scope(engine) as session:
        add_partner(session, "Mairie de Bordeaux", "MUNI")
        add_partner(session, "Ville de Bordeaux", "MUNI", seat="33281")  # another commune: not a duplicate
        add_partner(session, "CAF 33", "CAF", siret="21330063500017")
        session.get(Partner, world["CAF de la Gironde"]).siret = "21330063500017"
        archived = add_partner(session, "Mairie  de   Bordeaux !", "MUNI", seat="33063")
        archived.archived_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with session_scope(engine) as session:
        pairs = find_duplicates(session)
    described = {(p.a_name, p.b_name, p.reason) for p in pairs}
    assert described == {
        ("Ville de Bordeaux", "Mairie de Bordeaux", "même nom dans la même commune"),
        ("CAF de la Gironde", "CAF 33", "même SIRET (21330063500017)"),
    }
    with session_scope(engine) as session:
        assert find_duplicates(session, {world["Collège Cassignol"]}) == []
        # Scoped to some partners, only they and those sharing their seat or SIRET are read: the same pairs
        # as the whole search's that involve them.
        for scope in ({world["Ville de Bordeaux"]}, {world["CAF de la Gironde"]},
                      {world["Ville de Bordeaux"], world["Collège Cassignol"]}):
            assert find_duplicates(session, scope) == [p for p in pairs if p.a_id in scope or p.b_id in scope]
            assert find_duplicates(session, scope)


@pytest.fixture
def twins(world):
    """« Mairie de Bordeaux » duplicates « Ville de Bordeaux », with its own links, roles, networks, territories."""
    engine = world["engine"]
    with session_scope(engine) as session:
        from models import Council
        council = session.get(Council, world["council"])
        ville = session.get(Partner, world["Ville de Bordeaux"])
        caf = session.get(Partner, world["CAF de la Gironde"])
        college = session.get(Partner, world["Collège Cassignol"])
        mairie = add_partner(session, "Mairie de Bordeaux", "MUNI", territories=["sub:33063:benauge"],
                             website="https://bordeaux.fr", verified_on=dt.date(2026, 10, 1), notes="Ancienne fiche")
        network = Network(name="FFSU", kind="regional")
        session.add(network)
        session.flush()
        session.add(NetworkPartner(network_id=network.id, partner_id=mairie.id))
        add_link(session, council, ville, caf, "convention", 2, start=dt.date(2020, 1, 1))
        add_link(session, council, mairie, caf, "convention", 4, start=dt.date(2018, 1, 1))  # merges with the above
        add_link(session, council, mairie, college, "echange", 1)  # moves
        add_link(session, council, mairie, ville, "gouvernance", 3)  # joins the twins: dropped
        add_action(session, council, "Promeneurs", partners=[(ville, "pilote"), (mairie, "pilote"), (mairie, "financeur")])
        world.update(mairie=mairie.id, network=network.id)
    return world


def test_merge_moves_everything_in_one_go(twins):
    engine = twins["engine"]
    ville, mairie = twins["Ville de Bordeaux"], twins["mairie"]
    before = data_version(engine)
    with session_scope(engine) as session:
        report = merge_partners(session, SYSTEM, ville, mairie, 1, 1)
    assert (report.links_moved, report.links_merged, report.links_dropped) == (1, 1, 1)
    assert (report.roles_moved, report.roles_dropped) == (1, 1)
    assert report.networks_added == 1 and report.territories_added == 1
    assert set(report.fields_filled) == {"website", "verified_on", "notes"}
    assert data_version(engine) == before + 1
    with session_scope(engine) as session:
        assert session.get(Partner, mairie) is None
        kept = session.get(Partner, ville)
        assert kept.website == "https://bordeaux.fr" and kept.version == 2 and "Ancienne fiche" in kept.notes
        links = session.exec(select(CooperationLink).order_by(CooperationLink.kind)).all()
        assert [(l.kind, l.level, l.start_date) for l in links] == [
            ("convention", 4, dt.date(2018, 1, 1)), ("echange", 1, None)]
        assert all(ville in (l.partner_a_id, l.partner_b_id) for l in links)
        roles = session.exec(select(ActionPartner.role).where(ActionPartner.partner_id == ville)).all()
        assert sorted(roles) == ["financeur", "pilote"]
        assert session.exec(select(NetworkPartner.partner_id)).all() == [ville]
        assert session.exec(select(PartnerTerritory.territory_key).where(PartnerTerritory.partner_id == ville)).all() == ["sub:33063:benauge"]
        entries = session.exec(select(AuditEntry).where(AuditEntry.operation == "merge")).all()
        assert {e.record_id for e in entries} == {ville, mairie}


def test_failed_merge_changes_nothing(twins):
    engine = twins["engine"]
    ville, mairie = twins["Ville de Bordeaux"], twins["mairie"]
    with pytest.raises(ConflictError), session_scope(engine) as session:
        merge_partners(session, SYSTEM, ville, mairie, 1, 99)
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        merge_partners(session, Actor("elu@example.fr", "elu", frozenset({twins["council"]})), ville, mairie, 1, 1)
    with pytest.raises(ValidationError), session_scope(engine) as session:
        merge_partners(session, SYSTEM, ville, ville, 1, 1)

    # a failure after the moves started rolls back the whole merge
    class Boom(Exception):
        pass

    with pytest.raises(Boom), session_scope(engine) as session:
        merge_partners(session, SYSTEM, ville, mairie, 1, 1)
        raise Boom()
    with session_scope(engine) as session:
        assert session.get(Partner, mairie) is not None
        assert len(session.exec(select(CooperationLink)).all()) == 4
        assert session.exec(select(AuditEntry).where(AuditEntry.operation == "merge")).all() == []
