"""Shipped boundaries (encoding, coverage of the current COG) and the coverage map data."""

import datetime as dt
import json
import lzma

import pytest
from shapely.geometry import MultiPolygon, Polygon, shape
from sqlmodel import Session, select

from maillage.accounts import SYSTEM
from maillage.coverage import BOUNDARIES, council_coverage, coverage_map, outline
from maillage.geography import (
    decode_geometry,
    decode_ring,
    encode_geometry,
    encode_ring,
)
from models import Council

AS_OF = dt.date(2026, 11, 29)


def test_polyline_round_trip():
    ring = [(-0.5792, 44.8378), (-0.5701, 44.8402), (-0.5655, 44.8301), (-0.5792, 44.8378)]
    text = encode_ring(ring)
    assert decode_ring(text) == [list(p) for p in ring]
    square = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)], holes=[[(0.2, 0.2), (0.4, 0.2), (0.4, 0.4)]])
    both = MultiPolygon([square, Polygon([(2, 2), (3, 2), (3, 3)])])
    decoded = decode_geometry(encode_geometry(both))
    assert decoded["type"] == "MultiPolygon"
    assert shape(decoded).symmetric_difference(both).area < 1e-9
    assert decode_geometry("") is None
    assert encode_geometry(Polygon()) == ""


def test_shipped_boundaries_cover_the_current_communes():
    assert BOUNDARIES.stat().st_size < 3_000_000
    with lzma.open(BOUNDARIES, "rt", encoding="utf-8") as handle:
        document = json.load(handle)
    assert len(document["communes"]) >= 34_800
    assert len(document["departements"]) == 101
    assert len(document["epci"]) >= 1_250
    assert len(document["regions"]) == 18
    bordeaux = shape(outline("commune", "33063"))
    assert bordeaux.is_valid or bordeaux.buffer(0).area > 0
    assert 44.8 < bordeaux.centroid.y < 44.9 and -0.65 < bordeaux.centroid.x < -0.5
    # Bordeaux Métropole contains Mérignac; the Gironde contains both.
    metropole = shape(outline("epci", "243300316"))
    assert metropole.buffer(0.002).contains(shape(outline("commune", "33281")).representative_point())
    assert shape(outline("dep", "33")).contains(bordeaux.representative_point())


def test_coverage_map_features_for_each_level(shared_demo_engine):
    with Session(shared_demo_engine) as session:
        council_id = session.exec(select(Council.id).where(Council.name == "CISPD du Créonnais")).one()
        cov = council_coverage(session, SYSTEM, council_id, AS_OF)
    communes = coverage_map(cov, "commune")
    assert len(communes.features) == len(cov.communes) and not communes.without_outline
    scores = cov.commune_scores()
    for feature in communes.features:
        properties = feature["properties"]
        expected = scores[properties["code"]]
        assert properties["score"] == (None if expected is None else pytest.approx(expected, abs=1e-4))
        assert feature["geometry"]["type"] == "MultiPolygon"
    epci = coverage_map(cov, "epci")
    assert [f["properties"]["code"] for f in epci.features] == ["243301215"]
    assert epci.features[0]["properties"]["name"] == "CC du Créonnais"
    departements = coverage_map(cov, "dep")
    assert [f["properties"]["code"] for f in departements.features] == ["33"]
    assert departements.geojson["type"] == "FeatureCollection"
