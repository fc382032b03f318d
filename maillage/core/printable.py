"""What every printable page shares (the action sheet, the elected officials' summary): the print button in
the app's style, and the rules that keep a page readable from a 360 px phone to an A4 sheet."""

from __future__ import annotations

import base64
import hashlib

PRINT_SCRIPT = "document.getElementById('imprimer').addEventListener('click', function () { window.print(); });"
PRINT_SCRIPT_HASH = base64.b64encode(hashlib.sha256(PRINT_SCRIPT.encode()).digest()).decode()
APP_PRIMARY = "#1a5276"  # the app's theme colour (.streamlit/config.toml)

# Like the app's primary buttons: theme colour, rounded corners, a printer icon, a visible keyboard focus.
PRINT_BUTTON_STYLE = f"""
button.imprimer {{ display: inline-flex; align-items: center; gap: .45rem; font: inherit; font-size: .95rem;
  font-weight: 500; color: #fff; background: {APP_PRIMARY}; border: 1px solid {APP_PRIMARY}; border-radius: .5rem;
  padding: .4rem .9rem; min-height: 2.5rem; margin: 0 0 .8rem; cursor: pointer; line-height: 1.2; }}
button.imprimer:hover {{ background: #154360; border-color: #154360; }}
button.imprimer:focus-visible {{ outline: 3px solid #f0b429; outline-offset: 2px; }}
button.imprimer svg {{ width: 1.15rem; height: 1.15rem; fill: currentColor; flex: none; }}
"""

# Narrow screens: nothing wider than the page, long words broken, wide tables scroll inside their box.
RESPONSIVE_STYLE = """
html { -webkit-text-size-adjust: 100%; } body { overflow-wrap: break-word; } svg { max-width: 100%; height: auto; }
.scroll { max-width: 100%; overflow-x: auto; }
@media print { button.imprimer { display: none; } .scroll { overflow: visible; } }
"""

_PRINTER_ICON = ("<svg viewBox='0 0 24 24' aria-hidden='true' focusable='false'><path d='M19 8H5c-1.66 0-3 1.34-3 "
                 "3v6h4v4h12v-4h4v-6c0-1.66-1.34-3-3-3zm-3 11H8v-5h8v5zm3-7c-.55 0-1-.45-1-1s.45-1 1-1 1 .45 1 1-.45 "
                 "1-1 1zm-1-9H6v4h12V3z'/></svg>")


def print_button(label: str) -> str:
    """The print button (its script is `PRINT_SCRIPT`), labelled `label` (a constant French text)."""
    return f"<button type=button id=imprimer class=imprimer>{_PRINTER_ICON}<span>{label}</span></button>"
