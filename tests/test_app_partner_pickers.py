"""Partenaires sends only what is looked at: with 30,000 partners in France, a council's page (every tab, the
merge pickers included) carries less than 100 KB of widget options."""

import json

from sqlalchemy import insert
from sqlmodel import select

from maillage.core import make_engine, session_scope
from models import Council, Partner, Territory
from tests.apptest import open_app

PAGE = "pages/partenaires.py"
PARTNERS = 30_000
LIMIT = 100 * 1024
BORDEAUX_PARTNERS = 1_200


def _options_size(at) -> int:
    """Bytes of the options of every choice widget of the page (what the browser receives for them)."""
    widgets = list(at.selectbox) + list(at.multiselect) + list(at.radio)
    return sum(len(json.dumps(list(widget.options), ensure_ascii=False).encode("utf-8")) for widget in widgets)


def test_partner_page_options_stay_small_with_30000_partners(db_factory, use_database):
    url = db_factory.new("demo")
    use_database(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        bordeaux = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one().id
        communes = session.exec(select(Territory.key).where(Territory.level == "com").limit(2_000)).all()
        # The first 1,200 are seated in Bordeaux: its partnership alone is far more than a picker lists.
        rows = [dict(name=f"Structure nationale n° {i:05d}", typology="ASSO",
                     seat_commune_key="com:33063" if i < BORDEAUX_PARTNERS else communes[i % len(communes)],
                     website="", contact_name="", contact_role="", contact_email="", contact_phone="", notes="",
                     version=1) for i in range(PARTNERS)]
        session.execute(insert(Partner), rows)
    engine.dispose()

    at = open_app(page=PAGE, council_id=bordeaux)
    assert not at.exception
    sizes = {"Registre": _options_size(at)}
    for tab in ("Fiche", "Doublons"):
        at.session_state["partners_tab"] = tab
        at.run()
        assert not at.exception
        sizes[tab] = _options_size(at)
    assert max(sizes.values()) < LIMIT, sizes
    # the merge pickers search: typing a name finds a partner outside the council, still in a short list
    at.text_input(key="p_merge_query").set_value("Structure nationale n° 0042").run()
    keep = at.selectbox(key="p_keep")
    assert any("Structure nationale n° 00420" in option for option in keep.options)
    assert len(keep.options) <= 500 and _options_size(at) < LIMIT
    # the card picker of a council of 1,200+ partners lists 300 of them and finds the others by name
    at.session_state["partners_tab"] = "Fiche"
    at.run()
    picker = at.selectbox(key="partners_selected")
    assert len(picker.options) == 300
    assert any("fiches correspondent" in caption.value for caption in at.caption)
    at.text_input(key="p_pick_query").set_value("n° 01150").run()
    picker = at.selectbox(key="partners_selected")
    assert [option for option in picker.options] == ["Structure nationale n° 01150 — Bordeaux"]
    with session_scope(make_engine(url)) as session:
        wanted = session.exec(select(Partner.id).where(Partner.name == "Structure nationale n° 01150")).one()
    picker.set_value(wanted).run()
    assert not at.exception
    assert [h.value for h in at.subheader][:1] == ["Structure nationale n° 01150"]
