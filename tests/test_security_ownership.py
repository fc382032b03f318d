"""Issue 20, item 2: who owns a partner's card. A link or an action in a council grants nothing over an outside
partner: the takeover sequence (link, then edit / archive / merge / read contacts / import / export) is refused
at every step that would grant rights; imports create partners only inside the importer's territory."""

import datetime as dt

import pytest
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, add_user
from maillage.accounts.access import Actor, actor_for_email
from maillage.commands.cli import main
from maillage.core import PermissionDenied
from maillage.exchange import (
    ImportRefused,
    export_data,
    import_tables,
    read_files,
    to_csv_files,
)
from maillage.network.links import LinkInput, create_link
from maillage.partners import PartnerInput, merge_partners
from maillage.partners.access import owned_partner_ids, owns_partner
from maillage.partners.register import archive_partner, partner_detail, update_partner
from models import Council, Partner

TRIBUNAL = "Tribunal judiciaire de La Rochelle – parquet"
EXIT_PERMISSION = 3


def _ids(session: Session) -> dict:
    bordeaux = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one()
    tribunal = session.exec(select(Partner).where(Partner.name == TRIBUNAL)).one()
    local = session.exec(select(Partner).where(Partner.seat_commune_key == "com:33063")
                         .order_by(Partner.name)).first()
    return {"bordeaux": bordeaux.id, "tribunal": tribunal.id, "local": local.id}


@pytest.fixture
def takeover(demo_engine, use_database):
    """The Bordeaux coordinator has declared a link in his own council naming La Rochelle's tribunal."""
    with Session(demo_engine) as session:
        add_user(session, SYSTEM, "coord.bordeaux@ville.fr", "coordinateur", password="mot-de-passe-solide",
                 councils=["CLSPD de Bordeaux"])
        ids = _ids(session)
        tribunal = session.get(Partner, ids["tribunal"])
        tribunal.contact_name, tribunal.contact_email = "Procureure adjointe", "parquet@justice.fr"
        session.add(tribunal)
        session.commit()
        actor = actor_for_email(session, "coord.bordeaux@ville.fr")
        create_link(session, actor, LinkInput(ids["bordeaux"], ids["local"], ids["tribunal"], "echange", 2))
        session.commit()
    use_database(demo_engine.url.render_as_string(hide_password=False))
    return demo_engine, actor, ids


def test_a_link_grants_nothing_over_the_partner(takeover):
    engine, actor, ids = takeover
    with Session(engine) as session:
        tribunal = session.get(Partner, ids["tribunal"])
        assert not owns_partner(session, actor, tribunal)
        assert ids["tribunal"] not in owned_partner_ids(session, actor)
        assert owns_partner(session, actor, session.get(Partner, ids["local"]))
        detail = partner_detail(session, actor, ids["tribunal"])
        assert not detail.can_edit and not detail.contact_visible
        data = PartnerInput(name=TRIBUNAL, typology="JUSTICE", seat_commune="17300", notes="pris")
        with pytest.raises(PermissionDenied):
            update_partner(session, actor, ids["tribunal"], data, tribunal.version)
        with pytest.raises(PermissionDenied):
            archive_partner(session, actor, ids["tribunal"], tribunal.version)
        with pytest.raises(PermissionDenied):
            merge_partners(session, actor, ids["local"], ids["tribunal"], None, None)
        session.rollback()
        assert session.get(Partner, ids["tribunal"]).archived_at is None


def test_the_cli_refuses_the_takeover(takeover, tmp_path):
    engine, _actor, ids = takeover
    file = tmp_path / "partenaires.csv"
    file.write_text("nom;typologie;commune_siege;notes\n"
                    f"{TRIBUNAL};JUSTICE;17300;repris par Bordeaux\n", encoding="utf-8")
    assert main(["import", "partenaires", str(file), "--as", "coord.bordeaux@ville.fr"]) == EXIT_PERMISSION
    archived = tmp_path / "archive.csv"
    archived.write_text("nom;typologie;commune_siege;archive_le\n"
                        f"{TRIBUNAL};JUSTICE;17300;01/12/2026\n", encoding="utf-8")
    assert main(["import", "partenaires", str(archived), "--as", "coord.bordeaux@ville.fr"]) == EXIT_PERMISSION
    with Session(engine) as session:
        tribunal = session.get(Partner, ids["tribunal"])
        assert tribunal.archived_at is None and tribunal.notes != "repris par Bordeaux"


def test_the_export_hides_the_contact_of_a_partner_not_owned(takeover):
    engine, actor, _ids = takeover
    data = export_data(engine, actor)
    rows = {row[0]: row for row in data.tables["partenaires"]}
    assert TRIBUNAL in rows  # listed: the council links to it…
    assert "Procureure adjointe" not in rows[TRIBUNAL] and "parquet@justice.fr" not in rows[TRIBUNAL]  # …no contact
    admin_rows = {row[0]: row for row in export_data(engine, SYSTEM).tables["partenaires"]}
    assert "parquet@justice.fr" in admin_rows[TRIBUNAL]
    # Re-importing one's own export changes nothing and erases no hidden contact.
    _plan, report = import_tables(engine, read_files(list(to_csv_files(data).items())), actor=actor)
    assert all(counts.updated == 0 and counts.created == 0 for counts in report.counts.values()), report.lines()
    assert "parquet@justice.fr" in {row[0]: row for row in export_data(engine, SYSTEM).tables["partenaires"]}[TRIBUNAL]


def test_imports_create_partners_only_inside_the_importer_territory(takeover):
    engine, actor, _ids = takeover
    outside = "nom;typologie;commune_siege\nAssociation injectée;ASSO;17300\n"
    with pytest.raises(ImportRefused) as refused:
        import_tables(engine, read_files([("partenaires.csv", outside.encode())]), actor=actor)
    assert all(problem.permission for problem in refused.value.plan.problems)
    inside = "nom;typologie;commune_siege;territoires_intervention\nAssociation bordelaise;ASSO;17300;33063\n"
    import_tables(engine, read_files([("partenaires.csv", inside.encode())]), actor=actor)
    with Session(engine) as session:
        assert session.exec(select(Partner).where(Partner.name == "Association injectée")).first() is None
        assert session.exec(select(Partner).where(Partner.name == "Association bordelaise")).first() is not None


def test_an_owner_cannot_move_a_partner_out_of_their_territory(takeover):
    engine, actor, ids = takeover
    with Session(engine) as session:
        local = session.get(Partner, ids["local"])
        data = PartnerInput(name=local.name, typology=local.typology, seat_commune="17300")
        with pytest.raises(PermissionDenied):
            update_partner(session, actor, ids["local"], data, local.version, dt.date(2026, 12, 1))


def test_owners_and_administrators_keep_their_rights(takeover):
    engine, _actor, ids = takeover
    with Session(engine) as session:
        la_rochelle = Actor(email="coord.lr@ville.fr", role="coordinateur", council_ids=frozenset(
            {session.exec(select(Council.id).where(Council.name.like("%La Rochelle%"))).first()}))
        tribunal = session.get(Partner, ids["tribunal"])
        assert owns_partner(session, la_rochelle, tribunal) and owns_partner(session, SYSTEM, tribunal)
        assert partner_detail(session, la_rochelle, ids["tribunal"]).contact_visible
