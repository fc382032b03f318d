"""The partners-and-roles table: editor state replayed, rows turned into pairs, differences written."""

import json

import pytest
from sqlmodel import Session, select

from maillage.actions import (
    PARTNER,
    ROLES,
    add_partner_row,
    apply_editor_state,
    create_action,
    diff_roles,
    editor_rows,
    pairs_from_rows,
    role_pairs,
    save_action_partners,
)
from maillage.core import (
    ConflictError,
    PermissionDenied,
    ValidationError,
    data_version,
    session_scope,
)
from maillage.partners import partner_choices, partner_labels
from models import Action, AuditEntry, Partner
from tests.actions_world import build_world


def test_editor_rows_group_roles_by_partner_in_vocabulary_order():
    rows = editor_rows([(1, "financeur"), (2, "operateur"), (1, "pilote"), (1, "pilote")])
    assert rows == [{PARTNER: 1, ROLES: ["pilote", "financeur"]}, {PARTNER: 2, ROLES: ["operateur"]}]


def test_apply_editor_state_replays_edits_deletions_and_additions():
    base = [{PARTNER: 1, ROLES: ["pilote"]}, {PARTNER: 2, ROLES: ["operateur"]}, {PARTNER: 3, ROLES: ["relais"]}]
    state = {
        "edited_rows": {"0": {ROLES: ["pilote", "financeur"]}, 2: {PARTNER: 4}},
        "deleted_rows": [1],
        "added_rows": [{PARTNER: 5, ROLES: ["lieu"]}, {ROLES: ["copilote"]}],
    }
    assert apply_editor_state(base, state) == [
        {PARTNER: 1, ROLES: ["pilote", "financeur"]},
        {PARTNER: 4, ROLES: ["relais"]},
        {PARTNER: 5, ROLES: ["lieu"]},
        {PARTNER: None, ROLES: ["copilote"]},
    ]
    assert base[0][ROLES] == ["pilote"]  # the base rows are not modified


def test_apply_editor_state_without_edits_returns_the_rows():
    base = [{PARTNER: 1, ROLES: ["pilote"]}]
    assert apply_editor_state(base, None) == base
    assert apply_editor_state(base, {"edited_rows": {}, "added_rows": [], "deleted_rows": []}) == base


def test_apply_editor_state_ignores_out_of_range_rows():
    base = [{PARTNER: 1, ROLES: ["pilote"]}]
    assert apply_editor_state(base, {"edited_rows": {"7": {PARTNER: 2}}, "deleted_rows": [9]}) == base


def test_pairs_from_rows_merges_duplicates_and_skips_empty_rows():
    rows = [{PARTNER: 1, ROLES: ["pilote", "financeur"]}, {PARTNER: None, ROLES: []},
            {PARTNER: 2, ROLES: ["operateur"]}, {PARTNER: 1, ROLES: ["pilote", "lieu"]}]
    pairs, problems = pairs_from_rows(rows, {1: "Ville", 2: "CAF"})
    assert problems == []
    assert pairs == [(1, "pilote"), (1, "financeur"), (2, "operateur"), (1, "lieu")]


def test_pairs_from_rows_explains_incomplete_rows():
    rows = [{PARTNER: 1, ROLES: []}, {PARTNER: None, ROLES: ["relais"]}, {PARTNER: 2, ROLES: ["chef"]}]
    _pairs, problems = pairs_from_rows(rows, {1: "Ville de Bordeaux (Bordeaux)"})
    assert problems == [
        "ligne 1 : indiquez au moins un rôle pour « Ville de Bordeaux (Bordeaux) »",
        "ligne 2 : choisissez le partenaire qui tient le rôle « Relais »",
        "ligne 3 : « chef » n'est pas un rôle connu",
    ]


def test_pairs_from_rows_accepts_ids_as_text_and_roles_as_text():
    pairs, problems = pairs_from_rows([{PARTNER: "3", ROLES: "pilote, relais"}], {})
    assert (pairs, problems) == ([(3, "pilote"), (3, "relais")], [])


def test_add_partner_row_appends_or_merges():
    rows = [{PARTNER: 1, ROLES: ["pilote"]}]
    rows = add_partner_row(rows, 2, ["operateur"])
    rows = add_partner_row(rows, 1, ["financeur", "pilote"])
    assert rows == [{PARTNER: 1, ROLES: ["pilote", "financeur"]}, {PARTNER: 2, ROLES: ["operateur"]}]


def test_diff_roles():
    changes = diff_roles([(1, "pilote"), (2, "operateur")], [(1, "pilote"), (1, "financeur"), (3, "relais")])
    assert changes.added == [(1, "financeur"), (3, "relais")]
    assert changes.removed == [(2, "operateur")]
    assert diff_roles([(1, "pilote")], [(1, "pilote")]).empty


@pytest.fixture
def world(empty_engine):
    with session_scope(empty_engine) as session:
        return build_world(session)


@pytest.fixture
def action_id(empty_engine, world):
    with session_scope(empty_engine) as session:
        return create_action(session, world.coordinator, world.draft(partners=[(world.ville, "pilote")])).id


def test_table_edits_become_database_changes(empty_engine, world, action_id):
    """The whole path the page takes: rows shown, editor state, pairs, saved."""
    with Session(empty_engine) as session:
        base = editor_rows(role_pairs(session, action_id))
        labels = partner_labels(session, [world.ville, world.caf, world.asso])
    state = {"edited_rows": {0: {ROLES: ["pilote", "financeur"]}}, "deleted_rows": [],
             "added_rows": [{PARTNER: world.caf, ROLES: ["copilote"]}, {PARTNER: world.asso, ROLES: ["operateur", "lieu"]}]}
    pairs, problems = pairs_from_rows(apply_editor_state(base, state), labels)
    assert problems == []
    version_before = data_version(empty_engine)
    with session_scope(empty_engine) as session:
        changes = save_action_partners(session, world.coordinator, action_id, pairs, expected_version=1)
    assert len(changes.added) == 4 and changes.removed == []
    assert data_version(empty_engine) == version_before + 1
    with Session(empty_engine) as session:
        assert set(role_pairs(session, action_id)) == {
            (world.ville, "pilote"), (world.ville, "financeur"), (world.caf, "copilote"),
            (world.asso, "operateur"), (world.asso, "lieu")}
        assert session.get(Action, action_id).version == 2
        entry = session.exec(select(AuditEntry).where(AuditEntry.operation == "update")).one()
        assert json.loads(entry.after)["partners"][0] == "Association Rénovation:lieu"

    # Then a row deleted and a role removed: only those disappear.
    with Session(empty_engine) as session:
        base = editor_rows(role_pairs(session, action_id))
    asso_row = next(i for i, row in enumerate(base) if row[PARTNER] == world.asso)
    ville_row = next(i for i, row in enumerate(base) if row[PARTNER] == world.ville)
    state = {"edited_rows": {ville_row: {ROLES: ["pilote"]}}, "deleted_rows": [asso_row], "added_rows": []}
    pairs, _ = pairs_from_rows(apply_editor_state(base, state), labels)
    with session_scope(empty_engine) as session:
        changes = save_action_partners(session, world.coordinator, action_id, pairs, expected_version=2)
    assert sorted(changes.removed) == sorted([(world.ville, "financeur"), (world.asso, "operateur"), (world.asso, "lieu")])
    with Session(empty_engine) as session:
        assert set(role_pairs(session, action_id)) == {(world.ville, "pilote"), (world.caf, "copilote")}


def test_saving_without_a_pilot_is_refused_and_nothing_changes(empty_engine, world, action_id):
    with session_scope(empty_engine) as session, pytest.raises(ValidationError) as error:
        save_action_partners(session, world.coordinator, action_id, [(world.ville, "financeur")], expected_version=1)
    assert "il faut au moins un partenaire « pilote »" in str(error.value)
    with Session(empty_engine) as session:
        assert role_pairs(session, action_id) == [(world.ville, "pilote")]


def test_saving_roles_checks_rights_and_version(empty_engine, world, action_id):
    pairs = [(world.ville, "pilote"), (world.caf, "financeur")]
    with session_scope(empty_engine) as session, pytest.raises(PermissionDenied):
        save_action_partners(session, world.official, action_id, pairs, expected_version=1)
    with session_scope(empty_engine) as session, pytest.raises(ConflictError):
        save_action_partners(session, world.coordinator, action_id, pairs, expected_version=0)


def test_archived_partner_cannot_be_added(empty_engine, world, action_id):
    from models.common import utc_now
    with session_scope(empty_engine) as session:
        partner = session.get(Partner, world.college)
        partner.archived_at = utc_now()
        session.add(partner)
    with session_scope(empty_engine) as session, pytest.raises(ValidationError) as error:
        save_action_partners(session, world.coordinator, action_id,
                             [(world.ville, "pilote"), (world.college, "relais")], expected_version=1)
    assert "« Collège Cheverus » est archivé" in str(error.value)


def test_unchanged_roles_write_nothing(empty_engine, world, action_id):
    with session_scope(empty_engine) as session:
        assert save_action_partners(session, world.coordinator, action_id, [(world.ville, "pilote")], 1).empty
    with Session(empty_engine) as session:
        assert session.get(Action, action_id).version == 1


def test_partner_choices_offer_the_partnership_the_chosen_and_a_search(empty_engine, world):
    with Session(empty_engine) as session:
        merignac = partner_choices(session, world.merignac)
        assert list(merignac.values()) == ["Association Rénovation (Mérignac)"]
        with_search = partner_choices(session, world.merignac, include=[world.ville], query="cheverus")
        assert set(with_search) == {world.asso, world.ville, world.college}
        assert partner_choices(session, world.merignac, query="merignac") == merignac  # a name search, not a place
        assert list(with_search)[0] == world.asso  # the partnership first, then the others by name
        assert world.asso not in partner_choices(session, world.merignac, exclude=world.asso, query="cheverus")
        assert partner_choices(session, None) == {}  # never the whole of France
        assert len(partner_choices(session, None, query="e", limit=1)) == 1


def test_partner_labels_add_the_code_when_two_labels_clash(empty_engine, world):
    from models import Territory
    with session_scope(empty_engine) as session:
        session.add(Territory(key="com:99001", level="com", code="99001", name="Bordeaux", search_name="bordeaux"))
        session.flush()
        twin = Partner(name="Ville de Bordeaux", typology="MUNI", seat_commune_key="com:99001")
        session.add(twin)
        session.flush()
        twin_id = twin.id
    with Session(empty_engine) as session:
        labels = partner_labels(session, [world.ville, twin_id, world.caf])
    assert labels[world.ville] == "Ville de Bordeaux (Bordeaux, 33063)"
    assert labels[twin_id] == "Ville de Bordeaux (Bordeaux, 99001)"
    assert labels[world.caf] == "CAF de la Gironde (Bordeaux)"


def test_labels_stay_unique(empty_engine, world):
    with Session(empty_engine) as session:
        labels = partner_labels(session, [world.ville, world.caf, world.asso, world.college])
    assert len(set(labels.values())) == 4
    assert labels[world.ville] == "Ville de Bordeaux (Bordeaux)"
