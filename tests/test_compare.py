"""Comparison of councils on small known data: every indicator, ranks, who does what, the sharing rule,
permissions, past years, and the workbook (openpyxl) and PDF (pypdf) exports."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import Session

from maillage.accounts import SYSTEM, Actor
from maillage.core import NotFoundError, PermissionDenied, ValidationError
from maillage.restitution import (
    BY_CODE,
    INDICATOR_COLUMNS,
    INDICATORS,
    cell_records,
    column_labels,
    comparable_councils,
    comparable_networks,
    compare_councils,
    compare_network,
    comparison_pdf,
    comparison_xlsx,
    default_network,
    indicator_columns,
    indicator_records,
    matrix_records,
    matrix_rows,
    network_by_name,
    ordinal,
    ranking_records,
    ranks,
)
from models import Action
from tests.builders import add_council
from tests.restitution_world import TODAY, build_world


@pytest.fixture
def world(empty_engine):
    with Session(empty_engine) as session:
        built = build_world(session)
        session.commit()
    return empty_engine, built


def _compare(engine, actor, world, year=None):
    with Session(engine) as session:
        return compare_network(session, actor, world.network, year, TODAY)


def _values(comparison, council_id):
    figures = comparison.figures(council_id)
    return {spec.code: figures.value(spec.code) for spec in INDICATORS}


def test_every_indicator_on_known_data(world):
    engine, w = world
    comparison = _compare(engine, SYSTEM, w)
    assert comparison.title == "Réseau test"
    assert [f.name for f in comparison.councils] == ["CLSPD de Bordeaux", "CLSPD de Mérignac"]
    assert comparison.as_of == TODAY and comparison.provisional
    assert _values(comparison, w.bordeaux) == {
        "population": 2000, "partenaires": 5, "liens": 4, "part_liens_niveau_3_4": 0.5, "densite": 0.5,
        "typologies_manquantes": 1, "actions_en_cours": 2, "heures_en_ligne_10000_hab": pytest.approx(30.0),
        "personnes_touchees": 1230, "score_couverture": 0.5, "derniere_pleniere": dt.date(2026, 3, 5),
    }
    assert _values(comparison, w.merignac) == {
        "population": 1000, "partenaires": 2, "liens": 1, "part_liens_niveau_3_4": 0.0, "densite": 1.0,
        "typologies_manquantes": 1, "actions_en_cours": 2, "heures_en_ligne_10000_hab": pytest.approx(50.0),
        "personnes_touchees": 50, "score_couverture": 1.0, "derniere_pleniere": dt.date(2025, 12, 1),
    }
    bordeaux = comparison.figures(w.bordeaux)
    assert bordeaux.missing_typologies == ("Justice (parquet, tribunal)",)
    assert comparison.figures(w.merignac).missing_typologies == ("Éducation nationale",)
    assert bordeaux.active_by_type == {"presence_en_ligne": 1, "cyberbase": 1}
    assert bordeaux.online_actions == 1 and comparison.figures(w.merignac).online_actions == 2
    assert bordeaux.links_high == 2 and bordeaux.communes == 1
    assert bordeaux.coordination_contact == "Coordination CLSPD, Ville de Bordeaux"


def test_ranks(world):
    engine, w = world
    comparison = _compare(engine, SYSTEM, w)
    expected = {  # (Bordeaux, Mérignac)
        "population": (1, 2), "partenaires": (1, 2), "liens": (1, 2), "part_liens_niveau_3_4": (1, 2),
        "densite": (2, 1), "typologies_manquantes": (1, 1), "actions_en_cours": (1, 1),
        "heures_en_ligne_10000_hab": (2, 1), "personnes_touchees": (1, 2), "score_couverture": (2, 1),
        "derniere_pleniere": (1, 2),
    }
    for code, (bdx, mer) in expected.items():
        assert (comparison.ranks[code][w.bordeaux], comparison.ranks[code][w.merignac]) == (bdx, mer), code
    assert [r.council for r in comparison.ranking("score_couverture")] == ["CLSPD de Mérignac", "CLSPD de Bordeaux"]
    assert comparison.ranking("score_couverture")[0].text == "100\u00a0%"
    records = ranking_records(comparison, "densite")
    assert records[0]["label"] == "1er · CLSPD de Mérignac" and records[0]["first"]
    assert records[1]["text"] == "50,0\u00a0%" and records[1]["rank"] == "2e"


def test_rank_rules():
    count = BY_CODE["liens"]
    assert ranks({1: 5, 2: 7, 3: 7, 4: None, 5: 1}, count) == {1: 3, 2: 1, 3: 1, 4: None, 5: 4}
    missing = BY_CODE["typologies_manquantes"]
    assert ranks({1: 0, 2: 3, 3: 0}, missing) == {1: 1, 2: 3, 3: 1}
    plenary = BY_CODE["derniere_pleniere"]
    assert ranks({1: dt.date(2025, 1, 1), 2: dt.date(2026, 1, 1), 3: None}, plenary) == {1: 2, 2: 1, 3: None}
    share = BY_CODE["score_couverture"]
    # 62,5 % and 63,2 % both read « 63 % »: they tie (rounded half up, as shown).
    assert ranks({1: 0.625, 2: 0.632, 3: 0.5}, share) == {1: 1, 2: 1, 3: 3}
    assert share.format(0.625) == "63\u00a0%" and BY_CODE["densite"].format(0.5) == "50,0\u00a0%"
    assert BY_CODE["heures_en_ligne_10000_hab"].format(30) == "30,00"
    assert BY_CODE["population"].format(267991) == "267\u202f991"
    assert plenary.format(dt.date(2026, 3, 5)) == "05/03/2026" and plenary.format(None) == "—"
    assert [ordinal(n) for n in (1, 2, 11, None)] == ["1er", "2e", "11e", "—"]


def test_who_does_what_and_the_sharing_rule(world):
    engine, w = world
    a = w.actions
    network_member = Actor("reseau@test.fr", "reseau", network_ids=frozenset({w.network}))
    coordinator = Actor("coord@bordeaux.fr", "coordinateur", council_ids=frozenset({w.bordeaux}))
    official = Actor("elu@merignac.fr", "elu", council_ids=frozenset({w.merignac}))
    admin = _compare(engine, SYSTEM, w)
    listed = {actor.email: {e.id for items in c.listed.values() for e in items}
              for actor, c in ((SYSTEM, admin), *((x, _compare(engine, x, w)) for x in (network_member, coordinator)))}
    assert listed[SYSTEM.email] == {a["a1"], a["a3"], a["b1"], a["b2"]}
    assert listed["reseau@test.fr"] == {a["a1"], a["b1"]}  # shared ones only
    assert listed["coord@bordeaux.fr"] == {a["a1"], a["a3"], a["b1"]}  # own in full, peer's shared
    with pytest.raises(PermissionDenied):  # elected officials read their summary, not comparisons
        _compare(engine, official, w)

    seen = _compare(engine, network_member, w)
    # Aggregates are the same whoever reads them: counts include unshared actions.
    for council_id in (w.bordeaux, w.merignac):
        assert _values(seen, council_id) == _values(admin, council_id)
    assert seen.matrix == admin.matrix == {(w.bordeaux, "presence_en_ligne"): 1, (w.bordeaux, "cyberbase"): 1,
                                           (w.merignac, "presence_en_ligne"): 1, (w.merignac, "maraude_numerique"): 1}
    cell = seen.cell(w.bordeaux, "cyberbase")
    assert (cell.count, cell.actions, cell.hidden) == (1, (), 1)
    cell = seen.cell(w.merignac, "presence_en_ligne")
    assert cell.count == 1 and cell.hidden == 0
    entry = cell.actions[0]
    assert (entry.title, entry.pilots, entry.partners, entry.people_reached) == (
        "Promeneurs du Net Mérignac", ("Ville de Mérignac",), ("Centre social M",), 40)
    assert cell_records(cell, 2026)[0]["Pilote(s)"] == "Ville de Mérignac"
    assert seen.hidden_total() == 2 and admin.hidden_total() == 0
    assert seen.cell(w.bordeaux, "evenement").count == 0
    assert [code for code, _ in seen.active_types()] == ["presence_en_ligne", "maraude_numerique", "cyberbase"]
    by_cell = {(r["council_id"], r["action_type"]): r for r in matrix_records(seen)}
    assert by_cell[(w.merignac, "maraude_numerique")]["detail"] == "1 en cours, dont 0 visible"
    assert by_cell[(w.bordeaux, "maraude_numerique")]["text"] == "·"


def test_who_may_compare_what(world):
    engine, w = world
    saintes = Actor("coord@saintes.fr", "coordinateur", council_ids=frozenset({w.saintes}))
    member = Actor("reseau@test.fr", "reseau", network_ids=frozenset({w.network}))
    with Session(engine) as session:
        assert comparable_networks(session, member) == {w.network: "Réseau test"}
        assert comparable_networks(session, saintes) == {}
        assert set(comparable_councils(session, member)) == {w.bordeaux, w.merignac}
        assert set(comparable_councils(session, saintes)) == {w.saintes}
        assert set(comparable_councils(session, SYSTEM)) == {w.bordeaux, w.merignac, w.saintes}
        with pytest.raises(PermissionDenied, match="Réseau test"):
            compare_network(session, saintes, w.network, None, TODAY)
        with pytest.raises(PermissionDenied, match="CLSPD de Bordeaux"):
            compare_councils(session, saintes, [w.saintes, w.bordeaux], None, TODAY)
        with pytest.raises(PermissionDenied, match="CLSPD de Saintes"):
            compare_councils(session, member, [w.bordeaux, w.saintes], None, TODAY)
        with pytest.raises(ValidationError, match="au moins une instance"):
            compare_councils(session, SYSTEM, [], None, TODAY)
        with pytest.raises(NotFoundError):
            compare_councils(session, SYSTEM, [999], None, TODAY)
        with pytest.raises(ValidationError, match="2027 n'a pas encore commencé"):
            compare_councils(session, SYSTEM, [w.saintes], 2027, TODAY)
        assert network_by_name(session, "reseau TEST").id == w.network
        with pytest.raises(NotFoundError, match="aucun réseau nommé"):
            network_by_name(session, "Inconnu")
        chosen = compare_councils(session, SYSTEM, [w.saintes, w.bordeaux], None, TODAY)
        assert chosen.title == "2 instances choisies" and chosen.network_id is None
        # Saintes' shared action is visible to its own coordinator, not counted for the others.
        own = compare_councils(session, saintes, [w.saintes], None, TODAY)
        assert own.title == "CLSPD de Saintes" and own.figures(w.saintes).active_actions == 1


def test_past_year_uses_dates_not_todays_status(world):
    engine, w = world
    comparison = _compare(engine, SYSTEM, w, year=2024)
    assert comparison.as_of == dt.date(2024, 12, 31) and not comparison.provisional
    bordeaux = comparison.figures(w.bordeaux)
    # The parents' workshops are « terminée » today but were running at the end of 2024.
    assert bordeaux.active_by_type == {"presence_en_ligne": 1, "sensibilisation_parents": 1}
    assert bordeaux.coverage_score == 1.0
    assert bordeaux.people_reached is None
    assert (bordeaux.links, bordeaux.links_high) == (3, 1)
    assert comparison.ranks["personnes_touchees"] == {w.bordeaux: None, w.merignac: None}
    previous = _compare(engine, SYSTEM, w, year=2025)
    assert previous.figures(w.bordeaux).people_reached == 1050
    assert previous.figures(w.bordeaux).active_by_type == {"presence_en_ligne": 1, "cyberbase": 1}


def test_indicator_table_one_row_per_council(world):
    engine, w = world
    comparison = _compare(engine, SYSTEM, w)
    rows = indicator_records(comparison)
    assert list(rows[0]) == ["Instance", "Population", "Partenaires", "Liens actifs", "Niveau 3-4", "Densité",
                             "Typologies manquantes", "Actions en cours", "En ligne h/10 000 hab.",
                             "Touchées 2026", "Couverture", "Plénière"]
    assert list(indicator_columns(comparison)) == list(rows[0])
    assert indicator_columns(comparison)["Niveau 3-4"].startswith("Part des liens de niveau 3 ou 4. ")
    by_name = {row["Instance"]: row for row in rows}
    assert [row["Instance"] for row in rows] == ["CLSPD de Bordeaux", "CLSPD de Mérignac"]
    assert by_name["CLSPD de Bordeaux"]["Population"] == "2\u202f000 (1er)"
    assert by_name["CLSPD de Bordeaux"]["Touchées 2026"] == "1\u202f230 (1er)"
    assert by_name["CLSPD de Mérignac"]["Densité"] == "100,0\u00a0% (1er)"
    assert by_name["CLSPD de Mérignac"]["Plénière"] == "01/12/2025 (2e)"
    # The reader's own council comes first.
    assert [row["Instance"] for row in indicator_records(comparison, first=w.merignac)] == [
        "CLSPD de Mérignac", "CLSPD de Bordeaux"]
    by_type = {row["Instance"]: row for row in matrix_rows(comparison, first=w.merignac)}
    assert by_type["CLSPD de Bordeaux"]["Cyber-base"] == 1 and by_type["CLSPD de Mérignac"]["Cyber-base"] == 0
    assert list(by_type)[0] == "CLSPD de Mérignac"
    plain = {row["Instance"]: row for row in indicator_records(comparison, with_ranks=False)}
    assert plain["CLSPD de Bordeaux"]["Couverture"] == "50\u00a0%"


def test_workbook_numbers_and_sheets(world):
    engine, w = world
    with Session(engine) as session:
        session.get(Action, w.actions["b1"]).title = "=HYPERLINK(\"http://x\")"
        session.commit()
    member = Actor("reseau@test.fr", "reseau", network_ids=frozenset({w.network}))
    comparison = _compare(engine, member, w)
    book = load_workbook(io.BytesIO(comparison_xlsx(comparison)))
    assert book.sheetnames == ["Indicateurs", "Rangs", "Qui fait quoi", "Actions", "Définitions", "À propos"]
    labels = column_labels(comparison)
    sheet = book["Indicateurs"]
    shown = [c.value for c in sheet[1]]
    assert shown == [labels[code] for code in INDICATOR_COLUMNS]
    assert shown[:4] == ["Instance", "Population couverte", "Communes", "Partenaires"]
    assert "Part des liens de niveau 3 ou 4" in shown and "Personnes touchées en 2026" in shown
    header = list(INDICATOR_COLUMNS)  # read the rows back by code
    rows = {row[0]: dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"CLSPD de Bordeaux", "CLSPD de Mérignac"}
    bdx = rows["CLSPD de Bordeaux"]
    assert (bdx["population"], bdx["partenaires"], bdx["liens"], bdx["liens_niveau_3_4"]) == (2000, 5, 4, 2)
    assert bdx["part_liens_niveau_3_4"] == 0.5 and bdx["densite"] == 0.5 and bdx["score_couverture"] == 0.5
    assert bdx["heures_en_ligne_10000_hab"] == pytest.approx(30.0) and bdx["personnes_touchees"] == 1230
    assert bdx["typologies_manquantes"] == 1 and bdx["typologies_manquantes_detail"] == "Justice (parquet, tribunal)"
    assert bdx["actions_en_cours"] == 2 and bdx["actions_en_ligne"] == 1
    assert bdx["derniere_pleniere"].date() == dt.date(2026, 3, 5)
    assert all(isinstance(bdx[k], (int, float)) for k in ("population", "densite", "score_couverture"))
    assert sheet["H2"].number_format == "0.0%" and sheet["O2"].number_format == "0%"

    matrix = book["Qui fait quoi"]
    header = [c.value for c in matrix[1]]
    assert header[0] == "Instance" and header[-1] == "Total" and "Cyber-base" in header
    table = {row[0]: dict(zip(header, row)) for row in matrix.iter_rows(min_row=2, values_only=True)}
    assert table["CLSPD de Bordeaux"]["Cyber-base"] == 1 and table["CLSPD de Bordeaux"]["Événement"] == 0
    assert table["CLSPD de Mérignac"]["Total"] == 2

    ranks = book["Rangs"]
    assert [c.value for c in ranks[1]][:3] == ["Instance", "Population couverte", "Partenaires"]
    ranks_sheet = {row[0]: row for row in ranks.iter_rows(min_row=2, values_only=True)}
    assert ranks_sheet["CLSPD de Mérignac"][1:] == (2, 2, 2, 2, 1, 1, 1, 1, 2, 1, 2)

    assert [c.value for c in book["Actions"][1]][:3] == ["Instance", "Type d'action", "Titre"]
    actions = list(book["Actions"].iter_rows(min_row=2, values_only=True))
    titles = [row[2] for row in actions]
    assert titles == ["Promeneurs du Net Bordeaux", "'=HYPERLINK(\"http://x\")"]  # shared only, formula neutralised
    assert "Maraude non partagée" not in str(actions) and "Cyber-base interne" not in str(actions)
    definitions = book["Définitions"]
    assert [c.value for c in definitions[1]] == ["Colonne", "Définition", "Rang 1 =", "Code de la colonne"]
    codes = {row[0]: row[3] for row in definitions.iter_rows(min_row=2, values_only=True)}
    assert codes["Part des liens de niveau 3 ou 4"] == "part_liens_niveau_3_4"
    assert codes["Cyber-base"] == "cyberbase"
    # No snake_case code anywhere in a header row: codes are only in the definitions' last column.
    for name in book.sheetnames:
        for value in [c.value for c in book[name][1]]:
            assert "_" not in str(value) and str(value)[:1].isupper(), (name, value)
    about = dict(book["À propos"].iter_rows(min_row=2, values_only=True))
    assert "ne se réimporte pas" in about["Codes des colonnes"]
    assert about["Actions en cours non listées (non partagées)"] == 2 and about["Année"] == 2026


def test_pdf_has_names_figures_and_shared_actions_only(world):
    engine, w = world
    member = Actor("reseau@test.fr", "reseau", network_ids=frozenset({w.network}))
    comparison = _compare(engine, member, w)
    reader = PdfReader(io.BytesIO(comparison_pdf(comparison)))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\u202f", " ").replace("\u00a0", " ")
    for expected in ("Réseau test", "CLSPD de Bordeaux", "CLSPD de Mérignac", "2 000 (1er)", "1 230 (1er)",
                     "50 % (2e)", "30,00", "Promeneurs du Net Mérignac", "Ville de Mérignac",
                     "2 actions en cours non partagées"):
        assert expected in text, expected
    assert "Cyber-base interne" not in text and "Maraude non partagée" not in text
    assert reader.metadata.title == "Comparaison 2026 — Réseau test"


def test_default_network_is_the_largest_of_the_selected_council(world):
    engine, w = world
    with Session(engine) as session:
        assert default_network(session, SYSTEM, w.bordeaux) == w.network
        assert default_network(session, SYSTEM, w.saintes) == w.network  # none of its own: the largest
        saintes = Actor("coord@saintes.fr", "coordinateur", council_ids=frozenset({w.saintes}))
        assert default_network(session, saintes, w.saintes) is None


def test_a_council_with_nothing_yet(empty_engine):
    with Session(empty_engine) as session:
        council = add_council(session, "CISPD en création", [])
        session.commit()
        comparison = compare_councils(session, SYSTEM, [council.id], None, TODAY)
    values = _values(comparison, council.id)
    assert values["population"] == 0 and values["partenaires"] == 0 and values["densite"] is None
    assert values["score_couverture"] is None and values["heures_en_ligne_10000_hab"] is None
    assert values["personnes_touchees"] is None and values["derniere_pleniere"] is None
    assert comparison.ranks["densite"] == {council.id: None}
    assert comparison.active_types() == [] and matrix_records(comparison) == []
    assert load_workbook(io.BytesIO(comparison_xlsx(comparison)))["Indicateurs"]["A2"].value == "CISPD en création"
    assert "CISPD en création" in PdfReader(io.BytesIO(comparison_pdf(comparison))).pages[0].extract_text()
