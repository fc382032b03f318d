"""Browser tests in real Chromium (Debian's package): a Streamlit server on a free port, Playwright pages.

Skipped, with a clear message, when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlmodel import Session

from maillage.access import SYSTEM
from maillage.db import make_engine
from maillage.users import add_user

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
ADMIN_EMAIL = "admin.navigateur@ville.fr"
COORD_EMAIL = "coord.navigateur@ville.fr"
PASSWORD = "mot-de-passe-navigateur"


def pytest_collection_modifyitems(config, items):
    """Mark browser tests; skip them (saying so) when Chromium is not installed."""
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason="Chromium absent (/usr/bin/chromium) : tests navigateur ignorés"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def browser_db_url(db_factory):
    """A demo database with two known accounts for the browser journeys."""
    url = db_factory.new("demo")
    engine = make_engine(url)
    with Session(engine) as session:
        add_user(session, SYSTEM, ADMIN_EMAIL, "admin", password=PASSWORD)
        add_user(session, SYSTEM, COORD_EMAIL, "coordinateur", password=PASSWORD, councils=["CLSPD de Bordeaux"])
        session.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def app_url(browser_db_url, tmp_path_factory):
    """`streamlit run app.py` on a free port with the test database; stopped at the end."""
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    environment = dict(os.environ, DATABASE_URL=browser_db_url, PYTHONUNBUFFERED="1")
    with open(log, "w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise RuntimeError(f"le serveur Streamlit n'a pas démarré :\n{log.read_text()[-2000:]}")
        time.sleep(0.3)
    yield url
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Debian's Chromium, with the flags this closed network needs."""
    return {"executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args():
    """A French desktop browser at 1280×800."""
    return {"viewport": {"width": 1280, "height": 800}, "locale": "fr-FR", "accept_downloads": True}


class Watch:
    """What a page did that it should not: dialogs, console errors, requests to other hosts."""

    def __init__(self, page, app_url: str):
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        page.on("request", lambda request: self.requests.append(request.url))
        self.origin = app_url

    def foreign_requests(self) -> list[str]:
        """Requests to any host other than the app's own (data: and blob: URLs are local)."""
        return [u for u in self.requests if not u.startswith((self.origin, "data:", "blob:", "about:"))]


@pytest.fixture
def watch(page, app_url):
    """Record dialogs, console errors and requests of the page."""
    return Watch(page, app_url)


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=30000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.trim() === ''",
        timeout=30000,
    )
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.trim() === ''",
        timeout=30000,
    )


def sign_in(page, app_url: str, email: str = ADMIN_EMAIL, password: str = PASSWORD) -> None:
    """Open the app and sign in through the form."""
    page.goto(app_url)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    page.get_by_role("button", name="Se déconnecter").wait_for(timeout=30000)
    wait_for_app(page)


def screenshot(page, name: str) -> Path:
    """Save a 1280×800 screenshot under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
