"""The national-scale generator: every commune covered exactly once, requested counts, deterministic."""

from collections import Counter

from sqlmodel import Session, select

from maillage.exchange import database_counts, generate_scale, remove_scale
from maillage.geography import footprint
from models import Action, Council, CouncilTerritory


def _snapshot(engine):
    with Session(engine) as session:
        return [(a.title, a.action_type, a.status, a.start_date) for a in session.exec(select(Action).order_by(Action.id))]


def test_small_scale_covers_france_once(db_factory):
    engine = db_factory.engine("geo")
    counts = generate_scale(engine, councils=40, partners=400, links=900, actions=300, seed=7)
    assert (counts.councils, counts.partners, counts.links, counts.actions) == (40, 400, 900, 300)
    with Session(engine) as session:
        covered = Counter()
        for council in session.exec(select(Council)):
            keys = session.exec(select(CouncilTerritory.territory_key).where(CouncilTerritory.council_id == council.id)).all()
            covered.update(list(footprint(session, keys).communes))
        assert len(covered) == database_counts(session)["communes"]
        assert set(covered.values()) == {1}
    first = _snapshot(engine)
    remove_scale(engine)
    with Session(engine) as session:
        assert database_counts(session)["councils"] == 0
    generate_scale(engine, councils=40, partners=400, links=900, actions=300, seed=7)
    assert [row[1:] for row in _snapshot(engine)] == [row[1:] for row in first]


def test_ordinary_writes_follow_the_generated_rows(db_factory):
    """Generated rows carry explicit ids: on PostgreSQL the id sequences are moved past them."""
    from maillage.accounts import SYSTEM
    from maillage.partners import PartnerInput, create_partner

    engine = db_factory.engine("geo")
    generate_scale(engine, councils=10, partners=60, links=80, actions=30, seed=3)
    with Session(engine) as session:
        council = session.exec(select(Council).order_by(Council.id)).first()
        keys = session.exec(select(CouncilTerritory.territory_key)
                            .where(CouncilTerritory.council_id == council.id)).all()
        commune = sorted(footprint(session, keys).communes)[0]
        partner = create_partner(session, SYSTEM, PartnerInput(name="Nouvelle association", typology="ASSO",
                                                               seat_commune=commune, territories=commune))
        session.commit()
        assert partner.id > 60
