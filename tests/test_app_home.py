"""AppTest: each role's home on the demo data — the elected official's dashboard without to-do or journal, the
coordinator's « À faire » first with its links, the network member's shared actions without a council picker,
and the demo coordinator's multi-commune council."""

import datetime as dt
from urllib.parse import parse_qs

from sqlalchemy import func
from sqlmodel import Session, select

from maillage.accounts import Actor, actor_for_email
from maillage.core import format_int, session_scope
from maillage.partners import council_footprint
from maillage.restitution import council_todo, network_by_name, shared_network_action_ids
from models import Action, Council, NetworkCouncil
from tests.apptest import open_app

FFSU = "Réseau FFSU Nouvelle-Aquitaine"
ACTIONS, COMPARER, MON_COMPTE = "pages/actions.py", "pages/comparer.py", "pages/mon_compte.py"


def _council(engine, name: str) -> int:
    with Session(engine) as session:
        return session.exec(select(Council.id).where(Council.name == name)).one()


def _page_links(at) -> list:
    return [element.proto for element in at.get("page_link")]


def _texts(at) -> str:
    return "\n".join([s.value for s in at.subheader] + [m.value for m in at.markdown] + [i.value for i in at.info]
                     + [w.value for w in at.warning] + [c.value for c in at.caption])


def test_elected_officials_dashboard_has_no_to_do_and_no_journal(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    merignac = _council(shared_demo_engine, "CLSPD de Mérignac")
    official = Actor("elu@demo.maillage.fr", "elu", council_ids=frozenset({merignac}))
    at = open_app(official)
    assert not at.exception and not at.error
    assert at.title[0].value == "Tableau de bord — CLSPD de Mérignac"
    headings = [s.value for s in at.subheader]
    for absent in ("À faire", "À vérifier", "Dernières modifications", "Campagne de mise à jour"):
        assert absent not in headings
    assert not any(h.startswith("À faire") for h in headings)
    assert any(h.startswith("Tendances ") for h in headings) and "En bref" in headings
    assert {"Partenaires", "Liens actifs", "Actions en cours"} <= {m.label for m in at.metric}
    assert at.info[0].value.startswith("À lire ensuite : la synthèse")
    links = _page_links(at)
    assert [link.label for link in links] == [f"Ouvrir la synthèse {dt.date.today().year} à imprimer"]
    # Nothing of the journal (its column headers) and no data-quality tables.
    assert all("Opération" not in df.value.columns and "Vérifié le" not in df.value.columns for df in at.dataframe)


def test_coordinators_dashboard_starts_with_the_to_do(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    pessac = _council(shared_demo_engine, "CLSPD de Pessac")
    coordinator = Actor("coord@pessac.fr", "coordinateur", council_ids=frozenset({pessac}))
    at = open_app(coordinator)
    assert not at.exception and not at.error
    assert at.subheader[0].value == "À faire"
    assert at.info[0].value.startswith("Prochaines étapes : ")
    with session_scope(shared_demo_engine) as session:
        todo = council_todo(session, coordinator, pessac, dt.date.today())
    kinds = [item.kind for item in todo]
    assert "review" in kinds  # « Prévention du cybersexisme en collège », still running after its end
    shown = [m.value for m in at.markdown if m.value.startswith("**") and " — " in m.value]
    assert len(shown) == len(todo)
    assert shown[kinds.index("review")].startswith("**1 action à mettre à jour**")
    # Every item has a way to go there: links to the screens, on this council.
    links = _page_links(at)
    assert len(links) == sum(len(item.links) for item in todo)
    review = next(link for link in links if link.label == "Prévention du cybersexisme en collège")
    query = parse_qs(review.query_string)
    assert review.page.endswith("actions") and query["instance"] == [str(pessac)] and query["action"][0].isdigit()
    # The journal and the figures are still there, after the to-do.
    headings = [s.value for s in at.subheader]
    assert "Dernières modifications" in headings and headings.index("Dernières modifications") > 0
    assert "À vérifier" not in headings  # merged into « À faire »


def test_network_member_lists_every_shared_action_of_their_networks(shared_demo_url, shared_demo_engine,
                                                                   use_database):
    use_database(shared_demo_url)
    with session_scope(shared_demo_engine) as session:
        network = network_by_name(session, FFSU).id
        member = Actor("reseau@demo.maillage.fr", "reseau", network_ids=frozenset({network}))
        expected = shared_network_action_ids(session, member)
    with Session(shared_demo_engine) as session:  # the same count, straight from the tables
        councils = select(NetworkCouncil.council_id).where(NetworkCouncil.network_id == network)
        counted = session.exec(select(func.count()).select_from(Action).where(
            Action.council_id.in_(councils), Action.shared.is_(True), Action.archived_at.is_(None))).one()
    assert counted == len(expected) > 2
    at = open_app(member, page=ACTIONS)
    assert not at.exception and not at.error
    assert at.title[0].value == "Actions partagées de vos réseaux"
    assert at.multiselect(key="actions:councils").value == []  # not narrowed to one council
    assert {m.label: m.value for m in at.metric}["Actions"] == format_int(counted)
    assert len(at.dataframe[0].value) == counted
    assert len({*at.dataframe[0].value["Instance"]}) > 1
    assert not at.sidebar.selectbox  # no council picker where it does nothing
    assert [link.label for link in _page_links(at)] == ["Comparer les instances de vos réseaux"]


def test_council_picker_only_where_the_page_reads_it(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    with session_scope(shared_demo_engine) as session:
        member = Actor("reseau@demo.maillage.fr", "reseau", network_ids=frozenset({network_by_name(session, FFSU).id}))
    at = open_app(member, page=COMPARER)
    assert not at.exception and not at.sidebar.selectbox
    assert at.info[0].value.startswith("Prochaines étapes : comparez les 12 instances de « Réseau FFSU")
    assert [link.label for link in _page_links(at)] == ["Voir toutes les actions partagées de vos réseaux"]
    at.switch_page("pages/couverture.py").run()  # the coverage of one council: the picker is there
    assert not at.exception and at.sidebar.selectbox[0].label == "Instance"

    # A coordinator keeps the picker on Comparer (it chooses the network opened), not on Mon compte, and the
    # council chosen survives a visit to a page without it.
    saintes, bordeaux = _council(shared_demo_engine, "CLSPD de Saintes"), _council(shared_demo_engine, "CLSPD de Bordeaux")
    coordinator = Actor("c@x.fr", "coordinateur", council_ids=frozenset({saintes, bordeaux}))
    at = open_app(coordinator, page=COMPARER)
    assert at.sidebar.selectbox[0].label == "Instance"
    at.sidebar.selectbox[0].set_value(saintes).run()
    at.switch_page(MON_COMPTE).run()
    assert not at.exception and not at.sidebar.selectbox
    at.switch_page("pages/tableau_de_bord.py").run()
    assert at.sidebar.selectbox[0].value == saintes
    assert at.title[0].value == "Tableau de bord — CLSPD de Saintes"


def test_demo_coordinator_has_a_multi_commune_council(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    with session_scope(shared_demo_engine) as session:
        coordinator = actor_for_email(session, "coordination@demo.maillage.fr")
        communes = {council_id: len(council_footprint(session, council_id).communes)
                    for council_id in coordinator.council_ids}
        names = {council_id: session.get(Council, council_id).name for council_id in coordinator.council_ids}
    assert sorted(names.values()) == ["CISPD du Créonnais", "CLSPD de Bordeaux"]
    assert max(communes.values()) == 15 and min(communes.values()) == 1
    at = open_app(coordinator)
    assert not at.exception
    assert sorted(at.sidebar.selectbox[0].options) == sorted(names.values())
    creonnais = next(c for c, name in names.items() if name == "CISPD du Créonnais")
    at.sidebar.selectbox[0].set_value(creonnais).run()
    assert {m.label: m.value for m in at.metric}["Communes couvertes"] == "15"
    assert at.subheader[0].value == "À faire"
