"""Stable, readable layouts: no two label boxes overlap; adding a partner and a link moves nobody else; positions
are stored per scope and can be recomputed by those who keep the scope's data."""

import datetime as dt
import random

import pytest

from maillage.accounts import SYSTEM, Actor
from maillage.core import PermissionDenied, session_scope
from maillage.network import (
    Box,
    GraphFilters,
    Scope,
    box_rect,
    build_drawing,
    label_overlaps,
    label_size,
    layout_key,
    load_source,
    network_analysis,
    overlapping,
    readable_layout,
    reset_layout,
    scope_layout,
    stable_positions,
    wrap_label,
)
from models import Council, Partner
from tests.builders import add_council, add_link, add_mini_geography, add_partner

TODAY = dt.date(2026, 11, 29)
TOLERANCE = 0.5  # pixels


def _graph(n: int, seed: int = 3):
    """A random connected-ish graph of n partners with realistic long names."""
    rng = random.Random(seed)
    names = ["Service de prévention spécialisée", "DSDEN de la Gironde", "Commissariat de police", "CCAS",
             "Mission locale Avenir Jeunes", "Maison des adolescents de la Gironde", "Ville"]
    nodes = list(range(n))
    edges = sorted({(min(a, b), max(a, b)) for a in nodes for b in rng.sample(nodes, 2) if a != b})
    boxes = {i: Box(12.0, *label_size(wrap_label(f"{names[i % len(names)]} {i}"), 14.0)) for i in nodes}
    return nodes, edges, boxes


def _rects(positions, boxes):
    return [box_rect(*positions[i], boxes[i]) for i in sorted(positions)]


def test_fresh_layout_has_no_overlapping_boxes_and_is_deterministic():
    nodes, edges, boxes = _graph(40)
    first = readable_layout(nodes, edges, boxes)
    assert first == readable_layout(nodes, edges, boxes)
    assert overlapping(_rects(first, boxes)) == []


def test_adding_one_partner_and_one_link_keeps_the_others_in_place():
    nodes, edges, boxes = _graph(36)
    before = readable_layout(nodes, edges, boxes)
    new = 36
    boxes[new] = Box(12.0, *label_size(wrap_label("Nouveau partenaire de prévention"), 14.0))
    grown_edges = edges + [(3, new), (5, 20) if (5, 20) not in edges else (6, 21)]
    after = readable_layout(nodes + [new], grown_edges, boxes, previous=before)
    moved = max(abs(after[i][0] - before[i][0]) + abs(after[i][1] - before[i][1]) for i in nodes)
    assert moved <= TOLERANCE
    assert overlapping(_rects(after, boxes)) == []  # the newcomer found free room
    # near its neighbour rather than anywhere: closer to partner 3 than the layout's far side
    far = max(abs(before[i][0] - before[3][0]) + abs(before[i][1] - before[3][1]) for i in nodes)
    assert abs(after[new][0] - after[3][0]) + abs(after[new][1] - after[3][1]) < far
    # without the previous layout, a fresh one moves many partners: the stability comes from `previous`
    fresh = readable_layout(nodes + [new], grown_edges, boxes)
    assert max(abs(fresh[i][0] - before[i][0]) for i in nodes) > 10


@pytest.fixture
def small_council(empty_engine):
    with session_scope(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CLSPD Test", ["com:33063"])
        partners = [add_partner(session, f"Partenaire numéro {i}", ["ASSO", "MUNI", "EN", "CS"][i % 4]) for i in range(10)]
        for i in range(9):
            add_link(session, council, partners[i], partners[i + 1])
        return empty_engine, council.id


def test_positions_are_stored_and_a_new_partner_moves_nobody(small_council):
    engine, council_id = small_council
    scope = Scope.council(council_id)
    with session_scope(engine) as session:
        source = load_source(session, SYSTEM, scope, TODAY)
        first = stable_positions(session, source)
    assert first == scope_layout(source)
    with session_scope(engine) as session:
        council = session.get(Council, council_id)
        newcomer = add_partner(session, "Nouvelle association de quartier", "ASSO")
        old = session.get(Partner, min(first))
        add_link(session, council, old, newcomer)
        add_link(session, council, session.get(Partner, sorted(first)[2]), session.get(Partner, sorted(first)[7]))
    with session_scope(engine) as session:
        source = load_source(session, SYSTEM, scope, TODAY)
        second = stable_positions(session, source)
        graph, metrics = network_analysis(session, SYSTEM, scope, GraphFilters(), TODAY)
    assert newcomer.id in second
    assert all(abs(second[i][0] - first[i][0]) <= TOLERANCE and abs(second[i][1] - first[i][1]) <= TOLERANCE
               for i in first)
    drawing = build_drawing(graph, metrics, positions=second)
    assert label_overlaps(drawing) == []
    # recomputing: refused to a reader, allowed to the administrator; the next view lays out afresh
    reader = Actor(email="elu@ville.fr", role="elu", council_ids=frozenset({council_id}))
    with session_scope(engine) as session:
        with pytest.raises(PermissionDenied):
            reset_layout(session, reader, scope)
        assert reset_layout(session, SYSTEM, scope) == 11
    with session_scope(engine) as session:
        source = load_source(session, SYSTEM, scope, TODAY)
        assert stable_positions(session, source) == scope_layout(source)
    assert layout_key(scope, "commune") == f"council:{council_id}|commune"
