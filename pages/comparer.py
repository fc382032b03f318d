"""Comparer: councils of a network (or any chosen councils) side by side — indicators, ranks, who does what."""

import datetime as dt
from functools import partial

import streamlit as st

from maillage.core import (
    MaillageError,
    data_version,
    database_url,
    format_int,
    md,
    plural,
    read_scope,
    session_scope,
)
from maillage.restitution import (
    CHARTED,
    MAX_COUNCILS,
    SHARING_NOTE,
    XLSX_MIME,
    all_action_records,
    cell_records,
    comparable_councils,
    comparable_networks,
    compare_councils,
    compare_network,
    comparison_csv,
    comparison_filename,
    comparison_networks,
    comparison_pdf,
    comparison_xlsx,
    comparison_years,
    default_network,
    definition_text,
    indicator_columns,
    indicator_records,
    matrix_records,
    matrix_rows,
    missing_records,
    network_choice,
    network_home,
    ranking_records,
    subtitle,
)
from ui.compare_charts import SELECTION, matrix_chart, ranking_chart
from ui.session import current_actor, current_council_id, engine
from ui.tables import show_table

NETWORK, CHOSEN = "network", "councils"
NEAREST, WHOLE = "nearest", "whole"


@st.cache_data(show_spinner=False, max_entries=32)
def _comparison(url: str, version: int, actor_key: tuple, _actor, network_id, council_ids: tuple, year: int,
                today: dt.date, title: str | None = None, detail: bool = True):
    """The comparison, computed once per data version, reader (`actor_key`) and choice: a whole network when no
    council is named, else the named councils (of `network_id` when given, under `title`)."""
    with read_scope(engine()) as session:
        if network_id is not None and not council_ids:
            return compare_network(session, _actor, network_id, year, today, detail=detail)
        return compare_councils(session, _actor, list(council_ids), year, today, title=title, network_id=network_id,
                                detail=detail)


@st.cache_data(show_spinner=False, max_entries=32)
def _choice(url: str, version: int, actor_key: tuple, _actor, network_id: int, council_id: int | None):
    """What a network's comparison opens on (its members, the nearest ones), once per data version and reader."""
    with read_scope(engine()) as session:
        return network_choice(session, _actor, network_id, council_id)


def _document(comparison) -> bytes:
    """The PDF, with the cooperation networks drawn as on the Réseau page (computed when the button is clicked)."""
    with session_scope(engine()) as session:  # a scope drawn for the first time stores its positions
        networks = comparison_networks(session, actor, comparison)
    return comparison_pdf(comparison, networks=networks)


actor = current_actor()
actor_key = (actor.email, actor.role, tuple(sorted(actor.council_ids)), tuple(sorted(actor.network_ids)))
today = dt.date.today()
with read_scope(engine()) as session:
    networks = comparable_networks(session, actor)
    councils = comparable_councils(session, actor)
if not councils:
    st.title("Comparer")
    st.info("Aucune instance à comparer : vous n'êtes membre d'aucun réseau d'instances. Un administrateur peut "
            "vous rattacher à un réseau depuis la page Administration.")
    st.stop()

title = st.empty()  # the page title, above the selectors; it names the comparison once computed
title.title("Comparer")
modes = ([NETWORK] if networks else []) + [CHOSEN]
controls = st.columns([1.1, 2.4, 0.8])
mode = controls[0].radio("Comparer", modes, horizontal=False, key="cmp_mode",
                         format_func={NETWORK: "un réseau", CHOSEN: "des instances choisies"}.get)
network_id, council_ids, chosen_title, detail = None, (), None, True
url, version = database_url(), data_version(engine())
if mode == NETWORK:
    if st.session_state.get("cmp_network") not in networks:
        with read_scope(engine()) as session:
            st.session_state["cmp_network"] = default_network(session, actor, current_council_id())
    network_id = controls[1].selectbox("Réseau", list(networks), format_func=networks.get, key="cmp_network")
    try:
        choice = _choice(url, version, actor_key, actor, network_id, current_council_id())
    except MaillageError as error:
        st.error(md(str(error)))
        st.stop()
    member_ids = list(choice.member_ids)
    if choice.large:  # more members than one comparison opens on: the nearest ones first, the whole table on demand
        nearest = (f"les {len(choice.nearest_ids)} plus proches de {md(choice.reference)}" if choice.reference
                   else f"les {len(choice.nearest_ids)} plus peuplées")
        scope = st.radio("Instances comparées", [NEAREST, WHOLE], horizontal=True, key="cmp_scope",
                         format_func={NEAREST: nearest, WHOLE: f"tout le réseau ({format_int(len(member_ids))} "
                                                              "instances) : tableau des indicateurs"}.get)
        st.caption(md(choice.explanation()) + " Pour comparer d'autres instances, choisissez « des instances "
                   f"choisies » ({MAX_COUNCILS} au plus). Les graphiques et la liste des actions portent sur "
                   f"{MAX_COUNCILS} instances au plus ; le tableau de tout le réseau donne les chiffres de chacune.")
        if scope == NEAREST:
            council_ids, chosen_title = tuple(choice.nearest_ids), choice.nearest_title()
        else:
            detail = False
else:
    if "cmp_councils" not in st.session_state:
        current = current_council_id()
        st.session_state["cmp_councils"] = [c for c in [current] if c in councils] or list(councils)[:2]
    st.session_state["cmp_councils"] = st.session_state["cmp_councils"][:MAX_COUNCILS]
    chosen = controls[1].multiselect("Instances", list(councils), format_func=councils.get, key="cmp_councils",
                                     placeholder="Choisissez les instances à comparer", max_selections=MAX_COUNCILS,
                                     help=f"Les instances de vos réseaux (toutes pour un administrateur), "
                                          f"{MAX_COUNCILS} au plus.")
    council_ids = tuple(sorted(chosen))
    member_ids = list(council_ids)
if not member_ids:
    st.info("Choisissez au moins une instance à comparer.")
    st.stop()
with read_scope(engine()) as session:
    years = comparison_years(session, member_ids, today)
if st.session_state.get("cmp_year") not in years:
    st.session_state["cmp_year"] = years[0]
year = controls[2].selectbox("Année", years, key="cmp_year",
                             format_func=lambda y: f"{y} (en cours)" if y == today.year else str(y))

try:
    with st.spinner("Calcul de la comparaison…"):
        comparison = _comparison(url, version, actor_key, actor, network_id, council_ids, year, today, chosen_title,
                                 detail)
except MaillageError as error:
    st.error(md(str(error)))
    st.stop()

title.title(f"Comparer — {md(comparison.title)}")
own_id = next((f.council_id for f in comparison.councils if f.council_id == current_council_id()), None) or next(
    (f.council_id for f in comparison.councils if f.council_id in actor.council_ids), None)
own = comparison.figures(own_id).name if own_id is not None else None
st.caption(f"{md(subtitle(comparison))}. {SHARING_NOTE}"
           + (" Les chiffres de l'année en cours sont provisoires." if comparison.provisional else ""))

if actor.role == "reseau":  # a network member's landing page: what to do next, and their shared actions
    with read_scope(engine()) as session:
        home = network_home(session, actor, today)
    st.info(md(home.next_steps()), icon=":material/directions:")
    st.page_link("pages/actions.py", label="Voir toutes les actions partagées de vos réseaux",
                 icon=":material/event_note:")

tab_table, tab_charts, tab_who, tab_files = st.tabs(["Indicateurs", "Graphiques", "Qui fait quoi", "Télécharger"])

with tab_table:
    with_ranks = st.toggle("Afficher les rangs", value=True, key="cmp_ranks",
                           help="Le rang est écrit entre parenthèses : 1er = la valeur la plus élevée, sauf pour les "
                                "typologies manquantes (la plus faible) et la plénière (la plus récente).")
    table = indicator_records(comparison, with_ranks, first=own_id)
    st.markdown(f"**Indicateurs par instance** ({plural(len(table), 'instance')})"
                + (f" — votre instance, {md(own)}, est en tête et surlignée" if own else ""))
    show_table(table, indicator_columns(comparison), highlight_row=own, max_height=38 + 35 * 16)
    st.caption("Une ligne par instance ; survolez un en-tête de colonne pour sa définition. Cliquez sur un en-tête "
               "pour trier.")
    with st.expander("Actions en cours par type"):
        show_table(matrix_rows(comparison, first=own_id), highlight_row=own, max_height=38 + 35 * 16)
    with st.expander("Définitions des indicateurs"):
        for spec in comparison.indicators:
            st.markdown(f"- **{md(spec.title(comparison.year))}** : {md(definition_text(comparison, spec.code))}")
    with st.expander("Typologies attendues absentes du partenariat"):
        show_table(missing_records(comparison))

LIMITED = (f"Les graphiques et la liste des actions portent sur {MAX_COUNCILS} instances au plus : choisissez "
           "« les plus proches » ci-dessus, ou « des instances choisies ». Le tableau des indicateurs donne les "
           "chiffres de toutes les instances du réseau.")

with tab_charts:
    if not comparison.detailed:
        st.info(LIMITED)
    else:
        st.caption("Une barre par instance, de la 1re à la dernière ; la valeur est écrite au bout de chaque barre. "
                   "La barre foncée marque le 1er rang.")
        columns = st.columns(2)
        for index, spec in enumerate(CHARTED):
            with columns[index % 2]:
                st.altair_chart(ranking_chart(ranking_records(comparison, spec.code), spec.title(comparison.year)),
                                width="stretch", key=f"cmp_chart_{spec.code}")
                st.caption(definition_text(comparison, spec.code))

with tab_who:
    if not comparison.detailed:
        st.info(LIMITED)
    else:
        records = matrix_records(comparison)
        if not records:
            st.info("Aucune action en cours dans ces instances à cette date.")
        else:
            st.markdown("Nombre d'actions en cours par instance et par type. **Cliquez sur une case** (ou choisissez "
                        "ci-dessous) pour voir les actions et leurs pilotes, et savoir qui appeler.")
            event = st.altair_chart(matrix_chart(records), on_select="rerun", key="cmp_matrix",
                                    selection_mode=SELECTION, width="stretch")
            points = (event.selection.get(SELECTION) or []) if event and event.selection else []
            names = {f.council_id: f.name for f in comparison.councils}
            types = dict(comparison.active_types())
            if points:
                picked = (points[0].get("council_id"), points[0].get("action_type"))
                if picked != st.session_state.get("cmp_last_pick") and picked[0] in names and picked[1] in types:
                    st.session_state["cmp_last_pick"] = picked
                    st.session_state["cmp_cell_council"], st.session_state["cmp_cell_type"] = picked
            if st.session_state.get("cmp_cell_council") not in names or st.session_state.get("cmp_cell_type") not in types:
                first = next(r for r in records if r["count"])
                st.session_state["cmp_cell_council"], st.session_state["cmp_cell_type"] = first["council_id"], first["action_type"]
            pick = st.columns(2)
            chosen_council = pick[0].selectbox("Instance", list(names), format_func=names.get, key="cmp_cell_council")
            chosen_type = pick[1].selectbox("Type d'action", list(types), format_func=types.get, key="cmp_cell_type")
            cell = comparison.cell(chosen_council, chosen_type)
            st.markdown(f"**{md(cell.council)} — {md(cell.type_label)}** : "
                        f"{plural(cell.count, 'action en cours', 'actions en cours')}.")
            if cell.actions:
                st.markdown("**Les actions de cette case**")
                show_table(cell_records(cell, comparison.year))
            if cell.hidden:
                st.info(f"{plural(cell.hidden, 'action non partagée', 'actions non partagées')} avec les réseaux : "
                        "comptée(s) dans les chiffres, non détaillée(s).")
            if cell.count and cell.contact:
                st.caption(f"Contact de la coordination : {md(cell.contact)}")
            with st.expander("Toutes les actions en cours que vous pouvez voir"):
                listed = all_action_records(comparison)
                if listed:
                    show_table(listed)
                else:
                    st.caption("Aucune.")
                if comparison.hidden_total():
                    st.caption(f"… et {plural(comparison.hidden_total(), 'action non partagée', 'actions non partagées')}"
                               " dans ces instances.")

with tab_files:
    st.markdown("Pour la réunion du réseau : le classeur (une feuille par tableau, nombres en nombres : "
                "« Indicateurs », « Rangs », « Qui fait quoi », « Actions », « Définitions », « À propos »), le "
                "tableau des indicateurs seul en CSV, et le PDF (tableaux, graphiques, actions avec leurs pilotes et "
                f"le réseau de coopération dessiné comme sur la page Réseau ; {MAX_COUNCILS} instances au plus).")
    buttons = st.columns(3)
    # Files are written when the button is clicked (deferred), from the comparison already computed.
    buttons[0].download_button("Classeur (XLSX)", partial(comparison_xlsx, comparison),
                               comparison_filename(comparison, "xlsx"), XLSX_MIME, icon=":material/download:",
                               key="cmp_dl_xlsx", on_click="ignore")
    buttons[1].download_button("Indicateurs (CSV)", partial(comparison_csv, comparison),
                               comparison_filename(comparison, "csv"), "text/csv", icon=":material/table:",
                               key="cmp_dl_csv", on_click="ignore")
    if comparison.detailed and len(comparison.councils) <= MAX_COUNCILS:
        buttons[2].download_button("Document (PDF)", partial(_document, comparison),
                                   comparison_filename(comparison, "pdf"), "application/pdf",
                                   icon=":material/picture_as_pdf:", key="cmp_dl_pdf", on_click="ignore")
    else:
        buttons[2].caption(f"Le PDF porte sur {MAX_COUNCILS} instances au plus.")
