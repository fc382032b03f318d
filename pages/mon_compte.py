"""Mon compte: the signed-in person's role and scope, changing their password, their open sessions."""

import streamlit as st

from maillage.accounts import (
    SignInError,
    authenticate,
    close_my_session,
    list_open_sessions,
    my_account,
    set_password,
)
from maillage.core import MaillageError, format_datetime, md, read_scope, session_scope
from ui.auth import current_token, renew_session
from ui.session import current_actor, engine

actor = current_actor()
st.title("Mon compte")
with read_scope(engine()) as session:
    account = my_account(session, actor)
if account is None:
    st.info("Vous agissez avec les droits d'administrateur de la ligne de commande.")
    st.stop()

st.markdown(f"**{md(account.display_name or account.email)}** — {md(account.role_label)}")
st.markdown(f"Adresse : {md(account.email)}")
if account.councils:
    st.markdown("Instances : " + ", ".join(md(name) for name in account.councils))
if account.networks:
    st.markdown("Réseaux : " + ", ".join(md(name) for name in account.networks))
st.caption(f"Dernière connexion : {format_datetime(account.last_login_at)}")

st.subheader("Changer de mot de passe")
with st.form("password", clear_on_submit=True):
    current = st.text_input("Mot de passe actuel", type="password")
    new = st.text_input("Nouveau mot de passe (10 caractères au moins)", type="password")
    again = st.text_input("Nouveau mot de passe, à nouveau", type="password")
    submitted = st.form_submit_button("Changer le mot de passe")
if submitted:
    if new != again:
        st.error("Les deux nouveaux mots de passe diffèrent.")
    else:
        try:
            with session_scope(engine()) as session:
                authenticate(session, actor.email, current)
            with session_scope(engine()) as session:
                set_password(session, actor, actor.email, new)  # ends every session of the account…
            renew_session(actor)  # …and this browser gets a new one
        except SignInError:
            st.error("Mot de passe actuel incorrect.")
        except MaillageError as error:
            st.error(str(error))
        else:
            st.success("Mot de passe changé. Vos autres sessions ouvertes sont fermées.")

st.subheader("Sessions ouvertes")
st.caption("Les navigateurs où vous êtes connecté. Fermez ceux que vous n'utilisez plus ou que vous ne reconnaissez pas.")
with read_scope(engine()) as session:
    open_sessions = list_open_sessions(session, actor, current_token())
if not open_sessions:
    st.info("Aucune session enregistrée pour ce compte.")
for item in open_sessions:
    cols = st.columns([4, 3, 3, 2], vertical_alignment="center")
    cols[0].markdown(f"**{md(item.browser)}**" + (" — cette session" if item.current else "")
                     + (" · authentification unique" if item.single_sign_on else ""))
    cols[1].caption(f"Ouverte le {format_datetime(item.created_at)}")
    cols[2].caption(f"Dernière activité : {format_datetime(item.last_seen_at)}")
    if not item.current and cols[3].button("Fermer", key=f"close_session:{item.id}", icon=":material/logout:"):
        with session_scope(engine()) as session:
            close_my_session(session, actor, item.id)
        st.rerun()
