"""Public names of a topic package, imported from their module on first use (PEP 562).

A package's `__init__` maps each public name to the module that defines it; `from maillage.network import
build_graph` then imports `maillage.network.metrics` only when asked, so importing one module of a package
never loads its heavier siblings (PDF, graph drawing) and packages cannot import each other in a cycle at
start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for a package whose public names live in its modules (name → module)."""
    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        globals_of_package = importlib.import_module(package).__dict__
        globals_of_package[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
