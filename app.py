"""Maillage — entry point: page configuration, sign-in gate, council picker and navigation."""

from pathlib import Path

import streamlit as st

from maillage.campaigns import TOKEN_PARAMETER
from maillage.core import COUNCIL_KEY, DEMO_NOTICE, read_scope
from maillage.exchange import is_demo
from maillage.restitution import list_councils
from models.vocabularies import USER_ROLES
from ui.auth import LANDING_KEY, sign_out, signed_in_actor
from ui.screens import LANDING, screens_for
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

def council_picker(actor) -> None:
    """Choose the council every page works on, among the actor's; the choice is kept for the session."""
    with read_scope(engine()) as session:
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


def navigation_pages(role: str) -> dict[str, list]:
    """The sections and `st.Page`s this role may open (ui/screens.py decides which)."""
    return {section: [st.Page(s.path, title=s.title, icon=s.icon, default=s.default) for s in screens]
            for section, screens in screens_for(role).items()}


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

shown = navigation_pages(actor.role)
navigation = st.navigation(shown)
landing = LANDING.get(st.session_state.pop(LANDING_KEY, None) or "")
if landing:
    target = next((p for group in shown.values() for p in group if p.url_path == Path(landing).stem), None)
    if target is not None and target.url_path != navigation.url_path:
        st.switch_page(target)
navigation.run()
