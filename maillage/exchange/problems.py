"""A refused (or flagged) cell or row of an exchange file, located by file, line and column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One refused cell or row: `ligne 7, colonne siret : « 1234 » n'est pas un SIRET (14 chiffres)`."""

    source: str
    line: int
    column: str
    value: str
    reason: str
    # A refusal for lack of rights (the command line then exits with code 3).
    permission: bool = False

    @property
    def where(self) -> str:
        """`ligne 7, colonne siret` (the line alone when no column is concerned)."""
        where = f"ligne {self.line}" if self.line else ""
        if self.column:
            where = f"{where}, colonne {self.column}" if where else f"colonne {self.column}"
        return where

    @property
    def message(self) -> str:
        """The problem without its file name: `ligne 7, colonne siret : « 1234 » n'est pas un SIRET (14 chiffres)`."""
        value = _shorten(self.value)
        text = f"« {value} » {self.reason}" if self.value else self.reason
        return f"{self.where} : {text}" if self.where else text

    def __str__(self) -> str:
        """The problem with its file name first."""
        return f"{self.source}, {self.message}" if self.source else self.message


def _shorten(value: str, limit: int = 80) -> str:
    """Long cells are cut in messages (the full value stays in the file)."""
    value = value.replace("\n", " ").replace("\r", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"
