"""Importing files as people really make them (Windows-1252 `;` with French dates and decimal commas,
UTF-8 with BOM and `,`, an XLSX workbook of every kind) and broken ones, each with its exact errors and
the database unchanged."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import Session, select

from maillage.core import session_scope
from maillage.exchange import ImportRefused, import_tables, read_file, read_files
from models import (
    Action,
    ActionFunding,
    ActionPartner,
    ActionPublic,
    ActionTerritory,
    ActionTheme,
    CooperationLink,
    Council,
    CouncilTerritory,
    CoverageRule,
    Indicator,
    Network,
    NetworkCouncil,
    NetworkPartner,
    Partner,
    PartnerTerritory,
)
from tests.builders import add_partner
from tests.exchange_support import csv_text, fill_mini, snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "exchange"


@pytest.fixture
def mini(empty_engine):
    """Tiny France with two councils and two partners in Bordeaux."""
    fill_mini(empty_engine)
    return empty_engine


def refused(engine, files: list[tuple[str, bytes]], kind: str | None = None) -> list[str]:
    """Import files that must be refused: their problems, after checking that nothing changed."""
    before = snapshot(engine)
    with pytest.raises(ImportRefused) as error:
        import_tables(engine, read_files(files, kind))
    assert snapshot(engine) == before
    return [str(problem) for problem in error.value.plan.problems]


def test_windows_1252_semicolon_file_with_french_dates_and_decimal_commas(mini):
    data = (FIXTURES / "actions-windows-1252.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    [table] = read_file("actions-windows-1252.csv", data)
    assert (table.kind, table.encoding, table.delimiter) == ("actions", "Windows-1252", ";")
    assert [row.line for row in table.rows] == [2, 5]  # blank lines skipped, line numbers kept

    _plan, report = import_tables(mini, [table])
    assert report.lines() == ["actions : 2 créés, 0 mis à jour, 0 inchangé"]
    with Session(mini) as session:
        action = session.exec(select(Action).where(Action.title == "Ateliers écrans en famille")).one()
        assert (action.action_type, action.status, action.mode) == ("sensibilisation_parents", "en_cours", "site")
        assert action.start_date == dt.date(2026, 1, 5) and action.end_date is None
        assert action.weekly_hours == 2.5 and action.budget_eur == 4500.5 and action.shared is True
        assert action.notes == "Un samedi par mois à l’Espace Bénauge – 10 h-12 h"
        themes = session.exec(select(ActionTheme.theme).where(ActionTheme.action_id == action.id)).all()
        publics = session.exec(select(ActionPublic.public).where(ActionPublic.action_id == action.id)).all()
        fundings = session.exec(select(ActionFunding.funding).where(ActionFunding.action_id == action.id)).all()
        assert themes == ["ecrans_parentalite"]
        assert sorted(publics) == ["enfants", "familles"]
        assert sorted(fundings) == ["CAF", "ville"]
        snap = session.exec(select(Action).where(Action.title == "Maraude numérique « Snap »")).one()
        territories = session.exec(select(ActionTerritory.territory_key).where(ActionTerritory.action_id == snap.id)).all()
        assert sorted(territories) == ["com:33063", "sub:33063:benauge"]
        assert snap.end_date == dt.date(2027, 12, 31)

    _plan, again = import_tables(mini, read_file("actions-windows-1252.csv", data))
    assert again.lines() == ["actions : 0 créé, 0 mis à jour, 2 inchangés"]


def test_utf8_bom_comma_file_creates_updates_and_leaves_unchanged(mini):
    data = (FIXTURES / "partenaires-utf8-bom-virgule.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    [table] = read_file("partenaires-utf8-bom-virgule.csv", data)
    assert (table.encoding, table.delimiter) == ("UTF-8 (avec BOM)", ",")
    assert "territoires_intervention" in table.columns and "verifie_le" in table.columns

    _plan, report = import_tables(mini, [table])
    assert report.lines() == ["partenaires : 1 créé, 1 mis à jour, 1 inchangé"]
    assert report.row_changes == {("partenaires-utf8-bom-virgule.csv", 3): ["siret", "site_web", "verifie_le"]}
    with Session(mini) as session:
        new = session.exec(select(Partner).where(Partner.name == "Association Les Écrans Malins")).one()
        assert (new.typology, new.seat_commune_key, new.verified_on) == ("ASSO", "com:33063", dt.date(2026, 10, 15))
        assert new.notes == "Ateliers, conférences et formations"
        keys = session.exec(select(PartnerTerritory.territory_key).where(PartnerTerritory.partner_id == new.id)).all()
        assert sorted(keys) == ["com:33063", "epci:243300316"]
        city = session.exec(select(Partner).where(Partner.name == "Ville de Bordeaux")).one()
        assert (city.siret, city.website, city.version) == ("21330063500017", "https://www.bordeaux.fr", 2)


def _workbook() -> bytes:
    """A workbook as a coordinator makes it: sheets in any order, French sheet names, typed cells, a title row."""
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Lisez-moi"
    notes.append(["Fichier préparé pour l'import dans Maillage"])

    def sheet(title: str, rows: list[list]) -> None:
        target = book.create_sheet(title)
        for row in rows:
            target.append(row)

    sheet("Référentiel", [["instance", "type_action", "public", "population_min"],
                          ["CLSPD de Talence", "presence_en_ligne", "adolescents", 10000]])
    sheet("Indicateurs", [["Action", "Instance", "Année", "Personnes touchées", "Séances", "Contacts en ligne", "Orientations"],
                          ["Promeneurs du Net Talence", "CLSPD de Talence", 2026, 120, 36, 950, 12]])
    sheet("Action partenaires", [["action", "instance", "partenaire", "role"],
                                 ["Promeneurs du Net Talence", "CLSPD de Talence", "Centre social de Thouars", "pilote"],
                                 ["Promeneurs du Net Talence", "CLSPD de Talence", "Ville de Bordeaux", "Financeur"]])
    sheet("Actions", [["Titre", "Instance", "Type d'action", "Statut", "Date de début", "Date de fin", "Territoires",
                       "Thèmes", "Publics", "Modalité", "Plateformes", "Heures semaine", "Budget eur", "Financements",
                       "Partage réseau", "Notes"],
                      ["Promeneurs du Net Talence", "CLSPD de Talence", "presence_en_ligne", "en_cours",
                       dt.datetime(2025, 9, 1), None, 33522, "cyberharcelement", "adolescents", "en_ligne",
                       "instagram|discord", 4.5, 6000, "CAF", True, None]])
    sheet("Liens", [["partenaire_a", "partenaire_b", "nature", "niveau", "instance", "debut", "fin", "notes"],
                    ["Centre social de Thouars", "Ville de Bordeaux", "convention", 3, "CLSPD de Talence",
                     46023, None, "Convention Promeneurs du Net"]])
    sheet("Partenaires", [["Liste des partenaires — novembre 2026"], [],
                          ["Nom", "Typologie", "Commune siège", "Réseaux", "Vérifié le"],
                          ["Centre social de Thouars", "Centre social", 33522, "Promeneurs du Net Gironde",
                           dt.datetime(2026, 11, 2)]])
    sheet("Réseaux", [["nom", "type", "membres"],
                      ["Promeneurs du Net Gironde", "promeneurs_du_net", "CLSPD de Talence|Ville de Bordeaux"]])
    sheet("Instances", [["nom", "type", "territoires", "coordination_contact", "derniere_pleniere", "statut"],
                        ["CLSPD de Talence", "CLSPD", 33522, "Service prévention, Ville de Talence",
                         dt.date(2026, 3, 12), "active"]])
    book.create_sheet("Feuil9")  # an empty sheet Excel left behind
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_workbook_with_every_kind(geo_engine):
    """Sheets in any order are applied in dependency order; dates, serials and numeric codes are read."""
    with session_scope(geo_engine) as session:
        add_partner(session, "Ville de Bordeaux", "MUNI", "33063")
    tables = read_file("partenariat.xlsx", _workbook())
    assert sorted(table.kind for table in tables) == sorted(
        ["instances", "reseaux", "partenaires", "liens", "actions", "action_partenaires", "indicateurs", "referentiel"])
    partners = next(table for table in tables if table.kind == "partenaires")
    assert partners.header_line == 3 and partners.rows[0].line == 4

    _plan, report = import_tables(geo_engine, tables)
    assert report.lines() == [
        "instances : 1 créé, 0 mis à jour, 0 inchangé",
        "reseaux : 1 créé, 0 mis à jour, 0 inchangé",
        "partenaires : 1 créé, 0 mis à jour, 0 inchangé",
        "liens : 1 créé, 0 mis à jour, 0 inchangé",
        "actions : 1 créé, 0 mis à jour, 0 inchangé",
        "action_partenaires : 2 créés, 0 mis à jour, 0 inchangé",
        "indicateurs : 1 créé, 0 mis à jour, 0 inchangé",
        "referentiel : 1 créé, 0 mis à jour, 0 inchangé",
    ]
    with Session(geo_engine) as session:
        council = session.exec(select(Council).where(Council.name == "CLSPD de Talence")).one()
        assert council.last_plenary == dt.date(2026, 3, 12)
        assert session.exec(select(CouncilTerritory.territory_key)).all() == ["com:33522"]
        thouars = session.exec(select(Partner).where(Partner.name == "Centre social de Thouars")).one()
        assert (thouars.typology, thouars.seat_commune_key, thouars.verified_on) == ("CS", "com:33522", dt.date(2026, 11, 2))
        network = session.exec(select(Network)).one()
        assert session.exec(select(NetworkCouncil.council_id)).all() == [council.id]
        assert len(session.exec(select(NetworkPartner).where(NetworkPartner.network_id == network.id)).all()) == 2
        link = session.exec(select(CooperationLink)).one()
        assert (link.level, link.start_date, link.council_id) == (3, dt.date(2026, 1, 1), council.id)  # serial 46023
        action = session.exec(select(Action)).one()
        assert (action.start_date, action.weekly_hours, action.budget_eur, action.shared) == (dt.date(2025, 9, 1), 4.5, 6000, True)
        assert sorted(session.exec(select(ActionPartner.role)).all()) == ["financeur", "pilote"]
        indicator = session.exec(select(Indicator)).one()
        assert (indicator.year, indicator.people_reached, indicator.online_contacts) == (2026, 120, 950)
        assert session.exec(select(CoverageRule.population_min)).one() == 10000


def test_every_error_is_listed_with_line_column_value_and_reason(mini):
    data = csv_text(
        "nom;typologie;commune_siege;siret;contact_email;verifie_le\n"
        "Mairie annexe;Mairie;33063;;;\n"
        "Maison des ados;SANTE;99999;;;\n"
        "Club de prévention;PREVENTION;33063;1234;;\n"
        "Espace jeunes;MJC;33063;;contact@;31/02/2026\n"
        "Espace jeunes;MJC;33063;;;\n"
    )
    assert refused(mini, [("partenaires.csv", data)]) == [
        "partenaires.csv, ligne 2, colonne typologie : « Mairie » n'est pas une typologie connue (valeurs possibles : "
        "MUNI, EPCI, CD, REG, PREF, CAF, CCAS, CS, CSC, EVS, MJC, MQ, PIJ_BIJ, ML…)",
        "partenaires.csv, ligne 3, colonne commune_siege : « 99999 » n'est ni un code INSEE de commune ni un code "
        "postal connu",
        "partenaires.csv, ligne 4, colonne siret : « 1234 » n'est pas un SIRET (14 chiffres)",
        "partenaires.csv, ligne 5, colonne contact_email : « contact@ » n'est pas une adresse e-mail valide",
        "partenaires.csv, ligne 5, colonne verifie_le : « 31/02/2026 » n'est pas une date qui existe",
        "partenaires.csv, ligne 6, colonne nom : « Espace jeunes » ce partenaire (même nom, même commune) apparaît "
        "deux fois dans l'import (déjà ligne 5)",
    ]


def test_the_message_of_the_issue(mini):
    data = csv_text("nom;typologie;commune_siege;siret\n" + "".join(f"Club {n};ASSO;33063;\n" for n in range(5))
                    + "Club;ASSO;33063;1234\n")
    [problem] = refused(mini, [("partenaires.csv", data)])
    assert problem.endswith("ligne 7, colonne siret : « 1234 » n'est pas un SIRET (14 chiffres)")


def test_missing_required_column(mini):
    data = csv_text("nom;typologie;siret\nClub;ASSO;\n")
    assert refused(mini, [("partenaires.csv", data)]) == [
        "partenaires.csv, ligne 1 : colonne obligatoire absente : commune_siege",
    ]
    data = csv_text("titre;instance;type_action;debut\nAtelier;CLSPD de Bordeaux;evenement;01/01/2026\n")
    assert refused(mini, [("actions.csv", data)]) == [
        "actions.csv, ligne 1 : colonnes obligatoires absentes : statut, territoires, publics",
    ]


def test_partner_referenced_before_it_exists(mini):
    links = csv_text(
        "partenaire_a;partenaire_b;nature;niveau;instance\n"
        "Ville de Bordeaux;Association Inconnue;convention;2;CLSPD de Bordeaux\n"
    )
    assert refused(mini, [("liens.csv", links)]) == [
        "liens.csv, ligne 2, colonne partenaire_b : « Association Inconnue » n'est pas un partenaire connu "
        "(importez-le d'abord dans les partenaires)",
    ]
    partners = csv_text("nom;typologie;commune_siege\nAssociation Inconnue;ASSO;33063\n")
    # the same file is accepted once the partner comes in the same import (applied in dependency order)
    _plan, report = import_tables(mini, read_files([("liens.csv", links), ("partenaires.csv", partners)]))
    assert report.lines() == ["partenaires : 1 créé, 0 mis à jour, 0 inchangé", "liens : 1 créé, 0 mis à jour, 0 inchangé"]


def test_unknown_vocabulary_commune_and_references_in_actions(mini):
    data = csv_text(
        "titre;instance;type_action;statut;debut;fin;territoires;themes;publics\n"
        "Atelier;CLSPD de Mérignac;atelier;en cours;2026-02-30;;Bordeau;ecrans;ados\n"
        "Forum;CLSPD de Bordeaux;evenement;terminee;01/06/2026;01/05/2026;99999|dep:99;;tout_public\n"
    )
    assert refused(mini, [("actions.csv", data)]) == [
        "actions.csv, ligne 2, colonne instance : « CLSPD de Mérignac » n'est pas une instance connue "
        "(importez d'abord les instances)",
        "actions.csv, ligne 2, colonne type_action : « atelier » n'est pas un type d'action connu (valeurs possibles : "
        "presence_en_ligne, maraude_numerique, cyberbase, defi_sans_ecran, sensibilisation_parents, "
        "intervention_scolaire, formation_professionnels, acces_droits_numerique, inclusion_numerique_seniors, "
        "mediation_conflits_en_ligne, groupe_de_travail, evenement)",
        "actions.csv, ligne 2, colonne debut : « 2026-02-30 » n'est pas une date qui existe",
        "actions.csv, ligne 2, colonne territoires : « Bordeau » ne désigne aucun territoire connu (nom, code INSEE "
        "ou code postal attendu) ; vouliez-vous dire : Bordeaux (33063) ?",
        "actions.csv, ligne 2, colonne themes : « ecrans » n'est pas un thème connu (valeurs possibles : "
        "ecrans_parentalite, cyberharcelement, rixes_reseaux_sociaux, prostitution_michetonnage, desinformation, "
        "radicalisation, drogues_addictions, chemsex, cybersexisme, vie_affective_sexualite, isolement, "
        "acces_aux_droits, violences_intrafamiliales)",
        "actions.csv, ligne 2, colonne publics : « ados » n'est pas un public connu (valeurs possibles : enfants, "
        "adolescents, jeunes_adultes, familles, seniors, femmes, professionnels, personnes_en_errance, residents_qpv, "
        "tout_public)",
        "actions.csv, ligne 3, colonne fin : « 01/05/2026 » est avant la date de début",
        "actions.csv, ligne 3, colonne territoires : « 99999 » n'est ni un code INSEE de commune ni un code postal "
        "connu",
        "actions.csv, ligne 3, colonne territoires : « dep:99 » n'est pas un code de département connu",
    ]


def test_rows_of_one_file_fail_together_with_other_files(mini):
    """A valid file is not written when another file of the same import has an error."""
    good = csv_text("nom;typologie;commune_siege\nClub de prévention;PREVENTION;33063\n")
    bad = csv_text("action;instance;partenaire;role\nInconnue;CLSPD de Bordeaux;Club de prévention;pilote\n")
    assert refused(mini, [("partenaires.csv", good), ("action_partenaires.csv", bad)]) == [
        "action_partenaires.csv, ligne 2, colonne action : « Inconnue » n'est pas une action connue de l'instance "
        "« CLSPD de Bordeaux » (importez-la d'abord dans les actions)",
    ]


def test_personal_data_in_notes_is_refused(mini):
    data = csv_text("nom;typologie;commune_siege;notes\nClub;ASSO;33063;Appeler Julie au 06 12 34 56 78\n")
    [problem] = refused(mini, [("partenaires.csv", data)])
    assert problem.startswith("partenaires.csv, ligne 2, colonne notes : « Appeler Julie au 06 12 34 56 78 » contient "
                              "un numéro de téléphone")


def test_too_long_values_are_refused_before_the_database(mini):
    data = csv_text(f"nom;typologie;commune_siege\n{'x' * 201};ASSO;33063\n")
    [problem] = refused(mini, [("partenaires.csv", data)])
    assert problem.endswith("dépasse 200 caractères")
