"""Default vocabularies (docs/GLOSSARY.md): code → French label (and group for typologies)."""

TYPOLOGY_GROUPS = {
    "collectivites": "Collectivités",
    "etat": "État",
    "securite": "Police et gendarmerie",
    "justice": "Justice",
    "education": "Éducation",
    "social": "Social et famille",
    "jeunesse": "Jeunesse et insertion",
    "numerique": "Numérique et culture",
    "sante": "Santé et addictions",
    "logement": "Logement et transport",
    "associatif": "Associations et autres",
}

# code: (label, group)
TYPOLOGIES = {
    "MUNI": ("Commune", "collectivites"),
    "EPCI": ("Intercommunalité (EPCI)", "collectivites"),
    "CD": ("Département", "collectivites"),
    "REG": ("Région", "collectivites"),
    "PREF": ("Préfecture / services de l'État", "etat"),
    "CAF": ("Caisse d'allocations familiales", "social"),
    "CCAS": ("Centre communal d'action sociale", "social"),
    "CS": ("Centre social", "social"),
    "CSC": ("Centre socioculturel", "social"),
    "EVS": ("Espace de vie sociale", "social"),
    "MJC": ("Maison des jeunes et de la culture", "jeunesse"),
    "MQ": ("Maison de quartier", "jeunesse"),
    "PIJ_BIJ": ("Point / bureau information jeunesse", "jeunesse"),
    "ML": ("Mission locale", "jeunesse"),
    "RS_FJT": ("Foyer de jeunes travailleurs", "jeunesse"),
    "EPN": ("Espace public numérique", "numerique"),
    "BIB": ("Médiathèque", "numerique"),
    "PIMMS": ("Point information médiation multi-services", "social"),
    "PJJ": ("Protection judiciaire de la jeunesse", "justice"),
    "SPIP": ("Service pénitentiaire d'insertion et de probation", "justice"),
    "PREVENTION": ("Prévention spécialisée", "jeunesse"),
    "CSAPA": ("CSAPA (soins en addictologie)", "sante"),
    "CAARUD": ("CAARUD (réduction des risques)", "sante"),
    "CMP": ("Centre médico-psychologique", "sante"),
    "MDA": ("Maison des adolescents", "sante"),
    "ASSO": ("Association", "associatif"),
    "EN": ("Éducation nationale", "education"),
    "POLICE_NAT": ("Police nationale", "securite"),
    "GENDARMERIE": ("Gendarmerie nationale", "securite"),
    "POLICE_MUN": ("Police municipale", "securite"),
    "JUSTICE": ("Justice (parquet, tribunal)", "justice"),
    "BAILLEUR": ("Bailleur social", "logement"),
    "MEDIATION": ("Médiation sociale", "social"),
    "TRANSPORT": ("Transport", "logement"),
    "SANTE": ("Santé (ARS, hôpital)", "sante"),
    "AUTRE": ("Autre", "associatif"),
}

LINK_KINDS = {
    "convention": "Convention",
    "cofinancement": "Cofinancement",
    "gouvernance": "Gouvernance",
    "orientation": "Orientation",
    "echange": "Échange d'informations",
    "action": "Action commune",
}
DECLARED_LINK_KINDS = ("convention", "cofinancement", "gouvernance", "orientation", "echange")

LINK_LEVELS = {
    "1": "Information",
    "2": "Coordination",
    "3": "Coopération",
    "4": "Collaboration",
}

ACTION_TYPES = {
    "presence_en_ligne": "Présence éducative en ligne (Promeneurs du Net)",
    "maraude_numerique": "Maraude numérique",
    "cyberbase": "Cyber-base",
    "defi_sans_ecran": "Défi sans écran",
    "sensibilisation_parents": "Sensibilisation des parents",
    "intervention_scolaire": "Intervention en milieu scolaire",
    "formation_professionnels": "Formation des professionnels",
    "acces_droits_numerique": "Accès aux droits numérique",
    "inclusion_numerique_seniors": "Inclusion numérique des seniors",
    "mediation_conflits_en_ligne": "Médiation des conflits en ligne",
    "groupe_de_travail": "Groupe de travail",
    "evenement": "Événement",
}

THEMES = {
    "ecrans_parentalite": "Écrans et parentalité",
    "cyberharcelement": "Cyberharcèlement",
    "rixes_reseaux_sociaux": "Rixes et réseaux sociaux",
    "prostitution_michetonnage": "Prostitution et michetonnage",
    "desinformation": "Désinformation",
    "radicalisation": "Radicalisation",
    "drogues_addictions": "Drogues et addictions",
    "chemsex": "Chemsex",
    "cybersexisme": "Cybersexisme",
    "vie_affective_sexualite": "Vie affective et sexualité",
    "isolement": "Isolement",
    "acces_aux_droits": "Accès aux droits",
    "violences_intrafamiliales": "Violences intrafamiliales",
}

PUBLICS = {
    "enfants": "Enfants (6-11 ans)",
    "adolescents": "Adolescents (12-17 ans)",
    "jeunes_adultes": "Jeunes adultes (18-25 ans)",
    "familles": "Familles (parents)",
    "seniors": "Seniors",
    "femmes": "Femmes",
    "professionnels": "Professionnels",
    "personnes_en_errance": "Personnes en errance",
    "residents_qpv": "Habitants des QPV",
    "tout_public": "Tout public",
}

ROLES = {
    "pilote": "Pilote",
    "copilote": "Copilote",
    "operateur": "Opérateur",
    "financeur": "Financeur",
    "relais": "Relais",
    "lieu": "Lieu d'accueil",
}

ACTION_STATUSES = {
    "projet": "En projet",
    "en_cours": "En cours",
    "terminee": "Terminée",
    "suspendue": "Suspendue",
}

MODES = {"site": "Sur site", "mobile": "Mobile", "en_ligne": "En ligne"}

PLATFORMS = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "snapchat": "Snapchat",
    "tiktok": "TikTok",
    "discord": "Discord",
    "x": "X",
    "youtube": "YouTube",
    "forums": "Forums",
    "autre": "Autre plateforme",
}

FUNDINGS = {
    "FIPD": "FIPD",
    "CAF": "CAF",
    "ville": "Ville",
    "departement": "Département",
    "region": "Région",
    "ARS": "ARS",
    "MILDECA": "MILDECA",
    "autre": "Autre financement",
}

COUNCIL_KINDS = {
    "CLSPD": "CLSPD",
    "CISPD": "CISPD",
    "CDPD": "CDPD",
    "mission": "Mission",
    "autre": "Autre instance",
}

COUNCIL_STATUSES = {"active": "Active", "en_sommeil": "En sommeil"}

NETWORK_KINDS = {
    "regional": "Réseau régional",
    "promeneurs_du_net": "Réseau Promeneurs du Net",
    "thematique": "Réseau thématique",
}

USER_ROLES = {
    "admin": "Administrateur",
    "coordinateur": "Coordinateur",
    "reseau": "Membre de réseau",
    "elu": "Élu",
}

# kind: {code: label} — every vocabulary seeded into the `vocabulary` table.
VOCABULARIES = {
    "typology": {code: label for code, (label, _group) in TYPOLOGIES.items()},
    "typology_group": TYPOLOGY_GROUPS,
    "link_kind": LINK_KINDS,
    "link_level": LINK_LEVELS,
    "action_type": ACTION_TYPES,
    "theme": THEMES,
    "public": PUBLICS,
    "role": ROLES,
    "action_status": ACTION_STATUSES,
    "mode": MODES,
    "platform": PLATFORMS,
    "funding": FUNDINGS,
    "council_kind": COUNCIL_KINDS,
    "council_status": COUNCIL_STATUSES,
    "network_kind": NETWORK_KINDS,
    "user_role": USER_ROLES,
}
