"""The sign-in gate: the signed-in actor of this browser session, idle expiry, single sign-on."""

from __future__ import annotations

import streamlit as st

from maillage.accounts import (
    Actor,
    SignInError,
    actor_for_single_sign_on,
    idle_timeout,
    session_expired,
)
from maillage.core import session_scope
from models.common import utc_now
from ui.session import ACTOR_KEY, engine

LAST_ACTIVITY_KEY = "last_activity"
NOTICE_KEY = "sign_in_notice"
LANDING_KEY = "landing_page"


def single_sign_on_configured() -> bool:
    """Whether `[auth]` is configured in .streamlit/secrets.toml (OpenID Connect through st.login)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def sign_in(actor: Actor) -> None:
    """Open this browser session for `actor` and remember where their role lands."""
    st.session_state[ACTOR_KEY] = actor
    st.session_state[LAST_ACTIVITY_KEY] = utc_now()
    st.session_state[LANDING_KEY] = actor.role


def sign_out(notice: str | None = None) -> None:
    """Close this browser session (and the single sign-on one)."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if notice:
        st.session_state[NOTICE_KEY] = notice


def signed_in_actor() -> Actor | None:
    """The actor of this session, or None (expired sessions are closed with a notice)."""
    actor = st.session_state.get(ACTOR_KEY)
    if actor is not None:
        if session_expired(st.session_state.get(LAST_ACTIVITY_KEY)):
            hours = idle_timeout().total_seconds() / 3600
            sign_out(f"Votre session a expiré après {hours:g} h d'inactivité : reconnectez-vous.")
            return None
        st.session_state[LAST_ACTIVITY_KEY] = utc_now()
        return actor
    if single_sign_on_configured() and getattr(st.user, "is_logged_in", False):
        try:
            with session_scope(engine()) as session:
                actor = actor_for_single_sign_on(session, st.user.get("email"))
        except SignInError as error:
            st.session_state[NOTICE_KEY] = str(error)
            return None
        sign_in(actor)
        return actor
    return None
