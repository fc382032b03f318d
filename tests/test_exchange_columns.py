"""Each exchange column is stated once: the column table names the record field it fills, records are typed,
and permissions are decided by the check (the write only refuses a protected row that would change)."""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from sqlmodel import Session, select

from maillage.accounts import Actor
from maillage.core import session_scope
from maillage.exchange import ImportRefused, import_tables, read_files
from maillage.exchange import apply as apply_module
from maillage.exchange import checks as checks_module
from maillage.exchange.formats import KINDS
from maillage.exchange.records import RECORD_TYPES
from models import Council, Network, NetworkCouncil
from tests.exchange_support import csv_text, fill_mini


@pytest.fixture
def mini(empty_engine):
    fill_mini(empty_engine)
    return empty_engine


def run(engine, files: dict[str, str], actor):
    return import_tables(engine, read_files([(name, csv_text(text)) for name, text in files.items()]), actor=actor)


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_column_fills_a_field_of_its_kinds_record(kind):
    record_fields = {f.name for f in dataclasses.fields(RECORD_TYPES[kind])}
    columns = KINDS[kind].column_of
    assert set(columns) <= record_fields, set(columns) - record_fields
    assert len(columns) == len(KINDS[kind].specs)  # one column per field, one field per column
    assert {KINDS[kind].field_of[column] for column in KINDS[kind].columns} == set(columns)


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind not in ("action_partenaires",)])
def test_sized_columns_take_their_limit_from_the_model(kind):
    import models

    table = getattr(models, KINDS[kind].model_name).__table__
    for column, limit in KINDS[kind].max_lengths.items():
        assert table.c[KINDS[kind].field_of[column]].type.length == limit


def test_french_column_names_live_only_in_the_column_table():
    for module in (apply_module, checks_module):
        source = inspect.getsource(module)
        for name in ("contact_fonction", "territoires_intervention", "derniere_pleniere", "personnes_touchees",
                     "commune_siege", "archive_le"):
            assert f'"{name}"' not in source, (module, name)
        assert "FIELD_COLUMNS" not in source and "MAX_LENGTHS" not in source


def test_the_write_phase_has_no_permission_rule():
    source = inspect.getsource(apply_module)
    for rule in ("is_admin", "partnership_ids", "can_write", "council_ids"):
        assert rule not in source


def test_coordinator_may_restate_a_network_but_not_change_it(mini):
    with session_scope(mini) as session:
        network = Network(name="Réseau girondin", kind="regional")
        session.add(network)
        session.flush()
        bordeaux = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one()
        session.add(NetworkCouncil(network_id=network.id, council_id=bordeaux.id))
        bordeaux_id = bordeaux.id
    actor = Actor(email="coord@bordeaux.fr", role="coordinateur", council_ids=frozenset({bordeaux_id}))
    _plan, report = run(mini, {"reseaux.csv": "nom;type;membres\nRéseau girondin;regional;CLSPD de Bordeaux\n"}, actor)
    assert report.lines() == ["reseaux : 0 créé, 0 mis à jour, 1 inchangé"]
    for data in ("nom;type\nRéseau girondin;thematique\n",
                 "nom;type;membres\nRéseau girondin;regional;CLSPD de Saintes\n"):
        with pytest.raises(ImportRefused) as error:
            run(mini, {"reseaux.csv": data}, actor)
        problems = error.value.plan.problems
        assert [(p.message, p.permission) for p in problems] == [
            ("ligne 2, colonne nom : « Réseau girondin » seul un administrateur peut créer ou modifier un réseau",
             True)]
    with Session(mini) as session:
        assert session.exec(select(Network.kind)).all() == ["regional"]
        assert len(session.exec(select(NetworkCouncil)).all()) == 1
