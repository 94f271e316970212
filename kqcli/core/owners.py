"""Who owned a customer when (``owners:``): a month's work counts for the rep who owned the
customer at that time, not for whoever owns it today. Pure: plain data in, names out.

A customer's data here is any mapping with ``owner`` (today's owner) and ``owners`` (the
changes, ``[{from, to, date}, …]``, as ``kq reassign`` and ``kq claim`` append them): a
customer file's data, or its summary in the index. A v2 ``handover: {from, date}`` is read as
the last change.

The owner on a day is the ``from`` of the first change dated after that day; on and after the
last change, today's ``owner``. A change dated D is the new owner's from D on. The owner of a
month is the owner on its last day: a month that ends before a change counts for the previous
owner, and a change dated inside a month gives the whole month to the new owner.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from typing import Any


def _iso(day: Any) -> str:
    return day.isoformat() if isinstance(day, dt.date) else str(day)


def owner_changes(customer: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The changes of owner, oldest first, each ``{from, to, date}`` (dates as ISO text;
    ``from`` or ``to`` None where unknown). A v2 ``handover`` comes last among changes of its
    day, its ``to`` being today's owner."""
    found = [{"from": c.get("from"), "to": c.get("to"), "date": _iso(c["date"])}
             for c in customer.get("owners") or () if c and c.get("date")]
    handover = customer.get("handover")
    if handover and handover.get("date"):
        found.append({"from": handover.get("from"), "to": customer.get("owner"),
                      "date": _iso(handover["date"])})
    return sorted(found, key=lambda c: c["date"])  # stable: file order within a day


def last_change(customer: Mapping[str, Any]) -> dict[str, Any] | None:
    """The latest change of owner (what ``kq due``'s handover visit and the pool start from)."""
    changes = owner_changes(customer)
    return changes[-1] if changes else None


def owner_on(customer: Mapping[str, Any], day: dt.date) -> str | None:
    """Who owned the customer on ``day`` (None: nobody)."""
    text = day.isoformat()
    for change in owner_changes(customer):
        if change["date"] > text:
            return change["from"] or None
    return customer.get("owner") or None


def month_end(month: str) -> dt.date:
    """The last day of ``YYYY-MM``."""
    year, mon = map(int, month.split("-"))
    return dt.date(year, mon, calendar.monthrange(year, mon)[1])


def month_owner(customer: Mapping[str, Any], month: str) -> str | None:
    """Who the month ``YYYY-MM``'s work counts for: the owner on its last day."""
    return owner_on(customer, month_end(month))
