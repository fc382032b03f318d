"""A small known world for the comparison and the summary (every figure can be counted by hand).

Today is 29/11/2026. Network « Réseau test » = CLSPD de Bordeaux (com:33063, 2 000 inhabitants) and
CLSPD de Mérignac (com:33281, 1 000); CLSPD de Saintes (com:17415) is in no network.

Bordeaux — partners (seat Bordeaux): Ville (MUNI), Collège Nord (EN), Gendarmerie (GENDARMERIE),
Asso A (ASSO), Mission locale (ML). Expected typologies: EN, POLICE_NAT|GENDARMERIE, JUSTICE → JUSTICE missing.
Links: Ville–Collège convention 3 (2020 →), Ville–Gendarmerie échange 1 (2020 →), Collège–Asso
cofinancement 4 (01/02/2026 →), Gendarmerie–Asso convention 2 (2019 → 30/06/2025), Mission locale–Ville
échange 2 (01/05/2026 →). Today: 4 active links, 2 at level ≥ 3.
Actions: a1 Promeneurs du Net Bordeaux (présence en ligne, en cours since 2024, online 6 h, shared, Ville
pilote + Asso opérateur; people 2025 = 1 000, 2026 = 1 200); a2 Ateliers parents (sensibilisation des
parents, terminée 01/09/2023 → 30/06/2025, not shared, Collège pilote + Ville relais; people 2025 = 50);
a3 Cyber-base interne (cyberbase, en cours since 2025, not shared, Asso pilote only; people 2026 = 30);
a4 Défi futur (défi sans écran, projet 2027). Frame: présence en ligne × adolescents, sensibilisation
des parents × familles → 1 active, 1 lapsed: score 50 %.

Mérignac — partners Ville de Mérignac (MUNI), Centre social M (CS); expected EN → missing. Link Ville–CS
orientation 2 (2021 →). Actions: b1 Promeneurs du Net Mérignac (présence en ligne, shared, online 3 h,
Ville pilote + CS copilote, people 2026 = 40); b2 Maraude non partagée (maraude numérique, online 2 h, not
shared, CS pilote, people 2026 = 10). Frame: présence en ligne × adolescents → score 100 %.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from models import CoverageRule, ExpectedTypology, Indicator, Network, NetworkCouncil
from tests.builders import (
    add_action,
    add_council,
    add_link,
    add_mini_geography,
    add_partner,
)

TODAY = dt.date(2026, 11, 29)
D = dt.date


@dataclass
class World:
    """Ids of the records the tests look at."""

    bordeaux: int
    merignac: int
    saintes: int
    network: int
    actions: dict[str, int]


def _indicator(session: Session, action_id: int, year: int, people: int, sessions: int | None = None) -> None:
    """Add one year's figures to an action."""
    session.add(Indicator(action_id=action_id, year=year, people_reached=people, sessions=sessions))


def build_world(session: Session) -> World:
    """Insert the world described in the module docstring."""
    add_mini_geography(session)
    bdx = add_council(session, "CLSPD de Bordeaux", ["com:33063"], last_plenary=D(2026, 3, 5),
                      coordination_contact="Coordination CLSPD, Ville de Bordeaux")
    mer = add_council(session, "CLSPD de Mérignac", ["com:33281"], last_plenary=D(2025, 12, 1))
    sai = add_council(session, "CLSPD de Saintes", ["com:17415"])
    network = Network(name="Réseau test", kind="regional")
    session.add(network)
    session.flush()
    session.add_all([NetworkCouncil(network_id=network.id, council_id=bdx.id),
                     NetworkCouncil(network_id=network.id, council_id=mer.id)])
    for codes in ("EN", "POLICE_NAT|GENDARMERIE", "JUSTICE"):
        session.add(ExpectedTypology(council_id=bdx.id, codes=codes))
    session.add(ExpectedTypology(council_id=mer.id, codes="EN"))
    session.add_all([CoverageRule(council_id=bdx.id, action_type="presence_en_ligne", public="adolescents"),
                     CoverageRule(council_id=bdx.id, action_type="sensibilisation_parents", public="familles"),
                     CoverageRule(council_id=mer.id, action_type="presence_en_ligne", public="adolescents")])

    ville = add_partner(session, "Ville de Bordeaux", "MUNI", "33063")
    college = add_partner(session, "Collège Nord", "EN", "33063")
    gendarmerie = add_partner(session, "Gendarmerie de Bordeaux", "GENDARMERIE", "33063")
    asso = add_partner(session, "Asso A", "ASSO", "33063")
    mission = add_partner(session, "Mission locale de Bordeaux", "ML", "33063")
    ville_m = add_partner(session, "Ville de Mérignac", "MUNI", "33281")
    cs_m = add_partner(session, "Centre social M", "CS", "33281")
    add_partner(session, "Ville de Saintes", "MUNI", "17415")

    add_link(session, bdx, ville, college, "convention", 3, start=D(2020, 1, 1))
    add_link(session, bdx, ville, gendarmerie, "echange", 1, start=D(2020, 1, 1))
    add_link(session, bdx, college, asso, "cofinancement", 4, start=D(2026, 2, 1))
    add_link(session, bdx, gendarmerie, asso, "convention", 2, start=D(2019, 1, 1), end=D(2025, 6, 30))
    add_link(session, bdx, mission, ville, "echange", 2, start=D(2026, 5, 1))
    add_link(session, mer, ville_m, cs_m, "orientation", 2, start=D(2021, 1, 1))

    a1 = add_action(session, bdx, "Promeneurs du Net Bordeaux", "presence_en_ligne", start=D(2024, 1, 1),
                    mode="en_ligne", weekly_hours=6, shared=True, partners=[(ville, "pilote"), (asso, "operateur")])
    a2 = add_action(session, bdx, "Ateliers parents", "sensibilisation_parents", "terminee", start=D(2023, 9, 1),
                    end=D(2025, 6, 30), mode="site", publics=["familles"],
                    partners=[(college, "pilote"), (ville, "relais")])
    a3 = add_action(session, bdx, "Cyber-base interne", "cyberbase", start=D(2025, 1, 1), mode="site",
                    partners=[(asso, "pilote")])
    a4 = add_action(session, bdx, "Défi futur", "defi_sans_ecran", "projet", start=D(2027, 1, 4), publics=["enfants"])
    b1 = add_action(session, mer, "Promeneurs du Net Mérignac", "presence_en_ligne", start=D(2022, 1, 1),
                    territories=["com:33281"], mode="en_ligne", weekly_hours=3, shared=True,
                    partners=[(ville_m, "pilote"), (cs_m, "copilote")])
    b2 = add_action(session, mer, "Maraude non partagée", "maraude_numerique", start=D(2023, 1, 1),
                    territories=["com:33281"], publics=["jeunes_adultes"], mode="en_ligne", weekly_hours=2,
                    partners=[(cs_m, "pilote")])
    c1 = add_action(session, sai, "Action de Saintes", "cyberbase", start=D(2024, 1, 1), territories=["com:17415"],
                    shared=True)
    _indicator(session, a1.id, 2025, 1000, 40)
    _indicator(session, a1.id, 2026, 1200, 44)
    _indicator(session, a2.id, 2025, 50, 4)
    _indicator(session, a3.id, 2026, 30)
    _indicator(session, b1.id, 2026, 40)
    _indicator(session, b2.id, 2026, 10)
    session.flush()
    return World(bdx.id, mer.id, sai.id, network.id,
                 {"a1": a1.id, "a2": a2.id, "a3": a3.id, "a4": a4.id, "b1": b1.id, "b2": b2.id, "c1": c1.id})
