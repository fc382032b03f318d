"""Territories as people write them: INSEE code, postal code, commune name (accents, hyphens, « St »/« Ste »,
any case), « Nom (33) » / « Nom 33 », arrondissements (« Paris 15e », « Lyon 3e arrondissement »), EPCI by
name or SIREN, département by number or name. Ambiguous names are settled inside a council's territory or
its départements when that makes them unique; otherwise refused with the candidates listed."""

from __future__ import annotations

import json
import lzma
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session, select

from maillage.core.db import PROJECT_ROOT
from maillage.core.text import fold
from maillage.geography.keys import territory_key
from models import Territory

GEO_DIR = PROJECT_ROOT / "data" / "geo"
LEVELS = ("com", "epci", "ept", "dep", "reg")
_COMMUNE_CODE = re.compile(r"[0-9][0-9AaBb][0-9]{3}")
_DEP_CODE = re.compile(r"(?:0?[1-9]|[1-8][0-9]|9[0-5]|2[AaBb]|97[1-6])")
_WITH_DEP = re.compile(r"^(?P<name>.+?)\s*[(\[]\s*(?P<code>[0-9][0-9AaBb][0-9]{0,3})\s*[)\]]$")
_TRAILING_DEP = re.compile(r"^(?P<name>.*\D)\s+(?P<code>\d{2,3}|2[AaBb])$")
_LEADING_POSTAL = re.compile(r"^(?P<code>\d{5})\s+(?P<name>\D.*)$")
_ARTICLE_AFTER = re.compile(r"^(?P<name>.+?)\s*\((?P<article>le|la|les|l')\)$", re.IGNORECASE)
_ARRONDISSEMENT = re.compile(
    r"^(?P<city>paris|lyon|marseille)\s+(?P<number>\d{1,2})\s*(?:e|er|eme|ieme|ère|ème)?"
    r"(?:\s*(?:arrondissement|arrdt|arr))?$")
_CITY_CODES = {"paris": ("75056", "751"), "lyon": ("69123", "6938"), "marseille": ("13055", "132")}
_WORDS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_PREFIXES = ("ville de ", "commune de ", "mairie de ")
_LEVEL_NAMES = {"com": "commune", "epci": "EPCI", "ept": "EPT", "dep": "département", "reg": "région"}


def name_key(text: str) -> str:
    """The comparable form of a place name: folded, « St »/« Ste » spelt out, « Bouscat (Le) » = « Le Bouscat »,
    no « Ville de », no « Cedex »."""
    text = (text or "").strip()
    if match := _ARTICLE_AFTER.match(text):
        text = f"{match['article']} {match['name']}"
    words = [_WORDS.get(word, word) for word in fold(text).split()]
    folded = " ".join(words)
    folded = re.sub(r"\s+cedex(\s+\d+)?$", "", folded)
    for prefix in _PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            folded = folded[len(prefix):]
    return folded


@lru_cache(maxsize=4)
def _postal_codes(path: Path) -> dict[str, tuple[str, ...]]:
    """Postal code → INSEE codes of the communes it serves (arrondissements given as their commune)."""
    parents = _arrondissements(GEO_DIR / "communes.json.xz")
    by_code: dict[str, list[str]] = {}
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        for entry in json.load(handle):
            code = parents.get(entry["codeCommune"], entry["codeCommune"])
            codes = by_code.setdefault(entry["codePostal"], [])
            if code not in codes:
                codes.append(code)
    return {postal: tuple(codes) for postal, codes in by_code.items()}


@lru_cache(maxsize=4)
def _arrondissements(path: Path) -> dict[str, str]:
    """Arrondissement municipal INSEE code (75115, 69383, 13213) → its commune's code (75056, 69123, 13055)."""
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        return {c["code"]: c["commune"] for c in json.load(handle) if c.get("type") == "arrondissement-municipal"}


def postal_communes(postal_code: str) -> tuple[str, ...]:
    """The INSEE codes of the communes a postal code serves (empty when it is not a postal code)."""
    return _postal_codes(GEO_DIR / "codes-postaux.json.xz").get(postal_code, ())


def arrondissement_commune(code: str) -> str | None:
    """The commune of an arrondissement municipal code (`75115` → `75056`), or None."""
    return _arrondissements(GEO_DIR / "communes.json.xz").get(code.upper())


@dataclass(frozen=True)
class Place:
    """A territory a name may designate."""

    key: str
    name: str
    departement: str | None
    population: int

    @property
    def label(self) -> str:
        """`Saint-Denis (93066)` for a commune, `Gironde (dep:33)` otherwise."""
        level, _, code = self.key.partition(":")
        return f"{self.name} ({code})" if level in ("com", "epci") else f"{self.name} ({self.key})"


@dataclass(frozen=True)
class Context:
    """Where a reference is read: the communes and départements of the council(s) concerned."""

    communes: frozenset[str] = frozenset()
    departements: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Resolution:
    """A reference's territory key, or why none (and the candidates when the name is ambiguous)."""

    key: str | None
    problem: str = ""
    candidates: tuple[Place, ...] = ()


@dataclass
class TerritoryNames:
    """Names, codes and postal codes of the territories in the database, loaded once per use (import, form)."""

    session: Session
    _places: dict[str, Place] | None = field(default=None, repr=False)
    _by_name: dict[tuple[str, str], list[Place]] | None = field(default=None, repr=False)

    def _load(self) -> None:
        """Read every reference territory's key, name, département and population."""
        self._places, self._by_name = {}, {}
        rows = self.session.exec(select(Territory.key, Territory.level, Territory.name, Territory.departement_code,
                                        Territory.population, Territory.code)
                                 .where(Territory.level.in_(LEVELS)))
        for key, level, name, departement, population, code in rows:
            if level == "dep":
                departement = code
            place = Place(key, name, departement, population or 0)
            self._places[key] = place
            self._by_name.setdefault((level, name_key(name)), []).append(place)

    @property
    def places(self) -> dict[str, Place]:
        """Key → place, for every reference territory."""
        if self._places is None:
            self._load()
        return self._places

    def named(self, level: str, name: str) -> list[Place]:
        """The places of a level whose name reads as `name`."""
        if self._by_name is None:
            self._load()
        return list(self._by_name.get((level, name_key(name)), []))

    def resolve(self, reference: str, levels: set[str] | None = None, context: Context | None = None) -> Resolution:
        """The territory a reference designates (communes only when `levels` is {"com"})."""
        text = " ".join((reference or "").split())
        if not text:
            return Resolution(None, "valeur vide")
        communes_only = levels is not None and levels <= {"com"}
        wanted = [level for level in LEVELS if levels is None or level in levels]
        key = territory_key(text)
        if key in self.places:
            return self._level_checked(key, text, wanted)
        if ":" in text and not _COMMUNE_CODE.fullmatch(text):
            prefix, _, rest = text.partition(":")
            prefix = prefix.strip().lower()
            if prefix in LEVELS and rest.strip():
                by_name = self._by_names(rest.strip(), [prefix], None, context, text)
                if by_name.key or by_name.candidates:
                    return by_name
                return Resolution(None, _unknown_code(prefix))
        if re.fullmatch(r"\d{4,5}|2[AaBb]\d{3}", text):
            return self._code(text.zfill(5), context, text)
        if re.fullmatch(r"\d{9}", text):
            return Resolution(None, "n'est pas un SIREN d'EPCI connu")
        if _DEP_CODE.fullmatch(text):
            dep_key = f"dep:{text.upper().zfill(2)}"
            if communes_only:
                return Resolution(None, "est un numéro de département : indiquez une commune (nom ou code INSEE)")
            if dep_key in self.places and "dep" in wanted:
                return Resolution(dep_key)
        if match := _ARRONDISSEMENT.fullmatch(fold(text)):
            city_code, prefix = _CITY_CODES[match["city"]]
            number = int(match["number"])
            code = f"{prefix}{number:0{5 - len(prefix)}d}"
            if arrondissement_commune(code) and f"com:{city_code}" in self.places:
                return Resolution(f"com:{city_code}")
            return Resolution(None, f"n'est pas un arrondissement de {match['city'].capitalize()}")
        departement = None
        name = text
        if (match := _WITH_DEP.match(text)) or (match := _TRAILING_DEP.match(text)):
            code = match["code"].upper()
            if len(code) == 5:  # « Bordeaux (33063) », « Pessac (33600) »
                found = self._with_code(code, match["name"], context, text)
                if found is not None:
                    return found
            elif _DEP_CODE.fullmatch(code):
                departement, name = code.zfill(2), match["name"]
        elif match := _LEADING_POSTAL.match(text):  # « 33600 Pessac »
            found = self._with_code(match["code"], match["name"], context, text)
            if found is not None:
                return found
            name = match["name"]
        return self._by_names(name, wanted, departement, context, text)

    def _with_code(self, code: str, name: str, context: Context | None, text: str) -> Resolution | None:
        """A name with an INSEE or postal code: the code's commune of that name (or the INSEE code's commune)."""
        found = self._code(code, context, text)
        places = list(found.candidates) or ([self.places[found.key]] if found.key else [])
        named = [place for place in places if name_key(place.name) == name_key(name)]
        if len(named) == 1:
            return Resolution(named[0].key)
        if found.key and f"com:{code}" == found.key:
            return found
        return None

    def _level_checked(self, key: str, text: str, wanted: list[str]) -> Resolution:
        """A known key, refused when its level is not one the cell takes."""
        level = key.split(":", 1)[0]
        if level not in wanted:
            return Resolution(None, "n'est pas une commune (code INSEE à 5 caractères attendu)"
                              if wanted == ["com"] else f"n'est pas un territoire attendu ici ({_LEVEL_NAMES[level]})")
        return Resolution(key)

    def _code(self, code: str, context: Context | None, text: str) -> Resolution:
        """A 5-character code: INSEE code of a commune or an arrondissement, else a postal code."""
        code = code.upper()
        if f"com:{code}" in self.places:
            return Resolution(f"com:{code}")
        parent = arrondissement_commune(code)
        if parent and f"com:{parent}" in self.places:
            return Resolution(f"com:{parent}")
        candidates = [self.places[f"com:{insee}"] for insee in postal_communes(code) if f"com:{insee}" in self.places]
        if not candidates:
            return Resolution(None, "n'est ni un code INSEE de commune ni un code postal connu")
        return self._choose(candidates, context, text, "est un code postal commun à plusieurs communes")

    def _by_names(self, name: str, wanted: list[str], departement: str | None, context: Context | None,
                  text: str) -> Resolution:
        """The places of the wanted levels called `name` (communes first), in a département when one is given."""
        for level in wanted:
            candidates = self.named(level, name)
            if departement is not None:
                candidates = [p for p in candidates if p.departement == departement]
            if candidates:
                what = f"désigne plusieurs {'communes' if level == 'com' else 'territoires'}"
                return self._choose(candidates, context, text, what)
        if departement is not None and self.named("com", name):
            return Resolution(None, f"ne désigne aucune commune du département {departement}")
        hints = self.suggestions(name, 4)
        hint = f" ; vouliez-vous dire : {', '.join(hints)} ?" if hints else ""
        what = "aucune commune connue" if wanted == ["com"] else "aucun territoire connu"
        return Resolution(None, f"ne désigne {what} (nom, code INSEE ou code postal attendu){hint}")

    def _choose(self, candidates: list[Place], context: Context | None, text: str, what: str) -> Resolution:
        """One candidate, or the only one inside the council's communes, then its départements; else refused."""
        if len(candidates) == 1:
            return Resolution(candidates[0].key)
        if context is not None:
            for inside in (lambda p: p.key.split(":", 1)[1] in context.communes,
                           lambda p: p.departement in context.departements):
                kept = [p for p in candidates if inside(p)]
                if len(kept) == 1:
                    return Resolution(kept[0].key)
        ordered = sorted(candidates, key=lambda p: (-p.population, p.key))
        listed = ", ".join(p.label for p in ordered[:8]) + ("…" if len(ordered) > 8 else "")
        return Resolution(None, f"{what} : précisez le département ou le code INSEE ({listed})", tuple(ordered))

    def suggestions(self, text: str, limit: int = 8) -> list[str]:
        """`Nom (code)` of the communes whose name is closest to `text` among those sharing its first letters."""
        wanted = name_key(text)
        if len(wanted) < 3:
            return []
        if self._by_name is None:
            self._load()
        found = [p for (level, key), places in self._by_name.items()
                 if level == "com" and key.startswith(wanted[:4]) for p in places]
        ranked = sorted(found, key=lambda p: (-SequenceMatcher(None, wanted, name_key(p.name)).ratio(), -p.population))
        return [p.label for p in ranked[:limit]]


def _unknown_code(level: str) -> str:
    """Why a prefixed reference is unknown."""
    if level == "com":
        return "n'est pas un code INSEE de commune connu"
    if level == "epci":
        return "n'est pas un SIREN d'EPCI connu"
    return f"n'est pas un code {'de département' if level == 'dep' else 'de région' if level == 'reg' else 'd’EPT'} connu"
