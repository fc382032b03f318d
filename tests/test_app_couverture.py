"""AppTest: the Couverture page for every demo council; changing the frame changes the matrix."""

import datetime as dt

from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor
from maillage.core import format_int, format_percent, md
from maillage.coverage import council_coverage
from models import Council, CoverageRule
from tests.apptest import open_app

PAGE = "pages/couverture.py"


def _councils(engine):
    with Session(engine) as session:
        return [(c.id, c.name) for c in session.exec(select(Council).order_by(Council.name))]


def _matrix_table(at):
    """The matrix shown as a table (expander « La matrice sous forme de tableau »)."""
    for frame in at.dataframe:
        if "Territoire" in frame.value.columns and "Score de couverture" in frame.value.columns:
            return frame.value
    raise AssertionError("matrix table not found")


def test_page_for_every_demo_council(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    councils = _councils(shared_demo_engine)
    assert len(councils) >= 4
    at = open_app(page=PAGE)
    for council_id, name in councils:
        at.sidebar.selectbox[0].set_value(council_id).run()
        assert not at.exception, name
        assert not at.error, name
        assert at.title[0].value == f"Couverture — {md(name)}"
        with Session(shared_demo_engine) as session:
            expected = council_coverage(session, SYSTEM, council_id, dt.date.today())
        shown = {metric.label: metric.value for metric in at.metric}
        assert shown["Score de couverture"] == format_percent(expected.score), name
        assert shown["Manquantes"] == format_int(expected.counts()["missing"]), name
        table = _matrix_table(at)
        assert len(table) == len(expected.communes), name


def test_cell_detail_lists_actions_or_suggestions(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    bordeaux = next(cid for cid, name in _councils(shared_demo_engine) if name == "CLSPD de Bordeaux")
    at = open_app(page=PAGE, council_id=bordeaux)
    at.selectbox(key="cov_col").set_value("maraude_numerique").run()
    assert not at.exception
    assert any("Maraude numérique" in m.value and "Couvert" in m.value for m in at.markdown)
    assert any("Action" in frame.value.columns and "Maraude numérique prostitution" in list(frame.value["Action"])
               for frame in at.dataframe)
    at.selectbox(key="cov_col").set_value("defi_sans_ecran").run()
    assert any("Défi sans écran" in m.value and "Manquant" in m.value for m in at.markdown)
    assert any("Qui pourrait porter « Défi sans écran »" in m.value for m in at.markdown)
    assert any("Partenaire" in frame.value.columns for frame in at.dataframe)
    at.session_state["cov_tab"] = "Par territoire"  # the comparison with the peers is computed when opened
    at.run()
    comparison = next(frame.value for frame in at.dataframe if "Actions comptées" in frame.value.columns)
    assert "CLSPD de Bordeaux (instance affichée)" in list(comparison["Instance"])
    assert "CLSPD de Mérignac" in list(comparison["Instance"])


def test_changing_the_frame_changes_the_matrix(db_factory, use_database):
    url = db_factory.new("demo")
    use_database(url)
    from maillage.core.db import make_engine
    engine = make_engine(url)
    saintes = next(cid for cid, name in _councils(engine) if name == "CLSPD de Saintes")
    at = open_app(page=PAGE, council_id=saintes)
    assert "Médiation des conflits en ligne" not in _matrix_table(at).columns

    at.selectbox(key="cov_new_type").set_value("mediation_conflits_en_ligne")
    at.selectbox(key="cov_new_public").set_value("adolescents")
    at.number_input(key="cov_new_min").set_value(0)
    at.button[[b.label for b in at.button].index("Ajouter la règle")].click().run()
    assert not at.exception
    assert any("Règle ajoutée" in s.value for s in at.success)
    table = _matrix_table(at)
    assert list(table["Médiation des conflits en ligne"]) == ["Manquant"]
    with Session(engine) as session:
        assert session.exec(select(CoverageRule).where(CoverageRule.council_id == saintes,
                                                       CoverageRule.action_type == "mediation_conflits_en_ligne")).one()

    at.selectbox(key="cov_edit_key").set_value("mediation_conflits_en_ligne|adolescents").run()
    at.button[[b.label for b in at.button].index("Supprimer la règle")].click().run()
    assert not at.exception
    assert "Médiation des conflits en ligne" not in _matrix_table(at).columns
    engine.dispose()


def test_coordinator_sees_own_council_with_the_editor(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    councils = dict((name, cid) for cid, name in _councils(shared_demo_engine))
    actor = Actor("coord@merignac.fr", "coordinateur", council_ids=frozenset({councils["CLSPD de Mérignac"]}))
    at = open_app(actor=actor, page=PAGE)
    assert not at.exception
    assert at.title[0].value == "Couverture — CLSPD de Mérignac"
    assert "Ajouter la règle" in [b.label for b in at.button]


def _council_id(engine, name):
    return next(cid for cid, council in _councils(engine) if council == name)


PDN = "Présence éducative en ligne (Promeneurs du Net)"


def _presence_table(at, rows=None):
    """The presence view's table of communes without a running action (the first table with « Présence »)."""
    for frame in at.dataframe:
        if "Présence" in frame.value.columns and "Part de la population" in frame.value.columns:
            if rows is None or len(frame.value) == rows:
                return frame.value
    return None


def test_creonnais_pdn_two_truths_and_presence(shared_demo_url, shared_demo_engine, use_database):
    """The EPCI-wide PdN action covers the 13 communes under the threshold: « non attendu · couvert »,
    the cell detail says why, and the presence view finds no commune without PdN."""
    use_database(shared_demo_url)
    at = open_app(page=PAGE, council_id=_council_id(shared_demo_engine, "CISPD du Créonnais"))
    column = list(_matrix_table(at)[PDN])
    assert column.count("Non attendu · couvert") == 13 and column.count("Couvert (2/2)") == 2
    at.selectbox(key="cov_col").set_value("presence_en_ligne").run()
    at.selectbox(key="cov_row").set_value("com:33028").run()
    assert not at.exception
    assert any(m.value == f"**Baron (33028) × {PDN}** : Non attendu · couvert." for m in at.markdown)
    why = next(m.value for m in at.markdown if "à Baron : non attendu" in m.value)
    assert "(seuil : 3\u202f000 habitants ; Baron : 1\u202f218) · couvert (1 action en cours)" in why
    actions = next(f.value for f in at.dataframe if "Atteint le territoire" in f.value.columns)
    assert list(actions["Action"]) == ["Promeneurs du Net en milieu rural"]
    assert list(actions["État à la date"]) == ["En cours"]
    assert list(actions["Atteint le territoire"]) == ["par l'EPCI CC du Créonnais"]
    # The presence question follows the picked column: no commune without PdN.
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Communes sans action en cours"] == "0 sur 15"
    assert metrics["Habitants concernés"] == "0"
    assert any("Aucune commune sans action en cours de type « Présence éducative en ligne" in m.value
               for m in at.markdown)
    # No table of communes without PdN: the only presence table is the one of all communes.
    assert [len(f.value) for f in at.dataframe if "Part de la population" in f.value.columns] == [15]
    everything = _presence_table(at, 15)
    assert set(everything["Présence"]) == {"Présente"}
    assert set(everything["Atteinte"]) == {"par l'EPCI CC du Créonnais"}


def test_la_rochelle_pdn_presence_lists_every_commune(shared_demo_url, shared_demo_engine, use_database):
    """No commune of the agglomeration has PdN: the presence view lists all 28 with their population."""
    use_database(shared_demo_url)
    council_id = _council_id(shared_demo_engine, "CISPD de l'agglomération de La Rochelle")
    at = open_app(page=PAGE, council_id=council_id)
    at.selectbox(key="cov_q_action_type").set_value("presence_en_ligne").run()
    assert not at.exception
    with Session(shared_demo_engine) as session:
        cov = council_coverage(session, SYSTEM, council_id, dt.date.today())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Communes sans action en cours"] == "28 sur 28"
    assert metrics["Habitants concernés"] == format_int(cov.population)
    assert metrics["Part de la population de l'instance"] == "100\u00a0%" or metrics[
        "Part de la population de l'instance"].startswith("100")
    table = next(f.value for f in at.dataframe if "Présence" in f.value.columns and len(f.value) == 28
                 and set(f.value["Présence"]) == {"Aucune action"})
    assert sorted(table["Code INSEE"]) == sorted(c.code for c in cov.communes)
    assert dict(zip(table["Code INSEE"], table["Population"])) == {c.code: format_int(c.population) for c in cov.communes}
    # The matrix still says the two truths: La Rochelle expected and missing, the 27 others « non attendu · rien ».
    column = list(_matrix_table(at)[PDN])
    assert column.count("Non attendu · rien") == 27 and column.count("Manquant (0/2)") == 1
    # The map, coloured by presence of PdN: every commune « Aucune action », listed beside the map.
    assert not any(e.key == "cov_map_mode" for e in at.radio)  # drawn only once its tab is opened
    at.session_state["cov_tab"] = "Carte"
    at.run()
    at.radio(key="cov_map_mode").set_value("presence").run()
    at.selectbox(key="cov_map_action_type").set_value("presence_en_ligne").run()
    assert not at.exception
    beside = next(f.value for f in at.dataframe if list(f.value.columns) == ["Commune", "Statut", "Population", "Détail"])
    assert len(beside) == 28 and set(beside["Statut"]) == {"Aucune action"}
    assert any("**Aucune action** (28 communes)" in m.value for m in at.markdown)


def test_network_presence_question(shared_demo_url, shared_demo_engine, use_database):
    """A network member asks the presence question for a whole network: per council and per commune."""
    use_database(shared_demo_url)
    from models import Network
    with Session(shared_demo_engine) as session:
        network = session.exec(select(Network).where(Network.name.contains("FFSU"))).first()
        network_id = network.id
    actor = Actor("membre@ffsu.fr", "reseau", network_ids=frozenset({network_id}))
    at = open_app(actor=actor, page=PAGE)
    at.selectbox(key="cov_q_action_type").set_value("defi_sans_ecran").run()
    at.radio(key="cov_q_scope").set_value(f"net:{network_id}").run()
    assert not at.exception and not at.error
    councils = next(f.value for f in at.dataframe if "Communes sans action en cours" in f.value.columns)
    assert len(councils) >= 10
    assert set(councils["Actions comptées"]) == {"partagées seulement"}
    communes = next(f.value for f in at.dataframe if "Instance" in f.value.columns and "Commune" in f.value.columns)
    assert set(communes["Présence"]) <= {"Aucune action", "Prévue seulement", "Échue seulement"}
    assert any(b.label == "Télécharger (XLSX)" for b in at.get("download_button"))
    assert any(c.value.startswith("Calculé ") for c in at.caption)  # served from the background store, dated


def test_files_and_the_peer_comparison_are_built_only_when_asked(shared_demo_url, shared_demo_engine, use_database,
                                                               monkeypatch):
    import maillage.coverage as coverage

    use_database(shared_demo_url)
    bordeaux = next(cid for cid, name in _councils(shared_demo_engine) if name == "CLSPD de Bordeaux")
    calls = {"records_xlsx": [], "records_csv": [], "network_comparison": []}
    for name, made in calls.items():
        real = getattr(coverage, name)
        monkeypatch.setattr(coverage, name, lambda *a, _real=real, _made=made, **k: _made.append(a) or _real(*a, **k))
    # a date no other test asks for, so no cached comparison hides the call
    at = open_app(page=PAGE, council_id=bordeaux)
    at.date_input(key="cov_as_of").set_value(dt.date(2025, 3, 17)).run()
    assert not at.exception
    assert {"Matrice (XLSX)", "Liste des manques (XLSX)"} <= {b.proto.label for b in at.get("download_button")}
    assert calls == {"records_xlsx": [], "records_csv": [], "network_comparison": []}
    at.session_state["cov_tab"] = "Par territoire"
    at.run()
    assert not at.exception and len(calls["network_comparison"]) == 1
    assert any("Actions comptées" in frame.value.columns for frame in at.dataframe)
    assert not calls["records_xlsx"]
