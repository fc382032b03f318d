"""A partner form's values, checked: typology, seat commune (name or INSEE code), territories, SIRET, e-mail, URL."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlmodel import Session, select

from maillage.core.errors import ValidationError
from maillage.core.text import fold
from maillage.core.validators import (
    email_problem,
    personal_data_problem,
    siret_problem,
    url_problem,
)
from maillage.geography.keys import territory_key
from maillage.geography.names import Context, TerritoryNames
from maillage.vocabularies.store import Vocabularies
from models import Network, Partner, Territory

_NAME_WITH_CODE = re.compile(r"^(?P<name>.+?)\s*\((?P<code>[0-9][0-9AaBb][0-9]{3})\)$")
_PHONE = re.compile(r"^\+?[0-9 .\-()]{6,25}$")

FIELD_LABELS = {
    "name": "Nom", "typology": "Typologie", "seat_commune": "Commune du siège",
    "territories": "Territoires d'intervention", "siret": "SIRET", "website": "Site web",
    "networks": "Réseaux", "contact_name": "Nom du contact", "contact_role": "Fonction du contact",
    "contact_email": "E-mail du contact", "contact_phone": "Téléphone du contact",
    "verified_on": "Vérifié le", "notes": "Notes",
}


@dataclass
class PartnerInput:
    """What a partner form sends (texts as typed; lists of territory references or a `|`-separated text)."""

    name: str
    typology: str
    seat_commune: str
    territories: list[str] | str = field(default_factory=list)
    siret: str = ""
    website: str = ""
    network_ids: list[int] = field(default_factory=list)
    contact_name: str = ""
    contact_role: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    verified_on: dt.date | None = None
    notes: str = ""


@dataclass
class CleanPartner:
    """Checked values, ready to write."""

    fields: dict
    territory_keys: list[str]
    network_ids: list[int]


def _commune_label(territory: Territory) -> str:
    """`Bordeaux (33063)`."""
    return f"{territory.name} ({territory.code})"


def resolve_commune(session: Session, text: str, context: Context | None = None) -> tuple[str | None, str | None]:
    """(`com:` key, None) for a commune as people write it (`33063`, `Bordeaux (33063)`, `Pessac`, `33600`,
    `St Médard en Jalles`, `Paris 15e`…; an ambiguous name read inside `context`); else (None, problem)."""
    value = (text or "").strip()
    if not value:
        return None, "obligatoire"
    found = TerritoryNames(session).resolve(value, {"com"}, context)
    if found.key is None:
        return None, f"« {value} » {found.problem}"
    return found.key, None


def resolve_territories(session: Session, references: list[str] | str,
                        context: Context | None = None) -> tuple[list[str], list[str]]:
    """(territory keys, problems) for references: codes (`33063`, `243300316`, `dep:33`…) or commune names
    (an ambiguous name read inside `context`)."""
    if isinstance(references, str):
        references = [part for part in re.split(r"[|\n]", references)]
    keys: list[str] = []
    problems: list[str] = []
    for reference in (r.strip() for r in references):
        if not reference:
            continue
        if reference.startswith(("com:", "epci:", "ept:", "dep:", "reg:", "sub:")) and session.get(Territory, reference):
            key = reference
        else:
            key = territory_key(reference)
            if session.get(Territory, key) is None:
                key, problem = resolve_commune(session, reference, context)
                if key is None:
                    problems.append(f"« {reference} » n'est pas un territoire connu (code INSEE, SIREN d'EPCI, "
                                    "dep:33, reg:75, ou nom de commune)" if problem and problem.startswith("aucune")
                                    else problem or reference)
                    continue
        if key not in keys:
            keys.append(key)
    return keys, problems


def clean_partner(session: Session, data: PartnerInput, vocab: Vocabularies, today: dt.date,
                  partner_id: int | None = None, context: Context | None = None) -> CleanPartner:
    """Check every field; ValidationError listing each problem (`Champ : raison`) if any."""
    problems: list[tuple[str, str]] = []

    def problem(field_name: str, message: str) -> None:
        """Record a problem for a field, prefixed with its French label."""
        problems.append((field_name, f"{FIELD_LABELS[field_name]} : {message}"))

    name = " ".join((data.name or "").split())
    if not name:
        problem("name", "obligatoire")
    elif len(name) > 200:
        problem("name", "200 caractères au plus")
    typology = vocab.parse("typology", data.typology or "")
    if not data.typology:
        problem("typology", "obligatoire")
    elif typology is None:
        problem("typology", f"« {data.typology} » n'est pas une typologie connue")
    seat, seat_problem = resolve_commune(session, data.seat_commune, context)
    if seat_problem:
        problem("seat_commune", seat_problem)
    territory_keys, territory_problems = resolve_territories(session, data.territories, context)
    for message in territory_problems:
        problem("territories", message)
    siret = (data.siret or "").replace(" ", "")
    if siret and (reason := siret_problem(siret)):
        problem("siret", f"« {data.siret} » {reason}")
    website = (data.website or "").strip()
    if website and (reason := url_problem(website)):
        problem("website", f"« {website} » {reason}")
    email = (data.contact_email or "").strip().lower()
    if email and (reason := email_problem(email)):
        problem("contact_email", f"« {data.contact_email} » {reason}")
    phone = (data.contact_phone or "").strip()
    if phone and not _PHONE.match(phone):
        problem("contact_phone", f"« {phone} » n'est pas un numéro de téléphone")
    if data.verified_on is not None and data.verified_on > today:
        problem("verified_on", "la date ne peut pas être dans le futur")
    notes = (data.notes or "").strip()
    if notes and (reason := personal_data_problem(notes)):
        problem("notes", reason)
    for field_name, value in (("contact_name", data.contact_name), ("contact_role", data.contact_role)):
        if len((value or "").strip()) > 200:
            problem(field_name, "200 caractères au plus")
    network_ids = list(dict.fromkeys(int(n) for n in data.network_ids or []))
    if network_ids:
        known = set(session.exec(select(Network.id).where(Network.id.in_(network_ids))).all())
        if set(network_ids) - known:
            problem("networks", "réseau inconnu")
    if name and seat:
        same = session.exec(select(Partner).where(Partner.seat_commune_key == seat)).all()
        for other in same:
            if other.id != partner_id and fold(other.name) == fold(name):
                commune = session.get(Territory, seat)
                where = commune.name if commune else seat
                archived = " (archivé : restaurez-le plutôt que d'en créer un autre)" if other.archived_at else ""
                problem("name", f"un partenaire « {other.name} » existe déjà à {where}{archived}")
                break
    if problems:
        raise ValidationError(problems)
    return CleanPartner(
        fields=dict(name=name, typology=typology, seat_commune_key=seat, siret=siret or None, website=website,
                    contact_name=(data.contact_name or "").strip(), contact_role=(data.contact_role or "").strip(),
                    contact_email=email, contact_phone=phone, verified_on=data.verified_on, notes=notes),
        territory_keys=territory_keys, network_ids=network_ids,
    )
