"""kq's tables as plain text, for output without colours (a pipe, a file): the very bytes
Rich prints for them, without Rich's per-cell layout work, which costs about 0.3 ms a row
(9 s for the 27,000 rows of ``kq due --all`` at 10,000 customers).

It covers the one table :mod:`kqcli.cli.render` draws (``box.SIMPLE_HEAD``, no edge padding,
collapsed padding, a fixed width for every column, top-aligned cells, a title and a caption
justified left) and answers None for anything else it would have to imitate (markup or emoji
codes in a header, title or caption; tabs or control characters; a line wider than its
column in a column that folds; a table wider than the console): the caller lets Rich draw
that one. ``tests/test_tabletext.py`` compares it with Rich on the tables of every command
and on random ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

_MARKUP_OR_EMOJI = re.compile(r"\[|:\S*?:")
_PLAIN_OR_WIDE = re.compile("[\x20-\x7e\u3000-\u3029\u3030-\u303e\u3041-\u3096\u30a1-\u30fa"
                            "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uff01-\uff60\uffe0-\uffe6]*")
"""Printable ASCII (one cell each) and the CJK characters that take two cells in Rich's table
(ideographs, kana, hangul, fullwidth forms and CJK punctuation but its combining tone marks),
each three bytes in UTF-8."""


def width(text: str) -> int:
    """Rich's ``cell_len(text)``: most of kq's text (ASCII, Chinese) counted without looking
    each character up (Rich caches only the last 4,096 strings it measured)."""
    found = _MEASURED.get(text)
    if found is None:
        if text.isascii() and text.isprintable():
            found = len(text)
        elif _PLAIN_OR_WIDE.fullmatch(text):
            found = len(text) + (len(text.encode()) - len(text)) // 2
        else:
            found = cell_len(text)
        _MEASURED[text] = found
    return found


_MEASURED: dict[str, int] = {}

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u206f]")


@dataclass(frozen=True)
class Col:
    header: str
    width: int
    justify: str = "left"  # left, right or center
    unbroken: bool = False  # no_wrap, overflow "ellipsis"; else overflow "fold"


def text(cols: Sequence[Col], rows: Sequence[Sequence[str]], title: str | None,
         caption: str | None, padding: int, max_width: int, soft_wrap: bool = True,
         ) -> str | None:
    """The table as Rich prints it to a console ``max_width`` wide with soft wrapping (a pipe)
    or without (a terminal, where Rich pads a title and a caption to the table's width); None
    where this module would have to guess (see the module's note)."""
    n = len(cols)
    if n == 0:
        return None
    gaps = [padding if i < n - 1 else 0 for i in range(n)]
    table_width = sum(c.width + g for c, g in zip(cols, gaps, strict=True)) + 2 + (n - 1)
    if table_width > max_width or any(c.width < 1 or c.justify not in _JUSTIFY for c in cols):
        return None
    for label in (title, caption, *(c.header for c in cols)):
        if label and (_MARKUP_OR_EMOJI.search(label) or _CONTROL.search(label)):
            return None
    out: list[str] = []
    head = _annotation(title, table_width, soft_wrap) if title else []
    tail = _annotation(caption, table_width, soft_wrap) if caption else []
    if head is None or tail is None:
        return None
    out.extend(head)
    blank = " " * table_width
    out.append(blank)
    header = _row([c.header for c in cols], cols, gaps, header=True)
    if header is None:
        return None
    out.extend(header)
    out.append(" " + "─" * (table_width - 2) + " ")
    for values in rows:
        lines = _row(values, cols, gaps)
        if lines is None:
            return None
        out.extend(lines)
    out.append(blank)
    out.extend(tail)
    out.append("")
    return "\n".join(out)


def _annotation(label: str, width: int, soft_wrap: bool) -> list[str] | None:
    """A title or caption, as it is: with soft wrapping the console neither wraps nor pads it
    (its overflow is "ignore"), but would crop trailing spaces past the table's width; without,
    each line is padded to the table's width (a longer one Rich would wrap: None)."""
    lines = label.split("\n")
    if soft_wrap:
        if any(line[-1:].isspace() and _width(line) > width for line in lines):
            return None
        return lines
    if any(_width(line) > width for line in lines):
        return None
    return [line + " " * (width - _width(line)) for line in lines]


def _row(values: Sequence[str], cols: Sequence[Col], gaps: list[int],
         header: bool = False) -> list[str] | None:
    cells: list[list[str]] = []
    for value, col, gap in zip(values, cols, gaps, strict=True):
        if _CONTROL.search(value):
            return None
        lines = []
        for line in value.split("\n"):
            fitted = _fit(line, col)
            if fitted is None:
                return None
            lines.append(fitted + " " * gap)
        cells.append(lines)
    height = max(len(c) for c in cells)
    if height > 1:
        for cell, col, gap in zip(cells, cols, gaps, strict=True):
            if len(cell) < height:
                filler = " " * (col.width + gap)
                if header:  # a header is aligned to the bottom of its row
                    cell[:0] = [filler] * (height - len(cell))
                else:
                    cell.extend([filler] * (height - len(cell)))
    return [" " + " ".join(cell[k] for cell in cells) + " " for k in range(height)]


_width = width


def _fit(line: str, col: Col) -> str | None:
    """One line of a cell (or header), ``col.width`` cells wide, in the steps of Rich's
    ``Text.wrap``: in a column that wraps, trailing spaces past the width dropped; the line
    justified; in a column that does not, cut short with "…"."""
    width = col.width
    if not col.unbroken and len(line) > width and line[-1:].isspace():  # Text.rstrip_end
        trailing = len(line) - len(line.rstrip())
        line = line[:len(line) - min(trailing, len(line) - width)]
    if col.justify != "left":
        line = line.rstrip()
    size = _width(line)
    if size > width:
        if not col.unbroken:
            return None  # Rich would fold it
        line = set_cell_size(line, width - 1) + "…"
        size = _width(line)
    if col.justify == "left":
        return line + " " * (width - size)
    if col.justify == "right":
        return " " * (width - size) + line
    left = (width - size) // 2
    return " " * left + line + " " * (width - size - left)


_JUSTIFY = ("left", "right", "center")
