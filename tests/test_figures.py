"""One definition per figure (issue 17): the dashboard, the Réseau page and the elected officials' summary count
partners and links on the same graph; the help texts say what each counts and how « Liens actifs » (declared
links) and « Paires liées » (joined pairs) relate. Known answers on small data, then the demo through the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from maillage.accounts import SYSTEM
from maillage.core import format_int
from maillage.network import (
    GraphFilters,
    Scope,
    analyse,
    build_graph,
    graph_figures,
    links_help,
    load_source,
    pairs_help,
    partners_help,
)
from maillage.restitution import council_overview, council_report
from models import Council
from tests.apptest import open_app
from tests.builders import add_action, add_council, add_link, add_mini_geography, add_partner

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def small(empty_engine):
    """A council where one pair has two declared links, one pair is joined only by an action, one link touches an
    archived card, one link has not started and one has ended."""
    with Session(empty_engine) as session:
        add_mini_geography(session)
        metro = add_council(session, "CISPD de la Métropole", ["epci:243300316"])
        ville = add_partner(session, "Ville de Bordeaux", "MUNI", "33063")
        caf = add_partner(session, "CAF de la Gironde", "CAF", "33063")
        merignac = add_partner(session, "Ville de Mérignac", "MUNI", "33281")
        dsden = add_partner(session, "DSDEN", "EN", "33001", territories=["dep:33"])
        far = add_partner(session, "Association lointaine", "ASSO", "17415")
        archived = add_partner(session, "Ancienne MJC", "MJC", "33063",
                               archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        add_link(session, metro, ville, caf, level=1)
        add_link(session, metro, ville, caf, kind="echange", level=2)  # the same pair, another kind
        add_link(session, metro, ville, merignac, level=3, kind="gouvernance")
        add_link(session, metro, ville, archived, level=4)  # an archived card: in no count
        add_link(session, metro, caf, dsden, level=3, start=dt.date(2027, 1, 1))  # not started yet
        add_link(session, metro, merignac, dsden, level=4, end=dt.date(2025, 12, 31))  # ended
        add_action(session, metro, "Promeneurs du Net", partners=[(ville, "pilote"), (far, "operateur")])
        add_action(session, metro, "Cyber-base", "cyberbase", partners=[(caf, "pilote")])  # one partner: no pair
        add_action(session, metro, "Parents", "sensibilisation_parents", status="projet",
                   partners=[(caf, "pilote"), (dsden, "relais")])  # not run yet: no pair
        session.commit()
        return empty_engine, metro.id


def _graph(engine, council_id, filters=GraphFilters()):
    with Session(engine) as session:
        return build_graph(load_source(session, SYSTEM, Scope.council(council_id), TODAY), filters)


def test_graph_figures_known_answers(small):
    engine, metro = small
    figures = graph_figures(_graph(engine, metro))
    assert (figures.partners, figures.engaged, figures.isolated) == (5, 4, 1)  # DSDEN has no running link
    assert (figures.links, figures.declared_pairs, figures.action_pairs, figures.pairs) == (3, 2, 1, 3)
    assert figures.links_by_level == {1: 1, 2: 1, 3: 1, 4: 0}
    assert (figures.scope_kind, figures.when, figures.filtered, figures.current) == (
        "council", "en cours au 29/11/2026", False, True)


def test_graph_figures_follow_the_filters(small):
    engine, metro = small
    without_actions = graph_figures(_graph(engine, metro, GraphFilters(include_derived=False)))
    assert (without_actions.pairs, without_actions.action_pairs, without_actions.engaged) == (2, 0, 3)
    high = graph_figures(_graph(engine, metro, GraphFilters(min_level=3)))
    assert (high.links, high.declared_pairs, high.filtered) == (1, 1, True)
    in_2025 = graph_figures(_graph(engine, metro, GraphFilters(year=2025)))
    assert in_2025.when == "actifs en 2025" and not in_2025.current
    assert in_2025.links == 4  # the link that ended on 31/12/2025 ran in 2025


def test_dashboard_counts_are_the_graph_counts(small):
    engine, metro = small
    with Session(engine) as session:
        overview = council_overview(session, SYSTEM, metro, today=TODAY)
    figures = graph_figures(_graph(engine, metro))
    metrics = analyse(_graph(engine, metro))
    assert overview.partners == figures.partners == metrics.nodes == 5
    assert overview.links == figures.links == metrics.declared_links == 3  # not the archived card's link
    assert overview.links_by_level == figures.links_by_level
    assert overview.linked_pairs == metrics.links == 3
    assert overview.engaged_partners == metrics.nodes - len(metrics.isolated) == 4


def test_help_texts_say_what_differs(small):
    engine, metro = small
    figures = graph_figures(_graph(engine, metro))
    assert links_help(figures) == (
        "Liens de coopération déclarés en cours au 29/11/2026 : 3. Une même paire de partenaires peut en avoir "
        "plusieurs, de natures différentes : ils relient 2 paires. La page Réseau compte les « paires liées » : "
        "ces 2 et 1 paire reliée seulement par une action commune en cours, soit 3.")
    assert pairs_help(figures) == (
        "Paires de partenaires reliées par au moins un lien déclaré ou une action commune en cours au 29/11/2026 : "
        "2 par un lien déclaré, 1 seulement par une action commune. Ces paires portent 3 liens déclarés (une paire "
        "peut en avoir plusieurs, de natures différentes) ; le tableau de bord en montre le nombre "
        "(« Liens actifs »).")
    text = partners_help(figures, "tableau_de_bord")
    assert text.startswith("Le partenariat de l'instance")
    assert "Parmi eux, 4 engagés (au moins un lien déclaré ou une action commune en cours au 29/11/2026) et 1 isolé." \
        in text
    assert "Même nombre de partenaires sur la page Réseau" in text and "« Partenaires engagés »" in text
    filtered = graph_figures(_graph(engine, metro, GraphFilters(min_level=3)))
    assert "Seuls ceux que les filtres retiennent sont comptés" in partners_help(filtered, "reseau")
    assert "Même nombre" not in partners_help(filtered, "reseau")  # not the dashboard's figure any more
    assert pairs_help(filtered).endswith("pour aujourd'hui et sans filtre.")
    hidden = graph_figures(_graph(engine, metro, GraphFilters(include_derived=False)))
    assert "les liens issus des actions communes sont masqués" in pairs_help(hidden)
    assert "« Partenaires engagés »" not in partners_help(hidden, "reseau")


# ---------------------------------------------------------------- the demo, through the pages


def _metrics(at) -> dict[str, object]:
    return {metric.label: metric for metric in at.metric}


def test_demo_dashboard_and_reseau_agree_and_explain(shared_demo_url, shared_demo_engine, use_database):
    """Bordeaux on the demo: the issue's « Liens actifs 49 » vs « Paires liées 72 », « Partenaires 36 » vs
    « Partenaires engagés 34 ». Same partners on both pages; the difference of links and pairs is explained on
    both, with the same numbers, and the summary's engaged partners are the ones the help names."""
    use_database(shared_demo_url)
    with Session(shared_demo_engine) as session:
        bordeaux = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one().id
        report = council_report(session, SYSTEM, bordeaux, today=dt.date.today())
        figures = graph_figures(build_graph(load_source(session, SYSTEM, Scope.council(bordeaux)), GraphFilters()))
    engaged = next(f.value for f in report.figures if f.code == "engaged")
    summary_links = next(f.value for f in report.figures if f.code == "links")

    at = open_app(council_id=bordeaux)
    assert not at.exception
    dashboard = _metrics(at)
    at.switch_page("pages/reseau.py")
    at.run()
    assert not at.exception
    reseau = _metrics(at)

    # The same partners, and the same declared links as the summary.
    assert dashboard["Partenaires"].value == reseau["Partenaires"].value == format_int(figures.partners)
    assert dashboard["Liens actifs"].value == format_int(figures.links) == format_int(summary_links)
    assert reseau["Paires liées"].value == format_int(figures.pairs)
    assert figures.pairs != figures.links  # the demo does show two different numbers…
    # … and both pages say why, with the numbers of the other page.
    links, pairs = dashboard["Liens actifs"].help, reseau["Paires liées"].help
    assert f"soit {format_int(figures.pairs)}" in links and "La page Réseau compte les « paires liées »" in links
    assert f"Ces paires portent {format_int(figures.links)} liens déclarés" in pairs and "« Liens actifs »" in pairs
    assert f"{format_int(figures.declared_pairs)} par un lien déclaré" in pairs
    assert f"{format_int(figures.action_pairs)} paires reliées seulement par une action commune" in links
    assert figures.declared_pairs + figures.action_pairs == figures.pairs
    # « Partenaires engagés » of the summary is named, with its number, on both pages.
    assert engaged == figures.engaged
    for page in (dashboard, reseau):
        assert f"Parmi eux, {format_int(engaged)} engagés" in page["Partenaires"].help
        assert "« Partenaires engagés »" in page["Partenaires"].help
