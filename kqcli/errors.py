"""Errors a user can cause, with the exit code the contract gives them."""

from __future__ import annotations

USAGE = 2
PROBLEMS = 1


class KqError(Exception):
    """A one-line message for the user; never shown as a traceback."""

    def __init__(self, message: str, code: int = USAGE) -> None:
        super().__init__(message)
        self.message, self.code = message, code
