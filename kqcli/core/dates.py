"""Calendar facts: lunar dates (农历), Chinese festivals, official working days.

Pure functions. Lunar conversion uses lunar-python; the working-day calendar uses
chinesecalendar (State Council announcements, adjusted working days included), with a
Monday-to-Friday fallback for years it does not cover yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# key -> (Chinese name, how it is dated)
FESTIVALS: dict[str, tuple[str, str]] = {
    "new_year": ("元旦", "solar 01-01"),
    "spring_festival": ("春节", "lunar 01-01"),
    "lantern": ("元宵", "lunar 01-15"),
    "qingming": ("清明", "term 清明"),
    "labour_day": ("劳动节", "solar 05-01"),
    "dragon_boat": ("端午", "lunar 05-05"),
    "mid_autumn": ("中秋", "lunar 08-15"),
    "national_day": ("国庆", "solar 10-01"),
    "double_ninth": ("重阳", "lunar 09-09"),
    "winter_solstice": ("冬至", "term 冬至"),
}
_TERM_KEYS = {"清明": "QING_MING", "冬至": "DONG_ZHI"}


def add_months(day: dt.date, n: int) -> dt.date:
    """The first day of the month ``n`` months after ``day``'s month (n may be negative)."""
    index = day.year * 12 + day.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_before(day: dt.date, n: int) -> list[str]:
    """The ``n`` month keys before ``day``'s month, oldest first."""
    return [month_key(add_months(day, -k)) for k in range(n, 0, -1)]


def parse_lunar(spec: str) -> tuple[int, int, bool]:
    """``"L06-01"`` -> (6, 1, True); ``"08-15"`` -> (8, 15, False)."""
    leap = spec.startswith("L")
    month, day = spec.lstrip("L").split("-")
    return int(month), int(day), leap


@lru_cache(maxsize=64)
def _lunar_months(year: int) -> dict[tuple[int, bool], tuple[dt.date, int]]:
    """(month, is_leap) -> (first day, number of days) for every month of a lunar year.

    lunar-python recomputes a whole year (solar terms, new moons) on each lookup; computing
    each year once turns thousands of birthdays from seconds into milliseconds.
    """
    from lunar_python import LunarYear, Solar

    months = {}
    for m in LunarYear.fromYear(year).getMonthsInYear():
        first = Solar.fromJulianDay(m.getFirstJulianDay())
        months[(abs(m.getMonth()), m.getMonth() < 0)] = (
            dt.date(first.getYear(), first.getMonth(), first.getDay()), m.getDayCount())
    return months


def lunar_to_solar(year: int, month: int, day: int, leap: bool = False) -> dt.date:
    """The Gregorian date of a lunar date in lunar ``year``.

    A leap month that year lacks falls back to the ordinary month; a 30th in a month of 29
    days becomes the month's last day.
    """
    months = _lunar_months(year)
    first, length = months.get((month, leap)) or months[(month, False)]
    return first + dt.timedelta(days=min(day, length) - 1)


def next_lunar(spec: str, on_or_after: dt.date) -> dt.date:
    """The next Gregorian date, on or after the given day, of a lunar month-day."""
    month, day, leap = parse_lunar(spec)
    start = on_or_after.year - 1
    for year in range(start, start + 3):
        found = lunar_to_solar(year, month, day, leap)
        if found >= on_or_after:
            return found
    raise AssertionError("unreachable: every lunar date recurs within two years")


def next_solar(month: int, day: int, on_or_after: dt.date) -> dt.date:
    """The next date with this month and day (29 February is kept on the 28th in other years)."""
    for year in (on_or_after.year, on_or_after.year + 1):
        try:
            found = dt.date(year, month, day)
        except ValueError:
            found = dt.date(year, month, 28)
        if found >= on_or_after:
            return found
    raise AssertionError("unreachable")


@lru_cache(maxsize=64)
def solar_term(year: int, name: str) -> dt.date:
    """The date of a solar term (节气) such as 清明 or 冬至 in a Gregorian year."""
    from lunar_python import Lunar

    for lunar_year in (year - 1, year, year + 1):
        table = Lunar.fromYmd(lunar_year, 6, 1).getJieQiTable()
        for key in (name, _TERM_KEYS.get(name, name)):
            solar = table.get(key)
            if solar is not None and solar.getYear() == year:
                return dt.date(year, solar.getMonth(), solar.getDay())
    raise ValueError(f"no solar term {name} in {year}")


@lru_cache(maxsize=256)
def festival_date(key: str, year: int) -> dt.date:
    """The festival's date in the Gregorian ``year`` (lunar festivals are converted)."""
    how, what = FESTIVALS[key][1].split(" ")
    if how == "solar":
        month, day = map(int, what.split("-"))
        return dt.date(year, month, day)
    if how == "term":
        return solar_term(year, what)
    month, day = map(int, what.split("-"))
    for lunar_year in (year - 1, year):
        found = lunar_to_solar(lunar_year, month, day)
        if found.year == year:
            return found
    raise ValueError(f"{key} does not fall in {year}")


def next_festival(key: str, on_or_after: dt.date) -> dt.date:
    for year in (on_or_after.year, on_or_after.year + 1):
        found = festival_date(key, year)
        if found >= on_or_after:
            return found
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class WorkCalendar:
    """Official working days, with a team's own extra days off and working days."""

    extra_days_off: frozenset[dt.date] = frozenset()
    extra_working_days: frozenset[dt.date] = frozenset()

    @classmethod
    def of(cls, days_off: Iterable[dt.date], working: Iterable[dt.date]) -> WorkCalendar:
        return cls(frozenset(days_off), frozenset(working))

    def is_working_day(self, day: dt.date) -> tuple[bool, bool]:
        """(is it a working day, does the official calendar cover that year)."""
        if day in self.extra_working_days:
            return True, True
        if day in self.extra_days_off:
            return False, True
        return _official_working_day(day)

    def nth_working_day(self, year: int, month: int, n: int) -> tuple[dt.date, bool]:
        """The n-th working day of a month, and whether the official calendar covered it."""
        day, seen, covered = dt.date(year, month, 1), 0, True
        while True:
            working, known = self.is_working_day(day)
            covered = covered and known
            if working:
                seen += 1
                if seen == n:
                    return day, covered
            day += dt.timedelta(days=1)


@lru_cache(maxsize=2048)
def _official_working_day(day: dt.date) -> tuple[bool, bool]:
    import chinese_calendar

    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False
