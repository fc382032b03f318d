"""Mon compte: the signed-in person's role and scope, and changing their password."""

import streamlit as st

from maillage.accounts import SignInError, authenticate, my_account, set_password
from maillage.core import MaillageError, format_datetime, md, session_scope
from ui.session import current_actor, engine

actor = current_actor()
st.title("Mon compte")
with session_scope(engine()) as session:
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
                set_password(session, actor, actor.email, new)
        except SignInError:
            st.error("Mot de passe actuel incorrect.")
        except MaillageError as error:
            st.error(str(error))
        else:
            st.success("Mot de passe changé.")
