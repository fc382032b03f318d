"""The database itself refuses what it can: self-links, bad levels, reversed dates, duplicates, dangling keys."""

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import ActionPartner, CooperationLink, Indicator, Partner
from tests.builders import add_action, add_council, add_mini_geography, add_partner


@pytest.fixture
def base(empty_engine):
    with Session(empty_engine) as session:
        add_mini_geography(session)
        council = add_council(session, "CLSPD de Bordeaux", ["com:33063"])
        a = add_partner(session, "Ville de Bordeaux", "MUNI")
        b = add_partner(session, "CAF de la Gironde", "CAF")
        action = add_action(session, council, "Promeneurs du Net")
        session.commit()
        return empty_engine, council.id, a.id, b.id, action.id


def _refused(engine, record) -> None:
    with Session(engine) as session:
        session.add(record)
        with pytest.raises(IntegrityError):
            session.commit()


def test_self_link_refused(base):
    engine, council, a, _b, _action = base
    _refused(engine, CooperationLink(council_id=council, partner_a_id=a, partner_b_id=a, kind="echange", level=1))


def test_link_level_outside_1_to_4_refused(base):
    engine, council, a, b, _action = base
    _refused(engine, CooperationLink(council_id=council, partner_a_id=a, partner_b_id=b, kind="echange", level=5))


def test_link_end_before_start_refused(base):
    engine, council, a, b, _action = base
    _refused(engine, CooperationLink(council_id=council, partner_a_id=a, partner_b_id=b, kind="echange", level=2,
                                     start_date=dt.date(2025, 1, 1), end_date=dt.date(2024, 1, 1)))


def test_derived_link_kind_cannot_be_stored(base):
    engine, council, a, b, _action = base
    _refused(engine, CooperationLink(council_id=council, partner_a_id=a, partner_b_id=b, kind="action", level=2))


def test_same_partner_name_in_same_commune_refused(base):
    engine, *_ = base
    _refused(engine, Partner(name="Ville de Bordeaux", typology="MUNI", seat_commune_key="com:33063"))


def test_same_partner_name_in_another_commune_accepted(base):
    engine, *_ = base
    with Session(engine) as session:
        session.add(Partner(name="Ville de Bordeaux", typology="MUNI", seat_commune_key="com:33281"))
        session.commit()


def test_partner_seat_must_be_a_known_territory(base):
    engine, *_ = base
    _refused(engine, Partner(name="Fantôme", typology="ASSO", seat_commune_key="com:99999"))


def test_one_row_per_action_partner_role(base):
    engine, _council, a, _b, action = base
    with Session(engine) as session:
        session.add(ActionPartner(action_id=action, partner_id=a, role="pilote"))
        session.add(ActionPartner(action_id=action, partner_id=a, role="financeur"))
        session.commit()
    _refused(engine, ActionPartner(action_id=action, partner_id=a, role="pilote"))


def test_negative_indicator_refused(base):
    engine, _council, _a, _b, action = base
    _refused(engine, Indicator(action_id=action, year=2025, people_reached=-1))
