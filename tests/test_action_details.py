"""Indicators, the action sheet (Markdown and printable HTML), the timeline and the history of an action."""

import dataclasses
import datetime as dt

import pytest
from sqlmodel import Session, select

from maillage.accounts import SYSTEM
from maillage.actions import (
    MIN_BAR_SHARE,
    action_history,
    action_sheet,
    council_timeline,
    create_action,
    delete_indicators,
    draft_for_edit,
    indicators_of,
    legend,
    legend_text,
    save_indicators,
    sheet_filename,
    sheet_html,
    sheet_markdown,
    timeline_spec,
    type_colours,
    update_action,
)
from maillage.core import (
    ConflictError,
    PermissionDenied,
    ValidationError,
    data_version,
    md,
    session_scope,
)
from models import AuditEntry, Indicator
from tests.actions_world import TODAY, build_world


@pytest.fixture
def world(empty_engine):
    with session_scope(empty_engine) as session:
        return build_world(session)


@pytest.fixture
def action_id(empty_engine, world):
    with session_scope(empty_engine) as session:
        return create_action(session, world.coordinator, world.draft(start_date=dt.date(2024, 1, 8))).id


# ------------------------------------------------------------- indicators


def test_save_update_and_delete_indicators(empty_engine, world, action_id):
    version = data_version(empty_engine)
    with session_scope(empty_engine) as session:
        row = save_indicators(session, world.coordinator, action_id, 2025,
                              {"people_reached": 120, "sessions": 14, "online_contacts": 300, "referrals": 9},
                              today=TODAY)
    assert (row.year, row.people_reached, row.version) == (2025, 120, 1)
    assert data_version(empty_engine) == version + 1
    with session_scope(empty_engine) as session:
        row = save_indicators(session, world.coordinator, action_id, 2025,
                              {"people_reached": 130, "sessions": 14, "online_contacts": 300, "referrals": 9},
                              expected_version=1, today=TODAY)
    assert (row.people_reached, row.version) == (130, 2)
    with session_scope(empty_engine) as session, pytest.raises(ConflictError) as error:
        save_indicators(session, world.coordinator, action_id, 2025, {"people_reached": 1}, expected_version=1,
                        today=TODAY)
    assert "coord@bordeaux.fr" in str(error.value) and "2025" in str(error.value)
    with Session(empty_engine) as session:
        assert [r.year for r in indicators_of(session, world.official, action_id)] == [2025]
    with session_scope(empty_engine) as session:
        delete_indicators(session, world.coordinator, action_id, 2025, expected_version=2)
    with Session(empty_engine) as session:
        assert session.exec(select(Indicator)).all() == []
        operations = session.exec(select(AuditEntry.operation).where(AuditEntry.label.contains("indicateurs 2025"))
                                  .order_by(AuditEntry.id)).all()
        assert operations == ["create", "update", "delete"]


@pytest.mark.parametrize("year, values, message", [
    (2023, {"people_reached": 5}, "Année : 2023 est avant le début de l'action (2024)"),
    (2027, {"people_reached": 5}, "Année : 2027 n'a pas encore commencé"),
    (2025, {"people_reached": -5}, "Personnes touchées : doit être positif ou nul"),
    (2025, {"sessions": 2.5}, "Séances : doit être un nombre entier"),
    (2025, {}, "Indicateurs : saisissez au moins un chiffre"),
])
def test_indicator_validation(empty_engine, world, action_id, year, values, message):
    with session_scope(empty_engine) as session, pytest.raises(ValidationError) as error:
        save_indicators(session, world.coordinator, action_id, year, values, today=TODAY)
    assert message in str(error.value)


def test_indicators_after_the_end_are_refused(empty_engine, world):
    with session_scope(empty_engine) as session:
        ended = create_action(session, world.coordinator, world.draft(
            title="Fini", status="terminee", start_date=dt.date(2022, 1, 1), end_date=dt.date(2023, 6, 30))).id
    with session_scope(empty_engine) as session, pytest.raises(ValidationError) as error:
        save_indicators(session, world.coordinator, ended, 2024, {"people_reached": 1}, today=TODAY)
    assert "2024 est après la fin de l'action (2023)" in str(error.value)


@pytest.mark.parametrize("who", ["official", "other_coordinator", "network_member"])
def test_only_the_council_records_indicators(empty_engine, world, action_id, who):
    with session_scope(empty_engine) as session, pytest.raises(PermissionDenied):
        save_indicators(session, getattr(world, who), action_id, 2025, {"people_reached": 1}, today=TODAY)


# ------------------------------------------------------------- sheet


def test_sheet_content(empty_engine, world, action_id):
    with session_scope(empty_engine) as session:
        save_indicators(session, world.coordinator, action_id, 2025, {"people_reached": 1200, "sessions": 14},
                        today=TODAY)
    with Session(empty_engine) as session:
        sheet = action_sheet(session, world.other_coordinator, action_id, as_of=TODAY)  # shared: readable by the peer
    assert sheet.council == "CLSPD de Bordeaux"
    assert sheet.period == "depuis le 08/01/2024"
    assert [p.name for p in sheet.partners] == ["Ville de Bordeaux (Bordeaux)", "Association Rénovation (Mérignac)",
                                                "CAF de la Gironde (Bordeaux)"]
    assert sheet.partners[0].roles == ["Pilote"] and sheet.partners[0].typology == "Commune"
    facts = dict(sheet.facts())
    assert facts["Modalité"] == "En ligne (Instagram)"
    assert facts["Budget"] == "9\u202f000\u00a0€"
    assert facts["Territoires"] == "Bordeaux (33063)"
    text = sheet_markdown(sheet)
    assert text.startswith("# Promeneurs du Net Bordeaux\n")
    assert "| 2025 | 1\u202f200 | 14 | — | — |" in text
    assert "- **Publics** : Adolescents (12-17 ans)" in text
    assert sheet_filename(sheet, "md") == "fiche-action-promeneurs-du-net-bordeaux.md"


def test_unshared_sheet_is_refused_to_other_councils(empty_engine, world):
    with session_scope(empty_engine) as session:
        private = create_action(session, world.coordinator, world.draft(title="Privée", shared=False)).id
    with Session(empty_engine) as session, pytest.raises(PermissionDenied):
        action_sheet(session, world.other_coordinator, private)


HOSTILE = '<script>alert(1)</script> **gras** [lien](javascript:alert(1)) <img src=x onerror=alert(2)>'


def test_user_text_is_escaped_in_markdown_and_html(empty_engine, world):
    with session_scope(empty_engine) as session:
        hostile = create_action(session, world.coordinator, world.draft(title=HOSTILE, notes="- " + HOSTILE)).id
    with Session(empty_engine) as session:
        sheet = action_sheet(session, SYSTEM, hostile, as_of=TODAY)
    page = sheet_html(sheet)
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # The only script is our own print button, allowed by its hash in the page's content policy.
    assert page.count("<script>") == 1 and "window.print()" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page and "http" not in page.lower().replace("http-equiv", "")
    text = sheet_markdown(sheet)
    assert "<script>" not in text and "\\<script\\>" in text
    assert "\\*\\*gras\\*\\*" in text and "\\[lien\\]" in text
    assert "\n\\- " in text  # a note line starting with « - » does not become a list


def test_md_escape():
    assert md("a_b *c* `d` #e |f|") == "a\\_b \\*c\\* \\`d\\` \\#e \\|f\\|"
    assert md("1. premier") == "1\\. premier"


# ------------------------------------------------------------- timeline


def test_timeline_bars_spec_and_legend(empty_engine, world, action_id):
    with session_scope(empty_engine) as session:
        create_action(session, world.coordinator, world.draft(
            title="Journée sans écran", action_type="defi_sans_ecran", status="terminee",
            start_date=dt.date(2025, 5, 12), end_date=dt.date(2025, 5, 12), mode="site", platforms=[]))
    with Session(empty_engine) as session:
        bars = council_timeline(session, world.coordinator, world.bordeaux, as_of=TODAY)
    assert [bar.title for bar in bars] == ["Promeneurs du Net Bordeaux", "Journée sans écran"]
    open_bar, day_bar = bars
    assert open_bar.end == TODAY and open_bar.end_date is None  # open-ended: drawn up to the date
    assert day_bar.end == dt.date(2025, 5, 13)  # one-day action still visible
    assert legend(bars) == [("Présence éducative en ligne (Promeneurs du Net)", 1), ("Défi sans écran", 1)]
    assert legend_text(bars) == "Présence éducative en ligne (Promeneurs du Net) : 1 action · Défi sans écran : 1 action"
    spec = timeline_spec(bars, TODAY)
    values = spec["data"]["values"]
    assert [v["action"] for v in values] == ["Promeneurs du Net Bordeaux", "Journée sans écran"]
    assert values[1]["periode"] == "du 12/05/2025 au 12/05/2025"
    colour = spec["layer"][0]["encoding"]["color"]
    assert colour["title"] == "Type d'action"
    assert colour["scale"]["domain"] == ["Présence éducative en ligne (Promeneurs du Net)", "Défi sans écran"]
    assert colour["scale"]["range"] == [type_colours()[label] for label in colour["scale"]["domain"]]
    assert "http" not in repr(spec)  # nothing loaded from outside hosts


def test_timeline_draws_one_day_and_future_actions_wide_enough(empty_engine, world, action_id):
    with session_scope(empty_engine) as session:
        create_action(session, world.coordinator, world.draft(
            title="Journée sans écran", action_type="defi_sans_ecran", status="terminee",
            start_date=dt.date(2025, 5, 12), end_date=dt.date(2025, 5, 12), mode="site", platforms=[]))
        create_action(session, world.coordinator, world.draft(
            title="Forum 2027", action_type="evenement", status="projet",
            start_date=dt.date(2027, 3, 2), end_date=dt.date(2027, 3, 3), mode="site", platforms=[]))
    with Session(empty_engine) as session:
        bars = council_timeline(session, world.coordinator, world.bordeaux, as_of=TODAY)
    spec = timeline_spec(bars, TODAY)
    values = {v["action"]: v for v in spec["data"]["values"]}
    first = min(dt.date.fromisoformat(v["debut"]) for v in values.values())
    axis_days = (dt.date(2027, 3, 3) - first).days
    for title in ("Journée sans écran", "Forum 2027"):
        drawn = dt.date.fromisoformat(values[title]["trace"]) - dt.date.fromisoformat(values[title]["debut"])
        assert drawn.days >= round(axis_days * MIN_BAR_SHARE) > 1, title  # not a one-pixel sliver
    assert values["Forum 2027"]["periode"] == "du 02/03/2027 au 03/03/2027"  # the tooltip keeps the real dates
    assert values["Promeneurs du Net Bordeaux"]["trace"] == values["Promeneurs du Net Bordeaux"]["fin"]  # long: as is
    assert spec["layer"][0]["encoding"]["x2"] == {"field": "trace"}
    assert spec["padding"]["right"] >= 24 and spec["layer"][0]["encoding"]["x"]["scale"]["padding"] > 0


def test_every_type_has_its_own_colour():
    colours = type_colours()
    assert len(colours) == 12 and len(set(colours.values())) == 12


# ------------------------------------------------------------- history


def test_history_tells_each_change_in_french(empty_engine, world, action_id):
    with Session(empty_engine) as session:
        draft, version = draft_for_edit(session, world.coordinator, action_id)
    with session_scope(empty_engine) as session:
        update_action(session, world.coordinator, action_id, dataclasses.replace(
            draft, status="suspendue", budget_eur=12000.0, themes=["cyberharcelement", "desinformation"],
            partners=draft.partners + [(world.college, "relais")]), version)
    with session_scope(empty_engine) as session:
        save_indicators(session, world.coordinator, action_id, 2025, {"people_reached": 80}, today=TODAY)
    with Session(empty_engine) as session:
        history = action_history(session, world.coordinator, action_id)
    assert [entry.operation for entry in history] == ["création", "modification", "création"]
    indicators, update, created = history
    assert indicators.changes[0].field == "Indicateurs 2025"
    assert "Personnes touchées : 80" in indicators.changes[0].after
    changes = {change.field: change for change in update.changes}
    assert set(changes) == {"Statut", "Thèmes", "Budget", "Partenaires"}
    assert (changes["Statut"].before, changes["Statut"].after) == ("En cours", "Suspendue")
    assert changes["Budget"].after == "12\u202f000\u00a0€"
    assert changes["Thèmes"].after == "Cyberharcèlement, Désinformation"
    assert "Collège Cheverus (Relais)" in changes["Partenaires"].after
    assert update.who == "coord@bordeaux.fr"
    created_fields = {change.field: change.after for change in created.changes}
    assert created_fields["Territoires"] == "Bordeaux (33063)" and created_fields["Instance"] == "CLSPD de Bordeaux"


def test_history_is_for_the_council_only(empty_engine, world, action_id):
    with Session(empty_engine) as session, pytest.raises(PermissionDenied):
        action_history(session, world.other_coordinator, action_id)  # shared action, but not its history
    with Session(empty_engine) as session, pytest.raises(PermissionDenied):
        action_history(session, world.official, action_id)  # officials read summaries, not the audit log



def test_timeline_can_be_narrowed(empty_engine, world, action_id):
    from maillage.actions.listing import ActionFilters
    with session_scope(empty_engine) as session:
        create_action(session, world.coordinator, world.draft(
            title="Ateliers parents", action_type="sensibilisation_parents", status="terminee", mode="site",
            platforms=[], start_date=dt.date(2025, 9, 1), end_date=dt.date(2025, 12, 15)))
    with Session(empty_engine) as session:
        only_parents = council_timeline(session, world.coordinator, world.bordeaux, as_of=TODAY,
                                        filters=ActionFilters(action_types=["sensibilisation_parents"]))
        running = council_timeline(session, world.coordinator, world.bordeaux, as_of=TODAY,
                                   filters=ActionFilters(statuses=["en_cours"]))
    assert [bar.title for bar in only_parents] == ["Ateliers parents"]
    assert [bar.title for bar in running] == ["Promeneurs du Net Bordeaux"]
