"""Maillage's server: Streamlit's, plus the route that keeps the sign-in session in an HttpOnly cookie.

Run with `streamlit run serve.py` (what `make run` does). `streamlit run app.py` still works, but then
signing in lasts only as long as the browser tab (no cookie can be set).
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from ui.web_session import session_routes

# app.py lists its screens with st.navigation; `pages/` is not Streamlit's old automatic multipage
# folder. Streamlit only learns that when app.py first runs, so the very first visitor of a fresh
# server following a link to a page (/partenaires?...) would get that page's file alone, without
# the sign-in gate. Say it from the start.
PagesManager.uses_pages_directory = False

app = st.App("app.py", routes=session_routes())
