"""The write protocol: one path for permission, version, journal and data versions; labels that cannot drift."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import select

from maillage.accounts import SYSTEM, Actor
from maillage.core import (
    ENTITY_LABELS,
    OPERATION_LABELS,
    ConflictError,
    Entity,
    Operation,
    PermissionDenied,
    recorded_write,
    scope_versions,
    session_scope,
)
from maillage.network import LinkInput, create_link, update_link
from models import AuditEntry, CooperationLink, Council, NetworkCouncil, Partner
from tests.apptest import open_app

ROOT = Path(__file__).resolve().parent.parent
JOURNAL_CALLS = {"write_audit", "record_change", "recorded_write"}


def test_every_entity_and_operation_has_a_french_label():
    assert set(ENTITY_LABELS) == set(Entity) and all(ENTITY_LABELS.values())
    assert set(OPERATION_LABELS) == set(Operation) and all(OPERATION_LABELS.values())


def _journal_calls():
    """(file, line, entity argument source) of every journal call in the domain."""
    for path in sorted((ROOT / "maillage").rglob("*.py")):
        if path.name == "writes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in JOURNAL_CALLS:
                entity = next((k.value for k in node.keywords if k.arg == "entity"), None)
                if entity is None and len(node.args) >= 3:
                    entity = node.args[2]
                yield path.relative_to(ROOT), node.lineno, entity


def test_every_journal_entry_names_an_entity_of_the_enum():
    calls = list(_journal_calls())
    assert len(calls) > 20  # the scan found the writing functions
    for path, line, entity in calls:
        assert entity is not None, f"{path}:{line}: no entity"
        assert not isinstance(entity, ast.Constant), f"{path}:{line}: entity written as a string, use Entity"


def test_unchanged_update_leaves_no_trace_and_scoped_versions_move(demo_engine):
    with session_scope(demo_engine) as session:
        link = session.exec(select(CooperationLink).order_by(CooperationLink.id)).first()
        link_id, council_id, version = link.id, link.council_id, link.version
        other = session.exec(select(Council.id).where(Council.id != council_id)
                             .where(Council.id.not_in(select(NetworkCouncil.council_id).where(
                                 NetworkCouncil.network_id.in_(select(NetworkCouncil.network_id).where(
                                     NetworkCouncil.council_id == council_id)))))).first()
        networks = session.exec(select(NetworkCouncil.network_id).where(NetworkCouncil.council_id == council_id)).all()
        entries = len(session.exec(select(AuditEntry)).all())
        same = LinkInput(link.council_id, link.partner_a_id, link.partner_b_id, link.kind, link.level,
                         link.start_date, link.end_date, link.note)
    before = scope_versions(demo_engine, councils=[council_id, other], networks=networks)
    with session_scope(demo_engine) as session:
        update_link(session, SYSTEM, link_id, same, version)
    with session_scope(demo_engine) as session:
        assert len(session.exec(select(AuditEntry)).all()) == entries
        assert session.get(CooperationLink, link_id).version == version
    assert scope_versions(demo_engine, councils=[council_id, other], networks=networks) == before

    changed = LinkInput(**{**same.__dict__, "level": 1 if same.level != 1 else 2})
    with session_scope(demo_engine) as session:
        update_link(session, SYSTEM, link_id, changed, version)
    after = scope_versions(demo_engine, councils=[council_id, other], networks=networks)
    assert after[0] == before[0]  # national reference data untouched
    assert after[1] == before[1] + 1  # the link's council
    assert after[2] == before[2]  # a council sharing no network with it stays warm
    assert all(a == b + 1 for a, b in zip(after[3:], before[3:]))  # the council's networks
    with session_scope(demo_engine) as session:
        entry = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.entity, entry.operation, entry.record_id) == ("link", "update", link_id)
        assert session.get(CooperationLink, link_id).version == version + 1
        with pytest.raises(ConflictError):
            update_link(session, SYSTEM, link_id, same, version)


def test_refused_write_changes_nothing(demo_engine):
    stranger = Actor(email="x@ville.fr", role="coordinateur", council_ids=frozenset())
    with session_scope(demo_engine) as session:
        a, b = session.exec(select(Partner.id).limit(2)).all()
        council_id = session.exec(select(Council.id)).first()
        entries = len(session.exec(select(AuditEntry)).all())
        with pytest.raises(PermissionDenied):
            create_link(session, stranger, LinkInput(council_id, a, b, "information", 2, dt.date(2025, 1, 1)))
        assert len(session.exec(select(AuditEntry)).all()) == entries


def test_a_failing_block_journals_nothing(demo_engine):
    with session_scope(demo_engine) as session:
        entries = len(session.exec(select(AuditEntry)).all())
        with pytest.raises(RuntimeError):
            with recorded_write(session, SYSTEM, Entity.PARTNER, Operation.CREATE, label="x"):
                raise RuntimeError("boom")
        assert len(session.exec(select(AuditEntry)).all()) == entries


def test_journal_filter_on_link_shows_link_changes(demo_engine, use_database, db_factory):
    with session_scope(demo_engine) as session:
        link = session.exec(select(CooperationLink).order_by(CooperationLink.id)).first()
        data = LinkInput(link.council_id, link.partner_a_id, link.partner_b_id, link.kind,
                         1 if link.level != 1 else 2, link.start_date, link.end_date, "Revu en comité")
        update_link(session, SYSTEM, link.id, data, link.version)
    use_database(str(demo_engine.url.render_as_string(hide_password=False)))
    at = open_app(SYSTEM, page="pages/administration.py")
    entity = next(box for box in at.selectbox if box.label == "Type d'élément")
    assert "Lien" in entity.options
    entity.set_value(Entity.LINK).run()
    table = at.dataframe[-1].value
    assert len(table) >= 1 and set(table["Type"]) == {"Lien"}
    assert any("Revu en comité" in text for text in table["Changements"])


def test_a_council_pages_cache_key_moves_only_with_what_it_reads(demo_engine):
    """Edit in an unrelated council: key unchanged; in a network peer or in the council itself: key moves."""
    from maillage.core import council_scope_version

    with session_scope(demo_engine) as session:
        link = session.exec(select(CooperationLink).order_by(CooperationLink.id)).first()
        own = link.council_id
        networks = set(session.exec(select(NetworkCouncil.network_id).where(NetworkCouncil.council_id == own)).all())
        peers = set(session.exec(select(NetworkCouncil.council_id).where(NetworkCouncil.network_id.in_(networks)))
                    .all()) - {own}
        unrelated = [c for c in session.exec(select(Council.id)).all() if c != own and c not in peers
                     and not set(session.exec(select(NetworkCouncil.network_id)
                                              .where(NetworkCouncil.council_id == c)).all()) & networks]
        data = LinkInput(link.council_id, link.partner_a_id, link.partner_b_id, link.kind,
                         1 if link.level != 1 else 2, link.start_date, link.end_date, link.note)
    assert unrelated and peers
    keys = {c: council_scope_version(demo_engine, c) for c in (own, unrelated[0], sorted(peers)[0])}
    with session_scope(demo_engine) as session:
        update_link(session, SYSTEM, link.id, data, link.version)
    assert council_scope_version(demo_engine, unrelated[0]) == keys[unrelated[0]]
    assert council_scope_version(demo_engine, own) != keys[own]
    assert council_scope_version(demo_engine, sorted(peers)[0]) != keys[sorted(peers)[0]]
