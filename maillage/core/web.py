"""Constants the pages share that need no Streamlit: session-state keys and standing notices."""

COUNCIL_KEY = "council_id"

DEMO_NOTICE = (
    "Données de démonstration, construites à partir de documents publics (FFSU Nouvelle-Aquitaine 2020, "
    "MMPCR 2019, Promeneurs du Net 2017, GIP Bordeaux Métropole Médiation 2019). Les structures et les "
    "actions citées viennent de ces documents ; les liens, dates et chiffres qu'ils ne donnent pas sont "
    "illustratifs."
)
