"""Partenaires: the register (search, filters, sort, count), a partner's detail with its links, the add and
edit forms, archive/restore with confirmation, duplicates and merge."""

import datetime as dt
from functools import partial

import streamlit as st

from maillage.accounts import can_write_council
from maillage.actions import partner_actions
from maillage.core import (
    ConflictError,
    MaillageError,
    ValidationError,
    council_scope_version,
    data_version,
    database_url,
    format_date,
    format_datetime,
    format_int,
    md,
    plural,
    read_scope,
    session_scope,
    spreadsheet_csv,
)
from maillage.network import (
    LinkInput,
    create_link,
    end_link,
    network_options,
    scope_territories,
    update_link,
)
from maillage.partners import (
    ARCHIVED,
    FRESHNESS,
    PICKER_LIMIT,
    SORTS,
    PartnerFilters,
    PartnerInput,
    archive_partner,
    commune_choices,
    commune_options,
    create_partner,
    filter_rows,
    find_duplicates,
    may_open_partner,
    merge_partners,
    narrowed_choices,
    partner_choices,
    partner_detail,
    partnership_ids,
    register_rows,
    restore_partner,
    territory_area,
    territory_choices,
    update_partner,
)
from maillage.vocabularies import Vocabularies
from ui.links import as_int, copy_link_button, from_address, refuse_address, to_address
from ui.session import current_actor, current_council_id, engine
from ui.tables import show_table

REGISTER_COLUMNS = {
    "Nom": "Nom de la structure : sa fiche est dans l'onglet Fiche.",
    "Typologie": "Type de structure (typologie data·inclusion ou propre à la prévention).",
    "Réseaux": "Réseaux dont la structure est membre.",
    "Vérifié le": "Dernière vérification de la fiche (JJ/MM/AAAA).",
    "À vérifier": "« oui » : fiche non vérifiée depuis plus de 12 mois.",
}

FLASH = "partners_flash"
SELECTED = "partners_selected"
GOTO = "partners_goto"  # set by an action; becomes the selected partner on the next run
TAB = "partners_tab"
CONFLICT = "partners_conflict"  # an edit refused because someone saved first; shown above the reopened form


@st.cache_data(show_spinner=False, max_entries=16)
def cached_rows(url, version, council_id, archived, today):
    """The register's scope (the heavy read), once per data version."""
    with read_scope(engine()) as session:
        return register_rows(session, council_id, archived, today)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_communes(url, version, council_id):
    """The seat communes the register's commune filter offers, once per data version."""
    with read_scope(engine()) as session:
        return commune_options(session, council_id)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_area(url, version, key):
    """The communes a territory filter covers."""
    with read_scope(engine()) as session:
        return territory_area(session, key)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_places(url, version, council_ids, chosen):
    """The form's pickers: communes of the councils' départements, and their territories (with those chosen)."""
    with read_scope(engine()) as session:
        return commune_choices(session, council_ids), territory_choices(session, council_ids, chosen)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_duplicates(url, version, council_id):
    """Likely duplicates (involving the council's partnership when given), once per data version."""
    with read_scope(engine()) as session:
        scope_ids = partnership_ids(session, council_id) if council_id is not None else None
        return find_duplicates(session, scope_ids)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_choices(url, version, council_id, query=""):
    """Partners for pickers: the council's partnership, and those matching a name search (a few hundred at most)."""
    with read_scope(engine()) as session:
        return partner_choices(session, council_id, query=query)


def sentence(text: str) -> str:
    """A domain message (lower-case start) as a sentence."""
    return text[:1].upper() + text[1:]


def flash(message: str) -> None:
    """Show `message` after the next rerun."""
    st.session_state[FLASH] = message


def show_problems(error: MaillageError) -> None:
    """Each validation problem on its own line; other errors as one message."""
    if isinstance(error, ValidationError):
        st.error("Le formulaire n'a pas été enregistré :\n\n" + "\n".join(f"- {md(message)}" for _f, message in error.problems))
    else:
        st.error(md(sentence(str(error))))


def reopen_on_current(editing: tuple, version: int, message: str) -> None:
    """After an edit conflict: reopen the form on the record's current values and version, as the message says
    (the old version would refuse every later save). New widget keys, so the browser drops what was typed."""
    partner_id, round_ = editing[0], (editing[2] if len(editing) > 2 else 0) + 1
    st.session_state["p_editing"] = (partner_id, version, round_)
    st.session_state[CONFLICT] = message
    st.rerun()


def forget_form(*prefixes: str) -> None:
    """After a successful save: drop the form's widget values, so it opens empty (or on the saved values)."""
    for key in [k for k in st.session_state if str(k).startswith(prefixes)]:
        del st.session_state[key]


VERIFIED_HELP = ("Aujourd'hui par défaut : une fiche ajoutée ou modifiée compte comme vérifiée ce jour-là. "
                 "Indiquez une autre date si la vérification date d'un autre jour.")


def partner_form(prefix: str, initial: PartnerInput | None, vocab: Vocabularies, networks: dict[int, str],
                 submit_label: str, last_verified: str = "") -> PartnerInput | None:
    """The partner form (add or edit); returns what was typed when submitted."""
    initial = initial or PartnerInput(name="", typology="", seat_commune="")
    initial_places = (initial.territories.split("|") if isinstance(initial.territories, str) else initial.territories)
    initial_places = [place.strip() for place in initial_places if place.strip()]
    communes, places = cached_places(url, version, picker_councils, tuple(initial_places))
    if initial.seat_commune and initial.seat_commune not in communes:
        communes = [initial.seat_commune, *communes]
    typologies = vocab.labels("typology")
    codes = list(typologies)
    with st.form(f"{prefix}_form"):
        cols = st.columns(2)
        name = cols[0].text_input("Nom *", value=initial.name, key=f"{prefix}_name", max_chars=200)
        typology = cols[1].selectbox("Typologie *", codes, index=codes.index(initial.typology) if initial.typology in codes else None,
                                     format_func=typologies.get, key=f"{prefix}_typology",
                                     placeholder="Choisissez une typologie")
        cols = st.columns(2)
        seat = cols[0].selectbox(
            "Commune du siège *", communes, key=f"{prefix}_seat", accept_new_options=True,
            index=communes.index(initial.seat_commune) if initial.seat_commune else None,
            placeholder="Tapez le nom, le code postal ou le code INSEE",
            help="Les communes des départements de l'instance sont proposées. Toute autre commune peut être "
                 "tapée puis validée par Entrée : « Pessac », « 33600 », « Paris 15e », « Saint-Denis (93) ».")
        chosen_places = cols[1].multiselect(
            "Territoires d'intervention", list(places), default=initial_places, key=f"{prefix}_territories",
            format_func=lambda key: places.get(key, key), accept_new_options=True,
            placeholder="Communes, intercommunalités, départements…",
            help="Ceux de l'instance sont proposés ; tapez-en un autre (nom de commune, code INSEE, SIREN d'EPCI, "
                 "dep:33, reg:75) puis Entrée.")
        chosen_networks = st.multiselect("Réseaux", list(networks), default=[n for n in initial.network_ids if n in networks],
                                         format_func=networks.get, key=f"{prefix}_networks", placeholder="Aucun")
        cols = st.columns(3)
        siret = cols[0].text_input("SIRET", value=initial.siret, key=f"{prefix}_siret", help="14 chiffres (facultatif).")
        website = cols[1].text_input("Site web", value=initial.website, key=f"{prefix}_website", placeholder="https://…")
        verified = cols[2].date_input("Fiche vérifiée le", value=initial.verified_on, key=f"{prefix}_verified",
                                      format="DD/MM/YYYY", max_value=dt.date.today(),
                                      help=VERIFIED_HELP + (f" Dernière vérification : {md(last_verified)}."
                                                            if last_verified else ""))
        st.caption("Contact professionnel (facultatif) — une fonction ou un service plutôt qu'une personne.")
        cols = st.columns(4)
        contact_name = cols[0].text_input("Nom du contact", value=initial.contact_name, key=f"{prefix}_contact_name")
        contact_role = cols[1].text_input("Fonction", value=initial.contact_role, key=f"{prefix}_contact_role")
        contact_email = cols[2].text_input("E-mail professionnel", value=initial.contact_email, key=f"{prefix}_contact_email")
        contact_phone = cols[3].text_input("Téléphone professionnel", value=initial.contact_phone, key=f"{prefix}_contact_phone")
        notes = st.text_area("Notes", value=initial.notes, key=f"{prefix}_notes",
                             help="Jamais de donnée personnelle sur les personnes accompagnées.")
        submitted = st.form_submit_button(submit_label, type="primary")
    if not submitted:
        return None
    return PartnerInput(name=name, typology=typology or "", seat_commune=seat or "", territories=list(chosen_places), siret=siret,
                        website=website, network_ids=list(chosen_networks), contact_name=contact_name,
                        contact_role=contact_role, contact_email=contact_email, contact_phone=contact_phone,
                        verified_on=verified, notes=notes)


ASK_ARCHIVE = "partners_ask_archive"  # (id, name, version) while the archive dialog is open
ASK_MERGE = "partners_ask_merge"  # ((id, name, version) kept, (…) removed) while the merge dialog is open


def _close_archive() -> None:
    """Forget the archive dialog (confirmed, cancelled or dismissed)."""
    st.session_state.pop(ASK_ARCHIVE, None)


def _close_merge() -> None:
    """Forget the merge dialog (confirmed, cancelled or dismissed)."""
    st.session_state.pop(ASK_MERGE, None)


@st.dialog("Archiver ce partenaire ?", on_dismiss=_close_archive)
def confirm_archive(partner_id: int, name: str, version: int) -> None:
    """Ask before archiving."""
    st.markdown(f"« {md(name)} » disparaîtra des listes et du graphe du réseau. Ses liens, ses actions et son "
             "historique sont conservés ; il pourra être restauré.")
    cols = st.columns(2)
    if cols[0].button("Archiver", type="primary", key="confirm_archive"):
        try:
            with session_scope(engine()) as session:
                archive_partner(session, actor, partner_id, version)
        except MaillageError as error:
            st.error(md(sentence(str(error))))
        else:
            _close_archive()
            flash(f"« {name} » est archivé.")
            st.rerun()
    if cols[1].button("Annuler", key="cancel_archive"):
        _close_archive()
        st.rerun()


@st.dialog("Fusionner ces deux partenaires ?", width="large", on_dismiss=_close_merge)
def confirm_merge(keep: tuple[int, str, int], remove: tuple[int, str, int]) -> None:
    """Ask before merging `remove` into `keep`."""
    st.markdown(f"« {md(remove[1])} » sera fusionné dans « {md(keep[1])} » : ses liens, ses rôles dans les actions, ses réseaux "
             "et ses territoires passent à la fiche conservée, les champs vides de celle-ci sont complétés, puis "
             f"la fiche « {md(remove[1])} » est supprimée. L'opération est enregistrée dans le journal.")
    cols = st.columns(2)
    if cols[0].button("Fusionner", type="primary", key="confirm_merge"):
        try:
            with session_scope(engine()) as session:
                report = merge_partners(session, actor, keep[0], remove[0], keep[2], remove[2])
        except MaillageError as error:
            st.error(md(sentence(str(error))))
        else:
            _close_merge()
            flash(" ".join(report.lines()))
            st.session_state[GOTO] = keep[0]
            st.rerun()
    if cols[1].button("Annuler", key="cancel_merge"):
        _close_merge()
        st.rerun()


actor = current_actor()
council_id = current_council_id()
today = dt.date.today()
url = database_url()
version = council_scope_version(engine(), council_id)  # an edit in an unrelated council keeps this warm
writer = actor.can_write_anything
picker_councils = (council_id,) if council_id is not None else tuple(sorted(actor.council_ids))

st.title("Partenaires")
arrived = from_address("partenaire")  # a link to a card (« Copier le lien »)
if arrived is not None:
    with read_scope(engine()) as session:
        if not may_open_partner(session, actor, as_int(arrived)):
            refuse_address("partenaire")
    st.session_state[GOTO] = as_int(arrived)
if GOTO in st.session_state:
    st.session_state[SELECTED] = st.session_state.pop(GOTO)
    st.session_state[TAB] = "Fiche"
notice = st.container()  # always present, so the tabs below keep their place (and their selection)
if FLASH in st.session_state:
    notice.success(md(st.session_state.pop(FLASH)))

with read_scope(engine()) as session:
    vocab = Vocabularies.load(session)
    networks = network_options(session)
    places = scope_territories(session, council_id)

tab_list, tab_detail, tab_new, tab_duplicates = st.tabs(["Registre", "Fiche", "Nouveau partenaire", "Doublons"],
                                                        key=TAB, on_change="rerun")

with tab_list:
    cols = st.columns([3, 2, 2])
    query = cols[0].text_input("Rechercher", key="p_query", placeholder="Nom, commune ou SIRET")
    only_council = cols[1].toggle("Partenariat de l'instance", value=council_id is not None, key="p_scope",
                                  disabled=council_id is None,
                                  help="Les partenaires dont le siège ou les territoires rencontrent ceux de l'instance, "
                                       "ou qui ont un lien ou une action avec elle.")
    archived = cols[2].selectbox("Fiches", list(ARCHIVED), format_func=ARCHIVED.get, key="p_archived")
    # All of France changes with any council's edit: its key is the global version, not the council's.
    list_version = version if only_council else data_version(engine())
    communes = cached_communes(url, list_version, council_id if only_council else None)
    cols = st.columns(4)
    typology_labels = vocab.labels("typology")
    typologies = cols[0].multiselect("Typologies", list(typology_labels), format_func=typology_labels.get,
                                     key="p_typologies", placeholder="Toutes")
    group_labels = vocab.labels("typology_group")
    groups = cols[1].multiselect("Secteurs", list(group_labels), format_func=group_labels.get, key="p_groups",
                                 placeholder="Tous")
    commune = cols[2].selectbox("Commune du siège", [""] + list(communes),
                                format_func=lambda k: communes.get(k, "Toutes"), key="p_commune")
    place = cols[3].selectbox("Territoire d'intervention", [""] + list(places),
                              format_func=lambda k: places.get(k, "Tous"), key="p_place")
    cols = st.columns(4)
    network = cols[0].selectbox("Réseau", [0] + list(networks), format_func=lambda n: networks.get(n, "Tous"),
                                key="p_network")
    freshness = cols[1].selectbox("Vérification", list(FRESHNESS), format_func=FRESHNESS.get, key="p_freshness")
    sort = cols[2].selectbox("Trier par", list(SORTS), format_func=SORTS.get, key="p_sort")
    descending = cols[3].toggle("Ordre décroissant", key="p_descending")
    filters = PartnerFilters(
        query=query, typologies=tuple(typologies), groups=tuple(groups), commune=commune or None,
        territory=place or None, network_id=network or None, freshness=freshness, archived=archived,
        council_id=council_id if only_council else None,
    )
    rows = cached_rows(url, list_version, filters.council_id, archived, today)
    area = cached_area(url, version, filters.territory) if filters.territory else None
    listing = filter_rows(rows, filters, sort, descending, area)
    st.markdown(f"**{plural(listing.count, 'partenaire')}**"
                + (f" sur {format_int(listing.scope_total)}" if listing.count != listing.scope_total else ""))
    records = [
        {"Nom": r.name, "Typologie": r.typology_label, "Secteur": r.group_label, "Commune du siège": r.commune_name,
         "Réseaux": ", ".join(r.networks), "Vérifié le": format_date(r.verified_on),
         "À vérifier": "oui" if r.stale else "", "Archivé": "oui" if r.archived else ""}
        for r in listing.rows
    ]
    show_table(records, REGISTER_COLUMNS, max_height=600)
    st.download_button("Télécharger la liste (CSV)", partial(spreadsheet_csv, records), file_name="partenaires.csv",
                       mime="text/csv", icon=":material/download:", key="p_download")

with tab_detail:
    choices = {r.id: f"{r.name} — {r.commune_name}" + (" (archivé)" if r.archived else "") for r in listing.rows}
    selected = st.session_state.get(SELECTED)
    if selected is not None and selected not in choices:
        with read_scope(engine()) as session:
            try:
                extra = partner_detail(session, actor, selected, today)
                choices = {selected: f"{extra.name} — {extra.seat_commune}", **choices}
            except MaillageError:
                st.session_state[SELECTED] = None
    default = {} if SELECTED in st.session_state else {"index": None}
    if len(choices) > PICKER_LIMIT:
        pick_query = st.text_input("Chercher un partenaire", key="p_pick_query", placeholder="Nom ou partie du nom")
        choices, matching = narrowed_choices(choices, pick_query, keep=[st.session_state.get(SELECTED)])
        if matching > len(choices):
            st.caption(f"{format_int(matching)} fiches correspondent : les {format_int(len(choices))} premières sont "
                       "proposées. Tapez une partie du nom ci-dessus pour trouver les autres.")
    partner_id = st.selectbox("Partenaire", list(choices), format_func=choices.get, key=SELECTED,
                              placeholder="Choisissez un partenaire (la liste suit les filtres du registre)", **default)
    to_address("partenaire", partner_id if st.session_state.get(TAB) == "Fiche" else None)
    if partner_id is None:
        st.info("Choisissez un partenaire pour voir sa fiche, ses liens et ses actions.")
    else:
        with read_scope(engine()) as session:
            detail = partner_detail(session, actor, partner_id, today)
        st.subheader(md(detail.name))
        copy_link_button()
        status = "archivé le " + format_datetime(detail.archived_at) if detail.archived_at else (
            "fiche à vérifier" if detail.stale else "fiche à jour")
        st.caption(md(f"{detail.typology_label} · {detail.group_label} · siège : {detail.seat_commune} · {status}"))
        st.page_link("pages/reseau.py", label="Voir son réseau (partenaires, liens, rôle d'intermédiaire)",
                     icon=":material/hub:", query_params={"partenaire": str(detail.id)})
        info = [
            {"Champ": "Territoires d'intervention", "Valeur": ", ".join(detail.territories) or "—"},
            {"Champ": "Réseaux", "Valeur": ", ".join(detail.networks) or "—"},
            {"Champ": "SIRET", "Valeur": detail.siret or "—"},
            {"Champ": "Site web", "Valeur": detail.website or "—"},
            {"Champ": "Vérifiée le", "Valeur": format_date(detail.verified_on)},
            {"Champ": "Notes", "Valeur": detail.notes or "—"},
        ]
        if detail.contact_visible:
            contact = " · ".join(v for v in (detail.contact_name, detail.contact_role, detail.contact_email,
                                             detail.contact_phone) if v)
            info.append({"Champ": "Contact professionnel", "Valeur": contact or "—"})
        st.markdown("##### Informations")
        show_table(info)

        if detail.can_edit:
            cols = st.columns(3)
            if detail.archived_at is None:
                if cols[0].button("Modifier la fiche", icon=":material/edit:", key="p_edit_open"):
                    st.session_state["p_editing"] = (detail.id, detail.version)
                if cols[1].button("Archiver…", icon=":material/archive:", key="p_archive"):
                    st.session_state[ASK_ARCHIVE] = (detail.id, detail.name, detail.version)
            elif cols[0].button("Restaurer", icon=":material/unarchive:", key="p_restore"):
                try:
                    with session_scope(engine()) as session:
                        restore_partner(session, actor, detail.id, detail.version)
                except MaillageError as error:
                    st.error(md(sentence(str(error))))
                else:
                    flash(f"« {detail.name} » est restauré.")
                    st.rerun()
        editing = st.session_state.get("p_editing")
        if editing and editing[0] == detail.id and detail.archived_at is None:
            st.markdown("##### Modifier la fiche")
            if CONFLICT in st.session_state:
                st.error(md(sentence(st.session_state.pop(CONFLICT))))
            form_prefix = f"edit{detail.id}" + (f"_{editing[2]}" if len(editing) > 2 else "")
            sent = partner_form(form_prefix, detail.as_input(today), vocab, networks, "Enregistrer les modifications",
                                last_verified=format_date(detail.verified_on) if detail.verified_on else "jamais")
            if sent is not None:
                try:
                    with session_scope(engine()) as session:
                        update_partner(session, actor, detail.id, sent, editing[1], today, picker_councils)
                except ConflictError as error:
                    reopen_on_current(editing, detail.version, str(error))
                except MaillageError as error:
                    show_problems(error)
                else:
                    st.session_state.pop("p_editing", None)
                    flash(f"« {sent.name.strip()} » est enregistré.")
                    st.rerun()
            if st.button("Fermer le formulaire", key="p_edit_close"):
                st.session_state.pop("p_editing", None)
                st.rerun()

        st.markdown("##### Liens de coopération")
        if detail.links:
            show_table([
                {"Partenaire": l.other + (" (archivé)" if l.other_archived else ""), "Nature": l.kind_label,
                 "Niveau": f"{l.level} — {l.level_label}", "Début": format_date(l.start), "Fin": format_date(l.end),
                 "Instance": l.council, "En cours": "oui" if l.active else "non", "Note": l.note}
                for l in detail.links], {"Niveau": "Niveau de collaboration, de 1 (information) à 4 (collaboration)."})
        else:
            st.info("Aucun lien déclaré.")
        kinds = {k: v for k, v in vocab.labels("link_kind").items() if k != "action"}
        levels = {int(k): f"{k} — {v}" for k, v in vocab.labels("link_level").items()}
        if detail.archived_at is None and council_id is not None and can_write_council(actor, council_id):
            with st.expander("Ajouter un lien dans l'instance sélectionnée", icon=":material/add_link:"):
                query = st.text_input("Chercher un partenaire hors du partenariat", key="p_link_query",
                                      placeholder="Nom ou partie du nom", help="La liste propose le partenariat de "
                                      "l'instance ; tapez un nom pour y ajouter d'autres partenaires.")
                others = {k: v for k, v in cached_choices(url, version if not query.strip() else data_version(engine()), council_id, query.strip()).items()
                          if k != detail.id}
                with st.form("p_link_new"):
                    other = st.selectbox("Partenaire lié", list(others), format_func=others.get, index=None,
                                         key="p_link_other", placeholder="Choisissez un partenaire")
                    cols = st.columns(2)
                    kind = cols[0].selectbox("Nature", list(kinds), format_func=kinds.get, key="p_link_kind")
                    level = cols[1].selectbox("Niveau", list(levels), format_func=levels.get, key="p_link_level")
                    cols = st.columns(2)
                    start = cols[0].date_input("Début", value=None, format="DD/MM/YYYY", key="p_link_start")
                    end = cols[1].date_input("Fin", value=None, format="DD/MM/YYYY", key="p_link_end")
                    note = st.text_input("Note", key="p_link_note")
                    if st.form_submit_button("Ajouter le lien"):
                        try:
                            with session_scope(engine()) as session:
                                create_link(session, actor, LinkInput(council_id, detail.id, other, kind, level,
                                                                      start, end, note))
                        except MaillageError as error:
                            show_problems(error)
                        else:
                            flash("Lien ajouté.")
                            forget_form("p_link_")  # the next link starts from an empty form
                            st.rerun()
        editable = [l for l in detail.links if l.can_edit]
        if editable and detail.archived_at is None:
            with st.expander("Modifier ou terminer un lien", icon=":material/edit_note:"):
                link_labels = {l.id: f"{l.other} — {l.kind_label} ({l.council})" for l in editable}
                link_id = st.selectbox("Lien", list(link_labels), format_func=link_labels.get, key="p_link_pick")
                link = next(l for l in editable if l.id == link_id)
                with st.form(f"p_link_edit_{link.id}_{link.version}"):
                    cols = st.columns(2)
                    kind = cols[0].selectbox("Nature", list(kinds), index=list(kinds).index(link.kind),
                                             format_func=kinds.get)
                    level = cols[1].selectbox("Niveau", list(levels), index=list(levels).index(link.level),
                                              format_func=levels.get)
                    cols = st.columns(2)
                    start = cols[0].date_input("Début", value=link.start, format="DD/MM/YYYY")
                    end = cols[1].date_input("Fin", value=link.end, format="DD/MM/YYYY")
                    note = st.text_input("Note", value=link.note)
                    if st.form_submit_button("Enregistrer le lien"):
                        try:
                            with session_scope(engine()) as session:
                                update_link(session, actor, link.id, LinkInput(link.council_id, detail.id, link.other_id,
                                                                               kind, level, start, end, note), link.version)
                        except MaillageError as error:
                            show_problems(error)
                        else:
                            flash("Lien enregistré.")
                            st.rerun()
                if link.end is None:
                    cols = st.columns([2, 1])
                    end_day = cols[0].date_input("Terminer le lien au", value=today, format="DD/MM/YYYY",
                                                 key=f"p_link_end_day_{link.id}")
                    if cols[1].button("Terminer ce lien", key=f"p_link_end_{link.id}"):
                        try:
                            with session_scope(engine()) as session:
                                end_link(session, actor, link.id, end_day, link.version)
                        except MaillageError as error:
                            show_problems(error)
                        else:
                            flash("Lien terminé : il reste visible dans le réseau des années précédentes.")
                            st.rerun()

        st.markdown("##### Actions")
        with read_scope(engine()) as session:
            involved = partner_actions(session, actor, detail.id, today)
        if involved.rows:
            show_table([{"Action": a.title, "Instance": a.council, "Rôle": a.roles, "Statut": a.status,
                         "Début": format_date(a.start), "Fin": format_date(a.end)} for a in involved.rows])
        else:
            st.info("Aucune action partagée.")
        if involved.hidden:
            st.caption(f"{plural(involved.hidden, 'autre action')} d'instances dont vous ne voyez pas les actions non partagées.")
        if detail.history:
            st.markdown("##### Historique")
            show_table([{"Date": format_datetime(h.at), "Par": h.user, "Opération": h.operation}
                        for h in detail.history])

with tab_new:
    if not writer:
        st.info("Votre rôle permet de consulter le registre, pas d'y ajouter des partenaires.")
    else:
        sent = partner_form("new", PartnerInput(name="", typology="", seat_commune="", verified_on=today), vocab,
                            networks, "Ajouter le partenaire")
        if sent is not None:
            try:
                with session_scope(engine()) as session:
                    created = create_partner(session, actor, sent, today, picker_councils)
                    created_id, created_name = created.id, created.name
            except MaillageError as error:
                show_problems(error)
            else:
                flash(f"« {created_name} » est ajouté au registre.")
                forget_form("new_")  # the next partner starts from an empty form
                st.session_state[GOTO] = created_id
                st.rerun()

with tab_duplicates:
    pairs = cached_duplicates(url, list_version, council_id if only_council else None)
    merge_query = st.session_state.get("p_merge_query", "").strip()
    everyone = cached_choices(url, version if not merge_query else data_version(engine()), council_id, merge_query)
    everyone, _matching = narrowed_choices(everyone, merge_query,
                                           keep=[st.session_state.get("p_keep"), st.session_state.get("p_remove")])
    st.caption("Même commune du siège et même nom une fois ignorés majuscules, accents, ponctuation et mots comme "
               "« mairie de » ou « ville de » ; ou même SIRET.")
    if pairs:
        st.markdown(f"**{plural(len(pairs), 'doublon probable', 'doublons probables')}**")
        show_table([{"Fiche A": p.a_name, "Fiche B": p.b_name, "Commune": p.commune, "Raison": p.reason}
                    for p in pairs])
    else:
        st.success("Aucun doublon probable.")
    if writer:
        st.markdown("##### Fusionner deux fiches")
        pair_labels = {i: f"{p.a_name} / {p.b_name} ({p.commune})" for i, p in enumerate(pairs)}
        pick = st.selectbox("Doublon proposé", [None] + list(pair_labels),
                            format_func=lambda i: "Choisir deux fiches à la main" if i is None else pair_labels[i],
                            key="p_pair")
        cols = st.columns(2)
        if pick is not None:
            pair = pairs[pick]
            options = {pair.a_id: pair.a_name, pair.b_id: pair.b_name}
            keep_id = cols[0].radio("Fiche à conserver", list(options), format_func=lambda k: md(options[k]),
                                    key="p_keep_pair")
            remove_id = pair.b_id if keep_id == pair.a_id else pair.a_id
        else:
            st.text_input("Chercher une fiche hors du partenariat", key="p_merge_query", placeholder="Nom ou partie du nom")
            cols = st.columns(2)
            keep_id = cols[0].selectbox("Fiche à conserver", list(everyone), format_func=everyone.get, index=None,
                                        key="p_keep", placeholder="Choisissez")
            remove_id = cols[1].selectbox("Fiche à fusionner (supprimée)", [k for k in everyone if k != keep_id],
                                          format_func=everyone.get, index=None, key="p_remove", placeholder="Choisissez")
        if keep_id is not None and remove_id is not None:
            with read_scope(engine()) as session:
                keep = partner_detail(session, actor, keep_id, today)
                remove = partner_detail(session, actor, remove_id, today)
                keep_actions = partner_actions(session, actor, keep_id, today)
                remove_actions = partner_actions(session, actor, remove_id, today)
            st.caption(f"Conservée : « {md(keep.name)} » ({len(keep.links)} liens, "
                       f"{len(keep_actions.rows)} actions) — fusionnée : « {md(remove.name)} » "
                       f"({len(remove.links)} liens, {len(remove_actions.rows)} actions).")
            if st.button("Fusionner…", icon=":material/merge:", key="p_merge"):
                st.session_state[ASK_MERGE] = ((keep.id, keep.name, keep.version), (remove.id, remove.name, remove.version))

# The dialogs stay open across reruns until confirmed, cancelled or dismissed.
if ASK_ARCHIVE in st.session_state:
    confirm_archive(*st.session_state[ASK_ARCHIVE])
elif ASK_MERGE in st.session_state:
    confirm_merge(*st.session_state[ASK_MERGE])
