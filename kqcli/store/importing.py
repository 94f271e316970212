"""Importing sheets: rows of a customer list or a monthly sales sheet in, planned files out.

The store's, as the merge driver is: it writes and validates customer files' text. The caller
reads the sheet and the customer files and passes them in (``read``); this module maps columns
by header (Chinese or English), converts each cell, builds the new file or the byte-preserving
edit, validates it, and reports every problem as ``FILE:ROW:COLUMN: message`` so a rep can find
the cell in Excel. A row with a problem is skipped, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.ids import valid_id
from ..core.messages import Message
from ..schema.enums import Gender, Grade, Kind, Relationship, Stage, Status, Tier, parse_enum
from .yamledit import EditError

# Target field -> the headers it is recognised by (compared without spaces, '*' and case).
CUSTOMER_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "客户编码", "客户编号", "编码", "编号", "code"),
    "name": ("name", "客户名称", "名称", "客户", "客户名", "门店名称", "门店", "店名", "终端名称"),
    "kind": ("kind", "类型", "客户类型", "渠道类型"),
    "status": ("status", "状态", "客户状态", "合作状态"),
    "grade": ("grade", "等级", "客户等级", "级别"),
    "tier": ("tier", "分类", "分层", "终端分类", "重点程度"),
    "relationship": ("relationship", "关系类型", "大客户关系"),
    "stage": ("stage", "客情阶段", "阶段"),
    "owner": ("owner", "业代", "业务员", "业务代表", "客户经理", "负责人"),
    "region": ("region", "区域", "片区", "地区", "所属区域"),
    "address": ("address", "地址", "详细地址", "门店地址"),
    "latitude": ("latitude", "lat", "纬度"),
    "longitude": ("longitude", "lon", "lng", "经度"),
    "tags": ("tags", "标签"),
    "since": ("since", "合作日期", "合作开始", "签约日期", "合作时间"),
    "anniversary": ("anniversary", "开业日期", "店庆", "店庆日", "开业时间"),
    "notes": ("notes", "备注"),
    "contact.name": ("contact", "联系人", "联系人姓名", "负责人姓名"),
    "contact.role": ("role", "职务", "职位", "联系人职务"),
    "contact.gender": ("gender", "性别"),
    "contact.phone": ("phone", "电话", "手机", "手机号", "手机号码", "联系电话", "电话号码"),
    "contact.wechat": ("wechat", "微信", "微信号"),
    "contact.birthday": ("birthday", "生日", "联系人生日", "出生日期"),
    "contact.lunar_birthday": ("lunar_birthday", "农历生日", "阴历生日"),
}

FIGURE_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "客户编码", "客户编号", "编码", "编号", "code"),
    "name": ("name", "客户名称", "名称", "客户", "客户名"),
    "collections": ("collections", "回款", "回款额", "回款金额"),
    "shipments": ("shipments", "出货", "发货", "提货", "出货额", "发货额", "提货额", "发货金额"),
    "inventory": ("inventory", "库存", "库存额", "期末库存"),
    "sell_out": ("sell_out", "出销", "出销量", "出销额"),
    "movement": ("movement", "动销", "动销额", "动销量"),
    "reported": ("reported", "上报日期", "报数日期"),
    "changes": ("changes", "经营变化", "变化"),
}

FIGURES = ("collections", "shipments", "inventory", "sell_out", "movement")
_ENUMS = {"kind": Kind, "status": Status, "grade": Grade, "tier": Tier,
          "relationship": Relationship, "stage": Stage, "contact.gender": Gender}
_DATES = {"since", "anniversary", "contact.birthday", "reported"}
# The order of a new file's keys: the schema's order.
_ORDER = ("name", "kind", "status", "grade", "tier", "relationship", "stage", "owner", "region",
          "address", "location", "phone", "tags", "since", "anniversary", "notes")
_DEGREES = {"latitude": 90, "longitude": 180}
_CONTACT_ORDER = ("name", "role", "gender", "phone", "wechat", "birthday", "lunar_birthday")
SCHEMA_LINE = "# yaml-language-server: $schema=../.kq/schema.json"


@dataclass(frozen=True)
class Sheet:
    """The cells of a sheet: its header row and the data rows after it, by row number."""

    path: str  # as the user named the file; the FILE of each problem
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[Any]]]


@dataclass
class Planned:
    """What importing one row would do. ``values`` are the converted cells, by field."""

    row: int
    action: str  # create | update | skip
    customer: str | None = None
    name: str | None = None
    problems: list[Any] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    text: str | None = None  # the file as it will be (create and update)
    original: str | None = None  # the file as it was read (update)
    values: dict[str, Any] = field(default_factory=dict)

    def report(self, month: str | None = None) -> dict[str, Any]:
        out = {"row": self.row, "action": self.action, "customer": self.customer,
               "name": self.name}
        if month is not None:
            out["month"] = month
        return {**out, "fields": self.fields, "problems": self.problems}


def _key(header: Any) -> str:
    return re.sub(r"[\s*＊:：]", "", str(header or "")).lower()


def _lookup(aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    return {_key(a): target for target, names in aliases.items() for a in names}


def read_sheet(cells: Sequence[Sequence[Any]], path: str,
               aliases: Mapping[str, Sequence[str]]) -> Sheet:
    """Find the header row (the first of the first ten rows with a known header: ERP exports
    often start with a title line) and keep the non-blank rows below it."""
    known = _lookup(aliases)
    numbered = [(n, list(r)) for n, r in enumerate(cells, 1)]
    nonblank = [(n, r) for n, r in numbered if any(_blank(c) is False for c in r)]
    header_at = next((i for i, (_, r) in enumerate(nonblank[:10])
                      if any(_key(c) in known for c in r)), 0)
    if not nonblank:
        return Sheet(path, 1, [], [])
    number, header = nonblank[header_at]
    rows = [(n, r) for n, r in nonblank[header_at + 1:]]
    return Sheet(path, number, [_text(h) or "" for h in header], rows)


def parse_map(text: str | None, aliases: Mapping[str, Sequence[str]]) -> dict[str, str | None]:
    """``--map '门店=name,手机号码=contact.phone,传真='``: header -> field (empty: ignore it)."""
    out: dict[str, str | None] = {}
    shorthand = {f.split(".", 1)[1]: f for f in aliases if f.startswith("contact.")}
    shorthand.pop("name", None)
    for part in filter(None, (p.strip() for p in re.split(r"[,，]", text or ""))):
        header, sep, target = part.partition("=")
        if not sep or not header.strip():
            raise ValueError(Message("map_not_pair", {"part": part}))
        target = target.strip()
        target = shorthand.get(target, target)
        if target in ("", "-"):
            out[_key(header)] = None
        elif target in aliases:
            out[_key(header)] = target
        else:
            raise ValueError(Message("map_not_field", {"target": target,
                                                       "fields": ", ".join(aliases)}))
    return out


def map_columns(sheet: Sheet, aliases: Mapping[str, Sequence[str]],
                overrides: Mapping[str, str | None]) -> tuple[dict[int, str], list[Any]]:
    """Column index -> field, and the headers that map to nothing (listed, never guessed).

    A field claimed by two columns keeps the first; the second is listed as a duplicate.
    """
    known = _lookup(aliases)
    mapping: dict[int, str] = {}
    unknown: list[Any] = []
    for i, header in enumerate(sheet.headers):
        k = _key(header)
        if not k:
            continue
        target = overrides[k] if k in overrides else known.get(k)
        if k in overrides and target is None:
            continue
        if target is None:
            unknown.append(header)
        elif target in mapping.values():
            unknown.append(Message("second_column", {"header": header, "field": target}))
        else:
            mapping[i] = target
    return mapping, unknown


# Cells -------------------------------------------------------------------------------------

def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_LUNAR = re.compile(r"^(闰|L)?\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$", re.IGNORECASE)
_CN_MONTHS = {"正": 1, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10, "十一": 11, "冬": 11, "十二": 12, "腊": 12}
_CN_DIGITS = "一二三四五六七八九"


def to_date(value: Any) -> dt.date:
    """A cell as a day: an Excel date, or text like 2015-05-18, 2015/5/18, 2015年5月18日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value) or ""
    m = _DATE.match(text) or re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    if not m:
        raise ValueError(Message("cell_not_date", {"value": text}))
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError(Message("cell_not_real_date", {"value": text})) from None


def to_phone(value: Any) -> str:
    """An 11-digit mobile (spaces, dashes and +86 dropped) or a landline with its area code."""
    text = _text(value) or ""
    compact = re.sub(r"[\s()（）]", "", text)
    compact = re.sub(r"^(\+?86)(?=1\d{10}$)", "", compact)
    if _MOBILE.match(compact.replace("-", "")):
        return compact.replace("-", "")
    if _LANDLINE.match(compact):
        return compact
    raise ValueError(Message("cell_not_phone", {"value": text}))


def to_lunar(value: Any) -> str:
    """A lunar month-day as kq writes it ("08-15", leap "L04-10"), from 8-15, 八月十五, 闰四月初十."""
    if isinstance(value, dt.date):  # Excel turned "8-15" into a date of some year
        return f"{value.month:02d}-{value.day:02d}"
    text = (_text(value) or "").replace(" ", "")
    m = _LUNAR.match(text)
    if m:
        return f"{'L' if m.group(1) else ''}{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    m = re.match(r"^(闰)?(正|十一|十二|冬|腊|十|[一二三四五六七八九])月(.+?)日?$", text)
    day = _cn_day(m.group(3)) if m else None
    if m and day:
        return f"{'L' if m.group(1) else ''}{_CN_MONTHS[m.group(2)]:02d}-{day:02d}"
    raise ValueError(Message("cell_not_lunar", {"value": text}))


def _cn_day(text: str) -> int | None:
    text = text.removeprefix("初")
    if text in ("十", "初十"):
        return 10
    if text == "二十":
        return 20
    if text == "三十":
        return 30
    for prefix, tens in (("十", 10), ("廿", 20), ("二十", 20)):
        if text.startswith(prefix) and len(text) == len(prefix) + 1 and text[-1] in _CN_DIGITS:
            return tens + _CN_DIGITS.index(text[-1]) + 1
    if len(text) == 1 and text in _CN_DIGITS:
        return _CN_DIGITS.index(text) + 1
    return None


def to_amount(value: Any) -> int | float:
    """A figure: a number >= 0 (text may carry thousands separators and ¥); whole numbers as int."""
    if isinstance(value, bool):
        raise ValueError(Message("cell_not_amount", {"value": value}))
    if isinstance(value, int | float):
        number: float = value
    else:
        text = (_text(value) or "").replace(",", "").replace("，", "").lstrip("¥￥").strip()
        try:
            number = float(text)
        except ValueError:
            raise ValueError(Message("cell_not_amount", {"value": _text(value)})) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(Message("cell_not_amount", {"value": value}))
    if number < 0:
        raise ValueError(Message("cell_negative", {"value": _text(value)}))
    return int(number) if float(number).is_integer() else number


def to_degrees(value: Any, most: int) -> float:
    """A latitude (``most`` 90) or longitude (180) in decimal degrees: 25.0406, "102.7123"."""
    text = _text(value) or ""
    try:
        number = float(value) if isinstance(value, int | float) else float(text.strip())
    except ValueError:
        raise ValueError(Message("cell_not_degrees", {"value": text})) from None
    if not -most <= number <= most:
        raise ValueError(Message("cell_degrees_range", {"value": f"{number:g}", "most": most}))
    return number


def located(row: _Row, where: str = "") -> Message | None:
    """纬度 and 经度 (latitude, longitude) become the customer's ``location: [lat, lon]``;
    the problem when only one of them is given."""
    lat, lon = row.values.pop("latitude", None), row.values.pop("longitude", None)
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        given, other = ("latitude", "longitude") if lon is None else ("longitude", "latitude")
        if other in row.columns and any(f":{row.columns[other]}: " in str(p) for p in row.problems):
            return None  # given, but not as degrees: said already
        return _at(f"{where}:{row.columns[given]}", Message("location_half"))
    row.values["location"] = [lat, lon]
    row.columns["location"] = row.columns["latitude"]
    return None


def _at(where: str, what: Any) -> Message:
    """A problem of the sheet at ``FILE:ROW:COLUMN``: ``what`` a message, a file's problem (a
    text the command line translates) or a text."""
    return Message("located", {"where": where, "what": what})


def _why(error: ValueError) -> Any:
    """Why a cell was refused, as a message where the error carries one."""
    from ..core.errors import value_message

    first = error.args[0] if error.args else ""
    return first if isinstance(first, Message) else value_message(error)


def convert(target: str, value: Any) -> Any:
    """One cell as the value ``target`` takes in the customer file; ValueError says why not."""
    if target in _ENUMS:
        return parse_enum(_ENUMS[target], _text(value)).value
    if target in _DATES:
        return to_date(value)
    if target == "contact.phone":
        return to_phone(value)
    if target == "contact.lunar_birthday":
        return to_lunar(value)
    if target in FIGURES:
        return to_amount(value)
    if target in _DEGREES:
        return to_degrees(value, _DEGREES[target])
    if target == "tags":
        return [t for t in re.split(r"[,，、;；/\s]+", _text(value) or "") if t]
    return _text(value)


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    columns: dict[str, str]  # field -> header, for problems
    problems: list[Any]


def _convert_row(sheet: Sheet, mapping: Mapping[int, str], number: int,
                 cells: Sequence[Any]) -> _Row:
    row = _Row(number, {}, {}, [])
    for i, target in mapping.items():
        row.columns[target] = sheet.headers[i]
        value = cells[i] if i < len(cells) else None
        if _blank(value):
            continue
        try:
            row.values[target] = convert(target, value)
        except ValueError as e:
            row.problems.append(_at(f"{sheet.path}:{number}:{sheet.headers[i]}", _why(e)))
    return row


def _located(sheet: Sheet, row: _Row, problems: Sequence[Any]) -> list[Any]:
    """Problems of the would-be file (``validate_customer``) at the column they came from."""
    out = []
    for p in problems:
        target = p.field
        m = re.match(r"^contacts\[[^\]]*\]\.(\w+)", p.field or "")
        if m:
            target = f"contact.{m.group(1)}"
        column = row.columns.get(target) or p.field or "-"
        out.append(_at(f"{sheet.path}:{row.number}:{column}", p.message))
    return out


def _validate(text: str, shown: str) -> list[Any]:
    from .validate import validate_customer

    return validate_customer(text.encode("utf-8"), shown)[1]


# Customers ---------------------------------------------------------------------------------

def new_file_text(values: Mapping[str, Any]) -> str:
    """A new customer file: the schema line for editors, then the given fields in schema order."""
    from .yamledit import block_item, flow

    lines = [SCHEMA_LINE]
    lines += [f"{key}: {flow(values[key])}" for key in _ORDER if key in values]
    text = "\n".join(lines) + "\n"
    person = _contact(values)
    if person:
        text += "contacts:\n" + block_item(person, "  ", "\n")
    return text


def _contact(values: Mapping[str, Any]) -> dict[str, Any]:
    given = {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("contact.")}
    return {k: given[k] for k in _CONTACT_ORDER if k in given}


def update_text(text: str, values: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The customer file with the given fields set, byte-preserving, and the fields changed.

    Only non-empty cells count; a contact is matched by name (added when new, its given
    fields set when known).
    """
    from . import yamlread
    from .yamledit import append_in, set_in

    data, _ = yamlread.load(text.encode("utf-8"), "")
    data = data if isinstance(data, dict) else {}
    changed: list[str] = []
    for key in _ORDER:
        if key not in values or _same(data.get(key), values[key]):
            continue
        text = set_in(text, (key,), values[key])
        changed.append(key)
    person = _contact(values)
    if "name" in person:
        contacts = data.get("contacts") or []
        names = [c.get("name") if isinstance(c, dict) else None for c in contacts]
        if person["name"] not in names:
            text = append_in(text, ("contacts",), person)
            changed.append(f"contacts[{person['name']}]")
        else:
            at = names.index(person["name"])
            for key, value in person.items():
                if not _same(contacts[at].get(key), value):
                    text = set_in(text, ("contacts", at, key), value)
                    changed.append(f"contacts[{person['name']}].{key}")
    return text, changed


def _same(current: Any, new: Any) -> bool:
    """Does the file already say this? (``kind: 终端`` says ``terminal``; dates as dates)."""
    if current == new:
        return True
    if isinstance(current, str) and isinstance(new, str):
        for enum in _ENUMS.values():
            try:
                if parse_enum(enum, current).value == new:
                    return True
            except ValueError:
                continue
    return False


def _plan_edit(plan: Planned, sheet: Sheet, row: Any, where: str,
               read: Callable[[str], bytes],
               edit: Callable[[str], tuple[str, list[str], str]]) -> None:
    """Run ``edit`` over the customer's current text; a change that validates becomes the
    plan's action (``edit`` says which), a problem is located at ``where``."""
    shown = f"customers/{plan.customer}.yaml"
    try:
        before = read(plan.customer).decode("utf-8")
        after, plan.fields, action = edit(before)
    except (EditError, UnicodeDecodeError) as e:
        plan.problems.append(_at(f"{where}: {shown}", str(e)))
        return
    if plan.fields:
        plan.problems += _located(sheet, row, _validate(after, shown))
    if plan.fields and not plan.problems:
        plan.action, plan.original, plan.text = action, before, after


def _planned_rows(sheet: Sheet, mapping: Mapping[int, str],
                  out: list[Planned]) -> Iterator[tuple[Planned, Any, str]]:
    """Each row converted, with its plan (a skip until a rule decides) appended to ``out``, and
    where its problems point (``FILE:ROW``)."""
    for number, cells in sheet.rows:
        row = _convert_row(sheet, mapping, number, cells)
        plan = Planned(number, "skip", name=row.values.get("name"), values=row.values,
                       problems=row.problems)
        out.append(plan)
        yield plan, row, f"{sheet.path}:{number}"


def store_phone(row: _Row) -> None:
    """A phone with no contact's name on its row is the store's own (门店电话): it becomes
    the customer's ``phone``, its problems still pointing at its column."""
    if "contact.phone" in row.values:
        row.values["phone"] = row.values.pop("contact.phone")
        row.columns["phone"] = row.columns["contact.phone"]


def plan_customers(sheet: Sheet, mapping: Mapping[int, str], names: Mapping[str, list[str]],
                   ids: set[str], read: Callable[[str], bytes],
                   slug: Callable[[str], str]) -> list[Planned]:
    """Plan every row: create (a unique id from pinyin initials, as ``kq new``), update the
    customer of the same exact name (or id), or skip with the problems found."""
    taken = set(ids)
    seen: dict[str, int] = {}
    out: list[Planned] = []
    for plan, row, where in _planned_rows(sheet, mapping, out):
        name, wanted = row.values.get("name"), row.values.get("id")
        name_col = row.columns.get("name", "name")
        if not name:
            plan.problems.append(_at(f"{where}:{name_col}", Message("row_no_name")))
            continue
        if name in seen:
            plan.problems.append(_at(f"{where}:{name_col}",
                                     Message("row_same_name", {"row": seen[name]})))
            continue
        seen[name] = plan.row
        if "contact.name" not in row.values:
            store_phone(row)
        half = located(row, where)
        if half:
            plan.problems.append(half)
        if any(k.startswith("contact.") for k in row.values) and "contact.name" not in row.values:
            column = row.columns.get("contact.name", "联系人")
            plan.problems.append(_at(f"{where}:{column}", Message("row_needs_contact")))
        matches = [wanted] if wanted in ids else names.get(name, [])
        if wanted and wanted not in ids and not valid_id(str(wanted)):
            plan.problems.append(_at(f"{where}:{row.columns['id']}",
                                     Message("row_bad_id", {"id": wanted})))
        if len(matches) > 1:
            plan.problems.append(_at(f"{where}:{name_col}", Message(
                "row_matches_many", {"n": len(matches), "ids": ", ".join(sorted(matches))})))
        if plan.problems:
            continue
        values = {k: v for k, v in row.values.items() if k != "id"}
        if matches:
            plan.customer = matches[0]
            _plan_edit(plan, sheet, row, f"{where}:{name_col}", read,
                       lambda text, values=values: (*update_text(text, values), "update"))
            continue
        base = str(wanted) if wanted else slug(name)
        customer_id, n = base, 2
        while customer_id in taken:
            customer_id, n = f"{base}-{n}", n + 1
        text = new_file_text(values)
        plan.problems += _located(sheet, row, _validate(text, f"customers/{customer_id}.yaml"))
        if plan.problems:
            continue
        taken.add(customer_id)
        plan.action, plan.customer, plan.text = "create", customer_id, text
        plan.fields = [k for k in _ORDER if k in values] + (
            ["contacts"] if "contact.name" in values else [])
    return out


# Monthly figures ---------------------------------------------------------------------------

def month_text(text: str, month: str, values: Mapping[str, Any],
               today: dt.date) -> tuple[str, list[str], bool]:
    """The file with ``months.<month>`` holding the given figures (only those keys), the keys
    changed, and whether the month is new. ``reported`` defaults to today when the month has
    none, as for ``kq figures``: the figures are in, so ``kq due`` stops asking for them.
    """
    from . import yamlread
    from .yamledit import set_in

    data, _ = yamlread.load(text.encode("utf-8"), "")
    months = (data or {}).get("months") if isinstance(data, dict) else None
    current = (months or {}).get(month) if isinstance(months, dict) else None
    given = {k: values[k] for k in (*FIGURES, "reported", "changes") if k in values}
    if not isinstance(current, dict) or not current:
        entry = {**given}
        entry.setdefault("reported", today)
        return set_in(text, ("months", month), entry), list(entry), True
    if "reported" not in given and not current.get("reported"):
        given["reported"] = today
    changed = [k for k, v in given.items() if not _same(current.get(k), v)]
    for key in changed:
        text = set_in(text, ("months", month, key), given[key])
    return text, changed, False


def plan_figures(sheet: Sheet, mapping: Mapping[int, str], names: Mapping[str, list[str]],
                 ids: set[str], read: Callable[[str], bytes], month: str,
                 today: dt.date) -> list[Planned]:
    """Plan every row of the monthly sheet: match the customer by 客户编码 (its id) or exact
    name; a row that matches none is skipped and reported with its row number."""
    seen: dict[str, int] = {}
    out: list[Planned] = []
    name_of = {i: n for n, found in names.items() for i in found}
    for plan, row, where in _planned_rows(sheet, mapping, out):
        name, wanted = row.values.get("name"), row.values.get("id")
        if wanted:
            matches = [wanted] if wanted in ids else []
            column, shown = row.columns["id"], wanted
        else:
            matches = names.get(name, []) if name else []
            column, shown = row.columns.get("name", "name"), name
        if not shown:
            plan.problems.append(_at(f"{where}:{column}", Message("row_no_customer")))
            continue
        if not matches:
            plan.problems.append(_at(f"{where}:{column}", Message("row_matches_none",
                                                                  {"shown": shown})))
            continue
        if len(matches) > 1:
            plan.problems.append(_at(f"{where}:{column}", Message(
                "row_matches_some", {"shown": shown, "n": len(matches),
                                     "ids": ", ".join(sorted(matches))})))
            continue
        plan.customer = matches[0]
        plan.name = name_of.get(plan.customer, name)
        if plan.customer in seen:
            plan.problems.append(_at(f"{where}:{column}", Message(
                "row_same_customer", {"row": seen[plan.customer]})))
            continue
        seen[plan.customer] = plan.row
        if plan.problems:
            continue
        if not any(k in row.values for k in FIGURES):
            continue
        def edit(text: str, values: dict = row.values) -> tuple[str, list[str], str]:
            after, fields, new = month_text(text, month, values, today)
            return after, fields, "create" if new else "update"

        _plan_edit(plan, sheet, row, f"{where}:{column}", read, edit)
    return out
