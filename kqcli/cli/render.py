"""Output in one place: a :class:`~kqcli.cli.report.Report` becomes a Rich table for people; json,
csv and tsv for programs; an xlsx workbook for a manager, with Chinese headers and labels and
typed cells (:func:`kinds`; openpyxl writes it, imported only for --format xlsx).

Tables fit the terminal: ids, dates, phone numbers, numbers and short labels are never broken
(``Column.token``); text wraps at spaces, and Chinese between characters; when even that does
not fit, the columns a report marks ``drop`` are hidden and the caption says which."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..core.messages import Message
from .report import Column, Report, Section, lookup

__all__ = ["Column", "Format", "Report", "Section", "cell", "console", "emit", "emit_report",
           "print_report", "table", "warn", "write_xlsx"]


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
    "travel_minutes": "路上(分)", "optional": "顺路", "desk": "电话问候", "unplanned": "未排入",
    "km": "公里",
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
    "reason_key": "原因代码", "violation_keys": "违规代码", "unchecked": "未核对",
    "unassessed": "未评", "synergy": "Synergy", "factors": "因素", "supplier": "我方要求",
    "distributor": "经销商要求", "information": "信息工作", "changes_reported": "经营变化",
    "figures_reported": "数据上报", "on_time": "按时", "deadline": "截止",
    "commit": "提交", "date": "日期", "author": "作者", "old": "原值", "new": "新值",
    "subject": "说明", "stop": "类别", "time": "时间", "due": "日期", "overdue_days": "逾期天数",
    "urgency": "急", "message": "说明", "row": "行", "action": "动作", "fields": "字段",
    "problems": "问题", "weekday": "星期", "estimated": "估算", "unchecked_keys": "未核对代码",
    "phone": "电话", "notes": "备注", "contacts": "联系人", "reported": "上报日期",
    # a month's statement (kq statement list)
    "rep": "业代", "submitted": "提交", "special": "特殊费用表", "clerk": "销售内勤",
    "clerk_date": "销售内勤签字日期", "manager": "销售经理", "manager_date": "销售经理签字日期",
    "finance": "财务", "finance_date": "财务签字日期", "unsigned": "未签", "check_by": "审核截止",
    "pay_from": "支付", "state": "状态",
    # a customer's card (kq show --format xlsx)
    "seasons": "订货月份", "categories": "品类", "main_line": "主线", "annual_revenue": "营业额",
    "consumers": "消费者", "strength": "经济实力", "management": "经营水平", "brands": "品牌",
    "carrier": "承运", "contact": "联系人", "price": "价格", "turnaround_days": "到货天数",
    "reliability": "可靠性", "role": "职务", "gender": "性别", "wechat": "微信",
    "birthday": "生日", "lunar_birthday": "农历生日", "style": "决策风格",
    "familiarity": "熟悉度", "function": "职能", "level": "层级", "hobbies": "爱好",
    "personality": "性格", "family": "家庭", "events": "家庭大事", "brand": "品牌",
    "competitor": "竞品", "for": "问候", "goal": "目标", "outcome": "结果", "done": "完成",
    "next": "下一步", "next.date": "下一步.日期", "next.action": "下一步.事项",
    "next.done_on": "下一步.完成日期", "next.note": "下一步.备注", "note": "备注",
    "stockout": "断货", "waived": "免报", "amount": "金额", "purpose": "用途",
    "recipient": "对象", "applied": "申请日期", "advance": "借支", "claim": "信息",
    "dismissed": "否定日期", "on": "确认日期", "until": "有效至", "seen": "已确认",
    "from": "原业代", "to": "新业代", "at": "时间", "minutes": "分钟", "business": "经营",
    "network": "网络", "logistics": "物流", "changes": "经营变化",
    "levels": "层级覆盖", "functions": "职能覆盖", "figures_on_time": "按时上报",
    "card": "考核表", "assessed_by": "评分人", "assessed_on": "评分日期",
    "assessment_note": "评分备注", "visit_minutes": "拜访分钟",
}


def kinds() -> dict[str, Any]:
    """What a field's values are, for a sheet (a column's ``kind`` wins; a dotted field looks
    up its whole name, then its last part, then its first): ``date`` a day (yyyy-mm-dd),
    ``time`` a time of day, ``money`` a figure with thousands separators, ``share`` a
    percentage, ``bool`` 是/否, ``field`` a customer field, ``keys`` keys named by their
    headers; an enum or a {value: 中文} table gives the values' labels. A core message is
    always worded in the sheet's language; any other number stays a number, the rest is text."""
    from ..schema import enums
    from ..schema.reasons import LABELS as REASONS

    return {
        **dict.fromkeys(("date", "due", "since", "anniversary", "last_visit", "last_contact",
                         "last_in_person", "reported", "deadline", "birthday", "done_on",
                         "applied", "dismissed", "waived", "on", "until"), "date"),
        **dict.fromkeys(("time", "at"), "time"),
        **dict.fromkeys(("collections", "shipments", "inventory", "sell_out", "movement",
                         "expenses", "advances", "annual_revenue", "amount", "price"), "money"),
        **dict.fromkeys(("share", "visited_share"), "share"),
        **dict.fromkeys(("estimated", "on_time", "changes_reported", "figures_reported",
                         "closed", "competitor", "advance", "stockout"), "bool"),
        **dict.fromkeys(("missing", "unassessed"), "keys"),
        "lunar_birthday": "lunar",
        "message": _said,
        "kind": enums.Kind, "status": enums.Status, "grade": enums.Grade, "tier": enums.Tier,
        "relationship": enums.Relationship, "stage": enums.Stage,
        "route.weekday": enums.Weekday, "reason": REASONS, "stop": REASONS, "for": REASONS,
        "gender": enums.Gender, "style": enums.Style, "function": enums.Function,
        "level": enums.Level, "done": enums.Done,
        "sources": {"derived": "推算", "assessment": "主管评分", "unassessed": "未评",
                    "missing": "无数据", "shelf": "货架检查"},
    }


def _said(value: Any, row: dict[str, Any]) -> Any:
    """A message column in the sheet's language: a reminder's row words it from its
    ``message_key`` (:func:`~kqcli.cli.labels.said_text`)."""
    from .labels import said_text

    return said_text(row) if isinstance(value, str) else value


def console(stderr: bool = False) -> Any:
    """A Rich console; in a pipe it neither colours nor wraps lines."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    width = None if tty else int(os.environ.get("COLUMNS", 0) or 0) or 1000
    return Console(file=stream, width=width, soft_wrap=not tty, highlight=False,
                   no_color=not tty or "NO_COLOR" in os.environ)


def warn(message: str) -> None:
    """A line on stderr; a store's message (:class:`kqcli.store.errors.Text`) in the user's
    language."""
    if hasattr(message, "msgid"):
        from .i18n import translated

        message = translated(message, sys.stderr)
    sys.stderr.write(f"{message}\n")


def _json_default(value: Any) -> Any:
    """Dates as ISO text; a core message as its English text (what scripts always read)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Message):
        return value.text()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Message):
        return value.text()
    if isinstance(value, list):
        return ",".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    return str(value)



def emit(rows: Sequence[dict[str, Any]], fmt: Format, columns: Sequence[Column],
         title: str | None = None, caption: str | None = None,
         row_style: Callable[[dict[str, Any]], str | None] | None = None,
         fields: Sequence[str] = (), output: Path | None = None, bom: bool = False,
         sheet: tuple[str, str] | None = None) -> None:
    """Rows and columns without a report (``kq alert --list``): the fields are ``fields``, else
    every key of the rows, else the columns'."""
    keys: dict[str, None] = dict.fromkeys(fields)
    if not keys:
        for row in rows:
            keys.update(dict.fromkeys(row))
    if not keys:
        keys = dict.fromkeys(c.key for c in columns)
    emit_report(Report(list(rows), list(keys), columns, title=title, caption=caption,
                       row_style=row_style, sheet=sheet), fmt, output=output, bom=bom)


def emit_report(report: Report, fmt: Format, output: Path | None = None,
                bom: bool = False) -> None:
    """Print ``report`` as ``fmt`` (or write it to ``output``; xlsx needs one).

    ``bom`` starts csv/tsv with a UTF-8 byte-order mark, so Excel reads the Chinese right.
    """
    from ..store.errors import KqError, reason
    from .i18n import _, translated

    if bom and fmt not in (Format.csv, Format.tsv):
        raise KqError(_("--bom is for --format csv (or tsv)"))
    if fmt is Format.xlsx:
        if output is None and stdout_is_a_terminal():
            raise KqError(_("--format xlsx writes a file; add --output FILE.xlsx"))
        _write_book(output, [report, *report.more_sheets])
        return
    if fmt is Format.table:
        if output is not None:
            raise KqError(_("--output needs --format xlsx, csv, tsv or json"))
        print_report(report)
        return
    text = text_of(report, fmt)
    if output is None:
        sys.stdout.write(("\ufeff" if bom else "") + text)
        return
    try:
        output.write_text(text, encoding="utf-8-sig" if bom else "utf-8", newline="")
    except OSError as e:
        raise KqError(_("{path}: cannot write: {reason}").format(
            path=output, reason=translated(reason(e.errno, e.strerror or ""))), code=1) from None


def stdout_is_a_terminal() -> bool:
    """Whether stdout is a terminal (a workbook's bytes are for a file or a pipe)."""
    return sys.stdout.isatty()


def keys_option(value: bool) -> bool:
    """The ``--keys`` option's callback: csv and tsv keep the English keys and values, as JSON
    has them (for scripts); without it they are for people, as a sheet: Chinese headers and
    labels (English ones with --lang en), 是/否. Set for this run."""
    from ..store.context import current

    current().keys = bool(value)
    return value


def text_of(report: Report, fmt: Format) -> str:
    """JSON: one object per row with the report's keys; csv/tsv: a header of every field (a
    nested value under its dotted name), then one line per row; for people (as a sheet's
    headers and labels) unless ``--keys``."""
    if fmt is Format.json:
        # Indented for a person at a terminal; compact (and C-encoded, ~10x faster) in a pipe.
        indent = 2 if sys.stdout.isatty() else None
        return json.dumps(report.objects(), ensure_ascii=False, indent=indent,
                          default=_json_default) + "\n"
    keys = list(report.fields)
    from ..store.context import current

    if current().keys:
        header, rows = keys, [[cell(lookup(row, k)) for k in keys] for row in report.rows]
    else:
        header, rows = _for_people(report)
    out = io.StringIO()
    if fmt is Format.csv:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    else:
        clean = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
        out.write("\t".join(header) + "\n")
        for values in rows:
            out.write("\t".join(v.translate(clean) for v in values) + "\n")
    return out.getvalue()


def _for_people(report: Report) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a csv for people: a sheet's headers and values (see
    :func:`_fill_sheet`) as text: dates as yyyy-mm-dd, whole numbers without a decimal point."""
    found = kinds()
    by_key = {c.key: c for c in report.columns}
    keys = list(report.fields)
    keys = report.people_fields()
    kind_of = [_kind(k, by_key, found) for k in keys]
    header = [_header(k, by_key, report.labels) for k in keys]
    rows = [[_people_text(_sheet_value(lookup(row, k), kind, row, by_key.get(k), report.labels))
             for k, kind in zip(keys, kind_of, strict=True)] for row in report.rows]
    return header, rows


def _people_text(value: Any) -> str:
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)


def write_xlsx(path: Path, rows: Sequence[dict[str, Any]], columns: Sequence[Column],
               fields: Sequence[str] = (), title: str | None = None) -> None:
    """One sheet of ``rows``; a mapping (``items``) is spread over one column per key
    (``items.feedback``), since a cell of JSON helps no one."""
    _write_book(path, [Report(list(rows), spread(rows, columns, fields), columns, title=title)])


def spread(rows: Sequence[dict[str, Any]], columns: Sequence[Column] = (),
           fields: Sequence[str] = ()) -> list[str]:
    """The fields of a sheet of ``rows``: ``fields``, then every key of the rows, a mapping
    spread over one column per key (``next.date``) unless its column shows or kinds it."""
    keys: list[str] = []
    by_key = {c.key: c for c in columns}
    top: dict[str, None] = dict.fromkeys(fields)
    for row in rows:
        top.update(dict.fromkeys(row))
    for key in top:
        whole = key in by_key and (by_key[key].show or by_key[key].kind)
        inner = dict.fromkeys(k for row in rows if isinstance(row.get(key), dict) and not whole
                              for k in row[key])
        keys += [f"{key}.{k}" for k in inner] if inner else [key]
    return keys


def _write_book(path: Path | None, reports: Sequence[Report]) -> None:
    """A workbook a manager can open, a sheet per report (``path``, else stdout when it is not
    a terminal)."""
    from openpyxl import Workbook

    from ..store.errors import KqError, reason
    from .i18n import _, translated

    book = Workbook()
    found = kinds()
    titles: set[str] = set()
    for n, report in enumerate(reports):
        sheet = book.active if n == 0 else book.create_sheet()
        title = _sheet_title(report)
        while title.lower() in titles:  # Excel wants each name once, whatever the case
            title = sheet_name(f"{title[:SHEET_NAME_MOST - 3]} {n + 1}")
        titles.add(title.lower())
        sheet.title = title
        _fill_sheet(sheet, report, found)
    try:
        if path is not None:
            book.save(path)
            return
        data = io.BytesIO()
        book.save(data)
        sys.stdout.flush()
        sys.stdout.buffer.write(data.getvalue())
        sys.stdout.flush()
    except OSError as e:
        raise KqError(_("{path}: cannot write: {reason}").format(
            path=path or "stdout", reason=translated(reason(e.errno, e.strerror or ""))), code=1) from None


def _fill_sheet(sheet: Any, report: Report, found: dict[str, Any]) -> None:
    """One sheet: Chinese headers and labels, dates as dates, money with thousands separators,
    shares as percentages, 是/否 (:func:`kinds`); a filter on the header row, which stays in
    view."""
    from openpyxl.styles import Font

    by_key = {c.key: c for c in report.columns}
    keys = report.people_fields()
    kind_of = [_kind(k, by_key, found) for k in keys]
    sheet.append([_header(k, by_key, report.labels) for k in keys])
    for c in sheet[1]:
        c.font = Font(bold=True)
    for row in report.rows:
        sheet.append([_sheet_value(lookup(row, k), kind, row, by_key.get(k), report.labels)
                      for k, kind in zip(keys, kind_of, strict=True)])
    if report.rows:
        for column, kind in zip(sheet.iter_cols(min_row=2, max_col=len(keys)), kind_of,
                                strict=True):
            _format_column(column, kind)
    sheet.freeze_panes = "A2"
    if keys:
        sheet.auto_filter.ref = f"A1:{sheet.cell(1, len(keys)).column_letter}{len(report.rows) + 1}"
    for column in sheet.iter_cols(max_row=min(len(report.rows), 200) + 1):  # a sample is enough
        widest = max(len(_as_shown(c.value)) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, 4 + widest * 2)


SHEET_NAME_MOST = 31  # what Excel allows


def sheet_name(text: str) -> str:
    """``text`` as a sheet's name: without the characters Excel refuses, and at most 31
    characters, cut where a word ends (a space or punctuation), never inside one."""
    name = re.sub(r"[\[\]:*?/\\]", " ", text).strip().strip("'")
    if len(name) <= SHEET_NAME_MOST:
        return name or "kq"
    ends = [m.start() for m in re.finditer(r"(?<=[;,，；、。])|\s|(?=[(（])", name)
            if 0 < m.start() <= SHEET_NAME_MOST]
    return name[:max(ends) if ends else SHEET_NAME_MOST].rstrip(" ;,，；、") or "kq"


def _sheet_title(report: Report) -> str:
    from .labels import english

    if report.sheet:
        return sheet_name(report.sheet[1 if english() else 0])
    return sheet_name(report.title or "kq")


def _kind(key: str, by_key: dict[str, Column], found: dict[str, Any]) -> Any:
    """A field's kind: its column's, else by its whole name, its last part, its first."""
    column = by_key.get(key)
    if column is not None and column.kind is not None:
        return column.kind
    first, dot, _ = key.partition(".")
    names = (key, key.rpartition(".")[2], first) if dot else (key,)
    return next((found[n] for n in names if n in found), None)


def _sheet_value(value: Any, kind: Any, row: dict[str, Any], column: Column | None = None,
                 labels: dict[str, tuple[str, str]] | None = None) -> Any:
    """One cell of a sheet: ``value`` as its kind says (see :func:`kinds`)."""
    import datetime as dt

    from .labels import english, enum_label, field_label, message_text, text_label, yes_no

    if callable(kind) and not isinstance(kind, type):
        return _sheet_value(kind(value, row), None, row)
    if value is None or value == [] or value == {}:
        return None
    if isinstance(value, Message):
        return message_text(value)
    if isinstance(value, list) and all(isinstance(v, Message) for v in value):
        return "\n".join(message_text(v) for v in value)
    if isinstance(value, list) and kind is not None:
        return "、".join(str(_sheet_value(v, kind, row, None, labels)) for v in value)
    if kind in ("date", "time") and isinstance(value, str):
        try:
            value = (dt.time.fromisoformat(value) if kind == "time" else
                     dt.date.fromisoformat(value) if len(value) == 10 else
                     dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, dt.date | dt.time):
        return value
    if kind == "bool" or isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int | float):
        return value
    if kind == "lunar" and isinstance(value, str):
        from ..core.dates import lunar_day

        try:
            return lunar_day(value, "en" if english() else "zh")
        except ValueError:
            return value
    if kind == "keys":
        named = (labels or {}).get(str(value))
        return (named[1 if english() else 0] if named else
                str(value) if english() else HEADERS.get(str(value), str(value)))
    if kind == "field":
        return field_label(value)
    if isinstance(kind, type):
        return enum_label(kind, value)
    if isinstance(kind, dict):
        return text_label(kind, value)
    if column is not None and column.show is not None:
        return _plain(column.show(value)) or None
    return cell(value)


def _format_column(cells: Sequence[Any], kind: Any) -> None:
    """The number format a column's kind calls for: yyyy-mm-dd, hh:mm, #,##0 (#,##0.00 when a
    figure has cents), 0% (0.0% when a share needs a tenth of a per cent)."""
    import datetime as dt

    numbers = [c.value for c in cells
               if isinstance(c.value, int | float) and not isinstance(c.value, bool)]
    number_format = None
    if kind == "money":
        number_format = "#,##0" if all(float(v).is_integer() for v in numbers) else "#,##0.00"
    elif kind == "share":
        number_format = ("0%" if all(round(v * 100, 6).is_integer() for v in numbers)
                         else "0.0%")
    for c in cells:
        if isinstance(c.value, dt.datetime):
            c.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(c.value, dt.date):
            c.number_format = "yyyy-mm-dd"
        elif isinstance(c.value, dt.time):
            c.number_format = "hh:mm"
        elif number_format and isinstance(c.value, int | float):
            c.number_format = number_format
        elif c.data_type == "f":
            c.data_type = "s"  # text that starts with '=' stays text, never a formula


def _as_shown(value: Any) -> str:
    """What a column's width is measured on: a date as its format shows it."""
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return "" if value is None else str(value)


def _header(key: str, by_key: dict[str, Column],
            labels: dict[str, tuple[str, str]] | None = None) -> str:
    from .labels import english

    if labels and key in labels:
        return labels[key][1 if english() else 0]
    if english():
        return key
    if key in by_key and not (by_key[key].header.isascii() and key in HEADERS):
        return by_key[key].header  # a table's ASCII header (id) gives way to the Chinese one
    if key in HEADERS:
        return HEADERS[key]
    parent, _, inner = key.rpartition(".")
    if parent:
        return f"{_header(parent, by_key, labels)}.{HEADERS.get(inner, inner)}"
    return key


def print_report(report: Report) -> None:
    """The report's table, or one table per section, then its notes (through the pager when
    taller than the terminal)."""
    from .pager import paging

    with paging():
        out = console()
        shown = (len(report.rows) if report.sections is None
                 else sum(len(s.rows) for s in report.sections))
        plain = shown >= PLAIN_FROM  # the whole report, not a section of it, without colours
        if not report.rows and report.empty is not None:
            out.print(report.empty, markup=False)
        elif report.sections is None:
            _print_table(out, report.rows, report.columns, report.title, report.caption,
                         report.row_style, report.compact, plain)
        else:
            for section in report.sections:
                _print_section(out, section, report, plain)
                for note in section.notes:
                    out.print(note, markup=False)
        for note in report.notes:
            out.print(note, markup=False)


def _print_section(out: Any, section: Section, report: Report, plain: bool = False) -> None:
    """One section in its layout (see :class:`~kqcli.cli.report.Section`)."""
    from rich.text import Text

    columns = section.columns or report.columns
    if section.layout == "table":
        _print_table(out, section.rows, columns, section.title, section.caption,
                     report.row_style, report.compact, plain)
        return
    if section.layout == "lines":
        if section.title:
            out.print(Text(section.title, style="bold"))
        for row in section.rows:
            value = _shown(columns[0], row.get(columns[0].key))
            out.print(value if hasattr(value, "plain") else Text(value))
        return
    grid = _pairs(section.rows, columns)
    if section.frame:
        from rich.panel import Panel

        out.print(Panel(grid, title=Text(section.title or "", style="bold"), title_align="left",
                        expand=False))
        return
    if section.title:
        out.print(Text(section.title, style="bold"))
    if section.indent:
        from rich.padding import Padding

        grid = Padding(grid, (0, 0, 0, section.indent), expand=False)
    out.print(grid)


def _pairs(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> Any:
    """A key/value section: no header, the key bold (or the column's own style), values as
    their column shows them."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    for n, c in enumerate(columns[:2]):
        grid.add_column(style=c.style or ("bold" if n == 0 else None), justify=c.justify)
    for row in rows:
        values = [_shown(c, row.get(c.key)) for c in columns[:2]]
        grid.add_row(*(v if hasattr(v, "plain") else Text(v) for v in values))
    return grid


def table(rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None = None,
          caption: str | None = None,
          row_style: Callable[[dict[str, Any]], str | None] | None = None) -> None:
    from .pager import paging

    with paging():
        out = console()
        _print_table(out, rows, columns, title, caption, row_style)


def _shown(column: Column, value: Any) -> Any:
    """The cell: a string, or a Rich ``Text`` when the column colours its values."""
    return (column.show or cell)(value)


def _plain(value: Any) -> str:
    return value.plain if hasattr(value, "plain") else str(value)


# A line may break before each token: an ASCII word, or one Chinese character, each keeping
# the opening brackets before it and the closing punctuation after it (no line starts with ，).
_TOKEN = re.compile(r"[(\[（“‘《]*(?:[\x21-\x7e]+|[^\s\x21-\x7e])[，。、；：！？）」』”’》,.;:!?)\]]*\s*"
                    r"|\s+")


def wrap(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` cells, broken between words and between Chinese
    characters, never inside an ASCII word unless the word alone is wider than ``width``."""
    from rich.cells import chop_cells

    from .tabletext import width as cell_len

    if "\n" not in text and cell_len(text) <= width:
        return text.rstrip()  # what the loop below makes of a line that fits
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _TOKEN.findall(paragraph):
            if cell_len((line + token).rstrip()) <= width:
                line += token
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = token.lstrip()
            while cell_len(line.rstrip()) > width:
                head, *_ = chop_cells(line, width)
                lines.append(head)
                line = line[len(head):]
        lines.append(line.rstrip())
    return "\n".join(lines)


def _longest_word(text: str) -> int:
    """The widest run a line may not break: an ASCII word (Chinese breaks between characters)."""
    return max(map(len, _WORD.findall(text)), default=0)  # printable ASCII: a cell a character


_WORD = re.compile(r"[\x21-\x7e]+")


def fit(columns: Sequence[Column], cells: list[list[str]], width: int,
        english: bool = False, gap: int = 2) -> tuple[list[int], list[int]]:
    """(the columns to show, their widths) for a table ``width`` cells wide.

    A token column needs its widest value; a text column its widest ASCII word (at most 30)
    and 8 cells; the header needs its width. Columns marked ``drop`` go, highest first, until
    the minimums fit; then the widest text column gives up a cell at a time until the table
    fits. (Rich's own shrinking can leave a table wider than the terminal.)
    """
    from .tabletext import width as cell_len

    minimums, natural = [], []
    for n, c in enumerate(columns):
        values = [cell_len(line) for row in cells for line in row[n].split("\n")]
        header = cell_len(c.title(english))
        widest = max([header, *values])
        if c.unbroken:
            need = widest
        else:
            words = max([_longest_word(row[n]) for row in cells] or [0])
            need = max(min(words, 30), min(widest, 8), min(header, 8))
        minimums.append(max(need, c.min_width or 0))
        natural.append(max(widest, minimums[-1]))
    shown = list(range(len(columns)))

    def overhead() -> int:  # padding and rule per column (``gap``), the edges included
        return gap * len(shown) + (gap == 1)

    for i in sorted((i for i, c in enumerate(columns) if c.drop),
                    key=lambda i: (-columns[i].drop, -i)):
        if sum(minimums[j] for j in shown) + overhead() <= width:
            break
        shown.remove(i)
    widths = {i: natural[i] for i in shown}
    excess = sum(widths.values()) + overhead() - width
    for i in shown:  # a column's max_width is the first thing to give
        cap = columns[i].max_width
        if excess > 0 and cap and widths[i] > max(cap, minimums[i]):
            cut = min(widths[i] - max(cap, minimums[i]), excess)
            widths[i] -= cut
            excess -= cut
    while excess > 0:
        room = [i for i in shown if widths[i] > minimums[i]]
        if not room:
            break
        widest = max(room, key=lambda i: (widths[i], i))
        widths[widest] -= 1
        excess -= 1
    return shown, [widths[i] for i in shown]


PLAIN_TABLES = True
"""Whether a table with no colours is put together by :mod:`kqcli.cli.tabletext` (False: by Rich;
its tests compare the two)."""
PLAIN_FROM = 2000
"""Rows of a report from which its tables are drawn without colours even in a terminal: Rich
lays a table out and colours it at ~0.3 ms a row (a team's ``kq due --all``, 27,000 rows at
10,000 customers: 12-14 s before anything shows), tabletext at a seventh of that."""


def _print_table(out: Any, rows: Sequence[dict[str, Any]], columns: Sequence[Column],
                 title: str | None, caption: str | None,
                 row_style: Callable[[dict[str, Any]], str | None] | None,
                 compact: bool = False, plain: bool = False) -> None:
    """One table on ``out``: drawn by Rich, or, where nothing is coloured (``plain``: of a
    report of :data:`PLAIN_FROM` rows or more, not even in a terminal), as the same text put
    together directly (:mod:`kqcli.cli.tabletext`; Rich costs ~0.3 ms a row)."""
    en, width = _english(), out.width
    shown_cells = [[_shown(c, row.get(c.key) if c.key in row else lookup(row, c.key))
                     for c in columns] for row in rows]
    cells = [[_plain(v) for v in row] for row in shown_cells]
    shown, widths = fit(columns, cells, width, en, gap=1 if compact else 2)
    hidden = [columns[i].title(en) for i in range(len(columns)) if i not in shown]
    if hidden:
        note = (f"hidden at {width} columns: {', '.join(hidden)}" if en else
                f"{width} 列宽不下: {'、'.join(hidden)}")
        caption = f"{caption}; {note}" if caption else note
    # What each shown cell prints: a styled value as it is, a text wrapped to its column
    # (Rich folds what is still too long), a column that does not wrap as it is.
    texts = [[styled[i] if hasattr(styled[i], "plain") else
              row[i] if columns[i].unbroken else wrap(row[i], w)
              for i, w in zip(shown, widths, strict=True)]
             for row, styled in zip(cells, shown_cells, strict=True)]
    if (PLAIN_TABLES and (out.color_system is None or plain or len(rows) >= PLAIN_FROM)
            and out.encoding.lower().startswith("utf")):
        from . import tabletext

        found = tabletext.text(
            [tabletext.Col(columns[i].title(en), w, columns[i].justify or "left",
                           columns[i].unbroken) for i, w in zip(shown, widths, strict=True)],
            [[_plain(v) for v in values] for values in texts],
            title, caption, 0 if compact else 1, width, out.soft_wrap)
        if found is not None:
            out.file.write(found)
            out.file.flush()
            return
    out.print(_rich_table(rows, columns, texts, shown, widths, title, caption, row_style,
                          compact))


def _english() -> bool:
    from .labels import english

    return english()


def _rich_table(rows: Sequence[dict[str, Any]], columns: Sequence[Column],
                texts: list[list[Any]], shown: list[int], widths: list[int],
                title: str | None, caption: str | None,
                row_style: Callable[[dict[str, Any]], str | None] | None,
                compact: bool) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    en = _english()
    t = Table(title=title, caption=caption, box=box.SIMPLE_HEAD, header_style="bold",
              title_justify="left", caption_justify="left", pad_edge=False,
              padding=(0, 0) if compact else (0, 1), collapse_padding=True)
    for i, exact in zip(shown, widths, strict=True):
        c = columns[i]
        t.add_column(c.title(en), justify=c.justify, style=c.style, no_wrap=c.unbroken,
                     width=exact, overflow="ellipsis" if c.unbroken else "fold")
    for row, values in zip(rows, texts, strict=True):
        t.add_row(*(v if hasattr(v, "plain") else Text(v) for v in values),
                  style=row_style(row) if row_style else None)
    return t
