"""Maillage — entry point: page configuration, sign-in gate, council picker and navigation."""

import runpy
from pathlib import Path

import streamlit as st

from maillage.campaigns import TOKEN_PARAMETER
from maillage.core import COUNCIL_KEY, DEMO_NOTICE, md, read_scope
from maillage.exchange import is_demo
from maillage.restitution import list_councils
from models.vocabularies import USER_ROLES
from ui.auth import (
    LANDING_KEY,
    RETURN_KEY,
    browser_script,
    end_single_sign_on,
    forget_address_script,
    has_return_cookie,
    remember_address_script,
    sign_out,
    signed_in_actor,
    single_sign_on_configured,
)
from ui.links import council_from_address, keep_council_in_address
from ui.screens import LANDING, SCREENS, shows_council_picker
from ui.session import engine

st.set_page_config(page_title="Maillage", page_icon="ui/maillage-icon.png", layout="wide")

# A partner's personal campaign link (issue 18): its own page only, without signing in and without navigation;
# the token in the address is the key, checked on every run by maillage.campaigns.
if TOKEN_PARAMETER in st.query_params:
    st.html("<script>document.documentElement.lang = 'fr';</script>", unsafe_allow_javascript=True)
    st.navigation([st.Page("pages/campagne.py", title="Votre fiche partenaire", icon=":material/edit_note:")],
                  position="hidden").run()
    st.stop()


def council_picker(actor, visible: bool = True) -> None:
    """Choose the council every page works on, among the actor's; the choice is kept for the session.

    Hidden (`visible=False`) on a page that ignores it for this role: the choice is then kept as it was."""
    with read_scope(engine()) as session:
        councils = list_councils(session, actor)
    if not councils:
        st.sidebar.info("Aucune instance pour l'instant.")
        st.session_state.pop(COUNCIL_KEY, None)
        return
    ids = [council.id for council in councils]
    names = {council.id: council.name for council in councils}
    if st.session_state.get(COUNCIL_KEY) not in ids:
        st.session_state[COUNCIL_KEY] = ids[0]
    if not visible:
        # Re-assigned so Streamlit does not forget a widget's value on a run that does not draw the widget.
        st.session_state[COUNCIL_KEY] = st.session_state[COUNCIL_KEY]
        return
    st.sidebar.selectbox(
        "Instance", ids, format_func=names.get, key=COUNCIL_KEY,
        help="Le CLSPD, le CISPD ou la mission sur lequel vous travaillez.",
    )
    keep_council_in_address()


def navigation_pages(role: str | None) -> dict[str, list]:
    """Every screen by section (ui/screens.py); those this role may not open (all of them when signed out)
    are left out of the menu, but their address still resolves, to be refused in French."""
    pages: dict[str, list] = {}
    for s in SCREENS:
        visible = role is not None and role in s.roles
        pages.setdefault(s.section, []).append(st.Page(
            s.path, title=s.title, icon=s.icon, default=s.default, url_path=None if s.default else Path(s.path).stem,
            visibility="visible" if visible else "hidden"))
    return pages


def allowed(role: str, page) -> bool:
    """Whether this role may open this page."""
    return any(s.title == page.title and role in s.roles for s in SCREENS)


# The page is French (screen readers, hyphenation, spell-checking); the session cookie is handed over
# or cleared by the same constant script (no user data in it: see docs/sessions.md).
actor = signed_in_actor()
script = "document.documentElement.lang = 'fr';" + browser_script()
if actor is None:
    if single_sign_on_configured():
        script += remember_address_script()
    st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)
    # Resolve the address asked for (page and parameters stay in the address bar), then sign in there.
    st.navigation(navigation_pages(None), position="hidden")
    runpy.run_path(str(Path(__file__).parent / "pages" / "connexion.py"), run_name="__main__")
    st.stop()

address_given = bool(st.query_params)  # before the council picker writes its own
if has_return_cookie():
    script += forget_address_script()
st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)
st.logo("ui/maillage-logo.png", size="large", icon_image="ui/maillage-icon.png")
st.sidebar.text(f"{actor.email}\n{USER_ROLES.get(actor.role, actor.role)}")
if st.sidebar.button("Se déconnecter", icon=":material/logout:"):
    sign_out("Vous êtes déconnecté.")
    if end_single_sign_on():
        st.stop()  # the browser is on its way to the identity provider's sign-out, then back to sign-in
    st.rerun()
if not council_from_address(actor):
    st.stop()

shown = navigation_pages(actor.role)
navigation = st.navigation(shown)
council_picker(actor, visible=shows_council_picker(navigation.title, actor.role))
if is_demo(engine()):
    st.sidebar.caption(DEMO_NOTICE)
every_page = [p for group in shown.values() for p in group]
home = next(p for p in every_page if p._default)
first_allowed = next(p for p in every_page if allowed(actor.role, p))
return_to = st.session_state.pop(RETURN_KEY, None)
if return_to is not None:
    target = next((p for p in every_page if p.url_path == return_to[0]), None)
    if target is not None:
        st.switch_page(target, query_params=return_to[1])
landing = LANDING.get(st.session_state.pop(LANDING_KEY, None) or "")
if landing and navigation.title == home.title and not address_given:  # an address asked for wins over the landing
    target = next((p for p in every_page if p.url_path == Path(landing).stem), None)
    if target is not None and target.url_path != navigation.url_path:
        st.switch_page(target)
if not allowed(actor.role, navigation):
    if navigation.title == home.title:  # the home address of a role without the dashboard
        st.switch_page(first_allowed)
    st.title(navigation.title)
    st.error(f"Votre rôle ({md(USER_ROLES.get(actor.role, actor.role))}) ne donne pas accès à cette page.")
    st.page_link(first_allowed, label=f"Aller à « {md(first_allowed.title)} »", icon=":material/home:")
    st.stop()
navigation.run()
