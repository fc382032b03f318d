"""`python -m maillage actions`: the CSV columns, the effective status at --as-of, --council, --as, formulas."""

import csv
import datetime as dt
import io
import subprocess
import sys

import pytest

from maillage.actions import COLUMNS, create_action
from maillage.commands.cli import main
from maillage.core import session_scope
from maillage.core.spreadsheet import safe_cell as neutralise
from models import User, UserCouncil
from tests.actions_world import build_world


@pytest.fixture
def base(empty_engine):
    with session_scope(empty_engine) as session:
        world = build_world(session)
        create_action(session, world.coordinator, world.draft(
            title="Promeneurs du Net", status="en_cours", start_date=dt.date(2024, 1, 8), end_date=dt.date(2026, 6, 30),
            territory_keys=["com:33063", "sub:33063:benauge"], publics=["adolescents", "jeunes_adultes"],
            themes=["cyberharcelement"], shared=False))
        create_action(session, world.other_coordinator, world.draft(
            title="=HYPERLINK(\"http://x\") -10 % d'écrans", council_id=world.merignac, territory_keys=["com:33281"],
            shared=True, partners=[(world.asso, "pilote")], end_date=None))
        user = User(email="coord@merignac.fr", role="coordinateur")
        session.add(user)
        session.flush()
        session.add(UserCouncil(user_id=user.id, council_id=world.merignac))
    return empty_engine


def run(capsys, *args):
    code = main(["actions", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def records(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_columns_and_values(base, use_database, capsys):
    use_database(base.url.render_as_string(hide_password=False))
    code, out, _ = run(capsys, "--council", "clspd de bordeaux", "--as-of", "2026-06-30", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == ",".join(COLUMNS)
    (row,) = records(out)
    assert row == {
        "title": "Promeneurs du Net", "council": "CLSPD de Bordeaux", "action_type": "presence_en_ligne",
        "status": "en_cours", "start": "2024-01-08", "end": "2026-06-30",
        "territories": "com:33063|sub:33063:benauge", "publics": "adolescents|jeunes_adultes",
        "themes": "cyberharcelement",
        "partners": "Ville de Bordeaux:pilote|Association Rénovation:operateur|CAF de la Gironde:financeur",
        "effective_status": "en_cours",
    }


def test_effective_status_at_a_later_date(base, use_database, capsys):
    use_database(base.url.render_as_string(hide_password=False))
    _, out, _ = run(capsys, "--council", "CLSPD de Bordeaux", "--as-of", "01/07/2026", "--format", "csv")
    (row,) = records(out)
    assert (row["status"], row["effective_status"]) == ("en_cours", "terminee")


def test_all_councils_and_formula_neutralised(base, use_database, capsys):
    use_database(base.url.render_as_string(hide_password=False))
    _, out, _ = run(capsys, "--format", "csv")
    rows = records(out)
    assert [row["council"] for row in rows] == ["CLSPD de Bordeaux", "CLSPD de Mérignac"]
    assert rows[1]["title"].startswith("'=HYPERLINK")


def test_as_a_coordinator_of_another_council_only_shared_actions(base, use_database, capsys):
    use_database(base.url.render_as_string(hide_password=False))
    code, out, _ = run(capsys, "--as", "coord@merignac.fr")
    assert code == 0
    assert [row["council"] for row in records(out)] == ["CLSPD de Mérignac"]  # Bordeaux's action is not shared


@pytest.mark.parametrize("args, code, message", [
    (["--council", "CLSPD de Nulle-Part"], 1, "aucune instance nommée « CLSPD de Nulle-Part »"),
    (["--as-of", "31/02/2026"], 1, "n'est pas une date"),
    (["--as", "inconnu@ville.fr"], 1, "aucun compte"),
])
def test_errors_are_one_french_line(base, use_database, capsys, args, code, message):
    use_database(base.url.render_as_string(hide_password=False))
    result, out, err = run(capsys, *args)
    assert result == code and message in err and len(err.strip().splitlines()) == 1 and out == ""


def test_neutralise():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("-2") == "'-2"
    assert neutralise("Promeneurs") == "Promeneurs"
    assert neutralise("") == ""


def test_python_dash_m_runs(base, use_database):
    url = base.url.render_as_string(hide_password=False)
    result = subprocess.run([sys.executable, "-m", "maillage", "actions", "--format", "csv"], capture_output=True,
                            text=True, env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("title,council,action_type,")
