"""The action form (create, edit, copy): widgets kept in session state under one prefix per form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pyarrow as pa
import streamlit as st

from maillage.accounts import Actor
from maillage.actions import (
    PARTNER,
    ROLES,
    ActionDraft,
    add_partner_row,
    apply_editor_state,
    choice_labels,
    council_suggestions,
    draft_warnings,
    editor_rows,
    pairs_from_rows,
    search_territories,
    status_date_warnings,
    status_warnings,
)
from maillage.core import ConflictError, MaillageError, ValidationError, md, read_scope
from maillage.partners import partner_choices
from maillage.vocabularies import Vocabularies
from ui.session import engine

FIRST_DAY = dt.date(1990, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
NO_CHOICE = "Non précisée"
PRIVACY_HELP = ("Aucune donnée personnelle : ni nom de personne accompagnée, ni adresse e-mail, ni numéro de "
                "téléphone. Seules les institutions et les chiffres sont enregistrés.")


def _key(prefix: str, name: str) -> str:
    """The session-state key of one widget of a form."""
    return f"{prefix}:{name}"


def is_open(prefix: str) -> bool:
    """Whether this form already holds values in the session."""
    return _key(prefix, "ready") in st.session_state


def close_editor(prefix: str) -> None:
    """Forget a form's values (after saving, or to reload it)."""
    for key in [k for k in st.session_state.keys() if str(k).startswith(prefix + ":")]:
        del st.session_state[key]


def open_editor(prefix: str, draft: ActionDraft, version: int | None = None) -> None:
    """Load a draft into the form's widgets (call before they are drawn, or from a callback)."""
    revision = st.session_state.get(_key(prefix, "revision"), 0) + 1
    close_editor(prefix)
    values = {
        "title": draft.title, "council": draft.council_id, "type": draft.action_type, "status": draft.status,
        "start": draft.start_date, "end": draft.end_date, "territories": list(draft.territory_keys),
        "themes": list(draft.themes), "publics": list(draft.publics), "mode": draft.mode,
        "platforms": list(draft.platforms), "hours": draft.weekly_hours, "budget": draft.budget_eur,
        "fundings": list(draft.fundings), "shared": draft.shared, "notes": draft.notes,
        "evaluation": draft.evaluation, "territory_search": "", "partner_search": "", "add_partner": None,
        "add_roles": ["operateur"] if any(r == "pilote" for _p, r in draft.partners) else ["pilote"],
    }
    for name, value in values.items():
        st.session_state[_key(prefix, name)] = value
    st.session_state[_key(prefix, "partners")] = editor_rows(draft.partners)
    st.session_state[_key(prefix, "revision")] = revision
    st.session_state[_key(prefix, "version")] = version
    st.session_state[_key(prefix, "ready")] = True


def _editor_key(prefix: str) -> str:
    """The key of the role table; it changes when the table is redrawn from new rows."""
    return _key(prefix, f"partners_table_{st.session_state.get(_key(prefix, 'revision'), 0)}")


def _current_rows(prefix: str) -> list[dict]:
    """The partner rows as shown, with the edits made in the table."""
    return apply_editor_state(st.session_state.get(_key(prefix, "partners"), []),
                              st.session_state.get(_editor_key(prefix)))


def _add_partner(prefix: str) -> None:
    """Callback of « Ajouter »: fold the table's edits in, add the chosen partner, redraw the table."""
    partner_id = st.session_state.get(_key(prefix, "add_partner"))
    roles = st.session_state.get(_key(prefix, "add_roles")) or []
    if partner_id is None or not roles:
        st.session_state[_key(prefix, "add_problem")] = "Choisissez un partenaire et au moins un rôle."
        return
    rows = add_partner_row(_current_rows(prefix), int(partner_id), list(roles))
    st.session_state[_key(prefix, "partners")] = rows
    st.session_state[_key(prefix, "revision")] = st.session_state.get(_key(prefix, "revision"), 0) + 1
    st.session_state[_key(prefix, "add_partner")] = None
    st.session_state[_key(prefix, "add_roles")] = ["operateur"]


def collect(prefix: str, partner_labels: dict[int, str]) -> tuple[ActionDraft, list[str]]:
    """The draft the widgets hold, and the problems of incomplete rows in the partners table."""
    state = st.session_state
    pairs, problems = pairs_from_rows(_current_rows(prefix), partner_labels)
    mode = state.get(_key(prefix, "mode"))
    draft = ActionDraft(
        title=state.get(_key(prefix, "title")) or "", council_id=state.get(_key(prefix, "council")),
        action_type=state.get(_key(prefix, "type")), status=state.get(_key(prefix, "status")) or "projet",
        start_date=state.get(_key(prefix, "start")), end_date=state.get(_key(prefix, "end")),
        territory_keys=list(state.get(_key(prefix, "territories")) or []),
        themes=list(state.get(_key(prefix, "themes")) or []), publics=list(state.get(_key(prefix, "publics")) or []),
        mode=mode, platforms=list(state.get(_key(prefix, "platforms")) or []) if mode == "en_ligne" else [],
        weekly_hours=state.get(_key(prefix, "hours")), budget_eur=state.get(_key(prefix, "budget")),
        fundings=list(state.get(_key(prefix, "fundings")) or []), shared=bool(state.get(_key(prefix, "shared"))),
        notes=state.get(_key(prefix, "notes")) or "", evaluation=state.get(_key(prefix, "evaluation")) or "",
        partners=pairs,
    )
    return draft, problems


def _save(prefix: str, save: Callable[[ActionDraft, int | None], tuple[int, str]],
          reload: Callable[[], tuple[ActionDraft, int | None]] | None, labels: dict[int, str],
          on_saved: Callable[[int, str, list[str]], None], vocab: Vocabularies | None = None,
          confirmed: bool = False) -> None:
    """Callback of « Enregistrer »: a status its dates contradict is first shown with its fix (unless
    `confirmed`); then save through the domain, and keep the problems to show them."""
    draft, row_problems = collect(prefix, labels)
    st.session_state.pop(_key(prefix, "problems"), None)
    st.session_state.pop(_key(prefix, "status_check"), None)
    if row_problems:
        st.session_state[_key(prefix, "problems")] = [f"Partenaires : {p}" for p in row_problems]
        return
    today = dt.date.today()
    checks = [warning.message for warning in status_warnings(draft, today, vocab)]
    if checks and not confirmed:
        st.session_state[_key(prefix, "status_check")] = checks
        return
    try:
        action_id, message = save(draft, st.session_state.get(_key(prefix, "version")))
    except ValidationError as error:
        st.session_state[_key(prefix, "problems")] = [message for _field, message in error.problems]
    except ConflictError as error:
        if reload is not None:
            fresh, version = reload()
            open_editor(prefix, fresh, version)
        st.session_state[_key(prefix, "conflict")] = str(error)
    except MaillageError as error:
        st.session_state[_key(prefix, "problems")] = [str(error)]
    else:
        warnings = [w for w in draft_warnings(draft, today, vocab) if w not in checks]  # confirmed: not again
        close_editor(prefix)
        on_saved(action_id, message, warnings)


def _fix_status(prefix: str, status: str, *save_args) -> None:
    """Callback of « Passer au statut … et enregistrer »: take the status the dates suggest, then save."""
    st.session_state[_key(prefix, "status")] = status
    _save(prefix, *save_args)


def _status_check(prefix: str, vocab: Vocabularies, save_args: tuple) -> None:
    """Under the save button: the status its dates contradict, with the fix proposed — take the suggested
    status, correct a date in the form, or save as it is. Recomputed from the form, so it goes once fixed."""
    if not st.session_state.get(_key(prefix, "status_check")):
        return
    state = st.session_state
    labels = vocab.labels("action_status")
    found = status_date_warnings(state.get(_key(prefix, "status")) or "projet", state.get(_key(prefix, "start")),
                                 state.get(_key(prefix, "end")), dt.date.today(), labels)
    if not found:
        state.pop(_key(prefix, "status_check"), None)
        return
    with st.container(border=True):
        for warning in found:
            st.warning(md(warning.message), icon=":material/event_busy:")
        columns = st.columns(2)
        suggested = next((w.suggested_status for w in found if w.suggested_status), None)
        if suggested is not None:
            columns[0].button(f"Passer au statut « {md(labels.get(suggested, suggested))} » et enregistrer",
                              key=_key(prefix, "status_fix"), icon=":material/published_with_changes:",
                              on_click=_fix_status, args=(prefix, suggested, *save_args))
        columns[1].button("Enregistrer tel quel", key=_key(prefix, "status_confirm"), icon=":material/done:",
                          on_click=_save, args=(prefix, *save_args), kwargs={"confirmed": True})
        st.caption("Ou corrigez la date dans le formulaire ci-dessus, puis enregistrez à nouveau.")


def _territory_picker(prefix: str, council_id: int | None) -> None:
    """Search box and multi-choice of the territories covered."""
    selected = list(st.session_state.get(_key(prefix, "territories")) or [])
    st.text_input(
        "Chercher un territoire", key=_key(prefix, "territory_search"),
        placeholder="Nom ou code : Mérignac, 33281, Bordeaux Métropole, Gironde…",
        help="Communes, EPCI, EPT, départements, régions et sous-territoires (quartiers, QPV).",
    )
    query = st.session_state.get(_key(prefix, "territory_search")) or ""
    with read_scope(engine()) as session:
        found = search_territories(session, query) if query.strip() else council_suggestions(session, council_id)
        labels = {**choice_labels(session, selected), **found}
    st.multiselect(
        "Territoires couverts *", list(labels), format_func=lambda key: labels.get(key, key),
        key=_key(prefix, "territories"),
        help="Tapez dans « Chercher un territoire » pour en proposer d'autres ; une action déclarée sur un EPCI "
             "ou un département apparaît aussi pour chacune de ses communes.",
        placeholder="Choisissez dans la liste",
    )
    if query.strip() and not found:
        st.caption("Aucun territoire ne correspond à cette recherche.")


def _partners_table(prefix: str, council_id: int | None, vocab: Vocabularies) -> dict[int, str]:
    """The role table and the « add a partner » line; returns the partners offered (id → label)."""
    rows = _current_rows(prefix)
    chosen = [row[PARTNER] for row in rows if row.get(PARTNER) is not None]
    query = st.session_state.get(_key(prefix, "partner_search")) or ""
    with read_scope(engine()) as session:
        labels = partner_choices(session, council_id, include=[int(p) for p in chosen], query=query)
    role_labels = vocab.labels("role")
    base = st.session_state.get(_key(prefix, "partners"), [])
    st.markdown("**Partenaires et rôles** *(au moins un pilote ; un partenaire peut tenir plusieurs rôles)*")
    st.data_editor(
        # Typed columns, so an empty table still offers a partner list and a multi-choice role list.
        pa.table({PARTNER: pa.array([row.get(PARTNER) for row in base], pa.int64()),
                  ROLES: pa.array([list(row.get(ROLES) or []) for row in base], pa.list_(pa.string()))}),
        key=_editor_key(prefix), num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            PARTNER: st.column_config.SelectboxColumn(
                "Partenaire", options=list(labels), format_func=lambda pid: labels.get(pid, str(pid)),
                required=True, width="large"),
            ROLES: st.column_config.MultiselectColumn(
                "Rôles", options=list(role_labels), format_func=lambda code: role_labels.get(code, code),
                width="medium"),
        },
    )
    columns = st.columns([3, 2, 1], vertical_alignment="bottom")
    columns[0].selectbox(
        "Ajouter un partenaire", [None, *labels], key=_key(prefix, "add_partner"),
        format_func=lambda pid: "Choisir un partenaire…" if pid is None else labels.get(pid, str(pid)),
        placeholder="Choisir un partenaire…",
    )
    columns[1].multiselect("Rôles du partenaire ajouté", list(role_labels), key=_key(prefix, "add_roles"),
                           format_func=lambda code: role_labels.get(code, code), placeholder="Au moins un rôle")
    columns[2].button("Ajouter", key=_key(prefix, "add"), on_click=_add_partner, args=(prefix,),
                      icon=":material/person_add:")
    problem = st.session_state.pop(_key(prefix, "add_problem"), None)
    if problem:
        st.warning(problem)
    st.text_input("Chercher un partenaire hors du territoire de l'instance", key=_key(prefix, "partner_search"),
                  placeholder="Nom de la structure", help="Les partenaires trouvés s'ajoutent aux listes ci-dessus.")
    return labels


def render_editor(prefix: str, *, actor: Actor, councils: dict[int, str], vocab: Vocabularies,
                  save: Callable[[ActionDraft, int | None], tuple[int, str]],
                  on_saved: Callable[[int, str, list[str]], None],
                  reload: Callable[[], tuple[ActionDraft, int | None]] | None = None,
                  submit_label: str = "Enregistrer") -> None:
    """Draw the whole form; `save(draft, version)` writes through the domain and returns (id, message)."""
    conflict = st.session_state.pop(_key(prefix, "conflict"), None)
    if conflict:
        st.warning(md(conflict), icon=":material/sync_problem:")
    problems = st.session_state.get(_key(prefix, "problems"))
    if problems:
        st.error("L'action n'a pas été enregistrée :\n" + "\n".join(f"- {md(p)}" for p in problems))

    state = st.session_state
    left, right = st.columns(2)
    with left:
        st.text_input("Titre *", key=_key(prefix, "title"), max_chars=300, help=PRIVACY_HELP)
        if state.get(_key(prefix, "council")) not in councils:
            state[_key(prefix, "council")] = next(iter(councils), None)
        st.selectbox("Instance *", list(councils), format_func=lambda cid: councils.get(cid, "?"),
                     key=_key(prefix, "council"), placeholder="Choisir une instance")
        types = vocab.labels("action_type")
        st.selectbox("Type d'action *", list(types), format_func=types.get, key=_key(prefix, "type"),
                     index=None, placeholder="Choisir un type")
        statuses = vocab.labels("action_status")
        st.selectbox("Statut *", list(statuses), format_func=statuses.get, key=_key(prefix, "status"),
                     placeholder="Choisir un statut")
        dates = st.columns(2)
        dates[0].date_input("Début *", key=_key(prefix, "start"), format="DD/MM/YYYY", min_value=FIRST_DAY,
                            max_value=LAST_DAY)
        dates[1].date_input("Fin", key=_key(prefix, "end"), format="DD/MM/YYYY", min_value=FIRST_DAY,
                            max_value=LAST_DAY, help="Laissez vide pour une action sans date de fin.")
    with right:
        _territory_picker(prefix, state.get(_key(prefix, "council")))
        publics = vocab.labels("public")
        st.multiselect("Publics *", list(publics), format_func=publics.get, key=_key(prefix, "publics"),
                       placeholder="Au moins un public")
        themes = vocab.labels("theme")
        st.multiselect("Thèmes", list(themes), format_func=themes.get, key=_key(prefix, "themes"),
                       placeholder="Risques abordés")

    left, right = st.columns(2)
    with left:
        modes = vocab.labels("mode")
        st.selectbox("Modalité", [None, *modes], format_func=lambda m: NO_CHOICE if m is None else modes.get(m, m),
                     key=_key(prefix, "mode"), placeholder=NO_CHOICE)
        if state.get(_key(prefix, "mode")) == "en_ligne":
            platforms = vocab.labels("platform")
            st.multiselect("Plateformes", list(platforms), format_func=platforms.get, key=_key(prefix, "platforms"),
                           placeholder="Où l'action a lieu en ligne")
        numbers = st.columns(2)
        numbers[0].number_input("Heures par semaine", key=_key(prefix, "hours"), min_value=0.0, max_value=168.0,
                                step=0.5, format="%.1f", placeholder="Non précisé")
        numbers[1].number_input("Budget (€)", key=_key(prefix, "budget"), min_value=0.0, step=100.0, format="%.0f",
                                placeholder="Non précisé")
    with right:
        fundings = vocab.labels("funding")
        st.multiselect("Financements", list(fundings), format_func=fundings.get, key=_key(prefix, "fundings"),
                       placeholder="FIPD, CAF, ville…")
        st.checkbox("Partager avec les réseaux de l'instance", key=_key(prefix, "shared"),
                    help="Les instances des mêmes réseaux verront cette action (jamais ses notes d'historique).")
    st.text_area("Notes", key=_key(prefix, "notes"), help=PRIVACY_HELP)
    st.text_area("Évaluation", key=_key(prefix, "evaluation"), help=PRIVACY_HELP,
                 placeholder="Ce qui a marché, ce qui reste à faire (sans données personnelles).")

    labels = _partners_table(prefix, state.get(_key(prefix, "council")), vocab)
    save_args = (save, reload, labels, on_saved, vocab)
    st.button(submit_label, key=_key(prefix, "save"), type="primary", icon=":material/save:",
              on_click=_save, args=(prefix, *save_args))
    _status_check(prefix, vocab, save_args)
