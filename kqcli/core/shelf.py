"""Shelf checks (铺货 / 陈列 / 价格 / 库存, ``kq shelf``): a check read from options or a sheet's
row, the checks of a day merged, and what the latest checks say (risks, the display score).

Pure functions; the command reads the file and writes the customer's visit.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import InvalidValue
from .messages import Message

FIELDS = ("sku", "facings", "price", "stock", "pop")
"""A check's keys, in the order they are written."""
HEADERS = {"sku": "sku", "商品": "sku", "品名": "sku", "facings": "facings", "排面": "facings",
           "price": "price", "价格": "price", "stock": "stock", "库存": "stock", "pop": "pop",
           "陈列": "pop"}
"""A sheet's column headers (English or Chinese, any case) -> the check's key."""
YES = frozenset({"yes", "y", "true", "1", "是", "有"})
NO = frozenset({"no", "n", "false", "0", "否", "无", "没有"})
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")
MOST = {"facings": 10_000, "stock": 10_000_000, "price": 1_000_000_000}


class BadCell(InvalidValue):
    """A value of a check that does not parse; ``field`` is the check's key, ``said`` the
    message as a value (in the reader's language where printed)."""

    def __init__(self, key: str, field: str | None, **params: Any) -> None:
        self.said = Message(key, params)
        super().__init__(self.said.text(), field)


def parse_value(key: str, text: Any) -> Any:
    """One value of a check as typed (an option or a sheet's cell); None for an empty one."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if key == "sku":
        return str(text).strip()
    if key == "pop":
        word = str(text).strip().lower()
        if word in YES:
            return True
        if word in NO:
            return False
        raise BadCell("shelf_not_yes_no", key, value=text)
    shown = str(text).strip()
    if isinstance(text, float) and text.is_integer():
        shown = str(int(text))  # a spreadsheet's 4.0
    if not _NUMBER.fullmatch(shown):
        raise BadCell("shelf_not_number", key, value=text)
    if key != "price":
        if "." in shown:
            raise BadCell("shelf_not_whole", key, value=text)
        value: int | float = int(shown)
    else:
        value = float(shown)
        value = int(value) if value.is_integer() else value
    if value > MOST[key]:
        raise BadCell("shelf_too_much", key, value=text, most=MOST[key])
    return value


def check_of(values: dict[str, Any]) -> dict[str, Any]:
    """A check from its typed values (keys of FIELDS; absent or empty: not checked), as the
    customer file keeps it: ``{sku, facings, price, stock, pop}`` with the empty ones left out."""
    check = {key: parse_value(key, values.get(key)) for key in FIELDS}
    if not check["sku"]:
        raise BadCell("shelf_no_sku", "sku")
    if all(check[key] is None for key in FIELDS[1:]):
        raise BadCell("shelf_nothing", "sku")
    return {k: v for k, v in check.items() if v is not None}


class BadRow(InvalidValue):
    """A sheet's row that is not a check: ``row`` (1-based, as Excel numbers it) and the header
    of its ``column`` as the sheet spells it (None: the row as a whole); ``said`` the message."""

    def __init__(self, said: Message, row: int, column: str | None) -> None:
        super().__init__(said.text(), None)
        self.said, self.row, self.column = said, row, column


def checks_of_rows(cells: list[list[Any]]) -> list[dict[str, Any]]:
    """The checks of a sheet: a header row naming the columns (HEADERS), then one check a row;
    empty rows are skipped. Raises :class:`BadRow` on the first bad row."""
    rows = [(n, row) for n, row in enumerate(cells, 1)
            if any(str(c).strip() for c in row if c is not None)]
    if not rows:
        raise BadRow(Message("shelf_empty"), 1, None)
    header_row, header = rows[0]
    columns: dict[int, str] = {}
    for at, cell in enumerate(header):
        key = HEADERS.get(str(cell or "").strip().lstrip("\ufeff").lower())
        if key is not None:
            columns[at] = key
    if "sku" not in columns.values():
        raise BadRow(Message("shelf_no_sku_column"), header_row, None)
    named = {at: str(header[at]).strip().lstrip("\ufeff") for at in columns}
    out = []
    for n, row in rows[1:]:
        values = {key: row[at] if at < len(row) else None for at, key in columns.items()}
        try:
            out.append(check_of(values))
        except BadCell as e:
            at = next(a for a, k in columns.items() if k == e.field)
            raise BadRow(e.said, n, named[at]) from None
    if not out:
        raise BadRow(Message("shelf_no_rows"), header_row, None)
    return out


def merged(existing: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A day's checks after ``new``: a product checked again replaces its earlier check in
    place; a new product is added at the end (the last of several rows for one product wins)."""
    out = [dict(c) for c in existing]
    for check in new:
        at = next((n for n, c in enumerate(out) if c["sku"] == check["sku"]), None)
        if at is None:
            out.append(check)
        else:
            out[at] = check
    return out


def unknown(checks: list[dict[str, Any]], products: dict[str, Any]) -> list[str]:
    """The products checked that kq.yaml ``products:`` does not list (a typo?), once each."""
    if not products:
        return []
    return list(dict.fromkeys(c["sku"] for c in checks if c["sku"] not in products))


def yuan(value: float) -> str:
    """A shelf price as a rep reads it: ``14.0``, ``12.5``, ``12.55``."""
    text = f"{value:.2f}"
    return text[:-1] if text.endswith("0") else text


def meets_display(check: list[Any] | dict[str, Any], products: dict[str, Any]) -> bool:
    """POP or display up and at least the product's minimum facings (1 where kq.yaml gives
    none): a check that counts for the scorecard's POP/陈列 item."""
    sku, facings, pop = ((check["sku"], check.get("facings"), check.get("pop"))
                         if isinstance(check, dict) else check)
    product = products.get(sku)
    least = getattr(product, "facings", None)
    return bool(pop) and facings is not None and facings >= (1 if least is None else least)
