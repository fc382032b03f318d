"""`campaign open|status|close` on the demo data."""

import csv
import datetime as dt
import io

from maillage.campaigns import open_form, paris_day
from maillage.commands.cli import main
from maillage.core import make_engine, session_scope


def _deadline(days: int = 10) -> str:
    return (paris_day() + dt.timedelta(days=days)).strftime("%d/%m/%Y")


def test_open_status_close(db_factory, use_database, capsys):
    url = db_factory.new("demo")
    use_database(url)
    assert main(["campaign", "open", "--council", "CLSPD de Bordeaux", "--title", "Plénière de décembre",
                 "--deadline", _deadline(), "--partners", "non-verifies",
                 "--base-url", "https://maillage.bordeaux.fr/"]) == 0
    captured = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(captured.out), delimiter=";"))
    assert rows[0] == ["partenaire", "courriel", "lien"]
    assert len(rows) > 2 and all(r[2].startswith("https://maillage.bordeaux.fr/?campagne=") for r in rows[1:])
    assert "ouverte" in captured.err and "Conservez-les" in captured.err
    token = rows[1][2].split("=", 1)[1]
    engine = make_engine(url)
    with session_scope(engine) as session:
        assert open_form(session, token).partner_name == rows[1][0]

    assert main(["campaign", "status", "--council", "clspd de bordeaux"]) == 0
    captured = capsys.readouterr()
    status = list(csv.reader(io.StringIO(captured.out), delimiter=";"))
    assert status[0] == ["partenaire", "etat", "envoye", "ouvert", "soumis", "examine"]
    opened = next(r for r in status[1:] if r[0] == rows[1][0])
    assert opened[1] == "Ouvert" and opened[3] == paris_day().strftime("%d/%m/%Y") and opened[4] == ""
    assert f"{len(rows) - 1} envoyés, 1 ouverts, 0 soumis, 0 examinés" in captured.err

    # A second campaign while one is open is refused, in French, exit 1.
    assert main(["campaign", "open", "--council", "CLSPD de Bordeaux", "--title", "Autre", "--deadline", _deadline(),
                 "--base-url", "https://maillage.bordeaux.fr"]) == 1
    assert "déjà ouverte" in capsys.readouterr().err

    assert main(["campaign", "close", "--council", "CLSPD de Bordeaux"]) == 0
    assert "clôturée" in capsys.readouterr().out
    with session_scope(engine) as session:
        try:
            open_form(session, token)
        except Exception as error:  # noqa: BLE001
            assert "n'est pas valable" in str(error)
        else:
            raise AssertionError("a closed campaign's link still works")
    assert main(["campaign", "close", "--council", "CLSPD de Bordeaux"]) == 1
    assert "aucune campagne ouverte" in capsys.readouterr().err
    engine.dispose()


def test_bad_options_and_rights(db_factory, use_database, capsys):
    use_database(db_factory.new("demo"))
    assert main(["campaign", "open", "--council", "CLSPD de Bordeaux", "--title", "T", "--deadline", "31/02/2026",
                 "--base-url", "https://x.fr"]) == 1
    assert "--deadline" in capsys.readouterr().err
    assert main(["campaign", "open", "--council", "CLSPD de Bordeaux", "--title", "T", "--deadline", _deadline(),
                 "--base-url", "javascript:alert(1)"]) == 1
    assert "--base-url" in capsys.readouterr().err
    assert main(["campaign", "open", "--council", "CLSPD de Bordeaux", "--title", "T", "--deadline", _deadline(),
                 "--base-url", "https://x.fr", "--as", "elu@demo.maillage.fr"]) == 3
    assert "Accès refusé" in capsys.readouterr().err
    assert main(["campaign", "status", "--council", "CLSPD de Saintes"]) == 1
    assert "aucune campagne" in capsys.readouterr().err
