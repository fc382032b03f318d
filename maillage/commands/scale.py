"""`generate-scale` and `bench`: national-scale synthetic data, and the benchmarks measured on it."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    """Add `generate-scale` and `bench`."""
    scale = subparsers.add_parser("generate-scale", help="remplir la base de données synthétiques à l'échelle nationale")
    scale.add_argument("--councils", type=int, default=1000)
    scale.add_argument("--partners", type=int, default=30000)
    scale.add_argument("--links", type=int, default=120000)
    scale.add_argument("--actions", type=int, default=60000)
    scale.add_argument("--seed", type=int, default=1)
    scale.set_defaults(handler=run_generate)
    bench = subparsers.add_parser("bench", help="mesurer les temps de calcul sur la base (données à l'échelle)")
    bench.add_argument("--runs", type=int, default=5, help="nombre de mesures par cas (médiane)")
    bench.add_argument("--no-write", action="store_true", help="ne pas réécrire bench/README.md")
    bench.set_defaults(handler=run_bench)


def run_generate(args: argparse.Namespace) -> int:
    """Generate the synthetic data (maillage/exchange/scale_data.py)."""
    from maillage.core.db import make_engine
    from maillage.exchange.scale_data import generate_scale

    counts = generate_scale(make_engine(), councils=args.councils, partners=args.partners, links=args.links,
                            actions=args.actions, seed=args.seed)
    print(f"Données synthétiques : {counts.councils} instances, {counts.partners} partenaires, "
          f"{counts.links} liens, {counts.actions} actions.")
    return 0


def run_bench(args: argparse.Namespace) -> int:
    """Run every benchmark (`python -m bench`, a separate program: the domain never imports bench/)."""
    import subprocess
    import sys

    from maillage.core.db import PROJECT_ROOT

    command = [sys.executable, "-m", "bench", "--runs", str(args.runs)] + (["--no-write"] if args.no_write else [])
    return subprocess.run(command, check=False, cwd=PROJECT_ROOT).returncode
