"""Addresses (ui.links): a link followed opens once; a removed parameter echoed by a stale run is not a new link."""

from streamlit.testing.v1 import AppTest


def _script(echo_seconds: float) -> None:
    """A page that reads `partenaire` from the address and removes it when asked."""
    import streamlit as st

    import ui.links as links

    links.ECHO_SECONDS = echo_seconds
    arrived = links.from_address("partenaire")
    st.session_state.setdefault("arrivals", []).append(arrived)
    if st.session_state.get("leave"):
        links.to_address("partenaire", None)


def _page(echo_seconds: float) -> AppTest:
    """The page above, in AppTest."""
    return AppTest.from_function(_script, kwargs={"echo_seconds": echo_seconds}, default_timeout=30)


def test_a_link_is_followed_once_then_its_echo_ignored():
    at = _page(echo_seconds=60)
    at.query_params["partenaire"] = "5"
    at.run()
    at.run()  # the page's own rerun, address unchanged: not a new arrival
    at.session_state["leave"] = True
    at.run()  # the page drops the parameter…
    at.query_params["partenaire"] = "5"
    at.session_state["leave"] = False
    at.run()  # …but a run started before the browser applied it still carries it
    at.query_params["partenaire"] = "7"
    at.run()  # another link: followed
    assert at.session_state["arrivals"] == ["5", None, None, None, "7"]


def test_the_same_link_followed_again_later_opens_again():
    at = _page(echo_seconds=0)
    at.query_params["partenaire"] = "5"
    at.run()
    at.session_state["leave"] = True
    at.run()
    at.session_state["leave"] = False
    at.query_params["partenaire"] = "5"
    at.run()
    assert at.session_state["arrivals"] == ["5", None, "5"]
