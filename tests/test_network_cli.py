"""`network`, `network-summary` and `network-html` on the demo data."""

import csv
import io

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
