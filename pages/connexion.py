"""Connexion: sign in with an e-mail and password, or through single sign-on when configured."""

import streamlit as st

from maillage.accounts import SignInError, authenticate, demo_accounts
from maillage.core import session_scope
from maillage.exchange import is_demo
from models.vocabularies import USER_ROLES
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
            actor = authenticate(session, email, password)
    except SignInError as error:
        st.error(str(error))
    else:
        sign_in(actor)
        st.rerun()

if is_demo(engine()):
    accounts = demo_accounts()
    if accounts:
        st.info(
            "**Base de démonstration** — ces comptes n'existent que dans la démonstration, avec des mots "
            "de passe tirés au hasard à l'installation. Ne les utilisez pas pour de vraies données."
        )
        st.dataframe(
            [{"Rôle": USER_ROLES.get(a.role, a.role), "Compte": a.name, "Adresse e-mail": a.email,
              "Mot de passe": a.password} for a in accounts],
            hide_index=True, width="stretch",
        )
