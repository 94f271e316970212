"""Small value types shared by the customer file and kq.yaml."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema

from .bounds import FIRST_DAY, LAST_DAY, MAX_AMOUNT, MAX_DAYS, day_in_range
from .enums import ALIASES, parse_enum

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_LUNAR_DAY = re.compile(r"^(L?)(\d{1,2})-(\d{1,2})$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def N_(msgid: str) -> str:  # noqa: N802 - gettext's name, which the catalogue looks for
    """``msgid`` for the catalogue (``python -m kqcli.cli.catalogue update`` finds it)."""
    return msgid


class Invalid(ValueError):
    """A value the schema refuses, said in the user's language where it is shown: the English
    ``msgid`` and its ``values`` are kept apart (as the store's
    :class:`~kqcli.store.errors.Text`, which the problem becomes), so the command line
    translates it. ``str()`` is the English text. Values are plain text (a repr made by the
    caller), so a problem stored in the index reads back the same."""

    def __init__(self, msgid: str, **values: object) -> None:
        super().__init__(msgid.format(**values) if values else msgid)
        self.msgid, self.values = msgid, {k: str(v) for k, v in values.items()}


def listing(items: Any) -> str:
    """``'a', 'b'``: the values a message names, each as the file may write it."""
    return ", ".join(map(repr, items))


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return _in_range(value.date())
    if isinstance(value, dt.date):
        return _in_range(value)
    if isinstance(value, str) and _ISO_DAY.match(value.strip()):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise Invalid(N_("{value} is not a real date"), value=repr(value)) from None
        return _in_range(day)
    raise Invalid(N_("{value} is not a date; write YYYY-MM-DD, e.g. 2026-11-24"), value=repr(value))


def _in_range(day: dt.date) -> dt.date:
    try:
        return day_in_range(day)
    except ValueError:
        raise Invalid(N_("{day} is outside the dates kq works with ({first} to {last})"),
                      day=day.isoformat(), first=FIRST_DAY.isoformat(),
                      last=LAST_DAY.isoformat()) from None


def _to_year_month(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    m = _YEAR_MONTH.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise Invalid(N_("{value} is not a month; write YYYY-MM, e.g. 2026-10"), value=repr(value))
    if not FIRST_DAY.year <= int(m.group(1)) <= LAST_DAY.year:
        raise Invalid(N_("{value} is outside the months kq works with ({first}-01 to {last}-12)"),
                      value=repr(value), first=FIRST_DAY.year, last=LAST_DAY.year)
    return text.strip()


def _to_lunar_day(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(N_('{value}: write a lunar birthday in quotes as "MM-DD" or "LMM-DD"'),
                      value=repr(value))
    m = _LUNAR_DAY.match(value.strip())
    if not m:
        raise Invalid(N_('{value} is not a lunar month-day; write "08-15", or "L04-10" for the '
                         "10th of leap 4th month"), value=repr(value))
    leap, month, day = m.group(1), int(m.group(2)), int(m.group(3))
    if not 1 <= month <= 12 or not 1 <= day <= 30:
        raise Invalid(N_("{value}: a lunar month is 1-12 and a day 1-30"), value=repr(value))
    return f"{leap}{month:02d}-{day:02d}"


def _to_clock(value: Any) -> str:
    if isinstance(value, str):
        m = _CLOCK.match(value.strip())
        if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
            return f"{int(m.group(1)):02d}:{m.group(2)}"
    raise Invalid(N_('{value} is not a time of day; write it in quotes as "HH:MM", e.g. "09:30"'),
                  value=repr(value))


def _to_text_number(value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, int | float):
        raise Invalid(N_('{value} must be a string in quotes, e.g. "{plain}": unquoted, YAML reads '
                         "it as a number and some readers drop a leading 0"),
                      value=repr(value), plain=value)
    if not isinstance(value, str):
        raise Invalid(N_("{value} is not text"), value=repr(value))
    return value


Day = Annotated[
    dt.date,
    BeforeValidator(_to_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]
YearMonth = Annotated[
    str,
    BeforeValidator(_to_year_month),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"}),
]
LunarDay = Annotated[
    str,
    BeforeValidator(_to_lunar_day),
    WithJsonSchema({"type": "string", "pattern": r"^L?\d{1,2}-\d{1,2}$",
                    "description": 'lunar month-day, "08-15"; leap month "L04-10"'}),
]
Clock = Annotated[
    str,
    BeforeValidator(_to_clock),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}:\d{2}$"}),
]
PhoneText = Annotated[
    str,
    BeforeValidator(_to_text_number),
    WithJsonSchema({"type": "string", "description": "in quotes, so a leading 0 is kept"}),
]
Amount = Annotated[int | float, Field(ge=0, le=MAX_AMOUNT)]
_PairDays = Annotated[int, Field(le=MAX_DAYS)]
DayPair = Annotated[tuple[_PairDays, _PairDays], PlainSerializer(list, return_type=list)]


def check_most(value: int | float, most: int = MAX_DAYS) -> int | float:
    """A count of days (or months, weeks) kq adds to a date: bounded, so the date stays real."""
    if value > most:
        raise Invalid(N_("{value} is above the maximum {limit}"), value=repr(value), limit=most)
    return value


def check_pair(pair: tuple[int, int] | None) -> tuple[int, int] | None:
    if pair is not None and not 0 < pair[0] <= pair[1]:
        raise Invalid(N_("[{first}, {second}]: write [shows-from, due] days, 0 < first <= second"),
                      first=pair[0], second=pair[1])
    return pair


def Aliased(enum: type[StrEnum]) -> Any:  # noqa: N802 - reads like a type
    """An enum field that also accepts its Chinese aliases and serialises to the English value."""
    return Annotated[
        enum,
        BeforeValidator(lambda v, _e=enum: parse_enum(_e, v)),
        PlainSerializer(lambda v: v.value, return_type=str),
        WithJsonSchema({"type": "string", "enum": [m.value for m in enum]
                        + [k for k in ALIASES.get(enum, {}) if not k.isascii()],
                        "description": " | ".join(m.value for m in enum)}),
    ]
