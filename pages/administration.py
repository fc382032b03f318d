"""Administration: accounts and roles, vocabularies, and the audit log."""

import datetime as dt

import streamlit as st

from maillage.accounts import (
    ENTITY_LABELS,
    OPERATION_LABELS,
    add_user,
    audit_users,
    list_audit,
    list_users,
    scope_choices,
    update_user,
)
from maillage.core import MaillageError, format_datetime, md, read_scope, session_scope
from maillage.exchange import (
    archived_records,
    is_demo,
    leave_demonstration,
    restore_record,
)
from maillage.vocabularies import (
    VOCABULARY_KINDS,
    add_entry,
    list_entries,
    update_entry,
)
from models.vocabularies import USER_ROLES
from ui.session import current_actor, engine
from ui.tables import Col, show_table

actor = current_actor()
st.title("Administration")
accounts_tab, vocabulary_tab, journal_tab, archive_tab = st.tabs(
    ["Comptes et rôles", "Vocabulaires", "Journal des modifications", "Éléments archivés"])


def show_error(error: MaillageError) -> None:
    """A refused form: the French reason, nothing saved."""
    st.error(f"Rien n'a été enregistré : {md(error)}")


with accounts_tab:
    if is_demo(engine()):
        with st.container(border=True):
            st.markdown("**Base de démonstration.** Avant d'y saisir de vraies données, quittez la démonstration : "
                        "les comptes de démonstration (dont les mots de passe sont connus) sont supprimés ; "
                        "les données restent.")
            confirm = st.checkbox("Je confirme : supprimer les comptes de démonstration", key="leave_demo_confirm")
            if st.button("Quitter la démonstration", disabled=not confirm):
                try:
                    removed = leave_demonstration(engine(), actor)
                except MaillageError as error:
                    show_error(error)
                else:
                    st.success(f"Démonstration quittée : {len(removed)} compte(s) de démonstration supprimé(s).")
                    st.rerun()
    with read_scope(engine()) as session:
        users = list_users(session, actor)
        council_names, network_names = scope_choices(session)
    st.markdown(f"**Comptes** ({len(users)})")
    show_table(
        [{"Adresse e-mail": u.email, "Nom": u.display_name, "Rôle": u.role_label,
          "Instances / réseaux": ", ".join(u.councils + u.networks), "Actif": "oui" if u.active else "non",
          "Dernière connexion": format_datetime(u.last_login_at)} for u in users],
        {"Instances / réseaux": "Instances coordonnées ou suivies, et réseaux dont le compte est membre.",
         "Actif": "« non » : le compte ne peut plus se connecter.",
         "Dernière connexion": "Date et heure de la dernière connexion réussie."},
    )
    roles = list(USER_ROLES)
    with st.expander("Créer un compte"):
        with st.form("add_user", clear_on_submit=False):
            email = st.text_input("Adresse e-mail")
            name = st.text_input("Nom affiché")
            role = st.selectbox("Rôle", roles, format_func=USER_ROLES.get)
            councils = st.multiselect("Instances (coordinateur, élu)", council_names, placeholder="Aucune instance")
            networks = st.multiselect("Réseaux (membre de réseau)", network_names, placeholder="Aucun réseau")
            password = st.text_input("Mot de passe initial (laisser vide pour l'authentification unique seule)",
                                     type="password")
            if st.form_submit_button("Créer le compte", type="primary"):
                try:
                    with session_scope(engine()) as session:
                        add_user(session, actor, email, role, password=password or None, display_name=name,
                                 councils=councils, networks=networks)
                except MaillageError as error:
                    show_error(error)
                else:
                    st.success(f"Compte créé : {md(email)}.")
                    st.rerun()
    with st.expander("Modifier un compte"):
        chosen = st.selectbox("Compte", [u.email for u in users], key="edit_user_email")
        current = next((u for u in users if u.email == chosen), None)
        if current is not None:
            with st.form("edit_user"):
                name = st.text_input("Nom affiché", current.display_name)
                role = st.selectbox("Rôle", roles, index=roles.index(current.role), format_func=USER_ROLES.get)
                councils = st.multiselect("Instances", council_names, default=list(current.councils),
                                          placeholder="Aucune instance")
                networks = st.multiselect("Réseaux", network_names, default=list(current.networks),
                                          placeholder="Aucun réseau")
                active = st.checkbox("Compte actif", current.active)
                if st.form_submit_button("Enregistrer", type="primary"):
                    try:
                        with session_scope(engine()) as session:
                            update_user(session, actor, current.email, role=role, councils=councils,
                                        networks=networks, display_name=name, active=active,
                                        expected_version=current.version)
                    except MaillageError as error:
                        show_error(error)
                    else:
                        st.success("Compte mis à jour.")
                        st.rerun()

with vocabulary_tab:
    kind = st.selectbox("Vocabulaire", list(VOCABULARY_KINDS), format_func=VOCABULARY_KINDS.get)
    with read_scope(engine()) as session:
        entries = list_entries(session, kind)
        groups = {e.code: e.label for e in list_entries(session, "typology_group")}
    st.markdown("**Valeurs du vocabulaire**")
    show_table(
        [{"Code": e.code, "Libellé": e.label, "Groupe": groups.get(e.group_code or "", ""),
          "Actif": "oui" if e.active else "non"} for e in entries],
        {"Code": "Code stable, utilisé dans les fichiers d'échange.", "Libellé": "Ce que les utilisateurs lisent.",
         "Actif": "« non » : la valeur n'est plus proposée dans les formulaires."},
    )
    with st.form("add_entry", clear_on_submit=True):
        st.markdown("**Ajouter une valeur**")
        code = st.text_input("Code (lettres sans accent, chiffres, _)")
        label = st.text_input("Libellé affiché")
        group = st.selectbox("Groupe (typologies seulement)", list(groups), format_func=groups.get) if kind == "typology" else None
        if st.form_submit_button("Ajouter"):
            try:
                with session_scope(engine()) as session:
                    add_entry(session, actor, kind, code, label, group)
            except MaillageError as error:
                show_error(error)
            else:
                st.success(f"Valeur ajoutée : {md(label)}.")
                st.rerun()
    if entries:
        with st.form("edit_entry"):
            st.markdown("**Renommer ou désactiver une valeur** (les données qui l'utilisent la gardent)")
            codes = [e.code for e in entries]
            code = st.selectbox("Valeur", codes, format_func=lambda c: f"{c} — {next(e.label for e in entries if e.code == c)}")
            label = st.text_input("Nouveau libellé (vide : inchangé)")
            active = st.checkbox("Active", True)
            if st.form_submit_button("Enregistrer"):
                entry = next(e for e in entries if e.code == code)
                try:
                    with session_scope(engine()) as session:
                        update_entry(session, actor, kind, code, label=label or entry.label, active=active)
                except MaillageError as error:
                    show_error(error)
                else:
                    st.success("Valeur mise à jour.")
                    st.rerun()

with journal_tab:
    with read_scope(engine()) as session:
        emails = audit_users(session, actor)
    columns = st.columns(4)
    who = columns[0].selectbox("Utilisateur", ["(tous)"] + emails)
    entity = columns[1].selectbox("Type d'élément", ["(tous)"] + list(ENTITY_LABELS), format_func=lambda e: ENTITY_LABELS.get(e, e))
    text = columns[2].text_input("Élément contenant")
    period = columns[3].date_input("Période", value=(dt.date.today() - dt.timedelta(days=90), dt.date.today()),
                                   format="DD/MM/YYYY")
    since, until = (period if isinstance(period, tuple) and len(period) == 2 else (None, None))
    with read_scope(engine()) as session:
        rows = list_audit(session, actor, user_email=None if who == "(tous)" else who,
                          entity=None if entity == "(tous)" else entity, label_contains=text or None,
                          since=since, until=until)
    st.markdown("**Entrées du journal**")
    st.caption(f"{len(rows)} entrée(s), les plus récentes d'abord (500 au plus).")
    show_table(
        [{"Date": format_datetime(r.at), "Utilisateur": r.user_email, "Opération": OPERATION_LABELS.get(r.operation, r.operation),
          "Type": ENTITY_LABELS.get(r.entity, r.entity), "Élément": r.label,
          "Changements": r.summary()}
         for r in rows],
        {"Changements": Col("Valeurs avant → après.", max_width=640)},
    )

with archive_tab:
    with read_scope(engine()) as session:
        archived = archived_records(session, actor)
    if not archived:
        st.info("Aucun partenaire ni aucune action archivés.")
    else:
        st.markdown("**Éléments archivés**")
        show_table(
            [{"Type": ENTITY_LABELS.get(r.entity, r.entity), "Élément": r.label, "Commune / instance": r.where,
              "Archivé le": format_datetime(r.archived_at)} for r in archived],
        )
        with st.form("restore"):
            index = st.selectbox("Élément à restaurer", range(len(archived)),
                                 format_func=lambda i: f"{ENTITY_LABELS.get(archived[i].entity)} — {archived[i].label}")
            if st.form_submit_button("Restaurer"):
                chosen = archived[index]
                try:
                    with session_scope(engine()) as session:
                        restore_record(session, actor, chosen.entity, chosen.id, chosen.version)
                except MaillageError as error:
                    show_error(error)
                else:
                    st.success(f"Restauré : {md(chosen.label)}.")
                    st.rerun()
