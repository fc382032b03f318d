"""The partners register: validation, rights, versions, audit, archive/restore, filters and sorts, detail."""

import datetime as dt

import pytest
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor
from maillage.actions import partner_actions
from maillage.core import (
    ConflictError,
    PermissionDenied,
    ValidationError,
    data_version,
    session_scope,
)
from maillage.partners import (
    PartnerFilters,
    PartnerInput,
    archive_partner,
    commune_choices,
    council_footprint,
    create_partner,
    list_partners,
    partner_detail,
    partnership_ids,
    resolve_commune,
    resolve_territories,
    restore_partner,
    territory_choices,
    update_partner,
)
from models import (
    AuditEntry,
    Network,
    NetworkPartner,
    Partner,
    PartnerTerritory,
    Territory,
)
from tests.builders import (
    add_action,
    add_council,
    add_link,
    add_mini_geography,
    add_partner,
)

TODAY = dt.date(2026, 11, 29)
VALID_SIRET = "21330063500017"  # Luhn-valid


@pytest.fixture
def world(empty_engine):
    """Mini geography, a Bordeaux council and a Saintes council, a network, two partners."""
    with session_scope(empty_engine) as session:
        add_mini_geography(session)
        bordeaux = add_council(session, "CLSPD de Bordeaux", ["com:33063"])
        saintes = add_council(session, "CLSPD de Saintes", ["com:17415"])
        network = Network(name="Promeneurs du Net", kind="promeneurs_du_net")
        session.add(network)
        session.flush()
        ville = add_partner(session, "Ville de Bordeaux", "MUNI", verified_on=dt.date(2026, 6, 1))
        caf = add_partner(session, "CAF de Charente-Maritime", "CAF", seat="17415")
        return dict(engine=empty_engine, bordeaux=bordeaux.id, saintes=saintes.id, network=network.id,
                    ville=ville.id, caf=caf.id)


def coordinator(council_id):
    return Actor("coord@example.fr", "coordinateur", frozenset({council_id}))


def _data(**overrides):
    values = dict(name="Centre social Benauge", typology="CS", seat_commune="Bordeaux",
                  territories=["sub:33063:benauge"], siret=VALID_SIRET, website="https://cs-benauge.fr",
                  contact_name="Direction", contact_role="Directrice", contact_email="accueil@cs-benauge.fr",
                  contact_phone="05 56 00 00 00", verified_on=dt.date(2026, 11, 1), notes="Agrément CAF")
    values.update(overrides)
    return PartnerInput(**values)


def test_create_partner_writes_audit_and_bumps_version(world):
    engine = world["engine"]
    before = data_version(engine)
    with session_scope(engine) as session:
        partner = create_partner(session, SYSTEM, _data(network_ids=[world["network"]]), TODAY)
        partner_id = partner.id
    assert data_version(engine) == before + 1
    with session_scope(engine) as session:
        partner = session.get(Partner, partner_id)
        assert partner.seat_commune_key == "com:33063" and partner.siret == VALID_SIRET
        assert partner.contact_email == "accueil@cs-benauge.fr"
        assert session.exec(select(PartnerTerritory.territory_key).where(PartnerTerritory.partner_id == partner_id)).all() == ["sub:33063:benauge"]
        assert session.exec(select(NetworkPartner.network_id).where(NetworkPartner.partner_id == partner_id)).all() == [world["network"]]
        entry = session.exec(select(AuditEntry).where(AuditEntry.record_id == partner_id)).one()
        assert entry.operation == "create" and entry.entity == "partner" and entry.user_email == SYSTEM.email
        assert "sub:33063:benauge" in entry.after


def test_every_problem_is_reported_in_french(world):
    with pytest.raises(ValidationError) as error, session_scope(world["engine"]) as session:
        create_partner(session, SYSTEM, _data(name="", typology="PAS_UNE_TYPO", seat_commune="Atlantide",
                                              territories=["99999"], siret="12345678901234", website="cs.fr",
                                              contact_email="pas-un-mail", contact_phone="abc",
                                              verified_on=dt.date(2027, 1, 1), notes="appeler le 06 12 34 56 78"), TODAY)
    fields = {field for field, _message in error.value.problems}
    assert fields == {"name", "typology", "seat_commune", "territories", "siret", "website", "contact_email",
                      "contact_phone", "verified_on", "notes"}
    text = str(error.value)
    assert "Nom : obligatoire" in text
    assert "Typologie : « PAS_UNE_TYPO » n'est pas une typologie connue" in text
    assert "Commune du siège : « Atlantide » ne désigne aucune commune connue" in text
    assert "SIRET : « 12345678901234 » n'est pas un SIRET valide" in text
    assert "Site web : « cs.fr »" in text
    assert "Vérifié le : la date ne peut pas être dans le futur" in text
    assert "téléphone" in text


def test_name_already_used_in_the_commune_is_refused(world):
    with pytest.raises(ValidationError) as error, session_scope(world["engine"]) as session:
        create_partner(session, SYSTEM, _data(name="ville de BORDEAUX", typology="MUNI"), TODAY)
    assert "un partenaire « Ville de Bordeaux » existe déjà à Bordeaux" in str(error.value)
    # the same name in another commune is fine
    with session_scope(world["engine"]) as session:
        create_partner(session, SYSTEM, _data(name="Ville de Bordeaux", typology="ASSO", seat_commune="33281",
                                              territories=[], siret=""), TODAY)


def test_seat_commune_by_name_or_code(world):
    with session_scope(world["engine"]) as session:
        assert resolve_commune(session, "33063") == ("com:33063", None)
        assert resolve_commune(session, "com:33063") == ("com:33063", None)
        assert resolve_commune(session, "Mérignac") == ("com:33281", None)
        assert resolve_commune(session, "merignac (33281)") == ("com:33281", None)
        assert resolve_commune(session, "99999")[1] == "« 99999 » n'est ni un code INSEE de commune ni un code postal connu"
        session.add(Territory(key="com:97411", level="com", code="97411", name="Saint-Denis", search_name="saint denis"))
        session.add(Territory(key="com:93066", level="com", code="93066", name="Saint-Denis", search_name="saint denis",
                              population=10))
        session.flush()
        key, problem = resolve_commune(session, "saint-denis")
        assert key is None and "désigne plusieurs communes" in problem and "Saint-Denis (93066)" in problem
        assert resolve_commune(session, "Bordo")[1] == ("« Bordo » ne désigne aucune commune connue (nom, code INSEE "
                                                        "ou code postal attendu) ; vouliez-vous dire : Bordeaux (33063) ?")
        keys, problems = resolve_territories(session, "33063 | 243300316 | dep:17 | Saintes")
        assert keys == ["com:33063", "epci:243300316", "dep:17", "com:17415"] and problems == []


def test_update_checks_version_and_records_before_after(world):
    engine = world["engine"]
    with session_scope(engine) as session:
        detail = partner_detail(session, SYSTEM, world["ville"], TODAY)
    data = detail.as_input()
    data.website = "https://www.bordeaux.fr"
    with session_scope(engine) as session:
        partner = update_partner(session, SYSTEM, world["ville"], data, detail.version, TODAY)
        assert partner.version == detail.version + 1
    with pytest.raises(ConflictError) as error, session_scope(engine) as session:
        update_partner(session, coordinator(world["bordeaux"]), world["ville"], data, detail.version, TODAY)
    assert "a été modifié par ligne de commande" in str(error.value)
    with session_scope(engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.operation == "update")).one()
        assert '"website": ""' in entry.before and "https://www.bordeaux.fr" in entry.after
    # saving the same values again changes nothing
    version = data_version(engine)
    with session_scope(engine) as session:
        update_partner(session, SYSTEM, world["ville"], data, detail.version + 1, TODAY)
    assert data_version(engine) == version


def test_rights_follow_the_partnership(world):
    engine = world["engine"]
    bordeaux_coord = coordinator(world["bordeaux"])
    with session_scope(engine) as session:
        data = partner_detail(session, SYSTEM, world["caf"], TODAY).as_input()
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        update_partner(session, bordeaux_coord, world["caf"], data, None, TODAY)
    with session_scope(engine) as session:
        update_partner(session, coordinator(world["saintes"]), world["caf"], data, None, TODAY)
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        archive_partner(session, Actor("elu@example.fr", "elu", frozenset({world["bordeaux"]})), world["ville"], None)
    # a coordinator adds partners seated on (or intervening in) their territory only
    with pytest.raises(PermissionDenied) as error, session_scope(engine) as session:
        create_partner(session, bordeaux_coord, _data(seat_commune="Saintes", territories=[]), TODAY)
    assert "territoire d'intervention" in str(error.value)
    with session_scope(engine) as session:
        create_partner(session, bordeaux_coord, _data(name="Asso régionale", seat_commune="Saintes",
                                                      territories=["33063"], siret=""), TODAY)
    # a link in the council brings a partner into its partnership, but not into its coordinator's reach
    with session_scope(engine) as session:
        from models import Council
        add_link(session, session.get(Council, world["bordeaux"]), session.get(Partner, world["ville"]),
                 session.get(Partner, world["caf"]))
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        update_partner(session, bordeaux_coord, world["caf"], data, None, TODAY)


def test_archive_and_restore(world):
    engine = world["engine"]
    with session_scope(engine) as session:
        archive_partner(session, SYSTEM, world["ville"], 1)
    with session_scope(engine) as session:
        assert world["ville"] not in partnership_ids(session, world["bordeaux"])
        names = [r.name for r in list_partners(session, PartnerFilters(), today=TODAY).rows]
        assert "Ville de Bordeaux" not in names
        archived = list_partners(session, PartnerFilters(archived="archived", council_id=world["bordeaux"]), today=TODAY)
        assert [r.name for r in archived.rows] == ["Ville de Bordeaux"] and archived.rows[0].archived
        with pytest.raises(ValidationError):
            archive_partner(session, SYSTEM, world["ville"], None)
    with session_scope(engine) as session:
        restore_partner(session, coordinator(world["bordeaux"]), world["ville"], 2)
    with session_scope(engine) as session:
        assert world["ville"] in partnership_ids(session, world["bordeaux"])
        operations = session.exec(select(AuditEntry.operation).where(AuditEntry.record_id == world["ville"])
                                  .order_by(AuditEntry.id)).all()
        assert operations == ["archive", "restore"]


def test_filters_sorts_and_count(world):
    engine = world["engine"]
    with session_scope(engine) as session:
        create_partner(session, SYSTEM, _data(network_ids=[world["network"]]), TODAY)
        add_partner(session, "Médiathèque Mériadeck", "BIB", verified_on=dt.date(2020, 1, 1))
        add_partner(session, "Collège de Mérignac", "EN", seat="33281")

        def names(**filters):
            sort = filters.pop("sort", "name")
            descending = filters.pop("descending", False)
            return [r.name for r in list_partners(session, PartnerFilters(**filters), sort, descending, TODAY).rows]

        assert names() == ["CAF de Charente-Maritime", "Centre social Benauge", "Collège de Mérignac",
                           "Médiathèque Mériadeck", "Ville de Bordeaux"]
        assert names(query="mediatheque") == ["Médiathèque Mériadeck"]
        assert names(query="MERIGNAC") == ["Collège de Mérignac"]  # the seat commune's name matches too
        assert names(query=VALID_SIRET) == ["Centre social Benauge"]
        assert names(typologies=("CAF", "EN")) == ["CAF de Charente-Maritime", "Collège de Mérignac"]
        assert names(groups=("numerique",)) == ["Médiathèque Mériadeck"]
        assert names(commune="com:33281") == ["Collège de Mérignac"]
        assert names(territory="sub:33063:benauge") == ["Centre social Benauge", "Médiathèque Mériadeck", "Ville de Bordeaux"]
        assert names(territory="epci:243300316") == ["Centre social Benauge", "Collège de Mérignac",
                                                     "Médiathèque Mériadeck", "Ville de Bordeaux"]
        assert names(network_id=world["network"]) == ["Centre social Benauge"]
        assert names(freshness="stale") == ["CAF de Charente-Maritime", "Collège de Mérignac", "Médiathèque Mériadeck"]
        assert names(freshness="fresh") == ["Centre social Benauge", "Ville de Bordeaux"]
        assert names(council_id=world["saintes"]) == ["CAF de Charente-Maritime"]
        assert names(sort="commune")[0] == "Ville de Bordeaux" or names(sort="commune")[0] == "Centre social Benauge"
        assert names(sort="commune")[-1] == "CAF de Charente-Maritime"
        assert names(sort="verified_on", descending=True)[0] == "Centre social Benauge"
        assert names(sort="typology")[0] == "Ville de Bordeaux" or names(sort="typology")[0] == "CAF de Charente-Maritime"
        listing = list_partners(session, PartnerFilters(council_id=world["bordeaux"], query="ville"), today=TODAY)
        assert listing.count == 1 and listing.scope_total == 3


def test_detail_links_actions_networks_and_protected_contact(world):
    engine = world["engine"]
    with session_scope(engine) as session:
        from models import Council
        bordeaux = session.get(Council, world["bordeaux"])
        saintes = session.get(Council, world["saintes"])
        ville, caf = session.get(Partner, world["ville"]), session.get(Partner, world["caf"])
        ville.contact_email = "prevention@bordeaux.fr"
        session.add(NetworkPartner(network_id=world["network"], partner_id=ville.id))
        add_link(session, bordeaux, ville, caf, kind="convention", level=3, start=dt.date(2020, 1, 1))
        add_link(session, bordeaux, ville, caf, kind="echange", level=1, end=dt.date(2022, 1, 1))
        add_action(session, bordeaux, "Promeneurs", partners=[(ville, "pilote"), (caf, "financeur")], shared=True)
        add_action(session, saintes, "Secret", partners=[(ville, "relais")], shared=False)
    with session_scope(engine) as session:
        detail = partner_detail(session, SYSTEM, world["ville"], TODAY)
        assert [(l.other, l.kind_label, l.active) for l in detail.links] == [
            ("CAF de Charente-Maritime", "Convention", True), ("CAF de Charente-Maritime", "Échange d'informations", False)]
        assert [a.title for a in partner_actions(session, SYSTEM, world["ville"], TODAY).rows] == ["Promeneurs", "Secret"]
        assert detail.networks == ["Promeneurs du Net"]
        assert detail.contact_visible and detail.contact_email == "prevention@bordeaux.fr"
        member = Actor("reseau@example.fr", "reseau", network_ids=frozenset({world["network"]}))
        detail = partner_detail(session, member, world["ville"], TODAY)
        assert not detail.contact_visible and detail.contact_email == ""
        involved = partner_actions(session, member, world["ville"], TODAY)
        assert [a.title for a in involved.rows] == ["Promeneurs"] and involved.hidden == 1
        assert not detail.can_edit and not any(l.can_edit for l in detail.links)


def test_commune_picker_lists_the_councils_departements_by_name(world):
    with session_scope(world["engine"]) as session:
        assert commune_choices(session, [world["bordeaux"]]) == ["Abzac (33001)", "Bordeaux (33063)", "Mérignac (33281)"]
        assert commune_choices(session, [world["saintes"]]) == ["Saintes (17415)"]
        assert commune_choices(session, []) == []  # no council: every commune is typed


def test_territory_picker_offers_the_councils_levels_then_communes_then_chosen(world):
    with session_scope(world["engine"]) as session:
        offered = territory_choices(session, [world["bordeaux"]], chosen=["com:17415"])
    assert list(offered) == ["reg:75", "dep:33", "epci:243300316", "com:33063", "com:17415"]
    assert offered["dep:33"] == "Gironde (dép. 33)" and offered["com:17415"] == "Saintes (17415)"


def test_an_ambiguous_commune_name_is_read_inside_the_council_worked_on(world):
    admin = Actor("admin@example.fr", "admin")
    with session_scope(world["engine"]) as session:
        session.add(Territory(key="com:17229", level="com", code="17229", name="Mérignac", search_name="mérignac",
                              population=500, region_code="75", departement_code="17"))
        session.flush()
        in_gironde = create_partner(session, admin, _data(name="Club de prévention", seat_commune="Mérignac",
                                                          territories=["Mérignac"], siret=""),
                                    TODAY, councils=[world["bordeaux"]])
        in_charente = create_partner(session, admin, _data(name="Club de prévention", seat_commune="Mérignac",
                                                           territories=[], siret=""),
                                     TODAY, councils=[world["saintes"]])
        assert in_gironde.seat_commune_key == "com:33281" and in_charente.seat_commune_key == "com:17229"
        places = session.exec(select(PartnerTerritory.territory_key)
                              .where(PartnerTerritory.partner_id == in_gironde.id)).all()
        assert places == ["com:33281"]
        with pytest.raises(ValidationError) as refused:
            create_partner(session, admin, _data(name="Autre club", seat_commune="Mérignac", territories=[],
                                                 siret=""), TODAY)
        message = str(refused.value)
        assert "Mérignac (33281)" in message and "Mérignac (17229)" in message


def test_a_councils_partners_read_by_seat_are_those_of_the_full_scan(shared_demo_engine, monkeypatch):
    """Up to TARGETED_COMMUNES communes, partners are read by their seat's index: the same ids as the scan of
    every partner of France, for every demo council, archived ones included or not."""
    import maillage.partners.partnership as partnership
    from maillage.partners.partnership import territorial_ids
    from models import Council

    with Session(shared_demo_engine) as session:
        areas = [council_footprint(session, council.id) for council in session.exec(select(Council))]
        targeted = [(territorial_ids(session, area), territorial_ids(session, area, include_archived=True))
                    for area in areas]
        monkeypatch.setattr(partnership, "TARGETED_COMMUNES", -1)
        scanned = [(territorial_ids(session, area), territorial_ids(session, area, include_archived=True))
                   for area in areas]
    assert targeted == scanned
    assert any(ids for ids, _archived in targeted)
