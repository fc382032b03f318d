"""The navigation's role table: roles belong to the page file, every page file is listed, unknown ones hidden."""

from __future__ import annotations

from pathlib import Path

from ui.screens import ALL_ROLES, LANDING, SCREENS, screens_for

ROOT = Path(__file__).resolve().parent.parent


def _paths(role: str) -> set[str]:
    return {screen.path for screens in screens_for(role).values() for screen in screens}


def test_every_page_file_is_in_the_table_once():
    files = {f"pages/{path.name}" for path in (ROOT / "pages").glob("*.py")} - {"pages/connexion.py", "pages/campagne.py"}  # sign-in and the partner's token page: outside navigation
    listed = [screen.path for screen in SCREENS]
    assert len(listed) == len(set(listed))
    assert set(listed) == files
    assert all((ROOT / path).exists() for path in listed)


def test_each_role_sees_its_pages():
    assert _paths("admin") == {screen.path for screen in SCREENS}
    assert _paths("elu") == {"pages/tableau_de_bord.py", "pages/synthese_elus.py", "pages/mon_compte.py"}
    assert _paths("reseau") == {"pages/actions.py", "pages/couverture.py", "pages/comparer.py", "pages/mon_compte.py"}
    assert "pages/administration.py" not in _paths("coordinateur")
    assert all(LANDING[role] in _paths(role) for role in LANDING)


def test_an_unknown_role_sees_nothing():
    assert screens_for("visiteur") == {}
    assert all(screen.roles <= ALL_ROLES for screen in SCREENS)
