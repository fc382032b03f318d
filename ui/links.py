"""Addresses that say what a screen shows: read them on arrival, keep them up to date, refuse in French.

A page reads a parameter with `from_address` (only when the address changed from outside: a link,
a bookmark, the back button — not the page's own echo), checks it through a domain function, and
writes what it shows with `to_address`. A refused address shows `refuse_address` and nothing else.
"""

from __future__ import annotations

import datetime as dt
import time

import streamlit as st

from maillage.core import COUNCIL_KEY, read_scope
from maillage.restitution import list_councils
from ui.session import engine

COUNCIL_PARAM = "instance"
REFUSAL = ("Ce lien mène à des données que votre compte ne permet pas de consulter, ou qui n'existent plus. "
           "Vérifiez l'instance choisie, ou demandez à la personne qui vous l'a envoyé.")
_SEEN = "address:"
_DROPPED = "address-dropped:"
# A run started by the browser just before it applied a removal still carries the removed value; within
# this window the same value is not taken for a link followed again (e.g. the Registre tab sent back to Fiche).
ECHO_SECONDS = 5.0


def from_address(param: str) -> str | None:
    """The value of `param` in the address when it came from outside (a link or bookmark), else None."""
    raw = st.query_params.get(param)
    if raw is None or st.session_state.get(_SEEN + param) == raw:
        return None
    dropped = st.session_state.get(_DROPPED + param)
    if dropped is not None and dropped[0] == raw and time.monotonic() - dropped[1] < ECHO_SECONDS:
        return None  # a run the browser started before it dropped the parameter: not a link followed
    st.session_state[_SEEN + param] = raw
    return raw


def to_address(param: str, value) -> None:
    """Write (or remove, with None) what the screen shows in the address."""
    if value is None or value == "":
        if param in st.query_params:
            del st.query_params[param]
        seen = st.session_state.pop(_SEEN + param, None)
        if seen is not None:
            st.session_state[_DROPPED + param] = (seen, time.monotonic())
        return
    text = str(value)
    if st.query_params.get(param) != text:
        st.query_params[param] = text
    st.session_state[_SEEN + param] = text


def as_int(raw: str | None) -> int | None:
    """A positive integer from an address, or None when it is not one."""
    if raw is None:
        return None
    raw = raw.strip()
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def as_date(raw: str | None) -> dt.date | None:
    """An ISO date (AAAA-MM-JJ) from an address, or None."""
    try:
        return dt.date.fromisoformat(raw.strip()) if raw else None
    except ValueError:
        return None


def as_year(raw: str | None) -> int | None:
    """A year (four digits) from an address, or None."""
    value = as_int(raw)
    return value if value is not None and 1900 <= value <= 2200 else None


def refuse_address(param: str | None = None) -> None:
    """Say, in French and without any data, that the link cannot be opened; stop the page."""
    if param is not None:
        to_address(param, None)
    st.error(REFUSAL, icon=":material/block:")
    st.stop()


def council_from_address(actor) -> bool:
    """Select the council named in the address (`?instance=`) if the actor has it; False after a refusal."""
    raw = from_address(COUNCIL_PARAM)
    if raw is None:
        return True
    council_id = as_int(raw)
    with read_scope(engine()) as session:
        ids = {council.id for council in list_councils(session, actor)}
    if council_id not in ids:
        to_address(COUNCIL_PARAM, None)
        st.error(REFUSAL, icon=":material/block:")
        return False
    st.session_state[COUNCIL_KEY] = council_id
    return True


def keep_council_in_address() -> None:
    """Write the council picked in the sidebar in the address."""
    to_address(COUNCIL_PARAM, st.session_state.get(COUNCIL_KEY))


# Streamlit's HTML sanitiser drops inline handlers (onclick=…), so one delegated listener, installed once
# per browser tab by the script below, serves every « Copier le lien » button.
_COPY_BUTTON = """
<button type="button" class="maillage-copy" aria-live="polite">Copier le lien</button>
<script>
if (!window.maillageCopyReady) {
  window.maillageCopyReady = true;
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest(".maillage-copy");
    if (!button) return;
    const done = (text) => { button.textContent = text; };
    navigator.clipboard.writeText(window.location.href).then(
      () => { done("Lien copié"); setTimeout(() => done("Copier le lien"), 2500); },
      () => done("Copie impossible : copiez l’adresse de la barre du navigateur"));
  });
}
</script>
<style>
.maillage-copy { font: inherit; padding: 0.35rem 0.8rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.3); background: white; color: rgb(49, 51, 63); }
.maillage-copy:hover { border-color: #1f6f8b; color: #1f6f8b; }
</style>
"""


def copy_link_button() -> None:
    """A « Copier le lien » button that copies the page's current address (constant HTML, no user data)."""
    st.html(_COPY_BUTTON, unsafe_allow_javascript=True, width="content")
