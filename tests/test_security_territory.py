"""Issue 20, item 6: the territory scope of the cooperation graph shows only the links and actions of councils
the reader belongs to or shares a network with; the others appear as a count."""

from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor
from maillage.network import Scope, load_source
from models import CooperationLink, Council, Partner
from tests.builders import add_council


def test_territory_scope_never_lists_a_link_of_a_council_outside_the_reader_networks(demo_engine):
    with Session(demo_engine) as session:
        bordeaux = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one()
        outsider = add_council(session, "CLSPD isolé de Gironde", ["com:33318"])
        a, b = session.exec(select(Partner.id).where(Partner.seat_commune_key == "com:33063")
                            .order_by(Partner.id).limit(2)).all()
        session.add(CooperationLink(council_id=outsider.id, partner_a_id=a, partner_b_id=b, kind="convention",
                                    level=3, note="lien privé"))
        session.commit()
        reader = Actor(email="coord@ville.fr", role="coordinateur", council_ids=frozenset({bordeaux.id}))
        seen = load_source(session, reader, Scope.territory("dep:33"))
        assert seen.links, "the reader still sees the links of his own councils"
        assert outsider.id not in {link.council_id for link in seen.links}
        assert seen.hidden_links >= 1
        assert all(action.council_id != outsider.id for action in seen.actions)
        everything = load_source(session, SYSTEM, Scope.territory("dep:33"))
        assert outsider.id in {link.council_id for link in everything.links}
        assert everything.hidden_links == 0
