"""The partners register and a council's partnership: who belongs, who may change a card, the form's
checks, duplicates and merge, expected typologies."""

from maillage.core.exports import lazy_exports

_EXPORTS = {
    "may_open_partner": "access",
    "partner_choices": "choices",
    "narrowed_choices": "choices",
    "PICKER_LIMIT": "choices",
    "commune_choices": "choices",
    "territory_choices": "choices",
    "councils_context": "partnership",
    "partner_labels": "choices",
    "search_partners": "choices",
    "find_duplicates": "duplicates",
    "merge_partners": "duplicates",
    "name_key": "duplicates",
    "DEFAULT_EXPECTATIONS": "expectations",
    "Expectation": "expectations",
    "expectations_for": "expectations",
    "missing_expectations": "expectations",
    "set_expectations": "expectations",
    "PartnerInput": "input",
    "resolve_commune": "input",
    "resolve_territories": "input",
    "council_footprint": "partnership",
    "partnership_ids": "partnership",
    "ARCHIVED": "register",
    "FRESHNESS": "register",
    "PartnerFilters": "register",
    "SORTS": "register",
    "archive_partner": "register",
    "commune_options": "register",
    "create_partner": "register",
    "filter_rows": "register",
    "list_partners": "register",
    "partner_detail": "register",
    "register_rows": "register",
    "restore_partner": "register",
    "territory_area": "register",
    "update_partner": "register",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
