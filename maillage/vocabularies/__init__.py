"""Controlled vocabularies (typologies, action types, publics…): defaults, French labels, editing."""

from maillage.core.exports import lazy_exports

_EXPORTS = {
    "VOCABULARY_KINDS": "store",
    "Vocabularies": "store",
    "add_entry": "store",
    "list_entries": "store",
    "seed_vocabularies": "store",
    "update_entry": "store",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
