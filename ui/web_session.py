"""The one HTTP route Maillage adds to Streamlit's server: it puts the session token in an HttpOnly cookie.

Streamlit gives a script no way to set a cookie (everything goes through the WebSocket), so `serve.py`
mounts this route with `st.App`. After a sign-in, the page posts its new token here (same origin
only); the answer sets `maillage_session` — HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS
— which every later page load sends back, and the app reads through `st.context.cookies`.
DELETE clears it at sign-out. See docs/sessions.md for the threat model.
"""

from __future__ import annotations

import os
from functools import lru_cache
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from maillage.accounts import revoke_session, session_is_live, session_lifetime
from maillage.core import database_url, make_engine, session_scope

SESSION_PATH = "/api/session"
COOKIE = "maillage_session"
SECURE_COOKIE = "__Host-maillage_session"  # the browser then insists on Secure, Path=/ and no Domain
COOKIE_NAMES = (SECURE_COOKIE, COOKIE)
MAX_TOKEN_LENGTH = 200


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    return make_engine(url)


def _secure(request: Request) -> bool:
    """HTTPS as the browser sees it (the proxy's X-Forwarded-Proto, trusted by uvicorn), or forced."""
    return request.url.scheme == "https" or os.environ.get("MAILLAGE_COOKIE_SECURE", "") in ("1", "oui", "true")


def same_origin(request: Request) -> bool:
    """Whether a state-changing request comes from a page of this site (Origin's host = Host)."""
    origin = request.headers.get("origin", "")
    host = request.headers.get("host", "")
    return bool(origin) and bool(host) and urlsplit(origin).netloc == host


def cookie_token(cookies) -> str | None:
    """The session token among a request's cookies (either cookie name), or None."""
    for name in COOKIE_NAMES:
        value = cookies.get(name)
        if value:
            return value
    return None


async def _token_from_body(request: Request) -> str:
    body = await request.body()
    return body[:MAX_TOKEN_LENGTH + 1].decode("utf-8", "replace").strip()


def _is_live(token: str) -> bool:
    with session_scope(_engine(database_url())) as session:
        return session_is_live(session, token)


def _end(token: str, current: str | None) -> bool:
    """Revoke `token`; whether the cookie's own token (`current`) is another live session to keep."""
    with session_scope(_engine(database_url())) as session:
        if token:
            revoke_session(session, token)
        return bool(current) and current != token and session_is_live(session, current)


async def session_endpoint(request: Request) -> Response:
    """POST: put a live token in the cookie. DELETE: end that token's session and clear the cookie."""
    if not same_origin(request):
        return Response("Origine refusée.", status_code=403, media_type="text/plain; charset=utf-8")
    token = await _token_from_body(request)
    if len(token) > MAX_TOKEN_LENGTH:
        return Response("Jeton invalide.", status_code=400, media_type="text/plain; charset=utf-8")
    secure = _secure(request)
    name = SECURE_COOKIE if secure else COOKIE
    response = Response(status_code=204)
    response.headers["Cache-Control"] = "no-store"
    if request.method == "POST":
        if not await run_in_threadpool(_is_live, token):
            return Response("Session inconnue ou terminée.", status_code=403, media_type="text/plain; charset=utf-8")
        response.set_cookie(name, token, max_age=int(session_lifetime().total_seconds()), path="/",
                            secure=secure, httponly=True, samesite="strict")
        return response
    # DELETE: sign-out. Only clear the cookie if it holds this token or a dead one, so that signing out
    # a stale tab does not sign out a fresh session opened meanwhile in another tab.
    if not await run_in_threadpool(_end, token, cookie_token(request.cookies)):
        for cookie in COOKIE_NAMES:
            response.delete_cookie(cookie, path="/", secure=cookie == SECURE_COOKIE or secure,
                                   httponly=True, samesite="strict")
    return response


def session_routes() -> list[Route]:
    """The routes `serve.py` adds to Streamlit's."""
    return [Route(SESSION_PATH, session_endpoint, methods=["POST", "DELETE"])]
