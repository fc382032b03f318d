"""Streamlit's own English words in French: one constant browser script that rewrites them as they appear.

Streamlit (1.67) hard-codes English in some visible texts and accessible names (« Help for … »,
« Drag and drop files here », « Select all », « Press Enter to apply »…). The app is French (`lang="fr"`), so a
screen reader would read those in French phonetics (RGAA criteria 8.3, 8.4 and 8.7). The script below watches the
page (MutationObserver) and rewrites, from the fixed tables of this module, the text nodes, `aria-label`,
`title` and `placeholder` attributes that Streamlit writes. It carries no user data: the tables are constants
and the script sets only `nodeValue` and attributes, never HTML. What it covers and what it cannot:
docs/french-interface.md.
"""

from __future__ import annotations

import json
import re

# Whole strings, exactly as Streamlit writes them (text, aria-label, title or placeholder).
EXACT: dict[str, str] = {
    # Tooltips and headings
    "Help": "Aide",
    "Link to heading": "Lien vers ce titre",
    "Copy to clipboard": "Copier dans le presse-papiers",
    "Copy": "Copier",
    "Copy column name": "Copier le nom de la colonne",
    # File uploader
    "Upload": "Parcourir",
    "Browse files": "Parcourir les fichiers",
    "Drag and drop files here": "Glissez-déposez vos fichiers ici",
    "Drag and drop a file here": "Glissez-déposez un fichier ici",
    "Drag and drop directories here": "Glissez-déposez des dossiers ici",
    "Upload files": "Choisir des fichiers",
    "Upload file": "Choisir un fichier",
    "Upload a file": "Choisir un fichier",
    "Upload directories": "Choisir des dossiers",
    "Uploading...": "Envoi en cours…",
    "Upload failed": "Échec de l'envoi",
    "Add files": "Ajouter des fichiers",
    "file upload": "dépôt de fichiers",
    "Delete": "Supprimer",
    # Select boxes and multiselects
    "Select all": "Tout sélectionner",
    "Clear all": "Tout effacer",
    "Clear value": "Effacer la valeur",
    "Clear selection": "Effacer la sélection",
    "Choose an option": "Choisissez une option",
    "Choose options": "Choisissez des options",
    "Choose or add an option": "Choisissez ou ajoutez une option",
    "Choose or add options": "Choisissez ou ajoutez des options",
    "Add an option": "Ajoutez une option",
    "Add options": "Ajoutez des options",
    "No options to select.": "Aucune option disponible.",
    "No options to select": "Aucune option disponible",
    "No results": "Aucun résultat",
    "Selected values": "Valeurs choisies",
    "Open": "Ouvrir",
    "Close": "Fermer",
    "Select...": "Choisissez…",
    # Text inputs and forms
    "Press Enter to submit form": "Appuyez sur Entrée pour envoyer le formulaire",
    "Press Enter to apply": "Appuyez sur Entrée pour valider",
    "Press Ctrl+Enter to submit form": "Appuyez sur Ctrl+Entrée pour envoyer le formulaire",
    "Press Ctrl+Enter to apply": "Appuyez sur Ctrl+Entrée pour valider",
    "Press ⌘+Enter to submit form": "Appuyez sur ⌘+Entrée pour envoyer le formulaire",
    "Press ⌘+Enter to apply": "Appuyez sur ⌘+Entrée pour valider",
    "Show password": "Afficher le mot de passe",
    "Hide password": "Masquer le mot de passe",
    "Increment": "Augmenter",
    "Decrement": "Diminuer",
    # Date inputs
    "Choose date": "Choisir une date",
    "Choose date range": "Choisir une période",
    "Choose date and time": "Choisir une date et une heure",
    "Quick select a date range": "Choisir rapidement une période",
    "Clear date": "Effacer la date",
    "Clear dates": "Effacer les dates",
    "Clear date and time": "Effacer la date et l'heure",
    "Clear time": "Effacer l'heure",
    "Clear entry": "Effacer la saisie",
    "Previous month": "Mois précédent",
    "Next month": "Mois suivant",
    "Use arrow keys to navigate dates. Enter to select. Escape to close.":
        "Flèches pour changer de date, Entrée pour choisir, Échap pour fermer.",
    "Date range": "Période",
    "Past Week": "Semaine passée",
    "Past Month": "Mois passé",
    "Past 3 Months": "3 derniers mois",
    "Past 6 Months": "6 derniers mois",
    "Past Year": "Année passée",
    "Past 2 Years": "2 dernières années",
    # Tables (st.dataframe toolbar and column menu)
    "Show/hide columns": "Afficher ou masquer des colonnes",
    "Download as CSV": "Télécharger en CSV",
    "Download as PNG": "Télécharger en PNG",
    "Search": "Rechercher",
    "Close Search": "Fermer la recherche",
    "Next Result": "Résultat suivant",
    "Previous Result": "Résultat précédent",
    "Fullscreen": "Plein écran",
    "Toggle fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Exit fullscreen": "Quitter le plein écran",
    "Show data": "Afficher les données",
    "Show chart": "Afficher le graphique",
    "Dataframe column menu": "Menu de la colonne",
    "Sort ascending": "Tri croissant",
    "Sort descending": "Tri décroissant",
    "Pin column": "Épingler la colonne",
    "Unpin column": "Détacher la colonne",
    "Hide column": "Masquer la colonne",
    "Autosize": "Largeur automatique",
    "Format": "Format",
    "Add row": "Ajouter une ligne",
    "Delete row(s)": "Supprimer la ou les lignes",
    "No data": "Aucune donnée",
    "Previous page": "Page précédente",
    "Next page": "Page suivante",
    # Page frame
    "Main menu": "Menu principal",
    "App pages": "Pages de l'application",
    "Sidebar": "Barre latérale",
    "Collapse sidebar": "Replier la barre latérale",
    "Expand sidebar": "Déplier la barre latérale",
    "Navigate to home page": "Aller à l'accueil",
    "Skip to main content": "Aller au contenu principal",
    "Running...": "En cours…",
    "Stop script": "Arrêter",
    "Scroll tabs left": "Onglets précédents",
    "Scroll tabs right": "Onglets suivants",
    "Notifications": "Notifications",
    "Print": "Imprimer",
    "Rerun": "Relancer",
    "Clear cache": "Vider le cache",
    "Settings": "Paramètres",
    "Cancel": "Annuler",
    "Try again": "Réessayer",
    "Markdown content": "Contenu",
    "Empty": "Vide",
}

# Date fields: the segments' placeholders and names (only inside a date field's spin buttons).
DATE_SEGMENTS: dict[str, str] = {
    "dd": "jj", "mm": "mm", "yyyy": "aaaa", "day": "jour", "month": "mois", "year": "année",
    "hour": "heure", "minute": "minute", "Date": "Date", "Start Date": "Date de début", "End Date": "Date de fin",
}

# Strings with a part that varies, as (JavaScript regular expression, French replacement using $1…).
PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^Help for (.+)$", "Aide pour $1"),
    # A chart's toolbar names its buttons after the chart's own description.
    (r"^Fullscreen: (.+)$", "Plein écran : $1"),
    (r"^Show data: (.+)$", "Afficher les données : $1"),
    (r"^Download as PNG: (.+)$", "Télécharger en PNG : $1"),
    (r"^Download as SVG: (.+)$", "Télécharger en SVG : $1"),
    (r"^Copy Vega-Lite spec: (.+)$", "Copier la spécification Vega-Lite : $1"),
    (r"^Remove (.+)$", "Retirer $1"),
    (r"^Upload or drag and drop (.+)$", "Choisissez ou glissez-déposez $1"),
    (r"^Upload (.+)$", "Choisir $1"),
    (r"^Drag and drop (.+) here$", "Glissez-déposez $1 ici"),
    (r"^Limit (\d+(?:[.,]\d+)?)\s?MB per file(.*)$", "Limite $1 Mo par fichier$2"),
    (r"^(\d+(?:[.,]\d+)?)\s?MB per file(.*)$", "$1 Mo par fichier$2"),
    (r"^(\d+(?:[.,]\d+)?)\s?KB per file(.*)$", "$1 Ko par fichier$2"),
    (r"^(\d+(?:[.,]\d+)?)\s?GB per file(.*)$", "$1 Go par fichier$2"),
    (r"^(.+) start date$", "$1, date de début"),
    (r"^(.+) end date$", "$1, date de fin"),
    (r"^(\d+) matches$", "$1 résultats"),
    (r"^Choose date range, (.+)$", "Choisir une période, $1"),
    (r"^Choose date, (.+)$", "Choisir une date, $1"),
    (r"^Choose date and time, (.+)$", "Choisir une date et une heure, $1"),
    (r"^day, (.+)$", "jour, $1"),
    (r"^month, (.+)$", "mois, $1"),
    (r"^year, (.+)$", "année, $1"),
    (r"^hour, (.+)$", "heure, $1"),
    (r"^minute, (.+)$", "minute, $1"),
)

# English words of the lists above that must never remain once the script has run (tests/browser).
FORBIDDEN_ENGLISH: tuple[str, ...] = (
    "Help for", "Browse files", "Drag and drop", "per file", "Select all", "Press Enter", "Clear value",
    "Show/hide columns", "Download as CSV", "Fullscreen", "Choose date", "Link to heading", "Copy to clipboard",
    "Choose an option", "Choose options", "No options to select", "No results",
)

_SCRIPT = """
(function () {
  if (window.maillageFrench) { return; }
  var EXACT = %(exact)s;
  var SEGMENTS = %(segments)s;
  var PATTERNS = %(patterns)s.map(function (p) { return [new RegExp(p[0]), p[1]]; });
  var ATTRIBUTES = ['aria-label', 'title', 'placeholder', 'aria-placeholder', 'aria-valuetext'];
  // User content is never rewritten: Markdown, code, text areas and editable fields, except the file
  // uploader's own button (Streamlit writes its label as Markdown) and a date field's segments.
  var SKIP = '[data-testid="stMarkdownContainer"], [data-testid="stCode"], [data-testid="stText"], '
    + 'pre, code, textarea, [contenteditable="true"], script, style';
  var STREAMLIT_OWN = '[data-testid="stFileUploaderDropzone"] button, [role="spinbutton"]';
  function translate(value, segment) {
    if (!value) { return null; }
    var key = value.trim();
    if (!key) { return null; }
    if (segment && Object.prototype.hasOwnProperty.call(SEGMENTS, key)) { return value.replace(key, SEGMENTS[key]); }
    if (Object.prototype.hasOwnProperty.call(EXACT, key)) { return value.replace(key, EXACT[key]); }
    for (var i = 0; i < PATTERNS.length; i++) {
      if (PATTERNS[i][0].test(key)) { return value.replace(key, key.replace(PATTERNS[i][0], PATTERNS[i][1])); }
    }
    return null;
  }
  function inSegment(element) {
    return Boolean(element && element.closest('[data-testid="stDateInput"] [role="spinbutton"]'));
  }
  function fixElement(element) {
    for (var i = 0; i < ATTRIBUTES.length; i++) {
      var current = element.getAttribute(ATTRIBUTES[i]);
      if (current) {
        var french = translate(current, false);
        if (french !== null && french !== current) { element.setAttribute(ATTRIBUTES[i], french); }
      }
    }
  }
  function fixText(node) {
    var parent = node.parentElement;
    if (!parent || (parent.closest(SKIP) && !parent.closest(STREAMLIT_OWN))) { return; }
    var french = translate(node.nodeValue, inSegment(parent));
    if (french !== null && french !== node.nodeValue) { node.nodeValue = french; }
  }
  function fixTree(root) {
    if (root.nodeType === 3) { fixText(root); return; }
    if (root.nodeType !== 1) { return; }
    fixElement(root);
    var elements = root.querySelectorAll('[aria-label], [title], [placeholder], [aria-placeholder]');
    for (var i = 0; i < elements.length; i++) { fixElement(elements[i]); }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var text;
    while ((text = walker.nextNode())) { fixText(text); }
  }
  window.maillageFrench = {translate: translate};  // once per page; `translate` for the tests
  var observer = new MutationObserver(function (records) {
    for (var i = 0; i < records.length; i++) {
      var record = records[i];
      if (record.type === 'childList') {
        for (var j = 0; j < record.addedNodes.length; j++) { fixTree(record.addedNodes[j]); }
      } else if (record.type === 'characterData') {
        fixText(record.target);
      } else if (record.type === 'attributes') {
        fixElement(record.target);
      }
    }
  });
  observer.observe(document.documentElement, {subtree: true, childList: true, characterData: true,
                                              attributes: true, attributeFilter: ATTRIBUTES});
  fixTree(document.body);
})();
"""


def french_interface_script() -> str:
    """The constant JavaScript that puts Streamlit's own English words in French (see the module docstring)."""
    return _SCRIPT % {
        "exact": json.dumps(EXACT, ensure_ascii=False),
        "segments": json.dumps(DATE_SEGMENTS, ensure_ascii=False),
        "patterns": json.dumps([list(p) for p in PATTERNS], ensure_ascii=False),
    }


def translate(value: str) -> str | None:
    """What the script makes of `value` outside a date field (None when it leaves it alone), for the tests."""
    key = value.strip()
    if not key:
        return None
    if key in EXACT:
        return value.replace(key, EXACT[key])
    for pattern, replacement in PATTERNS:
        python = re.compile(pattern)
        if python.search(key):
            return value.replace(key, python.sub(re.sub(r"\$(\d)", r"\\\1", replacement), key))
    return None
