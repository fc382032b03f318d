"""Maillage — entry point: page configuration, sign-in gate, council picker and navigation."""

import streamlit as st

from maillage.campaigns import TOKEN_PARAMETER
from maillage.core import COUNCIL_KEY, DEMO_NOTICE, session_scope
from maillage.exchange import is_demo
from maillage.restitution import list_councils
from models.vocabularies import USER_ROLES
from ui.auth import LANDING_KEY, sign_out, signed_in_actor
from ui.session import engine

st.set_page_config(page_title="Maillage", page_icon="ui/maillage-icon.png", layout="wide")
# The page is French (screen readers, hyphenation, spell-checking); a constant script, no user data.
st.html("<script>document.documentElement.lang = 'fr';</script>", unsafe_allow_javascript=True)

# A partner's personal campaign link (issue 18): its own page only, without signing in and without navigation;
# the token in the address is the key, checked on every run by maillage.campaigns.
if TOKEN_PARAMETER in st.query_params:
    st.navigation([st.Page("pages/campagne.py", title="Votre fiche partenaire", icon=":material/edit_note:")],
                  position="hidden").run()
    st.stop()

# Every screen, by section. A page is shown only to the roles listed in PAGE_ROLES (all by default).
pages = {
    "Pilotage": [
        st.Page("pages/tableau_de_bord.py", title="Tableau de bord", icon=":material/dashboard:", default=True),
    ],
    "Actions": [st.Page("pages/actions.py", title="Actions", icon=":material/event_note:")],
    "Partenariat": [
        st.Page("pages/partenaires.py", title="Partenaires", icon=":material/groups:"),
        st.Page("pages/reseau.py", title="Réseau", icon=":material/hub:"),
        st.Page("pages/campagnes.py", title="Campagnes", icon=":material/campaign:"),
    ],
    "Analyse": [
        st.Page("pages/couverture.py", title="Couverture", icon=":material/grid_on:"),
    ],
    "Restitution": [
        st.Page("pages/comparer.py", title="Comparer", icon=":material/compare_arrows:"),
        st.Page("pages/synthese_elus.py", title="Synthèse élus", icon=":material/summarize:"),
    ],
    "Données": [st.Page("pages/donnees.py", title="Données", icon=":material/database:")],
    "Compte": [
        st.Page("pages/mon_compte.py", title="Mon compte", icon=":material/person:"),
        st.Page("pages/administration.py", title="Administration", icon=":material/admin_panel_settings:"),
    ],
}

# Page title → roles that see it (the domain functions enforce the same rules).
PAGE_ROLES = {
    "Tableau de bord": {"admin", "coordinateur", "elu"},
    "Partenaires": {"admin", "coordinateur"},
    "Réseau": {"admin", "coordinateur"},
    "Campagnes": {"admin", "coordinateur"},
    "Actions": {"admin", "coordinateur", "reseau"},
    "Couverture": {"admin", "coordinateur", "reseau"},
    "Comparer": {"admin", "coordinateur", "reseau"},
    "Synthèse élus": {"admin", "coordinateur", "elu"},
    "Données": {"admin", "coordinateur"},
    "Administration": {"admin"},
}
# Where each role lands after signing in (when that page exists).
LANDING = {"elu": "Synthèse élus", "reseau": "Comparer"}


def council_picker(actor) -> None:
    """Choose the council every page works on, among the actor's; the choice is kept for the session."""
    with session_scope(engine()) as session:
        councils = list_councils(session, actor)
    if not councils:
        st.sidebar.info("Aucune instance pour l'instant.")
        st.session_state.pop(COUNCIL_KEY, None)
        return
    ids = [council.id for council in councils]
    names = {council.id: council.name for council in councils}
    if st.session_state.get(COUNCIL_KEY) not in ids:
        st.session_state[COUNCIL_KEY] = ids[0]
    st.sidebar.selectbox(
        "Instance", ids, format_func=names.get, key=COUNCIL_KEY,
        help="Le CLSPD, le CISPD ou la mission sur lequel vous travaillez.",
    )


def visible_pages(role: str) -> dict:
    """The sections and pages this role may open."""
    shown = {}
    for section, section_pages in pages.items():
        allowed = [page for page in section_pages if role in PAGE_ROLES.get(page.title, {role})]
        if allowed:
            shown[section] = allowed
    return shown


actor = signed_in_actor()
if actor is None:
    st.navigation([st.Page("pages/connexion.py", title="Connexion", icon=":material/login:")]).run()
    st.stop()

st.logo("ui/maillage-logo.png", size="large", icon_image="ui/maillage-icon.png")
st.sidebar.text(f"{actor.email}\n{USER_ROLES.get(actor.role, actor.role)}")
if st.sidebar.button("Se déconnecter", icon=":material/logout:"):
    sign_out("Vous êtes déconnecté.")
    if getattr(st.user, "is_logged_in", False):
        st.logout()
    st.rerun()
council_picker(actor)
if is_demo(engine()):
    st.sidebar.caption(DEMO_NOTICE)

shown = visible_pages(actor.role)
navigation = st.navigation(shown)
landing = LANDING.get(st.session_state.pop(LANDING_KEY, None) or "")
if landing:
    target = next((p for group in shown.values() for p in group if p.title == landing), None)
    if target is not None and target.title != navigation.title:
        st.switch_page(target)
navigation.run()
