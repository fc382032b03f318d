"""The architecture checks itself: layers of docs/ARCHITECTURE.md, no Streamlit in the domain, no SQL in pages."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"


def _layers() -> list[str]:
    """The package order written in docs/ARCHITECTURE.md (`Layer order: core < geography < …`)."""
    match = re.search(r"^Layer order: (.+)$", ARCHITECTURE.read_text(), re.MULTILINE)
    assert match, "docs/ARCHITECTURE.md must state the layer order"
    return [name.strip(" `") for name in match.group(1).split("<")]


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of a file, function-level ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_domain_and_models_never_import_streamlit():
    for folder in ("maillage", "models"):
        for path in _files(folder):
            for line, module in _imports(path):
                assert module.split(".")[0] != "streamlit", f"{path.relative_to(ROOT)}:{line} imports {module}"


def test_pages_draw_and_never_query():
    for path in _files("pages") + [ROOT / "app.py"]:
        for line, module in _imports(path):
            top = module.split(".")[0]
            assert top not in {"sqlmodel", "sqlalchemy", "networkx"}, f"{path.relative_to(ROOT)}:{line} imports {module}"
            assert top != "models" or module == "models.vocabularies", f"{path.relative_to(ROOT)}:{line} imports {module}"


def test_every_domain_module_lives_in_a_topic_package():
    loose = [path.name for path in (ROOT / "maillage").glob("*.py") if path.name not in {"__init__.py", "__main__.py"}]
    assert loose == []
    packages = {path.parent.name for path in (ROOT / "maillage").glob("*/__init__.py")}
    assert packages <= set(_layers()), f"packages missing from the layer order: {packages - set(_layers())}"


def test_packages_import_only_lower_layers():
    order = {name: rank for rank, name in enumerate(_layers())}
    problems = []
    for path in _files("maillage"):
        parts = path.relative_to(ROOT / "maillage").parts
        if len(parts) < 2:
            continue
        package = parts[0]
        for line, module in _imports(path):
            names = module.split(".")
            if names[0] == "bench":
                problems.append(f"{path.relative_to(ROOT)}:{line}: the domain imports bench/ ({module})")
            if names[0] != "maillage" or len(names) < 2 or names[1] == package:
                continue
            if names[1] not in order or order[names[1]] > order[package]:
                problems.append(f"{path.relative_to(ROOT)}:{line}: {package} imports {module} (a higher layer)")
    assert problems == []


def test_public_names_resolve_and_never_shadow_a_module():
    for init in sorted((ROOT / "maillage").glob("*/__init__.py")):
        package = importlib.import_module(f"maillage.{init.parent.name}")
        modules = {path.stem for path in init.parent.glob("*.py")}
        for name in getattr(package, "__all__", []):
            assert name not in modules, f"maillage.{init.parent.name}.{name} is both a module and a public name"
            assert getattr(package, name) is not None


def test_the_light_kind_list_matches_the_format():
    from maillage.exchange.formats import KINDS
    from maillage.exchange.kinds import KIND_NAMES

    assert tuple(KINDS) == KIND_NAMES


def test_pages_and_tests_import_only_public_names():
    problems = []
    for path in _files("pages") + _files("ui") + _files("tests") + _files("bench") + [ROOT / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.ImportFrom) and node.module and node.module.count(".") == 1
                    and node.module.startswith("maillage.")):
                continue
            package = importlib.import_module(node.module)
            folder = ROOT / Path(*node.module.split("."))
            for alias in node.names:
                if alias.name not in package.__all__ and not (folder / f"{alias.name}.py").exists():
                    problems.append(f"{path.relative_to(ROOT)}: {alias.name} is not a public name of {node.module}")
    assert problems == []
