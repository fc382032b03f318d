"""The engine of the process and the council chosen in this browser session."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from maillage.accounts import Actor
from maillage.core import COUNCIL_KEY, database_url, make_engine


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def engine() -> Engine:
    """One engine per process (and per database URL)."""
    return _engine_for(database_url())


def current_council_id() -> int | None:
    """The council picked in the sidebar, if any."""
    return st.session_state.get(COUNCIL_KEY)


ACTOR_KEY = "actor"


def current_actor() -> Actor:
    """The signed-in person (set by the sign-in gate in app.py)."""
    actor = st.session_state.get(ACTOR_KEY)
    if actor is None:
        st.error("Session expirée : reconnectez-vous.")
        st.stop()
    return actor
