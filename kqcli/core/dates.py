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
from typing import Any

FESTIVALS: dict[str, str] = {
    "new_year": "solar 01-01",
    "spring_festival": "lunar 01-01",
    "lantern": "lunar 01-15",
    "qingming": "term 清明",
    "labour_day": "solar 05-01",
    "dragon_boat": "lunar 05-05",
    "mid_autumn": "lunar 08-15",
    "national_day": "solar 10-01",
    "double_ninth": "lunar 09-09",
    "winter_solstice": "term 冬至",
}
"""Each festival's key and how it is dated (its name is the message ``festival_<key>``; a
solar term is named as the lunar calendar names it)."""
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
def _lunar_year(year: int) -> Any:
    """lunar-python's lunar ``year``, worked out once in a process (~8 ms: its solar terms and
    new moons). The library keeps only the last year it worked out: the month table of one
    year and the solar terms of another, asked in turn, worked both out again each time (nine
    years for one customer's festivals, 66 ms of an edited file's 77 ms in kq's server)."""
    from lunar_python import LunarYear

    return LunarYear(year)


def work_out_lunar_years(around: dt.date) -> None:
    """Work out the lunar years the rules read around a day (its year, the one before and the
    one after), once: kq's server does before it forks a child per run, so that a customer
    evaluated there (a file edited by hand) does not work them out again (~25 ms)."""
    for year in range(around.year - 1, around.year + 2):
        _lunar_year(year)


@lru_cache(maxsize=64)
def _lunar_months(year: int) -> dict[tuple[int, bool], tuple[dt.date, int]]:
    """(month, is_leap) -> (first day, number of days) for every month of a lunar year.

    lunar-python recomputes a whole year (solar terms, new moons) on each lookup; computing
    each year once turns thousands of birthdays from seconds into milliseconds.
    """
    from lunar_python import Solar

    months = {}
    for m in _lunar_year(year).getMonthsInYear():
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
    from lunar_python import Lunar, Solar

    for lunar_year in (year - 1, year, year + 1):
        # the table Lunar.getJieQiTable() makes of the year's solar terms, without a Lunar
        table = dict(zip(Lunar.JIE_QI_IN_USE, _lunar_year(lunar_year).getJieQiJulianDays(),
                         strict=False))
        for key in (name, _TERM_KEYS.get(name, name)):
            if key in table:
                solar = Solar.fromJulianDay(table[key])
                if solar.getYear() == year:
                    return dt.date(year, solar.getMonth(), solar.getDay())
    raise ValueError(f"no solar term {name} in {year}")


@lru_cache(maxsize=256)
def festival_date(key: str, year: int) -> dt.date:
    """The festival's date in the Gregorian ``year`` (lunar festivals are converted)."""
    how, what = FESTIVALS[key].split(" ")
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


@lru_cache(maxsize=1024)
def next_festival(key: str, on_or_after: dt.date) -> dt.date:
    for year in (on_or_after.year, on_or_after.year + 1):
        found = festival_date(key, year)
        if found >= on_or_after:
            return found
    raise AssertionError("unreachable")


@lru_cache(maxsize=4096)
def lunar_day(spec: str, lang: str = "zh") -> str:
    """A lunar month-day as kq writes it (``"10-20"``, leap ``"L05-15"``) as people write it:
    农历十月二十, 农历闰五月十五; in English ``lunar 10-20``, ``lunar leap 05-15``."""
    from lunar_python.util import LunarUtil

    month, day, leap = parse_lunar(spec)
    if lang != "zh":
        return f"lunar {'leap ' if leap else ''}{month:02d}-{day:02d}"
    return f"农历{'闰' if leap else ''}{LunarUtil.MONTH[month]}月{LunarUtil.DAY[day]}"


def lunar_spec(day: dt.date) -> str:
    """The lunar month-day of a Gregorian day as kq writes it: ``"10-20"``, leap ``"L04-10"``.

    Read from the months of the lunar year (each year worked out once): lunar-python's
    ``Solar.getLunar`` works out whole lunar years again and again when the days asked for
    alternate between years, which made ~1.3 s of rebuilding the agenda of 2,000 customers.
    """
    for year in (day.year, day.year - 1):  # a January day may still be in last year's 腊月
        for (month, leap), (first, days) in _lunar_months(year).items():
            if first <= day < first + dt.timedelta(days):
                return f"{'L' if leap else ''}{month:02d}-{(day - first).days + 1:02d}"
    raise ValueError(f"{day.isoformat()} is outside the lunar calendar")


def lunar_label(day: dt.date) -> str:
    """The lunar date of a Gregorian day in Chinese notation: 十月二十, 闰四月初十, 腊月廿九."""
    return lunar_day(lunar_spec(day)).removeprefix("农历")


@lru_cache(maxsize=64)
def statutory_days_off(year: int) -> frozenset[dt.date]:
    """Public holidays by the State Council's 全国年节及纪念日放假办法 (2024 revision).

    For years the official calendar does not cover yet: 元旦 1 day, 春节 4 days (除夕 to 初三),
    清明 1, 劳动节 2 (May 1-2), 端午 1, 中秋 1, 国庆 3 (Oct 1-3). Article 6 (补假): a holiday on
    a Saturday or Sunday gives a day off on the next working day, as does a holiday falling on
    another one's day (中秋 on a 国庆 day). No 调休 swaps (weekends worked) are guessed.
    """
    holidays = [dt.date(year, 1, 1), dt.date(year, 5, 1), dt.date(year, 5, 2),
                dt.date(year, 10, 1), dt.date(year, 10, 2), dt.date(year, 10, 3),
                solar_term(year, "清明"), festival_date("dragon_boat", year),
                festival_date("mid_autumn", year)]
    for spring in (festival_date("spring_festival", year), festival_date("spring_festival", year + 1)):
        holidays.extend(spring + dt.timedelta(days=n) for n in range(-1, 3))
    holidays = sorted(d for d in holidays if d.year == year)
    days = set(holidays)
    for n, day in enumerate(holidays):
        if day.weekday() < 5 and day not in holidays[:n]:
            continue
        makeup = day + dt.timedelta(days=1)  # 补假: the next day that is neither weekend nor off
        while makeup.weekday() >= 5 or makeup in days:
            makeup += dt.timedelta(days=1)
        days.add(makeup)
    return frozenset(d for d in days if d.year == year)


@dataclass(frozen=True)
class Day:
    """What the work calendar knows of one day."""

    working: bool
    holiday: bool  # a public or team holiday (not a plain weekend)
    covered: bool  # False: the year's days off are estimated from the statutory rules


@dataclass(frozen=True)
class WorkCalendar:
    """Official working days, with a team's own extra days off and working days."""

    extra_days_off: frozenset[dt.date] = frozenset()
    extra_working_days: frozenset[dt.date] = frozenset()

    @classmethod
    def of(cls, days_off: Iterable[dt.date], working: Iterable[dt.date]) -> WorkCalendar:
        return cls(frozenset(days_off), frozenset(working))

    def day(self, day: dt.date) -> Day:
        if day in self.extra_working_days:
            return Day(True, False, True)
        if day in self.extra_days_off:
            return Day(False, True, True)
        return _official_day(day)

    def is_working_day(self, day: dt.date) -> tuple[bool, bool]:
        """(is it a working day, does the official calendar cover that year)."""
        info = self.day(day)
        return info.working, info.covered

    def next_working_day(self, day: dt.date) -> tuple[dt.date, bool]:
        """``day`` itself when it is a working day, else the next one; and whether covered."""
        covered = True
        for _ in range(60):
            info = self.day(day)
            covered = covered and info.covered
            if info.working:
                return day, covered
            day += dt.timedelta(days=1)
        return day, covered  # a team calendar with two months off: give up shifting

    def latest_working_day(self, first: dt.date, last: dt.date) -> tuple[dt.date, bool]:
        """The last working day of the window ``[first, last]``, or, when every day of it is
        off, the first working day after it; and whether the official calendar covered every
        day looked at."""
        covered, day = True, last
        while day >= first:
            info = self.day(day)
            covered = covered and info.covered
            if info.working:
                return day, covered
            day -= dt.timedelta(days=1)
        after, known = self.next_working_day(last + dt.timedelta(days=1))
        return after, covered and known

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


@lru_cache(maxsize=4096)
def _official_day(day: dt.date) -> Day:
    import chinese_calendar

    try:
        working = chinese_calendar.is_workday(day)
        _, name = chinese_calendar.get_holiday_detail(day)
        return Day(working, not working and name is not None, True)
    except NotImplementedError:
        holiday = day in statutory_days_off(day.year)
        return Day(day.weekday() < 5 and not holiday, holiday, False)
