"""Text normalisation shared by search, header matching and duplicate detection."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def strip_accents(text: str) -> str:
    """`Mérignac` → `Merignac`."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """Lower case, no accents, punctuation turned into single spaces: for search and comparison."""
    return _NON_ALNUM.sub(" ", strip_accents(text or "").lower()).strip()


def compact(text: str) -> str:
    """`Commune siège` → `communesiege`: header matching ignoring case, accents, spaces, underscores."""
    return fold(text).replace(" ", "")
