"""The « Maison des adolescents » typology: in the defaults, in the demo, and added to seeded databases by 0006."""

from alembic import command
from sqlalchemy import text
from sqlmodel import Session, select

from maillage.core import alembic_config, make_engine, upgrade
from maillage.partners import DEFAULT_EXPECTATIONS
from maillage.vocabularies import Vocabularies
from models import VocabularyEntry
from tests.builders import add_partner


def _downgrade(engine, revision: str) -> None:
    """Take the database down to `revision`."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _typologies(engine) -> dict[str, tuple[str, str | None, int]]:
    """code → (label, group, position) of the typologies stored."""
    with Session(engine) as session:
        return {e.code: (e.label, e.group_code, e.position)
                for e in session.exec(select(VocabularyEntry).where(VocabularyEntry.kind == "typology"))}


def test_defaults_have_maison_des_adolescents_in_health():
    vocab = Vocabularies.defaults()
    assert vocab.label("typology", "MDA") == "Maison des adolescents"
    assert vocab.label("typology", "SANTE") == "Santé (ARS, hôpital)"
    assert vocab.group_of("MDA") == vocab.group_of("SANTE") == "sante"
    codes = vocab.codes("typology")
    assert codes.index("MDA") == codes.index("CMP") + 1
    assert vocab.parse("typology", "maison des adolescents") == "MDA"
    assert ("SANTE", "MDA") in DEFAULT_EXPECTATIONS


def test_demo_files_the_maison_des_adolescents_under_its_typology():
    from maillage.core import PROJECT_ROOT

    rows = (PROJECT_ROOT / "data" / "demo" / "partenaires.csv").read_text(encoding="utf-8").splitlines()
    assert any(row.startswith("Maison des adolescents de la Gironde;MDA;") for row in rows)


def test_migration_adds_mda_to_a_seeded_database_and_downgrade_removes_it(db_factory):
    engine = make_engine(db_factory.new("empty"))
    _downgrade(engine, "0005_sessions")
    before = _typologies(engine)
    assert "MDA" not in before
    assert before["SANTE"][0] == "Santé (ARS, hôpital, maison des adolescents)"
    upgrade(engine)
    after = _typologies(engine)
    assert after["MDA"] == ("Maison des adolescents", "sante", after["CMP"][2])
    assert after["SANTE"][0] == "Santé (ARS, hôpital)"
    with Session(engine) as session:
        vocab = Vocabularies.load(session)
    codes = vocab.codes("typology")
    assert codes.index("MDA") == codes.index("CMP") + 1
    engine.dispose()


def test_migration_keeps_an_administrators_label_and_a_used_code(db_factory):
    engine = make_engine(db_factory.new("geo"))
    with Session(engine) as session:
        add_partner(session, "Maison des adolescents de la Gironde", typology="MDA")
        session.commit()
    _downgrade(engine, "0005_sessions")
    assert "MDA" in _typologies(engine)  # a partner uses it: kept
    with engine.begin() as connection:
        connection.execute(text("UPDATE vocabulary SET label = 'Santé publique' WHERE kind = 'typology' "
                                "AND code = 'SANTE'"))
    upgrade(engine)
    after = _typologies(engine)
    assert after["SANTE"][0] == "Santé publique"
    assert after["MDA"][0] == "Maison des adolescents"
    engine.dispose()


def test_migration_does_nothing_on_an_unseeded_database(db_factory):
    engine = make_engine(db_factory.new("empty"))
    _downgrade(engine, "0005_sessions")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM vocabulary"))
    upgrade(engine)
    assert _typologies(engine) == {}
    engine.dispose()
