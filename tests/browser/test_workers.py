"""Several app processes on one PostgreSQL database, in real Chromium (`make serve`, docs/deploy.md).

1. An edit made through one process is seen by another on its next run: each run reads the scope versions
   from the database, so the other process's cached results (keyed on them) are not served stale.
2. Through the proxy (HAProxy, when installed): two browsers on two processes each stay on their
   own — the WebSocket, the upload of a file and the download of a generated file reach the same process
   (Streamlit keeps the session in that process's memory; elsewhere the upload and the download fail).

PostgreSQL only (TEST_DATABASE_URL): that is how several processes are deployed; CI's second pass runs it.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from scripts.workers import find_haproxy
from tests.browser.conftest import (
    COORD_EMAIL,
    ROOT,
    _add_accounts,
    choose,
    open_page,
    serve,
    sign_in,
    wait_for_app,
)

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="plusieurs processus sur une même base : PostgreSQL seulement (TEST_DATABASE_URL)")

HAPROXY = find_haproxy()
NAME = "Association Passerelle Inter-Processus"
COUNT = re.compile(r"^\s*([\d\u202f\u00a0 ]+) partenaires?\s*$")
CSV = (b"nom;typologie;commune_siege;verifie_le\n"
       b"Club Processus Collant;CLUBX;33063;01/02/2026\n")


@dataclass
class Cluster:
    """The processes of one database: their own addresses, and the proxy's when HAProxy is installed."""
    workers: list[str]
    proxy: str | None


def _free_row(count: int) -> int:
    """A port such that it and the `count - 1` following ones are free on 127.0.0.1."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count > 65535:
            continue
        sockets = []
        try:
            for port in range(base, base + count):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError("aucune suite de ports libres")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def run_workers(database_url: str, log_dir: Path, workers: int = 2) -> Iterator[Cluster]:
    """`scripts/workers.py` (what `make serve` runs): `workers` processes behind HAProxy; stopped afterwards."""
    port = _free_row(workers + 1)
    environment = dict(os.environ, DATABASE_URL=database_url)
    with open(log_dir / "launcher.log", "w") as output:
        launcher = subprocess.Popen(
            [sys.executable, "scripts/workers.py", "--workers", str(workers), "--port", str(port),
             "--host", "127.0.0.1", "--log-dir", str(log_dir)],
            cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    cluster = Cluster([f"http://127.0.0.1:{port + i}" for i in range(1, workers + 1)], f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 90
        while not all(_healthy(url) for url in [*cluster.workers, cluster.proxy]):
            if launcher.poll() is not None or time.monotonic() > deadline:
                logs = "\n".join(p.read_text()[-1500:] for p in sorted(log_dir.glob("*.log")))
                raise RuntimeError(f"les processus n'ont pas démarré :\n{logs}")
            time.sleep(0.3)
        yield cluster
    finally:
        launcher.send_signal(signal.SIGTERM)
        try:
            launcher.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()
    # The launcher stops what it started.
    assert not any(_healthy(url) for url in cluster.workers)


@pytest.fixture(scope="module")
def cluster(db_factory, tmp_path_factory) -> Iterator[Cluster]:
    """Two processes on one fresh demo database (PostgreSQL), behind the proxy when HAProxy is installed."""
    url = db_factory.new("demo")
    _add_accounts(url)
    if HAPROXY:
        with run_workers(url, tmp_path_factory.mktemp("workers")) as running:
            yield running
    else:
        with serve(url, tmp_path_factory.mktemp("worker-a")) as a, serve(url, tmp_path_factory.mktemp("worker-b")) as b:
            yield Cluster([a, b], None)


def _register_count(page) -> int:
    """The number of partners the register lists (« N partenaires », no filter)."""
    strong = page.locator('[data-testid="stMarkdownContainer"] strong').filter(has_text=COUNT).first
    expect(strong).to_be_visible(timeout=30000)
    return int(re.sub(r"\D", "", strong.inner_text()))


def _worker_cookie(context) -> str | None:
    """The process the proxy pinned a browser to (its `maillage_worker` cookie)."""
    return {cookie["name"]: cookie["value"] for cookie in context.cookies()}.get("maillage_worker")


def _upload_and_download(page) -> None:
    """Drop a file on Données, then download the file generated from it: both need the session's own process."""
    open_page(page, "Données")
    # The upload goes over HTTP to /_stcore/upload_file: only the process holding the session accepts it.
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "partenaires.csv", "mimeType": "text/csv", "buffer": CSV}])
    expect(page.get_by_test_id("stAlertContentError").first).to_contain_text("1 erreur", timeout=60000)
    wait_for_app(page)
    # The file generated on click is kept in that process's memory and served from there (/media).
    with page.expect_download(timeout=60000) as info:
        page.get_by_role("button", name="Télécharger les lignes avec leurs problèmes (XLSX)").click()
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"


def test_two_processes_on_one_database_see_each_others_edits_and_keep_their_sessions(
        browser, browser_context_args, cluster):
    contexts = [browser.new_context(**browser_context_args) for _ in range(2)]
    try:
        page_a, page_b = (context.new_page() for context in contexts)
        if cluster.proxy:
            # Through the proxy: a new browser is pinned to a process by a cookie the proxy sets.
            sign_in(page_a, cluster.proxy, COORD_EMAIL)
            first = _worker_cookie(contexts[0])
            assert first in ("w1", "w2"), first
            # Which process a new browser lands on depends on the open connections at that instant
            # (leastconn), so the second browser is sent to the other one by the cookie it would have got:
            # the proxy must honour it (and not set another).
            other = "w2" if first == "w1" else "w1"
            contexts[1].add_cookies([{"name": "maillage_worker", "value": other, "url": cluster.proxy}])
            sign_in(page_b, cluster.proxy, COORD_EMAIL)
            pinned = [_worker_cookie(context) for context in contexts]
            assert pinned == [first, other], pinned
        else:
            sign_in(page_a, cluster.workers[0], COORD_EMAIL)
            sign_in(page_b, cluster.workers[1], COORD_EMAIL)

        # Process A shows the register (and caches it under the scope versions it read).
        open_page(page_a, "Partenaires")
        before = _register_count(page_a)
        assert before > 0

        # Process B adds a partner in the same council.
        open_page(page_b, "Partenaires")
        page_b.get_by_role("tab", name="Nouveau partenaire").click()
        page_b.get_by_role("textbox", name="Nom *", exact=True).fill(NAME)
        choose(page_b, "Typologie *", "Association")
        choose(page_b, "Commune du siège *", "Bordeaux (33063)")
        page_b.get_by_role("button", name="Ajouter le partenaire").click()
        expect(page_b.get_by_text(f"« {NAME} » est ajouté au registre.")).to_be_visible(timeout=30000)

        # A's next run reads the new versions from the database: its cached register is not served.
        page_a.reload()
        wait_for_app(page_a)
        expect(page_a.locator('[data-testid="stMarkdownContainer"] strong').filter(has_text=COUNT).first) \
            .to_have_text(re.compile(rf"^\s*{before + 1} partenaires\s*$"), timeout=30000)

        if cluster.proxy:
            for page in (page_a, page_b):
                _upload_and_download(page)
            # Still on the process each started on.
            assert [_worker_cookie(context) for context in contexts] == pinned
    finally:
        for context in contexts:
            context.close()
