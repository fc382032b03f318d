"""Benchmark of the importer: 60,000 actions with their partners, in the exchange format, in one import.

Synthetic but realistic files are generated with a fixed seed over the real geography: 300 councils
(`instances.csv`), 15,000 partners (`partenaires.csv`), 60,000 actions with every column filled
(`actions.csv`: one to three communes, themes, publics, platforms, fundings, hours, budget, notes) and
about 150,000 partner roles (`action_partenaires.csv`, two to three partners per action). They are
imported into a fresh SQLite database (or `--url` PostgreSQL) through `import_tables`, the function the
page and the command line call: reading, checking every row and writing, in one transaction.

    .venv/bin/python -m bench.import_bench                 # 60 000 actions
    .venv/bin/python -m bench.import_bench --actions 5000  # a smaller run
    .venv/bin/python -m bench.import_bench --check         # exit 1 when the import takes 30 s or more

Prints the seconds of each phase. Not a test: it measures, and with --check it enforces the budget.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from maillage.core import make_engine, session_scope, upgrade
from maillage.exchange import import_tables, read_files
from maillage.geography import load_reference_geography
from maillage.vocabularies import seed_vocabularies
from models import Territory
from models.vocabularies import (
    ACTION_TYPES,
    FUNDINGS,
    PLATFORMS,
    PUBLICS,
    ROLES,
    THEMES,
    TYPOLOGIES,
)

SEED = 20261129
BUDGET_SECONDS = 30.0


@dataclass
class BenchResult:
    """Seconds per phase and what was imported."""

    rows: dict[str, int]
    read: float
    import_: float
    reimport: float
    cpu: float = 0.0

    @property
    def total(self) -> float:
        """Reading plus importing."""
        return self.read + self.import_


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    """A CSV file as the exchange format writes it."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def generate(communes: list[str], actions: int, seed: int = SEED) -> dict[str, bytes]:
    """The four exchange files: councils, partners, actions and their partner roles."""
    rng = random.Random(seed)
    councils = [(f"CLSPD synthétique {i:03d}", rng.sample(communes, 3)) for i in range(300)]
    instances = [[name, "CLSPD", "|".join(codes), "Service prévention", "12/03/2026", "active"]
                 for name, codes in councils]
    partner_count = max(actions // 4, 50)
    typologies = list(TYPOLOGIES)
    partners = []
    by_council: dict[str, list[str]] = {}
    for index in range(partner_count):
        name, codes = councils[index % len(councils)]
        partner = f"Structure {index:05d}"
        partners.append([partner, rng.choice(typologies), codes[0], "|".join(codes[1:]), "", "", "",
                         "", "Chargée de prévention", "", "", f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2026",
                         "Partenaire synthétique"])
        by_council.setdefault(name, []).append(partner)
    action_rows, role_rows = [], []
    types, themes, publics = list(ACTION_TYPES), list(THEMES), list(PUBLICS)
    platforms, fundings, roles = list(PLATFORMS), list(FUNDINGS), list(ROLES)
    for index in range(actions):
        council, codes = councils[index % len(councils)]
        title = f"Action {index:06d}"
        online = rng.random() < 0.3
        action_rows.append([
            title, council, rng.choice(types), rng.choice(["en_cours", "en_cours", "terminee", "projet"]),
            f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2019, 2026)}", "",
            "|".join(rng.sample(codes, rng.randint(1, 3))), "|".join(rng.sample(themes, rng.randint(1, 3))),
            "|".join(rng.sample(publics, rng.randint(1, 2))), "en_ligne" if online else rng.choice(["site", "mobile"]),
            "|".join(rng.sample(platforms, 2)) if online else "", f"{rng.randint(1, 20)},5",
            str(rng.randint(0, 50_000)), "|".join(rng.sample(fundings, rng.randint(1, 2))),
            rng.choice(["oui", "non"]), "Action synthétique pour la mesure",
        ])
        members = rng.sample(by_council[council], min(rng.randint(2, 3), len(by_council[council])))
        for position, partner in enumerate(members):
            role_rows.append([title, council, partner, "pilote" if position == 0 else rng.choice(roles[1:])])
    return {
        "instances.csv": _csv(["nom", "type", "territoires", "coordination_contact", "derniere_pleniere", "statut"],
                              instances),
        "partenaires.csv": _csv(["nom", "typologie", "commune_siege", "territoires_intervention", "siret", "site_web",
                                 "reseaux", "contact_nom", "contact_fonction", "contact_email", "contact_telephone",
                                 "verifie_le", "notes"], partners),
        "actions.csv": _csv(["titre", "instance", "type_action", "statut", "debut", "fin", "territoires", "themes",
                             "publics", "modalite", "plateformes", "heures_semaine", "budget_eur", "financements",
                             "partage_reseau", "notes"], action_rows),
        "action_partenaires.csv": _csv(["action", "instance", "partenaire", "role"], role_rows),
    }


def prepare(url: str | None) -> tuple[object, list[str]]:
    """A fresh database with the schema, vocabularies and the reference geography; its commune codes."""
    if url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'import-bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        seed_vocabularies(session)
    load_reference_geography(engine)
    with session_scope(engine) as session:
        communes = sorted(session.execute(select(Territory.code).where(Territory.level == "com")).scalars())
    return engine, communes


def run(actions: int = 60_000, url: str | None = None, seed: int = SEED) -> BenchResult:
    """Generate, then time reading and importing the files (and importing them again: all unchanged)."""
    engine, communes = prepare(url)
    files = generate(communes, actions, seed)
    started, cpu = time.perf_counter(), time.process_time()
    tables = read_files(list(files.items()))
    read = time.perf_counter() - started
    started = time.perf_counter()
    _plan, report = import_tables(engine, tables)
    imported = time.perf_counter() - started
    cpu = time.process_time() - cpu
    started = time.perf_counter()
    _plan, again = import_tables(engine, read_files(list(files.items())))
    reimport = time.perf_counter() - started
    assert all(counts.created == 0 and counts.updated == 0 for counts in again.counts.values())
    rows = {kind: counts.total for kind, counts in report.counts.items()}
    return BenchResult(rows=rows, read=read, import_=imported, reimport=reimport, cpu=cpu)


README = Path(__file__).parent / "README.md"


def _markers(database: str) -> tuple[str, str]:
    """The section markers in bench/README.md (one section per database)."""
    suffix = "" if database == "SQLite" else "-" + database.lower()
    return f"<!-- import-bench{suffix}:begin -->", f"<!-- import-bench{suffix}:end -->"


def readme_section(results: list[BenchResult], database: str) -> str:
    """The bench/README.md section for these runs (medians)."""
    def median(values: list[float]) -> float:
        return statistics.median(values)

    rows = results[0].rows
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    begin, end = _markers(database)
    return "\n".join([
        begin,
        f"## Import (issue 7) — {database}",
        "",
        f"`python -m bench.import_bench --runs {len(results)}{' --url …' if database != 'SQLite' else ''} --write` — {database}, géographie 2026 réelle, fichiers "
        "synthétiques au format d'échange (graine fixe) : "
        + ", ".join(f"{count:,} {kind}".replace(",", "\u202f") for kind, count in rows.items())
        + f". Médiane de {len(results)} mesure(s) ; temps d'horloge et temps CPU du processus (machine partagée : "
        f"charge moyenne {load:.1f} à la fin de la mesure).",
        "",
        "| étape | temps |",
        "|---|---|",
        f"| lecture des 4 fichiers CSV | {median([r.read for r in results]):.1f} s |",
        f"| vérification de chaque ligne et écriture en une transaction | {median([r.import_ for r in results]):.1f} s |",
        f"| **total : 60 000 actions avec leurs partenaires** | **{median([r.total for r in results]):.1f} s "
        f"(CPU {median([r.cpu for r in results]):.1f} s)** — objectif < {BUDGET_SECONDS:.0f} s |",
        f"| second import des mêmes fichiers (tout inchangé) | {median([r.reimport for r in results]):.1f} s |",
        "",
        "- Tout ce que les lignes désignent (territoires, instances, partenaires, actions, vocabulaires) est chargé "
        "une fois ; les cellules de liste déjà vues et les références de partenaires sont gardées en cache.",
        "- Écriture groupée : `executemany` par table (puis une seule relecture des identifiants créés), tables "
        "d'association écrites directement par le pilote ; sur PostgreSQL, `COPY`. Aucune requête par ligne.",
        "- Le reste du temps est du Python pur (analyse de chaque cellule) : l'essentiel de la vérification.",
        end,
    ])


def write_readme(section: str, database: str) -> None:
    """Replace (or append) this benchmark's section of bench/README.md."""
    begin, end_marker = _markers(database)
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    if begin in text and end_marker in text:
        start, end = text.index(begin), text.index(end_marker) + len(end_marker)
        text = text[:start] + section + text[end:]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    README.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per phase."""
    parser = argparse.ArgumentParser(description="Mesure de l'import de 60 000 actions avec leurs partenaires.")
    parser.add_argument("--actions", type=int, default=60_000)
    parser.add_argument("--url", help="base PostgreSQL (postgresql://…, vide) ; SQLite temporaire par défaut")
    parser.add_argument("--runs", type=int, default=1, help="nombre de mesures (médiane), chacune sur une base neuve")
    parser.add_argument("--write", action="store_true", help="écrire la section de bench/README.md")
    parser.add_argument("--check", action="store_true", help=f"échouer au-delà de {BUDGET_SECONDS:.0f} s")
    args = parser.parse_args(argv)
    if args.url and args.runs > 1:
        parser.error("--runs > 1 demande une base neuve à chaque mesure : SQLite seulement")
    results = []
    for _ in range(args.runs):
        result = run(args.actions, args.url)
        results.append(result)
        print("rows: " + ", ".join(f"{kind} {count}" for kind, count in result.rows.items()))
        print(f"read: {result.read:.1f} s")
        print(f"check and write: {result.import_:.1f} s")
        print(f"total: {result.total:.1f} s (budget {BUDGET_SECONDS:.0f} s), CPU of this process: {result.cpu:.1f} s")
        print(f"re-import, all unchanged: {result.reimport:.1f} s")
    if args.write:
        database = "PostgreSQL" if args.url else "SQLite"
        write_readme(readme_section(results, database), database)
    if args.check and statistics.median(r.total for r in results) >= BUDGET_SECONDS:
        print("over budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
