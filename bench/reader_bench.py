"""Benchmark: another person's page keeps answering while a large import runs (issue 20, item 4).

A fresh database (real geography) first receives the councils and partners of the import benchmark's
synthetic files; then the 60,000 actions and their ~150,000 partner roles (about 210,000 rows) are imported
in one `import_tables` call, as the Données page does. Meanwhile a second thread of the same process — as a
second browser tab is in a Streamlit server — reads, every 0.2 s, what a council's Partenaires page reads
(`council_scope_version`, then `register_rows` of that council). The same reads are timed before the import
(the baseline). Reads never wait for the import's write lock: only the CPU is shared.

    .venv/bin/python -m bench.reader_bench            # 60 000 actions
    .venv/bin/python -m bench.reader_bench --write    # and write the section of bench/README.md

Not a test: it measures. Prints the read latencies (median, 95th percentile, maximum) with and without the import.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import threading
import time

from bench.import_bench import README, SEED, generate, prepare
from maillage.core import council_scope_version, format_decimal, format_int, read_scope
from maillage.exchange import import_tables, read_files
from maillage.partners import register_rows
from models import Council

PAUSE = 0.2
BEGIN, END = "<!-- reader-bench:begin -->", "<!-- reader-bench:end -->"


def _read_once(engine, council_id: int, today: dt.date) -> float:
    """Seconds for what a council's Partenaires page reads."""
    started = time.perf_counter()
    council_scope_version(engine, council_id)
    with read_scope(engine) as session:
        register_rows(session, council_id, "active", today)
    return time.perf_counter() - started


def _summary(latencies: list[float]) -> dict[str, float]:
    """Median, 95th percentile and maximum, in milliseconds."""
    ordered = sorted(latencies)
    return {"n": len(ordered), "median": statistics.median(ordered) * 1000,
            "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, "max": ordered[-1] * 1000}


def run(actions: int = 60_000) -> dict:
    """Import councils and partners, then time the reader alone and during the import of the actions."""
    engine, communes = prepare(None)
    files = generate(communes, actions, SEED)
    first = {name: data for name, data in files.items() if name in ("instances.csv", "partenaires.csv")}
    import_tables(engine, read_files(list(first.items())))
    with read_scope(engine) as session:
        council_id = session.get(Council, 1).id
    today = dt.date.today()
    baseline = [_read_once(engine, council_id, today) for _ in range(20)]

    during: list[float] = []
    done = threading.Event()

    def reader() -> None:
        """Another person's page, every PAUSE seconds, until the import ends."""
        while not done.is_set():
            during.append(_read_once(engine, council_id, today))
            time.sleep(PAUSE)

    second = {name: data for name, data in files.items() if name not in first}
    tables = read_files(list(second.items()))
    thread = threading.Thread(target=reader)
    thread.start()
    started = time.perf_counter()
    _plan, report = import_tables(engine, tables)
    imported = time.perf_counter() - started
    done.set()
    thread.join()
    rows = sum(counts.total for counts in report.counts.values())
    return {"rows": rows, "import": imported, "baseline": _summary(baseline), "during": _summary(during)}


def readme_section(result: dict) -> str:
    """The bench/README.md section."""
    load = os.getloadavg()[0]
    b, d = result["baseline"], result["during"]
    return "\n".join([
        BEGIN,
        "## Une page reste rapide pendant un gros import (issue 20) — SQLite",
        "",
        f"`python -m bench.reader_bench --write` — SQLite, géographie réelle : import de "
        f"{format_int(result['rows'])} lignes (60 000 actions et leurs rôles de partenaires) en un appel "
        f"d'`import_tables`, pendant qu'un second fil du même processus lit toutes les {format_decimal(PAUSE, 1)} s "
        f"ce que lit la page Partenaires d'une instance. Charge moyenne de la machine à la fin : "
        f"{format_decimal(load, 1)} (2 cœurs).",
        "",
        "| lecture de la page Partenaires | n | médiane | 95 % | maximum |",
        "|---|---:|---:|---:|---:|",
        f"| seule | {b['n']} | {b['median']:.0f} ms | {b['p95']:.0f} ms | {b['max']:.0f} ms |",
        f"| pendant l'import ({result['import']:.0f} s) | {d['n']} | {d['median']:.0f} ms | {d['p95']:.0f} ms "
        f"| {d['max']:.0f} ms |",
        "",
        "- Les lectures ne prennent jamais le verrou d'écriture (`read_scope` : transaction simple en mode WAL) ;",
        "  l'import vérifie ses lignes hors de toute transaction d'écriture et ne prend le verrou que pour",
        "  l'écriture finale. Ce qui ralentit la page pendant l'import est le partage du processeur (et du GIL",
        "  de Python, la page et l'import tournant dans le même processus), pas une attente de verrou.",
        END,
    ])


def write_readme(section: str) -> None:
    """Replace (or append) this benchmark's section of bench/README.md."""
    text = README.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    README.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run once and print the latencies."""
    parser = argparse.ArgumentParser(description="Lectures d'une page pendant un import de 60 000 actions.")
    parser.add_argument("--actions", type=int, default=60_000)
    parser.add_argument("--write", action="store_true", help="écrire la section de bench/README.md")
    args = parser.parse_args(argv)
    result = run(args.actions)
    print(f"rows imported: {result['rows']} in {result['import']:.1f} s")
    for name in ("baseline", "during"):
        s = result[name]
        print(f"{name}: n={s['n']} median={s['median']:.0f} ms p95={s['p95']:.0f} ms max={s['max']:.0f} ms")
    if args.write:
        write_readme(readme_section(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
