"""Benchmark: five people at once on two app processes (issue 19, item 6 and its target).

`scripts/workers.py` serves the app as N Streamlit processes behind HAProxy (sticky sessions) on one database.
Chromium (Debian's package, through Playwright) opens the Couverture page of one council, signed in as a
coordinator of it, and times it from the request to idle (title drawn, Streamlit's status widget quiet):

- *alone*: one browser, several loads one after the other (the first one fills the caches and is left out);
- *together*: five browser contexts (five people) load the page at the same moment, several rounds.

Each person opens the page after a change of council in the address, so the page runs in full (its caches are
per data version: warm after the first load, as in a real day without edits).

    .venv/bin/python -m bench.concurrency_bench --database sqlite:////tmp/echelle.db            # 2 processes
    .venv/bin/python -m bench.concurrency_bench --database postgresql://… --workers 2 --write   # README section

The database gets five bench accounts (removed at the end). Not a test: it measures. Needs HAProxy and Chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, delete, select

from bench.readme import write_section
from maillage.accounts import SYSTEM, add_user
from maillage.core import format_decimal, make_engine
from models import Council, NetworkCouncil, SignInSession, User, UserCouncil

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- concurrency-bench:begin -->", "<!-- concurrency-bench:end -->"
PASSWORD = "mot-de-passe-banc-d-essai"
PEOPLE = 5
IDLE = ("() => document.querySelector('[data-testid=\"stMain\"] h1') && !document.querySelector("
        "'[data-testid=\"stSkeleton\"]') && (!document.querySelector('[data-testid=\"stStatusWidget\"]') || "
        "document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.trim() === '')")


def _emails() -> list[str]:
    return [f"banc.concurrence.{index}@ville.fr" for index in range(1, PEOPLE + 1)]


def _pick_council(engine) -> tuple[int, str]:
    """A council of the largest network (a network member's Couverture compares it with its peers)."""
    with Session(engine) as session:
        largest = session.exec(select(NetworkCouncil.network_id).group_by(NetworkCouncil.network_id)
                               .order_by(func.count().desc())).first()
        query = select(Council.id, Council.name).order_by(Council.id)
        if largest is not None:
            query = query.join(NetworkCouncil, NetworkCouncil.council_id == Council.id).where(
                NetworkCouncil.network_id == largest)
        return session.exec(query).first()


def _accounts(engine, council: str, add: bool) -> None:
    """Add (or remove) the bench's coordinator accounts."""
    with Session(engine) as session:
        users = session.exec(select(User).where(User.email.in_(_emails()))).all()
        for user in users:
            session.exec(delete(UserCouncil).where(UserCouncil.user_id == user.id))
            session.exec(delete(SignInSession).where(SignInSession.user_id == user.id))
            session.delete(user)
        session.flush()
        if add:
            for email in _emails():
                add_user(session, SYSTEM, email, "coordinateur", password=PASSWORD, councils=[council])
        session.commit()


def _start(database: str, workers: int, port: int, log_dir: Path) -> subprocess.Popen:
    """scripts/workers.py, once every process answers through the proxy."""
    environment = dict(os.environ, DATABASE_URL=database, PYTHONUNBUFFERED="1")
    process = subprocess.Popen([sys.executable, "scripts/workers.py", "--workers", str(workers), "--port", str(port),
                                "--log-dir", str(log_dir)], cwd=ROOT, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    for line in process.stdout:
        if line.startswith("Maillage : http"):
            return process
        if time.monotonic() > deadline:
            break
    process.terminate()
    raise RuntimeError(f"les processus n'ont pas démarré (journaux : {log_dir})")


async def _signed_in(browser, url: str, email: str):
    """A new browser context signed in as `email`."""
    context = await browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
    page = await context.new_page()
    await page.goto(url)
    await page.get_by_label("Adresse e-mail").fill(email)
    await page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter", exact=True).click()
    await page.get_by_role("button", name="Se déconnecter").wait_for(timeout=120_000)
    return context, page


async def _load(page, url: str) -> float:
    """Seconds from asking for the page to idle."""
    started = time.perf_counter()
    await page.goto(url)
    await page.wait_for_timeout(200)
    await page.wait_for_function(IDLE, timeout=300_000)
    return time.perf_counter() - started


async def _measure(url: str, council_id: int, rounds: int) -> dict[str, list[float]]:
    """Alone, then five together, on the Couverture page of `council_id`."""
    from playwright.async_api import async_playwright

    target = f"{url}/couverture?instance={council_id}"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                   args=["--headless", "--no-sandbox", "--disable-gpu"])
        people = [await _signed_in(browser, url, email) for email in _emails()]
        alone = [await _load(people[0][1], target) for _ in range(rounds + 1)][1:]  # the first fills the caches
        for _context, page in people[1:]:
            await _load(page, target)  # every process has computed the page once
        together: list[float] = []
        before, started = cpu_seconds(), time.perf_counter()
        for _ in range(rounds):
            together += await asyncio.gather(*(_load(page, target) for _context, page in people))
        after, elapsed = cpu_seconds(), time.perf_counter() - started
        await browser.close()
    # Where the two cores went while five loaded at once: the app's processes, and Chromium's.
    cpu = {kind: after[kind] - before[kind] for kind in after}
    return {"alone": alone, "together": together, "cpu": cpu, "elapsed": elapsed}


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by the app processes (`streamlit run serve.py`) and by Chromium, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {"serveur": 0.0, "navigateur": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kind = ("serveur" if b"streamlit run serve.py" in command
                else "navigateur" if b"chromium" in command or b"chrome" in command else None)
        if kind:
            used[kind] += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return used


def _load_average() -> str:
    return format_decimal(os.getloadavg()[0], 1)


def measure(database: str, workers: int = 2, rounds: int = 3, port: int = 8611) -> dict:
    """Alone and five together on `workers` processes: the load times, the council and the load averages."""
    engine = make_engine(database)
    council_id, council = _pick_council(engine)
    _accounts(engine, council, add=True)
    log_dir = Path(tempfile.mkdtemp(prefix="maillage-banc-"))
    server = _start(database, workers, port, log_dir)
    try:
        before = _load_average()
        times = asyncio.run(_measure(f"http://127.0.0.1:{port}", council_id, rounds))
        after = _load_average()
    finally:
        server.terminate()
        server.wait(timeout=30)
        _accounts(engine, council, add=False)
        engine.dispose()
    return {**times, "council": council, "before": before, "after": after}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="adresse de la base (une copie : des comptes y sont ajoutés)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8611)
    parser.add_argument("--write", action="store_true", help="écrire la section de bench/README.md")
    args = parser.parse_args(argv)
    times = measure(args.database, args.workers, args.rounds, args.port)
    council, before, after = times["council"], times["before"], times["after"]
    alone, together = statistics.median(times["alone"]), statistics.median(times["together"])
    rows = [
        "| people at once | processes | loads | median to idle (s) | slowest (s) |",
        "|---:|---:|---:|---:|---:|",
        f"| 1 | {args.workers} | {len(times['alone'])} | {format_decimal(alone, 2)} | "
        f"{format_decimal(max(times['alone']), 2)} |",
        f"| {PEOPLE} | {args.workers} | {len(times['together'])} | {format_decimal(together, 2)} | "
        f"{format_decimal(max(times['together']), 2)} |",
    ]
    dialect = "PostgreSQL" if args.database.startswith("postgresql") else "SQLite"
    text = "\n".join([
        f"Council « {council} » (a member of the largest network), {dialect}, {args.workers} processes behind "
        f"HAProxy; load average {before} before, {after} after (Chromium runs on the same 2 cores).", "",
        *rows, "",
        f"Five at once / alone: ×{format_decimal(together / alone, 2)} (target: below ×2).",
    ])
    print(text)
    if args.write:
        write_section(BEGIN, END, text,
                      "\n## Five people at once on two processes (`bench/concurrency_bench.py`)\n\n"
                      "    .venv/bin/python -m bench.concurrency_bench --database sqlite:////tmp/echelle.db --write\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
