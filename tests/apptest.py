"""Open the app in AppTest on a given database, already signed in as a given actor."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from maillage.accounts import SYSTEM, Actor
from ui.session import ACTOR_KEY

TIMEOUT = 60
APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_app(actor: Actor = SYSTEM, page: str | None = None, council_id: int | None = None) -> AppTest:
    """Run app.py signed in as `actor` (DATABASE_URL must point at the test database), optionally on `page`."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[ACTOR_KEY] = actor
    if council_id is not None:
        at.session_state["council_id"] = council_id
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at
