"""Checks on single values (SIRET, e-mail, URL, personal data in free text), shared by forms and imports."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_URL = re.compile(r"^https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?(/[^\s]*)?$")
_EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+33\s?|0033\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")


def siret_problem(value: str) -> str | None:
    """Why `value` is not a valid SIRET (14 digits passing the Luhn check), or None."""
    digits = value.replace(" ", "")
    if not re.fullmatch(r"\d{14}", digits):
        return "n'est pas un SIRET (14 chiffres)"
    total = 0
    for position, char in enumerate(reversed(digits)):
        number = int(char)
        if position % 2 == 1:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    # La Poste's establishments are the documented exception to the Luhn rule.
    if total % 10 != 0 and not (digits.startswith("356000000") and sum(map(int, digits)) % 5 == 0):
        return "n'est pas un SIRET valide (clé de contrôle incorrecte)"
    return None


def email_problem(value: str) -> str | None:
    """Why `value` is not an e-mail address, or None."""
    if not _EMAIL.fullmatch(value):
        return "n'est pas une adresse e-mail valide"
    return None


def url_problem(value: str) -> str | None:
    """Why `value` is not a web address starting with http:// or https://, or None."""
    if not _URL.fullmatch(value):
        return "n'est pas une adresse web valide (elle doit commencer par https://)"
    return None


def personal_data_problem(text: str) -> str | None:
    """Why a title or note looks like it holds someone's contact details, or None."""
    if _EMAIL_IN_TEXT.search(text or ""):
        return (
            "contient une adresse e-mail : ne notez aucune coordonnée personnelle "
            "(seules les institutions et les chiffres sont enregistrés)"
        )
    if _PHONE_IN_TEXT.search(text or ""):
        return (
            "contient un numéro de téléphone : ne notez aucune coordonnée personnelle "
            "(seules les institutions et les chiffres sont enregistrés)"
        )
    return None
