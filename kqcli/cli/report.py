"""A report is a value: rows, every field in a stable order, labels, sections; no printing.

Commands build one; ``render.py`` alone turns it into a table, JSON, CSV/TSV or a sheet. The
machine formats carry ``fields`` whether or not any row matched: JSON objects have the same
top-level keys (null where empty); CSV has one column per field, a dotted field
(``items.feedback``) reading inside a nested mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

RowStyle = Callable[[dict[str, Any]], str | None]


@dataclass(frozen=True)
class Column:
    """A column of a table for people.

    ``token`` values are never broken across lines (ids, dates, phone numbers, short labels,
    numbers: right-justified columns are tokens too); ``drop`` > 0 columns are hidden, highest
    first, when the table would not otherwise fit the terminal.

    ``kind`` says what the values are, for a sheet, where the field's name alone does not
    (``kqcli.cli.render.KINDS`` has the kinds by field name, and what each becomes).
    """

    key: str
    header: str
    show: Callable[[Any], str] | None = None
    justify: str = "left"
    style: str | None = None
    max_width: int | None = None
    en: str | None = None
    token: bool = False
    drop: int = 0
    min_width: int | None = None
    kind: Any = None

    def title(self, english: bool) -> str:
        return (self.en or self.key.replace("_", " ")) if english else self.header

    @property
    def unbroken(self) -> bool:
        return self.token or self.justify == "right"


@dataclass
class Section:
    """One part of a sectioned report (kq due's overdue / today / coming up; a card's profile).

    ``layout`` says how a person sees it: ``table`` (a header and rows), ``pairs`` (a key/value
    section: two columns, no header, the first bold; ``frame`` draws a box titled ``title``
    around it) or ``lines`` (each row's first column as one line, already styled).
    """

    title: str | None
    rows: list[dict[str, Any]]
    columns: Sequence[Column] | None = None  # None: the report's columns
    caption: str | None = None
    layout: str = "table"
    frame: bool = False
    indent: int = 0  # cells before a pairs section
    notes: list[str] = field(default_factory=list)  # lines after the section


@dataclass
class Report:
    rows: list[dict[str, Any]]
    fields: Sequence[str]
    columns: Sequence[Column] = ()
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    sections: list[Section] | None = None
    title: str | None = None
    caption: str | None = None
    empty: str | None = None  # printed instead of a table when there are no rows
    notes: list[str] = field(default_factory=list)  # lines after the tables
    row_style: RowStyle | None = None
    compact: bool = False  # one space between columns (a scorecard's ten narrow items)
    sheet: tuple[str, str] | None = None  # an xlsx sheet's name (中文, English); else the title's
    more_sheets: list[Report] = field(default_factory=list)  # the workbook's next sheets (xlsx)
    scripts_only: Sequence[str] = ("message_key", "message_params")
    """Fields that JSON and ``--keys`` carry, and a sheet or a csv for people does not (the
    message's key and params: people read the message in their language)."""

    def people_fields(self) -> list[str]:
        """The fields of a sheet or a csv for people."""
        return [f for f in self.fields if f not in self.scripts_only]

    def keys(self) -> list[str]:
        """The top-level keys of every JSON object, in order."""
        return list(dict.fromkeys(f.split(".", 1)[0] for f in self.fields))

    def objects(self) -> list[dict[str, Any]]:
        keys = self.keys()
        return [{k: row.get(k) for k in keys} for row in self.rows]


def lookup(row: dict[str, Any], key: str) -> Any:
    """``items.feedback`` -> ``row["items"]["feedback"]``; None where any step is missing."""
    if key in row:
        return row[key]
    value: Any = row
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def nested(prefix: str, keys: Sequence[str]) -> list[str]:
    """Flattened column names of a nested mapping: ``nested("items", ["a"]) == ["items.a"]``."""
    return [f"{prefix}.{k}" for k in keys]
