"""A problem found in a file is a value with a location, rendered one way everywhere."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        return self.located()

    def located(self, say: Callable[[str], str] = str) -> str:
        """``path:line:col: field: message``, the message said by ``say`` (the command line's
        translation of an :class:`~kqcli.store.errors.Text`)."""
        where = f"{self.path}:{self.line}:{self.column}"
        message = say(self.message)
        return f"{where}: {self.field}: {message}" if self.field else f"{where}: {message}"

    def to_dict(self) -> dict[str, object]:
        found: dict[str, object] = {"path": self.path, "line": self.line, "column": self.column,
                                    "field": self.field, "message": self.message}
        msgid = getattr(self.message, "msgid", None)
        if msgid is not None:  # kept, so that a problem read back from the index is translated
            found["msgid"] = msgid
            found["values"] = _values(self.message)
        return found

    @classmethod
    def from_dict(cls, d: dict) -> Problem:
        message = d["message"]
        if "msgid" in d:
            message = _text(d["msgid"], d.get("values") or {})
        return cls(d["path"], d["line"], d["column"], d["field"], message)


def _values(text: object) -> dict[str, object]:
    """A Text's values as JSON: a value that is a Text itself as ``{msgid, values}``."""
    return {k: {"msgid": v.msgid, "values": _values(v)} if hasattr(v, "msgid") else str(v)
            for k, v in text.values.items()}  # type: ignore[attr-defined]


def _text(msgid: str, values: dict[str, object]) -> str:
    from .errors import Text

    return Text(msgid, {k: _text(v["msgid"], v.get("values") or {}) if isinstance(v, dict) else v
                        for k, v in values.items()})


def listed(problems: list[Problem]) -> str:
    """Problems one a line, each said in the user's language where it is shown (a
    :class:`~kqcli.store.errors.Text` of texts)."""
    from .errors import Text

    return Text("\n".join(f"{{p{n}}}" for n in range(len(problems))),
                {f"p{n}": Text("{where}{message}", {
                    "where": str(p).removesuffix(str(p.message)), "message": p.message})
                 for n, p in enumerate(problems)})


def format_path(path: tuple) -> str:
    """``('contacts', 0, 'phone')`` -> ``contacts[0].phone``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
