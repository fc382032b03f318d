"""The process's store of national results refreshed in the background (`maillage.core.BackgroundRefresh`)."""

from __future__ import annotations

import streamlit as st

from maillage.core import BackgroundRefresh, Served, freshness_note


@st.cache_resource(show_spinner=False)
def background_results() -> BackgroundRefresh:
    """One store per process, shared by every session (results are read-only)."""
    return BackgroundRefresh(max_keys=16)


def show_freshness(served: Served) -> None:
    """The caption under a result served from the background store: « Calculé il y a 2 min… »."""
    st.caption(freshness_note(served, background_results().age(served)), help=(
        "Ce résultat national est long à calculer : le dernier calcul est montré aussitôt, et refait "
        "en arrière-plan quand les données changent. Rechargez la page pour voir la mise à jour."))
