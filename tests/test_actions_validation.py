"""Validation of the action form, and create/update/archive with rights, versions, audit and data version."""

import dataclasses
import datetime as dt
import json

import pytest
from sqlmodel import Session, select

from maillage.accounts import SYSTEM
from maillage.actions import (
    archive_action,
    archived_actions,
    copy_draft,
    create_action,
    draft_for_edit,
    draft_warnings,
    empty_draft,
    restore_action,
    update_action,
    validate_draft,
)
from maillage.core import (
    ConflictError,
    NotFoundError,
    PermissionDenied,
    ValidationError,
    data_version,
    session_scope,
)
from models import Action, ActionPartner, ActionPlatform, ActionTerritory, AuditEntry
from tests.actions_world import TODAY, build_world


@pytest.fixture
def world(empty_engine):
    with session_scope(empty_engine) as session:
        return build_world(session)


def problems(engine, draft, action_id=None):
    with Session(engine) as session:
        return validate_draft(session, draft, action_id)


def messages(found):
    return [message for _field, message in found]


def test_a_complete_draft_is_valid(empty_engine, world):
    assert problems(empty_engine, world.draft()) == []


def test_end_before_start_is_refused_with_both_dates(empty_engine, world):
    found = problems(empty_engine, world.draft(start_date=dt.date(2025, 3, 1), end_date=dt.date(2025, 2, 1)))
    assert ("end_date", "Fin : le 01/02/2025 est avant le début (01/03/2025)") in found


def test_end_equal_to_start_is_accepted(empty_engine, world):
    assert problems(empty_engine, world.draft(start_date=dt.date(2025, 3, 1), end_date=dt.date(2025, 3, 1))) == []


def test_at_least_one_territory_and_one_public(empty_engine, world):
    found = problems(empty_engine, world.draft(territory_keys=[], publics=[]))
    assert ("territory_keys", "Territoires : indiquez au moins un territoire couvert") in found
    assert ("publics", "Publics : indiquez au moins un public") in found


def test_unknown_codes_and_territories_are_named(empty_engine, world):
    found = problems(empty_engine, world.draft(territory_keys=["com:99999"], themes=["astrologie"],
                                               action_type="bricolage", fundings=["loto"]))
    text = " | ".join(messages(found))
    assert "« com:99999 » n'est pas un territoire connu" in text
    assert "« astrologie » n'est pas un thème connu" in text
    assert "« bricolage » n'est pas un type d'action connu" in text
    assert "« loto » n'est pas un financement connu" in text


@pytest.mark.parametrize("field, value, message", [
    ("weekly_hours", -1.0, "Heures par semaine : doit être un nombre positif ou nul"),
    ("weekly_hours", 200.0, "Heures par semaine : 200,0 h dépasse les 168 heures d'une semaine"),
    ("budget_eur", -5.0, "Budget : doit être un montant positif ou nul"),
])
def test_numbers_must_be_positive_and_plausible(empty_engine, world, field, value, message):
    assert message in messages(problems(empty_engine, world.draft(**{field: value})))


def test_zero_hours_and_budget_are_fine(empty_engine, world):
    assert problems(empty_engine, world.draft(weekly_hours=0.0, budget_eur=0.0)) == []


def test_required_title_type_start_council(empty_engine, world):
    found = problems(empty_engine, world.draft(title="  ", action_type=None, start_date=None, council_id=None))
    assert {field for field, _ in found} >= {"title", "action_type", "start_date", "council_id"}


@pytest.mark.parametrize("field", ["title", "notes", "evaluation"])
@pytest.mark.parametrize("text, kind", [
    ("Contacter jean.dupont@gmail.com pour les inscriptions", "adresse e-mail"),
    ("Rappeler Mme X au 06 12 34 56 78", "numéro de téléphone"),
    ("Permanence : +33 6 12 34 56 78", "numéro de téléphone"),
])
def test_personal_contact_details_are_refused_with_an_explanation(empty_engine, world, field, text, kind):
    found = problems(empty_engine, world.draft(**{field: text}))
    refused = [message for name, message in found if name == field]
    assert refused, found
    assert kind in refused[0] and "aucune coordonnée personnelle" in refused[0]


def test_institutional_numbers_in_notes_are_fine(empty_engine, world):
    assert problems(empty_engine, world.draft(notes="Budget 2025 : 12 000 €, 35 séances, 3 h par semaine.")) == []


def test_platforms_only_for_online_actions(empty_engine, world):
    found = problems(empty_engine, world.draft(mode="site", platforms=["tiktok"]))
    assert ("platforms", "Plateformes : elles ne se renseignent que pour une action en ligne") in found


def test_at_least_one_pilot(empty_engine, world):
    found = problems(empty_engine, world.draft(partners=[(world.caf, "financeur")]))
    assert ("partners", "Partenaires : il faut au moins un partenaire « pilote »") in found


def test_unknown_partner_is_refused(empty_engine, world):
    found = problems(empty_engine, world.draft(partners=[(world.ville, "pilote"), (9999, "relais")]))
    assert ("partners", "Partenaires : le partenaire n° 9999 n'existe pas") in found


def test_title_unique_in_its_council_ignoring_case_and_accents(empty_engine, world):
    with session_scope(empty_engine) as session:
        create_action(session, world.coordinator, world.draft(title="Défi sans écran"))
    found = problems(empty_engine, world.draft(title="DEFI SANS ECRAN"))
    assert any(field == "title" and "existe déjà" in message for field, message in found)
    # Another council may use the same title.
    assert problems(empty_engine, world.draft(title="Défi sans écran", council_id=world.merignac,
                                              territory_keys=["com:33281"])) == []


def test_review_flag_for_running_action_whose_end_has_passed(world):
    warnings = draft_warnings(world.draft(status="en_cours", end_date=dt.date(2026, 6, 30)), TODAY)
    assert any("à revoir" in w and "30/06/2026" in w for w in warnings)
    assert not any("à revoir" in w for w in draft_warnings(world.draft(status="terminee", end_date=dt.date(2026, 6, 30)), TODAY))


def test_draft_warnings_question_a_running_action_not_started(world):
    warnings = draft_warnings(world.draft(status="en_cours", start_date=dt.date(2027, 1, 15)), TODAY)
    assert any("ne commence que le 15/01/2027" in w and "« En projet »" in w for w in warnings)


def test_new_action_draft_is_shared_with_the_networks():
    draft = empty_draft(7, TODAY)
    assert (draft.council_id, draft.status, draft.start_date, draft.shared) == (7, "projet", TODAY, True)


def test_single_partner_warning(world):
    warnings = draft_warnings(world.draft(partners=[(world.ville, "pilote"), (world.ville, "financeur")]), TODAY)
    assert any("Un seul partenaire" in w for w in warnings)


def test_validation_error_carries_every_problem(empty_engine, world):
    with session_scope(empty_engine) as session, pytest.raises(ValidationError) as error:
        create_action(session, world.coordinator, world.draft(territory_keys=[], publics=[], budget_eur=-1.0))
    assert len(error.value.problems) == 3
    assert "Territoires" in str(error.value) and "Publics" in str(error.value) and "Budget" in str(error.value)


def test_create_writes_lists_partners_audit_and_bumps_data_version(empty_engine, world):
    before = data_version(empty_engine)
    with session_scope(empty_engine) as session:
        action = create_action(session, world.coordinator, world.draft(title="  Promeneurs du Net  "))
    assert data_version(empty_engine) == before + 1
    with Session(empty_engine) as session:
        stored = session.get(Action, action.id)
        assert stored.title == "Promeneurs du Net" and stored.version == 1
        assert session.exec(select(ActionTerritory.territory_key).where(ActionTerritory.action_id == action.id)).all() == ["com:33063"]
        assert session.exec(select(ActionPlatform.platform).where(ActionPlatform.action_id == action.id)).all() == ["instagram"]
        roles = set(session.exec(select(ActionPartner.partner_id, ActionPartner.role).where(ActionPartner.action_id == action.id)).all())
        assert roles == {(world.ville, "pilote"), (world.caf, "financeur"), (world.asso, "operateur")}
        entry = session.exec(select(AuditEntry).where(AuditEntry.entity == "action")).one()
        assert (entry.operation, entry.record_id, entry.user_email) == ("create", action.id, "coord@bordeaux.fr")
        after = json.loads(entry.after)
        assert "CAF de la Gironde:financeur" in after["partners"] and after["territory_keys"] == ["com:33063"]


@pytest.mark.parametrize("who", ["other_coordinator", "official", "network_member"])
def test_only_the_council_coordinators_and_admins_create(empty_engine, world, who):
    with session_scope(empty_engine) as session, pytest.raises(PermissionDenied):
        create_action(session, getattr(world, who), world.draft())


def test_admin_creates_anywhere(empty_engine, world):
    with session_scope(empty_engine) as session:
        action_id = create_action(session, SYSTEM, world.draft(council_id=world.saintes, territory_keys=["com:17415"])).id
    with Session(empty_engine) as session:
        assert session.get(Action, action_id).council_id == world.saintes
        assert session.exec(select(ActionTerritory.territory_key).where(ActionTerritory.action_id == action_id)).all() == ["com:17415"]
        entry = session.exec(select(AuditEntry).where(AuditEntry.record_id == action_id, AuditEntry.entity == "action")).one()
        assert (entry.operation, entry.user_email) == ("create", SYSTEM.email)


def _create(engine, world, **fields):
    with session_scope(engine) as session:
        return create_action(session, world.coordinator, world.draft(**fields)).id


def test_update_changes_fields_lists_and_roles_and_audits_the_difference(empty_engine, world):
    action_id = _create(empty_engine, world)
    with Session(empty_engine) as session:
        draft, version = draft_for_edit(session, world.coordinator, action_id)
    assert draft.partners == sorted([(world.ville, "pilote"), (world.caf, "financeur"), (world.asso, "operateur")])
    draft = dataclasses.replace(draft, status="terminee", end_date=dt.date(2026, 6, 30),
                                territory_keys=["com:33063", "sub:33063:benauge"],
                                partners=[(world.ville, "pilote"), (world.college, "relais")])
    with session_scope(empty_engine) as session:
        updated = update_action(session, world.coordinator, action_id, draft, version)
    assert updated.version == version + 1
    with Session(empty_engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.operation == "update")).one()
        before, after = json.loads(entry.before), json.loads(entry.after)
        assert set(after) == {"status", "end_date", "territory_keys", "partners"}
        assert before["status"] == "en_cours" and after["end_date"] == "2026-06-30"
        assert after["partners"] == ["Collège Cheverus:relais", "Ville de Bordeaux:pilote"]


def test_update_without_change_keeps_the_version(empty_engine, world):
    action_id = _create(empty_engine, world)
    with Session(empty_engine) as session:
        draft, version = draft_for_edit(session, world.coordinator, action_id)
    with session_scope(empty_engine) as session:
        assert update_action(session, world.coordinator, action_id, draft, version).version == version


def test_stale_version_is_refused_naming_who_changed_it(empty_engine, world):
    action_id = _create(empty_engine, world)
    with Session(empty_engine) as session:
        draft, version = draft_for_edit(session, world.coordinator, action_id)
    with session_scope(empty_engine) as session:
        update_action(session, SYSTEM, action_id, dataclasses.replace(draft, weekly_hours=8.0), version)
    with session_scope(empty_engine) as session, pytest.raises(ConflictError) as error:
        update_action(session, world.coordinator, action_id, dataclasses.replace(draft, budget_eur=1.0), version)
    assert "ligne de commande" in str(error.value)
    with Session(empty_engine) as session:
        assert session.get(Action, action_id).weekly_hours == 8.0


def test_moving_an_action_needs_rights_on_both_councils(empty_engine, world):
    action_id = _create(empty_engine, world)
    with Session(empty_engine) as session:
        draft, version = draft_for_edit(session, world.coordinator, action_id)
    with session_scope(empty_engine) as session, pytest.raises(PermissionDenied):
        update_action(session, world.coordinator, action_id, dataclasses.replace(draft, council_id=world.merignac), version)


def test_other_councils_cannot_edit_even_shared_actions(empty_engine, world):
    action_id = _create(empty_engine, world, shared=True)
    with Session(empty_engine) as session, pytest.raises(PermissionDenied):
        draft_for_edit(session, world.other_coordinator, action_id)


def test_archive_and_restore(empty_engine, world):
    action_id = _create(empty_engine, world)
    with session_scope(empty_engine) as session:
        archive_action(session, world.coordinator, action_id, expected_version=1)
    with Session(empty_engine) as session:
        with pytest.raises(NotFoundError):
            draft_for_edit(session, world.coordinator, action_id)
        assert archived_actions(session, world.coordinator, world.bordeaux) == [(action_id, "Promeneurs du Net Bordeaux")]
        assert archived_actions(session, world.official, world.bordeaux) == []
    with session_scope(empty_engine) as session, pytest.raises(PermissionDenied):
        restore_action(session, world.other_coordinator, action_id)
    with session_scope(empty_engine) as session:
        restore_action(session, world.coordinator, action_id)
    with Session(empty_engine) as session:
        assert session.get(Action, action_id).archived_at is None
        operations = session.exec(select(AuditEntry.operation).where(AuditEntry.record_id == action_id)
                                  .order_by(AuditEntry.id)).all()
        assert operations == ["create", "archive", "restore"]


def test_copy_prefills_a_new_project_without_territories(empty_engine, world):
    action_id = _create(empty_engine, world, shared=True)
    with Session(empty_engine) as session:
        copy = copy_draft(session, world.other_coordinator, action_id, world.merignac, TODAY)
    assert copy.title == "Promeneurs du Net Bordeaux (copie)"
    assert (copy.council_id, copy.status, copy.start_date, copy.end_date) == (world.merignac, "projet", TODAY, None)
    assert copy.territory_keys == []
    assert copy.action_type == "presence_en_ligne" and copy.publics == ["adolescents"] and copy.platforms == ["instagram"]
    assert (world.ville, "pilote") in copy.partners
    assert "Reprise de l'action « Promeneurs du Net Bordeaux » (CLSPD de Bordeaux)" in copy.notes
    with session_scope(empty_engine) as session:
        create_action(session, world.other_coordinator,
                      dataclasses.replace(copy, territory_keys=["com:33281"]))
    with Session(empty_engine) as session:
        second = copy_draft(session, world.coordinator, action_id, world.merignac, TODAY)
    assert second.title == "Promeneurs du Net Bordeaux (copie 2)"


def test_copy_of_an_unshared_action_of_another_council_is_refused(empty_engine, world):
    action_id = _create(empty_engine, world, shared=False)
    with Session(empty_engine) as session, pytest.raises(PermissionDenied):
        copy_draft(session, world.other_coordinator, action_id, world.merignac, TODAY)
