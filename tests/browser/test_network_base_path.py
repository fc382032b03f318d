"""Browser: behind a base path (`--server.baseUrlPath maillage`), the graph frame finds vis-network in the app's
static files (a relative address) and draws; only the app's own host is asked."""

import urllib.request

import pytest

from tests.browser.conftest import choose_council, free_port, graph_canvas, open_page, serve, sign_in

BASE = "maillage"


@pytest.fixture(scope="module")
def based_app_url(browser_db_url, tmp_path_factory):
    """The app on the read-only database, served under /maillage/."""
    port = free_port()
    with serve(browser_db_url, tmp_path_factory.mktemp("streamlit-base"), port=port,
               extra_args=("--server.baseUrlPath", BASE), health_path=f"/{BASE}/_stcore/health") as url:
        yield f"{url}/{BASE}"


def test_graph_draws_with_vis_network_from_the_static_files_under_a_base_path(page, based_app_url):
    requests = []
    page.on("request", lambda request: requests.append((request.frame != page.main_frame, request.url)))
    sign_in(page, based_app_url + "/")
    choose_council(page, "CLSPD de Bordeaux")
    open_page(page, "Réseau")
    frame, drawn = graph_canvas(page)
    assert drawn["colours"] >= 5
    assert frame.locator("h1").inner_text() == "Réseau de coopération — CLSPD de Bordeaux"
    loaded = [url for in_frame, url in requests if in_frame and "vis-network" in url]
    assert loaded and all(url.startswith(f"{based_app_url}/app/static/vis-network-9.1.2.") for url in loaded), loaded
    # served with the types a browser runs (nosniff), and nothing else in the frame
    with urllib.request.urlopen(loaded[0]) as response:
        assert response.headers["Content-Type"].split(";")[0] in ("application/javascript", "text/javascript",
                                                                  "text/css")
    assert [url for in_frame, url in requests if in_frame and "vis-network" not in url
            and not url.startswith(("data:", "blob:", "about:"))] == []
