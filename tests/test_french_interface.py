"""The French layer over Streamlit's own English words (ui/french_interface.py): its tables and its script."""

import json
import re
import shutil
import subprocess

import pytest

from ui.french_interface import (
    DATE_SEGMENTS,
    EXACT,
    FORBIDDEN_ENGLISH,
    PATTERNS,
    french_interface_script,
    translate,
)

SAMPLES = [
    "Help for Commune du siège *", "Help", "Remove CLSPD de Bordeaux", "200MB per file", "Limit 200MB per file",
    "Press Enter to submit form", "Press Enter to apply", "Press ⌘+Enter to apply", "Select all", "Clear value",
    "Upload", "Upload files", "Show/hide columns", "Download as CSV", "Search", "Fullscreen", "Choose date",
    "Choose date, mars 2026", "day, Fiche vérifiée le", "Link to heading", "Copy to clipboard", "Open",
    "No options to select.", "Période start date", "  Select all  ",
    # Left alone: French, user words, the script's own French
    "Partenaires", "Aide pour Nom *", "Retirer CLSPD de Bordeaux", "Remove", "Openly", "", "Bordeaux (33063)",
]


@pytest.mark.parametrize(("english", "french"), [
    ("Help for Commune du siège *", "Aide pour Commune du siège *"),
    ("Remove CLSPD de Bordeaux", "Retirer CLSPD de Bordeaux"),
    ("200MB per file", "200 Mo par fichier"),
    ("Limit 200MB per file • CSV, XLSX", "Limite 200 Mo par fichier • CSV, XLSX"),
    ("Press Enter to submit form", "Appuyez sur Entrée pour envoyer le formulaire"),
    ("Press Enter to apply", "Appuyez sur Entrée pour valider"),
    ("Select all", "Tout sélectionner"),
    ("Clear value", "Effacer la valeur"),
    ("Choose date, mars 2026", "Choisir une date, mars 2026"),
    ("day, Fiche vérifiée le", "jour, Fiche vérifiée le"),
    ("Période start date", "Période, date de début"),
    ("  Upload ", "  Parcourir "),
])
def test_known_answers(english, french):
    assert translate(english) == french


def test_french_user_and_empty_values_are_left_alone():
    for value in ("Partenaires", "Aide pour Nom *", "Retirer CLSPD de Bordeaux", "Bordeaux (33063)", "", "   ",
                  "Remove", "Openly", "Help me"):
        assert translate(value) is None, value


def test_a_translation_is_never_translated_again():
    """The observer sees its own changes: a French value must not match any entry (no loop)."""
    for english in [*EXACT, "Help for X", "Remove X", "200MB per file", "day, X", "Choose date, X"]:
        french = translate(english)
        assert french is not None and translate(french) in (None, french), english


def test_every_forbidden_english_string_is_covered():
    """Each string the browser test forbids has a French form in the tables."""
    for word in FORBIDDEN_ENGLISH:
        covered = [key for key in EXACT if word in key] + [p for p, _r in PATTERNS if word.split()[0] in p]
        assert covered, word
    for key, value in EXACT.items():
        assert not any(word in value for word in FORBIDDEN_ENGLISH), (key, value)
    assert DATE_SEGMENTS["dd"] == "jj" and DATE_SEGMENTS["yyyy"] == "aaaa"


def test_script_is_constant_and_cannot_close_its_tag():
    script = french_interface_script()
    assert script == french_interface_script()
    assert "</" not in script and "%(" not in script
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script  # text and attributes only
    assert json.loads(json.dumps(EXACT)) == EXACT
    for pattern, _replacement in PATTERNS:
        re.compile(pattern)


@pytest.mark.skipif(shutil.which("node") is None, reason="node absent : script non exécuté")
def test_script_runs_and_agrees_with_the_python_tables():
    """Run the script in Node with a minimal page: it installs once and translates as the Python tables say."""
    harness = """
    global.window = {};
    global.NodeFilter = {SHOW_TEXT: 4};
    const observed = [];
    global.MutationObserver = class { constructor(f) { this.f = f; } observe(t, o) { observed.push(o); } };
    const element = {nodeType: 1, getAttribute: () => null, querySelectorAll: () => [], setAttribute: () => {}};
    global.document = {documentElement: element, body: element, createTreeWalker: () => ({nextNode: () => null})};
    eval(SCRIPT);
    const first = window.maillageFrench;
    eval(SCRIPT);  // a second run (every rerun of the page) installs nothing more
    const samples = JSON.parse(process.argv[1]);
    console.log(JSON.stringify({
        once: window.maillageFrench === first && observed.length === 1,
        options: observed[0],
        out: samples.map((s) => window.maillageFrench.translate(s, false)),
    }));
    """.replace("SCRIPT", json.dumps(french_interface_script()))
    result = subprocess.run(["node", "-e", harness, json.dumps(SAMPLES)], capture_output=True, text=True,
                            timeout=30, check=True)
    answer = json.loads(result.stdout)
    assert answer["once"] is True
    assert answer["options"]["subtree"] and "aria-label" in answer["options"]["attributeFilter"]
    assert answer["out"] == [translate(sample) for sample in SAMPLES]
