"""Small value types shared by the customer file and kq.yaml."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema

from ..core.bounds import FIRST_DAY, LAST_DAY, MAX_AMOUNT, MAX_DAYS, day_in_range
from .enums import ALIASES, parse_enum

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_LUNAR_DAY = re.compile(r"^(L?)(\d{1,2})-(\d{1,2})$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return day_in_range(value.date())
    if isinstance(value, dt.date):
        return day_in_range(value)
    if isinstance(value, str) and _ISO_DAY.match(value.strip()):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a real date") from None
        return day_in_range(day)
    raise ValueError(f"{value!r} is not a date; write YYYY-MM-DD, e.g. 2026-11-24")


def _to_year_month(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    m = _YEAR_MONTH.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"{value!r} is not a month; write YYYY-MM, e.g. 2026-10")
    if not FIRST_DAY.year <= int(m.group(1)) <= LAST_DAY.year:
        raise ValueError(f"{value!r} is outside the months kq works with "
                         f"({FIRST_DAY.year}-01 to {LAST_DAY.year}-12)")
    return text.strip()


def _to_lunar_day(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f'{value!r}: write a lunar birthday in quotes as "MM-DD" or "LMM-DD"')
    m = _LUNAR_DAY.match(value.strip())
    if not m:
        raise ValueError(f'{value!r} is not a lunar month-day; write "08-15", or "L04-10" '
                         "for the 10th of leap 4th month")
    leap, month, day = m.group(1), int(m.group(2)), int(m.group(3))
    if not 1 <= month <= 12 or not 1 <= day <= 30:
        raise ValueError(f"{value!r}: a lunar month is 1-12 and a day 1-30")
    return f"{leap}{month:02d}-{day:02d}"


def _to_clock(value: Any) -> str:
    if isinstance(value, str):
        m = _CLOCK.match(value.strip())
        if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
            return f"{int(m.group(1)):02d}:{m.group(2)}"
    raise ValueError(f'{value!r} is not a time of day; write it in quotes as "HH:MM", e.g. "09:30"')


def _to_text_number(value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, int | float):
        raise ValueError(
            f'{value!r} must be a string in quotes, e.g. "{value}": unquoted, YAML reads it as a '
            "number and some readers drop a leading 0"
        )
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text")
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
        raise ValueError(f"{value!r} is above the maximum {most}")
    return value


def check_pair(pair: tuple[int, int] | None) -> tuple[int, int] | None:
    if pair is not None and not 0 < pair[0] <= pair[1]:
        raise ValueError(f"[{pair[0]}, {pair[1]}]: write [shows-from, due] days, 0 < first <= second")
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
