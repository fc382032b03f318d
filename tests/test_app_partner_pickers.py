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
        rows = [dict(name=f"Structure nationale n° {i:05d}", typology="ASSO", seat_commune_key=communes[i % len(communes)],
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
