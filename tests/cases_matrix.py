"""The calls of the permission matrix: (name, call(session, actor, data), roles allowed)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlmodel import Session

from maillage.accounts import add_user, list_audit, list_users, record_history
from maillage.actions import (
    action_history,
    archive_action,
    create_action,
    draft_for_edit,
    draft_of,
    indicators_of,
    role_pairs,
    save_action_partners,
    save_indicators,
    update_action,
    visible_action,
)
from maillage.coverage import add_rule, council_coverage, reset_frame
from maillage.exchange import data_quality, make_backup
from maillage.network import (
    LinkInput,
    Scope,
    create_link,
    delete_link,
    end_link,
    network_analysis,
)
from maillage.partners import (
    PartnerInput,
    archive_partner,
    create_partner,
    merge_partners,
    partner_detail,
    set_expectations,
    update_partner,
)
from maillage.restitution import compare_network, council_overview, council_report
from maillage.vocabularies import add_entry
from models import Action

TODAY = dt.date(2026, 11, 29)
ADMIN = {"admin"}
WRITERS = {"admin", "coord_own"}
COUNCIL_READERS = {"admin", "coord_own", "elu_own"}
PEERS = {"coord_other", "reseau"}  # the FFSU network's other members


def _new_action(session: Session, actor, data) -> None:
    draft = draft_of(session, session.get(Action, data["action"]))
    draft = dataclasses.replace(draft, title="Nouvelle action de test")
    create_action(session, actor, draft)


def _edit_action(session: Session, actor, data) -> None:
    draft = draft_of(session, session.get(Action, data["action"]))
    update_action(session, actor, data["action"], dataclasses.replace(draft, notes="modifié"), data["action_version"])


def _edit_partner(session: Session, actor, data) -> None:
    detail = partner_detail(session, actor, data["partner"], TODAY)
    update_partner(session, actor, data["partner"], dataclasses.replace(detail.as_input(), notes="vérifié"),
                   data["partner_version"])


CASES = [
    # writing
    ("create_partner", lambda s, a, d: create_partner(
        s, a, PartnerInput(name="Association de test", typology="ASSO", seat_commune="33063"), TODAY), WRITERS),
    ("update_partner", _edit_partner, WRITERS),
    ("archive_partner", lambda s, a, d: archive_partner(s, a, d["partner"], d["partner_version"]), WRITERS),
    ("merge_partners", lambda s, a, d: merge_partners(s, a, d["partner"], d["other"], None, None), WRITERS),
    ("create_link", lambda s, a, d: create_link(s, a, LinkInput(d["bordeaux"], d["partner"], d["other"], "cofinancement", 3)), WRITERS),
    ("end_link", lambda s, a, d: end_link(s, a, d["link"], TODAY, d["link_version"]), WRITERS),
    ("delete_link", lambda s, a, d: delete_link(s, a, d["link"], d["link_version"]), WRITERS),
    ("create_action", _new_action, WRITERS),
    ("update_action", _edit_action, WRITERS),
    ("archive_action", lambda s, a, d: archive_action(s, a, d["action"], d["action_version"]), WRITERS),
    ("save_indicators", lambda s, a, d: save_indicators(s, a, d["action"], d["indicator_year"], {"people_reached": 5}, None, TODAY), WRITERS),
    ("save_action_partners", lambda s, a, d: save_action_partners(s, a, d["action"], role_pairs(s, d["action"]), d["action_version"]), WRITERS),
    ("add_rule", lambda s, a, d: add_rule(s, a, d["bordeaux"], "cyberbase", "enfants", 0), WRITERS),
    ("reset_frame", lambda s, a, d: reset_frame(s, a, d["bordeaux"]), WRITERS),
    ("set_expectations", lambda s, a, d: set_expectations(s, a, d["bordeaux"], ["MUNI", "EN"]), WRITERS),
    ("add_user", lambda s, a, d: add_user(s, a, "nouveau@ville.fr", "admin", password="0123456789abc"), ADMIN),
    ("add_vocabulary_entry", lambda s, a, d: add_entry(s, a, "theme", "jeux_argent", "Jeux d'argent"), ADMIN),
    ("make_backup", lambda s, a, d: make_backup(s.get_bind(), a), ADMIN),
    # protected reading
    ("list_users", lambda s, a, d: list_users(s, a), ADMIN),
    ("list_audit", lambda s, a, d: list_audit(s, a), ADMIN),
    ("council_overview", lambda s, a, d: council_overview(s, a, d["bordeaux"], TODAY), COUNCIL_READERS),
    ("council_report", lambda s, a, d: council_report(s, a, d["bordeaux"], 2026, TODAY), COUNCIL_READERS),
    # coverage: the council's own people in full; its network peers see it with shared actions only
    ("council_coverage", lambda s, a, d: council_coverage(s, a, d["bordeaux"], TODAY), COUNCIL_READERS | PEERS),
    ("network_analysis (council)", lambda s, a, d: network_analysis(s, a, Scope.council(d["bordeaux"])), COUNCIL_READERS),
    ("network_analysis (network)", lambda s, a, d: network_analysis(s, a, Scope.network(d["ffsu"])), COUNCIL_READERS | PEERS),
    ("unshared action", lambda s, a, d: visible_action(s, a, d["action"]), COUNCIL_READERS),
    ("draft_for_edit", lambda s, a, d: draft_for_edit(s, a, d["action"]), WRITERS),
    ("indicators_of (unshared)", lambda s, a, d: indicators_of(s, a, d["action"]), COUNCIL_READERS),
    ("action_history", lambda s, a, d: action_history(s, a, d["action"]), WRITERS),
    ("record_history", lambda s, a, d: record_history(s, a, "partner", d["partner"]), ADMIN),
    ("data_quality", lambda s, a, d: data_quality(s, a, d["bordeaux"], TODAY), WRITERS),
    ("compare_network", lambda s, a, d: compare_network(s, a, d["ffsu"], 2026, TODAY), WRITERS | PEERS),
]
