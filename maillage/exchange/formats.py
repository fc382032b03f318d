"""The exchange format (README « Le format d'échange », docs/ARCHITECTURE.md): kinds, their columns (type, help), example rows, and the order they apply in."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from maillage.core.text import compact, fold

# Column types: how a cell is parsed on import and written on export.
TEXT, DATE, NUMBER, COUNT, BOOL = "texte", "date", "nombre", "entier", "oui/non"


@dataclass(frozen=True)
class Column:
    """One column of a kind: name, whether it is required, its type and a French help line."""

    name: str
    required: bool
    type: str
    help: str


@dataclass(frozen=True)
class KindFormat:
    """One kind of file/sheet: its columns (in order), which are required, and two example rows."""

    name: str
    label: str
    specs: tuple[Column, ...]
    examples: tuple[tuple[str, ...], ...] = field(default=())

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """Column names, in file order."""
        return tuple(spec.name for spec in self.specs)

    @cached_property
    def required(self) -> frozenset[str]:
        """The columns a file of this kind must have (and every row must fill)."""
        return frozenset(spec.name for spec in self.specs if spec.required)

    def spec(self, column: str) -> Column:
        """The description of one column."""
        return next(spec for spec in self.specs if spec.name == column)

    def match_header(self, header: str) -> str | None:
        """The column a header names, ignoring case, accents, spaces, underscores, a trailing `*`,
        and little words (`Territoires d'intervention` = `territoires_intervention`)."""
        wanted = compact(header)
        if not wanted:
            return None
        for column in self.columns:
            if compact(column) == wanted:
                return column
        short = _without_little_words(header)
        for column in self.columns:
            if _without_little_words(column) == short:
                return column
        return HEADER_ALIASES.get(self.name, {}).get(short)


_LITTLE_WORDS = {"d", "de", "du", "des", "l", "la", "le", "les", "en", "par"}
# Other usual spellings of a column (after removing little words).
HEADER_ALIASES: dict[str, dict[str, str]] = {
    "partenaires": {"email": "contact_email", "mail": "contact_email", "courriel": "contact_email",
                    "telephone": "contact_telephone", "siteinternet": "site_web", "site": "site_web",
                    "typologiestructure": "typologie", "codeinseecommunesiege": "commune_siege",
                    "dateverification": "verifie_le"},
    "actions": {"datedebut": "debut", "datefin": "fin", "typeaction": "type_action", "budget": "budget_eur",
                "heuresparsemaine": "heures_semaine", "partage": "partage_reseau"},
    "liens": {"datedebut": "debut", "datefin": "fin"},
    "indicateurs": {"an": "annee"},
}


def _without_little_words(text: str) -> str:
    """`Date de début` → `datedebut`: the compact form without articles and prepositions."""
    return "".join(word for word in fold(text).split() if word not in _LITTLE_WORDS)


def _kind(name: str, label: str, columns: list[tuple[str, str, str]], examples: list[tuple[str, ...]]) -> KindFormat:
    """Build a kind from (`name*` when required, type, help) triples."""
    specs = tuple(
        Column(name=column.rstrip("*"), required=column.endswith("*"), type=type_, help=help_)
        for column, type_, help_ in columns
    )
    for example in examples:
        assert len(example) == len(specs), (name, example)
    return KindFormat(name=name, label=label, specs=specs, examples=tuple(examples))


_TERRITORIES_HELP = ("codes séparés par | : code INSEE de commune (33063), SIREN d'EPCI (243300316), "
                     "ou préfixe dep:33, reg:75, ept:…, sub:nom du sous-territoire")

KINDS: dict[str, KindFormat] = {
    kind.name: kind
    for kind in (
        _kind("instances", "instances", [
            ("nom*", TEXT, "nom de l'instance (unique)"),
            ("type*", TEXT, "CLSPD, CISPD, CDPD, mission ou autre"),
            ("territoires*", TEXT, _TERRITORIES_HELP),
            ("coordination_contact", TEXT, "service chargé de la coordination (pas de coordonnées personnelles)"),
            ("derniere_pleniere", DATE, "date de la dernière séance plénière (JJ/MM/AAAA)"),
            ("statut", TEXT, "active (par défaut) ou en_sommeil"),
        ], [
            ("CLSPD de Talence", "CLSPD", "33522", "Service prévention, Ville de Talence", "12/03/2026", "active"),
            ("CLSPD de Bègles", "CLSPD", "33039", "Direction de la tranquillité publique", "04/11/2025", "en_sommeil"),
        ]),
        _kind("reseaux", "réseaux", [
            ("nom*", TEXT, "nom du réseau (unique)"),
            ("type*", TEXT, "regional, promeneurs_du_net ou thematique"),
            ("membres", TEXT, "noms d'instances ou de partenaires séparés par | (ajoutés aux membres existants)"),
        ], [
            ("Réseau des coordinateurs de Gironde", "regional", "CLSPD de Bordeaux|CLSPD de Mérignac"),
            ("Réseau prévention et écrans", "thematique", "CLSPD de Bordeaux|Association Les Écrans Malins"),
        ]),
        _kind("partenaires", "partenaires", [
            ("nom*", TEXT, "nom de la structure (unique dans sa commune de siège)"),
            ("typologie*", TEXT, "code ou libellé de typologie (ASSO, MUNI, EN, CAF…)"),
            ("commune_siege*", TEXT, "code INSEE de la commune de siège (33063)"),
            ("territoires_intervention", TEXT, _TERRITORIES_HELP),
            ("siret", TEXT, "14 chiffres (facultatif)"),
            ("site_web", TEXT, "adresse commençant par https://"),
            ("reseaux", TEXT, "noms de réseaux séparés par | (ajoutés aux réseaux existants)"),
            ("contact_nom", TEXT, "contact professionnel (facultatif)"),
            ("contact_fonction", TEXT, "fonction du contact"),
            ("contact_email", TEXT, "adresse e-mail professionnelle"),
            ("contact_telephone", TEXT, "téléphone professionnel"),
            ("verifie_le", DATE, "date de la dernière vérification de la fiche (JJ/MM/AAAA)"),
            ("notes", TEXT, "remarques (aucune donnée personnelle)"),
            ("archive_le", DATE, "date d'archivage ; vide = partenaire actif"),
        ], [
            ("Association Les Écrans Malins", "ASSO", "33063", "33063|33281", "", "https://www.exemple.fr", "",
             "", "Chargée de prévention", "prevention@exemple.fr", "", "15/10/2026", "Ateliers parents-enfants", ""),
            ("Collège Jean Moulin", "EN", "33281", "", "", "", "", "", "Principal adjoint", "", "",
             "02/09/2026", "Référent harcèlement", ""),
        ]),
        _kind("liens", "liens", [
            ("partenaire_a*", TEXT, "nom du premier partenaire (« nom (code commune) » s'il y a homonymie)"),
            ("partenaire_b*", TEXT, "nom du second partenaire"),
            ("nature*", TEXT, "convention, cofinancement, gouvernance, orientation ou echange"),
            ("niveau*", COUNT, "1 information, 2 coordination, 3 coopération, 4 collaboration"),
            ("instance*", TEXT, "nom de l'instance où le lien est déclaré"),
            ("debut", DATE, "date de début (JJ/MM/AAAA)"),
            ("fin", DATE, "date de fin (JJ/MM/AAAA)"),
            ("notes", TEXT, "remarques"),
        ], [
            ("Association Les Écrans Malins", "Collège Jean Moulin", "convention", "3", "CLSPD de Bordeaux",
             "01/09/2025", "", "Convention d'intervention en classe de 6e"),
            ("Association Les Écrans Malins", "Ville de Bordeaux", "cofinancement", "2", "CLSPD de Bordeaux",
             "01/01/2026", "31/12/2026", ""),
        ]),
        _kind("actions", "actions", [
            ("titre*", TEXT, "titre de l'action (unique dans l'instance)"),
            ("instance*", TEXT, "nom de l'instance"),
            ("type_action*", TEXT, "code ou libellé du type d'action"),
            ("statut*", TEXT, "projet, en_cours, terminee ou suspendue"),
            ("debut*", DATE, "date de début (JJ/MM/AAAA)"),
            ("fin", DATE, "date de fin (JJ/MM/AAAA)"),
            ("territoires*", TEXT, _TERRITORIES_HELP),
            ("themes", TEXT, "thèmes séparés par |"),
            ("publics*", TEXT, "publics séparés par |"),
            ("modalite", TEXT, "site, mobile ou en_ligne"),
            ("plateformes", TEXT, "plateformes séparées par | (actions en ligne)"),
            ("heures_semaine", NUMBER, "heures par semaine (virgule décimale acceptée)"),
            ("budget_eur", NUMBER, "budget annuel en euros"),
            ("financements", TEXT, "sources de financement séparées par |"),
            ("partage_reseau", BOOL, "oui ou non : partagée avec les réseaux de l'instance"),
            ("notes", TEXT, "remarques (aucune donnée personnelle)"),
            ("evaluation", TEXT, "note d'évaluation"),
            ("archive_le", DATE, "date d'archivage ; vide = action active"),
        ], [
            ("Ateliers écrans en famille", "CLSPD de Bordeaux", "sensibilisation_parents", "en_cours", "05/01/2026",
             "", "33063", "ecrans_parentalite", "familles|enfants", "site", "", "2,5", "4500", "CAF|ville", "oui",
             "Un samedi par mois", "", ""),
            ("Présence en ligne des animateurs", "CLSPD de Bordeaux", "presence_en_ligne", "projet", "01/03/2027",
             "", "33063|33281", "cyberharcelement", "adolescents", "en_ligne", "instagram|discord", "6", "",
             "FIPD", "non", "", "", ""),
        ]),
        _kind("action_partenaires", "partenaires des actions", [
            ("action*", TEXT, "titre de l'action"),
            ("instance*", TEXT, "nom de l'instance de l'action"),
            ("partenaire*", TEXT, "nom du partenaire (« nom (code commune) » s'il y a homonymie)"),
            ("role*", TEXT, "pilote, copilote, operateur, financeur, relais ou lieu"),
        ], [
            ("Ateliers écrans en famille", "CLSPD de Bordeaux", "Association Les Écrans Malins", "pilote"),
            ("Ateliers écrans en famille", "CLSPD de Bordeaux", "Ville de Bordeaux", "financeur"),
        ]),
        _kind("indicateurs", "indicateurs", [
            ("action*", TEXT, "titre de l'action"),
            ("instance*", TEXT, "nom de l'instance de l'action"),
            ("annee*", COUNT, "année (AAAA)"),
            ("personnes_touchees", COUNT, "nombre de personnes touchées"),
            ("seances", COUNT, "nombre de séances"),
            ("contacts_en_ligne", COUNT, "nombre de contacts en ligne"),
            ("orientations", COUNT, "orientations vers un accompagnement physique"),
        ], [
            ("Ateliers écrans en famille", "CLSPD de Bordeaux", "2026", "120", "10", "", "4"),
            ("Présence en ligne des animateurs", "CLSPD de Bordeaux", "2027", "", "", "", ""),
        ]),
        _kind("referentiel", "référentiel de couverture", [
            ("instance*", TEXT, "nom de l'instance"),
            ("type_action*", TEXT, "type d'action attendu"),
            ("public*", TEXT, "public visé"),
            ("population_min", COUNT, "population minimale des communes concernées (0 par défaut)"),
        ], [
            ("CLSPD de Bordeaux", "presence_en_ligne", "adolescents", "10000"),
            ("CLSPD de Bordeaux", "sensibilisation_parents", "familles", "0"),
        ]),
    )
}

# Dependency order: a kind only refers to kinds before it (networks' partner members are
# resolved once the partners exist, within the same transaction).
KIND_ORDER = tuple(KINDS)

# Sheets of a workbook that are not data (the templates' instructions sheet).
IGNORED_SHEETS = frozenset({"lisezmoi", "readme", "aide"})


def kind_for_name(name: str) -> str | None:
    """The kind a file or sheet name stands for (`Partenaires.csv`, `action partenaires`), or None."""
    stem = name.replace("\\", "/").rsplit("/", 1)[-1]
    lowered = stem.lower()
    for suffix in (".csv", ".xlsx", ".txt", ".tsv"):
        if lowered.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    wanted = compact(stem)
    for kind in KINDS:
        if compact(kind) == wanted or compact(KINDS[kind].label) == wanted:
            return kind
    return None


def guess_kind(headers: list[str]) -> str | None:
    """The kind whose required columns all appear in `headers` and that matches most of them, or None."""
    best, best_score = None, 0
    for kind, kind_format in KINDS.items():
        matched = {kind_format.match_header(header) for header in headers} - {None}
        if kind_format.required <= matched and len(matched) > best_score:
            best, best_score = kind, len(matched)
    return best
