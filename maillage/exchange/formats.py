"""The exchange format (README « Le format d'échange »): kinds, their columns (type, help, the record field each
fills), example rows, and the order they apply in. This column table is the only place a French column name
meets the English field it fills: checks, apply and export read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from maillage.core.text import compact, fold

# Column types: how a cell is parsed on import and written on export.
TEXT, DATE, NUMBER, COUNT, BOOL = "texte", "date", "nombre", "entier", "oui/non"


@dataclass(frozen=True)
class Column:
    """One column of a kind: name, whether it is required, its type, a French help line, the record field it
    fills (the model's attribute of the same name when the model has one) and whether the model's column
    length limits the cell."""

    name: str
    required: bool
    type: str
    help: str
    field: str
    sized: bool = False


@dataclass(frozen=True)
class KindFormat:
    """One kind of file/sheet: its columns (in order), which are required, and two example rows."""

    name: str
    label: str
    specs: tuple[Column, ...]
    examples: tuple[tuple[str, ...], ...] = field(default=())
    model_name: str = ""  # the SQLModel table the kind fills (imported only when its limits are needed)

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

    @cached_property
    def column_of(self) -> dict[str, str]:
        """Record field → the column that fills it."""
        return {spec.field: spec.name for spec in self.specs}

    @cached_property
    def field_of(self) -> dict[str, str]:
        """Column → the record field it fills."""
        return {spec.name: spec.field for spec in self.specs}

    @cached_property
    def max_lengths(self) -> dict[str, int]:
        """Column → maximum length, from the model's column (PostgreSQL enforces them)."""
        import models

        table = getattr(models, self.model_name).__table__
        return {spec.name: table.c[spec.field].type.length for spec in self.specs if spec.sized}

    def row(self, values: dict[str, object]) -> list[object]:
        """A record's values (by field) as a row of cells in column order."""
        return [values[spec.field] for spec in self.specs]

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
                    "adressemail": "contact_email", "emailcontact": "contact_email", "mailcontact": "contact_email",
                    "telephone": "contact_telephone", "tel": "contact_telephone",
                    "telephonecontact": "contact_telephone", "portable": "contact_telephone",
                    "siteinternet": "site_web", "site": "site_web", "siteweb": "site_web", "url": "site_web",
                    "web": "site_web", "typologiestructure": "typologie", "typestructure": "typologie",
                    "type": "typologie", "categorie": "typologie",
                    "codeinseecommunesiege": "commune_siege", "ville": "commune_siege", "commune": "commune_siege",
                    "communesiege": "commune_siege", "codeinsee": "commune_siege", "localite": "commune_siege",
                    "codepostal": "commune_siege", "cp": "commune_siege",
                    "structure": "nom", "nomstructure": "nom", "organisme": "nom", "raisonsociale": "nom",
                    "partenaire": "nom", "nompartenaire": "nom", "etablissement": "nom",
                    "contact": "contact_nom", "nomcontact": "contact_nom", "referent": "contact_nom",
                    "fonction": "contact_fonction", "poste": "contact_fonction", "role": "contact_fonction",
                    "numerosiret": "siret", "commentaire": "notes", "commentaires": "notes", "remarques": "notes",
                    "observations": "notes", "dateverification": "verifie_le", "misajour": "verifie_le",
                    "territoires": "territoires_intervention", "zoneintervention": "territoires_intervention"},
    "actions": {"datedebut": "debut", "datefin": "fin", "typeaction": "type_action", "budget": "budget_eur",
                "heuresparsemaine": "heures_semaine", "partage": "partage_reseau", "intitule": "titre",
                "action": "titre", "nomaction": "titre"},
    "liens": {"datedebut": "debut", "datefin": "fin"},
    "indicateurs": {"an": "annee"},
}


def _without_little_words(text: str) -> str:
    """`Date de début` → `datedebut`: the compact form without articles and prepositions."""
    return "".join(word for word in fold(text).split() if word not in _LITTLE_WORDS)


def _kind(name: str, label: str, model_name: str, columns: list[tuple[str, str, str, str]],
          examples: list[tuple[str, ...]]) -> KindFormat:
    """Build a kind from (`name*` when required, type, help, `field` or `field#` when sized by the model) rows."""
    specs = tuple(
        Column(name=column.rstrip("*"), required=column.endswith("*"), type=type_, help=help_,
               field=field_.rstrip("#"), sized=field_.endswith("#"))
        for column, type_, help_, field_ in columns
    )
    for example in examples:
        assert len(example) == len(specs), (name, example)
    return KindFormat(name=name, label=label, specs=specs, examples=tuple(examples), model_name=model_name)


_TERRITORIES_HELP = ("séparés par | : commune (code INSEE 33063, nom ou code postal), EPCI (SIREN 243300316 ou nom), "
                     "ou préfixe dep:33, reg:75, ept:…, sub:nom du sous-territoire")

KINDS: dict[str, KindFormat] = {
    kind.name: kind
    for kind in (
        _kind("instances", "instances", "Council", [
            ("nom*", TEXT, "nom de l'instance (unique)", "name#"),
            ("type*", TEXT, "CLSPD, CISPD, CDPD, mission ou autre", "kind"),
            ("territoires*", TEXT, _TERRITORIES_HELP, "territory_keys"),
            ("coordination_contact", TEXT, "service chargé de la coordination (pas de coordonnées personnelles)", "coordination_contact#"),
            ("derniere_pleniere", DATE, "date de la dernière séance plénière (JJ/MM/AAAA)", "last_plenary"),
            ("statut", TEXT, "active (par défaut) ou en_sommeil", "status"),
        ], [
            ("CLSPD de Talence", "CLSPD", "33522", "Service prévention, Ville de Talence", "12/03/2026", "active"),
            ("CLSPD de Bègles", "CLSPD", "33039", "Direction de la tranquillité publique", "04/11/2025", "en_sommeil"),
        ]),
        _kind("reseaux", "réseaux", "Network", [
            ("nom*", TEXT, "nom du réseau (unique)", "name#"),
            ("type*", TEXT, "regional, promeneurs_du_net ou thematique", "kind"),
            ("membres", TEXT, "noms d'instances ou de partenaires séparés par | (ajoutés aux membres existants)", "members"),
        ], [
            ("Réseau des coordinateurs de Gironde", "regional", "CLSPD de Bordeaux|CLSPD de Mérignac"),
            ("Réseau prévention et écrans", "thematique", "CLSPD de Bordeaux|Association Les Écrans Malins"),
        ]),
        _kind("partenaires", "partenaires", "Partner", [
            ("nom*", TEXT, "nom de la structure (unique dans sa commune de siège)", "name#"),
            ("typologie*", TEXT, "code ou libellé de typologie (ASSO, MUNI, EN, CAF…)", "typology"),
            ("commune_siege*", TEXT, "commune de siège : code INSEE (33063), nom (Pessac, « Saint-Denis (93) », « Paris 15e ») ou code postal", "seat_commune_key"),
            ("territoires_intervention", TEXT, _TERRITORIES_HELP, "territory_keys"),
            ("siret", TEXT, "14 chiffres (facultatif)", "siret"),
            ("site_web", TEXT, "adresse commençant par https://", "website#"),
            ("reseaux", TEXT, "noms de réseaux séparés par | (ajoutés aux réseaux existants)", "networks"),
            ("contact_nom", TEXT, "contact professionnel (facultatif)", "contact_name#"),
            ("contact_fonction", TEXT, "fonction du contact", "contact_role#"),
            ("contact_email", TEXT, "adresse e-mail professionnelle", "contact_email#"),
            ("contact_telephone", TEXT, "téléphone professionnel", "contact_phone#"),
            ("verifie_le", DATE, "date de la dernière vérification de la fiche (JJ/MM/AAAA)", "verified_on"),
            ("notes", TEXT, "remarques (aucune donnée personnelle)", "notes"),
            ("archive_le", DATE, "date d'archivage ; vide = partenaire actif", "archived_at"),
        ], [
            ("Association Les Écrans Malins", "ASSO", "33063", "33063|33281", "", "https://www.exemple.fr", "",
             "", "Chargée de prévention", "prevention@exemple.fr", "", "15/10/2026", "Ateliers parents-enfants", ""),
            ("Collège Jean Moulin", "EN", "33281", "", "", "", "", "", "Principal adjoint", "", "",
             "02/09/2026", "Référent harcèlement", ""),
        ]),
        _kind("liens", "liens", "CooperationLink", [
            ("partenaire_a*", TEXT, "nom du premier partenaire (« nom (code commune) » s'il y a homonymie)", "partner_a"),
            ("partenaire_b*", TEXT, "nom du second partenaire", "partner_b"),
            ("nature*", TEXT, "convention, cofinancement, gouvernance, orientation ou echange", "kind"),
            ("niveau*", COUNT, "1 information, 2 coordination, 3 coopération, 4 collaboration", "level"),
            ("instance*", TEXT, "nom de l'instance où le lien est déclaré", "council"),
            ("debut", DATE, "date de début (JJ/MM/AAAA)", "start_date"),
            ("fin", DATE, "date de fin (JJ/MM/AAAA)", "end_date"),
            ("notes", TEXT, "remarques", "note"),
        ], [
            ("Association Les Écrans Malins", "Collège Jean Moulin", "convention", "3", "CLSPD de Bordeaux",
             "01/09/2025", "", "Convention d'intervention en classe de 6e"),
            ("Association Les Écrans Malins", "Ville de Bordeaux", "cofinancement", "2", "CLSPD de Bordeaux",
             "01/01/2026", "31/12/2026", ""),
        ]),
        _kind("actions", "actions", "Action", [
            ("titre*", TEXT, "titre de l'action (unique dans l'instance)", "title#"),
            ("instance*", TEXT, "nom de l'instance", "council"),
            ("type_action*", TEXT, "code ou libellé du type d'action", "action_type"),
            ("statut*", TEXT, "projet, en_cours, terminee ou suspendue", "status"),
            ("debut*", DATE, "date de début (JJ/MM/AAAA)", "start_date"),
            ("fin", DATE, "date de fin (JJ/MM/AAAA)", "end_date"),
            ("territoires*", TEXT, _TERRITORIES_HELP, "territory_keys"),
            ("themes", TEXT, "thèmes séparés par |", "themes"),
            ("publics*", TEXT, "publics séparés par |", "publics"),
            ("modalite", TEXT, "site, mobile ou en_ligne", "mode"),
            ("plateformes", TEXT, "plateformes séparées par | (actions en ligne)", "platforms"),
            ("heures_semaine", NUMBER, "heures par semaine (virgule décimale acceptée)", "weekly_hours"),
            ("budget_eur", NUMBER, "budget annuel en euros", "budget_eur"),
            ("financements", TEXT, "sources de financement séparées par |", "fundings"),
            ("partage_reseau", BOOL, "oui ou non : partagée avec les réseaux de l'instance ; vide = oui pour une nouvelle action, inchangé sinon", "shared"),
            ("notes", TEXT, "remarques (aucune donnée personnelle)", "notes"),
            ("evaluation", TEXT, "note d'évaluation", "evaluation"),
            ("archive_le", DATE, "date d'archivage ; vide = action active", "archived_at"),
        ], [
            ("Ateliers écrans en famille", "CLSPD de Bordeaux", "sensibilisation_parents", "en_cours", "05/01/2026",
             "", "33063", "ecrans_parentalite", "familles|enfants", "site", "", "2,5", "4500", "CAF|ville", "oui",
             "Un samedi par mois", "", ""),
            ("Présence en ligne des animateurs", "CLSPD de Bordeaux", "presence_en_ligne", "projet", "01/03/2027",
             "", "33063|33281", "cyberharcelement", "adolescents", "en_ligne", "instagram|discord", "6", "",
             "FIPD", "non", "", "", ""),
        ]),
        _kind("action_partenaires", "partenaires des actions", "ActionPartner", [
            ("action*", TEXT, "titre de l'action", "action"),
            ("instance*", TEXT, "nom de l'instance de l'action", "council"),
            ("partenaire*", TEXT, "nom du partenaire (« nom (code commune) » s'il y a homonymie)", "partner"),
            ("role*", TEXT, "pilote, copilote, operateur, financeur, relais ou lieu", "role"),
        ], [
            ("Ateliers écrans en famille", "CLSPD de Bordeaux", "Association Les Écrans Malins", "pilote"),
            ("Ateliers écrans en famille", "CLSPD de Bordeaux", "Ville de Bordeaux", "financeur"),
        ]),
        _kind("indicateurs", "indicateurs", "Indicator", [
            ("action*", TEXT, "titre de l'action", "action"),
            ("instance*", TEXT, "nom de l'instance de l'action", "council"),
            ("annee*", COUNT, "année (AAAA)", "year"),
            ("personnes_touchees", COUNT, "nombre de personnes touchées", "people_reached"),
            ("seances", COUNT, "nombre de séances", "sessions"),
            ("contacts_en_ligne", COUNT, "nombre de contacts en ligne", "online_contacts"),
            ("orientations", COUNT, "orientations vers un accompagnement physique", "referrals"),
        ], [
            ("Ateliers écrans en famille", "CLSPD de Bordeaux", "2026", "120", "10", "", "4"),
            ("Présence en ligne des animateurs", "CLSPD de Bordeaux", "2027", "", "", "", ""),
        ]),
        _kind("referentiel", "référentiel de couverture", "CoverageRule", [
            ("instance*", TEXT, "nom de l'instance", "council"),
            ("type_action*", TEXT, "type d'action attendu", "action_type"),
            ("public*", TEXT, "public visé", "public"),
            ("population_min", COUNT, "population minimale des communes concernées (0 par défaut)", "population_min"),
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
