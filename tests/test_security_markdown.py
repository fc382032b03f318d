"""Issue 20, item 5: user text is inert wherever Streamlit renders Markdown.

`md` (maillage.core.text) is the one escaping helper; a scan of the pages finds every f-string passed to a
Markdown-rendering call and requires each interpolated value to go through `md` or a French number/date
formatter (which never return user text)."""

import ast
import re
from pathlib import Path

import pytest
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor, add_user
from maillage.core import md
from models import Council, User
from tests.apptest import open_app

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py"])
# Streamlit calls whose text (first argument, or `label`/`body`/`help`) is rendered as Markdown.
MARKDOWN_CALLS = {
    "title", "header", "subheader", "caption", "markdown", "write", "info", "warning", "error", "success",
    "toast", "expander", "button", "download_button", "link_button", "form_submit_button", "checkbox", "toggle",
    "radio", "selectbox", "multiselect", "text_input", "text_area", "number_input", "date_input", "tabs",
    "metric", "popover", "page_link", "status", "segmented_control", "pills", "slider", "select_slider",
}
MARKDOWN_KEYWORDS = {"label", "body", "help", "caption"}
# Interpolations that never carry user text: the escaping helper and the French number/date formatters.
SAFE_CALLS = {"md", "format_int", "format_date", "format_datetime", "format_decimal", "format_euros",
              "format_percent", "format_date_long", "len", "plural",
              "problems_text"}  # problems_text (pages/campagne.py) builds its list with md

PAYLOADS = ["![x](https://tracker.example/p.png)", "[Mettez à jour votre mot de passe](https://phish.example)"]


def _call_name(node: ast.AST) -> str:
    """`st.title` → `title`, `md(...)` → `md`."""
    func = node.func if isinstance(node, ast.Call) else node
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _unsafe(node: ast.AST) -> list[ast.AST]:
    """The parts of a text expression that may carry unescaped user data.

    Safe: literals, module constants (ALL_CAPS), calls to `md` or a French formatter, and f-strings,
    `+` concatenations, `" · ".join(…)` and `a if c else b` made only of safe parts."""
    if isinstance(node, ast.Constant) or (isinstance(node, ast.Name) and node.id.isupper()):
        return []
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id.isupper():
        return []  # a label from a module constant table (STATUS_LABELS[s])
    if isinstance(node, ast.Call) and _call_name(node) in SAFE_CALLS:
        return []
    if isinstance(node, ast.JoinedStr):
        return [bad for part in node.values if isinstance(part, ast.FormattedValue) for bad in _unsafe(part.value)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _unsafe(node.left) + _unsafe(node.right)
    if isinstance(node, ast.IfExp):
        return _unsafe(node.body) + _unsafe(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [bad for value in node.values for bad in _unsafe(value)]
    if isinstance(node, ast.Call) and _call_name(node) == "join" and isinstance(node.func.value, ast.Constant):
        items = node.args[0] if node.args else None
        if isinstance(items, (ast.GeneratorExp, ast.ListComp)):
            return _unsafe(items.elt)
        if isinstance(items, (ast.List, ast.Tuple)):
            return [bad for item in items.elts for bad in _unsafe(item)]
        return [node]
    return [node]


def _composite(node: ast.AST) -> bool:
    """Whether a text argument is built (f-string, `+`, `join`, conditional) rather than passed as one value."""
    return isinstance(node, (ast.JoinedStr, ast.BinOp, ast.IfExp, ast.BoolOp)) or (
        isinstance(node, ast.Call) and _call_name(node) == "join")


def unescaped_interpolations(source: str, filename: str = "<page>") -> list[str]:
    """Every `file:line: expression` where user data may reach Markdown unescaped through a built text."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call) or _call_name(node) not in MARKDOWN_CALLS:
            continue
        if not isinstance(node.func, ast.Attribute):
            continue
        arguments = list(node.args[:1]) + [k.value for k in node.keywords if k.arg in MARKDOWN_KEYWORDS]
        for argument in arguments:
            if _composite(argument):
                found += [f"{filename}:{bad.lineno}: {ast.unparse(bad)}" for bad in _unsafe(argument)]
    return found


def test_the_scan_can_fail():
    bad = ('import streamlit as st\nst.title(f"Tableau de bord — {overview.name}")\n'
           'st.caption(f"{md(x)} {format_int(3)} {NOTE}")\nst.caption(md(f"{x}"))\nst.button(label=f"{x}")\n'
           'st.markdown("Instances : " + ", ".join(names))\nst.markdown("A : " + ", ".join(md(n) for n in names))\n')
    assert unescaped_interpolations(bad) == ["<page>:2: overview.name", "<page>:5: x", "<page>:6: ', '.join(names)"]


def test_every_interpolation_into_markdown_is_escaped():
    found = []
    for path in SOURCES:
        found += unescaped_interpolations(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == [], "Passez ces valeurs par md() :\n" + "\n".join(found)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_md_leaves_no_link_image_or_autolink(payload):
    escaped = md(payload)
    assert not re.search(r"(?<!\\)[\[\]]", escaped)  # every bracket escaped: no link, image or directive
    for live in ("https://", "www."):  # and no bare address GFM would turn into a link
        assert live not in escaped
    assert md("suivi@ville.fr") == "suivi@\u2060ville.fr"
    assert md("www.phish.example") == "www\u2060.phish.example"
    assert md(":red[alerte]") == ":red\\[alerte\\]"
    assert md(None) == "" and md(3) == "3"


def test_payloads_in_council_name_contact_and_display_name_render_as_text(demo_engine, use_database):
    with Session(demo_engine) as session:
        council = session.exec(select(Council).where(Council.name == "CLSPD de Bordeaux")).one()
        council.name = "Bordeaux " + PAYLOADS[0]
        council.coordination_contact = PAYLOADS[1]
        session.add(council)
        session.commit()
        add_user(session, SYSTEM, "coord.md@ville.fr", "coordinateur", password="mot-de-passe-solide",
                 display_name=PAYLOADS[1], councils=[council.name])
        session.commit()
        council_id = council.id
        user = session.exec(select(User).where(User.email == "coord.md@ville.fr")).one()
        actor = Actor(email=user.email, role=user.role, council_ids=frozenset({council_id}))
    use_database(demo_engine.url.render_as_string(hide_password=False))
    for page in ("pages/tableau_de_bord.py", "pages/actions.py", "pages/mon_compte.py", "pages/comparer.py"):
        at = open_app(actor, page, council_id)
        assert not at.exception, page
        texts = [e.value for kind in ("title", "caption", "markdown", "info", "subheader", "header")
                 for e in getattr(at, kind)]
        for text in texts:
            assert "](https://" not in text, (page, text)
