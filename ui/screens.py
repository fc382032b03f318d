"""The app's screens: file, French title, icon, section, and the roles that see each one.

Roles belong to the screen's file, not its title: renaming a title changes nothing, and a page file missing
from this table is shown to nobody (the domain functions enforce the same rules underneath).
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_ROLES = frozenset({"admin", "coordinateur", "reseau", "elu"})


@dataclass(frozen=True)
class Screen:
    """One screen of the navigation."""

    path: str
    title: str
    icon: str
    section: str
    roles: frozenset[str]
    default: bool = False
    # Roles for which the page reads the council picked in the sidebar (the picker is hidden for the others).
    picker: frozenset[str] = ALL_ROLES


SCREENS: tuple[Screen, ...] = (
    Screen("pages/tableau_de_bord.py", "Tableau de bord", ":material/dashboard:", "Pilotage",
           frozenset({"admin", "coordinateur", "elu"}), default=True),
    Screen("pages/actions.py", "Actions", ":material/event_note:", "Actions", frozenset({"admin", "coordinateur", "reseau"}),
           picker=frozenset({"admin", "coordinateur"})),  # a network member reads every shared action
    Screen("pages/partenaires.py", "Partenaires", ":material/groups:", "Partenariat", frozenset({"admin", "coordinateur"})),
    Screen("pages/reseau.py", "Réseau", ":material/hub:", "Partenariat", frozenset({"admin", "coordinateur"})),
    Screen("pages/campagnes.py", "Campagnes", ":material/campaign:", "Partenariat", frozenset({"admin", "coordinateur"})),
    Screen("pages/couverture.py", "Couverture", ":material/grid_on:", "Analyse",
           frozenset({"admin", "coordinateur", "reseau"})),
    Screen("pages/comparer.py", "Comparer", ":material/compare_arrows:", "Restitution",
           frozenset({"admin", "coordinateur", "reseau"}), picker=frozenset({"admin", "coordinateur"})),
    Screen("pages/synthese_elus.py", "Synthèse élus", ":material/summarize:", "Restitution",
           frozenset({"admin", "coordinateur", "elu"})),
    Screen("pages/donnees.py", "Données", ":material/database:", "Données", frozenset({"admin", "coordinateur"})),
    Screen("pages/mon_compte.py", "Mon compte", ":material/person:", "Compte", ALL_ROLES, picker=frozenset()),
    Screen("pages/administration.py", "Administration", ":material/admin_panel_settings:", "Compte", frozenset({"admin"}),
           picker=frozenset()),
)

# Where each role lands after signing in (a screen file it may open).
LANDING: dict[str, str] = {"elu": "pages/synthese_elus.py", "reseau": "pages/comparer.py"}


def screens_for(role: str) -> dict[str, list[Screen]]:
    """Section → the screens this role may open, in navigation order (an unknown role sees nothing)."""
    shown: dict[str, list[Screen]] = {}
    for screen in SCREENS:
        if role in screen.roles:
            shown.setdefault(screen.section, []).append(screen)
    return shown


def shows_council_picker(title: str, role: str) -> bool:
    """Whether the sidebar council picker is drawn on the screen of this title for this role (not where the
    page ignores it)."""
    return any(s.title == title and role in s.picker for s in SCREENS)
