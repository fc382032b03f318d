"""Territory keys: `com:33063`, `epci:243300316`, `dep:33`… from the references people and files write."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=100_000)
def territory_key(reference: str) -> str:
    """`33063` → `com:33063`, `243300316` → `epci:243300316`, prefixed references kept (lower-cased prefix)."""
    text = reference.strip()
    if re.fullmatch(r"[0-9][0-9AaBb][0-9]{3}", text):
        return f"com:{text.upper()}"
    if re.fullmatch(r"\d{9}", text):
        return f"epci:{text}"
    if ":" in text:
        prefix, code = text.split(":", 1)
        prefix = prefix.strip().lower()
        if prefix == "sub":
            return f"sub:{code.strip()}"
        return f"{prefix}:{code.strip().upper() if prefix in ('com', 'dep') else code.strip()}"
    return text
