"""Comparisons of any network size (issue 19, item 4): the figures read in bulk equal the per-council graph's,
a network of more than 60 councils opens on the 60 nearest ones (known answers), the whole network's table and
the command line work for a thousand councils, and what cannot be done is refused in French."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor
from maillage.commands.cli import main
from maillage.core import ValidationError, session_scope
from maillage.exchange import generate_scale
from maillage.restitution import (
    BY_CODE,
    MAX_COUNCILS,
    compare_councils,
    compare_network,
    comparison_csv,
    comparison_pdf,
    comparison_xlsx,
    council_graph,
    graph_figures,
    graph_figures_many,
    indicator_records,
    nearest_councils,
    network_choice,
    ranks,
)
from maillage.vocabularies import Vocabularies
from models import Council, ExpectedTypology, Network, NetworkCouncil, Partner
from tests.apptest import open_app
from tests.builders import add_action, add_council, add_link, add_mini_geography, add_partner
from tests.restitution_world import TODAY, build_world

D = dt.date
COMPARER = "pages/comparer.py"


def _per_council(session, council_ids, as_of):
    """The figures as the comparison computed them before: one graph load per council."""
    vocab = Vocabularies.load(session)
    return {c: graph_figures(council_graph(session, c, as_of), vocab) for c in council_ids}


def _batched(session, council_ids, as_of):
    """The figures read in bulk, in the same tuple shape."""
    return {c: (f.partners, f.links, f.links_high, f.density, f.missing_typologies)
            for c, f in graph_figures_many(session, council_ids, as_of).items()}


def test_bulk_figures_equal_the_per_council_graph_on_the_demo(shared_demo_engine):
    with Session(shared_demo_engine) as session:
        ids = list(session.exec(select(Council.id).order_by(Council.id)))
        for as_of in (dt.date.today(), D(2024, 12, 31), D(2022, 6, 30)):
            assert _batched(session, ids, as_of) == _per_council(session, ids, as_of), as_of


@pytest.fixture
def tricky_world(empty_engine):
    """The restitution world plus what partnerships and graphs have to get right: overlapping councils (an EPCI,
    a département, a sub-territory), partners acting through territories, archived partners, actions in project,
    finished without end date, with partners outside the partnership, links ended or to come."""
    with Session(empty_engine) as session:
        world = build_world(session)
        metro = add_council(session, "CISPD de Bordeaux Métropole", ["epci:243300316"], kind="CISPD")
        gironde = add_council(session, "Mission Gironde", ["dep:33"], kind="CISPD")
        quarter = add_council(session, "CLSPD Benauge", ["sub:33063:benauge"])
        abzac = add_council(session, "CLSPD d'Abzac", ["com:33001"])
        session.add(ExpectedTypology(council_id=quarter.id, codes="MUNI"))
        roving = add_partner(session, "Équipe mobile départementale", "PREVENTION", "17415", territories=["dep:33"])
        local = add_partner(session, "Régie de quartier Benauge", "ASSO", "17415", territories=["sub:33063:benauge"])
        gone = add_partner(session, "Association dissoute", "ASSO", "33063",
                           archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        far = add_partner(session, "Club de Saintes", "SPORT", "17415")
        police = add_partner(session, "Police municipale d'Abzac", "POLICE_MUN", "33001")
        college = session.exec(select(Partner).where(Partner.name == "Collège Nord")).one()
        add_link(session, metro, roving, college, level=4, start=D(2024, 1, 1))
        add_link(session, metro, roving, gone, level=3)
        add_link(session, metro, far, college, level=2, end=D(2025, 3, 1))  # far joins the partnership by the link
        add_link(session, gironde, roving, police, level=1, start=D(2027, 1, 1))  # not started yet
        add_link(session, quarter, local, college, level=3)
        add_action(session, metro, "Maraude commune", status="en_cours", start=D(2025, 1, 1),
                   partners=[(roving, "pilote"), (college, "partenaire"), (gone, "partenaire"), (far, "relais")])
        add_action(session, gironde, "Projet à venir", status="projet", start=D(2025, 1, 1),
                   partners=[(roving, "pilote"), (police, "partenaire")])
        add_action(session, gironde, "Fini sans date", status="terminee", start=D(2023, 1, 1),
                   partners=[(roving, "pilote"), (police, "partenaire"), (college, "relais")])
        add_action(session, abzac, "Seule", start=D(2023, 1, 1), partners=[(police, "pilote")])
        session.commit()
        ids = [world.bordeaux, world.merignac, world.saintes, metro.id, gironde.id, quarter.id, abzac.id]
    return empty_engine, ids


def test_bulk_figures_equal_the_per_council_graph_on_a_hand_built_world(tricky_world):
    engine, ids = tricky_world
    with Session(engine) as session:
        for as_of in (TODAY, D(2024, 12, 31), D(2025, 6, 30), D(2023, 6, 1)):
            batched = _batched(session, ids, as_of)
            assert batched == _per_council(session, ids, as_of), as_of
        figures = graph_figures_many(session, ids, TODAY)
    metro, gironde, quarter, abzac = (figures[c] for c in ids[3:])
    # Known answers: the EPCI council holds both cities' partners, the roving team, the
    # quarter association (by its sub-territory) and the far club (by its link); not the archived one.
    assert metro.partners == 10 and metro.links == 1 and metro.links_high == 1
    assert gironde.links == 0 and gironde.partners == 10
    assert (quarter.partners, quarter.links, quarter.missing_typologies) == (7, 1, ())  # its commune meets
    assert abzac.partners == 2 and abzac.density == 0.0
    # One council alone, or many: the same figures.
    with Session(engine) as session:
        assert _batched(session, [ids[3]], TODAY) == {ids[3]: _batched(session, ids, TODAY)[ids[3]]}
        assert graph_figures_many(session, [], TODAY) == {}


def test_nearest_councils_known_answers(tricky_world):
    engine, ids = tricky_world
    bordeaux, merignac, saintes, metro, gironde, quarter, abzac = ids
    with Session(engine) as session:
        # Bordeaux (2 000 inhabitants, CLSPD): itself, then CLSPD by closeness of population (Benauge, whose
        # quarter counts its commune's 2 000, and Abzac 2 000, by name; then Mérignac and Saintes at 1 000), the
        # CISPD last.
        order = nearest_councils(session, ids, bordeaux, limit=7)
        assert order == [bordeaux, quarter, abzac, merignac, saintes, metro, gironde]
        assert nearest_councils(session, ids, bordeaux, limit=3) == [bordeaux, quarter, abzac]
        # The CISPD of the metropolis (3 000): the other CISPD (Gironde, 5 000) before any CLSPD.
        assert nearest_councils(session, ids, metro, limit=3) == [metro, gironde, quarter]
        # No reference: the most populated.
        assert nearest_councils(session, ids, None, limit=2) == [gironde, metro]


def _large_network(engine, size: int = 65) -> tuple[int, list[int]]:
    """A network of `size` councils on the mini geography (populations 0 to 5 000)."""
    territories = ["com:33063", "com:33281", "com:33001", "com:17415", "epci:243300316", "dep:33",
                   "sub:33063:benauge"]
    with Session(engine) as session:
        add_mini_geography(session)
        network = Network(name="Grand réseau", kind="thematique")
        session.add(network)
        session.flush()
        ids = []
        for index in range(size):
            council = add_council(session, f"CLSPD n° {index + 1:03d}", [territories[index % len(territories)]])
            ville = add_partner(session, f"Ville {index}", "MUNI", "33063")
            asso = add_partner(session, f"Asso {index}", "ASSO", "33281")
            add_link(session, council, ville, asso, level=1 + index % 4)
            add_action(session, council, f"Action {index}", partners=[(ville, "pilote"), (asso, "partenaire")],
                       shared=index % 2 == 0)
            session.add(NetworkCouncil(network_id=network.id, council_id=council.id))
            ids.append(council.id)
        session.commit()
        return network.id, ids


def test_a_network_of_more_than_60_councils(empty_engine):
    network_id, ids = _large_network(empty_engine)
    coordinator = Actor("coord@test.fr", "coordinateur", council_ids=frozenset({ids[9]}))
    with Session(empty_engine) as session:
        choice = network_choice(session, coordinator, network_id, None)
        assert choice.large and len(choice.member_ids) == 65 and len(choice.nearest_ids) == MAX_COUNCILS
        assert choice.nearest_ids[0] == ids[9] and choice.reference == "CLSPD n° 010"
        assert choice.nearest_title() == "Grand réseau — les 60 instances les plus proches de CLSPD n° 010"
        assert "Ce réseau compte 65 instances" in choice.explanation()
        # Every council of the same population as the reference (2 000: Bordeaux, Abzac, the Benauge quarter)
        # comes right after it, by name.
        same = [ids[i] for i in range(65) if i % 7 in (0, 2, 6) and i != 9]
        assert list(choice.nearest_ids[1:len(same) + 1]) == same
        member = Actor("reseau@test.fr", "reseau", network_ids=frozenset({network_id}))
        assert network_choice(session, member, network_id, None).reference is None  # the most populated
        assert network_choice(session, member, network_id, ids[3]).reference_id == ids[3]

        whole = compare_network(session, coordinator, network_id, None, TODAY)  # no cap any more
        table = compare_network(session, coordinator, network_id, None, TODAY, detail=False)
        assert len(whole.councils) == len(table.councils) == 65
        assert [f.__dict__ for f in whole.councils] == [f.__dict__ for f in table.councils]
        assert whole.ranks == table.ranks and whole.listed and not table.listed and not table.detailed
        with pytest.raises(ValidationError, match="PDF : 60 instances au plus"):
            comparison_pdf(whole)
        with pytest.raises(ValidationError, match="PDF : 60 instances au plus"):
            comparison_pdf(compare_councils(session, coordinator, ids[:3], None, TODAY, detail=False))
        assert len(load_workbook(io.BytesIO(comparison_xlsx(table)))["Indicateurs"]["A"]) == 66
        rows = list(csv.reader(io.StringIO(comparison_csv(table).decode("utf-8-sig")), delimiter=";"))
        assert rows[0][:3] == ["Instance", "Population couverte", "Communes"] and len(rows) == 66
        assert rows[1][0] == "CLSPD n° 001"


def test_comparer_page_opens_on_the_nearest_60_for_a_member_of_a_large_network(empty_engine, use_database):
    network_id, ids = _large_network(empty_engine)
    use_database(empty_engine.url.render_as_string(hide_password=False))
    coordinator = Actor("coord@test.fr", "coordinateur", council_ids=frozenset({ids[9]}))
    at = open_app(coordinator, page=COMPARER, council_id=ids[9])
    assert not at.exception and not at.error
    assert at.title[0].value == "Comparer — Grand réseau — les 60 instances les plus proches de CLSPD n° 010"
    assert at.radio(key="cmp_scope").value == "nearest"
    table = at.dataframe[0].value
    assert len(table) == 60 and table.iloc[0]["Instance"] == "CLSPD n° 010"  # own council first
    assert any("Ce réseau compte 65 instances" in c.value for c in at.caption)
    at.radio(key="cmp_scope").set_value("whole").run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Comparer — Grand réseau"
    assert len(at.dataframe[0].value) == 65
    assert any("60 instances au plus" in i.value for i in at.info)  # charts and actions: the nearest ones
    with Session(empty_engine) as session:
        expected = indicator_records(compare_network(session, SYSTEM, network_id, None, dt.date.today(),
                                                     detail=False), first=ids[9])
    assert at.dataframe[0].value.to_dict("records") == expected
    assert {b.proto.label for b in at.get("download_button")} == {"Classeur (XLSX)", "Indicateurs (CSV)"}


def test_compare_command_for_a_network_of_1000_councils(db_factory, use_database, tmp_path, capsys):
    engine = db_factory.engine("geo")
    generate_scale(engine, councils=1000, partners=2000, links=3000, actions=2000, seed=3)
    with session_scope(engine) as session:
        # The generator writes its ids itself (PostgreSQL's sequences are not moved): the next id, explicitly.
        network = Network(id=(session.exec(select(func.max(Network.id))).one() or 0) + 1, name="Tout le pays",
                          kind="thematique")
        session.add(network)
        session.flush()
        session.add_all([NetworkCouncil(network_id=network.id, council_id=c) for c in session.exec(select(Council.id))])
    use_database(engine.url.render_as_string(hide_password=False))
    out = tmp_path / "pays.csv"
    assert main(["compare", "--network", "Tout le pays", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "« Tout le pays »" in printed and "000 instances" in printed
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1001 and rows[0][0] == "Instance"
    assert sum(int(row[1]) for row in rows[1:]) > 60_000_000  # every commune of France, covered once
    book = tmp_path / "pays.xlsx"
    assert main(["compare", "--network", "Tout le pays", "--out", str(book)]) == 0
    assert load_workbook(book, read_only=True)["Indicateurs"].max_row == 1001
    assert main(["compare", "--network", "Tout le pays", "--out", str(tmp_path / "pays.pdf")]) == 1
    assert "PDF : 60 instances au plus" in capsys.readouterr().err


def test_ranks_of_a_thousand_values_equal_the_plain_count():
    """Ranks are computed by sorting once; they equal 1 + the number of strictly better values (ties share)."""
    import random

    rng = random.Random(5)
    for code in ("liens", "typologies_manquantes", "derniere_pleniere", "score_couverture", "population"):
        spec = BY_CODE[code]
        values = {}
        for key in range(1000):
            if rng.random() < 0.05:
                values[key] = None
            elif spec.kind == "date":
                values[key] = D(2020, 1, 1) + dt.timedelta(days=rng.randrange(400))
            elif spec.kind == "percent":
                values[key] = rng.randrange(0, 200) / 199
            else:
                values[key] = rng.randrange(0, 50)
        shown = {k: spec.rank_value(v) for k, v in values.items()}
        known = [v for v in shown.values() if v is not None]
        low = spec.better == "low" and spec.kind != "date"
        expected = {k: None if v is None else 1 + sum(1 for o in known if (o < v if low else o > v))
                    for k, v in shown.items()}
        assert ranks(values, spec) == expected, code
