"""Files the app serves itself (`static/`, Streamlit's static serving at `app/static/`): vis-network for the
graph frames, loaded once by the browser instead of travelling inside every frame."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from maillage.network import publish_vis_assets

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Relative to the page's address (/<base>/reseau): resolves under the app's base path, behind a proxy too.
STATIC_URL = "app/static/"
logger = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def vis_static_url() -> str | None:
    """Where graph frames load vis-network from (copied to `static/` once per process), or None to inline it
    (static serving off, or the folder cannot be written)."""
    if not st.get_option("server.enableStaticServing"):
        return None
    try:
        publish_vis_assets(STATIC_DIR)
    except OSError:
        logger.exception("vis-network n'a pas pu être copié dans %s : il reste intégré aux pages", STATIC_DIR)
        return None
    return STATIC_URL
