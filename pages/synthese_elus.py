"""Synthèse élus: the one-page summary of the selected council for a chosen year, printable and as PDF."""

import datetime as dt
from functools import partial

import streamlit as st

from maillage.core import (
    MaillageError,
    PermissionDenied,
    council_scope_version,
    database_url,
    md,
    read_scope,
    session_scope,
)
from maillage.restitution import (
    council_report,
    report_filename,
    report_html,
    report_pdf,
    report_years,
)
from ui.links import as_year, copy_link_button, from_address, refuse_address, to_address
from ui.session import current_actor, current_council_id, engine


@st.cache_data(show_spinner=False, max_entries=32)
def _report(url: str, version: int, actor_key: tuple, _actor, council_id: int, year: int, today: dt.date):
    """The summary, computed once per data version, reader (`actor_key`), council and year."""
    with session_scope(engine()) as session:
        return council_report(session, _actor, council_id, year, today)


council_id = current_council_id()
actor = current_actor()
actor_key = (actor.email, actor.role, tuple(sorted(actor.council_ids)), tuple(sorted(actor.network_ids)))
today = dt.date.today()
if council_id is None:
    st.title("Synthèse élus")
    st.info("Aucune instance n'est encore enregistrée : la synthèse se construit à partir des partenaires, des "
            "liens et des actions d'une instance.")
    st.stop()

with read_scope(engine()) as session:
    try:
        years = report_years(session, actor, council_id, today)
    except PermissionDenied as error:
        st.title("Synthèse élus")
        st.error(f"Accès refusé : {md(str(error))}.")
        st.stop()

arrived = from_address("annee")
if arrived is not None:
    if as_year(arrived) not in years:
        st.title("Synthèse élus")
        refuse_address("annee")
    st.session_state["syn_year"] = as_year(arrived)
if st.session_state.get("syn_year") not in years:
    st.session_state["syn_year"] = years[0]
title_slot = st.empty()  # the title comes first on the page, written once the report names the council
controls = st.columns([1, 1, 1, 2])
year = controls[0].selectbox("Année", years, key="syn_year",
                             format_func=lambda y: f"{y} (en cours)" if y == today.year else str(y),
                             help="Une année passée est vue au 31 décembre ; l'année en cours, aujourd'hui. "
                                  "Les évolutions comparent à même date : l'année en cours au même jour de "
                                  "l'année précédente, une année close à la fin de la précédente.")
to_address("annee", year)
url, version = database_url(), council_scope_version(engine(), council_id)
try:
    report = _report(url, version, actor_key, actor, council_id, year, today)
except MaillageError as error:
    title_slot.title("Synthèse élus")
    st.error(md(str(error)))
    st.stop()

title_slot.title(f"Synthèse élus — {md(report.name)}")
page = report_html(report)  # the downloaded file keeps its Content-Security-Policy
# The PDF is written when the button is clicked (deferred), from the report already computed.
controls[1].download_button("Télécharger le PDF", partial(report_pdf, report), report_filename(report, "pdf"),
                            "application/pdf", icon=":material/picture_as_pdf:", key="syn_dl_pdf", type="primary",
                            on_click="ignore")
controls[2].download_button("Page HTML", page, report_filename(report, "html"), "text/html",
                            icon=":material/print:", key="syn_dl_html", on_click="ignore")
with controls[3]:
    copy_link_button()
controls[3].caption("Une page A4 et, en annexe, le réseau de coopération dessiné comme sur la page Réseau ; à "
                    "imprimer avec le bouton « Imprimer la synthèse » ou à joindre en PDF. "
                    "Chiffres agrégés, jamais de donnée sur les personnes accompagnées.")
# In the frame, Streamlit injects its sizing script: no policy there (every user string is escaped anyway).
st.iframe(report_html(report, content_policy=False), height="content")
