"""Coverage: known answers for every status, coverage through EPCI/département/région/sub-territory,
`as_of`, population thresholds, visibility of other councils' actions, scores and per-capita figures."""

import datetime as dt

import pytest
from sqlmodel import Session

from maillage.accounts import SYSTEM, Actor
from maillage.core import PermissionDenied
from maillage.coverage import (
    DEFAULT_FRAME,
    all_coverage,
    build_matrix,
    compute_all,
    council_coverage,
    council_summary,
    load_council_coverage,
    load_snapshot,
    summaries_by,
)
from models import ActionTheme, CoverageRule, Network, NetworkCouncil
from tests.builders import add_action, add_council, add_mini_geography

AS_OF = dt.date(2026, 11, 29)
PEL = ("presence_en_ligne", "adolescents")


def _rules(session, council, *rules):
    for action_type, public, minimum in rules:
        session.add(CoverageRule(council_id=council.id, action_type=action_type, public=public, population_min=minimum))
    session.flush()


def _network(session, name, *councils):
    network = Network(name=name, kind="regional")
    session.add(network)
    session.flush()
    for council in councils:
        session.add(NetworkCouncil(network_id=network.id, council_id=council.id))
    session.flush()
    return network


def _status(cov, commune, action_type="presence_en_ligne", public="adolescents"):
    found = [c for c in cov.cells if (c.commune, c.action_type, c.public) == (commune, action_type, public)]
    assert len(found) == 1, (commune, action_type, public)
    return found[0].status


def _titles(cov, commune, action_type="presence_en_ligne", public="adolescents"):
    cell = next(c for c in cov.cells if (c.commune, c.action_type, c.public) == (commune, action_type, public))
    return sorted(cov.actions[a].title for a in cell.action_ids)


@pytest.fixture
def world(empty_engine):
    """A council over Bordeaux, Mérignac (same EPCI) and Abzac (no EPCI), with a two-rule frame."""
    with Session(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CLSPD test", ["com:33063", "com:33281", "com:33001"])
        _rules(session, council, ("presence_en_ligne", "adolescents", 0), ("defi_sans_ecran", "enfants", 1500))
        session.commit()
        return empty_engine, council.id


def _coverage(engine, council_id, as_of=AS_OF):
    with Session(engine) as session:
        return council_coverage(session, SYSTEM, council_id, as_of)


def _council(session, council_id):
    from models import Council
    return session.get(Council, council_id)


def test_each_status_known_answer(world):
    engine, council_id = world
    with Session(engine) as session:
        council = _council(session, council_id)
        add_action(session, council, "En cours à Bordeaux", status="en_cours", territories=["com:33063"])
        add_action(session, council, "Projet à Mérignac", status="projet", territories=["com:33281"])
        add_action(session, council, "Suspendue à Abzac", status="suspendue", territories=["com:33001"])
        add_action(session, council, "Défi à Mérignac", action_type="defi_sans_ecran", publics=["enfants"],
                   territories=["com:33281"])
        session.commit()
    cov = _coverage(engine, council_id)
    assert _status(cov, "33063") == "active"
    assert _titles(cov, "33063") == ["En cours à Bordeaux"]
    assert _status(cov, "33281") == "planned"
    assert _status(cov, "33001") == "lapsed"
    assert _titles(cov, "33001") == ["Suspendue à Abzac"]
    assert _status(cov, "33063", "defi_sans_ecran", "enfants") == "missing"
    assert _status(cov, "33001", "defi_sans_ecran", "enfants") == "missing"
    # Mérignac (1 000 inhabitants) is below the 1 500 threshold: not expected, even with an action there.
    assert _status(cov, "33281", "defi_sans_ecran", "enfants") == "not_expected"
    assert cov.counts() == {"active": 1, "planned": 1, "lapsed": 1, "missing": 2, "not_expected": 1}
    assert cov.score == pytest.approx(1 / 5)


def test_best_action_decides_and_only_its_type_and_public_count(world):
    engine, council_id = world
    with Session(engine) as session:
        council = _council(session, council_id)
        add_action(session, council, "Ancienne", status="terminee", end=dt.date(2025, 6, 30), territories=["com:33063"])
        add_action(session, council, "Actuelle", status="en_cours", territories=["com:33063"])
        add_action(session, council, "Autre public", status="en_cours", publics=["familles"], territories=["com:33281"])
        add_action(session, council, "Autre type", action_type="cyberbase", territories=["com:33001"])
        session.commit()
    cov = _coverage(engine, council_id)
    assert _status(cov, "33063") == "active"
    assert _titles(cov, "33063") == ["Actuelle"]
    cell = next(c for c in cov.cells if c.commune == "33063" and c.action_type == "presence_en_ligne")
    assert sorted(cov.actions[a].title for a in cell.covering_ids) == ["Actuelle", "Ancienne"]
    assert _status(cov, "33281") == "missing"
    assert _status(cov, "33001") == "missing"


@pytest.mark.parametrize("territory, expected", [
    ("epci:243300316", {"33063": "active", "33281": "active", "33001": "missing"}),
    ("dep:33", {"33063": "active", "33281": "active", "33001": "active"}),
    ("dep:17", {"33063": "missing", "33281": "missing", "33001": "missing"}),
    ("reg:75", {"33063": "active", "33281": "active", "33001": "active"}),
    ("sub:33063:benauge", {"33063": "active", "33281": "missing", "33001": "missing"}),
    ("com:17415", {"33063": "missing", "33281": "missing", "33001": "missing"}),
])
def test_coverage_through_wider_territories_and_sub_territories(world, territory, expected):
    engine, council_id = world
    with Session(engine) as session:
        add_action(session, _council(session, council_id), "Action", territories=[territory])
        session.commit()
    cov = _coverage(engine, council_id)
    assert {code: _status(cov, code) for code in expected} == expected


def test_council_given_as_epci_covers_its_communes(empty_engine):
    with Session(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CISPD métropole", ["epci:243300316"])
        add_action(session, council, "Sur Mérignac", territories=["com:33281"])
        session.commit()
        council_id = council.id
    cov = _coverage(empty_engine, council_id)
    assert [c.code for c in cov.communes] == ["33063", "33281"]
    assert cov.frame_is_default and cov.frame == tuple(sorted(DEFAULT_FRAME))
    assert _status(cov, "33281") == "not_expected"  # default frame: online presence from 10 000 inhabitants
    assert _status(cov, "33063", "sensibilisation_parents", "familles") == "missing"


def test_as_of_changes_the_status(world):
    engine, council_id = world
    with Session(engine) as session:
        council = _council(session, council_id)
        add_action(session, council, "Jusqu'en juin 2025", status="en_cours", start=dt.date(2024, 1, 1),
                   end=dt.date(2025, 6, 30), territories=["com:33063"])
        add_action(session, council, "Dès 2027", status="en_cours", start=dt.date(2027, 1, 1), territories=["com:33281"])
        add_action(session, council, "Projet passé", status="projet", start=dt.date(2024, 1, 1),
                   end=dt.date(2025, 1, 31), territories=["com:33001"])
        session.commit()
    before = _coverage(engine, council_id, dt.date(2025, 1, 15))
    assert _status(before, "33063") == "active"
    assert _status(before, "33001") == "planned"
    on_end_day = _coverage(engine, council_id, dt.date(2025, 6, 30))
    assert _status(on_end_day, "33063") == "active"
    after = _coverage(engine, council_id, AS_OF)
    assert _status(after, "33063") == "lapsed"
    assert _status(after, "33281") == "planned"  # en cours, but not started at that date
    assert _status(after, "33001") == "lapsed"  # a project whose end date has passed
    started = _coverage(engine, council_id, dt.date(2027, 2, 1))
    assert _status(started, "33281") == "active"


@pytest.mark.parametrize("minimum, status", [(1999, "missing"), (2000, "missing"), (2001, "not_expected")])
def test_population_threshold_is_inclusive(empty_engine, minimum, status):
    with Session(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "Seuil", ["com:33063"])  # Bordeaux: 2 000 inhabitants here
        _rules(session, council, ("cyberbase", "adolescents", minimum))
        session.commit()
        council_id = council.id
    cov = _coverage(empty_engine, council_id)
    assert _status(cov, "33063", "cyberbase", "adolescents") == status
    assert cov.expected == (0 if status == "not_expected" else 1)
    assert cov.score == (None if status == "not_expected" else 0.0)


def test_other_councils_count_only_through_shared_actions_of_network_peers(world):
    engine, council_id = world
    with Session(engine) as session:
        council = _council(session, council_id)
        peer = add_council(session, "CLSPD pair", ["com:17415"])
        stranger = add_council(session, "CLSPD étranger", ["com:17415"])
        _network(session, "Réseau régional", council, peer)
        add_action(session, peer, "Partagée du pair", territories=["com:33063"], shared=True)
        add_action(session, peer, "Non partagée du pair", territories=["com:33281"], shared=False)
        add_action(session, stranger, "Partagée hors réseau", territories=["com:33001"], shared=True)
        session.commit()
    cov = _coverage(engine, council_id)
    assert _status(cov, "33063") == "active"
    assert _titles(cov, "33063") == ["Partagée du pair"]
    assert _status(cov, "33281") == "missing"
    assert _status(cov, "33001") == "missing"
    assert cov.council_names[cov.actions[next(iter(cov.actions))].council_id] == "CLSPD pair"


def test_shared_only_reader_sees_shared_actions_only(world):
    engine, council_id = world
    with Session(engine) as session:
        council = _council(session, council_id)
        add_action(session, council, "Interne", territories=["com:33063"], shared=False)
        add_action(session, council, "Partagée", territories=["com:33281"], shared=True)
        network = _network(session, "Réseau", council)
        session.commit()
        member = Actor("membre@reseau.fr", "reseau", network_ids=frozenset({network.id}))
        outsider = Actor("autre@reseau.fr", "reseau", network_ids=frozenset({network.id + 100}))
        cov = council_coverage(session, member, council_id, AS_OF)
        with pytest.raises(PermissionDenied):
            council_coverage(session, outsider, council_id, AS_OF)
        with pytest.raises(PermissionDenied):
            council_coverage(session, Actor("coord@ville.fr", "coordinateur", council_ids=frozenset({999})),
                             council_id, AS_OF)
    assert cov.shared_only
    assert _status(cov, "33063") == "missing"
    assert _status(cov, "33281") == "active"


def test_archived_actions_do_not_count(world):
    engine, council_id = world
    with Session(engine) as session:
        add_action(session, _council(session, council_id), "Archivée", territories=["com:33063"],
                   archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        session.commit()
    assert _status(_coverage(engine, council_id), "33063") == "missing"


def test_scores_and_per_capita_figures(world):
    engine, council_id = world
    with Session(engine) as session:
        council = _council(session, council_id)
        # 10 h a week online over the EPCI (Bordeaux 2 000 + Mérignac 1 000 inhabitants).
        add_action(session, council, "En ligne EPCI", territories=["epci:243300316"], mode="en_ligne", weekly_hours=10)
        # 4 h a week on site in Abzac: an action, but no online hours.
        add_action(session, council, "Sur site Abzac", action_type="defi_sans_ecran", publics=["enfants"],
                   territories=["com:33001"], mode="site", weekly_hours=4)
        # Lapsed online action: no hours.
        add_action(session, council, "Finie", status="terminee", end=dt.date(2025, 1, 1),
                   territories=["com:33001"], mode="en_ligne", weekly_hours=50)
        session.commit()
    cov = _coverage(engine, council_id)
    assert cov.online_hours["33063"] == pytest.approx(10 * 2000 / 3000)
    assert cov.online_hours["33281"] == pytest.approx(10 * 1000 / 3000)
    assert cov.online_hours["33001"] == 0
    assert cov.population == 5000
    assert cov.online_hours_per_10k() == pytest.approx(10 / 5000 * 10_000)
    assert cov.actions_per_10k() == pytest.approx(2 / 5000 * 10_000)
    assert cov.actions_per_10k(["33001"]) == pytest.approx(1 / 2000 * 10_000)
    scores = cov.commune_scores()
    # Bordeaux: PEL active, défi missing; Mérignac: PEL active (défi not expected); Abzac: PEL lapsed, défi active.
    assert scores == {"33001": 0.5, "33063": 0.5, "33281": 1.0}
    whole = council_summary(cov)
    assert (whole.expected, whole.counts["active"], whole.score) == (5, 3, pytest.approx(3 / 5))
    by_epci = {s.key: s for s in summaries_by(cov, "epci")}
    assert set(by_epci) == {"epci:243300316", "epci:-"}
    assert by_epci["epci:243300316"].label == "Bordeaux Métropole"
    assert by_epci["epci:243300316"].score == pytest.approx(2 / 3)
    assert by_epci["epci:-"].label == "Communes hors EPCI"
    assert by_epci["epci:243300316"].online_hours_per_10k == pytest.approx(10 / 3000 * 10_000)


def test_matrix_by_type_public_theme_and_rows_by_epci(world):
    engine, council_id = world
    with Session(engine) as session:
        council = _council(session, council_id)
        _rules(session, council, ("presence_en_ligne", "jeunes_adultes", 0))
        teens = add_action(session, council, "PEL ados", territories=["com:33063"])
        add_action(session, council, "Défi projeté", action_type="defi_sans_ecran", status="projet",
                   publics=["enfants"], territories=["com:33001"])
        session.add(ActionTheme(action_id=teens.id, theme="cyberharcelement"))
        session.commit()
    cov = _coverage(engine, council_id)
    by_type = build_matrix(cov, "type", "commune")
    assert [c.key for c in by_type.columns] == ["presence_en_ligne", "defi_sans_ecran"]
    cell = by_type.cell("com:33063", "presence_en_ligne")
    assert (cell.status, cell.active, cell.expected) == ("missing", 1, 2)  # teens covered, young adults not
    assert by_type.cell("com:33001", "defi_sans_ecran").status == "planned"
    assert by_type.cell("com:33281", "defi_sans_ecran").status == "not_expected"
    by_public = build_matrix(cov, "public", "commune")
    assert {c.key for c in by_public.columns} == {"adolescents", "jeunes_adultes", "enfants"}
    assert by_public.cell("com:33063", "adolescents").status == "active"
    by_rule = build_matrix(cov, "rule", "commune")
    assert by_rule.cell("com:33063", "presence_en_ligne|jeunes_adultes").status == "missing"
    epci = build_matrix(cov, "type", "epci")
    assert [r.key for r in epci.rows] == ["epci:243300316", "epci:-"]
    grouped = epci.cell("epci:243300316", "presence_en_ligne")
    assert (grouped.active, grouped.expected, grouped.status) == (1, 4, "missing")
    themes = build_matrix(cov, "theme", "commune")
    assert themes.cell("com:33063", "cyberharcelement").status == "active"
    assert themes.cell("com:33281", "cyberharcelement").status == "none"
    wide = by_type.wide_rows()
    assert wide[0]["Territoire"] == "Abzac (33001)"
    assert "Score de couverture" in wide[0]
    filtered = by_type.filtered(statuses={"planned"})
    assert [r.key for r in filtered.rows] == ["com:33001"]
    assert [r.key for r in by_type.filtered(search="merignac").rows] == ["com:33281"]


def test_global_and_targeted_loads_agree(world):
    engine, council_id = world
    with Session(engine) as session:
        council = _council(session, council_id)
        other = add_council(session, "Autre", ["dep:17", "com:33001"])
        _network(session, "R", council, other)
        add_action(session, council, "A", territories=["epci:243300316"])
        add_action(session, other, "B", territories=["dep:33"], shared=True, status="projet")
        add_action(session, other, "C", territories=["com:17415"], shared=False)
        session.commit()
        bulk = {c.council_id: c for c in all_coverage(session, SYSTEM, AS_OF)}
        everything = {c.council_id: c for c in compute_all(load_snapshot(session), AS_OF, figures=True)}
        assert [c.name for c in everything.values()] == ["Autre", "CLSPD test"]
        for cid in everything:
            single = load_council_coverage(session, cid, AS_OF)
            assert single.cells == everything[cid].cells == bulk[cid].cells
            assert single.online_hours == everything[cid].online_hours
            assert single.covering == everything[cid].covering
            assert not bulk[cid].has_figures and bulk[cid].actions_per_10k() is None


def test_all_coverage_for_a_coordinator_lists_only_their_councils(world):
    engine, council_id = world
    with Session(engine) as session:
        add_council(session, "Autre", ["com:17415"])
        session.commit()
        mine = all_coverage(session, Actor("c@v.fr", "coordinateur", council_ids=frozenset({council_id})), AS_OF)
    assert [c.council_id for c in mine] == [council_id]


def test_network_comparison_counts_what_the_reader_may_see(world):
    from maillage.coverage.views import network_comparison

    engine, council_id = world
    with Session(engine) as session:
        council = _council(session, council_id)
        peer = add_council(session, "CLSPD pair", ["com:17415"])
        _rules(session, peer, ("presence_en_ligne", "adolescents", 0))
        _network(session, "Réseau", council, peer)
        add_action(session, peer, "Interne du pair", territories=["com:17415"], shared=False)
        add_action(session, council, "Sur Bordeaux", territories=["com:33063"], shared=False)
        session.commit()
        coordinator = Actor("c@v.fr", "coordinateur", council_ids=frozenset({council_id}))
        as_coordinator = {r.summary.label: r for r in network_comparison(session, coordinator, council_id, AS_OF)}
        as_admin = {r.summary.label: r for r in network_comparison(session, SYSTEM, council_id, AS_OF)}
    assert as_coordinator["CLSPD test"].is_current and not as_coordinator["CLSPD test"].shared_only
    assert as_coordinator["CLSPD pair"].shared_only and as_coordinator["CLSPD pair"].summary.score == 0.0
    assert not as_admin["CLSPD pair"].shared_only and as_admin["CLSPD pair"].summary.score == 1.0
    assert as_admin["CLSPD test"].summary.score == pytest.approx(1 / 5)
