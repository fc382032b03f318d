"""Write a checked import plan in one transaction: create or update records by their natural key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, SQLModel, select

from maillage.audit import write_audit
from maillage.db import bump_data_version
from maillage.exchange.checks import ImportPlan
from maillage.exchange.formats import KIND_ORDER
from maillage.text import fold
from models import (
    Action,
    ActionFunding,
    ActionPartner,
    ActionPlatform,
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
    NetworkPartner,
    Partner,
    PartnerTerritory,
)
from models.common import utc_now


@dataclass
class KindCounts:
    """How many records of one kind an import created, updated or left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    """Counts per kind, for the user's report."""

    counts: dict[str, KindCounts] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """`partenaires : 3 créés, 1 mis à jour, 60 inchangés` for each kind."""
        return [
            f"{kind} : {c.created} créé(s), {c.updated} mis à jour, {c.unchanged} inchangé(s)"
            for kind, c in self.counts.items()
        ]


def _set_fields(record: SQLModel, values: dict[str, Any]) -> bool:
    """Assign `values`; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


def _replace_set(session: Session, model, owner_column: str, owner_id: int, value_column: str,
                 wanted: list[str]) -> bool:
    """Make an association table hold exactly `wanted` for one owner; True when it changed."""
    rows = session.exec(select(model).where(getattr(model, owner_column) == owner_id)).all()
    current = {getattr(row, value_column): row for row in rows}
    wanted_set = set(wanted)
    changed = False
    for value, row in current.items():
        if value not in wanted_set:
            session.delete(row)
            changed = True
    for value in wanted_set - set(current):
        session.add(model(**{owner_column: owner_id, value_column: value}))
        changed = True
    return changed


class _Applier:
    def __init__(self, session: Session, user_email: str):
        self.session = session
        self.user_email = user_email
        self.report = ImportReport()
        self.councils = {fold(c.name): c for c in session.exec(select(Council))}
        self.networks = {fold(n.name): n for n in session.exec(select(Network))}
        self.partners = {
            (fold(p.name), p.seat_commune_key): p for p in session.exec(select(Partner))
        }
        self.actions: dict[tuple[str, int], Action] | None = None

    def count(self, kind: str, created: bool, changed: bool) -> None:
        counts = self.report.counts.setdefault(kind, KindCounts())
        if created:
            counts.created += 1
        elif changed:
            counts.updated += 1
        else:
            counts.unchanged += 1

    def partner_id(self, ref: tuple[str, str]) -> int:
        return self.partners[(fold(ref[0]), f"com:{ref[1]}")].id

    def action_for(self, ref: tuple[str, str]) -> Action:
        if self.actions is None:
            self.actions = {(fold(a.title), a.council_id): a for a in self.session.exec(select(Action))}
        council = self.councils[fold(ref[1])]
        return self.actions[(fold(ref[0]), council.id)]

    def instances(self, r: dict) -> None:
        council = self.councils.get(fold(r["name"]))
        created = council is None
        fields = {k: r[k] for k in ("name", "kind", "coordination_contact", "last_plenary", "status")}
        if created:
            council = Council(**fields)
            self.session.add(council)
            self.session.flush()
            self.councils[fold(r["name"])] = council
            changed = True
        else:
            changed = _set_fields(council, fields)
        changed |= _replace_set(self.session, CouncilTerritory, "council_id", council.id, "territory_key", r["territory_keys"])
        self._touch(council, created, changed)
        self.count("instances", created, changed)

    def reseaux(self, r: dict) -> None:
        network = self.networks.get(fold(r["name"]))
        created = network is None
        if created:
            network = Network(name=r["name"], kind=r["kind"])
            self.session.add(network)
            self.session.flush()
            self.networks[fold(r["name"])] = network
            changed = True
        else:
            changed = _set_fields(network, {"name": r["name"], "kind": r["kind"]})
        existing = {m.council_id for m in self.session.exec(select(NetworkCouncil).where(NetworkCouncil.network_id == network.id))}
        for kind, ref in r["member_refs"]:
            if kind == "council":
                council_id = self.councils[fold(ref)].id
                if council_id not in existing:
                    self.session.add(NetworkCouncil(network_id=network.id, council_id=council_id))
                    existing.add(council_id)
                    changed = True
        self.count("reseaux", created, changed)

    def reseaux_partner_members(self, r: dict) -> None:
        network = self.networks[fold(r["name"])]
        existing = {m.partner_id for m in self.session.exec(select(NetworkPartner).where(NetworkPartner.network_id == network.id))}
        for kind, ref in r["member_refs"]:
            if kind == "partner":
                partner_id = self.partner_id(ref)
                if partner_id not in existing:
                    self.session.add(NetworkPartner(network_id=network.id, partner_id=partner_id))
                    existing.add(partner_id)

    def partenaires(self, r: dict) -> None:
        key = (fold(r["name"]), r["seat_commune_key"])
        partner = self.partners.get(key)
        created = partner is None
        fields = {k: r[k] for k in (
            "name", "typology", "seat_commune_key", "siret", "website", "contact_name", "contact_role",
            "contact_email", "contact_phone", "verified_on", "notes")}
        if created:
            partner = Partner(**fields)
            self.session.add(partner)
            self.session.flush()
            self.partners[key] = partner
            changed = True
        else:
            changed = _set_fields(partner, fields)
            if partner.archived_at is not None:
                partner.archived_at = None
                changed = True
        changed |= _replace_set(self.session, PartnerTerritory, "partner_id", partner.id, "territory_key", r["territory_keys"])
        existing = {m.network_id for m in self.session.exec(select(NetworkPartner).where(NetworkPartner.partner_id == partner.id))}
        for name in r["networks"]:
            network_id = self.networks[fold(name)].id
            if network_id not in existing:
                self.session.add(NetworkPartner(network_id=network_id, partner_id=partner.id))
                existing.add(network_id)
                changed = True
        self._touch(partner, created, changed)
        self.count("partenaires", created, changed)

    def liens(self, r: dict) -> None:
        a, b = sorted((self.partner_id(r["partner_a"]), self.partner_id(r["partner_b"])))
        council_id = self.councils[fold(r["council"])].id
        link = self.session.exec(select(CooperationLink).where(
            CooperationLink.council_id == council_id, CooperationLink.partner_a_id == a,
            CooperationLink.partner_b_id == b, CooperationLink.kind == r["kind"])).first()
        fields = {"level": r["level"], "start_date": r["start_date"], "end_date": r["end_date"], "note": r["note"]}
        created = link is None
        if created:
            link = CooperationLink(council_id=council_id, partner_a_id=a, partner_b_id=b, kind=r["kind"], **fields)
            self.session.add(link)
            changed = True
        else:
            changed = _set_fields(link, fields)
        self._touch(link, created, changed)
        self.count("liens", created, changed)

    def actions_(self, r: dict) -> None:
        council = self.councils[fold(r["council"])]
        if self.actions is None:
            self.actions = {(fold(a.title), a.council_id): a for a in self.session.exec(select(Action))}
        key = (fold(r["title"]), council.id)
        action = self.actions.get(key)
        fields = {k: r[k] for k in ("title", "action_type", "status", "start_date", "end_date", "mode",
                                    "weekly_hours", "budget_eur", "shared", "notes")}
        created = action is None
        if created:
            action = Action(council_id=council.id, **fields)
            self.session.add(action)
            self.session.flush()
            self.actions[key] = action
            changed = True
        else:
            changed = _set_fields(action, fields)
        for model, column, values in (
            (ActionTerritory, "territory_key", r["territory_keys"]),
            (ActionTheme, "theme", r["themes"]),
            (ActionPublic, "public", r["publics"]),
            (ActionPlatform, "platform", r["platforms"]),
            (ActionFunding, "funding", r["fundings"]),
        ):
            changed |= _replace_set(self.session, model, "action_id", action.id, column, values)
        self._touch(action, created, changed)
        self.count("actions", created, changed)

    def action_partenaires(self, r: dict) -> None:
        action = self.action_for(r["action"])
        partner_id = self.partner_id(r["partner"])
        exists = self.session.exec(select(ActionPartner).where(
            ActionPartner.action_id == action.id, ActionPartner.partner_id == partner_id,
            ActionPartner.role == r["role"])).first()
        if exists is None:
            self.session.add(ActionPartner(action_id=action.id, partner_id=partner_id, role=r["role"]))
        self.count("action_partenaires", exists is None, False)

    def indicateurs(self, r: dict) -> None:
        action = self.action_for(r["action"])
        indicator = self.session.exec(select(Indicator).where(
            Indicator.action_id == action.id, Indicator.year == r["year"])).first()
        fields = {k: r[k] for k in ("people_reached", "sessions", "online_contacts", "referrals")}
        created = indicator is None
        if created:
            self.session.add(Indicator(action_id=action.id, year=r["year"], **fields))
            changed = True
        else:
            changed = _set_fields(indicator, fields)
            if changed:
                indicator.version += 1
        self.count("indicateurs", created, changed)

    def referentiel(self, r: dict) -> None:
        council_id = self.councils[fold(r["council"])].id
        rule = self.session.exec(select(CoverageRule).where(
            CoverageRule.council_id == council_id, CoverageRule.action_type == r["action_type"],
            CoverageRule.public == r["public"])).first()
        created = rule is None
        if created:
            self.session.add(CoverageRule(council_id=council_id, action_type=r["action_type"],
                                          public=r["public"], population_min=r["population_min"]))
            changed = True
        else:
            changed = _set_fields(rule, {"population_min": r["population_min"]})
        self.count("referentiel", created, changed)

    def _touch(self, record: SQLModel, created: bool, changed: bool) -> None:
        if changed and not created:
            record.version += 1
            record.updated_at = utc_now()
        self.session.add(record)


def apply_plan(session: Session, plan: ImportPlan, user_email: str = "") -> ImportReport:
    """Write a valid plan (the caller commits or rolls back the whole transaction)."""
    if not plan.ok:
        raise ValueError("an import plan with problems cannot be applied")
    applier = _Applier(session, user_email)
    handlers = {kind: getattr(applier, kind if kind != "actions" else "actions_") for kind in KIND_ORDER}
    for kind in KIND_ORDER:
        for checked in plan.rows.get(kind, []):
            handlers[kind](checked.record)
            if kind == "partenaires":
                session.flush()
        if kind == "partenaires" or (kind == "reseaux" and "partenaires" not in plan.rows):
            session.flush()
            for checked in plan.rows.get("reseaux", []):
                applier.reseaux_partner_members(checked.record)
    session.flush()
    total = {kind: vars(counts) for kind, counts in applier.report.counts.items()}
    write_audit(session, user_email=user_email, operation="import", entity="import",
                label="Import : " + ", ".join(plan.rows), after=total)
    bump_data_version(session)
    return applier.report
