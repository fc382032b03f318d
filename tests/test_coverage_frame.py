"""Coverage frame editing: default frame, add/change/remove/reset, validation, rights, audit, data version, conflicts."""

import json

import pytest
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor
from maillage.core import (
    ConflictError,
    NotFoundError,
    PermissionDenied,
    ValidationError,
    data_version,
)
from maillage.coverage import (
    DEFAULT_FRAME,
    RuleSpec,
    add_rule,
    council_frame,
    remove_rule,
    reset_frame,
    update_rule,
)
from models import AuditEntry, CoverageRule
from tests.builders import add_council, add_mini_geography


@pytest.fixture
def council_id(empty_engine):
    with Session(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CLSPD test", ["com:33063"])
        session.commit()
        return council.id


def _audit(engine):
    with Session(engine) as session:
        return session.exec(select(AuditEntry).where(AuditEntry.entity == "coverage_rule").order_by(AuditEntry.id)).all()


def test_default_frame_applies_without_rules(empty_engine, council_id):
    with Session(empty_engine) as session:
        frame = council_frame(session, council_id)
    assert frame.is_default
    assert set(frame.specs) == set(DEFAULT_FRAME)
    assert all(rule.id is None for rule in frame.rules)
    assert RuleSpec("presence_en_ligne", "adolescents", 10_000) in DEFAULT_FRAME
    assert len(DEFAULT_FRAME) == 6


def test_first_change_copies_the_default_frame_then_adds(empty_engine, council_id):
    before = data_version(empty_engine)
    with Session(empty_engine) as session:
        spec = add_rule(session, SYSTEM, council_id, "Cyber-base", "ADOLESCENTS (12-17 ans)", "15 000")
        session.commit()
        frame = council_frame(session, council_id)
    assert spec == RuleSpec("cyberbase", "adolescents", 15_000)
    assert not frame.is_default
    assert set(frame.specs) == set(DEFAULT_FRAME) | {spec}
    assert data_version(empty_engine) == before + 1
    entries = _audit(empty_engine)
    assert [e.operation for e in entries] == ["create"] * 7
    assert entries[-1].user_email == SYSTEM.email
    assert json.loads(entries[-1].after) == {"council_id": council_id, "action_type": "cyberbase",
                                             "public": "adolescents", "population_min": 15000}
    assert "CLSPD test — Cyber-base — Adolescents (12-17 ans), communes de 15" in entries[-1].label


def test_add_refuses_bad_input_with_french_messages(empty_engine, council_id):
    with Session(empty_engine) as session:
        with pytest.raises(ValidationError) as error:
            add_rule(session, SYSTEM, council_id, "inconnu", "", -5)
        fields = [field for field, _ in error.value.problems]
        assert fields == ["type_action", "public", "population_min"]
        assert "type d'action inconnu : « inconnu »" in str(error.value)
        with pytest.raises(ValidationError, match="déjà une règle"):
            add_rule(session, SYSTEM, council_id, "presence_en_ligne", "adolescents", 0)
        with pytest.raises(ValidationError, match="nombre entier"):
            add_rule(session, SYSTEM, council_id, "cyberbase", "adolescents", "beaucoup")
        with pytest.raises(NotFoundError):
            add_rule(session, SYSTEM, 9999, "cyberbase", "adolescents", 0)


def test_update_remove_and_reset(empty_engine, council_id):
    with Session(empty_engine) as session:
        update_rule(session, SYSTEM, council_id, "defi_sans_ecran", "enfants", population_min=2000,
                    expected=RuleSpec("defi_sans_ecran", "enfants", 5000))
        session.commit()
        assert RuleSpec("defi_sans_ecran", "enfants", 2000) in council_frame(session, council_id).specs
        update_rule(session, SYSTEM, council_id, "defi_sans_ecran", "enfants", new_public="adolescents")
        session.commit()
        assert RuleSpec("defi_sans_ecran", "adolescents", 2000) in council_frame(session, council_id).specs
        with pytest.raises(ValidationError, match="déjà une règle"):
            update_rule(session, SYSTEM, council_id, "defi_sans_ecran", "adolescents",
                        new_action_type="intervention_scolaire")
        remove_rule(session, SYSTEM, council_id, "defi_sans_ecran", "adolescents")
        session.commit()
        specs = council_frame(session, council_id).specs
        assert len(specs) == len(DEFAULT_FRAME) - 1
        with pytest.raises(NotFoundError):
            remove_rule(session, SYSTEM, council_id, "defi_sans_ecran", "adolescents")
        assert reset_frame(session, SYSTEM, council_id) == len(DEFAULT_FRAME) - 1
        session.commit()
        assert council_frame(session, council_id).is_default
    operations = [e.operation for e in _audit(empty_engine)]
    assert operations.count("update") == 2
    assert operations.count("delete") == 1 + len(DEFAULT_FRAME) - 1
    update = next(e for e in _audit(empty_engine) if e.operation == "update")
    assert json.loads(update.before)["population_min"] == 5000
    assert json.loads(update.after)["population_min"] == 2000


def test_removing_the_last_rule_brings_back_the_default_frame(empty_engine, council_id):
    with Session(empty_engine) as session:
        session.add(CoverageRule(council_id=council_id, action_type="cyberbase", public="adolescents", population_min=0))
        session.commit()
        assert council_frame(session, council_id).specs == (RuleSpec("cyberbase", "adolescents", 0),)
        remove_rule(session, SYSTEM, council_id, "cyberbase", "adolescents")
        session.commit()
        assert council_frame(session, council_id).is_default


def test_changed_meanwhile_is_a_conflict(empty_engine, council_id):
    with Session(empty_engine) as session:
        add_rule(session, SYSTEM, council_id, "cyberbase", "adolescents", 0)
        session.commit()
        shown = RuleSpec("cyberbase", "adolescents", 0)
        update_rule(session, Actor("autre@ville.fr", "admin"), council_id, "cyberbase", "adolescents",
                    population_min=500, expected=shown)
        session.commit()
        with pytest.raises(ConflictError, match="autre@ville.fr"):
            update_rule(session, SYSTEM, council_id, "cyberbase", "adolescents", population_min=900, expected=shown)
        with pytest.raises(ConflictError):
            remove_rule(session, SYSTEM, council_id, "cyberbase", "adolescents", expected=shown)


def test_rights(empty_engine, council_id):
    own = Actor("coord@ville.fr", "coordinateur", council_ids=frozenset({council_id}))
    other = Actor("coord@ailleurs.fr", "coordinateur", council_ids=frozenset({council_id + 1}))
    elected = Actor("elu@ville.fr", "elu", council_ids=frozenset({council_id}))
    with Session(empty_engine) as session:
        add_rule(session, own, council_id, "cyberbase", "adolescents", 0)
        session.commit()
        for actor in (other, elected):
            with pytest.raises(PermissionDenied):
                add_rule(session, actor, council_id, "evenement", "tout_public", 0)
            with pytest.raises(PermissionDenied):
                update_rule(session, actor, council_id, "cyberbase", "adolescents", population_min=1)
            with pytest.raises(PermissionDenied):
                remove_rule(session, actor, council_id, "cyberbase", "adolescents")
            with pytest.raises(PermissionDenied):
                reset_frame(session, actor, council_id)
    assert {e.user_email for e in _audit(empty_engine)} == {"coord@ville.fr"}
