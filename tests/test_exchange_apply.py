"""Applying an import: natural keys, created/updated/unchanged, partial columns, archives, memberships,
dry runs, permissions (coordinators only on their councils) and the audit entry."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor
from maillage.core import PermissionDenied, session_scope
from maillage.exchange import ImportRefused, import_tables, preview_import, read_files
from models import (
    Action,
    ActionPartner,
    AuditEntry,
    CooperationLink,
    Council,
    Network,
    NetworkPartner,
    Partner,
)
from tests.builders import add_link, add_partner
from tests.exchange_support import csv_text, fill_mini, snapshot


@pytest.fixture
def mini(empty_engine):
    fill_mini(empty_engine)
    return empty_engine


def run(engine, files: dict[str, str], actor=SYSTEM, dry_run=False):
    return import_tables(engine, read_files([(name, csv_text(text)) for name, text in files.items()]),
                         actor=actor, dry_run=dry_run)


def council_id(engine, name: str) -> int:
    with Session(engine) as session:
        return session.exec(select(Council.id).where(Council.name == name)).one()


ACTIONS = ("titre;instance;type_action;statut;debut;territoires;publics;notes\n"
           "Atelier parents;CLSPD de Bordeaux;sensibilisation_parents;en_cours;01/09/2026;33063;familles;Le samedi\n")


def test_natural_keys_update_instead_of_duplicating(mini):
    run(mini, {"actions.csv": ACTIONS})
    _plan, report = run(mini, {"actions.csv": ACTIONS.replace("Atelier parents", "ATELIER PARENTS").replace("samedi", "mercredi")})
    assert report.lines() == ["actions : 0 créé, 1 mis à jour, 0 inchangé"]
    assert list(report.row_changes.values()) == [["titre", "notes"]]
    with Session(mini) as session:
        action = session.exec(select(Action)).one()
        assert (action.title, action.notes, action.version) == ("ATELIER PARENTS", "Le mercredi", 2)


def test_columns_absent_from_the_file_are_left_alone(mini):
    with session_scope(mini) as session:
        city = session.exec(select(Partner).where(Partner.name == "Ville de Bordeaux")).one()
        city.notes, city.website = "Interlocuteur : service prévention", "https://www.bordeaux.fr"
    _plan, report = run(mini, {"partenaires.csv": "nom;typologie;commune_siege;verifie_le\nVille de Bordeaux;MUNI;33063;01/10/2026\n"})
    assert report.lines() == ["partenaires : 0 créé, 1 mis à jour, 0 inchangé"]
    with Session(mini) as session:
        city = session.exec(select(Partner).where(Partner.name == "Ville de Bordeaux")).one()
        assert (city.notes, city.website, city.verified_on) == ("Interlocuteur : service prévention",
                                                                "https://www.bordeaux.fr", dt.date(2026, 10, 1))


def shared_flags(engine) -> dict[str, bool]:
    with Session(engine) as session:
        return {a.title: a.shared for a in session.exec(select(Action))}


def test_new_actions_are_shared_unless_the_file_says_no_and_an_empty_cell_keeps_the_choice(mini):
    header = "titre;instance;type_action;statut;debut;territoires;publics;partage_reseau\n"
    line = "{};CLSPD de Bordeaux;sensibilisation_parents;en_cours;01/09/2026;33063;familles;{}\n"
    run(mini, {"actions.csv": ACTIONS})  # no partage_reseau column: shared, as on the form
    run(mini, {"actions.csv": header + line.format("Vide", "") + line.format("Privée", "non")})
    assert shared_flags(mini) == {"Atelier parents": True, "Vide": True, "Privée": False}
    _plan, report = run(mini, {"actions.csv": header + line.format("Privée", "") + line.format("Vide", "non")})
    assert report.lines() == ["actions : 0 créé, 1 mis à jour, 1 inchangé"]  # the empty cell changes nothing
    assert shared_flags(mini) == {"Atelier parents": True, "Vide": False, "Privée": False}
    with pytest.raises(ImportRefused) as refused:
        run(mini, {"actions.csv": header + line.format("Vide", "peut-être")})
    assert [p.message for p in refused.value.plan.problems] == [
        "ligne 2, colonne partage_reseau : « peut-être » doit valoir « oui » ou « non »"]


def test_links_match_by_pair_kind_and_council_in_either_order(mini):
    links = ("partenaire_a;partenaire_b;nature;niveau;instance\n"
             "Ville de Bordeaux;Centre social Bordeaux Nord;convention;2;CLSPD de Bordeaux\n")
    run(mini, {"liens.csv": links})
    reverse = ("partenaire_a;partenaire_b;nature;niveau;instance\n"
               "Centre social Bordeaux Nord;Ville de Bordeaux;convention;3;CLSPD de Bordeaux\n"
               "Centre social Bordeaux Nord;Ville de Bordeaux;cofinancement;1;CLSPD de Bordeaux\n")
    _plan, report = run(mini, {"liens.csv": reverse})
    assert report.lines() == ["liens : 1 créé, 1 mis à jour, 0 inchangé"]
    with Session(mini) as session:
        assert sorted((l.kind, l.level) for l in session.exec(select(CooperationLink))) == [("cofinancement", 1), ("convention", 3)]


def test_same_pair_twice_in_one_file_is_an_error(mini):
    links = ("partenaire_a;partenaire_b;nature;niveau;instance\n"
             "Ville de Bordeaux;Centre social Bordeaux Nord;convention;2;CLSPD de Bordeaux\n"
             "Centre social Bordeaux Nord;Ville de Bordeaux;Convention;3;CLSPD de Bordeaux\n")
    with pytest.raises(ImportRefused) as error:
        run(mini, {"liens.csv": links})
    assert [p.message for p in error.value.plan.problems] == [
        "ligne 3, colonne nature : « Convention » ce lien (même paire, même nature) apparaît deux fois dans "
        "l'import (déjà ligne 2)"]


def test_archive_column_and_reimport_of_an_archived_partner(mini):
    data = "nom;typologie;commune_siege;archive_le\nVille de Bordeaux;MUNI;33063;15/11/2026\n"
    run(mini, {"partenaires.csv": data})
    with Session(mini) as session:
        archived = session.exec(select(Partner).where(Partner.name == "Ville de Bordeaux")).one().archived_at
        assert archived.date() == dt.date(2026, 11, 15)
    _plan, report = run(mini, {"partenaires.csv": data})
    assert report.lines() == ["partenaires : 0 créé, 0 mis à jour, 1 inchangé"]
    # Listing the partner in a file without the archive column brings it back.
    _plan, report = run(mini, {"partenaires.csv": "nom;typologie;commune_siege\nVille de Bordeaux;MUNI;33063\n"})
    assert list(report.row_changes.values()) == [["archive_le"]]
    with Session(mini) as session:
        assert session.exec(select(Partner).where(Partner.name == "Ville de Bordeaux")).one().archived_at is None


def test_homonyms_need_the_commune(mini):
    run(mini, {"partenaires.csv": "nom;typologie;commune_siege\nCentre social Bordeaux Nord;CS;33281\n"})
    links = ("partenaire_a;partenaire_b;nature;niveau;instance\n"
             "Ville de Bordeaux;Centre social Bordeaux Nord;echange;1;CLSPD de Bordeaux\n")
    with pytest.raises(ImportRefused) as error:
        run(mini, {"liens.csv": links})
    assert [p.reason for p in error.value.plan.problems] == [
        "désigne plusieurs partenaires : précisez la commune, par exemple « Centre social Bordeaux Nord (33063) »"]
    _plan, report = run(mini, {"liens.csv": links.replace("Nord;echange", "Nord (33281);echange")})
    assert report.counts["liens"].created == 1


def test_memberships_are_added_never_removed(mini):
    run(mini, {"reseaux.csv": "nom;type;membres\nRéseau FFSU;regional;CLSPD de Bordeaux|Ville de Bordeaux\n"})
    _plan, report = run(mini, {"reseaux.csv": "nom;type;membres\nRéseau FFSU;regional;Centre social Bordeaux Nord\n"})
    assert list(report.row_changes.values()) == [["membres"]]
    with Session(mini) as session:
        assert len(session.exec(select(NetworkPartner)).all()) == 2


def test_leading_zero_eaten_by_a_spreadsheet(mini):
    _plan, report = run(mini, {"partenaires.csv": "nom;typologie;commune_siege\nMairie;MUNI;1001\n"})
    with Session(mini) as session:
        assert session.exec(select(Partner.seat_commune_key).where(Partner.name == "Mairie")).one() == "com:01001"


def test_dry_run_and_preview_write_nothing(mini):
    before = snapshot(mini)
    _plan, report = run(mini, {"actions.csv": ACTIONS}, dry_run=True)
    assert report.lines() == ["actions : 1 créé, 0 mis à jour, 0 inchangé"]
    preview = preview_import(mini, read_files([("actions.csv", csv_text(ACTIONS))]))
    assert preview.ok and [(r.line, r.label, r.status) for r in preview.rows] == [(2, "Atelier parents", "à créer")]
    bad = preview_import(mini, read_files([("actions.csv", csv_text(ACTIONS.replace("familles", "parents")))]))
    assert not bad.ok and bad.rows[0].status == "erreur"
    assert bad.rows[0].errors[0].startswith("ligne 2, colonne publics : « parents » n'est pas un public connu")
    assert snapshot(mini) == before


def test_formula_like_text_is_stored_as_text_and_flagged(mini):
    data = "nom;typologie;commune_siege;notes\n=HYPERLINK(\"http://x\");ASSO;33063;@SOMME(A1)\n"
    preview = preview_import(mini, read_files([("partenaires.csv", csv_text(data))]))
    assert [w.message for w in preview.plan.warnings] == [
        "ligne 2, colonne nom : « =HYPERLINK(\"http://x\") » ressemble à une formule de tableur : "
        "enregistré comme simple texte",
        "ligne 2, colonne notes : « @SOMME(A1) » ressemble à une formule de tableur : enregistré comme simple texte",
    ]
    assert preview.rows[0].notes[0].startswith("ligne 2, colonne nom")
    run(mini, {"partenaires.csv": data})
    with Session(mini) as session:
        assert session.exec(select(Partner.notes).where(Partner.typology == "ASSO")).one() == "@SOMME(A1)"


def test_one_audit_entry_per_import(mini):
    run(mini, {"actions.csv": ACTIONS}, actor=dataclasses.replace(SYSTEM, email="admin@ville.fr"))
    with Session(mini) as session:
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.operation == "import")).all()
    assert entry.user_email == "admin@ville.fr" and entry.label == "Import : actions.csv"
    assert json.loads(entry.after)["comptes"] == {"actions": {"created": 1, "updated": 0, "unchanged": 0}}


def coordinator(engine, *names: str) -> Actor:
    return Actor(email="coord@bordeaux.fr", role="coordinateur",
                 council_ids=frozenset(council_id(engine, name) for name in names))


def test_coordinator_imports_only_rows_of_their_councils(mini):
    actor = coordinator(mini, "CLSPD de Bordeaux")
    data = ACTIONS + "Atelier Saintes;CLSPD de Saintes;evenement;projet;01/09/2026;17415;tout_public;\n"
    before = snapshot(mini)
    with pytest.raises(ImportRefused) as error:
        run(mini, {"actions.csv": data}, actor=actor)
    assert [p.message for p in error.value.plan.problems] == [
        "ligne 3, colonne instance : « CLSPD de Saintes » vous n'êtes pas coordinateur de cette instance : ligne refusée"]
    assert snapshot(mini) == before
    _plan, report = run(mini, {"actions.csv": ACTIONS}, actor=actor)
    assert report.counts["actions"].created == 1


def test_coordinator_cannot_create_councils_or_networks(mini):
    actor = coordinator(mini, "CLSPD de Bordeaux")
    with pytest.raises(ImportRefused) as error:
        run(mini, {"instances.csv": "nom;type;territoires\nCLSPD de Mérignac;CLSPD;33281\n",
                   "reseaux.csv": "nom;type\nRéseau;regional\n"}, actor=actor)
    assert [p.message for p in error.value.plan.problems] == [
        "ligne 2, colonne nom : « CLSPD de Mérignac » seul un administrateur peut créer une instance",
        "ligne 2, colonne nom : « Réseau » seul un administrateur peut créer ou modifier un réseau",
    ]
    # their own council's row may be updated
    _plan, report = run(mini, {"instances.csv": "nom;type;territoires;statut\nCLSPD de Bordeaux;CLSPD;33063;en_sommeil\n"},
                        actor=actor)
    assert report.counts["instances"].updated == 1


def test_coordinator_changes_only_partners_of_their_partnership(mini):
    with session_scope(mini) as session:
        add_partner(session, "Médiathèque de Saintes", "BIB", "17415")
    actor = coordinator(mini, "CLSPD de Bordeaux")
    data = ("nom;typologie;commune_siege;notes\n"
            "Médiathèque de Saintes;BIB;17415;Nouvelle note\n"
            "Ville de Bordeaux;MUNI;33063;Nouvelle note\n"
            "Club de Mérignac;ASSO;33281;\n"
            "Club de Bordeaux;ASSO;33063;\n")
    with pytest.raises(ImportRefused) as error:  # issue 20: created only inside the importer's territory
        run(mini, {"partenaires.csv": data}, actor=actor)
    assert [p.message for p in error.value.plan.problems] == [
        "ligne 4, colonne commune_siege : « 33281 » ce partenaire n'aurait ni son siège ni un territoire "
        "d'intervention sur le territoire de vos instances : vous ne pouvez pas le créer"]
    data = data.replace("Club de Mérignac;ASSO;33281;\n", "")
    with pytest.raises(ImportRefused) as error:  # a partner outside it is not the coordinator's to change
        run(mini, {"partenaires.csv": data}, actor=actor)
    assert [p.message for p in error.value.plan.problems] == [
        "ligne 2, colonne nom : « Médiathèque de Saintes » ce partenaire n'a ni son siège ni un territoire "
        "d'intervention sur le territoire de vos instances (un lien ou une action ne suffit pas) : vous ne pouvez "
        "pas le modifier"]
    # unchanged rows of other partners are fine; new partners may be created on the importer's territory
    _plan, report = run(mini, {"partenaires.csv": data.replace("17415;Nouvelle note", "17415;")}, actor=actor)
    assert report.lines() == ["partenaires : 1 créé, 1 mis à jour, 1 inchangé"]


def test_network_member_and_elected_official_cannot_import(mini):
    for role in ("reseau", "elu"):
        with pytest.raises(PermissionDenied):
            run(mini, {"actions.csv": ACTIONS}, actor=Actor(email="x@y.fr", role=role,
                                                            council_ids=frozenset({council_id(mini, "CLSPD de Bordeaux")})))


def test_action_roles_and_indicators(mini):
    run(mini, {"actions.csv": ACTIONS})
    roles = ("action;instance;partenaire;role\n"
             "Atelier parents;CLSPD de Bordeaux;Ville de Bordeaux;pilote\n"
             "Atelier parents;CLSPD de Bordeaux;Ville de Bordeaux;Financeur\n"
             "atelier parents;CLSPD de Bordeaux;ville de bordeaux;pilote\n")
    indicators = ("action;instance;annee;personnes_touchees;seances\n"
                  "Atelier parents;CLSPD de Bordeaux;2026;40;4\n")
    plan, report = run(mini, {"action_partenaires.csv": roles, "indicateurs.csv": indicators})
    assert report.lines() == ["action_partenaires : 2 créés, 0 mis à jour, 0 inchangé",
                              "indicateurs : 1 créé, 0 mis à jour, 0 inchangé"]
    assert [w.message for w in plan.warnings] == ["ligne 4, colonne role : « pilote » ligne en double (déjà ligne 2) : ignorée"]
    _plan, report = run(mini, {"indicateurs.csv": indicators.replace(";40;", ";45;")})
    assert report.lines() == ["indicateurs : 0 créé, 1 mis à jour, 0 inchangé"]
    with Session(mini) as session:
        assert len(session.exec(select(ActionPartner)).all()) == 2


def test_restoring_a_link_between_existing_partners_keeps_their_ids(mini):
    with session_scope(mini) as session:
        city = session.exec(select(Partner).where(Partner.name == "Ville de Bordeaux")).one()
        centre = session.exec(select(Partner).where(Partner.name == "Centre social Bordeaux Nord")).one()
        council = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one()
        add_link(session, council, city, centre, "echange", 1)
    links = ("partenaire_a;partenaire_b;nature;niveau;instance\n"
             "Centre social Bordeaux Nord;Ville de Bordeaux;echange;1;CLSPD de Bordeaux\n")
    _plan, report = run(mini, {"liens.csv": links})
    assert report.lines() == ["liens : 0 créé, 0 mis à jour, 1 inchangé"]
    with Session(mini) as session:
        assert len(session.exec(select(Network)).all()) == 0


def test_names_cannot_hold_the_list_separator(mini):
    with pytest.raises(ImportRefused) as error:
        run(mini, {"partenaires.csv": "nom;typologie;commune_siege\nCAF | MSA;ASSO;33063\n"})
    assert [p.message for p in error.value.plan.problems] == [
        "ligne 2, colonne nom : « CAF | MSA » ne doit pas contenir le caractère | (il sépare les éléments des listes)"]
