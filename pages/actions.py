"""Actions: the shared prevention actions — list with filters and totals, timeline, sheet, add, edit, copy."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from maillage.accounts import can_write_council
from maillage.actions import (
    INDICATOR_FIELDS,
    SORT_KEYS,
    ActionFilters,
    action_history,
    action_indicators,
    action_sheet,
    actions_csv,
    allowed_years,
    archive_action,
    archived_actions,
    choice_labels,
    copy_draft,
    council_timeline,
    create_action,
    delete_indicators,
    draft_for_edit,
    empty_draft,
    filter_options,
    legend_text,
    list_actions,
    opening_councils,
    restore_action,
    save_indicators,
    search_territories,
    sheet_filename,
    sheet_html,
    sheet_markdown,
    timeline_spec,
    update_action,
    visible_action,
    visible_councils,
)
from maillage.core import (
    ConflictError,
    MaillageError,
    ValidationError,
    format_date,
    format_datetime,
    format_decimal,
    format_euros,
    format_int,
    md,
    plural,
    read_scope,
    session_scope,
)
from maillage.partners import partner_choices
from maillage.vocabularies import Vocabularies
from ui.action_editor import close_editor, is_open, open_editor, render_editor
from ui.links import as_int, copy_link_button, from_address, refuse_address, to_address
from ui.session import current_actor, current_council_id, engine
from ui.tables import Col, show_table

VIEW = "actions:view"
SELECTED = "actions:selected"
FLASH = "actions:flash"
NEW = "new"
LIST_LIMIT = 1000
VIEWS = {"liste": "Liste", "chronologie": "Chronologie", "fiche": "Fiche d'une action", "nouvelle": "Nouvelle action"}
LIST_COLUMNS = {
    "Titre": Col("Titre de l'action : ouvrez sa fiche sous le tableau."),
    "Statut": Col("Statut enregistré ; « à revoir » : encore en cours après la date de fin prévue."),
    "Début": Col("Date de début (JJ/MM/AAAA)."), "Fin": Col("Date de fin prévue (JJ/MM/AAAA), vide si aucune."),
    "Territoires": Col("Territoires couverts (code INSEE ou SIREN entre parenthèses)."),
    "Heures/sem.": Col("Heures consacrées par semaine."),
    "Budget": Col("Budget de l'action, en euros."),
    "Personnes touchées": Col("Personnes touchées l'année choisie (ou toutes années)."),
    "Partagée": Col("Partagée avec les réseaux de l'instance : visible des autres instances du réseau."),
}

actor = current_actor()
council_id = current_council_id()
today = dt.date.today()

with read_scope(engine()) as session:
    vocab = Vocabularies.load(session)
    councils = visible_councils(session, actor)
writable = {cid: name for cid, name in councils.items() if can_write_council(actor, cid)}

if actor.role == "reseau":  # no council picker: every action the councils of their networks share
    st.title("Actions partagées de vos réseaux")
    st.page_link("pages/comparer.py", label="Comparer les instances de vos réseaux", icon=":material/compare_arrows:")
else:
    st.title(f"Actions — {md(councils[council_id])}" if council_id in councils else "Actions")
st.caption("Les actions de prévention partagées : qui les porte, où, pour qui, avec quels résultats. "
           "Seuls des effectifs agrégés sont enregistrés, jamais de données sur les personnes.")


def show_flash() -> None:
    """The message left by the last save (success, then warnings)."""
    flash = st.session_state.pop(FLASH, None)
    if flash:
        text, warnings = flash
        st.success(md(text), icon=":material/check_circle:")
        for warning in warnings:
            st.warning(md(warning))


def go(view: str, action_id: int | None = None) -> None:
    """Switch view (from a callback), optionally on one action."""
    st.session_state[VIEW] = view
    if action_id is not None:
        st.session_state[SELECTED] = action_id


def saved(action_id: int, message: str, warnings: list[str]) -> None:
    """After a save: say so, and show the action's sheet."""
    st.session_state[FLASH] = (message, warnings)
    go("fiche", action_id)


def show_error(error: MaillageError) -> None:
    """A French message for a refused operation."""
    if isinstance(error, ValidationError):
        st.error("Refusé :\n" + "\n".join(f"- {md(message)}" for _field, message in error.problems))
    elif isinstance(error, ConflictError):
        st.warning(md(str(error)), icon=":material/sync_problem:")
    else:
        st.error(md(sentence(str(error))))


def sentence(text: str) -> str:
    """A domain message (lower-case start) as a sentence."""
    return text[:1].upper() + text[1:]


arrived = from_address("action")  # a link to an action's sheet (« Copier le lien »)
if arrived is not None:
    try:
        with read_scope(engine()) as session:
            visible_action(session, actor, as_int(arrived) or 0)
    except MaillageError:
        refuse_address("action")  # not readable, or no such action: the same words either way
    go("fiche", as_int(arrived))
views = dict(VIEWS) if writable else {k: v for k, v in VIEWS.items() if k != "nouvelle"}
if st.session_state.get(VIEW) not in views:
    st.session_state[VIEW] = "liste"
st.radio("Affichage", list(views), format_func=views.get, key=VIEW, horizontal=True, label_visibility="collapsed")
show_flash()
view = st.session_state[VIEW]


# ------------------------------------------------------------------------------------------------ list

def territory_filter() -> str | None:
    """Search box and choice of one territory; a commune also finds its EPCI's and département's actions."""
    query = st.text_input("Territoire", key="actions:territory_query", placeholder="Commune, EPCI, département…",
                          help="Une commune retrouve aussi les actions déclarées sur son EPCI, son EPT, son "
                               "département, sa région ou l'un de ses quartiers.")
    chosen = st.session_state.get("actions:territory")
    with read_scope(engine()) as session:
        found = search_territories(session, query) if query.strip() else {}
        labels = {**(choice_labels(session, [chosen]) if chosen else {}), **found}
    if not labels:
        st.session_state.pop("actions:territory", None)
        return None
    return st.selectbox("Territoire choisi", [None, *labels], key="actions:territory",
                        placeholder="Tous les territoires",
                        format_func=lambda k: "Tous les territoires" if k is None else labels[k])


def partner_filter(partners: dict[int, str], searched: bool) -> int | None:
    """One partner: chosen in the list, or (France-wide, too many to list) found by name first."""
    if searched:
        query = st.text_input("Partenaire", key="actions:partner_query", placeholder="Nom de la structure")
        chosen = st.session_state.get("actions:partner")
        with read_scope(engine()) as session:
            partners = (partner_choices(session, None, include=[chosen] if chosen else [], query=query)
                        if query.strip() or chosen else {})
        if not partners:
            st.session_state.pop("actions:partner", None)
            return None
    if st.session_state.get("actions:partner") not in (None, *partners):
        st.session_state["actions:partner"] = None
    return st.selectbox("Partenaire choisi" if searched else "Partenaire", [None, *partners], key="actions:partner",
                        placeholder="Tous les partenaires",
                        format_func=lambda p: "Tous les partenaires" if p is None else partners[p])


def list_view() -> None:
    """Filters, totals, the table, the CSV download, and a way to open one action."""
    if "actions:councils" not in st.session_state:
        st.session_state["actions:councils"] = opening_councils(actor, council_id, councils)
    with st.expander("Filtres et tri", expanded=True, icon=":material/filter_list:"):
        row = st.columns(4)
        council_ids = row[0].multiselect("Instances", list(councils), format_func=councils.get, key="actions:councils",
                                         placeholder="Toutes celles que vous voyez")
        with read_scope(engine()) as session:
            options = filter_options(session, actor, council_ids, as_of=today)
        types = row[1].multiselect("Types d'action", list(options.action_types), format_func=options.action_types.get,
                                   key="actions:types", placeholder="Tous")
        themes = row[2].multiselect("Thèmes", list(options.themes), format_func=options.themes.get,
                                    key="actions:themes", placeholder="Tous")
        publics = row[3].multiselect("Publics", list(options.publics), format_func=options.publics.get,
                                     key="actions:publics", placeholder="Tous")
        row = st.columns(4)
        statuses = row[0].multiselect("Statuts", list(options.statuses), format_func=options.statuses.get,
                                      key="actions:statuses", placeholder="Tous",
                                      help="Statut à la date du jour : une action dont la date de fin est passée "
                                           "compte comme terminée.")
        with row[1]:
            territory = territory_filter()
        with row[2]:
            partner = partner_filter(options.partners, options.partners_searched)
        if st.session_state.get("actions:year") not in (None, *options.years):
            st.session_state["actions:year"] = None
        year = row[3].selectbox("Année", [None, *options.years], key="actions:year", placeholder="Toutes les années",
                                format_func=lambda y: "Toutes les années" if y is None else str(y),
                                help="Les actions menées à un moment de l'année ; les personnes touchées sont "
                                     "alors celles de cette année.")
        row = st.columns(4)
        shared = row[0].selectbox("Partage", [None, True, False], key="actions:shared", placeholder="Partagées ou non",
                                  format_func={None: "Partagées ou non", True: "Partagées avec les réseaux",
                                               False: "Non partagées"}.get)
        text = row[1].text_input("Titre contient", key="actions:text")
        sort = row[2].selectbox("Trier par", list(SORT_KEYS), format_func=SORT_KEYS.get, key="actions:sort",
                                placeholder="Choisir…")
        descending = row[3].toggle("Ordre décroissant", value=True, key="actions:descending")
        review_only = st.checkbox("Seulement les actions à revoir (« en cours » après leur date de fin)",
                                  key="actions:review")
    filters = ActionFilters(council_ids=council_ids, action_types=types, themes=themes, publics=publics,
                            statuses=statuses, territory_key=territory, partner_id=partner, year=year, shared=shared,
                            review_only=review_only, text=text)
    with read_scope(engine()) as session:
        listed = list_actions(session, actor, filters, as_of=today, sort=sort, descending=descending, limit=LIST_LIMIT)
    totals = listed.totals
    metrics = st.columns(4)
    metrics[0].metric("Actions", format_int(totals.actions))
    metrics[1].metric("Heures par semaine", format_decimal(totals.weekly_hours))
    metrics[2].metric("Budget", format_euros(totals.budget_eur))
    metrics[3].metric(f"Personnes touchées en {md(year)}" if year else "Personnes touchées (toutes années)",
                      format_int(totals.people_reached))
    if totals.to_review:
        st.warning(f"{plural(totals.to_review, 'action')} encore « en cours » après la date de fin prévue : "
                   "vérifiez leur statut (colonne Statut : « à revoir »).", icon=":material/event_busy:")
    if not listed.rows:
        st.info("Aucune action ne correspond à ces filtres.")
        return
    if listed.matched > len(listed.rows):
        st.caption(f"Les {format_int(len(listed.rows))} premières actions (selon le tri) sont affichées sur "
                   f"{format_int(listed.matched)} : affinez les filtres, ou exportez la liste complète en CSV. "
                   "Les totaux portent sur toutes les actions.")
    st.markdown(f"**Liste des actions** ({plural(len(listed.rows), 'action')})")
    show_table(
        [
            {
                "Titre": r.title, "Instance": r.council, "Type": r.action_type_label,
                "Statut": r.status_label + (" — à revoir" if r.needs_review else ""),
                "Début": format_date(r.start_date), "Fin": format_date(r.end_date),
                "Territoires": ", ".join(r.territories), "Publics": ", ".join(r.public_labels),
                "Thèmes": ", ".join(r.theme_labels), "Partenaires": ", ".join(r.partner_labels),
                "Heures/sem.": format_decimal(r.weekly_hours) if r.weekly_hours is not None else "—",
                "Budget": format_euros(r.budget_eur),
                "Personnes touchées": format_int(r.people_reached),
                "Partagée": "oui" if r.shared else "non",
            }
            for r in listed.rows
        ],
        LIST_COLUMNS, key="actions:table",
    )
    row = st.columns([3, 1, 1], vertical_alignment="bottom")
    ids = [r.id for r in listed.rows]
    titles = {r.id: f"{r.title} ({r.council})" for r in listed.rows}
    if st.session_state.get("actions:open") not in ids:
        st.session_state["actions:open"] = ids[0]
    row[0].selectbox("Action à ouvrir", ids, format_func=titles.get, key="actions:open",
                     placeholder="Choisir une action")
    row[1].button("Ouvrir la fiche", icon=":material/description:", key="actions:open_button",
                  on_click=lambda: go("fiche", st.session_state["actions:open"]))
    database = engine()

    def export() -> str:
        """Every matching action (not only the rows shown), computed when the button is clicked."""
        with session_scope(database) as session:
            rows = list_actions(session, actor, filters, as_of=today, sort=sort, descending=descending).rows
        return actions_csv(rows)

    row[2].download_button("Exporter (CSV)", export, file_name=f"actions-{today.isoformat()}.csv",
                           mime="text/csv", icon=":material/download:", on_click="ignore",
                           help="Colonnes : title, council, action_type, status, start, end, territories, publics, "
                                "themes, partners (nom:rôle), effective_status — comme `python -m maillage actions`.")
    archived_section()


def archived_section() -> None:
    """Archived actions of the current council, each restorable."""
    if council_id not in writable:
        return
    with read_scope(engine()) as session:
        archived = archived_actions(session, actor, council_id)
    if not archived:
        return
    with st.expander(f"Actions archivées ({format_int(len(archived))})", icon=":material/inventory_2:"):
        for action_id, title in archived:
            cols = st.columns([4, 1], vertical_alignment="center")
            cols[0].markdown(md(title))
            if cols[1].button("Restaurer", key=f"actions:restore:{action_id}"):
                try:
                    with session_scope(engine()) as session:
                        restore_action(session, actor, action_id)
                except MaillageError as error:
                    show_error(error)
                else:
                    st.session_state[FLASH] = (f"Action « {title} » restaurée.", [])
                    st.rerun()


# ------------------------------------------------------------------------------------------------ timeline

def timeline_view() -> None:
    """One bar per action of a council, coloured by type, with a text legend and the same data as a table."""
    if not councils:
        st.info("Aucune instance visible.")
        return
    default = council_id if council_id in councils else next(iter(councils))
    if st.session_state.get("actions:timeline_council") not in councils:
        st.session_state["actions:timeline_council"] = default
    columns = st.columns([2, 2, 1])
    chosen = columns[0].selectbox("Instance", list(councils), format_func=councils.get,
                                  key="actions:timeline_council", placeholder="Choisir une instance")
    types = vocab.labels("action_type")
    kinds = columns[1].multiselect("Types d'action", list(types), format_func=types.get,
                                   key="actions:timeline_types", placeholder="Tous")
    running = columns[2].toggle("En cours seulement", key="actions:timeline_running")
    narrowed = ActionFilters(action_types=kinds, statuses=["en_cours"] if running else [])
    with read_scope(engine()) as session:
        bars = council_timeline(session, actor, chosen, as_of=today, filters=narrowed)
    if not bars:
        st.info("Aucune action visible pour cette instance.")
        return
    spec = timeline_spec(bars, today, vocab)
    st.vega_lite_chart(spec, width="stretch",
                       alt=f"Chronologie de {plural(len(bars), 'action')} de {councils[chosen]}")
    st.markdown("**Légende** — " + md(legend_text(bars)))
    st.caption("Barres plus claires : actions sans date de fin, dessinées jusqu'à aujourd'hui (ligne pointillée).")
    st.markdown("**Les actions de la chronologie**")
    show_table(
        [{"Action": b.title, "Type": b.type_label, "Période": b.period,
          "Statut": b.status_label + (" — à revoir" if b.needs_review else "")} for b in bars],
        key="actions:timeline_table",
    )


# ------------------------------------------------------------------------------------------------ one action

@st.dialog("Archiver l'action")
def confirm_archive(action_id: int, title: str, version: int) -> None:
    """Ask before archiving."""
    st.markdown(f"Archiver « {md(title)} » ? Elle disparaîtra des listes et des chiffres ; elle reste restaurable "
             "depuis la liste (Actions archivées).")
    if st.button("Archiver", type="primary", key="actions:archive_confirm"):
        try:
            with session_scope(engine()) as session:
                archive_action(session, actor, action_id, version)
        except MaillageError as error:
            show_error(error)
        else:
            st.session_state[FLASH] = (f"Action « {title} » archivée.", [])
            st.session_state.pop(SELECTED, None)
            st.session_state[VIEW] = "liste"
            st.rerun()


def start_copy(action_id: int) -> None:
    """Callback: prefill the new-action form from this action, for another territory."""
    target = council_id if council_id in writable else next(iter(writable), None)
    with read_scope(engine()) as session:
        draft = copy_draft(session, actor, action_id, target, today)
    open_editor(NEW, draft)
    st.session_state[FLASH] = ("Formulaire prérempli à partir de l'action : choisissez le ou les territoires, "
                               "vérifiez le titre et les partenaires, puis enregistrez.", [])
    go("nouvelle")


def sheet_tab(action_id: int) -> None:
    """The printable sheet, its downloads, and the copy and archive buttons."""
    with read_scope(engine()) as session:
        sheet = action_sheet(session, actor, action_id, as_of=today)
    if sheet.needs_review:
        st.warning("Cette action est encore « en cours » alors que sa date de fin est passée : mettez son statut "
                   "à jour.", icon=":material/event_busy:")
    buttons = st.columns(4)
    buttons[0].download_button("Fiche (Markdown)", sheet_markdown(sheet), file_name=sheet_filename(sheet, "md"),
                               mime="text/markdown", icon=":material/download:", on_click="ignore")
    buttons[1].download_button("Fiche imprimable (HTML)", sheet_html(sheet), file_name=sheet_filename(sheet, "html"),
                               mime="text/html", icon=":material/print:", on_click="ignore")
    if writable:
        buttons[2].button("Copier sur un autre territoire", icon=":material/content_copy:", key="actions:copy",
                          on_click=start_copy, args=(action_id,),
                          help="Ouvre le formulaire « Nouvelle action » prérempli, sans territoire.")
    with read_scope(engine()) as session:
        action = visible_action(session, actor, action_id)
    if action.council_id in writable and buttons[3].button("Archiver", icon=":material/archive:",
                                                           key="actions:archive"):
        confirm_archive(action_id, sheet.title, action.version)
    # Our own HTML, every user string escaped. (Its content policy is left out here: it would also block the
    # script Streamlit adds to size the frame; the downloaded file keeps it.)
    st.iframe(sheet_html(sheet, content_policy=False), height="content")


def edit_tab(action_id: int) -> None:
    """The edit form of the action (its council's coordinators and administrators)."""
    prefix = f"edit:{action_id}"

    def reload():
        """The action's current values and version."""
        with read_scope(engine()) as session:
            return draft_for_edit(session, actor, action_id)

    if not is_open(prefix):
        try:
            draft, version = reload()
        except MaillageError as error:
            st.info(md(sentence(str(error))))
            return
        open_editor(prefix, draft, version)

    def save(draft, version):
        """Write the form through the domain; (action id, message to show)."""
        with session_scope(engine()) as session:
            action = update_action(session, actor, action_id, draft, version)
        if action.version == version:
            return action.id, f"Aucune modification à enregistrer pour « {action.title} »."
        return action.id, f"Action « {action.title} » modifiée."

    render_editor(prefix, actor=actor, councils=writable, vocab=vocab, save=save, reload=reload, on_saved=saved,
                  submit_label="Enregistrer les modifications")


def indicators_tab(action_id: int, can_write: bool) -> None:
    """The yearly figures: a table, and a form per year for those who may write."""
    with read_scope(engine()) as session:
        action = visible_action(session, actor, action_id)
        rows = action_indicators(session, action_id)
    if rows:
        st.markdown("**Indicateurs par année**")
        show_table(
            [{"Année": str(r.year), **{label: format_int(getattr(r, name)) for name, label in INDICATOR_FIELDS.items()}}
             for r in rows],
            key="actions:indicators_table",
        )
    else:
        st.info("Aucun indicateur saisi pour cette action.")
    if not can_write:
        return
    years = allowed_years(action, today)
    if not years:
        st.info(f"Les indicateurs se saisissent à partir de l'année de début de l'action "
                f"({md(action.start_date.year)}).")
        return
    by_year = {r.year: r for r in rows}
    year = st.selectbox("Année", years, key=f"ind:{action_id}:year", placeholder="Choisir une année")
    current = by_year.get(year)
    with st.form(f"ind:{action_id}:form", border=True):
        st.markdown(f"**Indicateurs {md(year)}** — effectifs agrégés uniquement")
        columns = st.columns(len(INDICATOR_FIELDS))
        for column, (name, label) in zip(columns, INDICATOR_FIELDS.items()):
            column.number_input(label, min_value=0, step=1, key=f"ind:{action_id}:{year}:{name}",
                                value=getattr(current, name) if current else None, placeholder="—")
        submitted = st.form_submit_button("Enregistrer les indicateurs", type="primary", icon=":material/save:")
    if submitted:
        values = {name: st.session_state.get(f"ind:{action_id}:{year}:{name}") for name in INDICATOR_FIELDS}
        try:
            with session_scope(engine()) as session:
                save_indicators(session, actor, action_id, year, values,
                                expected_version=current.version if current else None, today=today)
        except MaillageError as error:
            show_error(error)
        else:
            st.session_state[FLASH] = (f"Indicateurs {year} enregistrés.", [])
            st.rerun()
    if current and st.button(f"Supprimer les indicateurs {md(year)}", key=f"ind:{action_id}:delete",
                             icon=":material/delete:"):
        confirm_delete_indicators(action_id, year, current.version)


@st.dialog("Supprimer des indicateurs")
def confirm_delete_indicators(action_id: int, year: int, version: int) -> None:
    """Ask before removing one year's figures."""
    st.write(f"Supprimer les indicateurs {md(year)} de cette action ? La suppression est inscrite dans l'historique.")
    if st.button("Supprimer", type="primary", key="actions:delete_indicators_confirm"):
        try:
            with session_scope(engine()) as session:
                delete_indicators(session, actor, action_id, year, expected_version=version)
        except MaillageError as error:
            show_error(error)
        else:
            for name in INDICATOR_FIELDS:
                st.session_state.pop(f"ind:{action_id}:{year}:{name}", None)
            st.session_state[FLASH] = (f"Indicateurs {year} supprimés.", [])
            st.rerun()


def history_tab(action_id: int) -> None:
    """Who changed what and when, from the audit log."""
    try:
        with read_scope(engine()) as session:
            history = action_history(session, actor, action_id)
    except MaillageError as error:
        st.info(md(sentence(str(error))))
        return
    if not history:
        st.info("Aucune modification enregistrée depuis l'import de cette action.")
        return
    rows = []
    for entry in history:
        changes = entry.changes or [None]
        for change in changes:
            rows.append({"Date": format_datetime(entry.at), "Par": entry.who, "Opération": entry.operation,
                         "Champ": change.field if change else "", "Avant": change.before if change else "",
                         "Après": change.after if change else ""})
    st.markdown("**Historique des modifications**")
    show_table(rows, {"Date": "Date et heure de la modification."}, key="actions:history_table")


def sheet_view() -> None:
    """Choose an action, then its sheet, edit form, indicators and history."""
    with read_scope(engine()) as session:
        own = list_actions(session, actor, ActionFilters(council_ids=[council_id] if council_id in councils else []),
                           as_of=today, sort="title", descending=False).rows
    titles = {r.id: f"{r.title} ({r.council})" for r in own}
    selected = st.session_state.get(SELECTED)
    if selected is not None and selected not in titles:
        try:
            with read_scope(engine()) as session:
                action = visible_action(session, actor, selected)
                titles = {selected: action.title, **titles}
        except MaillageError:
            st.session_state.pop(SELECTED, None)
    if not titles:
        st.info("Aucune action à afficher pour cette instance.")
        return
    if st.session_state.get(SELECTED) not in titles:
        st.session_state[SELECTED] = next(iter(titles))
    action_id = st.selectbox("Action", list(titles), format_func=titles.get, key=SELECTED,
                             placeholder="Choisir une action")
    to_address("action", action_id)
    copy_link_button()
    with read_scope(engine()) as session:
        action = visible_action(session, actor, action_id)
    can_write = action.council_id in writable
    names = ["Fiche", "Modifier", "Indicateurs", "Historique"] if can_write else ["Fiche", "Indicateurs"]
    tabs = dict(zip(names, st.tabs(names)))
    with tabs["Fiche"]:
        sheet_tab(action_id)
    if can_write:
        with tabs["Modifier"]:
            edit_tab(action_id)
    with tabs["Indicateurs"]:
        indicators_tab(action_id, can_write)
    if can_write:
        with tabs["Historique"]:
            history_tab(action_id)


# ------------------------------------------------------------------------------------------------ new action

def new_view() -> None:
    """The empty form (or the one prefilled by a copy)."""
    if not is_open(NEW):
        open_editor(NEW, empty_draft(council_id if council_id in writable else next(iter(writable)), today))

    def save(draft, _version):
        """Write the form through the domain; (action id, message to show)."""
        with session_scope(engine()) as session:
            action = create_action(session, actor, draft)
        return action.id, f"Action « {action.title} » créée."

    render_editor(NEW, actor=actor, councils=writable, vocab=vocab, save=save, on_saved=saved,
                  submit_label="Créer l'action")
    st.button("Vider le formulaire", key="actions:reset", on_click=close_editor, args=(NEW,),
              icon=":material/restart_alt:")


if view != "fiche":
    to_address("action", None)
{"liste": list_view, "chronologie": timeline_view, "fiche": sheet_view, "nouvelle": new_view}[view]()
