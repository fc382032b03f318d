"""The typed records an import carries from its check to its write: one dataclass per kind, whose fields are
those the format's column table names (`Column.field`), plus the references the check resolved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# A partner as rows refer to it: (name, seat commune INSEE code); an action: (title, council name).
PartnerKey = tuple[str, str]
ActionKey = tuple[str, str]


@dataclass(slots=True)
class CouncilRecord:
    """An `instances` row."""

    name: str
    kind: str | None
    territory_keys: list[str]
    coordination_contact: str
    last_plenary: dt.date | None
    status: str | None


@dataclass(slots=True)
class NetworkRecord:
    """A `reseaux` row; `member_refs` are its members once resolved: ("council", name) or ("partner", key)."""

    name: str
    kind: str | None
    members: list[str]
    member_refs: list[tuple[str, str | PartnerKey]] = field(default_factory=list)


@dataclass(slots=True)
class PartnerRecord:
    """A `partenaires` row."""

    name: str
    typology: str | None
    seat_commune_key: str | None
    territory_keys: list[str]
    siret: str | None
    website: str
    networks: list[str]
    contact_name: str
    contact_role: str
    contact_email: str
    contact_phone: str
    verified_on: dt.date | None
    notes: str
    archived_at: dt.date | None

    @property
    def key(self) -> PartnerKey:
        """(name, seat commune code)."""
        return (self.name, (self.seat_commune_key or "").split(":", 1)[-1])


@dataclass(slots=True)
class LinkRecord:
    """A `liens` row."""

    partner_a: PartnerKey | None
    partner_b: PartnerKey | None
    kind: str | None
    level: int | None
    council: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    note: str


@dataclass(slots=True)
class ActionRecord:
    """An `actions` row."""

    title: str
    council: str | None
    action_type: str | None
    status: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    territory_keys: list[str]
    themes: list[str]
    publics: list[str]
    mode: str | None
    platforms: list[str]
    weekly_hours: float | None
    budget_eur: float | None
    fundings: list[str]
    shared: bool | None  # None: cell left empty (a new action is shared, as on the form; an existing one keeps its choice)
    notes: str
    evaluation: str
    archived_at: dt.date | None


@dataclass(slots=True)
class ActionRoleRecord:
    """An `action_partenaires` row."""

    action: ActionKey | None
    council: str | None
    partner: PartnerKey | None
    role: str | None


@dataclass(slots=True)
class IndicatorRecord:
    """An `indicateurs` row."""

    action: ActionKey | None
    council: str | None
    year: int | None
    people_reached: int | None
    sessions: int | None
    online_contacts: int | None
    referrals: int | None


@dataclass(slots=True)
class RuleRecord:
    """A `referentiel` row."""

    council: str | None
    action_type: str | None
    public: str | None
    population_min: int


Record = (CouncilRecord | NetworkRecord | PartnerRecord | LinkRecord | ActionRecord | ActionRoleRecord
          | IndicatorRecord | RuleRecord)

RECORD_TYPES: dict[str, type] = {
    "instances": CouncilRecord, "reseaux": NetworkRecord, "partenaires": PartnerRecord, "liens": LinkRecord,
    "actions": ActionRecord, "action_partenaires": ActionRoleRecord, "indicateurs": IndicatorRecord,
    "referentiel": RuleRecord,
}
