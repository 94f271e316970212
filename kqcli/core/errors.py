"""What the core refuses, in the domain's terms: a message and the field it is about.

The core knows customers and fields, not the command line; a command translates a field into
the option the user typed (``next_date`` -> ``--next-date``) when it reports the error. The
message is a :class:`~kqcli.core.messages.Message` (or a plain text that is no language, such
as a value's own error), said in the user's language by the command line.
"""

from __future__ import annotations

from collections.abc import Callable

from .messages import Message

USAGE = 2


def _as_is(field: str) -> str:
    return field


class DomainError(Exception):
    """A value the domain refuses; ``code`` is the exit code the contract gives it."""

    code = USAGE

    def __init__(self, message: str | Message, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field = message, field

    def said(self, lang: str = "en") -> str:
        """The message alone, in ``lang``."""
        return self.message.text(lang) if isinstance(self.message, Message) else str(self.message)

    def describe(self, name: Callable[[str], str] = _as_is, lang: str = "en") -> str:
        """One line in ``lang``, naming the field the way the caller's user knows it."""
        text = self.said(lang)
        return f"{name(self.field)}: {text}" if self.field else text

    def __str__(self) -> str:
        return self.describe()


def value_message(error: ValueError) -> str | Message:
    """A value's error as the core says it: an enum's (the schema's ``EnumValueError``) as a
    message in the user's language, any other as its text."""
    values = getattr(error, "values", None)
    if values is None:
        return str(error)
    aliases = getattr(error, "aliases", "")
    params = {"value": getattr(error, "value", None), "values": values, "aliases": aliases}
    return Message("not_one_of_or" if aliases else "not_one_of", params)


class InvalidValue(DomainError):
    """A value that does not parse or lies outside what kq computes with (a date, an enum)."""


class UnknownName(DomainError):
    """A name the customer does not have (a contact that is not in ``contacts:``)."""


class GoTogether(DomainError):
    """Fields that are given both or neither (a next step's date and action)."""

    def __init__(self, *fields: str) -> None:
        super().__init__(Message("go_together"), fields[0])
        self.fields = fields

    def describe(self, name: Callable[[str], str] = _as_is, lang: str = "en") -> str:
        names = [name(f) for f in self.fields]
        return Message("go_together", {"first": ", ".join(names[:-1]),
                                       "last": names[-1]}).text(lang)
