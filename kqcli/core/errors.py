"""What the core refuses, in the domain's terms: a message and the field it is about.

The core knows customers and fields, not the command line; a command translates a field into
the option the user typed (``next_date`` -> ``--next-date``) when it reports the error.
"""

from __future__ import annotations

from collections.abc import Callable

USAGE = 2


def _as_is(field: str) -> str:
    return field


class DomainError(Exception):
    """A value the domain refuses; ``code`` is the exit code the contract gives it."""

    code = USAGE

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field = message, field

    def describe(self, name: Callable[[str], str] = _as_is) -> str:
        """One line, naming the field the way the caller's user knows it."""
        return f"{name(self.field)}: {self.message}" if self.field else self.message

    def __str__(self) -> str:
        return self.describe()


class InvalidValue(DomainError):
    """A value that does not parse or lies outside what kq computes with (a date, an enum)."""


class UnknownName(DomainError):
    """A name the customer does not have (a contact that is not in ``contacts:``)."""


class GoTogether(DomainError):
    """Fields that are given both or neither (a next step's date and action)."""

    def __init__(self, *fields: str) -> None:
        super().__init__("go together", fields[0])
        self.fields = fields

    def describe(self, name: Callable[[str], str] = _as_is) -> str:
        return f"{' and '.join(name(f) for f in self.fields)} {self.message}"
