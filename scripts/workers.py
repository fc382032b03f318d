"""Serve Maillage as several Streamlit processes behind HAProxy, with sticky sessions (`make serve WORKERS=4`).

    DATABASE_URL=postgresql://… python scripts/workers.py --workers 4 --port 8501 --host 127.0.0.1

Streamlit keeps each browser session in the memory of the process that opened it: its WebSocket, and
the HTTP requests of that session (uploads to /_stcore/upload_file, downloads and media under /media)
must all reach the same process. HAProxy (Debian's `haproxy` package) listens on `--host:--port`, sends a
new browser to the least busy process and sets a cookie (`maillage_worker`) naming it; every later request
carrying that cookie goes to the same process. The processes listen on 127.0.0.1 only, on the ports that
follow the proxy's (8502, 8503, …). They share one database (PostgreSQL) and one Streamlit cookie secret,
drawn at random at each start (nothing secret is written in the repository or on disk besides the
proxy's configuration, which holds none).

The script stays in the foreground: Ctrl-C or SIGTERM stops the proxy and every process. If one of them
stops by itself, the script stops the others and exits with status 1, so that a supervisor (systemd's
`Restart=on-failure`, see docs/deploy.md) starts everything again.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COOKIE = "maillage_worker"
MAX_WORKERS = 64
STREAMLIT_ARGS = ("--server.headless", "true", "--server.fileWatcherType", "none",
                  "--browser.gatherUsageStats", "false")


def worker_ports(port: int, workers: int) -> list[int]:
    """The ports of the Streamlit processes: those that follow the proxy's, in a row."""
    return [port + index for index in range(1, workers + 1)]


def haproxy_config(host: str, port: int, workers: int, *, max_connections: int = 4096) -> str:
    """HAProxy's configuration: one front on host:port, one server per Streamlit process, sticky by cookie."""
    servers = "\n".join(
        f"    server w{index} 127.0.0.1:{worker_port} cookie w{index} check inter 5s fall 3 rise 2"
        for index, worker_port in enumerate(worker_ports(port, workers), start=1))
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return f"""# Written by scripts/workers.py at each start; edit the script, not this file.
global
    maxconn {max_connections}

defaults
    mode http
    option forwardfor
    timeout connect 5s
    timeout client 60s
    timeout server 120s
    # A Streamlit page keeps its WebSocket open as long as the tab is open.
    timeout tunnel 12h
    timeout http-request 15s
    timeout queue 30s

frontend maillage
    bind {bind}
    default_backend streamlit

backend streamlit
    # A new browser goes to the process with the fewest open connections (each tab holds a WebSocket),
    # then stays there: the cookie names its process; without it, Streamlit would lose the session.
    balance leastconn
    cookie {COOKIE} insert indirect nocache httponly attr "SameSite=Lax"
    # A process that stops answering is left out; its browsers are sent to another (they sign in again
    # only if their cookie session is gone — it is not: sign-in sessions live in the database).
    option redispatch
    option httpchk GET /_stcore/health
    http-check expect status 200
{servers}
"""


def _healthy(url: str) -> bool:
    """Whether a Streamlit server (or the proxy in front of them) answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _start_worker(port: int, environment: dict[str, str], log_dir: Path) -> subprocess.Popen:
    """One `streamlit run serve.py` on 127.0.0.1:port, its output in log_dir/worker-PORT.log."""
    with open(log_dir / f"worker-{port}.log", "w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.address", "127.0.0.1",
             "--server.port", str(port), *STREAMLIT_ARGS],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)


def find_haproxy() -> str | None:
    """The path of Debian's `haproxy` (in /usr/sbin, which an ordinary user's PATH may lack), or None."""
    return shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line, checked (a French message and exit status 2 otherwise)."""
    parser = argparse.ArgumentParser(description="Maillage : plusieurs processus Streamlit derrière HAProxy")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS") or 2),
                        help="nombre de processus Streamlit (défaut : 2)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8501),
                        help="port du proxy ; les processus prennent les suivants (défaut : 8501)")
    parser.add_argument("--host", default=os.environ.get("MAILLAGE_HOST") or "127.0.0.1",
                        help="adresse du proxy (défaut : 127.0.0.1, cette machine seulement)")
    parser.add_argument("--log-dir", type=Path, default=None,
                        help="dossier des journaux des processus (défaut : un dossier temporaire)")
    args = parser.parse_args(argv)
    if not 1 <= args.workers <= MAX_WORKERS:
        parser.error(f"--workers : entre 1 et {MAX_WORKERS} processus")
    if not 1024 <= args.port <= 65535 - args.workers:
        parser.error("--port : un port entre 1024 et 65535, suivi d'autant de ports libres que de processus")
    return args


def main(argv: list[str] | None = None) -> int:
    """Start the processes and the proxy, wait until one of them stops or we are asked to stop."""
    args = _parse(argv)
    haproxy = find_haproxy()
    if haproxy is None:
        print("HAProxy est absent : installez-le (apt-get install haproxy), ou lancez un seul processus "
              "avec « make run ».", file=sys.stderr)
        return 2
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url.startswith("postgresql"):
        print("Attention : DATABASE_URL ne désigne pas une base PostgreSQL. Plusieurs processus sur une base "
              "SQLite fonctionnent sur une seule machine, mais les écritures y passent une à une ; "
              "PostgreSQL est recommandé (docs/deploy.md).", file=sys.stderr)

    log_dir = args.log_dir or Path(tempfile.mkdtemp(prefix="maillage-workers-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    config = log_dir / "haproxy.cfg"
    config.write_text(haproxy_config(args.host, args.port, args.workers))
    checked = subprocess.run([haproxy, "-c", "-q", "-f", str(config)], capture_output=True, text=True)
    if checked.returncode != 0:
        print(f"Configuration HAProxy refusée :\n{checked.stderr}", file=sys.stderr)
        return 2

    # One cookie secret for all processes (Streamlit signs its XSRF cookie with it): a browser sent to
    # another process after a restart keeps working. Drawn at each start, never written down.
    environment = dict(os.environ, STREAMLIT_SERVER_COOKIE_SECRET=secrets.token_hex(32), PYTHONUNBUFFERED="1")
    ports = worker_ports(args.port, args.workers)
    children: list[subprocess.Popen] = [_start_worker(port, environment, log_dir) for port in ports]

    stopping = False

    def stop(_signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = 0
    proxy_started = False
    try:
        while not stopping:
            if any(child.poll() is not None for child in children):
                print(f"Un processus s'est arrêté : arrêt de tous (journaux dans {log_dir}).", file=sys.stderr)
                status = 1
                break
            # The proxy starts once every process answers: started earlier, its health checks would mark
            # the slower ones down and send every new browser to the first one up until they rise again.
            if not proxy_started and all(_healthy(f"http://127.0.0.1:{port}") for port in ports):
                with open(log_dir / "haproxy.log", "w") as log:
                    children.append(subprocess.Popen([haproxy, "-db", "-f", str(config)],
                                                     stdout=log, stderr=subprocess.STDOUT))
                proxy_started = True
                print(f"Maillage : http://{args.host}:{args.port} ({args.workers} processus, journaux dans {log_dir})",
                      flush=True)
            time.sleep(0.5)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    return status


if __name__ == "__main__":
    sys.exit(main())
