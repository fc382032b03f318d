"""Checks on single values (SIRET, e-mail, URL, personal data in free text), shared by forms and imports."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_URL = re.compile(r"^https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?(/[^\s]*)?$")
# After an `@`: a domain (bounded window, see _contains_email). Searching a whole text with the local part in
# front made the check quadratic on long notes (issue 20): 100,000 characters took 8 s.
_DOMAIN_AFTER_AT = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_LOCAL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")
MAX_EMAIL = 254
MAX_URL = 2000
MAX_FREE_TEXT = 20_000
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


def _contains_email(text: str) -> bool:
    """Whether an e-mail address appears in `text`, in linear time: each `@` is looked at once, with a local
    part character before it and a domain in a bounded window after it."""
    at = text.find("@")
    while at != -1:
        if at > 0 and text[at - 1] in _LOCAL_CHARS and _DOMAIN_AFTER_AT.match(text, at + 1, at + 1 + MAX_EMAIL):
            return True
        at = text.find("@", at + 1)
    return False


def length_problem(value: str, limit: int) -> str | None:
    """Why `value` is too long for its field (a French message), or None."""
    if len(value or "") > limit:
        return f"est trop long : {len(value):,} caractères pour {limit:,} au plus".replace(",", "\u202f")
    return None


def email_problem(value: str) -> str | None:
    """Why `value` is not an e-mail address, or None."""
    if len(value) > MAX_EMAIL or not _EMAIL.fullmatch(value):
        return "n'est pas une adresse e-mail valide"
    return None


def url_problem(value: str) -> str | None:
    """Why `value` is not a web address starting with http:// or https://, or None."""
    if len(value) > MAX_URL or not _URL.fullmatch(value):
        return "n'est pas une adresse web valide (elle doit commencer par https://)"
    return None


def personal_data_problem(text: str) -> str | None:
    """Why a title or note is refused: too long (MAX_FREE_TEXT), or it looks like it holds someone's contact
    details; None when it is fine. Linear in the length of the text."""
    if too_long := length_problem(text, MAX_FREE_TEXT):
        return too_long
    if _contains_email(text or ""):
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
