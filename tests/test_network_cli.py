"""`network`, `network-summary` and `network-html` on the demo data."""

import csv
import io

import pytest

from maillage.accounts import SYSTEM
from maillage.commands.cli import main
from maillage.commands.network import council_by_name
from maillage.core import session_scope
from maillage.network import GraphFilters, Scope, network_analysis, render_network


def test_network_csv(shared_demo_url, use_database, capsys):
    use_database(shared_demo_url)
    assert main(["network", "--council", "CLSPD de Bordeaux", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["partner", "typology", "commune", "degree", "betweenness", "community", "isolated"]
    values = [float(row[4]) for row in rows[1:]]
    assert values == sorted(values, reverse=True) and values[0] > 0
    assert {row[6] for row in rows[1:]} <= {"true", "false"}
    for row in rows[1:]:
        assert (row[6] == "true") == (row[3] == "0")
        assert int(row[5]) >= 1


def test_network_summary_and_year(shared_demo_url, use_database, capsys):
    use_database(shared_demo_url)
    assert main(["network-summary", "--council", "clspd de saintes"]) == 0
    lines = dict(line.split(": ", 1) for line in capsys.readouterr().out.splitlines())
    for key in ("nodes", "links", "density", "components", "isolated", "missing_typologies"):
        assert key in lines
    assert int(lines["nodes"]) > 5 and 0 < float(lines["density"]) < 1
    assert main(["network-summary", "--council", "CLSPD de Saintes", "--year", "2015", "--no-derived"]) == 0
    old = dict(line.split(": ", 1) for line in capsys.readouterr().out.splitlines())
    assert int(old["links"]) < int(lines["links"])


def test_network_html_is_the_page_html(shared_demo_url, shared_demo_engine, use_database, tmp_path, capsys):
    use_database(shared_demo_url)
    out = tmp_path / "graphe.html"
    assert main(["network-html", "--council", "CISPD du Créonnais", "--out", str(out)]) == 0
    with session_scope(shared_demo_engine) as session:
        council = council_by_name(session, "CISPD du Créonnais")
        graph, metrics = network_analysis(session, SYSTEM, Scope.council(council.id), GraphFilters())
    assert out.read_text(encoding="utf-8") == render_network(graph, metrics)


def test_errors_are_one_french_line(shared_demo_url, use_database, capsys):
    use_database(shared_demo_url)
    assert main(["network", "--council", "Inconnue"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Erreur : aucune instance nommée « Inconnue »") and len(err.strip().splitlines()) == 1
    assert main(["network-summary", "--council", "CLSPD de Bordeaux", "--as", "personne@example.fr"]) == 1
    assert "aucun compte" in capsys.readouterr().err


def test_network_and_territory_scopes_have_the_council_columns(shared_demo_url, shared_demo_engine, use_database, capsys):
    use_database(shared_demo_url)
    assert main(["network", "--network", "réseau ffsu nouvelle-aquitaine"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["partner", "typology", "commune", "degree", "betweenness", "community", "isolated"]
    with session_scope(shared_demo_engine) as session:
        from maillage.network import network_by_name

        network_id = network_by_name(session, "Réseau FFSU Nouvelle-Aquitaine").id
        _graph, metrics = network_analysis(session, SYSTEM, Scope.network(network_id), GraphFilters())
        bordeaux = council_by_name(session, "CLSPD de Bordeaux")
        _g, council_metrics = network_analysis(session, SYSTEM, Scope.council(bordeaux.id), GraphFilters())
    assert len(rows) - 1 == metrics.nodes > council_metrics.nodes
    assert main(["network", "--territory", "33063"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][0] == "partner" and len(rows) > 5
    assert "Ville de Bordeaux" in {row[0] for row in rows}
    assert main(["network-summary", "--territory", "Bordeaux"]) == 0
    assert "nodes:" in capsys.readouterr().out
    assert main(["network", "--territory", "zzz"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Erreur : --territory") and len(err.strip().splitlines()) == 1
    assert main(["network", "--network", "Inconnu"]) == 1
    assert "aucun réseau nommé" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["network", "--council", "CLSPD de Bordeaux", "--network", "Réseau FFSU Nouvelle-Aquitaine"])
    assert exited.value.code == 2
    assert "incompatible avec l'argument" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["network"])
    assert "un des arguments --council --network --territory est obligatoire" in capsys.readouterr().err
