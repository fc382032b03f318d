"""Données: import CSV/XLSX with a preview of every row and error, exports, templates, backup and restore,
and the data-quality list."""

from __future__ import annotations

import datetime as dt
from functools import partial

import streamlit as st

from maillage.accounts import can_write_council
from maillage.core import (
    MaillageError,
    PermissionDenied,
    compact,
    council_scope_version,
    data_version,
    database_url,
    format_int,
    md,
    plural,
    read_scope,
    session_scope,
)
from maillage.exchange import (
    KINDS,
    XLSX_MIME,
    ZIP_MIME,
    ImportRefused,
    ReadError,
    accounts_to_create,
    backup_filename,
    change_lines,
    data_quality,
    export_csv_zip,
    export_structures,
    export_xlsx,
    fingerprint,
    header_rows,
    import_tables,
    instructions,
    latest_files,
    make_backup,
    preview_import,
    problem_workbook,
    quality_csv,
    read_backup,
    read_files,
    restore_backup,
    save_mapping,
    saved_mapping,
    template_csv,
    template_filename,
    template_xlsx,
)
from maillage.vocabularies import Vocabularies
from models.vocabularies import USER_ROLES
from ui.downloads import ephemeral
from ui.session import current_actor, current_council_id, engine

# AppTest cannot upload files: tests put [(name, bytes), …] under these keys instead.
TEST_FILES_KEY = "donnees:fichiers_test"
TEST_BACKUP_KEY = "donnees:sauvegarde_test"
PREVIEW_KEY = "donnees:apercu"
UPLOAD_ROUND = "donnees:envoi"
FLASH_KEY = "donnees:message"
MAPPING_PREFIX = "donnees:colonne:"
REMEMBER_KEY = "donnees:memoriser"
IGNORE = ""
PREVIEW_ROWS = 5
AUTO_KIND = "auto"
SHOWN_ROWS = 5000
VIEWS = {"importer": "Importer", "exporter": "Exporter", "modeles": "Modèles", "sauvegarde": "Sauvegarde",
         "qualite": "Qualité des données"}

actor = current_actor()
council_id = current_council_id()
today = dt.date.today()
stamp = today.isoformat()

st.title("Données")
st.caption("Importer vos tableaux (CSV, XLSX, XLS ou ODS), tout exporter, sauvegarder, et repérer ce qui est à mettre à jour. "
           "Un fichier comportant la moindre erreur n'est jamais importé à moitié.")
view = st.radio("Rubrique", list(VIEWS), format_func=VIEWS.get, horizontal=True, key="donnees:vue",
                label_visibility="collapsed")


def progress_callback(bar):
    """A progress function for the domain: it moves the bar (and never touches the database)."""
    def update(fraction: float, text: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=text)
    return update


def show_messages(title: str, messages: list[str]) -> None:
    """An error box without user text, then the messages as a table (no Markdown: file names stay text)."""
    st.error(title, icon=":material/error:")
    st.dataframe([{"Message": message} for message in messages], hide_index=True, width="stretch")


def show_preview(preview) -> None:
    """Counts, every error with its place, the flagged cells, and the rows with their status."""
    statuses = [row.status for row in preview.rows]
    columns = st.columns(5)
    columns[0].metric("Lignes lues", format_int(len(preview.rows)))
    columns[1].metric("À créer", format_int(statuses.count("à créer")))
    columns[2].metric("À mettre à jour", format_int(statuses.count("à mettre à jour")))
    columns[3].metric("Inchangées", format_int(statuses.count("inchangée")))
    columns[4].metric("Erreurs", format_int(len(preview.plan.problems)))
    if preview.ok:
        st.success("Toutes les lignes sont valides : vous pouvez importer.", icon=":material/check_circle:")
    else:
        st.error(f"{plural(len(preview.plan.problems), 'erreur')} : rien ne sera importé tant qu'elles ne sont pas "
                 "corrigées. Corrigez le fichier puis déposez-le à nouveau.", icon=":material/error:")
        st.dataframe(
            [{"Fichier": p.source, "Ligne": p.line or None, "Colonne": p.column, "Valeur": p.value, "Motif": p.reason}
             for p in preview.plan.problems],
            hide_index=True, width="stretch",
        )
    if preview.plan.warnings:
        with st.expander(f"À vérifier ({plural(len(preview.plan.warnings), 'remarque')}, sans bloquer l'import)"):
            st.dataframe(
                [{"Fichier": w.source, "Ligne": w.line or None, "Colonne": w.column, "Valeur": w.value, "Remarque": w.reason}
                 for w in preview.plan.warnings],
                hide_index=True, width="stretch",
            )
    shown = st.radio("Lignes à afficher", ["erreurs et modifications", "toutes"], horizontal=True,
                     key="donnees:filtre")
    rows = preview.rows if shown == "toutes" else [row for row in preview.rows if row.status != "inchangée"]
    rows = sorted(rows, key=lambda row: row.status != "erreur")
    st.dataframe(
        [{"Fichier": row.source, "Type": row.kind_label, "Ligne": row.line, "Élément": row.label,
          "Statut": row.status, "Détail": " ; ".join(row.errors + row.notes)} for row in rows[:SHOWN_ROWS]],
        hide_index=True, width="stretch",
    )
    if len(rows) > SHOWN_ROWS:
        st.caption(f"{format_int(SHOWN_ROWS)} premières lignes affichées sur {format_int(len(rows))}.")


def mapping_editor(files: list[tuple[str, bytes]], chosen: str | None) -> tuple[str | None, dict[str, str]]:
    """The kind the files hold and, for a file whose headers are not ours, the user's reading of each header
    (remembered mapping of the council first, then known names and aliases)."""
    found = [item for name, data in files for item in header_rows(name, data, chosen)]
    kinds = {kind for _source, kind, _headers in found if kind}
    if len(kinds) != 1 or len(found) != 1:
        return None, {}
    source, kind, headers = found[0]
    headers = [header for header in headers if header and fold_header(header) != "probleme"]
    if not headers:
        return kind, {}
    with read_scope(engine()) as session:
        remembered = saved_mapping(session, council_id, kind)
    kind_format = KINDS[kind]
    options = [IGNORE, *kind_format.columns]
    mapping: dict[str, str] = {}
    defaults = {}
    for header in headers:
        remembered_column = next((column for saved, column in remembered.items()
                                  if fold_header(saved) == fold_header(header)), None)
        defaults[header] = remembered_column if remembered_column is not None else (kind_format.match_header(header)
                                                                                     or IGNORE)
    missing = kind_format.required - {column for column in defaults.values() if column}
    label = f"Colonnes du fichier {source} ({kind_format.label})"
    with st.expander(label, expanded=bool(missing) or any(h not in kind_format.columns for h in headers)):
        st.caption("Indiquez ce que contient chaque colonne du fichier ; les colonnes marquées « ignorer » ne sont "
                   "pas lues." + (" Correspondances mémorisées pour cette instance appliquées." if remembered else ""))
        grid = st.columns(3)
        for index, header in enumerate(headers):
            default = defaults[header]
            mapping[header] = grid[index % 3].selectbox(
                header, options, index=options.index(default) if default in options else 0,
                format_func=lambda column: "— ignorer —" if column == IGNORE else
                f"{column}{' *' if column in kind_format.required else ''}",
                key=f"{MAPPING_PREFIX}{fingerprint(files, chosen)}:{index}")
        if missing - {column for column in mapping.values() if column}:
            st.warning("Colonnes obligatoires sans correspondance : "
                       + md(", ".join(sorted(kind_format.required - set(mapping.values())))), icon=":material/warning:")
        if council_id is not None and can_write_council(actor, council_id):
            st.checkbox("Mémoriser ces correspondances pour les prochains fichiers de cette instance",
                        value=True, key=REMEMBER_KEY)
    return kind, mapping


def fold_header(header: str) -> str:
    """A header compared as the reader compares it."""
    return compact(header)


def show_first_rows(tables) -> None:
    """The first rows of each table as they will be read (after the column mapping)."""
    for table in tables:
        st.caption(f"Premières lignes lues dans {md(table.source)}")
        st.dataframe([{column: row.cells.get(column, "") for column in table.columns}
                      for row in table.rows[:PREVIEW_ROWS]], hide_index=True, width="stretch")


def import_view() -> None:
    """Upload (a new file replaces the earlier one of the same kind), map the columns, preview every row,
    download the problems to fix them in the spreadsheet, then apply in one go."""
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success("Import réussi. Voici exactement ce qui a changé (rien d'autre n'a été modifié) :",
                   icon=":material/check_circle:")
        st.dataframe([{"Résultat": line} for line in flash], hide_index=True, width="stretch")
    st.markdown("Déposez un ou plusieurs fichiers CSV (un type de données par fichier, nommé d'après son contenu : "
                "`partenaires.csv`, `actions.csv`…) ou un classeur XLSX, XLS ou ODS (une feuille par type). Encodage "
                "UTF-8 ou Windows-1252, séparateur point-virgule, virgule ou tabulation. Les communes s'écrivent "
                "comme vous en avez l'habitude : nom, code postal, code INSEE, « Nom (33) », « Paris 15e ». "
                "Téléchargez un modèle dans la rubrique « Modèles ».")
    round_ = st.session_state.setdefault(UPLOAD_ROUND, 0)
    uploaded = st.file_uploader("Fichiers à importer", type=["csv", "xlsx", "txt", "tsv", "xls", "ods"],
                                accept_multiple_files=True, key=f"donnees:fichiers:{round_}")
    files = [(item.name, item.getvalue()) for item in uploaded or []] or st.session_state.get(TEST_FILES_KEY, [])
    kind = st.selectbox("Type des fichiers", [AUTO_KIND, *KINDS],
                        format_func=lambda k: "déduit du nom du fichier ou de ses en-têtes" if k == AUTO_KIND
                        else f"{KINDS[k].label.capitalize()} (fichier {k}.csv)", key="donnees:type")
    if not files:
        st.info("Aucun fichier déposé.", icon=":material/upload_file:")
        return
    chosen = None if kind == AUTO_KIND else kind
    files, replaced = latest_files(files, chosen)
    if replaced:
        st.info("Fichier remplacé par le plus récent de même contenu : " + md(", ".join(replaced))
                + ". Seul le dernier déposé est vérifié.", icon=":material/swap_horiz:")
    mapped_kind, mapping = mapping_editor(files, chosen)
    read_kind = chosen or (mapped_kind if mapping else None)
    key = fingerprint(files, (read_kind or "") + repr(sorted(mapping.items())))
    cached = st.session_state.get(PREVIEW_KEY)
    if cached is None or cached[0] != key:
        try:
            tables = read_files(files, read_kind, mapping=mapping or None)
        except ReadError as error:
            st.session_state.pop(PREVIEW_KEY, None)
            show_messages("Fichier illisible : rien n'a été importé.", error.messages)
            return
        bar = st.progress(0.0, text="Vérification des lignes…")
        try:
            preview = preview_import(engine(), tables, actor=actor, progress=progress_callback(bar),
                                     council_ids=None if council_id is None else [council_id])
        except PermissionDenied as error:
            bar.empty()
            st.error(f"Accès refusé : {md(error)}.")
            return
        except MaillageError as error:
            bar.empty()
            show_messages("Vérification impossible : rien n'a été importé.", [str(error)])
            return
        bar.empty()
        st.session_state[PREVIEW_KEY] = (key, tables, preview)
    _key, tables, preview = st.session_state[PREVIEW_KEY]
    st.subheader("Aperçu")
    show_first_rows(tables)
    show_preview(preview)
    if not preview.ok:
        st.download_button("Télécharger les lignes avec leurs problèmes (XLSX)",
                           lambda: problem_workbook(tables, preview.plan),
                           file_name=f"problemes-import-{stamp}.xlsx", mime=XLSX_MIME, icon=":material/download:",
                           on_click="ignore", key="donnees:problemes")
        st.caption("Le classeur reprend toutes les lignes de vos fichiers avec une colonne « problème » : corrigez les "
                   "cellules signalées, puis déposez-le ici (il remplace le fichier d'origine).")
    if preview.ok and st.button("Importer ces données", type="primary", icon=":material/publish:"):
        bar = st.progress(0.0, text="Import…")
        try:
            plan, report = import_tables(engine(), tables, actor=actor, progress=progress_callback(bar),
                                         council_ids=None if council_id is None else [council_id])
        except ImportRefused as refused:
            bar.empty()
            st.session_state.pop(PREVIEW_KEY, None)
            show_messages(f"{refused} Les données ont changé depuis l'aperçu.",
                          [str(problem) for problem in refused.plan.problems])
            return
        except MaillageError as error:
            bar.empty()
            show_messages("Rien n'a été importé.", [str(error)])
            return
        if mapping and mapped_kind and council_id is not None and st.session_state.get(REMEMBER_KEY):
            with session_scope(engine()) as session:
                save_mapping(session, actor, council_id, mapped_kind, mapping)
        st.session_state.pop(PREVIEW_KEY, None)
        st.session_state.pop(TEST_FILES_KEY, None)
        st.session_state[UPLOAD_ROUND] = round_ + 1
        st.session_state[FLASH_KEY] = change_lines(report, plan)
        st.rerun()


def export_view() -> None:
    """Everything the actor may read, in the import format."""
    scope = "toute la base" if actor.is_admin else "les données de vos instances"
    st.markdown(f"L'export contient {md(scope)}, exactement au format d'import : il se réimporte tel quel. "
                "Les fichiers CSV sont en UTF-8 avec BOM et séparateur point-virgule, comme les ouvre Excel en "
                "français ; les textes qu'un tableur prendrait pour une formule sont précédés d'une apostrophe.")
    if actor.role not in ("admin", "coordinateur", "elu"):
        st.info("Votre rôle ne permet pas d'exporter les données des instances.")
        return
    current_engine = engine()
    columns = st.columns(2)
    columns[0].download_button("Tout exporter en CSV (ZIP)", ephemeral(lambda: export_csv_zip(current_engine, actor)),
                               file_name=f"maillage-export-{stamp}.zip", mime=ZIP_MIME,
                               icon=":material/download:", on_click="ignore")
    columns[1].download_button("Tout exporter en XLSX", ephemeral(lambda: export_xlsx(current_engine, actor)),
                               file_name=f"maillage-export-{stamp}.xlsx", mime=XLSX_MIME,
                               icon=":material/download:", on_click="ignore")
    st.subheader("Registre des partenaires au format data·inclusion")
    st.markdown("Le schéma national des structures de l'inclusion (celui de la cartographie nationale et des "
                "annuaires comme Soliguide) : vos partenaires actifs, validés contre ce schéma, en JSON et en CSV. "
                "Un fichier data·inclusion (par exemple les structures publiées pour un département) s'importe dans "
                "la rubrique « Importer » : les partenaires sont reconnus par leur SIRET, puis par leur nom et leur "
                "commune.")
    inclusion = st.columns(2)
    inclusion[0].download_button("Exporter au format data·inclusion (JSON)",
                                 lambda: export_structures(current_engine, actor).json_bytes(),
                                 file_name=f"structures-data-inclusion-{stamp}.json", mime="application/json",
                                 icon=":material/download:", on_click="ignore")
    inclusion[1].download_button("Exporter au format data·inclusion (CSV)",
                                 lambda: export_structures(current_engine, actor).csv_bytes(),
                                 file_name=f"structures-data-inclusion-{stamp}.csv", mime="text/csv",
                                 icon=":material/download:", on_click="ignore")


def templates_view() -> None:
    """One workbook template, one CSV template per kind, and what each column takes."""
    with read_scope(engine()) as session:
        vocab = Vocabularies.load(session)
    st.markdown("Chaque modèle contient les en-têtes et deux lignes d'exemple à remplacer. Le classeur XLSX "
                "réunit tous les types (une feuille chacun) et une feuille « Lisez-moi ».")
    st.download_button("Modèle complet (XLSX)", lambda: template_xlsx(vocab), file_name="modele-maillage.xlsx",
                       mime=XLSX_MIME, icon=":material/download:", type="primary", on_click="ignore")
    columns = st.columns(4)
    for index, kind in enumerate(KINDS):
        columns[index % 4].download_button(f"{md(KINDS[kind].label.capitalize())} (CSV)", template_csv(kind),
                                           file_name=template_filename(kind), mime="text/csv",
                                           key=f"donnees:modele:{kind}", on_click="ignore")
    chosen = st.selectbox("Colonnes de", list(KINDS), format_func=lambda k: KINDS[k].label, key="donnees:colonnes")
    st.dataframe(
        [{"Colonne": column, "Obligatoire": required, "Type": type_, "Description": help_, "Valeurs possibles": allowed}
         for kind, column, required, type_, help_, allowed in instructions(vocab) if kind == chosen],
        hide_index=True, width="stretch",
    )


def backup_view() -> None:
    """Backup download and restore, for administrators."""
    if not actor.is_admin:
        st.info("La sauvegarde et la restauration de toute la base sont réservées aux administrateurs.",
                icon=":material/lock:")
        return
    st.markdown("La sauvegarde est une archive ZIP : tous les fichiers au format d'échange, les sous-territoires, "
                "vocabulaires et le journal, avec un manifeste (version du schéma, nombre de lignes, "
                "sommes de contrôle). Elle est fabriquée au moment du clic et n'est gardée nulle part sur le serveur.")
    include_accounts = st.checkbox(
        "Inclure les comptes", key="donnees:inclure_comptes",
        help="Les comptes et les empreintes de leurs mots de passe : seulement pour reconstruire un serveur.")
    st.warning("Elle contient les contacts des partenaires" + (" et les comptes (empreintes des mots de passe)"
               if include_accounts else "") + " : conservez-la en lieu sûr.", icon=":material/shield:")
    current_engine = engine()
    st.download_button("Télécharger une sauvegarde",
                       ephemeral(lambda: make_backup(current_engine, actor, include_accounts=include_accounts)),
                       file_name=backup_filename(), mime=ZIP_MIME, icon=":material/backup:", on_click="ignore")
    st.subheader("Restaurer une sauvegarde")
    uploaded = st.file_uploader("Sauvegarde (.zip)", type=["zip"], key="donnees:restauration")
    data = uploaded.getvalue() if uploaded is not None else st.session_state.get(TEST_BACKUP_KEY)
    replace = st.checkbox("Remplacer les données existantes (instances, partenaires, liens, actions…)",
                          key="donnees:remplacer")
    confirmed = True
    if replace:
        confirmed = st.checkbox("Je confirme : les données actuelles seront effacées puis remplacées par la sauvegarde.",
                                key="donnees:confirmer")
    restore_accounts = False
    if data is not None:
        try:
            accounts = accounts_to_create(engine(), read_backup(data))
        except ReadError as error:
            show_messages("Sauvegarde illisible : rien ne sera restauré.", error.messages)
            return
        if accounts:
            restore_accounts = st.checkbox(
                f"Créer aussi les {format_int(len(accounts))} comptes de la sauvegarde absents de la base",
                key="donnees:restaurer_comptes")
            st.dataframe([{"Compte à créer": a.email, "Rôle": USER_ROLES.get(a.role, a.role),
                           "Actif": "oui" if a.active else "non"} for a in accounts], hide_index=True, width="stretch")
    if st.button("Restaurer", disabled=data is None or not confirmed, icon=":material/restore:"):
        bar = st.progress(0.0, text="Restauration…")
        try:
            report = restore_backup(engine(), data, actor, replace=replace, include_accounts=restore_accounts,
                                    progress=progress_callback(bar))
        except ReadError as error:
            bar.empty()
            show_messages("Sauvegarde illisible : rien n'a été restauré.", error.messages)
            return
        except ImportRefused as refused:
            bar.empty()
            show_messages("La sauvegarde contient des erreurs : rien n'a été restauré.",
                          [str(problem) for problem in refused.plan.problems])
            return
        except MaillageError as error:
            bar.empty()
            show_messages("Rien n'a été restauré.", [str(error)])
            return
        bar.empty()
        st.success("Sauvegarde restaurée.", icon=":material/check_circle:")
        st.dataframe([{"Résultat": line} for line in report.lines], hide_index=True, width="stretch")


def quality_version(scope_council: int | None) -> tuple[int, ...]:
    """The version of what the quality list reads: the council's scope, or everything's."""
    if scope_council is None:
        return (data_version(engine()),)
    return council_scope_version(engine(), scope_council)


# A link or action declared by an unrelated council can take one of this council's partners off the
# « isolated » list without changing this council's version: the list is kept ten minutes at most.
@st.cache_data(show_spinner="Examen des données…", max_entries=32, ttl=600)
def cached_quality(url: str, version: tuple[int, ...], reader, scope_council: int | None, today: dt.date):
    """The data-quality list, once per version of what it reads (and reader, day), ten minutes at most."""
    with read_scope(engine()) as session:
        return data_quality(session, reader, scope_council, today)


def quality_view() -> None:
    """What to check or complete, for the selected council (or everything, for administrators)."""
    everything = actor.is_admin and st.toggle("Toutes les instances", key="donnees:qualite_tout")
    if council_id is None and not everything:
        st.info("Choisissez une instance dans le menu latéral.")
        return
    try:
        report = cached_quality(database_url(), quality_version(None if everything else council_id), actor,
                                None if everything else council_id, today)
    except MaillageError as error:
        show_messages("Accès refusé.", [str(error)])
        return
    if report.total == 0:
        st.success("Rien à signaler.", icon=":material/check_circle:")
        return
    counts = st.columns(len(report.sections))
    for column, section in zip(counts, report.sections):
        column.metric(section.title, format_int(len(section.items)))
    st.download_button("Télécharger la liste (CSV)", partial(quality_csv, report), file_name=f"qualite-donnees-{stamp}.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore")
    for section in report.sections:
        if not section.items:
            continue
        st.subheader(f"{md(section.title)} ({format_int(len(section.items))})")
        st.caption(section.advice)
        st.dataframe([{"Élément": item.label, "Détail": item.detail} for item in section.items],
                     hide_index=True, width="stretch")


{"importer": import_view, "exporter": export_view, "modeles": templates_view, "sauvegarde": backup_view,
 "qualite": quality_view}[view]()
