"""Commands import what they need when they run: building the parser loads no heavy library."""

import subprocess
import sys
import time

HEAVY = ("sqlalchemy", "sqlmodel", "networkx", "igraph", "numpy", "pandas", "fpdf", "pyvis", "alembic",
         "openpyxl", "shapely", "altair", "streamlit", "models")


def test_building_the_parser_imports_no_heavy_library():
    code = ("import sys; from maillage.commands.cli import build_parser; build_parser(); "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []


def test_help_of_every_command_is_quick_and_french():
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "maillage", "network", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "--territory" in result.stdout and "--network" in result.stdout
    assert time.perf_counter() - started < 10  # only guards against importing everything again


def test_the_help_lists_the_exchange_kinds():
    from maillage.commands.exchange import KIND_NAMES
    from maillage.exchange.formats import KINDS

    assert KIND_NAMES == tuple(KINDS)
