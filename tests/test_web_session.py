"""The cookie route of serve.py: same-origin only, live tokens only, HttpOnly + SameSite=Strict cookie."""

import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from maillage.accounts import SYSTEM, add_user, open_session, resume_session
from ui.web_session import COOKIE, SECURE_COOKIE, session_routes


@pytest.fixture
def client(empty_engine, use_database):
    with Session(empty_engine) as session:
        add_user(session, SYSTEM, "coord@ville.fr", "admin", password="mot-de-passe-solide")
        session.commit()
    use_database(empty_engine.url.render_as_string(hide_password=False))
    return TestClient(Starlette(routes=session_routes()), base_url="http://maillage.test"), empty_engine


def _token(engine) -> str:
    with Session(engine) as session:
        return open_session(session, "coord@ville.fr")


SAME = {"Origin": "http://maillage.test"}


def test_live_token_becomes_an_http_only_strict_cookie(client):
    http, engine = client
    token = _token(engine)
    answer = http.post("/api/session", content=token, headers=SAME)
    assert answer.status_code == 204
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={token};")
    for part in ("HttpOnly", "Path=/", "SameSite=strict", "Max-Age="):
        assert part in cookie
    assert "Secure" not in cookie  # plain HTTP here


def test_https_gives_a_secure_host_prefixed_cookie(client, monkeypatch):
    http, engine = client
    monkeypatch.setenv("MAILLAGE_COOKIE_SECURE", "1")
    answer = http.post("/api/session", content=_token(engine), headers=SAME)
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{SECURE_COOKIE}=") and "Secure" in cookie and "HttpOnly" in cookie


def test_other_origins_and_unknown_tokens_are_refused(client):
    http, engine = client
    token = _token(engine)
    assert http.post("/api/session", content=token, headers={"Origin": "https://pirate.example"}).status_code == 403
    assert http.post("/api/session", content=token).status_code == 403  # no Origin at all
    refused = http.post("/api/session", content="jeton-invente", headers=SAME)
    assert refused.status_code == 403 and "set-cookie" not in refused.headers
    assert http.post("/api/session", content="x" * 500, headers=SAME).status_code == 400


def test_delete_ends_the_session_and_clears_the_cookie(client):
    http, engine = client
    token = _token(engine)
    http.cookies.set(COOKIE, token)
    answer = http.request("DELETE", "/api/session", content=token, headers=SAME)
    assert answer.status_code == 204
    assert f'{COOKIE}="";' in answer.headers["set-cookie"] or f"{COOKIE}=;" in answer.headers["set-cookie"]
    with Session(engine) as session:
        assert resume_session(session, token).actor is None


def test_delete_keeps_a_newer_session_of_another_tab(client):
    http, engine = client
    old, new = _token(engine), _token(engine)
    http.cookies.set(COOKIE, new)
    answer = http.request("DELETE", "/api/session", content=old, headers=SAME)
    assert answer.status_code == 204 and "set-cookie" not in answer.headers
    with Session(engine) as session:
        assert resume_session(session, old).actor is None
        assert resume_session(session, new).actor is not None
