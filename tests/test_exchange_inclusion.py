"""The partner register in the data·inclusion structures schema: export (JSON, CSV) validated with the pinned
`data-inclusion-schema`, imported into an empty database (same partners), and import matched by SIRET first."""

from __future__ import annotations

import csv
import io
import json

import pytest
from data_inclusion.schema.v1 import Structure
from sqlmodel import Session, select

from maillage.accounts import SYSTEM
from maillage.commands.cli import main
from maillage.core import session_scope
from maillage.exchange import ImportRefused, import_tables, read_files
from maillage.exchange.inclusion import NETWORKS, export_structures, validate_structure
from models import Partner
from tests.builders import add_partner


def register(engine) -> list[tuple]:
    with Session(engine) as session:
        return sorted((p.name, p.siret, p.seat_commune_key, p.typology, p.contact_email, p.contact_phone, p.website)
                      for p in session.exec(select(Partner).where(Partner.archived_at.is_(None))))


@pytest.fixture
def filled(geo_engine):
    with session_scope(geo_engine) as session:
        add_partner(session, "Ville de Bordeaux", "MUNI", "33063", siret="21330063500017",
                    website="https://www.bordeaux.fr", contact_email="prevention@mairie-bordeaux.fr")
        add_partner(session, "CAF de la Gironde", "CAF", "33063", contact_phone="05 56 43 50 00")
        add_partner(session, "Mission locale des Graves", "ML", "33318", siret="41321939000031")
        add_partner(session, "Collège Jean Moulin", "EN", "33281", website="https://jean-moulin.example.fr")
        add_partner(session, "Association Les Écrans Malins", "ASSO", "93066", contact_email="contact@ecrans.fr")
    return geo_engine


@pytest.mark.parametrize("form", ["json", "csv"])
def test_round_trip_through_the_national_schema(filled, db_factory, form):
    from maillage.core import make_engine

    result = export_structures(filled, SYSTEM)
    assert result.refused == [] and len(result.structures) == 5
    for structure in result.structures:  # validated with the pinned schema itself
        Structure.model_validate({k: v for k, v in structure.items() if v not in (None, "", [])})
    by_name = {s["nom"]: s for s in result.structures}
    assert by_name["CAF de la Gironde"]["reseaux_porteurs"] == ["caf"]
    assert by_name["Ville de Bordeaux"]["reseaux_porteurs"] == ["communes"]
    assert by_name["Mission locale des Graves"]["code_insee"] == "33318"
    assert by_name["Mission locale des Graves"]["commune"] == "Pessac"
    data = result.json_bytes() if form == "json" else result.csv_bytes()
    if form == "csv":
        assert next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[:4] == ["id", "source", "siret", "nom"]
    else:
        assert json.loads(data)[0]["source"] == "maillage"
    empty = make_engine(db_factory.new("geo"))
    try:
        _plan, report = import_tables(empty, read_files([(f"structures.{form}", data)]), actor=SYSTEM)
    except ImportRefused as error:
        raise AssertionError([str(p) for p in error.plan.problems]) from None
    assert report.lines() == ["partenaires : 5 créés, 0 mis à jour, 0 inchangé"]
    assert register(empty) == register(filled)
    empty.dispose()


def test_import_matches_by_siret_then_by_name_and_commune(filled):
    structures = [
        {"id": "dep33--1", "source": "dep33", "nom": "Mairie de Bordeaux", "siret": "21330063500017",
         "code_insee": "33063", "telephone": "05 56 10 20 30", "date_maj": "2026-01-15"},
        {"id": "dep33--2", "source": "dep33", "nom": "CAF de la Gironde", "code_postal": "33000",
         "commune": "Bordeaux", "courriel": "accueil@caf33.fr", "reseaux_porteurs": ["caf"], "date_maj": "2026-01-15"},
        {"id": "dep33--3", "source": "dep33", "nom": "CCAS de Pessac", "commune": "Pessac",
         "reseaux_porteurs": ["ccas-cias"], "date_maj": "2026-01-15"},
    ]
    data = json.dumps(structures).encode()
    try:
        _plan, report = import_tables(filled, read_files([("gironde.json", data)]), actor=SYSTEM, council_ids=[])
    except ImportRefused as error:
        raise AssertionError([str(p) for p in error.plan.problems]) from None
    assert report.lines() == ["partenaires : 1 créé, 2 mis à jour, 0 inchangé"]
    with Session(filled) as session:
        city = session.exec(select(Partner).where(Partner.siret == "21330063500017")).one()
        assert (city.name, city.contact_phone) == ("Ville de Bordeaux", "05 56 10 20 30")
        caf = session.exec(select(Partner).where(Partner.name == "CAF de la Gironde")).one()
        assert caf.contact_email == "accueil@caf33.fr"
        ccas = session.exec(select(Partner).where(Partner.name == "CCAS de Pessac")).one()
        assert (ccas.typology, ccas.seat_commune_key) == ("CCAS", "com:33318")


def test_refusals_are_in_french_and_every_network_is_in_the_schema():
    from data_inclusion.schema.v1 import ReseauPorteur

    assert set(NETWORKS.values()) <= {member.value for member in ReseauPorteur}
    problems = validate_structure({"id": "x", "source": "maillage", "nom": "AB", "date_maj": "2026-01-01",
                                   "siret": "123"})
    assert problems == ["champ nom : trop court", "champ siret : trop court"]


def test_export_command(filled, capsys, tmp_path, use_database):
    use_database(filled.url.render_as_string(hide_password=False))
    assert main(["export", str(tmp_path), "--format", "data-inclusion"]) == 0
    out = capsys.readouterr().out
    assert "5 structures validées" in out
    assert len(json.loads((tmp_path / "structures.json").read_text(encoding="utf-8"))) == 5
    assert (tmp_path / "structures.csv").read_bytes().startswith(b"\xef\xbb\xbfid,source,siret,nom")
