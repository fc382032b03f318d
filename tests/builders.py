"""Small, hand-built data for known-answer tests (no reference geography needed)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from models import (
    Action,
    ActionPartner,
    ActionPublic,
    ActionTerritory,
    CooperationLink,
    Council,
    CouncilTerritory,
    Partner,
    PartnerTerritory,
    Territory,
)

# A tiny France: one région, two départements, one EPCI with two communes, a third commune elsewhere.
MINI_GEOGRAPHY = [
    dict(key="reg:75", level="reg", code="75", name="Nouvelle-Aquitaine", population=6000),
    dict(key="dep:33", level="dep", code="33", name="Gironde", population=5000, region_code="75"),
    dict(key="dep:17", level="dep", code="17", name="Charente-Maritime", population=1000, region_code="75"),
    dict(key="epci:243300316", level="epci", code="243300316", name="Bordeaux Métropole", population=3000),
    dict(key="com:33063", level="com", code="33063", name="Bordeaux", population=2000, region_code="75",
         departement_code="33", epci_code="243300316"),
    dict(key="com:33281", level="com", code="33281", name="Mérignac", population=1000, region_code="75",
         departement_code="33", epci_code="243300316"),
    dict(key="com:33001", level="com", code="33001", name="Abzac", population=2000, region_code="75",
         departement_code="33"),
    dict(key="com:17415", level="com", code="17415", name="Saintes", population=1000, region_code="75",
         departement_code="17"),
    dict(key="sub:33063:benauge", level="sub", code="33063:benauge", name="Benauge", population=0,
         commune_code="33063"),
]


def add_mini_geography(session: Session) -> None:
    """Insert the tiny France above."""
    for row in MINI_GEOGRAPHY:
        session.add(Territory(search_name=row["name"].lower(), **row))
    session.flush()


def add_council(session: Session, name: str, territories: list[str], **fields) -> Council:
    council = Council(name=name, kind=fields.pop("kind", "CLSPD"), **fields)
    session.add(council)
    session.flush()
    for key in territories:
        session.add(CouncilTerritory(council_id=council.id, territory_key=key))
    session.flush()
    return council


def add_partner(session: Session, name: str, typology: str = "ASSO", seat: str = "33063",
                territories: list[str] = (), **fields) -> Partner:
    partner = Partner(name=name, typology=typology, seat_commune_key=f"com:{seat}", **fields)
    session.add(partner)
    session.flush()
    for key in territories:
        session.add(PartnerTerritory(partner_id=partner.id, territory_key=key))
    session.flush()
    return partner


def add_link(session: Session, council: Council, a: Partner, b: Partner, kind: str = "convention",
             level: int = 2, start: dt.date | None = None, end: dt.date | None = None) -> CooperationLink:
    first, second = sorted((a.id, b.id))
    link = CooperationLink(council_id=council.id, partner_a_id=first, partner_b_id=second, kind=kind,
                           level=level, start_date=start, end_date=end)
    session.add(link)
    session.flush()
    return link


def add_action(session: Session, council: Council, title: str, action_type: str = "presence_en_ligne",
               status: str = "en_cours", start: dt.date = dt.date(2024, 1, 1), end: dt.date | None = None,
               territories: list[str] = ("com:33063",), publics: list[str] = ("adolescents",),
               partners: list[tuple[Partner, str]] = (), **fields) -> Action:
    action = Action(title=title, council_id=council.id, action_type=action_type, status=status,
                    start_date=start, end_date=end, **fields)
    session.add(action)
    session.flush()
    for key in territories:
        session.add(ActionTerritory(action_id=action.id, territory_key=key))
    for public in publics:
        session.add(ActionPublic(action_id=action.id, public=public))
    for partner, role in partners:
        session.add(ActionPartner(action_id=action.id, partner_id=partner.id, role=role))
    session.flush()
    return action
