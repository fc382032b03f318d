"""Text shared by every package: the one accent fold (search, header matching, duplicates, import keys) and
the Markdown escaping of user text."""

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Letters Unicode does not decompose into a base letter and accents (ligatures, stroked letters).
_UNDECOMPOSED = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ẞ": "SS",
                               "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i"})


def strip_accents(text: str) -> str:
    """`Mérignac` → `Merignac`, `Cœur` → `Coeur`."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=200_000)
def fold(text: str | None) -> str:
    """Lower case, no accents, ligatures spelled out, punctuation turned into single spaces: the one key for
    search, header matching, duplicates and import keys (cached: imports fold every name many times)."""
    if not text:
        return ""
    if text.isascii():
        return _NON_ALNUM.sub(" ", text.lower()).strip()
    return _NON_ALNUM.sub(" ", strip_accents(text).lower()).strip()


def compact(text: str) -> str:
    """`Commune siège` → `communesiege`: header matching ignoring case, accents, spaces, underscores."""
    return fold(text).replace(" ", "")


# The characters that make Markdown (CommonMark, GFM, Streamlit's :colour[…] directives) do something: with
# `[` and `]` escaped no link, image or directive can form; `(`, `)` and `!` are then inert.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])", re.MULTILINE)
# GFM turns bare addresses into links (`https://…`, `www.…`, `nom@domaine`) after resolving backslash
# escapes, so a backslash does not stop it (seen in Chromium): an invisible word joiner breaks each pattern.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i):(?=//)|\bwww(?=\.)|@")


def md(value: object) -> str:
    """User text made inert wherever Streamlit renders Markdown (titles, captions, labels…): markup escaped,
    list and heading starts neutralised, no link, image, autolink (`https://`, `www.`, e-mail) or directive left.

    The one escaping helper for user data in Markdown (issue 20); tests/test_security_markdown.py checks
    that every f-string passed to a Markdown-rendering call in the pages goes through it."""
    if value is None:
        return ""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))
    escaped = _AUTOLINK.sub(lambda match: match.group(0) + WORD_JOINER, escaped)

    def neutralise(match: re.Match) -> str:
        """Escape a list or heading start at the beginning of a line."""
        start = match.group(2)
        if start[0].isdigit():
            return match.group(1) + start[:-1] + "\\" + start[-1]
        return match.group(1) + "\\" + start

    return _LINE_START.sub(neutralise, escaped)
