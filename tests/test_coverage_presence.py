"""Presence (whatever the frame expects) on a hand-built world: reach through the commune, a sub-territory,
the EPCI, the département and the région; planned, lapsed and none; the two truths of a matrix cell;
`gaps --presence` known answers; the network question and who may ask it."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from maillage.accounts import SYSTEM, Actor
from maillage.commands.cli import main
from maillage.core import NotFoundError, PermissionDenied, ValidationError
from maillage.coverage import (
    PresenceQuery,
    absence_sentence,
    actions_behind,
    build_matrix,
    cell_explanation,
    cell_label,
    cell_text,
    clean_query,
    council_coverage,
    council_presence,
    network_presence,
    network_presence_records,
    readable_networks,
)
from maillage.vocabularies import Vocabularies
from models import CoverageRule, Network, NetworkCouncil
from tests.builders import add_action, add_council, add_mini_geography

AS_OF = dt.date(2026, 11, 29)
HEADER = ["territory_code", "territory_name", "population", "action_type", "public", "theme", "status", "count",
          "since", "actions"]


@pytest.fixture
def world(empty_engine, use_database):
    """Bordeaux (quartier Benauge) and Mérignac in Bordeaux Métropole, Abzac in Gironde outside any EPCI,
    Saintes in Charente-Maritime; all in Nouvelle-Aquitaine."""
    with Session(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "Instance test", ["com:33063", "com:33281", "com:33001", "com:17415"])
        session.add(CoverageRule(council_id=council.id, action_type="presence_en_ligne", public="adolescents",
                                 population_min=1500))
        add_action(session, council, "Direct Saintes", territories=["com:17415"], start=dt.date(2022, 3, 1))
        add_action(session, council, "Quartier Benauge", territories=["sub:33063:benauge"], start=dt.date(2023, 1, 2),
                   publics=["adolescents", "jeunes_adultes"])
        add_action(session, council, "Métropole en projet", territories=["epci:243300316"], status="projet",
                   start=dt.date(2027, 1, 4))
        add_action(session, council, "Gironde terminée", territories=["dep:33"], status="en_cours",
                   start=dt.date(2021, 1, 4), end=dt.date(2025, 6, 30))
        add_action(session, council, "Défi régional", action_type="defi_sans_ecran", territories=["reg:75"],
                   publics=["enfants"], start=dt.date(2024, 3, 4))
        other = add_council(session, "Autre instance", ["com:17415"])
        add_action(session, other, "Partagée par l'autre", territories=["com:33001"], start=dt.date(2020, 5, 4),
                   shared=True)
        add_action(session, other, "Non partagée", action_type="cyberbase", territories=["com:33001"],
                   start=dt.date(2020, 5, 4), shared=False)
        network = Network(name="Réseau test", kind="regional")
        session.add(network)
        session.flush()
        session.add(NetworkCouncil(network_id=network.id, council_id=council.id))
        session.add(NetworkCouncil(network_id=network.id, council_id=other.id))
        session.commit()
        ids = {"council": council.id, "other": other.id, "network": network.id}
    use_database(empty_engine.url.render_as_string(hide_password=False))
    return empty_engine, ids


def _by_code(presence):
    return {row.code: row for row in presence.rows}


def test_presence_statuses_and_reach(world):
    engine, ids = world
    with Session(engine) as session:
        presence = council_presence(session, SYSTEM, ids["council"], PresenceQuery("presence_en_ligne"), AS_OF)
        vocab = Vocabularies.load(session)
    rows = _by_code(presence)
    assert {code: row.status for code, row in rows.items()} == {
        "33063": "present", "33281": "planned", "33001": "present", "17415": "present"}
    titles = {code: sorted(presence.actions[a].title for a in row.action_ids) for code, row in rows.items()}
    assert titles == {"33063": ["Quartier Benauge"], "33281": ["Métropole en projet"],
                      "33001": ["Partagée par l'autre"], "17415": ["Direct Saintes"]}
    assert rows["17415"].since == dt.date(2022, 3, 1) and rows["33281"].since is None
    assert rows["33063"].covering_ids != rows["33063"].action_ids  # the planned EPCI action reaches it too
    reach = {code: presence.reaches(code, row.action_ids[0]) for code, row in rows.items()}
    assert reach == {"33063": ["par le quartier Benauge"], "33281": ["par l'EPCI Bordeaux Métropole"],
                     "33001": ["directement"], "17415": ["directement"]}
    gironde = next(a for a in presence.actions.values() if a.title == "Gironde terminée")
    assert presence.reaches("33001", gironde.id) == ["par le département Gironde"]
    assert absence_sentence(presence, vocab).startswith("1 commune sur 4 n'a aucune action en cours de type "
                                                        "« Présence éducative en ligne")
    assert "dont 1 avec seulement une action prévue" in absence_sentence(presence, vocab)


def test_lapsed_none_region_and_public(world):
    engine, ids = world
    with Session(engine) as session:
        defi = council_presence(session, SYSTEM, ids["council"], PresenceQuery("defi_sans_ecran"), AS_OF)
        cyber = council_presence(session, SYSTEM, ids["council"], PresenceQuery("cyberbase"), AS_OF)
        young = council_presence(session, SYSTEM, ids["council"], PresenceQuery("presence_en_ligne", "jeunes_adultes"),
                                 AS_OF)
        before = council_presence(session, SYSTEM, ids["council"], PresenceQuery("presence_en_ligne"),
                                  dt.date(2021, 6, 1))
    assert {r.status for r in defi.rows} == {"present"}
    assert defi.reaches("17415", defi.rows[0].action_ids[0]) == ["par la région Nouvelle-Aquitaine"]
    assert {r.status for r in cyber.rows} == {"none"}  # the other council's cyberbase is not shared
    assert {r.code: r.status for r in young.rows} == {"33063": "present", "33281": "none", "33001": "none",
                                                     "17415": "none"}
    # In June 2021 the département action (past its end date in 2026) was running; Saintes' was not started yet.
    assert {r.code: r.status for r in before.rows} == {"33063": "present", "33281": "present", "33001": "present",
                                                      "17415": "planned"}


def test_lapsed_status(world):
    engine, ids = world
    with Session(engine) as session:
        # Drop the shared action's network: Abzac keeps only the lapsed département action.
        session.exec(NetworkCouncil.__table__.delete())
        session.commit()
        presence = council_presence(session, SYSTEM, ids["council"], PresenceQuery("presence_en_ligne"), AS_OF)
    abzac = _by_code(presence)["33001"]
    assert abzac.status == "lapsed"
    assert [presence.actions[a].title for a in abzac.action_ids] == ["Gironde terminée"]


def test_matrix_cell_says_both_truths(world):
    engine, ids = world
    with Session(engine) as session:
        cov = council_coverage(session, SYSTEM, ids["council"], AS_OF)
        vocab = Vocabularies.load(session)
    matrix = build_matrix(cov, "type", "commune", vocab)
    saintes = matrix.cell("com:17415", "presence_en_ligne")
    merignac = matrix.cell("com:33281", "presence_en_ligne")
    bordeaux = matrix.cell("com:33063", "presence_en_ligne")
    assert (saintes.status, cell_label(saintes), cell_text(saintes)) == ("not_expected", "Non attendu · couvert", "(✓)")
    assert (merignac.status, cell_label(merignac), cell_text(merignac)) == ("not_expected", "Non attendu · prévu", "(P)")
    assert (bordeaux.status, cell_label(bordeaux), cell_text(bordeaux)) == ("active", "Couvert", "✓")
    assert saintes.display_status == "not_expected_present" and merignac.display_status == "not_expected"
    assert cell_explanation(cov, saintes, vocab) == [
        "Présence éducative en ligne (Promeneurs du Net) — Adolescents (12-17 ans) à Saintes : non attendu "
        "(seuil : 1\u202f500 habitants ; Saintes : 1\u202f000) · couvert (1 action en cours)"]
    assert "attendu, couvert (seuil : 1\u202f500 habitants ; Bordeaux : 2\u202f000)" in cell_explanation(cov, bordeaux, vocab)[0]
    lines = actions_behind(cov, bordeaux)
    assert [(line.title, line.reach) for line in lines] == [
        ("Quartier Benauge", ("par le quartier Benauge",)), ("Métropole en projet", ("par l'EPCI Bordeaux Métropole",)),
        ("Gironde terminée", ("par le département Gironde",))]
    by_epci = build_matrix(cov, "type", "epci", vocab)
    metropole = by_epci.cell("epci:243300316", "presence_en_ligne")
    assert cell_label(metropole) == "Couvert"
    # Status filter: « Non attendu · couvert » keeps the rows that have such a cell.
    kept = matrix.filtered(statuses={"not_expected_present"})
    assert [r.key for r in kept.rows] == ["com:17415"]


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_presence_known_answers(world, capsys):
    code, out, err = _run(capsys, "gaps", "--council", "instance TEST", "--presence", "--column", "presence_en_ligne",
                          "--as-of", "29/11/2026", "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == HEADER
    assert rows[1:] == [
        ["17415", "Saintes", "1000", "presence_en_ligne", "", "", "present", "1", "2022-03-01", "Direct Saintes"],
        ["33001", "Abzac", "2000", "presence_en_ligne", "", "", "present", "1", "2020-05-04", "Partagée par l'autre"],
        ["33063", "Bordeaux", "2000", "presence_en_ligne", "", "", "present", "1", "2023-01-02", "Quartier Benauge"],
        ["33281", "Mérignac", "1000", "presence_en_ligne", "", "", "planned", "1", "", "Métropole en projet"],
    ]
    code, out, err = _run(capsys, "gaps", "--council", "Instance test", "--presence", "--column", "Cyber-base",
                          "--as-of", "2026-11-29")
    assert code == 0, err
    assert [r[6:8] for r in list(csv.reader(io.StringIO(out)))[1:]] == [["none", "0"]] * 4
    code, out, err = _run(capsys, "gaps", "--council", "Instance test", "--presence", "--column", "presence_en_ligne",
                          "--public", "jeunes_adultes", "--as-of", "2026-11-29")
    assert [(r[0], r[4], r[6]) for r in list(csv.reader(io.StringIO(out)))[1:]] == [
        ("17415", "jeunes_adultes", "none"), ("33001", "jeunes_adultes", "none"),
        ("33063", "jeunes_adultes", "present"), ("33281", "jeunes_adultes", "none")]


def test_cli_presence_all_columns_all_councils_and_xlsx(world, capsys, tmp_path):
    code, out, err = _run(capsys, "gaps", "--council", "Instance test", "--presence", "--as-of", "2026-11-29")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))[1:]
    with Session(world[0]) as session:
        types = Vocabularies.load(session).codes("action_type")
    assert len(rows) == 4 * len(types)
    assert {r[6] for r in rows if r[3] == "defi_sans_ecran"} == {"present"}
    code, out, err = _run(capsys, "gaps", "--all", "--presence", "--column", "presence_en_ligne", "--as-of", "2026-11-29")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["council"] + HEADER
    assert [(r[0], r[1], r[7]) for r in rows[1:]] == [
        ("Autre instance", "17415", "none"),
        ("Instance test", "17415", "present"), ("Instance test", "33001", "present"),
        ("Instance test", "33063", "present"), ("Instance test", "33281", "planned")]
    target = tmp_path / "presence.xlsx"
    code, _out, err = _run(capsys, "gaps", "--all", "--presence", "--column", "presence_en_ligne", "--as-of",
                           "2026-11-29", "--format", "xlsx", "--output", str(target))
    assert code == 0, err
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[1]] == ["council"] + HEADER
    assert sheet.max_row == 6


def test_cli_presence_bad_input(world, capsys):
    code, _out, err = _run(capsys, "gaps", "--council", "Instance test", "--presence", "--column", "inconnu")
    assert code != 0 and "type d'action inconnu : « inconnu »" in err
    code, _out, err = _run(capsys, "gaps", "--council", "Instance test", "--column", "presence_en_ligne")
    assert code != 0 and "--presence" in err
    code, _out, err = _run(capsys, "gaps", "--council", "Instance test", "--presence", "--by", "public",
                           "--public", "enfants")
    assert code != 0 and "--column" in err


def test_clean_query_refuses_unknown_values(world):
    with Session(world[0]) as session:
        vocab = Vocabularies.load(session)
    assert clean_query(vocab, "Défi sans écran", "enfants") == PresenceQuery("defi_sans_ecran", "enfants")
    with pytest.raises(ValidationError) as error:
        clean_query(vocab, "x", "y")
    assert "type d'action inconnu" in str(error.value) and "public inconnu" in str(error.value)


def test_network_presence_for_members_and_coordinators(world):
    engine, ids = world
    member = Actor("r@reseau.fr", "reseau", network_ids=frozenset({ids["network"]}))
    coordinator = Actor("c@autre.fr", "coordinateur", council_ids=frozenset({ids["other"]}))
    official = Actor("e@x.fr", "elu", council_ids=frozenset({ids["council"]}))
    stranger = Actor("s@x.fr", "reseau", network_ids=frozenset())
    with Session(engine) as session:
        assert readable_networks(session, member) == [(ids["network"], "Réseau test")]
        assert readable_networks(session, coordinator) == [(ids["network"], "Réseau test")]
        answers = network_presence(session, member, ids["network"], PresenceQuery("presence_en_ligne"), AS_OF)
        assert [(a.name, a.shared_only) for a in answers] == [("Autre instance", True), ("Instance test", True)]
        # Shared actions only for a network member: the council's own unshared actions do not count.
        assert {r.code: r.status for r in answers[1].rows} == {"33063": "none", "33281": "none", "33001": "present",
                                                              "17415": "none"}
        as_coordinator = network_presence(session, coordinator, ids["network"], PresenceQuery("presence_en_ligne"), AS_OF)
        assert [a.shared_only for a in as_coordinator] == [False, True]
        records = network_presence_records(answers, "commune")
        assert list(records[0]) == ["Instance", "Commune", "Code INSEE", "Population", "Présence", "Actions",
                                    "Depuis le", "Titres"]
        councils = network_presence_records(answers, "council")
        assert councils[1]["Communes sans action en cours"] == 3
        assert councils[1]["Habitants concernés"] == 4000
        for actor in (official, stranger):
            with pytest.raises(PermissionDenied):
                network_presence(session, actor, ids["network"], PresenceQuery("presence_en_ligne"), AS_OF)
        with pytest.raises(NotFoundError):
            network_presence(session, SYSTEM, 9999, PresenceQuery("presence_en_ligne"), AS_OF)
