"""Maillage's server: Streamlit's, plus the route that keeps the sign-in session in an HttpOnly cookie.

Run with `streamlit run serve.py` (what `make run` does). `streamlit run app.py` still works, but then
signing in lasts only as long as the browser tab (no cookie can be set).
"""

import streamlit as st

from ui.web_session import session_routes

app = st.App("app.py", routes=session_routes())
