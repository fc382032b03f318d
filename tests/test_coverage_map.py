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


def _council(session, name):
    return session.exec(select(Council.id).where(Council.name == name)).one()


def test_presence_map_of_la_rochelle_pdn(shared_demo_engine):
    """Every commune of the agglomeration in « Aucune action », named where the name fits, with neighbours."""
    from maillage.coverage import PresenceQuery, council_presence, presence_map
    from maillage.vocabularies import Vocabularies

    with Session(shared_demo_engine) as session:
        council_id = _council(session, "CISPD de l'agglomération de La Rochelle")
        presence = council_presence(session, SYSTEM, council_id, PresenceQuery("presence_en_ligne"), AS_OF)
        vocab = Vocabularies.load(session)
    drawn = presence_map(presence, vocab)
    assert len(drawn.features) == 28 and not drawn.without_outline
    assert {f["properties"]["status"] for f in drawn.features} == {"none"}
    assert drawn.counts() == {"present": 0, "planned": 0, "lapsed": 0, "none": 28}
    assert [label for _s, label, _e in drawn.legend] == ["Présente", "Prévue seulement", "Échue seulement",
                                                        "Aucune action"]
    assert drawn.title == "Présence de « Présence éducative en ligne (Promeneurs du Net) »"
    labels = {f["properties"]["name"] for f in drawn.features if f["properties"]["label"]}
    assert "La Rochelle" in labels and 5 <= len(labels) < 28  # small communes are named in tooltips and the table
    inside = {f["properties"]["code"] for f in drawn.features}
    neighbours = {f["properties"]["code"] for f in drawn.context}
    assert neighbours and not neighbours & inside
    assert {f["properties"]["status"] for f in drawn.context} == {"context"}
    assert {"17472", "85001"} <= neighbours  # Villedoux, and L'Aiguillon across the border with Vendée
    box = drawn.box
    for feature in drawn.features:
        assert box[0] <= feature["properties"]["lon"] <= box[2] and box[1] <= feature["properties"]["lat"] <= box[3]
    records = drawn.records()
    assert len(records) == 28 and records[0]["Statut"] == "Aucune action"
    assert sorted(r["Commune"] for r in records) == sorted(r.name for r in presence.rows)


def test_expectation_map_of_creonnais_pdn(shared_demo_engine):
    """The frame expects PdN in Créon and Sadirac only; the 13 others are « non attendu · couvert »."""
    from maillage.coverage import expectation_map

    with Session(shared_demo_engine) as session:
        cov = council_coverage(session, SYSTEM, _council(session, "CISPD du Créonnais"), AS_OF)
    drawn = expectation_map(cov, "presence_en_ligne")
    counts = drawn.counts()
    assert counts["active"] == 2 and counts["not_expected_present"] == 13 and counts["missing"] == 0
    statuses = {f["properties"]["name"]: f["properties"]["status_label"] for f in drawn.features}
    assert statuses["Créon"] == "Couvert (2/2)" and statuses["Baron"] == "Non attendu · couvert"
    empty = expectation_map(cov, "cyberbase")
    assert {f["properties"]["status_label"] for f in empty.features} == {"Pas dans le référentiel"}


def test_large_council_map_draws_the_communes_touching_it(geo_engine):
    """A département-wide council (Pas-de-Calais, 887 communes, above NEIGHBOURS_MAX_COMMUNES): the communes
    of the Nord and the Somme touching it are drawn faintly, simplified, and nothing else."""
    from shapely.geometry import shape

    from maillage.coverage import (
        NEIGHBOURS_MAX_COMMUNES,
        NEIGHBOURS_RING_MAX,
        PresenceQuery,
        council_presence,
        presence_map,
        touching_neighbours,
    )
    from tests.builders import add_council

    with Session(geo_engine) as session:
        council = add_council(session, "CDPD du Pas-de-Calais", ["dep:62"])
        session.commit()
        presence = council_presence(session, SYSTEM, council.id, PresenceQuery("cyberbase"), AS_OF)
    drawn = presence_map(presence)
    assert len(drawn.features) > NEIGHBOURS_MAX_COMMUNES and not drawn.without_outline
    inside = {f["properties"]["code"] for f in drawn.features}
    around = {f["properties"]["code"]: f for f in drawn.context}
    assert 50 < len(around) <= NEIGHBOURS_RING_MAX and not set(around) & inside
    assert {code[:2] for code in around} == {"59", "80"}  # Nord and Somme, nothing beyond
    assert {"80495", "59094"} <= set(around)  # Lucheux (Somme) and Bourbourg (Nord) touch it; Lille does not
    assert around["80495"]["properties"]["name"] == "Lucheux" and "59350" not in around
    assert drawn.context_note == f"En gris pâle, les {len(around)} communes hors de l'instance qui la touchent."
    council_outline = shape(outline("dep", "62"))
    for feature in drawn.context:
        assert shape(feature["geometry"]).distance(council_outline) < 0.01
    # Outlines simplified below a pixel: fewer points than the shipped ones, the same place.
    points = sum(len(ring) for f in drawn.features for part in _parts(f["geometry"]) for ring in part)
    shipped = sum(len(ring) for code in inside for part in _parts(outline("commune", code)) for ring in part)
    assert points < shipped
    # A cap by count keeps the largest touching communes and says how many touch in all.
    shapes = [shape(f["geometry"]) for f in drawn.features]
    capped, total = touching_neighbours(inside, shapes, drawn.box, cap=10)
    assert len(capped) == 10 and total == len(around)
    areas = sorted((shape(f["geometry"]).area for f in drawn.context), reverse=True)
    assert shape(capped[-1]["geometry"]).area == pytest.approx(areas[9], rel=0.2)
    assert presence_map(presence, neighbours=False).context == []


def _parts(geometry):
    """The polygons (lists of rings) of a GeoJSON Polygon or MultiPolygon."""
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def test_status_map_chart_writes_the_communes_once(shared_demo_engine):
    """The communes feed both the shapes and the labels, written once in the chart (the page stays light)."""
    import json

    from maillage.coverage import PresenceQuery, council_presence, presence_map
    from ui.coverage_charts import status_map_chart

    with Session(shared_demo_engine) as session:
        council_id = _council(session, "CISPD de l'agglomération de La Rochelle")
        presence = council_presence(session, SYSTEM, council_id, PresenceQuery("presence_en_ligne"), AS_OF)
    drawn = presence_map(presence)
    spec = status_map_chart(drawn).to_dict()
    text = json.dumps(spec)
    assert text.count('"code": "17300"') == 1  # La Rochelle, once
    assert len(spec["layer"]) == 3 and len(spec["layer"][0]["data"]["values"]) == len(drawn.context)
