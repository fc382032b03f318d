"""AppTest: the Partenaires page — register (count, search), add, edit with a validation error, archive, merge."""

import datetime as dt

import pytest
from sqlmodel import select

from maillage.core import fold, make_engine, plural, session_scope
from maillage.partners import PartnerFilters, list_partners
from models import AuditEntry, Council, Partner, PartnerTerritory
from tests.apptest import open_app

PAGE = "pages/partenaires.py"


@pytest.fixture
def demo(db_factory, use_database):
    """A writable demo database, with the app pointed at it, and the Bordeaux council's id."""
    url = db_factory.new("demo")
    use_database(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        bordeaux = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one().id
    yield engine, bordeaux
    engine.dispose()


def _partner(engine, name):
    with session_scope(engine) as session:
        return session.exec(select(Partner).where(Partner.name == name)).first()


def _select_partner(at, engine, name):
    partner = _partner(engine, name)
    at.selectbox(key="partners_selected").set_value(partner.id).run()
    assert not at.exception
    return partner


def test_register_count_and_search(demo):
    engine, bordeaux = demo
    at = open_app(page=PAGE, council_id=bordeaux)
    assert not at.exception and at.title[0].value == "Partenaires"
    with session_scope(engine) as session:
        expected = list_partners(session, PartnerFilters(council_id=bordeaux), today=dt.date.today())
    assert at.markdown[0].value.startswith(f"**{plural(expected.count, 'partenaire')}**")
    at.text_input(key="p_query").set_value("caf de la gironde").run()
    assert at.markdown[0].value.startswith("**1 partenaire**")
    assert at.dataframe[0].value["Nom"].tolist() == ["CAF de la Gironde"]
    at.text_input(key="p_query").set_value("").run()
    at.toggle(key="p_scope").set_value(False).run()
    with session_scope(engine) as session:
        everyone = list_partners(session, PartnerFilters(), today=dt.date.today())
    assert at.markdown[0].value.startswith(f"**{plural(everyone.count, 'partenaire')}**")


def test_add_partner(demo):
    engine, bordeaux = demo
    at = open_app(page=PAGE, council_id=bordeaux)
    at.text_input(key="new_name").set_value("Point accueil écoute jeunes de Bacalan")
    at.selectbox(key="new_typology").set_value("ASSO")
    at.selectbox(key="new_seat").set_value("Bordeaux (33063)")
    at.multiselect(key="new_territories").set_value(["com:33063", "Mérignac"])  # picked, then typed
    at.text_input(key="new_website").set_value("https://paej-bacalan.fr")
    at.button(key="FormSubmitter:new_form-Ajouter le partenaire").click().run()
    assert not at.exception
    assert any("est ajouté au registre" in s.value for s in at.success)
    partner = _partner(engine, "Point accueil écoute jeunes de Bacalan")
    assert partner is not None and partner.seat_commune_key == "com:33063" and partner.typology == "ASSO"
    with session_scope(engine) as session:
        places = set(session.exec(select(PartnerTerritory.territory_key)
                                  .where(PartnerTerritory.partner_id == partner.id)).all())
    assert places == {"com:33063", "com:33281"}
    # the new partner's sheet is opened
    assert at.selectbox(key="partners_selected").value == partner.id


def test_commune_pickers_offer_the_councils_territories(demo):
    """The seat picker lists the communes of the council's département by name (type-ahead); the territories
    picker the council's own territories first; both accept what is typed."""
    _engine, bordeaux = demo
    at = open_app(page=PAGE, council_id=bordeaux)
    seat = at.selectbox(key="new_seat")
    assert "Bordeaux (33063)" in seat.options and "Pessac (33318)" in seat.options
    assert all(option.endswith(")") for option in seat.options)
    assert not any("(17" in option for option in seat.options)  # Charente-Maritime is not offered to Bordeaux
    assert seat.options == sorted(seat.options, key=lambda o: fold(o))
    places = at.multiselect(key="new_territories").options
    assert "Gironde (dép. 33)" in places and "Bordeaux (33063)" in places
    assert places.index("Gironde (dép. 33)") < places.index("Bordeaux (33063)")


def test_add_refused_shows_every_problem(demo):
    engine, bordeaux = demo
    at = open_app(page=PAGE, council_id=bordeaux)
    at.text_input(key="new_name").set_value("Ville de Bordeaux")
    at.selectbox(key="new_typology").set_value("MUNI")
    at.selectbox(key="new_seat").set_value("Bordeaux (33063)")
    at.text_input(key="new_siret").set_value("123")
    at.button(key="FormSubmitter:new_form-Ajouter le partenaire").click().run()
    assert not at.exception
    message = at.error[0].value
    assert "Nom : un partenaire « Ville de Bordeaux » existe déjà à Bordeaux" in message
    assert "SIRET : « 123 »" in message


def test_edit_with_a_validation_error_then_saved(demo):
    engine, bordeaux = demo
    at = open_app(page=PAGE, council_id=bordeaux)
    partner = _select_partner(at, engine, "CAF de la Gironde")
    at.button(key="p_edit_open").click().run()
    prefix = f"edit{partner.id}"
    at.text_input(key=f"{prefix}_siret").set_value("12345678901234")
    at.text_input(key=f"{prefix}_contact_email").set_value("pas une adresse")
    at.button(key=f"FormSubmitter:{prefix}_form-Enregistrer les modifications").click().run()
    assert not at.exception
    message = at.error[0].value
    assert "SIRET : « 12345678901234 » n'est pas un SIRET valide" in message
    assert "E-mail du contact : « pas une adresse »" in message
    assert _partner(engine, "CAF de la Gironde").version == partner.version  # nothing saved
    at.text_input(key=f"{prefix}_siret").set_value("")
    at.text_input(key=f"{prefix}_contact_email").set_value("")
    at.text_area(key=f"{prefix}_notes").set_value("Financeur des Promeneurs du Net")
    at.button(key=f"FormSubmitter:{prefix}_form-Enregistrer les modifications").click().run()
    assert not at.exception and not at.error
    saved = _partner(engine, "CAF de la Gironde")
    assert saved.notes == "Financeur des Promeneurs du Net" and saved.version == partner.version + 1


def test_archive_with_confirmation(demo):
    engine, bordeaux = demo
    at = open_app(page=PAGE, council_id=bordeaux)
    _select_partner(at, engine, "Bibliothèque Mériadeck")
    at.button(key="p_archive").click().run()
    assert not at.exception
    assert _partner(engine, "Bibliothèque Mériadeck").archived_at is None  # not before confirming
    at.button(key="confirm_archive").click().run()
    assert not at.exception
    assert _partner(engine, "Bibliothèque Mériadeck").archived_at is not None
    assert any("est archivé" in s.value for s in at.success)
    assert "Bibliothèque Mériadeck" not in at.dataframe[0].value["Nom"].tolist()
    at.selectbox(key="p_archived").set_value("archived").run()
    assert at.dataframe[0].value["Nom"].tolist() == ["Bibliothèque Mériadeck"]
    _select_partner(at, engine, "Bibliothèque Mériadeck")
    at.button(key="p_restore").click().run()
    assert _partner(engine, "Bibliothèque Mériadeck").archived_at is None


def test_merge_a_proposed_duplicate(demo):
    engine, bordeaux = demo
    with session_scope(engine) as session:
        twin = Partner(name="Mairie de Bordeaux", typology="MUNI", seat_commune_key="com:33063",
                       website="https://mairie.example.fr")
        session.add(twin)
        session.flush()
        twin_id = twin.id
    at = open_app(page=PAGE, council_id=bordeaux)
    labels = at.selectbox(key="p_pair").options
    assert any("Mairie de Bordeaux" in label and "Ville de Bordeaux" in label for label in labels)
    index = next(i for i, label in enumerate(labels) if "Mairie de Bordeaux" in label)
    at.selectbox(key="p_pair").set_value(index - 1).run()  # options: None (by hand), then the pairs 0, 1…
    ville = _partner(engine, "Ville de Bordeaux")
    at.radio(key="p_keep_pair").set_value(ville.id).run()
    at.button(key="p_merge").click().run()
    assert not at.exception
    assert _partner(engine, "Mairie de Bordeaux") is not None  # not before confirming
    at.button(key="confirm_merge").click().run()
    assert not at.exception
    assert _partner(engine, "Mairie de Bordeaux") is None
    kept = _partner(engine, "Ville de Bordeaux")
    assert kept.version == ville.version + 1
    with session_scope(engine) as session:
        assert session.exec(select(AuditEntry).where(AuditEntry.operation == "merge",
                                                     AuditEntry.record_id == twin_id)).first() is not None
    assert any("a été fusionné dans « Ville de Bordeaux »" in s.value for s in at.success)


def test_pages_on_an_empty_database(db_factory, use_database):
    use_database(db_factory.new("empty"))
    at = open_app(page=PAGE)
    assert not at.exception
    assert at.markdown[0].value.startswith("**0 partenaire**")
    at = open_app(page="pages/reseau.py")
    assert not at.exception
    assert "Aucune instance" in at.info[0].value


def test_names_are_shown_as_text_not_markdown(demo):
    engine, bordeaux = demo
    at = open_app(page=PAGE, council_id=bordeaux)
    name = "![pixel](https://traceur.example/p.png) **Asso** $x$"
    at.text_input(key="new_name").set_value(name)
    at.selectbox(key="new_typology").set_value("ASSO")
    at.selectbox(key="new_seat").set_value("Bordeaux (33063)")
    at.button(key="FormSubmitter:new_form-Ajouter le partenaire").click().run()
    assert not at.exception
    message = next(s.value for s in at.success if "est ajouté" in s.value)
    assert "\\[pixel\\]" in message and "\\*\\*Asso\\*\\*" in message and "\\$x\\$" in message
    assert "![pixel](" not in message
    assert at.subheader[0].value.startswith("!\\[pixel\\]")
