"""The demo dataset (through the importer) and the `init` / `stats` commands."""

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select

from maillage.commands.cli import main
from maillage.exchange import DEMO_DIR, database_counts, import_tables, read_directory
from models import Action, ActionPartner, CooperationLink, User
from models.vocabularies import ACTION_TYPES, DECLARED_LINK_KINDS

ROOT = Path(__file__).resolve().parent.parent


def test_demo_meets_the_foundation_minimums(shared_demo_engine):
    with Session(shared_demo_engine) as session:
        counts = database_counts(session)
        assert counts["communes"] >= 34900 and counts["epci"] >= 1250
        assert counts["councils"] >= 4 and counts["networks"] >= 2
        assert counts["partners"] >= 60 and counts["links"] >= 80 and counts["actions"] >= 30
        links = session.exec(select(CooperationLink)).all()
        assert {link.kind for link in links} == set(DECLARED_LINK_KINDS)
        assert {link.level for link in links} == {1, 2, 3, 4}
        assert {a.action_type for a in session.exec(select(Action))} == set(ACTION_TYPES)
        pilots = {row.action_id for row in session.exec(select(ActionPartner).where(ActionPartner.role == "pilote"))}
        assert pilots == {a.id for a in session.exec(select(Action))}
        assert {u.role for u in session.exec(select(User))} == {"admin", "coordinateur", "reseau", "elu"}
        assert all(u.password_hash.startswith("$argon2id$") for u in session.exec(select(User)))


def test_reimporting_the_demo_changes_nothing(demo_engine):
    _plan, report = import_tables(demo_engine, read_directory(DEMO_DIR))
    assert all(c.created == 0 and c.updated == 0 for c in report.counts.values()), report.lines()


def test_stats_prints_name_count_lines(shared_demo_url, use_database, capsys):
    use_database(shared_demo_url)
    assert main(["stats"]) == 0
    lines = dict(line.split(": ") for line in capsys.readouterr().out.strip().splitlines())
    assert list(lines) == ["regions", "departements", "epci", "ept", "communes", "councils", "networks",
                           "partners", "links", "actions", "users"]
    assert int(lines["communes"]) == 34969


def test_init_empty_then_demo_if_empty(db_factory, use_database, capsys, tmp_path, monkeypatch):
    url = db_factory.new("empty")
    use_database(url)
    assert main(["init", "--empty"]) == 0
    assert "Base prête" in capsys.readouterr().out
    main(["stats"])
    assert "councils: 0" in capsys.readouterr().out


def test_usage_error_in_french(capsys):
    try:
        main(["inconnue"])
    except SystemExit as exit_:
        assert exit_.code == 2
    assert "Erreur" in capsys.readouterr().err


def test_error_is_one_french_line_without_traceback(tmp_path):
    cases = {
        "postgresql+psycopg://nobody:wrong@127.0.0.1:1/none": "base de données inaccessible",
        f"sqlite:///{tmp_path}/vide.db": "la base n'est pas initialisée",
    }
    for url, message in cases.items():
        environment = dict(os.environ, DATABASE_URL=url)
        result = subprocess.run([sys.executable, "-m", "maillage", "stats"], cwd=ROOT, env=environment,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Erreur : {message}"), lines
