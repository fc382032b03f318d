"""Browser tests in real Chromium (Debian's package): a Streamlit server on a free port, Playwright pages.

Skipped, with a clear message, when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from sqlmodel import Session

from maillage.accounts import SYSTEM, add_user
from maillage.core import make_engine

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _add_accounts(url: str) -> None:
    """The two known accounts: an administrator and the coordinator of the CLSPD de Bordeaux."""
    engine = make_engine(url)
    with Session(engine) as session:
        add_user(session, SYSTEM, ADMIN_EMAIL, "admin", password=PASSWORD)
        add_user(session, SYSTEM, COORD_EMAIL, "coordinateur", password=PASSWORD, councils=["CLSPD de Bordeaux"])
        session.commit()
    engine.dispose()


@contextmanager
def serve(database_url: str, log_dir: Path, *, port: int | None = None, extra_args: tuple[str, ...] = (),
          extra_env: dict[str, str] | None = None, health_path: str = "/_stcore/health") -> Iterator[str]:
    """`streamlit run serve.py` (the app and its session-cookie route) on a free port with `database_url`; its URL once healthy; stopped afterwards."""
    port = port or free_port()
    log = log_dir / "server.log"
    environment = dict(os.environ, DATABASE_URL=database_url, PYTHONUNBUFFERED="1", **(extra_env or {}))
    with open(log, "w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
             "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false", *extra_args],
            cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}{health_path}", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"le serveur Streamlit n'a pas démarré :\n{log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="session")
def browser_db_url(db_factory):
    """A demo database with two known accounts for the read-only browser journeys."""
    url = db_factory.new("demo")
    _add_accounts(url)
    return url


@pytest.fixture(scope="session")
def app_url(browser_db_url, tmp_path_factory):
    """The app on the read-only test database (journeys here must not write)."""
    with serve(browser_db_url, tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture(scope="session")
def writable_db_url(db_factory):
    """A second demo database for the journeys that write, holding the script-payload records too."""
    from tests.browser.payloads import add_payloads

    url = db_factory.new("demo")
    _add_accounts(url)
    engine = make_engine(url)
    add_payloads(engine, dt.date.today())
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def writable_app_url(writable_db_url, tmp_path_factory):
    """The app on the writable database: partners, links, actions, imports and edits happen here."""
    with serve(writable_db_url, tmp_path_factory.mktemp("streamlit-writable")) as url:
        yield url


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
    fill_sign_in(page, email, password)


def fill_sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Fill the sign-in form shown on this page and wait for the app."""
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    page.get_by_role("button", name="Se déconnecter").wait_for(timeout=30000)
    wait_for_app(page)


def screenshot(page, name: str) -> Path:
    """Save a 1280×800 screenshot under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def open_page(page, title: str) -> None:
    """Click a page of the sidebar navigation and wait for it to finish running."""
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first.click()
    wait_for_app(page)


def choose(page, label: str, option: str, scope=None, attempts: int = 3) -> None:
    """Pick the option containing `option` in the select box labelled `label` (typing filters the list).

    Tried again when the list closes under the pointer (a rerun finishing redraws the widget).
    """
    box = (scope or page).get_by_role("combobox", name=label, exact=True)
    for attempt in range(attempts):
        try:
            box.click()
            page.keyboard.type(option)
            page.get_by_role("option").filter(has_text=option).first.click(timeout=10000)
            break
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
            wait_for_app(page)
    wait_for_app(page)


def option_texts(page, label: str, scope=None, attempts: int = 3) -> list[str]:
    """The options the select box labelled `label` lists (opened, read, closed with Escape).

    Tried again when the list closes before it is read (a rerun finishing redraws the widget).
    """
    box = (scope or page).get_by_role("combobox", name=label, exact=True)
    for attempt in range(attempts):
        try:
            box.click()
            expect(page.get_by_role("option").first).to_be_visible(timeout=10000)
            texts = page.get_by_role("option").all_inner_texts()
            page.keyboard.press("Escape")
            wait_for_app(page)
            if texts:
                return texts
        except AssertionError:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
            wait_for_app(page)
    raise AssertionError(f"la liste « {label} » ne s'est pas ouverte")


def choose_council(page, name: str) -> None:
    """Select the council every page works on, in the sidebar."""
    choose(page, "Instance", name, page.get_by_test_id("stSidebar"))


GRID_CELLS = '[data-testid="stDataFrame"]:visible [role="gridcell"]'


def grid_texts(scope) -> list[str]:
    """The cells of the visible tables (st.dataframe draws on a canvas, with an accessible copy of the cells)."""
    return [text.strip() for text in scope.locator(GRID_CELLS).all_text_contents()]


def expect_in_grid(scope, text: str, timeout: float = 30000) -> None:
    """Wait until a cell of a visible table holds `text` (tables fill in shortly after the page runs)."""
    expect(scope.locator(GRID_CELLS).filter(has_text=text).first).to_be_attached(timeout=timeout)


def scroll_grid_right(page, text: str) -> None:
    """Scroll the table holding a cell with `text` to its last columns (a wide table draws only the columns
    in view, beside its pinned first column)."""
    table = page.locator('[data-testid="stDataFrame"]:visible').filter(
        has=page.locator('[role="gridcell"]', has_text=text)).first
    table.hover()
    page.mouse.wheel(5000, 0)
    page.wait_for_timeout(300)


def frame_with(page, selector: str, timeout: float = 30000):
    """The frame (an st.iframe of the page) that holds `selector`, once it is there."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        for frame in page.frames[1:]:
            try:
                if frame.query_selector(selector) is not None:
                    return frame
            except Exception:  # a frame being replaced by a rerun
                pass
        if time.monotonic() > deadline:
            raise AssertionError(f"aucun cadre ne contient {selector}")
        page.wait_for_timeout(200)


# Distinct opaque colours of a canvas, sampled on a grid (white and transparent pixels left out).
CANVAS_COLOURS = """(canvas) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set();
    let inked = 0;
    for (let i = 0; i < data.length; i += 4 * 3) {
        const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
        if (a > 200 && (r < 245 || g < 245 || b < 245)) { colours.add(`${r >> 4},${g >> 4},${b >> 4}`); inked++; }
    }
    return {colours: colours.size, inked: inked, width: canvas.width, height: canvas.height};
}"""


def graph_canvas(page, timeout: float = 30000) -> tuple:
    """The network graph's frame and what its canvas shows, once vis-network has drawn several colours."""
    frame = frame_with(page, "#graph canvas", timeout)
    frame.wait_for_function(f"() => ({CANVAS_COLOURS})(document.querySelector('#graph canvas')).colours >= 5",
                            timeout=timeout)
    return frame, frame.locator("#graph canvas").evaluate(CANVAS_COLOURS)
