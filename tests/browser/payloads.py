"""Records named with script payloads, written through the domain functions, for the browser safety journey.

Everything lands in the CLSPD de Bordeaux (com:33063): partners, a link between them, a shared action with
notes, an evaluation and indicators, so every page of that council shows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from maillage.accounts import SYSTEM
from maillage.actions import ActionDraft, create_action, save_indicators
from maillage.network import LinkInput, create_link
from maillage.partners import PartnerInput, create_partner, update_partner
from models import Council, Partner

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(2)</script>"
SVG = "<svg onload=alert(3)>"
JS_URL = "javascript:alert(4)"
MD_LINK = "[cliquez](javascript:alert(5))"
# A web address the validator accepts (no space) that would close an attribute if it were not escaped.
WEBSITE = 'https://exemple.fr/"><svg/onload=alert(6)>'

PARTNER_NAMES = (f"Asso {IMG}", f"Centre {SCRIPT}", f"Club {SVG}")
ACTION_TITLE = f"Forum {SVG} {IMG}"
COUNCIL = "CLSPD de Bordeaux"
# Markers the browser must find as text wherever these records are shown.
LITERALS = (IMG, SCRIPT, SVG)


@dataclass(frozen=True)
class Seeded:
    """Ids of what was written."""

    partner_ids: tuple[int, ...]
    action_id: int


def _partner_input(index: int, today: dt.date) -> PartnerInput:
    """The form of the `index`-th payload partner."""
    return PartnerInput(
        name=PARTNER_NAMES[index], typology="ASSO", seat_commune="33063", territories="33063",
        website=WEBSITE if index == 0 else "", contact_name=SVG, contact_role=IMG,
        notes=f"{SCRIPT} {JS_URL} {MD_LINK}", verified_on=today,
    )


def touch_payload_partners(engine, today: dt.date) -> None:
    """Save the payload partners again, so they are the council's latest changes whatever other journeys wrote."""
    with Session(engine) as session:
        for index, name in enumerate(PARTNER_NAMES):
            partner_id = session.exec(select(Partner.id).where(Partner.name == name)).one()
            update_partner(session, SYSTEM, partner_id, _partner_input(index, today), expected_version=None, today=today)
        session.commit()


def add_payloads(engine, today: dt.date) -> Seeded:
    """Write the payload partners, link, action and indicators as the system administrator."""
    with Session(engine) as session:
        council_id = session.exec(select(Council.id).where(Council.name == COUNCIL)).one()
        ids = []
        for index in range(len(PARTNER_NAMES)):
            partner = create_partner(session, SYSTEM, _partner_input(index, today), today)
            session.flush()
            ids.append(partner.id)
        create_link(session, SYSTEM, LinkInput(council_id, ids[0], ids[1], "convention", 3,
                                               dt.date(today.year - 1, 1, 1), None, f"{IMG} {JS_URL}"))
        create_link(session, SYSTEM, LinkInput(council_id, ids[1], ids[2], "echange", 1, None, None, SCRIPT))
        action = create_action(session, SYSTEM, ActionDraft(
            title=ACTION_TITLE, council_id=council_id, action_type="evenement", status="en_cours",
            start_date=dt.date(today.year - 1, 9, 1), territory_keys=["com:33063"],
            themes=["cyberharcelement"], publics=["adolescents"], mode="site", weekly_hours=2.0, budget_eur=1500.0,
            shared=True, notes=f"{SCRIPT} {MD_LINK}", evaluation=f"{SVG} {JS_URL}",
            partners=[(ids[0], "pilote"), (ids[1], "operateur"), (ids[2], "relais")],
        ))
        session.flush()
        # Many people reached this year, so the elected officials' summary lists it among its main actions.
        for year, people in ((today.year - 1, 120), (today.year, 50_000)):
            save_indicators(session, SYSTEM, action.id, year,
                            {"people_reached": people, "sessions": 4, "online_contacts": None, "referrals": 2},
                            expected_version=None, today=today)
        session.commit()
        return Seeded(tuple(ids), action.id)
