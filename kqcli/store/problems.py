"""A problem found in a file is a value with a location, rendered one way everywhere."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "column": self.column,
                "field": self.field, "message": self.message}

    @classmethod
    def from_dict(cls, d: dict) -> Problem:
        return cls(d["path"], d["line"], d["column"], d["field"], d["message"])


def format_path(path: tuple) -> str:
    """``('contacts', 0, 'phone')`` -> ``contacts[0].phone``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
