"""AppTest of the Données page: every view renders; an import (files injected through the page's test hook,
since AppTest cannot upload) shows every error, or the per-row preview and then applies; restore refusals;
what coordinators see."""

from __future__ import annotations

from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor
from maillage.exchange import make_backup
from models import Council, Partner
from tests.apptest import open_app

PAGE = "pages/donnees.py"
FILES = "donnees:fichiers_test"
BACKUP = "donnees:sauvegarde_test"


def view(at, name: str):
    at.radio(key="donnees:vue").set_value(name).run()
    assert not at.exception, at.exception
    return at


def frame(at, column: str):
    """The first table of the page that has `column`."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def downloads(at) -> list[str]:
    return [element.proto.label for element in at.get("download_button")]


def test_every_view_renders_for_an_administrator(shared_demo_url, use_database):
    use_database(shared_demo_url)
    at = open_app(page=PAGE)
    assert not at.exception
    assert at.title[0].value == "Données"
    assert at.info[0].value == "Aucun fichier déposé."
    view(at, "exporter")
    assert downloads(at) == ["Tout exporter en CSV (ZIP)", "Tout exporter en XLSX",
                             "Exporter au format data·inclusion (JSON)", "Exporter au format data·inclusion (CSV)"]
    view(at, "modeles")
    assert downloads(at)[0] == "Modèle complet (XLSX)" and len(downloads(at)) == 9
    assert list(frame(at, "Colonne")["Colonne"])[:3] == ["nom", "type", "territoires"]
    view(at, "sauvegarde")
    assert downloads(at) == ["Télécharger une sauvegarde"]
    view(at, "qualite")
    titles = [metric.label for metric in at.metric]
    assert titles[0] == "Doublons probables de partenaires" and len(titles) == 5
    at.toggle(key="donnees:qualite_tout").set_value(True).run()
    overdue = frame(at, "Élément")
    assert not at.exception and len(overdue) > 0
    assert "Prévention du cybersexisme en collège (CLSPD de Pessac)" in [
        label for d in at.dataframe if "Élément" in d.value.columns for label in d.value["Élément"]]


def test_a_broken_file_shows_every_error_and_writes_nothing(demo_engine, use_database):
    use_database(demo_engine.url.render_as_string(hide_password=False))
    at = open_app(page=PAGE)
    at.session_state[FILES] = [("partenaires.csv", "nom;typologie;commune_siege;siret\n"
                                                   "Club;Club;33063;\nMaison;SANTE;99999;1234\n".encode("cp1252"))]
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == {"Lignes lues": "2", "À créer": "0", "À mettre à jour": "0",
                                                      "Inchangées": "0", "Erreurs": "3"}
    assert at.error[0].value.startswith("3 erreurs : rien ne sera importé")
    errors = frame(at, "Motif")
    assert list(errors["Ligne"]) == [2, 3, 3] and list(errors["Colonne"]) == ["typologie", "commune_siege", "siret"]
    assert list(errors["Motif"])[2] == "n'est pas un SIRET (14 chiffres)"
    assert not [b for b in at.button if b.label == "Importer ces données"]
    rows = frame(at, "Statut")
    assert list(rows["Statut"]) == ["erreur", "erreur"]


def test_preview_then_import(demo_engine, use_database):
    use_database(demo_engine.url.render_as_string(hide_password=False))
    at = open_app(page=PAGE)
    at.session_state[FILES] = [("partenaires.csv", "nom;typologie;commune_siege;notes\n"
                                                   "Ville de Bordeaux;MUNI;33063;Mise à jour\n"
                                                   "Nouvelle association;ASSO;33063;=1+1\n".encode())]
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["À créer"], metrics["À mettre à jour"], metrics["Erreurs"]) == ("1", "1", "0")
    assert at.success[0].value == "Toutes les lignes sont valides : vous pouvez importer."
    remarks = frame(at, "Remarque")
    assert list(remarks["Valeur"]) == ["=1+1"]
    rows = frame(at, "Statut")
    assert sorted(rows["Statut"]) == ["à créer", "à mettre à jour"]
    with Session(demo_engine) as session:
        assert session.exec(select(Partner).where(Partner.name == "Nouvelle association")).first() is None
    next(b for b in at.button if b.label == "Importer ces données").click().run()
    assert not at.exception
    assert at.success[0].value == ("Import réussi. Voici exactement ce qui a changé (rien d'autre n'a été "
                                   "modifié) :")
    assert list(frame(at, "Résultat")["Résultat"]) == [
        "Partenaires — 1 créé : Nouvelle association (33063) ; 1 mis à jour : Ville de Bordeaux (33063) [notes]"]
    with Session(demo_engine) as session:
        assert session.exec(select(Partner.notes).where(Partner.name == "Nouvelle association")).one() == "=1+1"


def test_unreadable_upload(shared_demo_url, use_database):
    use_database(shared_demo_url)
    at = open_app(page=PAGE)
    at.session_state[FILES] = [("vieux.xls", b"\xd0\xcf\x11\xe0" + bytes(64))]
    at.run()
    assert at.error[0].value == "Fichier illisible : rien n'a été importé."
    assert list(frame(at, "Message")["Message"])[0].startswith("vieux.xls : classeur Excel (.xls) illisible")


def test_restore_is_refused_on_a_non_empty_database(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    at = open_app(page=PAGE)
    view(at, "sauvegarde")
    at.session_state[BACKUP] = make_backup(shared_demo_engine, SYSTEM)
    at.run()
    next(b for b in at.button if b.label == "Restaurer").click().run()
    assert not at.exception
    assert at.error[0].value == "Rien n'a été restauré."
    assert list(frame(at, "Message")["Message"])[0].startswith("la base contient déjà des données")
    at.checkbox(key="donnees:remplacer").check().run()
    assert next(b for b in at.button if b.label == "Restaurer").disabled  # until the second confirmation


def test_restore_into_an_empty_database(db_factory, shared_demo_engine, use_database):
    use_database(db_factory.new("geo"))
    at = open_app(page=PAGE)
    view(at, "sauvegarde")
    at.session_state[BACKUP] = make_backup(shared_demo_engine, SYSTEM)
    at.run()
    next(b for b in at.button if b.label == "Restaurer").click().run()
    assert not at.exception
    assert at.success[0].value == "Sauvegarde restaurée."
    assert "partenaires : 141 créés, 0 mis à jour, 0 inchangé" in list(frame(at, "Résultat")["Résultat"])


def test_what_a_coordinator_sees(shared_demo_url, shared_demo_engine, use_database):
    use_database(shared_demo_url)
    with Session(shared_demo_engine) as session:
        bordeaux = session.exec(select(Council.id).where(Council.name == "CLSPD de Bordeaux")).one()
    actor = Actor(email="coordination@demo.maillage.fr", role="coordinateur", council_ids=frozenset({bordeaux}))
    at = open_app(actor=actor, page=PAGE, council_id=bordeaux)
    assert not at.exception and at.title[0].value == "Données"
    view(at, "sauvegarde")
    assert at.info[0].value.startswith("La sauvegarde et la restauration de toute la base sont réservées")
    view(at, "qualite")
    assert not at.toggle and [m.label for m in at.metric][0] == "Doublons probables de partenaires"
    view(at, "importer")
    at.session_state[FILES] = [("actions.csv", b"titre;instance;type_action;statut;debut;territoires;publics\n"
                                               b"Forum;CLSPD de Pessac;evenement;projet;01/03/2027;33318;tout_public\n")]
    at.run()
    assert list(frame(at, "Motif")["Motif"]) == ["vous n'êtes pas coordinateur de cette instance : ligne refusée"]


def test_quality_list_is_computed_once_per_version_of_the_council(db_factory, use_database, monkeypatch):
    import maillage.exchange as exchange
    from maillage.core import bump_data_version, make_engine, session_scope

    url = db_factory.new("demo")
    use_database(url)
    engine = make_engine(url)
    with Session(engine) as session:
        ids = dict((name, cid) for cid, name in session.exec(select(Council.id, Council.name)))
    bordeaux = ids["CLSPD de Bordeaux"]
    other = next(cid for cid in sorted(ids.values()) if cid != bordeaux and not shares_a_network(engine, bordeaux, cid))
    calls = []
    real = exchange.data_quality
    monkeypatch.setattr(exchange, "data_quality", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    at = open_app(page=PAGE, council_id=bordeaux)
    view(at, "qualite")
    assert not at.exception and calls == [bordeaux]
    first = [m.value for m in at.metric]
    at.run()
    at.run()
    assert calls == [bordeaux]  # every later interaction reads the kept list
    with session_scope(engine) as session:  # a change in another council that shares no network
        bump_data_version(session, councils=[other])
    at.run()
    assert calls == [bordeaux]
    with session_scope(engine) as session:  # a change in the council itself
        bump_data_version(session, councils=[bordeaux])
    at.run()
    assert calls[-1] == bordeaux and len(calls) >= 2 and [m.value for m in at.metric] == first
    engine.dispose()


def shares_a_network(engine, a, b) -> bool:
    """Whether two councils belong to a common network (then a change in one is a change for the other)."""
    from models import NetworkCouncil

    with Session(engine) as session:
        rows = session.exec(select(NetworkCouncil.network_id, NetworkCouncil.council_id)
                            .where(NetworkCouncil.council_id.in_([a, b]))).all()
    networks = {}
    for network, council in rows:
        networks.setdefault(network, set()).add(council)
    return any(len(members) == 2 for members in networks.values())
