"""Output in one place: Rich tables for people; json, csv and tsv for programs; xlsx sheets
with Chinese headers for a manager (openpyxl writes them; imported only for --format xlsx)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    xlsx = "xlsx"


# Chinese headers of a sheet for keys a command's columns do not name (``items.feedback``
# looks up ``items.feedback``, then ``feedback``).
HEADERS = {
    "id": "编号", "customer": "客户编号", "name": "客户", "kind": "类型", "status": "状态",
    "grade": "等级", "tier": "分层", "relationship": "关系类型", "stage": "客情阶段",
    "owner": "业代", "region": "区域", "address": "地址", "tags": "标签", "since": "合作日期",
    "anniversary": "店庆", "route": "固定拜访", "cadence": "拜访周期", "last_visit": "上次拜访",
    "last_contact": "上次联系", "contact_count": "联系人数", "interaction_count": "互动次数",
    "month": "月份", "items": "项目", "total": "总分", "max": "满分", "missing": "缺项",
    "sources": "来源", "previous": "上月", "change": "变化", "customers": "客户数",
    "field": "字段", "current": "现在", "suggested": "建议", "reason": "原因",
    "collections": "回款", "shipments": "出货", "inventory": "库存", "sell_out": "出销",
    "movement": "动销", "expenses": "客情费", "count": "笔数", "advances": "借支",
    "share": "占比", "recipients": "对象", "violations": "违规", "spot_check": "抽查",
    "relationship_cards": "店员关系卡", "mutual_recognition": "双向认识",
    "mutual_familiarity": "双向熟悉", "visit_frequency": "拜访频率", "favour": "帮忙",
    "first_recommendation": "首荐", "pop_display": "POP陈列", "product_knowledge": "产品知识",
    "feedback": "信息反馈", "regular_communication": "定期沟通",
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    show: Callable[[Any], str] | None = None
    justify: str = "left"
    style: str | None = None
    max_width: int | None = None


def console(stderr: bool = False) -> Any:
    """A Rich console; in a pipe it neither colours nor wraps lines."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    width = None if tty else int(os.environ.get("COLUMNS", 0) or 0) or 1000
    return Console(file=stream, width=width, soft_wrap=not tty, highlight=False,
                   no_color=not tty or "NO_COLOR" in os.environ)


def warn(message: str) -> None:
    sys.stderr.write(f"{message}\n")


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    return str(value)


def emit(rows: Sequence[dict[str, Any]], fmt: Format, columns: Sequence[Column],
         title: str | None = None, caption: str | None = None,
         row_style: Callable[[dict[str, Any]], str | None] | None = None,
         fields: Sequence[str] = (), output: Path | None = None, bom: bool = False) -> None:
    """Print ``rows``: the table shows ``columns``; json/csv/tsv/xlsx carry every key of each
    row (``fields`` names them when there are no rows).

    ``output`` writes to that file instead of stdout (xlsx needs one); ``bom`` starts csv/tsv
    with a UTF-8 byte-order mark, so Excel reads the Chinese right.
    """
    from .errors import KqError

    if bom and fmt not in (Format.csv, Format.tsv):
        raise KqError("--bom is for --format csv (or tsv)")
    if fmt is Format.xlsx:
        if output is None:
            raise KqError("--format xlsx writes a file; add --output FILE.xlsx")
        write_xlsx(output, rows, columns, fields, title)
        return
    if fmt is Format.table:
        if output is not None:
            raise KqError("--output needs --format xlsx, csv, tsv or json")
        table(rows, columns, title=title, caption=caption, row_style=row_style)
        return
    text = _text(rows, fmt, columns, fields)
    if output is None:
        sys.stdout.write(("\ufeff" if bom else "") + text)
        return
    try:
        output.write_text(text, encoding="utf-8-sig" if bom else "utf-8", newline="")
    except OSError as e:
        raise KqError(f"{output}: cannot write: {e.strerror}", code=1) from None


def _keys(rows: Sequence[dict[str, Any]], columns: Sequence[Column],
          fields: Sequence[str]) -> list[str]:
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    if not keys:  # the same header whether or not anything matched
        keys = dict.fromkeys(fields or [c.key for c in columns])
    return list(keys)


def _text(rows: Sequence[dict[str, Any]], fmt: Format, columns: Sequence[Column],
          fields: Sequence[str]) -> str:
    if fmt is Format.json:
        # Indented for a person at a terminal; compact (and C-encoded, ~10x faster) in a pipe.
        indent = 2 if sys.stdout.isatty() else None
        return json.dumps(list(rows), ensure_ascii=False, indent=indent,
                          default=_json_default) + "\n"
    keys = _keys(rows, columns, fields)
    out = io.StringIO()
    if fmt is Format.csv:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(keys)
        writer.writerows([cell(row.get(k)) for k in keys] for row in rows)
    else:
        clean = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
        out.write("\t".join(keys) + "\n")
        for row in rows:
            out.write("\t".join(cell(row.get(k)).translate(clean) for k in keys) + "\n")
    return out.getvalue()


def write_xlsx(path: Path, rows: Sequence[dict[str, Any]], columns: Sequence[Column],
               fields: Sequence[str] = (), title: str | None = None) -> None:
    """One sheet a manager can open: Chinese headers, numbers as numbers, the header frozen.

    Every key is a column, as in csv; a mapping without a display function (``items``) is
    spread over one column per key (``items.feedback``), since a cell of JSON helps no one.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .errors import KqError

    by_key = {c.key: c for c in columns}
    keys: list[str] = []
    for key in _keys(rows, columns, fields):
        inner = dict.fromkeys(k for row in rows if isinstance(row.get(key), dict)
                              and not (key in by_key and by_key[key].show) for k in row[key])
        keys += [f"{key}.{k}" for k in inner] if inner else [key]
    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title or "kq")[:31].strip() or "kq"
    sheet.append([_header(k, by_key) for k in keys])
    for c in sheet[1]:
        c.font = Font(bold=True)
    for row in rows:
        sheet.append([_xlsx_value(row, k, by_key) for k in keys])
    sheet.freeze_panes = "A2"
    for column in sheet.iter_cols(max_row=min(len(rows), 200) + 1):  # a sample is enough
        widest = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, 4 + widest * 2)
    try:
        book.save(path)
    except OSError as e:
        raise KqError(f"{path}: cannot write: {e.strerror}", code=1) from None


def _header(key: str, by_key: dict[str, Column]) -> str:
    if key in by_key:
        return by_key[key].header
    if key in HEADERS:
        return HEADERS[key]
    parent, _, inner = key.partition(".")
    if inner:
        return f"{_header(parent, by_key)}.{HEADERS.get(inner, inner)}"
    return key


def _xlsx_value(row: dict[str, Any], key: str, by_key: dict[str, Column]) -> Any:
    if key not in row and "." in key:
        parent, _, inner = key.partition(".")
        value = (row.get(parent) or {}).get(inner)
    else:
        value = row.get(key)
    column = by_key.get(key)
    if column is not None and column.show is not None:
        return column.show(value)
    if value is None or isinstance(value, bool):
        return cell(value) or None
    if isinstance(value, int | float):
        return value
    return cell(value)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None = None,
          caption: str | None = None,
          row_style: Callable[[dict[str, Any]], str | None] | None = None) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    t = Table(title=title, caption=caption, box=box.SIMPLE_HEAD, header_style="bold",
              title_justify="left", caption_justify="left", pad_edge=False)
    tty = sys.stdout.isatty()
    for c in columns:
        t.add_column(c.header, justify=c.justify, style=c.style,
                     max_width=c.max_width if tty else None, overflow="fold")
    for row in rows:
        t.add_row(*(Text((c.show or cell)(row.get(c.key))) for c in columns),
                  style=row_style(row) if row_style else None)
    console().print(t)
