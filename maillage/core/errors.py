"""Errors the domain raises, each carrying a French message fit to show a user."""


class MaillageError(Exception):
    """Base class: `str(error)` is a French sentence for the user."""


class ValidationError(MaillageError):
    """Input refused; `problems` lists every reason (field, French message)."""

    def __init__(self, problems: list[tuple[str, str]] | str):
        if isinstance(problems, str):
            problems = [("", problems)]
        self.problems = problems
        super().__init__(" ; ".join(message for _field, message in problems))


class NotFoundError(MaillageError):
    """A named record (council, partner, action…) does not exist."""


class PermissionDenied(MaillageError):
    """The user's role does not allow this."""


class ConflictError(MaillageError):
    """The record changed since the form was opened."""
