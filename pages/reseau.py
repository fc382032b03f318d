"""Réseau: the cooperation graph of a council (or a network, or a territory), its metrics and its changes."""

import datetime as dt
import time
from functools import partial

import streamlit as st

from maillage.accounts import can_write_council
from maillage.core import (
    MaillageError,
    council_scope_version,
    data_version,
    database_url,
    format_date,
    format_int,
    format_percent,
    md,
    plural,
    read_scope,
    scope_versions,
    session_scope,
    spreadsheet_csv,
)
from maillage.network import (
    CLUSTER_BY,
    EGO_DEPTHS,
    GRAPH_HEIGHT,
    GROUP_BY,
    NODE_CAP,
    PRESENTATION_HEIGHT,
    SIZE_BY,
    GraphFilters,
    Scope,
    ViewOptions,
    analyse,
    broker_records,
    build_drawing,
    build_ego_drawing,
    build_graph,
    can_reset_layout,
    change_records,
    cluster_matrix,
    community_records,
    declared_kind_options,
    drawing_png,
    drawing_svg,
    ego_link_records,
    ego_summary,
    export_source_line,
    filter_territories,
    graph_figures,
    graph_partner_choices,
    isolated_records,
    kind_level_counts,
    link_years,
    list_groups,
    load_source,
    matrix_records,
    missing_records,
    network_changes,
    network_options,
    pairs_help,
    partner_records,
    partners_help,
    render_drawing,
    reset_layout,
    scope_territories,
    snapshot_change_records,
    stable_positions,
    summary_records,
    territory_members,
    typology_options,
    year_drawing,
    year_graphs,
)
from maillage.partners import set_expectations
from maillage.vocabularies import Vocabularies
from ui.links import as_int, as_year, from_address, refuse_address, to_address
from ui.refresh import background_results, show_freshness
from ui.session import current_actor, current_council_id, engine
from ui.static import vis_static_url
from ui.tables import show_table

TODAY_LABEL = "Aujourd'hui"


def read_source(eng, actor, scope, today):
    """The scope's raw data, read now (no Streamlit call: also run by a background refresh)."""
    with read_scope(eng) as session:
        return load_source(session, actor, scope, today)


def filter_members(eng, source, filters):
    """The partners of the territory filter (None without it)."""
    if not filters.territory:
        return None
    with read_scope(eng) as session:
        return territory_members(session, source, filters.territory)


def analysis_of(eng, source, filters):
    """The scope's data, its filtered graph and its metrics (no Streamlit call: also run in the background)."""
    graph = build_graph(source, filters, filter_members(eng, source, filters))
    return source, graph, analyse(graph)


# Large results are never changed once built: `st.cache_resource` shares one copy (st.cache_data would
# un-pickle a fresh copy on every rerun). Keys hold the version of the scope's data, so a change elsewhere
# keeps them warm.
@st.cache_resource(show_spinner=False, max_entries=16)
def cached_source(url, version, actor, scope, today):
    """The scope's raw data, once per version of the scope."""
    return read_source(engine(), actor, scope, today)


@st.cache_resource(show_spinner="Calcul des mesures du réseau…", max_entries=32)
def cached_analysis(url, version, actor, scope, filters, today):
    """The scope's data, the filtered graph and its metrics, once per version of the scope and filters."""
    return analysis_of(engine(), cached_source(url, version, actor, scope, today), filters)


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_members(url, version, actor, scope, filters, today, _source):
    """The partners of the territory filter (None without it), for the data of `version` (`_source`)."""
    return filter_members(engine(), _source, filters)


@st.cache_resource(show_spinner="Dessin du graphe…", max_entries=32)
def cached_drawing(url, version, actor, scope, filters, today, key, positions, _analysis):
    """The drawing of the chosen view (overview, one partner, one year) at the scope's stored positions."""
    source, graph, metrics = _analysis
    if key[0] == "ego":
        return build_ego_drawing(graph, metrics, key[1], key[2])
    if key[0] == "annees":
        members = cached_members(url, version, actor, scope, filters, today, source)
        return year_drawing(source, filters, key[1], today, key[2], dict(positions), members)
    return build_drawing(graph, metrics, key[1], positions=dict(positions))


@st.cache_resource(show_spinner=False, max_entries=32)
def cached_frame(url, version, actor, scope, filters, today, key, positions, height, vis_url, _drawing):
    """The page of the graph's frame: the data only, vis-network coming from the app's static files."""
    return render_drawing(_drawing, height=height, vis_url=vis_url)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_year_changes(url, version, actor, scope, filters, today, year, _source):
    """Pairs joined or no longer joined between 31/12 of the year before and 31/12 of `year`."""
    members = cached_members(url, version, actor, scope, filters, today, _source)
    before, after = year_graphs(_source, filters, year, today, members)
    return snapshot_change_records(before, after)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_changes(url, version, actor, scope, filters, today, year_from, year_to, _source):
    """Links added and ended between two years."""
    members = cached_members(url, version, actor, scope, filters, today, _source)
    return network_changes(_source, filters, year_from, year_to, members)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_places(url, version, actor, scope, today, council_id, _source):
    """Territories offered by the territory filter."""
    with read_scope(engine()) as session:
        return filter_territories(session, _source, council_id)


def scope_version(scope):
    """The cache key of what a scope's graph reads: the national version and the council's (with its
    networks') or the network's; the global version for a territory (any council may work there)."""
    if scope.kind == "council":
        return council_scope_version(engine(), scope.value)
    if scope.kind == "network":
        return scope_versions(engine(), networks=[scope.value])
    return (data_version(engine()),)


def download(label: str, make_records, name: str, key: str) -> None:
    """A CSV download button (formulas neutralised), the file built only when clicked (`make_records()`)."""
    st.download_button(label, lambda: spreadsheet_csv(make_records()), file_name=name, mime="text/csv", key=key,
                       icon=":material/download:")


actor = current_actor()
council_id = current_council_id()
today = dt.date.today()
url = database_url()
st.title("Réseau")

with read_scope(engine()) as session:
    networks = network_options(session, actor)
    territories = scope_territories(session, council_id)
    vocab = Vocabularies.load(session)

scope_kinds = {"council": "Instance sélectionnée", "network": "Réseau", "territory": "Territoire"}
if council_id is None:
    scope_kinds.pop("council")
if not networks:
    scope_kinds.pop("network")
if not territories:
    scope_kinds.pop("territory")
if not scope_kinds:
    st.info("Aucune instance ni aucun réseau pour l'instant : importez des données depuis la page Données.")
    st.stop()

# An address names the scope (instance, réseau or territoire) and the year shown.
arrived = {param: from_address(param) for param in ("perimetre", "reseau", "territoire", "annee")}
if arrived["perimetre"] is not None:
    kind = {"instance": "council", "reseau": "network", "territoire": "territory"}.get(arrived["perimetre"])
    if kind not in scope_kinds:
        refuse_address("perimetre")
    st.session_state["net_scope"] = kind
if arrived["reseau"] is not None:
    if as_int(arrived["reseau"]) not in networks:
        refuse_address("reseau")
    st.session_state["net_network"] = as_int(arrived["reseau"])
if arrived["territoire"] is not None:
    if arrived["territoire"] not in territories:
        refuse_address("territoire")
    st.session_state["net_territory_scope"] = arrived["territoire"]

top = st.columns([2, 3])
scope_kind = top[0].radio("Périmètre", list(scope_kinds), format_func=scope_kinds.get, horizontal=True, key="net_scope")
if scope_kind == "network":
    scope = Scope.network(top[1].selectbox("Réseau", list(networks), format_func=networks.get, key="net_network"))
elif scope_kind == "territory":
    scope = Scope.territory(top[1].selectbox("Territoire", list(territories), format_func=territories.get,
                                             key="net_territory_scope"))
else:
    scope = Scope.council(council_id)
to_address("perimetre", {"council": "instance", "network": "reseau", "territory": "territoire"}[scope_kind])
to_address("reseau", st.session_state.get("net_network") if scope_kind == "network" else None)
to_address("territoire", st.session_state.get("net_territory_scope") if scope_kind == "territory" else None)

version = scope_version(scope)
# A network's graph (up to all of France) and a territory's (keyed on the global version: any edit moves it)
# are served from their last computation while the new version is computed in the background; a council's
# is computed here, once per version of the council.
background = scope_kind in ("network", "territory")
try:
    if background:
        eng, results = engine(), background_results()
        with st.spinner("Lecture du réseau…"):
            served_source = results.get(("reseau-source", url, actor, scope, today), version,
                                        partial(read_source, eng, actor, scope, today))
        source = served_source.value
    else:
        source = cached_source(url, version, actor, scope, today)
except MaillageError as error:
    st.warning(f"Graphe indisponible : {md(str(error))}.")
    st.stop()
if not source.nodes:
    st.info(f"Aucun partenaire dans ce périmètre ({md(source.title)}). Ajoutez des partenaires depuis la page Partenaires.")
    st.stop()

if source.hidden_links:
    st.caption(f"{plural(source.hidden_links, 'autre lien')} entre ces partenaires, déclaré(s) par des instances "
               "avec lesquelles vous ne partagez aucun réseau, ne sont pas montrés.")

with st.expander("Filtres", expanded=False, icon=":material/filter_alt:"):
    cols = st.columns(3)
    kind_options = declared_kind_options(source)
    kinds = cols[0].multiselect("Nature des liens", list(kind_options), format_func=kind_options.get,
                                placeholder="Toutes", key="net_kinds")
    levels = {int(code): f"{code} — {label}" for code, label in vocab.labels("link_level").items()}
    min_level = cols[1].selectbox("Niveau minimal", list(levels), format_func=levels.get, key="net_level")
    years = [TODAY_LABEL] + link_years(source, today)
    if arrived["annee"] is not None and as_year(arrived["annee"]) in years:
        st.session_state["net_year"] = as_year(arrived["annee"])
    year = cols[2].selectbox("Le réseau en", years, key="net_year",
                             help="Liens actifs pendant l'année choisie (ou aujourd'hui).")
    to_address("annee", None if year == TODAY_LABEL else year)
    cols = st.columns(3)
    typologies = typology_options(source)
    chosen_typologies = cols[0].multiselect("Typologies", list(typologies), format_func=typologies.get,
                                            placeholder="Toutes", key="net_typologies")
    filter_places = cached_places(url, served_source.version if background else version, actor, scope, today,
                                  council_id if scope_kind == "council" else None, source)
    place = cols[1].selectbox("Territoire", [""] + list(filter_places),
                              format_func=lambda k: "Tous" if not k else filter_places.get(k, k), key="net_place")
    derived = cols[2].toggle("Liens issus des actions communes", value=True, key="net_derived",
                             help="Partenaires qui mènent une action ensemble (tracés en pointillés).")

filters = GraphFilters(
    kinds=frozenset(kinds) if kinds else None, min_level=min_level,
    year=None if year == TODAY_LABEL else int(year),
    typologies=frozenset(chosen_typologies) if chosen_typologies else None,
    territory=place or None, include_derived=derived,
)
if background:
    # the first time, the data just read is used; a refresh in the background reads it afresh
    bundle_source = source if served_source.current else None
    with st.spinner("Calcul des mesures du réseau…"):
        served = results.get(("reseau-analysis", url, actor, scope, filters, today), version, lambda: analysis_of(
            eng, bundle_source if bundle_source is not None else read_source(eng, actor, scope, today), filters))
    analysis, version = served.value, served.version  # what follows is drawn from the result served
else:
    analysis = cached_analysis(url, version, actor, scope, filters, today)
source, graph, metrics = analysis

counts = graph_figures(graph)  # the dashboard's definitions, with what differs said in the help
figures = st.columns(6)
figures[0].metric("Partenaires", format_int(metrics.nodes), help=partners_help(counts, "reseau"))
figures[1].metric("Paires liées", format_int(metrics.links), help=pairs_help(counts))
figures[2].metric("Densité", format_percent(metrics.density, 1))
figures[3].metric("Composantes", format_int(metrics.components))
figures[4].metric("Isolés", format_int(len(metrics.isolated)))
figures[5].metric("Communautés", format_int(len(metrics.communities)))
if background:
    show_freshness(served)

VIEWS = {"ensemble": "Vue d'ensemble", "partenaire": "Un partenaire", "annees": "Au fil des années"}
partner_names = graph_partner_choices(source)
linked = st.query_params.get("partenaire")
if linked is not None and st.session_state.get("net_linked") != linked:
    # a deep link (`?partenaire=ID`, from a partner's card): open that partner's own network, once
    if linked.isdigit() and int(linked) in partner_names:
        st.session_state["net_linked"] = linked
        st.session_state["net_view"] = "partenaire"
        st.session_state["net_ego"] = int(linked)
    else:
        st.warning("Le partenaire demandé par le lien n'est pas dans ce périmètre : choisissez l'instance ou le "
                   "réseau où il travaille, ou choisissez-le ci-dessous.")
mode = st.segmented_control("Vue", list(VIEWS), format_func=VIEWS.get, default="ensemble", key="net_view",
                            required=True)
presenting = st.session_state.get("net_present", False)
cluster_options = {k: v for k, v in CLUSTER_BY.items() if k != "council" or scope_kind != "council"}
default_cluster = "council" if scope_kind == "network" else ("commune" if scope_kind == "territory" else "")
cluster_key = f"net_cluster_{scope_kind}"  # each kind of scope keeps its own grouping
cluster_by = st.session_state.get(cluster_key, default_cluster)
if cluster_by not in cluster_options:
    cluster_by = default_cluster
size_by = st.session_state.get("net_size", "degree")
drawing_key: tuple
if mode == "partenaire":
    cols = st.columns([3, 2])
    ego_id = cols[0].selectbox("Partenaire", list(partner_names), format_func=partner_names.get, key="net_ego",
                               index=None, placeholder="Choisissez un partenaire")
    depth = cols[1].radio("Distance", list(EGO_DEPTHS), key="net_depth", horizontal=True,
                          format_func=lambda d: f"{d} — {EGO_DEPTHS[d]}")
    if ego_id is None:
        st.info("Choisissez un partenaire pour voir son propre réseau : ses partenaires, ses liens par nature et "
                "par niveau, les instances où il travaille et son rôle d'intermédiaire.")
        st.stop()
    if st.query_params.get("partenaire") != str(ego_id):
        st.query_params["partenaire"] = str(ego_id)
        st.session_state["net_linked"] = str(ego_id)
    if ego_id not in graph.nodes:
        st.warning("Ce partenaire est écarté par les filtres choisis : élargissez-les pour voir son réseau.")
        st.stop()
    drawing_key = ("ego", ego_id, depth)
else:
    if linked is not None and st.session_state.get("net_linked") == linked:  # left the partner's view
        del st.query_params["partenaire"]
        st.session_state.pop("net_linked", None)
    if not presenting:
        view_cols = st.columns(3)
        size_by = view_cols[0].radio("Taille des points", list(SIZE_BY), format_func=lambda k: SIZE_BY[k].capitalize(),
                                     horizontal=True, key="net_size")
        cluster_by = view_cols[1].radio("Regrouper par", list(cluster_options), format_func=lambda k: cluster_options[k].capitalize(),
                                        horizontal=True, index=list(cluster_options).index(cluster_by), key=cluster_key,
                                        help="Les partenaires d'un même groupe sont dessinés ensemble, dans un contour à son nom.")
    # above the cap: the grouping and the opened group chosen before (kept in presentation mode)
    group_by, open_group = st.session_state.get("net_group_by", "typology"), st.session_state.get("net_open") or None
    if metrics.nodes > NODE_CAP and mode == "ensemble" and not presenting:
        group_by = view_cols[2].radio("Au-delà de 600, regrouper par", list(GROUP_BY),
                                      format_func=lambda k: GROUP_BY[k].capitalize(), horizontal=True, key="net_group_by")
        groups = list_groups(graph, group_by)
        labels = {key: f"{label} ({format_int(count)})" for key, label, count in groups}
        chosen = st.selectbox("Ouvrir un groupe", [""] + list(labels),
                              format_func=lambda k: "Vue d'ensemble" if not k else labels[k], key="net_open")
        open_group = chosen or None
    year_shown = None
    if mode == "annees":
        ascending = sorted(link_years(source, today))
        if st.session_state.get("net_playing") is not None:
            st.session_state["net_year_slider"] = ascending[st.session_state["net_playing"]]
        cols = st.columns([5, 1])
        year_shown = cols[0].select_slider("Année (le réseau au 31 décembre)", ascending, value=ascending[-1],
                                           key="net_year_slider")
        if cols[1].button("Jouer", icon=":material/play_arrow:", key="net_play",
                          help="Fait défiler les années, de la première à la dernière."):
            st.session_state["net_playing"] = 0
            st.rerun()
    highlight = st.session_state.get("net_highlight") if cluster_by else None
    view = ViewOptions(size_by=size_by, group_by=group_by, open_group=open_group, cluster_by=cluster_by,
                       highlight_group=highlight)
    drawing_key = ("annees", year_shown, view) if mode == "annees" else ("ensemble", view)

positions = {}
if mode != "partenaire":  # the ego view lays its partner out in the middle, afresh
    with session_scope(engine()) as session:
        positions = stable_positions(session, source, drawing_key[-1].cluster_by)
positions_key = tuple(sorted(positions.items()))
drawing = cached_drawing(url, version, actor, scope, filters, today, drawing_key, positions_key, analysis)
height = PRESENTATION_HEIGHT if presenting else GRAPH_HEIGHT
html = cached_frame(url, version, actor, scope, filters, today, drawing_key, positions_key, height, vis_static_url(),
                    drawing)

if presenting:
    st.subheader(md(drawing.heading))
    figures = st.columns(len(drawing.figures))
    for column, (label, value) in zip(figures, drawing.figures):
        column.metric(label, value)
st.iframe(html, height=(PRESENTATION_HEIGHT if presenting else GRAPH_HEIGHT) + 160,
          alt=f"{drawing.heading} ({drawing.subtitle}) ; version texte sous le graphe")
actions = st.columns([2, 2, 2, 2, 3])
actions[0].toggle("Mode présentation", key="net_present",
                  help="Le graphe en grand avec son titre et ses chiffres clés, sans les réglages ni les tableaux.")
stamp = f"{today:%Y-%m-%d}"
# the files are built when a button is clicked (the page HTML standalone: vis-network inlined, works offline)
edited, source_line = f"édité le {today:%d/%m/%Y}", export_source_line(drawing.heading, today)
actions[1].download_button("Image PNG", partial(drawing_png, drawing, edited, source_line),
                           file_name=f"reseau-{stamp}.png", mime="image/png", icon=":material/download:", key="net_png")
actions[2].download_button("Image SVG", partial(drawing_svg, drawing, edited, source_line),
                           file_name=f"reseau-{stamp}.svg", mime="image/svg+xml", icon=":material/download:", key="net_svg")
actions[3].download_button("Page HTML", lambda: render_drawing(drawing, height=height).encode("utf-8"),
                           file_name=f"reseau-{stamp}.html", mime="text/html",
                           icon=":material/download:", key="net_html_download")
if mode != "partenaire":
    with read_scope(engine()) as session:
        may_reset = can_reset_layout(session, actor, scope)
    if may_reset and actions[4].button("Recalculer la disposition", icon=":material/refresh:", key="net_relayout",
                                       help="Les positions sont gardées d'une fois sur l'autre ; recalculer les "
                                            "replace toutes, pour tout le monde."):
        with session_scope(engine()) as session:
            reset_layout(session, actor, scope, drawing_key[-1].cluster_by)
        st.session_state["net_saved"] = "Disposition recalculée."
        st.rerun()
if "net_saved" in st.session_state and st.session_state.get("net_saved") == "Disposition recalculée.":
    st.success(st.session_state.pop("net_saved"))
betweenness = ("exacte" if metrics.betweenness_exact else
               f"estimée sur {format_int(metrics.betweenness_sources)} sources tirées au hasard (graine fixe)")
st.caption(f"Positions gardées d'une vue à l'autre ; faites glisser pour déplacer la vue, molette ou boutons pour "
           f"zoomer. Intermédiarité {md(betweenness)}.")

if presenting:
    st.stop()

if mode == "partenaire":
    summary = ego_summary(graph, metrics, ego_id, depth)
    cols = st.columns(4)
    cols[0].metric("Partenaires directs", format_int(summary.direct))
    cols[1].metric("Au second cercle", format_int(summary.second) if depth == 2 else "—")
    cols[2].metric("Instances", format_int(len(summary.councils)))
    cols[3].metric("Rang d'intermédiaire", f"{summary.rank}ᵉ" if summary.rank else "—")
    st.markdown("**Rôle d'intermédiaire.** " + md(summary.role))
    st.markdown("**Instances où il travaille** : " + (md(", ".join(summary.councils)) or "aucune"))
    st.markdown("**Ses liens déclarés, par nature et par niveau**")
    counts = kind_level_counts(graph, ego_id)
    if counts:
        show_table(counts)
    else:
        st.info("Aucun lien déclaré avec les filtres choisis.")
    st.markdown("**Tous ses liens et actions communes**")
    show_table(ego_link_records(graph, ego_id))
    download("Télécharger (CSV)", partial(ego_link_records, graph, ego_id, display=False), "reseau-partenaire-liens.csv", "dl_ego")
    st.stop()

if mode == "annees":
    st.markdown(f"**Ce qui a changé en {md(year_shown)}** (entre le 31/12/{md(year_shown - 1)} et le "
                f"{format_date(min(dt.date(year_shown, 12, 31), today))})")
    changes = cached_year_changes(url, version, actor, scope, filters, today, year_shown, source)
    if changes:
        show_table(changes)
        download("Télécharger (CSV)", lambda rows=changes: rows, f"reseau-changements-{year_shown}.csv", "dl_year_changes")
    else:
        st.info("Aucun lien apparu ni terminé cette année-là.")
    if st.session_state.get("net_playing") is not None:
        position = st.session_state["net_playing"]
        if position + 1 < len(ascending):
            time.sleep(1.6)
            st.session_state["net_playing"] = position + 1
        else:
            st.session_state["net_playing"] = None
        st.rerun()
    st.stop()

if cluster_by and not drawing.grouped:
    st.markdown("**Groupes du dessin** — liens entre les groupes (sur la diagonale : à l'intérieur d'un groupe). "
                "Choisissez une ligne pour mettre son groupe en évidence dans le dessin.")
    records, keys = cluster_matrix(graph, cluster_by)
    picked = show_table(records, on_select="rerun", selection_mode="single-row", key="net_cluster_table")
    rows = picked.selection.rows if picked is not None else []
    chosen_group = keys[rows[0]] if rows else None
    if chosen_group != st.session_state.get("net_highlight"):
        st.session_state["net_highlight"] = chosen_group
        st.rerun()

tabs = st.tabs(["Chiffres clés", "Partenaires", "Intermédiaires", "Isolés", "Communautés", "Matrice de collaboration",
                "Typologies attendues", "Évolution"], key="net_tab", on_change="rerun")
with tabs[0]:
    show_table(summary_records(metrics))
    download("Télécharger (CSV)", partial(summary_records, metrics, display=False), "reseau-chiffres.csv", "dl_summary")
with tabs[1]:
    if tabs[1].open:  # a hidden tab builds and sends nothing
        show_table(partner_records(metrics))
        download("Télécharger (CSV)", partial(partner_records, metrics, display=False), "reseau-partenaires.csv", "dl_partners")
with tabs[2]:
    if tabs[2].open:  # a hidden tab builds and sends nothing
        st.caption("Les partenaires par qui passent le plus de plus courts chemins entre les autres : "
                   "ils relient des groupes qui, sans eux, ne se parleraient pas.")
        if metrics.brokers:
            show_table(broker_records(metrics))
            download("Télécharger (CSV)", partial(broker_records, metrics, display=False), "reseau-intermediaires.csv", "dl_brokers")
        else:
            st.info("Aucun intermédiaire : aucun partenaire ne relie d'autres partenaires entre eux.")
with tabs[3]:
    if tabs[3].open:  # a hidden tab builds and sends nothing
        if metrics.isolated:
            st.warning(f"{plural(len(metrics.isolated), 'partenaire')} sans aucun lien avec les filtres choisis.")
            show_table(isolated_records(metrics))
            download("Télécharger (CSV)", partial(isolated_records, metrics), "reseau-isoles.csv", "dl_isolated")
        else:
            st.success("Aucun partenaire isolé.")
with tabs[4]:
    if tabs[4].open:  # a hidden tab builds and sends nothing
        st.caption("Groupes de partenaires plus liés entre eux qu'avec les autres (méthode de Leiden, graine fixe). "
                   "Chaque partenaire isolé forme à lui seul une communauté, numérotée après celles-ci et non listée ici.")
        if metrics.communities:
            show_table(community_records(metrics))
            download("Télécharger (CSV)", partial(community_records, metrics, display=False), "reseau-communautes.csv", "dl_communities")
        else:
            st.info("Aucune communauté : aucun lien.")
with tabs[5]:
    if tabs[5].open:  # a hidden tab builds and sends nothing
        levels_shown = {"group": "Secteurs", "typology": "Typologies"}
        level = st.radio("Regrouper les partenaires par", list(levels_shown), format_func=levels_shown.get,
                         horizontal=True, key="net_matrix_level")
        st.caption("Nombre de paires liées entre les secteurs ou les typologies (sur la diagonale : à l'intérieur "
                   "d'un même secteur ou d'une même typologie).")
        show_table(matrix_records(metrics, level=level))
        download("Télécharger (CSV)", partial(matrix_records, metrics, display=False, level=level),
                 f"reseau-{'secteurs' if level == 'group' else 'typologies'}.csv", "dl_matrix")
with tabs[6]:
    if scope_kind != "council":
        st.caption("Cadre par défaut, appliqué aux partenaires du périmètre.")
    elif metrics.expectations_default:
        st.caption("Cette instance n'a pas défini ses typologies attendues : le cadre par défaut s'applique.")
    if metrics.missing:
        st.warning("Typologies attendues absentes du partenariat : "
                   + md(" ; ".join(e.label(vocab) for e in metrics.missing)) + ".")
    else:
        st.success("Toutes les typologies attendues sont présentes dans le partenariat.")
    show_table(missing_records(metrics, vocab))
    download("Télécharger (CSV)", partial(missing_records, metrics, vocab), "reseau-typologies-attendues.csv", "dl_missing")
    if scope_kind == "council" and can_write_council(actor, council_id):
        shown = [] if metrics.expectations_default else [e.text for e in metrics.expectations]
        with st.form("expectations"):
            text = st.text_area(
                "Typologies attendues (une par ligne ; « | » entre des typologies équivalentes)",
                value="\n".join(e.text for e in metrics.expectations), height=220,
                help="Codes : " + md(", ".join(f"{code} ({label})" for code, label in vocab.labels("typology").items())),
            )
            save = st.form_submit_button("Enregistrer les typologies attendues")
        reset = st.button("Revenir au cadre par défaut", disabled=metrics.expectations_default)
        if save or reset:
            entries = [] if reset else [line for line in text.splitlines() if line.strip()]
            try:
                with session_scope(engine()) as session:
                    set_expectations(session, actor, council_id, entries, expected_current=shown)
            except MaillageError as error:
                st.error(md(str(error)[:1].upper() + str(error)[1:]))
            else:
                st.session_state["net_saved"] = "Typologies attendues enregistrées."
                st.rerun()
        if "net_saved" in st.session_state:
            st.success(st.session_state.pop("net_saved"))
with tabs[7]:
    if tabs[7].open:  # computed only when the tab is opened (two more graphs, for two years)
        year_choices = link_years(source, today)
        cols = st.columns(2)
        year_from = cols[0].selectbox("De", year_choices, index=min(3, len(year_choices) - 1), key="net_from")
        year_to = cols[1].selectbox("À", year_choices, index=0, key="net_to")
        changes = cached_changes(url, version, actor, scope, filters, today, year_from, year_to, source)
        st.markdown(f"**Liens apparus entre {md(year_from)} et {md(year_to)}** : {format_int(len(changes.added))}")
        if changes.added:
            show_table(change_records(changes, "added"))
            download("Télécharger (CSV)", partial(change_records, changes, "added", display=False), "reseau-liens-apparus.csv", "dl_added")
        st.markdown(f"**Liens terminés entre {md(year_from)} et {md(year_to)}** : {format_int(len(changes.ended))}")
        if changes.ended:
            show_table(change_records(changes, "ended"))
            download("Télécharger (CSV)", partial(change_records, changes, "ended", display=False), "reseau-liens-termines.csv", "dl_ended")
        if changes.newly_isolated:
            st.warning(f"Devenus isolés en {md(year_to)} : " + md(", ".join(changes.newly_isolated)) + ".")
        if changes.no_longer_isolated:
            st.info(f"Sortis de l'isolement en {md(year_to)} : " + md(", ".join(changes.no_longer_isolated)) + ".")
