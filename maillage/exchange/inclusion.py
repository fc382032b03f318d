"""The partner register in the national data·inclusion structures schema (the `data-inclusion-schema` package,
v1): export as JSON and CSV validated against the schema, and import of a data·inclusion file (partners matched
by SIRET, then by name and commune)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from maillage.accounts.access import Actor
from maillage.core.text import fold
from maillage.exchange.export import _export_scope
from maillage.exchange.reader import ReadError, Row, Table, decode
from maillage.partners.partnership import partnership_ids
from models import Partner, Territory

SOURCE = "maillage"
# Our typologies (DESIGN §5.1) → the data·inclusion « réseaux porteurs » they belong to.
NETWORKS = {
    "MUNI": "communes", "CD": "departements", "REG": "regions", "CAF": "caf", "CCAS": "ccas-cias",
    "EPN": "espaces-publics-numeriques", "PIJ_BIJ": "reseau-information-jeunesse", "ML": "mission-locale",
    "RS_FJT": "residences-fjt", "MJC": "mjc", "PIMMS": "pimms-mediation", "PJJ": "pjj", "SPIP": "spip",
    "CSAPA": "csapa", "CAARUD": "caarud", "CMP": "cmp",
}
TYPOLOGIES = {network: typology for typology, network in NETWORKS.items()}
FIELDS = ("id", "source", "siret", "nom", "commune", "code_postal", "code_insee", "adresse", "telephone", "courriel",
          "site_web", "typologie", "reseaux_porteurs", "date_maj")
_ERRORS = {"string_too_short": "trop court", "string_too_long": "trop long", "string_pattern_mismatch": "mal formé",
           "url_parsing": "n'est pas une adresse web valide", "value_error": "valeur refusée",
           "enum": "valeur inconnue", "missing": "manquant", "date_from_datetime_parsing": "n'est pas une date"}


@dataclass
class InclusionExport:
    """The structures (validated), and the partners the schema refused with the reason, in French."""

    structures: list[dict] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def json_bytes(self) -> bytes:
        """The structures as a JSON array (UTF-8)."""
        return json.dumps(self.structures, ensure_ascii=False, indent=2).encode("utf-8")

    def csv_bytes(self) -> bytes:
        """The structures as CSV (UTF-8 with BOM, `,`); lists are `|`-separated."""
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\r\n")
        writer.writeheader()
        for structure in self.structures:
            writer.writerow({name: "|".join(value) if isinstance(value, list) else ("" if value is None else value)
                             for name, value in structure.items()})
        return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def validate_structure(structure: dict) -> list[str]:
    """What the data·inclusion schema refuses in a structure, in French (empty when valid)."""
    import pydantic
    from data_inclusion.schema.v1 import Structure

    try:
        Structure.model_validate({k: v for k, v in structure.items() if v not in (None, "", [])})
    except pydantic.ValidationError as error:
        return [f"champ {'.'.join(str(part) for part in problem['loc'])} : "
                f"{_ERRORS.get(problem['type'], 'valeur refusée par le schéma')}" for problem in error.errors()]
    return []


def collect_structures(session: Session, actor: Actor, today: dt.date | None = None) -> InclusionExport:
    """The active partners the actor may export (administrators: all), as data·inclusion structures."""
    scope = _export_scope(session, actor)
    partners = [p for p in session.execute(select(Partner).where(Partner.archived_at.is_(None))).scalars()]
    if scope is not None:
        wanted: set[int] = set()
        for council_id in scope:
            wanted |= partnership_ids(session, council_id)
        partners = [p for p in partners if p.id in wanted]
    seats = {p.seat_commune_key for p in partners}
    communes = {t.key: t for t in session.execute(select(Territory).where(Territory.key.in_(sorted(seats) or [""])))
                .scalars()}
    today = today or dt.date.today()
    result = InclusionExport()
    for partner in sorted(partners, key=lambda p: (fold(p.name), p.seat_commune_key, p.id)):
        commune = communes.get(partner.seat_commune_key)
        updated = (partner.verified_on or partner.updated_at.date()) if partner.updated_at else partner.verified_on
        structure = {
            "id": f"{SOURCE}--{partner.id}", "source": SOURCE, "siret": partner.siret or None, "nom": partner.name,
            "commune": commune.name if commune else None, "code_postal": _postal_code(partner.seat_commune_key),
            "code_insee": partner.seat_commune_key.split(":", 1)[1], "adresse": None,
            "telephone": partner.contact_phone or None, "courriel": partner.contact_email or None,
            "site_web": partner.website or None, "typologie": partner.typology,
            "reseaux_porteurs": [NETWORKS[partner.typology]] if partner.typology in NETWORKS else [],
            "date_maj": min(updated or today, today).isoformat(),
        }
        problems = validate_structure(structure)
        if problems:
            result.refused.append(f"« {partner.name} » : " + " ; ".join(problems))
        else:
            result.structures.append(structure)
    return result


def export_structures(engine: Engine, actor: Actor) -> InclusionExport:
    """`collect_structures` in its own session."""
    with Session(engine) as session:
        return collect_structures(session, actor)


def _postal_code(seat_key: str) -> str | None:
    """The main postal code of a commune (from the shipped postal code base), or None."""
    from maillage.geography.names import GEO_DIR, _postal_codes

    code = seat_key.split(":", 1)[1]
    found = sorted(postal for postal, communes in _postal_codes(GEO_DIR / "codes-postaux.json.xz").items()
                   if code in communes)
    return found[0] if found else None


def is_inclusion_file(name: str, data: bytes) -> bool:
    """Whether a file is a data·inclusion structures file (JSON, or CSV with its `id`, `source`, `nom` headers)."""
    head = data[:4000].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head.startswith((b"[", b"{")):
        return True
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace").strip().lower()
    names = {part.strip().strip('"') for part in first.replace(";", ",").split(",")}
    return {"id", "source", "nom"} <= names and bool(names & {"code_insee", "commune", "date_maj"})


def read_inclusion(name: str, data: bytes) -> Table:
    """A data·inclusion file (JSON array or CSV) as a table of partners to import (matched by SIRET first)."""
    text, _encoding = decode(data, name)
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith(("[", "{")):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as error:
            raise ReadError(f"{name} : JSON mal formé (ligne {error.lineno}).") from None
        records = loaded if isinstance(loaded, list) else loaded.get("structures", loaded.get("data", []))
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise ReadError(f"{name} : le fichier JSON doit contenir une liste de structures.")
        lines = [(index + 1, record) for index, record in enumerate(records)]
    else:
        delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        lines = [(index + 2, {k.strip(): (v or "").strip() for k, v in row.items() if k}) for index, row in
                 enumerate(reader)]
    table = Table(kind="partenaires", source=name, header_line=1,
                  columns=["nom", "typologie", "commune_siege", "siret", "site_web", "contact_email",
                           "contact_telephone", "verifie_le"],
                  headers=list(FIELDS), match_siret=True)
    for line, record in lines:
        networks = record.get("reseaux_porteurs") or []
        if isinstance(networks, str):
            networks = [part.strip() for part in networks.replace(",", "|").split("|") if part.strip()]
        typology = str(record.get("typologie") or "").strip()
        if not typology:
            typology = next((TYPOLOGIES[n] for n in networks if n in TYPOLOGIES), "AUTRE")
        commune = str(record.get("code_insee") or "").strip() or " ".join(
            part for part in (str(record.get("code_postal") or ""), str(record.get("commune") or "")) if part)
        cells = {"nom": str(record.get("nom") or "").strip(), "typologie": typology, "commune_siege": commune,
                 "siret": str(record.get("siret") or "").strip(), "site_web": str(record.get("site_web") or "").strip(),
                 "contact_email": str(record.get("courriel") or "").strip(),
                 "contact_telephone": str(record.get("telephone") or "").strip(),
                 "verifie_le": str(record.get("date_maj") or "").strip()[:10]}
        table.rows.append(Row(line=line, cells=cells, raw=[_raw(record.get(name)) for name in FIELDS]))
    return table


def _raw(value: object) -> str:
    """A structure's value as a spreadsheet cell."""
    if isinstance(value, list):
        return "|".join(str(item) for item in value)
    return "" if value is None else str(value)
