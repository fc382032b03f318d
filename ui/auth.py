"""The sign-in gate: a server-side session per signed-in browser, read again at every run.

At sign-in a random token is created (stored hashed, see maillage.accounts.sessions); this browser
tab keeps it in its session state and hands it to `/api/session` (ui/web_session.py), which puts it
in an HttpOnly cookie so reloads and new tabs stay signed in. Every run resolves the token to the
account as it is now: a disabled, demoted or re-scoped account is treated as such at its next click.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import streamlit as st

from maillage.accounts import (
    Actor,
    SignInError,
    actor_for_single_sign_on,
    idle_timeout,
    open_session,
    resume_session,
    revoke_session,
)
from maillage.accounts.sessions import DISABLED, EXPIRED_IDLE, EXPIRED_LIFETIME, REVOKED
from maillage.core import read_scope, session_scope, write_if_free
from ui.session import ACTOR_KEY, engine
from ui.web_session import COOKIE_NAMES, SESSION_PATH

TOKEN_KEY = "session_token"
COOKIE_KEY = "session_cookie"  # ("deliver", token) after sign-in, ("clear", token) after sign-out
NOTICE_KEY = "sign_in_notice"
LANDING_KEY = "landing_page"
RETURN_KEY = "return_to"
SSO_ENDED_KEY = "single_sign_on_ended"
# A plain cookie (no secret in it) that remembers the address asked for across the single sign-on
# round trip, which always comes back to the home page.
RETURN_COOKIE = "maillage_suite"


def single_sign_on_configured() -> bool:
    """Whether `[auth]` is configured in .streamlit/secrets.toml (OpenID Connect through st.login)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def _cookie_token() -> str | None:
    """The session token this browser sent when the page was loaded."""
    try:
        cookies = st.context.cookies
    except Exception:  # noqa: BLE001 - no browser (AppTest)
        return None
    return next((value for value in map(cookies.get, COOKIE_NAMES) if isinstance(value, str) and value), None)


def _cookie(name: str) -> str | None:
    """One cookie sent with the page (None without a browser)."""
    try:
        value = st.context.cookies.get(name)
    except Exception:  # noqa: BLE001 - no browser (AppTest)
        return None
    return value if isinstance(value, str) and value else None


def has_return_cookie() -> bool:
    """Whether the page carries a remembered address (to be cleared once signed in)."""
    return _cookie(RETURN_COOKIE) is not None


def _user_agent() -> str:
    try:
        agent = st.context.headers.get("User-Agent", "")
    except Exception:  # noqa: BLE001 - no browser (AppTest)
        return ""
    return agent if isinstance(agent, str) else ""


def sign_in(actor: Actor, single_sign_on: bool = False) -> None:
    """Open a new session (new token: no fixation) for an account whose identity was just checked."""
    previous = st.session_state.get(TOKEN_KEY)
    with session_scope(engine()) as session:
        if previous:
            revoke_session(session, previous)
        token = open_session(session, actor.email, user_agent=_user_agent(), single_sign_on=single_sign_on)
    st.session_state[TOKEN_KEY] = token
    st.session_state[ACTOR_KEY] = actor
    st.session_state[COOKIE_KEY] = ("deliver", token)
    st.session_state[LANDING_KEY] = actor.role


def sign_out(notice: str | None = None) -> None:
    """End this browser's session (revoked server-side, cookie cleared) and forget everything of this tab."""
    token = st.session_state.get(TOKEN_KEY) or _cookie_token()
    if token:
        with session_scope(engine()) as session:
            revoke_session(session, token)
    ended_sso = st.session_state.get(SSO_ENDED_KEY)
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state[COOKIE_KEY] = ("clear", token or "")
    if ended_sso:
        st.session_state[SSO_ENDED_KEY] = ended_sso
    if notice:
        st.session_state[NOTICE_KEY] = notice


def renew_session(actor: Actor) -> None:
    """Give this browser a new session after its sessions were all ended (password change)."""
    if st.session_state.get(TOKEN_KEY) is None:
        return  # the AppTest harness: no session to renew
    with session_scope(engine()) as session:
        token = open_session(session, actor.email, user_agent=_user_agent())
    st.session_state[TOKEN_KEY] = token
    st.session_state[COOKIE_KEY] = ("deliver", token)


def current_token() -> str | None:
    """This tab's session token (None for the AppTest harness)."""
    return st.session_state.get(TOKEN_KEY)


def _ended_notice(reason: str | None) -> str | None:
    if reason == EXPIRED_IDLE:
        hours = idle_timeout().total_seconds() / 3600
        return f"Votre session a expiré après {hours:g} h d'inactivité : reconnectez-vous."
    if reason == EXPIRED_LIFETIME:
        return "Votre session a atteint sa durée maximale : reconnectez-vous."
    if reason == DISABLED:
        return "Ce compte est désactivé : adressez-vous à l'administrateur de Maillage."
    if reason == REVOKED:
        return "Votre session a été fermée (déconnexion, changement de mot de passe ou fermeture depuis un autre appareil) : reconnectez-vous."
    return None


def end_single_sign_on() -> bool:
    """Also forget the identity provider's sign-in in this browser, so it does not reopen a session by itself;
    whether the browser is sent to sign out there."""
    if single_sign_on_configured() and getattr(st.user, "is_logged_in", False):
        st.session_state[SSO_ENDED_KEY] = True
        st.logout()
        return True
    return False


def signed_in_actor() -> Actor | None:
    """The actor of this browser, as the account is now, or None (an ended session leaves a notice)."""
    token = st.session_state.get(TOKEN_KEY)
    from_cookie = False
    if token is None:
        injected = st.session_state.get(ACTOR_KEY)
        if injected is not None:
            # Only the AppTest harness (tests/apptest.py) places an actor without a token; the app
            # itself always sets both.
            return injected
        token = _cookie_token()
        from_cookie = True
        cleared = st.session_state.get(COOKIE_KEY)
        if token and cleared and cleared[0] == "clear" and cleared[1] == token:
            token = None  # this tab has just signed out: its page still carries the old cookie
    if token:
        # Read-only: no page waits here behind someone else's long write; « last seen » (once a minute) or the
        # revocation of an ended session follows if the write lock is free, else on a later run.
        with read_scope(engine()) as session:
            resumed = resume_session(session, token, write=False)
        if resumed.write_due:
            write_if_free(engine(), lambda session: resume_session(session, token))
        if resumed.actor is not None:
            st.session_state[TOKEN_KEY] = token
            st.session_state[ACTOR_KEY] = resumed.actor
            return resumed.actor
        if not from_cookie or resumed.reason in (EXPIRED_IDLE, EXPIRED_LIFETIME, DISABLED):
            sign_out(_ended_notice(resumed.reason))
        else:
            st.session_state[COOKIE_KEY] = ("clear", token)
        if resumed.single_sign_on:
            end_single_sign_on()
            return None
    if (single_sign_on_configured() and getattr(st.user, "is_logged_in", False)
            and not st.session_state.get(SSO_ENDED_KEY)):
        try:
            with session_scope(engine()) as session:
                actor = actor_for_single_sign_on(session, st.user.get("email"))
        except SignInError as error:
            st.session_state[NOTICE_KEY] = str(error)
            return None
        sign_in(actor, single_sign_on=True)
        _take_return_cookie()
        return actor
    return None


def _take_return_cookie() -> None:
    """After the single sign-on round trip, go back to the address remembered before it."""
    target = safe_return_address(_cookie(RETURN_COOKIE))
    if target is not None:
        st.session_state[RETURN_KEY] = target


def safe_return_address(raw: str | None) -> tuple[str, dict[str, str]] | None:
    """(page path, query parameters) of a remembered address, if it is one of ours (no other site)."""
    if not raw:
        return None
    from urllib.parse import unquote

    value = unquote(raw)
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    path = parts.path.strip("/").split("/")[-1]
    return path, dict(parse_qsl(parts.query))


def browser_script() -> str:
    """JavaScript that hands this tab's new token to the cookie route, or clears the cookie after sign-out."""
    pending = st.session_state.get(COOKIE_KEY)
    parts = []
    if pending and pending[0] == "deliver" and _cookie_token() != pending[1]:
        parts.append(f"fetch({json.dumps(SESSION_PATH)}, {{method: 'POST', body: {json.dumps(pending[1])}, "
                     "credentials: 'same-origin', cache: 'no-store'});")
    elif pending and pending[0] == "clear":
        parts.append(f"fetch({json.dumps(SESSION_PATH)}, {{method: 'DELETE', body: {json.dumps(pending[1])}, "
                     "credentials: 'same-origin', cache: 'no-store'});")
    return "".join(parts)


def remember_address_script() -> str:
    """JavaScript that remembers the address asked for while signed out, for the single sign-on round trip."""
    return (f"if (location.pathname.replace(/\\/+$/, '') !== '' || location.search) {{"
            f"document.cookie = {json.dumps(RETURN_COOKIE + '=')} + encodeURIComponent(location.pathname + location.search)"
            " + '; Path=/; SameSite=Lax; Max-Age=900';}")


def forget_address_script() -> str:
    """JavaScript that drops the remembered address once used."""
    return f"document.cookie = {json.dumps(RETURN_COOKIE + '=; Path=/; SameSite=Lax; Max-Age=0')};"
