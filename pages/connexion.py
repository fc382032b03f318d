"""Connexion: sign in with an e-mail and password, or through single sign-on when configured."""

import streamlit as st

from maillage.accounts import SignInError, authenticate
from maillage.core import session_scope
from maillage.exchange import is_demo
from ui.auth import NOTICE_KEY, sign_in, single_sign_on_configured
from ui.session import engine

st.title("Connexion à Maillage")
st.caption("L'espace de travail des coordonnateurs de la prévention de la délinquance.")

notice = st.session_state.pop(NOTICE_KEY, None)
if notice:
    st.warning(notice)

if single_sign_on_configured():
    if getattr(st.user, "is_logged_in", False):
        st.button("Se déconnecter de l'authentification unique", on_click=st.logout)
    else:
        st.button("Se connecter avec l'authentification unique", type="primary", on_click=st.login)
    st.divider()

with st.form("sign_in"):
    email = st.text_input("Adresse e-mail", autocomplete="username")
    password = st.text_input("Mot de passe", type="password", autocomplete="current-password")
    submitted = st.form_submit_button("Se connecter", type="primary")
if submitted:
    try:
        with session_scope(engine()) as session:
            actor = authenticate(session, email, password, client=getattr(st.context, "ip_address", None) or "")
    except SignInError as error:
        st.error(str(error))
    else:
        sign_in(actor)
        st.rerun()

if is_demo(engine()):
    # Never any password here: anyone reaching this page would read them (issue 20).
    st.info(
        "**Base de démonstration** — les comptes de démonstration et leurs mots de passe, tirés au hasard à "
        "l'installation, sont affichés dans le terminal par « make run » et enregistrés sur le serveur dans "
        "data/demo-accounts.json. Ne les utilisez pas pour de vraies données."
    )
