"""Synthetic national-scale data over the real geography, for benchmarks (`generate-scale`).

Every commune of France is covered by exactly one council; a few councils are big (whole
metropolitan EPCIs), most are small (one or a few rural EPCIs of a département). Partners,
links and actions follow population: big places have more of everything. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Engine

from maillage.core.db import advance_id_sequences, bump_data_version, session_scope
from models import (
    Action,
    ActionPartner,
    ActionPublic,
    ActionTerritory,
    ActionTheme,
    CooperationLink,
    Council,
    CouncilTerritory,
    CoverageRule,
    Indicator,
    Network,
    NetworkCouncil,
    Partner,
    PartnerTerritory,
    Territory,
)
from models.vocabularies import (
    ACTION_TYPES,
    DECLARED_LINK_KINDS,
    PUBLICS,
    THEMES,
    TYPOLOGIES,
)

TYPOLOGY_WEIGHTS = {"ASSO": 20, "MUNI": 6, "EN": 10, "CS": 6, "PREVENTION": 4, "ML": 3, "BAILLEUR": 4, "CAF": 1,
                    "POLICE_MUN": 3, "POLICE_NAT": 2, "GENDARMERIE": 2, "JUSTICE": 1, "SANTE": 3, "MJC": 3,
                    "BIB": 3, "EPN": 2, "CCAS": 3, "PIJ_BIJ": 2, "CSAPA": 1, "MEDIATION": 1, "AUTRE": 2}
SCALE_MARK = "[échelle]"


@dataclass
class ScaleCounts:
    """What was generated."""

    councils: int
    partners: int
    links: int
    actions: int


def _council_groups(communes: list[tuple], councils: int, rng: random.Random) -> list[list[str]]:
    """Split France into `councils` groups of territory keys covering every commune once."""
    epci_population: dict[str, int] = defaultdict(int)
    epci_departement: dict[str, str] = {}
    orphans: dict[str, list[str]] = defaultdict(list)
    for code, population, epci, dep in communes:
        if epci:
            epci_population[epci] += population
            epci_departement.setdefault(epci, dep)
        else:
            orphans[dep].append(code)
    groups: list[dict] = [
        {"keys": [f"epci:{epci}"], "population": population, "dep": epci_departement[epci]}
        for epci, population in epci_population.items()
    ]
    groups.sort(key=lambda g: -g["population"])
    big = groups[: max(councils // 50, 1)]  # the metropolitan councils stay alone
    rest = groups[len(big):]
    while len(big) + len(rest) > councils:
        by_dep: dict[str, list[dict]] = defaultdict(list)
        for group in rest:
            by_dep[group["dep"]].append(group)
        candidates = [g for g in by_dep.values() if len(g) > 1] or [rest]  # then across départements
        if len(candidates[0]) < 2:
            break
        smallest = min(candidates, key=lambda g: min(x["population"] for x in g))
        smallest.sort(key=lambda g: g["population"])
        first, second = smallest[0], smallest[1]
        first["keys"] += second["keys"]
        first["population"] += second["population"]
        rest.remove(second)
    result = big + rest
    by_dep_index = defaultdict(list)
    for index, group in enumerate(result):
        by_dep_index[group["dep"]].append(index)
    for dep, codes in orphans.items():
        targets = by_dep_index.get(dep) or [rng.randrange(len(result))]
        for code in codes:
            result[targets[0]]["keys"].append(f"com:{code}")
    return [group["keys"] for group in result]


def generate_scale(engine: Engine, *, councils: int = 1000, partners: int = 30_000, links: int = 120_000,
                   actions: int = 60_000, seed: int = 1) -> ScaleCounts:
    """Fill the database (with its geography loaded) with synthetic councils, partners, links and actions."""
    rng = random.Random(seed)
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    with session_scope(engine) as session:
        connection = session.connection()
        communes = connection.execute(
            select(Territory.code, Territory.population, Territory.epci_code, Territory.departement_code)
            .where(Territory.level == "com").order_by(Territory.code)
        ).all()
        if not communes:
            raise RuntimeError("la géographie n'est pas chargée : lancez d'abord « python -m maillage init »")
        epci_members: dict[str, list[tuple[str, int]]] = defaultdict(list)
        commune_info = {}
        for code, population, epci, dep in communes:
            commune_info[code] = (population or 0, epci, dep)
            if epci:
                epci_members[epci].append((code, population or 0))
        groups = _council_groups(communes, councils, rng)
        first_council = (connection.execute(select(func.max(Council.id))).scalar() or 0) + 1
        council_rows, territory_rows, council_communes = [], [], []
        for index, keys in enumerate(groups):
            council_id = first_council + index
            kind = "CISPD" if keys[0].startswith("epci:") else "CLSPD"
            council_rows.append(dict(id=council_id, name=f"{kind} synthétique n° {index + 1} {SCALE_MARK}", kind=kind,
                                     coordination_contact="", status="active", version=1, created_at=now, updated_at=now,
                                     last_plenary=dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(600))))
            members = []
            for key in keys:
                territory_rows.append(dict(council_id=council_id, territory_key=key))
                level, code = key.split(":", 1)
                members += epci_members[code] if level == "epci" else [(code, commune_info[code][0])]
            council_communes.append(members)
        connection.execute(insert(Council.__table__), council_rows)
        connection.execute(insert(CouncilTerritory.__table__), territory_rows)

        network_id = (connection.execute(select(func.max(Network.id))).scalar() or 0) + 1
        connection.execute(insert(Network.__table__), [dict(id=network_id, name=f"Réseau national {SCALE_MARK}",
                                                             kind="regional", version=1)])
        connection.execute(insert(NetworkCouncil.__table__),
                           [dict(network_id=network_id, council_id=row["id"]) for row in council_rows[::3]])

        # Partners: seats drawn among communes weighted by population.
        council_weights = [max(sum(p for _c, p in members), 1) ** 0.8 for members in council_communes]
        partner_council = rng.choices(range(len(groups)), weights=council_weights, k=partners)
        typologies, weights = zip(*TYPOLOGY_WEIGHTS.items())
        first_partner = (connection.execute(select(func.max(Partner.id))).scalar() or 0) + 1
        partner_rows, partner_territories = [], []
        partners_by_council: dict[int, list[int]] = defaultdict(list)
        for number, council_index in enumerate(partner_council):
            members = council_communes[council_index]
            seat = rng.choices(members, weights=[max(p, 1) for _c, p in members])[0][0]
            typology = rng.choices(typologies, weights=weights)[0]
            partner_id = first_partner + number
            partner_rows.append(dict(
                id=partner_id, name=f"{TYPOLOGIES[typology][0]} n° {number + 1} {SCALE_MARK}", typology=typology,
                seat_commune_key=f"com:{seat}", siret=None, website="", contact_name="", contact_role="",
                contact_email="", contact_phone="", notes="", version=1, created_at=now, updated_at=now,
                verified_on=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(1000)),
            ))
            partners_by_council[council_index].append(partner_id)
            if rng.random() < 0.1 and commune_info[seat][1]:
                partner_territories.append(dict(partner_id=partner_id, territory_key=f"epci:{commune_info[seat][1]}"))
        for start in range(0, len(partner_rows), 5000):
            connection.execute(insert(Partner.__table__), partner_rows[start:start + 5000])
        if partner_territories:
            connection.execute(insert(PartnerTerritory.__table__), partner_territories)

        # Links: within each council, proportional to its partners.
        link_rows, seen = [], set()
        link_councils = rng.choices(range(len(groups)), weights=[len(partners_by_council[i]) ** 1.2 for i in range(len(groups))], k=links * 2)
        for council_index in link_councils:
            if len(link_rows) >= links:
                break
            members = partners_by_council[council_index]
            if len(members) < 2:
                continue
            a, b = sorted(rng.sample(members, 2))
            kind = rng.choice(DECLARED_LINK_KINDS)
            key = (council_index, a, b, kind)
            if key in seen:
                continue
            seen.add(key)
            start = dt.date(2010 + rng.randrange(17), 1 + rng.randrange(12), 1)
            end = start + dt.timedelta(days=365 * (1 + rng.randrange(5))) if rng.random() < 0.1 else None
            link_rows.append(dict(council_id=first_council + council_index, partner_a_id=a, partner_b_id=b, kind=kind,
                                  level=rng.choice((1, 2, 2, 3, 3, 4)), start_date=start, end_date=end, note="",
                                  version=1, created_at=now, updated_at=now))
        for start in range(0, len(link_rows), 10000):
            connection.execute(insert(CooperationLink.__table__), link_rows[start:start + 10000])

        # Actions, with territories, publics, themes, partners and indicators.
        first_action = (connection.execute(select(func.max(Action.id))).scalar() or 0) + 1
        action_councils = rng.choices(range(len(groups)), weights=[w ** 0.8 for w in council_weights], k=actions)
        types, publics, themes = list(ACTION_TYPES), list(PUBLICS), list(THEMES)
        action_rows, territories, action_publics, action_themes, roles, indicators = [], [], [], [], [], []
        for number, council_index in enumerate(action_councils):
            action_id = first_action + number
            start = dt.date(2018 + rng.randrange(9), 1 + rng.randrange(12), 1)
            status = rng.choices(("en_cours", "projet", "terminee", "suspendue"), weights=(70, 10, 15, 5))[0]
            end = start + dt.timedelta(days=365 * (1 + rng.randrange(4))) if status == "terminee" or rng.random() < 0.2 else None
            online = rng.random() < 0.3
            action_rows.append(dict(
                id=action_id, title=f"Action synthétique n° {number + 1} {SCALE_MARK}",
                council_id=first_council + council_index, action_type=rng.choice(types), status=status,
                start_date=start, end_date=end, mode="en_ligne" if online else rng.choice(("site", "mobile")),
                weekly_hours=float(rng.randrange(1, 20)), budget_eur=float(rng.randrange(0, 50000, 500)),
                shared=rng.random() < 0.5, notes="", evaluation="", version=1, created_at=now, updated_at=now,
            ))
            members = council_communes[council_index]
            draw = rng.random()
            code = rng.choice(members)[0]
            if draw < 0.7:
                key = f"com:{code}"
            elif draw < 0.9 and commune_info[code][1]:
                key = f"epci:{commune_info[code][1]}"
            else:
                key = f"dep:{commune_info[code][2]}"
            territories.append(dict(action_id=action_id, territory_key=key))
            for public in rng.sample(publics, rng.randrange(1, 3)):
                action_publics.append(dict(action_id=action_id, public=public))
            for theme in rng.sample(themes, rng.randrange(1, 3)):
                action_themes.append(dict(action_id=action_id, theme=theme))
            pool = partners_by_council[council_index]
            if pool:
                chosen = rng.sample(pool, min(len(pool), rng.randrange(1, 5)))
                roles.append(dict(action_id=action_id, partner_id=chosen[0], role="pilote"))
                for partner_id in chosen[1:]:
                    roles.append(dict(action_id=action_id, partner_id=partner_id, role=rng.choice(("copilote", "operateur", "financeur", "relais", "lieu"))))
            if status == "en_cours" and rng.random() < 0.5:
                indicators.append(dict(action_id=action_id, year=2026, people_reached=rng.randrange(500),
                                       sessions=rng.randrange(50), online_contacts=rng.randrange(300) if online else 0,
                                       referrals=rng.randrange(30), version=1))
        for table, rows in ((Action.__table__, action_rows), (ActionTerritory.__table__, territories),
                            (ActionPublic.__table__, action_publics), (ActionTheme.__table__, action_themes),
                            (ActionPartner.__table__, roles), (Indicator.__table__, indicators)):
            for start in range(0, len(rows), 10000):
                connection.execute(insert(table), rows[start:start + 10000])

        rules = [("presence_en_ligne", "adolescents", 10000), ("presence_en_ligne", "jeunes_adultes", 10000),
                 ("sensibilisation_parents", "familles", 0), ("defi_sans_ecran", "enfants", 5000),
                 ("acces_droits_numerique", "tout_public", 20000)]
        connection.execute(insert(CoverageRule.__table__), [
            dict(council_id=row["id"], action_type=t, public=p, population_min=m)
            for row in council_rows for t, p, m in rules
        ])
        advance_id_sequences(session, [Council.__table__, Network.__table__, Partner.__table__,
                                       CooperationLink.__table__, Action.__table__, Indicator.__table__,
                                       CoverageRule.__table__])
        bump_data_version(session, national=True)
    return ScaleCounts(len(council_rows), len(partner_rows), len(link_rows), len(action_rows))


def remove_scale(engine: Engine) -> None:
    """Delete everything `generate_scale` made (names carry the scale mark)."""
    with session_scope(engine) as session:
        council_ids = session.execute(select(Council.id).where(Council.name.like(f"%{SCALE_MARK}"))).scalars().all()
        action_ids = select(Action.id).where(Action.council_id.in_(council_ids))
        for model in (ActionTerritory, ActionPublic, ActionTheme, ActionPartner, Indicator):
            session.execute(delete(model).where(model.action_id.in_(action_ids)))
        session.execute(delete(Action).where(Action.council_id.in_(council_ids)))
        session.execute(delete(CooperationLink).where(CooperationLink.council_id.in_(council_ids)))
        for model in (CoverageRule, CouncilTerritory, NetworkCouncil):
            session.execute(delete(model).where(model.council_id.in_(council_ids)))
        partner_ids = select(Partner.id).where(Partner.name.like(f"%{SCALE_MARK}"))
        session.execute(delete(PartnerTerritory).where(PartnerTerritory.partner_id.in_(partner_ids)))
        session.execute(delete(Partner).where(Partner.name.like(f"%{SCALE_MARK}")))
        session.execute(delete(Network).where(Network.name.like(f"%{SCALE_MARK}")))
        session.execute(delete(Council).where(Council.id.in_(council_ids)))
        bump_data_version(session, national=True)
