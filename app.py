"""Maillage — entry point: page configuration, council picker and navigation."""

import streamlit as st

from maillage.dashboard import list_councils
from maillage.db import session_scope
from maillage.setup import is_demo
from maillage.web import COUNCIL_KEY, DEMO_NOTICE
from maillage.access import SYSTEM
from ui.session import ACTOR_KEY, engine

st.set_page_config(page_title="Maillage", page_icon=":material/hub:", layout="wide")


def council_picker() -> None:
    """Choose the council every page works on; the choice is kept for the session."""
    with session_scope(engine()) as session:
        councils = list_councils(session)
    if not councils:
        st.sidebar.info("Aucune instance pour l'instant.")
        return
    ids = [council.id for council in councils]
    names = {council.id: council.name for council in councils}
    if st.session_state.get(COUNCIL_KEY) not in ids:
        st.session_state[COUNCIL_KEY] = ids[0]
    st.sidebar.selectbox(
        "Instance", ids, format_func=names.get, key=COUNCIL_KEY,
        help="Le CLSPD, le CISPD ou la mission sur lequel vous travaillez.",
    )


pages = {
    "Pilotage": [
        st.Page("pages/tableau_de_bord.py", title="Tableau de bord", icon=":material/dashboard:", default=True),
    ],
}

# Until accounts and sign-in land, everyone acts as the administrator.
st.session_state.setdefault(ACTOR_KEY, SYSTEM)

st.sidebar.title("Maillage")
council_picker()
if is_demo(engine()):
    st.sidebar.caption(DEMO_NOTICE)
navigation = st.navigation(pages)
navigation.run()
