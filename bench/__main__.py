"""`python -m bench [--runs N] [--no-write]` (or `make bench`): every benchmark on the database of DATABASE_URL."""

import argparse
import sys

from bench.run import main

parser = argparse.ArgumentParser(prog="python -m bench", description="Mesurer les temps de calcul sur la base (données à l'échelle).")
parser.add_argument("--runs", type=int, default=5, help="nombre de mesures par cas (médiane)")
parser.add_argument("--no-write", action="store_true", help="ne pas réécrire bench/README.md")
arguments = parser.parse_args()
sys.exit(main(runs=arguments.runs, write=not arguments.no_write))
