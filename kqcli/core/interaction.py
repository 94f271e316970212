"""Building a new interaction from the values a user typed, with the checks a user expects."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any

from ..schema.bounds import day_in_range
from ..schema.customer import Customer
from ..schema.enums import Done, InteractionKind, parse_enum
from ..schema.reasons import OCCASIONS, OTHERS, closest_reason, reason_key
from .errors import GoTogether, InvalidValue, UnknownName, value_message
from .messages import Message

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
MAX_MINUTES = 24 * 60
"""The longest an interaction can last (the schema's bound of ``minutes``)."""


def parse_day(value: str | None, field: str,
              default: dt.date | None = None) -> dt.date | None:
    """A day the user typed for ``field``: YYYY-MM-DD within the dates kq computes with."""
    if value is None:
        return default
    try:
        if not _ISO_DAY.fullmatch(value.strip()):
            raise ValueError
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidValue(Message("not_a_day", {"value": value}), field) from None
    try:
        return day_in_range(day)
    except ValueError as e:
        raise InvalidValue(str(e), field) from None


def parse_clock(value: str | None, field: str) -> str | None:
    """A time of day the user typed for ``field``: H:MM or HH:MM, as "HH:MM"."""
    if value is None:
        return None
    m = _CLOCK.fullmatch(value.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise InvalidValue(f"{value!r} is not a time of day; write HH:MM (09:40)", field)
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def check_minutes(value: int | None, field: str) -> int | None:
    """How long it took, in whole minutes: 1 to a day."""
    if value is not None and not 1 <= value <= MAX_MINUTES:
        raise InvalidValue(f"{value} is not a length of time; give 1 to {MAX_MINUTES} minutes",
                           field)
    return value


def build_interaction(customer: Customer, today: dt.date, *, kind: str, date: str | None,
                      contact: str | None, goal: str | None, outcome: str | None,
                      done: str | None, next_date: str | None, next_action: str | None,
                      note: str | None, occasions: list[str] | None = None,
                      planned: bool = False, at: str | None = None, minutes: int | None = None,
                      photos: list[str] | None = None) -> dict[str, Any]:
    """The mapping to append under ``visits:``, in the schema's key order. ``occasions`` are
    the reasons it greets (``for:``), as keys, Chinese labels or comma-separated; ``planned``
    marks an interaction planned ahead, not done yet; ``at`` is when it began (HH:MM),
    ``minutes`` how long it took, ``photos`` the repository paths of its pictures."""
    try:
        kind_value = parse_enum(InteractionKind, kind).value
    except ValueError as e:
        raise InvalidValue(value_message(e), "kind") from None
    greets = reasons_of(occasions)
    try:
        done_values = [parse_enum(Done, d).value for d in (done or "").replace("，", ",").split(",")
                       if d.strip()]
    except ValueError as e:
        raise InvalidValue(value_message(e), "done") from None
    if contact is not None:
        names = [c.name for c in customer.contacts]
        if contact not in names:
            close = difflib.get_close_matches(contact, names, 1, 0.3)
            hint = Message("did_you_mean", {"name": close[0]}) if close else (
                Message("contacts_are", {"names": ", ".join(names)}) if names
                else Message("has_no_contacts"))
            raise UnknownName(Message("not_a_contact", {"contact": contact,
                                                        "customer": customer.name},
                                      parts=(hint,)), "contact")
    if (next_date is None) != (next_action is None):
        raise GoTogether("next_date", "next_action")
    item: dict[str, Any] = {"date": parse_day(date, "date", today), "kind": kind_value}
    if contact:
        item["contact"] = contact
    if greets:
        item["for"] = greets
    for key, value in (("goal", goal), ("outcome", outcome)):
        if value:
            item[key] = value
    if done_values:
        item["done"] = done_values
    if next_date is not None:
        item["next"] = {"date": parse_day(next_date, "next_date"), "action": next_action}
    if note:
        item["note"] = note
    if planned:
        item["planned"] = True
    clock = parse_clock(at, "at")
    if clock is not None:
        item["at"] = clock
    if check_minutes(minutes, "minutes") is not None:
        item["minutes"] = minutes
    if photos:
        item["photos"] = list(photos)
    return item


def reasons_of(texts: list[str] | None) -> list[str]:
    """``--for`` values as reason keys, in order, each once (``生日``, ``birthday,holiday``)."""
    keys: list[str] = []
    for text in texts or ():
        for part in text.replace("，", ",").split(","):
            if not part.strip():
                continue
            key = reason_key(part)
            if key is None:
                raise InvalidValue(unknown_reason_message(part), "for")
            if key not in keys:
                keys.append(key)
    return keys


def unknown_reason_message(text: str) -> Message:
    """Why ``text`` is not a reason, naming the closest and the occasions: a
    :class:`~kqcli.core.messages.Message`, for the user's language."""
    close = closest_reason(text)
    hint = Message("reason_hint", {"name": close}) if close else ""
    return Message("not_a_reason", {"text": text, "hint": hint,
                                    "occasions": ", ".join(OCCASIONS),
                                    "others": ", ".join(OTHERS)})
