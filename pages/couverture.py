"""Couverture: what each commune should have, what it has, what is missing and who could fill it."""

import datetime as dt
from functools import partial

import streamlit as st

from maillage.accounts import can_write_council
from maillage.core import (
    MaillageError,
    PermissionDenied,
    council_scope_version,
    database_url,
    fold,
    format_date,
    format_decimal,
    format_int,
    format_percent,
    md,
    plural,
    read_scope,
    scope_versions,
    session_scope,
)
from maillage.coverage import (
    ATTRIBUTION,
    BY_CHOICES,
    DISPLAY_LABELS,
    GAP_STATUSES,
    LEVEL_LABELS,
    PRESENCE_HELP,
    PRESENCE_LABELS,
    ROW_LEVELS,
    STATUS_HELP,
    WITHOUT_RUNNING,
    PresenceQuery,
    RuleSpec,
    absence_sentence,
    action_records,
    actions_behind,
    add_rule,
    build_matrix,
    cell_explanation,
    cell_label,
    comparison_records,
    council_suggestion_records,
    council_summary,
    coverage_access,
    coverage_map,
    expectation_map,
    frame_records,
    gap_records,
    load_council_coverage,
    load_council_presence,
    network_comparison,
    network_presence,
    network_presence_records,
    partner_suggestion_records,
    partnership_gaps,
    presence_map,
    presence_records,
    readable_networks,
    records_csv,
    records_xlsx,
    remove_rule,
    reset_frame,
    single_partner_actions,
    single_partner_records,
    suggest,
    summaries_by,
    summary_record,
    update_rule,
)
from maillage.vocabularies import Vocabularies
from ui.coverage_charts import SELECTION, coverage_map_chart, heatmap, status_map_chart
from ui.links import as_date, copy_link_button, from_address, refuse_address, to_address
from ui.refresh import background_results, show_freshness
from ui.session import current_actor, current_council_id, engine
from ui.tables import Col, show_table

FLASH = "cov_flash"
MATRIX_STATUSES = ["active", "planned", "lapsed", "missing", "not_expected_present", "not_expected"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CELL_HELP = {**STATUS_HELP, "not_expected_present": "commune sous le seuil du référentiel, mais une action en cours "
             "de ce type la touche", "not_expected": "commune sous le seuil du référentiel et aucune action en cours "
             "ne la touche (choix délibéré du référentiel)"}
THEME_STATUSES = ["active", "planned", "lapsed", "none"]
SUGGESTION_COLUMNS = {
    "Pourquoi": Col("Pourquoi ce partenaire est proposé : sa typologie, sa présence sur la commune.", max_width=640),
    "Actions partagées": Col("Actions de ce type que l'instance partage avec ses réseaux.", max_width=640),
    "Même public": "« oui » : au moins une de ces actions vise le même public.",
    "Partenaires qui pourraient la porter": Col("Partenaires présents sur la commune dont la typologie porte déjà "
                                                "ce type d'action ailleurs.", max_width=640),
    "Instances du réseau qui la mènent": "Instances des mêmes réseaux qui partagent une action de ce type.",
}


@st.cache_data(show_spinner=False, max_entries=64)
def _coverage(url: str, version: int, council_id: int, as_of: dt.date, shared_only: bool):
    """The council's coverage, computed once per data version (url and version are the cache key)."""
    with read_scope(engine()) as session:
        return load_council_coverage(session, council_id, as_of, shared_only)


@st.cache_data(show_spinner=False, max_entries=32)
def _suggestions(url: str, version: int, council_id: int, as_of: dt.date, shared_only: bool):
    """Suggestions for every gap of the council, once per data version."""
    cov = _coverage(url, version, council_id, as_of, shared_only)
    with read_scope(engine()) as session:
        return suggest(session, cov)


@st.cache_data(show_spinner=False, max_entries=32)
def _partnership(url: str, version: int, council_id: int, as_of: dt.date, shared_only: bool):
    """Missing expected typologies and actions without co-production, once per data version."""
    with read_scope(engine()) as session:
        return (partnership_gaps(session, council_id),
                single_partner_actions(session, council_id, as_of, shared_only))


@st.cache_data(show_spinner=False, max_entries=32)
def _comparison(url: str, version: int, council_id: int, as_of: dt.date, actor_key: tuple, _actor):
    """The council and its network peers side by side, once per data version and reader (`actor_key`)."""
    with read_scope(engine()) as session:
        return network_comparison(session, _actor, council_id, as_of)


@st.cache_data(show_spinner=False, max_entries=64)
def _presence(url: str, version: int, council_id: int, as_of: dt.date, shared_only: bool, query: PresenceQuery):
    """The council's presence answer for a query, once per data version."""
    with read_scope(engine()) as session:
        return load_council_presence(session, council_id, as_of, query, shared_only)


def _read_network_presence(eng, actor, network_id: int, query: PresenceQuery, as_of: dt.date):
    """Every council of a network answering the presence question, read now (no Streamlit call: a network
    may be all of France, so this also runs in the background)."""
    with read_scope(eng) as session:
        return network_presence(session, actor, network_id, query, as_of)


def _query_controls(prefix: str, default_type: str | None) -> PresenceQuery:
    """Action type, public and theme pickers (each « tous » by default but the type) → the query."""
    columns = st.columns(3)
    choices = {}
    for column, kind, label, everything, default in (
            (columns[0], "action_type", "Type d'action", "Tous les types", default_type),
            (columns[1], "public", "Public", "Tous les publics", None),
            (columns[2], "theme", "Thème", "Tous les thèmes", None)):
        labels = vocab.labels(kind)
        options = [""] + list(labels)
        key = f"{prefix}_{kind}"
        if key not in st.session_state:
            st.session_state[key] = default if default in options else ""
        choices[kind] = column.selectbox(label, options, key=key,
                                         format_func=lambda code, labels=labels, everything=everything:
                                         labels.get(code, everything) if code else everything) or None
    return PresenceQuery(choices["action_type"], choices["public"], choices["theme"])


def _downloads(records: list[dict], name: str, sheet: str, key: str) -> None:
    """CSV and XLSX download buttons for records (French headers, formulas neutralised), built on click."""
    columns = st.columns(2)
    columns[0].download_button("Télécharger (CSV)", partial(records_csv, records), f"{name}.csv", "text/csv",
                               icon=":material/download:", key=f"{key}_csv")
    columns[1].download_button("Télécharger (XLSX)", partial(records_xlsx, records, sheet), f"{name}.xlsx", XLSX,
                               icon=":material/download:", key=f"{key}_xlsx")


def _flash(message: str) -> None:
    """Show `message` as a success notice after the rerun that displays the change."""
    st.session_state[FLASH] = message
    st.rerun()


council_id = current_council_id()
actor = current_actor()
if council_id is None:
    st.title("Couverture")
    st.info("Aucune instance n'est encore enregistrée : importez vos données depuis la page Données.")
    st.stop()

with read_scope(engine()) as session:
    try:
        shared_only = coverage_access(session, actor, council_id)
    except PermissionDenied as error:
        st.title("Couverture")
        st.error(f"Accès refusé : {md(error)}.")
        st.stop()
    vocab = Vocabularies.load(session)
version = council_scope_version(engine(), council_id)  # an edit in an unrelated council keeps this warm
url = database_url()

# An address (« Copier le lien », bookmark) names the date, the matrix's layout and the cell to open.
arrived = {param: from_address(param) for param in ("date", "colonnes", "lignes", "territoire", "colonne")}
if as_date(arrived["date"]) is not None:
    st.session_state["cov_as_of"] = as_date(arrived["date"])
if arrived["colonnes"] in BY_CHOICES:
    st.session_state["cov_by"] = arrived["colonnes"]
if arrived["lignes"] in ROW_LEVELS:
    st.session_state["cov_rows"] = arrived["lignes"]
if arrived["territoire"] is not None:
    st.session_state["cov_row"] = arrived["territoire"]
if arrived["colonne"] is not None:
    st.session_state["cov_col"] = arrived["colonne"]
if "cov_as_of" not in st.session_state:
    st.session_state["cov_as_of"] = dt.date.today()

title_slot = st.empty()
controls = st.columns([1, 1.4, 1.2])
as_of = controls[0].date_input("Date de référence", format="DD/MM/YYYY", key="cov_as_of",
                               help="Le statut de chaque action est évalué à cette date (une action terminée "
                                    "avant compte comme échue, une action pas encore commencée comme prévue).")
by = controls[1].radio("Colonnes", list(BY_CHOICES), format_func=BY_CHOICES.get, horizontal=True, key="cov_by")
rows_level = controls[2].radio("Lignes", list(ROW_LEVELS), format_func=ROW_LEVELS.get, horizontal=True,
                               key="cov_rows")

cov = _coverage(url, version, council_id, as_of, shared_only)
title_slot.title(f"Couverture — {md(cov.name)}")
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))
frame_text = (f"référentiel par défaut ({plural(len(cov.frame), 'règle')})" if cov.frame_is_default
              else f"référentiel propre à l'instance ({plural(len(cov.frame), 'règle')})")
st.caption(f"Au {format_date(cov.as_of)} · {plural(len(cov.communes), 'commune')} · "
           f"{format_int(cov.population)} habitants · {md(frame_text)}"
           + (" · actions partagées seulement (accès réseau)" if shared_only else ""))

whole = council_summary(cov)
metrics = st.columns(4)
metrics[0].metric("Score de couverture", format_percent(whole.score),
                  help="Part des cellules attendues (commune × type d'action × public) couvertes par une action en cours.")
metrics[1].metric("Cellules attendues", format_int(whole.expected))
metrics[2].metric("Manquantes", format_int(whole.counts["missing"]))
metrics[3].metric("Échues", format_int(whole.counts["lapsed"]),
                  help="Seules des actions terminées, arrivées à échéance ou suspendues couvrent ces cellules.")
metrics = st.columns(4)
metrics[0].metric("Prévues", format_int(whole.counts["planned"]), help="Seule une action en projet couvre ces cellules.")
metrics[1].metric("Actions en cours / 10 000 hab.", format_decimal(whole.actions_per_10k, 2)
                  if whole.actions_per_10k is not None else "—",
                  help="Actions en cours (tous types) qui touchent au moins une commune de l'instance.")
metrics[2].metric("Heures en ligne / 10 000 hab.", format_decimal(whole.online_hours_per_10k, 2)
                  if whole.online_hours_per_10k is not None else "—",
                  help="Heures hebdomadaires des actions en ligne en cours, réparties entre les communes "
                       "qu'elles touchent au prorata de la population.")
metrics[3].metric("Population couverte", format_int(cov.population))

if not cov.communes:
    st.info("Cette instance ne couvre encore aucune commune : ajoutez ses territoires pour calculer sa couverture.")

tab_matrix, tab_presence, tab_map, tab_gaps, tab_areas, tab_partnership, tab_frame = st.tabs(
    ["Matrice", "Présence", "Carte", "Manques et suggestions", "Par territoire", "Partenariat", "Référentiel"],
    key="cov_tab", on_change="rerun")  # a tab guarded by `.open` computes only when opened
DEFAULT_TYPE = cov.frame[0].action_type if cov.frame else None
with tab_matrix:
    statuses = THEME_STATUSES if by == "theme" else MATRIX_STATUSES
    full = build_matrix(cov, by, rows_level, vocab)
    filters = st.columns([1.2, 1.2, 1])
    wanted_statuses = filters[0].multiselect(
        "Lignes ayant au moins une cellule", statuses, format_func=DISPLAY_LABELS.get, key=f"cov_status_{by}",
        placeholder="Tous les statuts",
        help="Par exemple « Manquant » pour ne garder que les territoires où il manque quelque chose.")
    wanted_columns = filters[1].multiselect(
        "Colonnes affichées", [c.key for c in full.columns], key=f"cov_columns_{by}",
        format_func={c.key: c.label for c in full.columns}.get, placeholder="Toutes")
    search = filters[2].text_input("Rechercher un territoire", key="cov_search")
    matrix = full.filtered(statuses=set(wanted_statuses), columns=wanted_columns, search=search)

    st.markdown("Légende — " + " · ".join(f"**{DISPLAY_LABELS[s]}** : {CELL_HELP[s]}" for s in statuses) + ".",
                help="Chaque cellule porte aussi un symbole : ✓ couvert, ✗ manquant, "
                "P prévu, É échu ; « 2/3 » = 2 cellules couvertes sur 3 attendues. Entre parenthèses, ce qui est là "
                "sans être attendu : (✓) non attendu mais couvert, (P) non attendu mais prévu, (É) non attendu, "
                "échu ; – non attendu et rien.")
    records = matrix.records()
    if len(matrix.rows) > 150:
        st.caption(f"{format_int(len(matrix.rows))} lignes : regroupez par EPCI ou par département, ou filtrez, "
                   "pour une vue d'ensemble plus compacte.")
    if not records:
        st.info("Aucune cellule ne correspond à ces filtres.")
    else:
        event = st.altair_chart(
            heatmap(records, statuses), on_select="rerun", key="cov_chart", selection_mode=SELECTION, width="stretch",
            alt=f"Matrice de couverture de {cov.name} : {len(matrix.rows)} territoires en lignes, "
                f"{len(matrix.columns)} colonnes ; le même contenu est disponible sous forme de tableau ci-dessous.")
        points = (event.selection.get(SELECTION) or []) if event and event.selection else []
        if points:
            picked = (points[0].get("row"), points[0].get("column"))
            if picked != st.session_state.get("cov_last_pick"):
                st.session_state["cov_last_pick"] = picked
                st.session_state["cov_row"], st.session_state["cov_col"] = picked

        row_labels = {r.key: r.label for r in matrix.rows}
        column_labels = {c.key: c.label for c in matrix.columns}
        if arrived["territoire"] is not None and arrived["territoire"] not in row_labels:
            refuse_address("territoire")  # not a territory of this council: say nothing more
        if st.session_state.get("cov_row") not in row_labels or st.session_state.get("cov_col") not in column_labels:
            first = next((c for c in matrix.cells.values() if c.is_gap), next(iter(matrix.cells.values())))
            st.session_state["cov_row"], st.session_state["cov_col"] = first.row, first.column
        st.markdown("**Détail d'une cellule** — cliquez sur la matrice ou choisissez :")
        pick = st.columns(2)
        row_key = pick[0].selectbox("Territoire", list(row_labels), format_func=row_labels.get, key="cov_row")
        column_key = pick[1].selectbox("Colonne", list(column_labels), format_func=column_labels.get, key="cov_col")
        for param, value in (("date", as_of.isoformat()), ("colonnes", by), ("lignes", rows_level),
                             ("territoire", row_key), ("colonne", column_key)):
            to_address(param, value)
        copy_link_button()
        cell = matrix.cell(row_key, column_key)
        if cell is None:
            st.info("Pas de cellule ici : le référentiel n'attend rien pour cette combinaison.")
        else:
            st.markdown(f"**{md(row_labels[row_key])} × {md(column_labels[column_key])}** : {md(cell_label(cell))}.")
            if by == "theme":
                st.caption("Les thèmes ne sont pas attendus par le référentiel : la cellule dit seulement ce qui est là.")
            else:
                st.markdown("\n".join(f"- {md(line)}" for line in cell_explanation(cov, cell, vocab)))
            lines = actions_behind(cov, cell)
            if lines:
                st.markdown("Actions qui touchent ce territoire, et par quel territoire :")
                show_table(action_records(lines, vocab), {"Atteint le territoire": "Par quel territoire de l'action la commune est atteinte."})
            elif by != "theme":
                st.caption("Aucune action de ce type pour ce public ne touche ce territoire.")
            gaps_here = [fc for fc in cell.frame_cells if fc.status in GAP_STATUSES]
            if gaps_here:
                found_all = _suggestions(url, version, council_id, as_of, shared_only)
                for gap in gaps_here[:10]:
                    found = found_all.get((gap.commune, gap.action_type, gap.public))
                    st.markdown(f"Qui pourrait porter « {md(vocab.label('action_type', gap.action_type))} » pour "
                                f"« {md(vocab.label('public', gap.public))} » à {md(cov.commune(gap.commune).name)} ?")
                    if found is None or found.empty:
                        st.caption("Aucune suggestion : aucun partenaire présent sur la commune n'a une typologie qui "
                                   "porte ce type d'action, et aucune instance du réseau ne le partage.")
                        continue
                    if found.partners:
                        st.markdown("*Partenaires présents sur la commune*")
                        show_table(partner_suggestion_records(found, vocab), SUGGESTION_COLUMNS)
                    if found.councils:
                        st.markdown("*Instances des mêmes réseaux qui mènent ce type d'action*")
                        show_table(council_suggestion_records(found), SUGGESTION_COLUMNS)
                if len(gaps_here) > 10:
                    st.caption(f"… et {format_int(len(gaps_here) - 10)} autres manques : voir l'onglet « Manques et suggestions ».")

        with st.expander("La matrice sous forme de tableau"):
            show_table(matrix.wide_rows(display=True))
        downloads = st.columns(2)
        name = f"couverture-{fold(cov.name).replace(' ', '-')}-{cov.as_of.isoformat()}"
        downloads[0].download_button("Matrice (CSV)", lambda: records_csv(matrix.wide_rows()), f"{name}-matrice.csv",
                                     "text/csv", icon=":material/download:", key="cov_dl_matrix_csv")
        downloads[1].download_button("Matrice (XLSX)", lambda: records_xlsx(matrix.wide_rows(), "matrice"),
                                     f"{name}-matrice.xlsx",
                                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                     icon=":material/download:", key="cov_dl_matrix_xlsx")

# Once the matrix has picked its cell, the presence question and the map follow its column (type, public,
# or both for a rule) whenever that pick changes.
_picked = (by, st.session_state.get("cov_col"))
if _picked[1] and _picked != st.session_state.get("cov_followed"):
    st.session_state["cov_followed"] = _picked
    _type, _public = {"type": (_picked[1], ""), "public": ("", _picked[1]),
                      "rule": tuple(_picked[1].partition("|")[::2])}.get(by, (None, None))
    for _prefix in ("cov_q", "cov_map"):
        if _type is not None and _type in vocab.labels("action_type"):
            st.session_state[f"{_prefix}_action_type"] = _type
        if _public:
            st.session_state[f"{_prefix}_public"] = _public
        elif by in ("type", "rule"):
            st.session_state[f"{_prefix}_public"] = ""

with tab_presence:
    st.markdown("**Où n'y a-t-il aucune action en cours ?** Choisissez un type d'action (et, si besoin, un public "
                "ou un thème) : la réponse ne tient pas compte du référentiel, elle dit ce qui est là.")
    query = _query_controls("cov_q", DEFAULT_TYPE)
    with read_scope(engine()) as session:
        networks = readable_networks(session, actor)
    scopes = {"council": f"Cette instance ({cov.name})"} | {f"net:{i}": f"Tout le réseau « {n} »" for i, n in networks}
    scope = st.radio("Pour", list(scopes), format_func=scopes.get, horizontal=True, key="cov_q_scope")
    file_name = f"presence-{fold(cov.name).replace(' ', '-')}-{cov.as_of.isoformat()}"
    if scope == "council":
        presence = _presence(url, version, council_id, as_of, shared_only, query)
        without = presence.with_status(*WITHOUT_RUNNING)
        st.markdown(f"**{md(absence_sentence(presence, vocab))}**")
        numbers = st.columns(3)
        numbers[0].metric("Communes sans action en cours", f"{format_int(len(without))} sur {format_int(len(presence.rows))}")
        numbers[1].metric("Habitants concernés", format_int(sum(r.population for r in without)))
        numbers[2].metric("Part de la population de l'instance", format_percent(presence.share(without)))
        if without:
            show_table(presence_records(presence, display=True, statuses=WITHOUT_RUNNING))
        with st.expander("Toutes les communes : présence, nombre d'actions, depuis quand, par quel territoire"):
            show_table(presence_records(presence, display=True))
            st.caption(" · ".join(f"**{PRESENCE_LABELS[s]}** : {PRESENCE_HELP[s]}" for s in PRESENCE_LABELS))
        _downloads(presence_records(presence), file_name, "presence", "cov_q_dl")
    else:
        network_id = int(scope.partition(":")[2])
        # a network may be all of France: its last answer is served while a changed one is computed behind
        network_version = scope_versions(engine(), networks=[network_id])
        with st.spinner("Calcul pour tout le réseau…"):
            served = background_results().get(
                ("couverture-reseau", url, network_id, as_of, query, actor), network_version,
                partial(_read_network_presence, engine(), actor, network_id, query, as_of))
        answers = served.value
        show_freshness(served)
        lacking = [a for a in answers if a.with_status(*WITHOUT_RUNNING)]
        st.markdown(f"**{format_int(len(lacking))} instance{'s' if len(lacking) > 1 else ''} sur "
                    f"{format_int(len(answers))} {'ont' if len(lacking) > 1 else 'a'} au moins une commune sans action "
                    f"en cours correspondant à ce choix.**")
        show_table(network_presence_records(answers, "council", display=True))
        communes = network_presence_records(answers, "commune", display=True, statuses=WITHOUT_RUNNING)
        if communes:
            st.markdown("Les communes concernées :")
            show_table(communes)
        st.caption("Pour les instances que vous ne coordonnez pas, seules les actions partagées avec leurs réseaux "
                   "sont comptées : une commune peut y avoir une action que vous ne voyez pas.")
        name = f"presence-reseau-{network_id}-{as_of.isoformat()}"
        st.markdown("Par instance :")
        _downloads(network_presence_records(answers, "council"), name + "-instances", "instances", "cov_qn_dl")
        st.markdown("Par commune (toutes les communes) :")
        _downloads(network_presence_records(answers, "commune"), name + "-communes", "communes", "cov_qnc_dl")

with tab_map:
    if tab_map.open:  # the map (Altair, every commune's outline) is drawn only when its tab is opened
        modes = {"presence": "Présence d'actions", "expected": "Attentes du référentiel", "score": "Score global"}
        mode = st.radio("Colorer selon", list(modes), format_func=modes.get, horizontal=True, key="cov_map_mode",
                        help="Présence : y a-t-il une action du type choisi, que le référentiel l'attende ou non ? "
                             "Attentes : ce que le référentiel attend et ce qui est là. Score : part des attentes couvertes.")
        if mode == "score":
            level = st.radio("Découpage", list(LEVEL_LABELS), format_func=LEVEL_LABELS.get, horizontal=True,
                             key="cov_map_level",
                             help="Zoom arrière : les EPCI ou départements prennent le score des communes de l'instance "
                                  "qu'ils contiennent.")
            drawn = coverage_map(cov, level)
            if drawn.features:
                st.altair_chart(coverage_map_chart(drawn.geojson), width="stretch")
                st.caption("Couleur : part des cellules attendues couvertes, du rouge (0 %) au vert (100 %) ; gris : "
                           "rien d'attendu (communes sous les seuils du référentiel). Survolez un territoire pour le détail.")
            else:
                st.info("Aucun contour à afficher pour ces territoires.")
        else:
            map_query = _query_controls("cov_map", DEFAULT_TYPE)
            if mode == "presence":
                drawn = presence_map(_presence(url, version, council_id, as_of, shared_only, map_query), vocab)
            else:
                if map_query.theme:
                    st.caption("Le référentiel n'attend pas de thèmes : le thème choisi est ignoré pour les attentes.")
                drawn = expectation_map(cov, map_query.action_type, map_query.public)
            if drawn.features:
                left, right = st.columns([3, 2])
                counts = drawn.counts()
                left.altair_chart(
                    status_map_chart(drawn), width="stretch",
                    alt=f"Carte : {drawn.title} ; " + ", ".join(f"{label} : {plural(counts.get(s, 0), 'commune')}"
                                                                 for s, label, _e in drawn.legend)
                        + ". Le tableau à côté donne le statut de chaque commune.")
                left.markdown("Légende — " + " · ".join(f"**{md(label)}** ({plural(counts.get(s, 0), 'commune')}) : "
                                                        f"{md(explanation)}" for s, label, explanation in drawn.legend)
                              + (". " + md(drawn.context_note) if drawn.context_note else "."))
                right.markdown(f"**{md(drawn.title)}**")
                with right:
                    show_table(drawn.records(), height=460)
            else:
                st.info("Aucun contour à afficher pour ces communes.")
        if drawn.without_outline:
            st.caption("Sans contour disponible : " + ", ".join(md(name) for name in drawn.without_outline) + ".")
        st.caption(ATTRIBUTION)

with tab_gaps:
    found_all = _suggestions(url, version, council_id, as_of, shared_only)
    shown = gap_records(cov, found_all, vocab, display=True)
    if not shown:
        st.success("Aucun manque : chaque cellule attendue a une action en cours ou prévue.")
    else:
        st.markdown(f"{plural(len(shown), 'manque')} (cellules manquantes ou échues), avec les partenaires présents "
                    "sur la commune dont la typologie porte déjà ce type d'action ailleurs, et les instances des mêmes "
                    "réseaux qui le mènent (actions partagées).")
        show_table(shown, SUGGESTION_COLUMNS)
    gap_files = gap_records(cov, found_all, vocab)
    columns = st.columns(2)
    name = f"manques-{fold(cov.name).replace(' ', '-')}-{cov.as_of.isoformat()}"
    columns[0].download_button("Liste des manques (CSV)", partial(records_csv, gap_files), f"{name}.csv", "text/csv",
                               icon=":material/download:", key="cov_dl_gaps_csv")
    columns[1].download_button("Liste des manques (XLSX)", partial(records_xlsx, gap_files, "manques"), f"{name}.xlsx",
                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               icon=":material/download:", key="cov_dl_gaps_xlsx")

with tab_areas:
    # the comparison with every network peer is half of a network member's first view: only when opened
    comparison = _comparison(url, version, council_id, as_of, (actor.email, actor.role,
                             tuple(sorted(actor.council_ids))), actor) if tab_areas.open else []
    if len(comparison) > 1:
        st.markdown("**Instances des mêmes réseaux**")
        show_table(comparison_records(comparison))
        st.caption("Pour les instances que vous ne coordonnez pas, seules les actions qu'elles partagent avec "
                   "leurs réseaux sont comptées : leur score peut être sous-estimé.")
    st.markdown("**Par EPCI**")
    show_table([summary_record(s) for s in summaries_by(cov, "epci")])
    st.markdown("**Par commune**")
    show_table([summary_record(s) for s in summaries_by(cov, "commune")])

with tab_partnership:
    gaps, single = _partnership(url, version, council_id, as_of, shared_only)
    st.markdown("**Typologies attendues absentes du partenariat**"
                + (" (attentes par défaut)" if gaps.is_default else " (attentes de l'instance)"))
    if gaps.missing:
        for label in gaps.missing_labels():
            st.markdown(f"- {md(label)}")
    else:
        st.success("Toutes les typologies attendues sont présentes dans le partenariat.")
    st.markdown("**Actions sans coproduction** (en cours ou en projet, un seul partenaire ou aucun)")
    if single:
        show_table(single_partner_records(single, vocab))
    else:
        st.success("Toutes les actions en cours ou en projet associent au moins deux partenaires.")

with tab_frame:
    if cov.frame_is_default:
        st.info("Cette instance suit le référentiel par défaut. La première modification en fait une copie propre "
                "à l'instance ; supprimer toutes ses règles la ramène au référentiel par défaut.")
    show_table(frame_records(cov, vocab))
    if not can_write_council(actor, council_id):
        st.caption("Lecture seule : seuls les coordinateurs de l'instance et les administrateurs modifient le référentiel.")
    else:
        type_labels = vocab.labels("action_type")
        public_labels = vocab.labels("public")
        with st.form("cov_add_rule", clear_on_submit=False):
            st.markdown("**Ajouter une règle**")
            columns = st.columns(3)
            new_type = columns[0].selectbox("Type d'action", list(type_labels), format_func=type_labels.get,
                                            key="cov_new_type")
            new_public = columns[1].selectbox("Public", list(public_labels), format_func=public_labels.get,
                                              key="cov_new_public")
            new_min = columns[2].number_input("Communes à partir de (habitants)", min_value=0, step=1000, value=0,
                                              key="cov_new_min")
            if st.form_submit_button("Ajouter la règle", icon=":material/add:"):
                try:
                    with session_scope(engine()) as session:
                        spec = add_rule(session, actor, council_id, new_type, new_public, int(new_min))
                    _flash(f"Règle ajoutée : {md(type_labels.get(spec.action_type, spec.action_type))} — "
                           f"{md(public_labels.get(spec.public, spec.public))}.")
                except MaillageError as error:
                    st.error(md(str(error)))

        rule_keys = {f"{r.action_type}|{r.public}": r for r in cov.frame}
        if rule_keys:
            st.markdown("**Modifier ou supprimer une règle**")
            chosen = st.selectbox(
                "Règle", list(rule_keys), key="cov_edit_key",
                format_func=lambda k: f"{type_labels.get(rule_keys[k].action_type, rule_keys[k].action_type)} — "
                                      f"{public_labels.get(rule_keys[k].public, rule_keys[k].public)} "
                                      f"(à partir de {format_int(rule_keys[k].population_min)} hab.)")
            rule = rule_keys[chosen]
            with st.form("cov_edit_rule"):
                threshold = st.number_input("Seuil (habitants)", min_value=0, step=1000, value=rule.population_min,
                                            key=f"cov_edit_min_{chosen}_{rule.population_min}")
                buttons = st.columns(2)
                save = buttons[0].form_submit_button("Enregistrer le seuil", icon=":material/save:")
                delete = buttons[1].form_submit_button("Supprimer la règle", icon=":material/delete:")
                if save or delete:
                    shown_spec = RuleSpec(rule.action_type, rule.public, rule.population_min)
                    try:
                        with session_scope(engine()) as session:
                            if delete:
                                remove_rule(session, actor, council_id, rule.action_type, rule.public, expected=shown_spec)
                            else:
                                update_rule(session, actor, council_id, rule.action_type, rule.public,
                                            population_min=int(threshold), expected=shown_spec)
                        _flash("Règle supprimée." if delete else "Seuil enregistré.")
                    except MaillageError as error:
                        st.error(md(str(error)))

        if not cov.frame_is_default:
            @st.dialog("Revenir au référentiel par défaut ?")
            def _confirm_reset() -> None:
                st.write("Toutes les règles propres à l'instance seront supprimées (l'opération est tracée dans le "
                         "journal) ; l'instance suivra le référentiel par défaut.")
                if st.button("Confirmer", type="primary", key="cov_reset_confirm"):
                    try:
                        with session_scope(engine()) as session:
                            removed = reset_frame(session, actor, council_id)
                        _flash(f"Référentiel par défaut rétabli ({plural(removed, 'règle supprimée', 'règles supprimées')}).")
                    except MaillageError as error:
                        st.error(md(str(error)))

            if st.button("Revenir au référentiel par défaut", icon=":material/restart_alt:", key="cov_reset"):
                _confirm_reset()
