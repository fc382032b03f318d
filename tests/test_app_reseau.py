"""AppTest: the Réseau page for every demo council, figures checked against maillage.network.metrics; scopes; expectations."""

import datetime as dt

from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor
from maillage.core import format_int, session_scope
from maillage.network import GraphFilters, Scope, network_analysis, render_network
from models import Council
from tests.apptest import open_app
from ui.static import STATIC_URL

PAGE = "pages/reseau.py"
SAVE = "FormSubmitter:expectations-Enregistrer les typologies attendues"


def _councils(engine):
    with Session(engine) as session:
        return [(c.id, c.name) for c in session.exec(select(Council).order_by(Council.name))]


def _iframes(at):
    """The st.iframe elements of the page (AppTest knows them as unknown elements)."""
    return at.get("iframe")


def test_network_page_for_every_demo_council(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    councils = _councils(shared_demo_engine)
    assert len(councils) >= 4
    at = open_app(page=PAGE, council_id=councils[0][0])
    for council_id, name in councils:
        at.sidebar.selectbox[0].set_value(council_id).run()
        assert not at.exception, name
        assert not at.error, name
        assert at.title[0].value == "Réseau"
        with session_scope(shared_demo_engine) as session:
            graph, metrics = network_analysis(session, SYSTEM, Scope.council(council_id), GraphFilters(), dt.date.today())
        shown = {metric.label: metric.value for metric in at.metric}
        assert shown["Partenaires"] == format_int(metrics.nodes), name
        assert shown["Paires liées"] == format_int(metrics.links), name
        assert shown["Isolés"] == format_int(len(metrics.isolated)), name
        frames = _iframes(at)
        assert len(frames) == 1, name
        html = frames[0].proto.srcdoc
        # the page embeds what `network-html` writes for the default view, vis-network loaded from the
        # app's static files instead of inlined
        assert html == render_network(graph, metrics, vis_url=STATIC_URL), name
        assert f'<script src="{STATIC_URL}vis-network-9.1.2.min.js">' in html and len(html) < 200_000
        assert f"Réseau de coopération — {name.replace(chr(39), '&#39;')}" in html


def test_filters_year_and_no_derived_links(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    bordeaux = next(cid for cid, name in _councils(shared_demo_engine) if name == "CLSPD de Bordeaux")
    at = open_app(page=PAGE, council_id=bordeaux)
    before = {m.label: m.value for m in at.metric}["Paires liées"]
    at.toggle(key="net_derived").set_value(False).run()
    assert not at.exception
    without = {m.label: m.value for m in at.metric}["Paires liées"]
    with session_scope(shared_demo_engine) as session:
        _g, metrics = network_analysis(session, SYSTEM, Scope.council(bordeaux), GraphFilters(include_derived=False))
    assert without == format_int(metrics.links) and int(without) < int(before)
    at.selectbox(key="net_year").set_value(2018).run()
    assert not at.exception
    with session_scope(shared_demo_engine) as session:
        _g, metrics = network_analysis(session, SYSTEM, Scope.council(bordeaux),
                                       GraphFilters(include_derived=False, year=2018))
    assert {m.label: m.value for m in at.metric}["Paires liées"] == format_int(metrics.links)


def test_network_and_territory_scopes(shared_demo_url, use_database):
    use_database(shared_demo_url)
    at = open_app(page=PAGE)
    at.radio(key="net_scope").set_value("network").run()
    assert not at.exception and not at.error
    at.radio(key="net_scope").set_value("territory").run()
    assert not at.exception and not at.error
    assert any(c.value.startswith("Calculé ") for c in at.caption)  # served from the background store, dated
    assert int({m.label: m.value for m in at.metric}["Partenaires"].replace("\u202f", "")) > 0


def test_expectations_edited_from_the_page(db_factory, use_database):
    url = db_factory.new("demo")
    use_database(url)
    from maillage.core.db import make_engine
    engine = make_engine(url)
    saintes = next(cid for cid, name in _councils(engine) if name == "CLSPD de Saintes")
    at = open_app(page=PAGE, council_id=saintes)
    at.text_area[0].set_value("MUNI\nTRANSPORT")
    at.button(key=SAVE).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with session_scope(engine) as session:
        _g, metrics = network_analysis(session, SYSTEM, Scope.council(saintes), GraphFilters())
    assert [e.text for e in metrics.expectations] == ["MUNI", "TRANSPORT"]
    assert any("Typologies attendues enregistrées" in s.value for s in at.success)
    assert any("Transport" in w.value for w in at.warning)
    at.text_area[0].set_value("PAS_UN_CODE")
    at.button(key=SAVE).click().run()
    assert any("PAS\\_UN\\_CODE" in e.value for e in at.error)  # shown as text: Markdown escaped
    engine.dispose()


def test_expectations_not_editable_outside_a_council_scope(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    bordeaux = next(cid for cid, name in _councils(shared_demo_engine) if name == "CLSPD de Bordeaux")
    at = open_app(actor=Actor("coord@example.fr", "coordinateur", frozenset({bordeaux})), page=PAGE, council_id=bordeaux)
    assert not at.exception and len(at.text_area) == 1
    at.radio(key="net_scope").set_value("network").run()
    assert not at.exception and len(at.text_area) == 0


def test_deep_link_opens_a_partners_own_network(shared_demo_url, shared_demo_engine, use_database):
    from models import Partner

    use_database(shared_demo_url)
    bordeaux = next(cid for cid, name in _councils(shared_demo_engine) if name == "CLSPD de Bordeaux")
    with Session(shared_demo_engine) as session:
        gip = session.exec(select(Partner.id).where(Partner.name == "GIP Bordeaux Métropole Médiation")).one()
    at = open_app(page=PAGE, council_id=bordeaux)
    at.query_params["partenaire"] = str(gip)
    at.run()
    assert not at.exception, at.exception[0].stack_trace if at.exception else ""
    assert at.session_state["net_view"] == "partenaire" and at.session_state["net_ego"] == gip
    html = _iframes(at)[0].proto.srcdoc
    assert "Réseau de « GIP Bordeaux Métropole Médiation » — CLSPD de Bordeaux" in html.replace("&#34;", '"')
    assert any("Rôle d'intermédiaire" in m.value for m in at.markdown)
    # an unknown partner: a French warning, the overview stays
    at = open_app(page=PAGE, council_id=bordeaux)
    at.query_params["partenaire"] = "999999"
    at.run()
    assert not at.exception
    assert any("n'est pas dans ce périmètre" in w.value for w in at.warning)


def test_network_scope_is_grouped_by_council_and_the_group_table_follows(shared_demo_url, shared_demo_engine,
                                                                         use_database):
    use_database(shared_demo_url)
    at = open_app(page=PAGE, council_id=_councils(shared_demo_engine)[0][0])
    from models import Network

    with Session(shared_demo_engine) as session:
        ffsu = session.exec(select(Network.id).where(Network.name == "Réseau FFSU Nouvelle-Aquitaine")).one()
    at.radio(key="net_scope").set_value("network").run()
    at.selectbox(key="net_network").set_value(ffsu).run()
    assert not at.exception
    assert at.radio(key="net_cluster_network").value == "council"
    html = _iframes(at)[0].proto.srcdoc
    assert "CLSPD de Pessac" in html and "CLSPD de M\\u00e9rignac" in html
    assert any("Groupes du dessin" in m.value for m in at.markdown)


def _count_calls(monkeypatch, package, name):
    """Replace a public function of a package by a counting wrapper; the list of its calls."""
    calls = []
    real = getattr(package, name)
    monkeypatch.setattr(package, name, lambda *a, **k: calls.append(a) or real(*a, **k))
    return calls


def test_hidden_tabs_and_files_are_built_only_when_asked(shared_demo_url, shared_demo_engine, use_database,
                                                         monkeypatch):
    import maillage.network as network

    use_database(shared_demo_url)
    bordeaux = next(cid for cid, name in _councils(shared_demo_engine) if name == "CLSPD de Bordeaux")
    built = {name: _count_calls(monkeypatch, network, name)
             for name in ("drawing_png", "drawing_svg", "partner_records", "network_changes", "community_records")}
    at = open_app(page=PAGE, council_id=bordeaux)
    assert not at.exception
    # the files are built on click (no runtime in AppTest: a deferred button has no address yet)
    assert {b.proto.label for b in at.get("download_button")} >= {"Image PNG", "Image SVG", "Page HTML"}
    assert all(not b.proto.url for b in at.get("download_button"))
    assert built == {"drawing_png": [], "drawing_svg": [], "partner_records": [], "network_changes": [],
                     "community_records": []}
    at.session_state["net_tab"] = "Partenaires"
    at.run()
    assert not at.exception and len(built["partner_records"]) == 1 and not built["network_changes"]
    at.session_state["net_tab"] = "Évolution"
    at.run()
    assert not at.exception and len(built["network_changes"]) == 1 and len(built["partner_records"]) == 1
    assert any("Liens apparus" in m.value for m in at.markdown)


def test_a_network_is_served_from_its_last_result_while_it_is_refreshed(db_factory, use_database):
    from maillage.core import bump_data_version
    from maillage.core.db import make_engine
    from models import Network, NetworkCouncil
    from ui.refresh import background_results

    url = db_factory.new("demo")
    use_database(url)
    engine = make_engine(url)
    with Session(engine) as session:
        ffsu = session.exec(select(Network.id).where(Network.name == "Réseau FFSU Nouvelle-Aquitaine")).one()
        member = session.exec(select(NetworkCouncil.council_id).where(NetworkCouncil.network_id == ffsu)).first()
    at = open_app(page=PAGE, council_id=member)
    at.radio(key="net_scope").set_value("network").run()
    at.selectbox(key="net_network").set_value(ffsu).run()
    assert not at.exception
    assert any(c.value == "Calculé à l'instant." for c in at.caption)
    first = {m.label: m.value for m in at.metric}
    # a member's data changes: the next view serves the last result at once, and says it is being updated
    with session_scope(engine) as session:
        bump_data_version(session, councils=[member])
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == first
    assert any("les données ont changé depuis" in c.value for c in at.caption), [c.value for c in at.caption]
    assert background_results().wait(timeout=60)
    at.run()
    assert any(c.value == "Calculé à l'instant." for c in at.caption)
    engine.dispose()
