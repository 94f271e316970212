"""Lunar dates, festivals and the official working-day calendar, against known dates."""

import datetime as dt

import pytest

from kqcli.core.dates import (
    WorkCalendar,
    festival_date,
    lunar_to_solar,
    next_festival,
    next_lunar,
    next_solar,
)


@pytest.mark.parametrize("year, day", [(2024, "2024-02-10"), (2025, "2025-01-29"),
                                       (2026, "2026-02-17"), (2027, "2027-02-06")])
def test_spring_festival(year, day):
    assert festival_date("spring_festival", year) == dt.date.fromisoformat(day)


def test_mid_autumn_2026():
    assert festival_date("mid_autumn", 2026) == dt.date(2026, 9, 25)


def test_solar_term_festivals_2026():
    assert festival_date("qingming", 2026) == dt.date(2026, 4, 5)
    assert festival_date("winter_solstice", 2026) == dt.date(2026, 12, 22)


def test_leap_month_birthday_in_a_year_with_that_leap_month():
    assert lunar_to_solar(2025, 6, 1, leap=True) == dt.date(2025, 7, 25)
    assert lunar_to_solar(2025, 6, 1, leap=False) == dt.date(2025, 6, 25)


def test_leap_month_birthday_falls_back_to_the_ordinary_month():
    # 2026 has no leap 6th month.
    assert lunar_to_solar(2026, 6, 1, leap=True) == lunar_to_solar(2026, 6, 1) == dt.date(2026, 7, 14)


def test_thirtieth_in_a_month_of_29_days_is_its_last_day():
    # The 12th lunar month of 2026 has 29 days.
    assert lunar_to_solar(2026, 12, 30) == lunar_to_solar(2026, 12, 29) == dt.date(2027, 2, 5)


def test_next_lunar_birthday_is_on_or_after_today():
    assert next_lunar("10-20", dt.date(2026, 11, 24)) == dt.date(2026, 11, 28)
    assert next_lunar("10-16", dt.date(2026, 11, 24)) == dt.date(2026, 11, 24)
    assert next_lunar("10-15", dt.date(2026, 11, 24)) == dt.date(2027, 11, 12)  # checked with borax


def test_next_lunar_does_not_match_the_leap_month_for_an_ordinary_birthday():
    # 2025 has a leap 6th month; an ordinary "06-10" birthday is 2025-07-04, not in the leap month.
    assert next_lunar("06-10", dt.date(2025, 7, 1)) == dt.date(2025, 7, 4)
    assert next_lunar("L06-10", dt.date(2025, 7, 5)) == dt.date(2025, 8, 3)


def test_february_29_birthday_in_a_common_year():
    assert next_solar(2, 29, dt.date(2026, 1, 1)) == dt.date(2026, 2, 28)


def test_next_festival_rolls_into_next_year():
    assert next_festival("spring_festival", dt.date(2026, 11, 24)) == dt.date(2027, 2, 6)


def test_third_working_day_of_october_2026_is_saturday_the_10th():
    day, covered = WorkCalendar().nth_working_day(2026, 10, 3)
    assert day == dt.date(2026, 10, 10) and day.weekday() == 5
    assert covered


def test_uncovered_year_counts_weekdays_less_statutory_holidays():
    day, covered = WorkCalendar().nth_working_day(2030, 3, 3)
    assert day == dt.date(2030, 3, 5)  # Fri 1, Mon 4, Tue 5
    assert not covered
    # June 2030: Mon 3, Tue 4, then 端午 (lunar 5-5) is Wed 5: the 3rd working day is Thu 6.
    assert WorkCalendar().nth_working_day(2030, 6, 3)[0] == dt.date(2030, 6, 6)


def test_extra_working_day_and_day_off():
    calendar = WorkCalendar.of([dt.date(2030, 6, 4)], [dt.date(2030, 6, 1)])
    # Sat 1 (extra working day), Mon 3, Tue 4 is off, Wed 5 is 端午, Thu 6.
    assert calendar.nth_working_day(2030, 6, 3)[0] == dt.date(2030, 6, 6)
    assert calendar.is_working_day(dt.date(2030, 6, 1)) == (True, True)
    assert calendar.is_working_day(dt.date(2030, 6, 4)) == (False, True)


def test_lunar_label_agrees_with_lunar_python_day_by_day():
    """Every day of 2025-2027 (a leap 六月 in 2025) and days spread over 1900-2199, against
    lunar-python's own Solar -> Lunar conversion."""
    import random

    from lunar_python import Solar

    from kqcli.core.dates import lunar_label

    rng = random.Random(11)
    days = [dt.date(2025, 1, 1) + dt.timedelta(n) for n in range(3 * 365)]
    days += [dt.date(1900, 1, 1) + dt.timedelta(rng.randrange(300 * 365)) for _ in range(150)]
    days += [dt.date(1900, 1, 1), dt.date(2199, 12, 31)]
    for day in days:
        lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
        assert lunar_label(day) == f"{lunar.getMonthInChinese()}月{lunar.getDayInChinese()}", day


def test_solar_terms_agree_with_lunar_pythons_own_table():
    """The solar terms read from the lunar year kq keeps are those of lunar-python's
    ``Lunar.getJieQiTable``, for terms at both ends of the year and years around a leap one."""
    import random

    from lunar_python import Lunar

    from kqcli.core.dates import _TERM_KEYS, solar_term

    def theirs(year: int, name: str) -> dt.date:
        for lunar_year in (year - 1, year, year + 1):
            table = Lunar.fromYmd(lunar_year, 6, 1).getJieQiTable()
            for key in (name, _TERM_KEYS.get(name, name)):
                solar = table.get(key)
                if solar is not None and solar.getYear() == year:
                    return dt.date(year, solar.getMonth(), solar.getDay())
        raise AssertionError(name)

    years = [2023, 2025, 2026, 2027, *random.Random(5).sample(range(1901, 2199), 5)]
    for year in years:
        for name in ("冬至", "小寒", "立春", "清明", "夏至", "大雪"):
            assert solar_term(year, name) == theirs(year, name), (year, name)


def test_the_rules_work_out_each_lunar_year_once(monkeypatch):
    """lunar-python keeps only the last lunar year it worked out (~8 ms each): the month table
    of one year and the solar terms of another, asked in turn, worked out nine years for one
    customer's festivals, most of an edited file's time in kq's server."""
    import lunar_python

    from kqcli.core import dates

    made = []
    real = lunar_python.LunarYear.__init__

    def counted(self, year):
        made.append(year)
        real(self, year)

    monkeypatch.setattr(lunar_python.LunarYear, "__init__", counted)
    for cached in (dates._lunar_year, dates._lunar_months, dates.solar_term,
                   dates.festival_date, dates.next_festival):
        cached.cache_clear()
    day = dt.date(2026, 12, 7)
    for key in dates.FESTIVALS:
        dates.next_festival(key, day - dt.timedelta(days=7))
        dates.next_festival(key, day)
    dates.statutory_days_off.__wrapped__(2027)
    assert sorted(made) == sorted(set(made)) and set(made) <= {2025, 2026, 2027, 2028}


def test_lunar_years_worked_out_ahead_are_not_worked_out_again():
    """What kq's server does before it forks a child per run (serve.server.preload)."""
    from kqcli.core import dates

    dates._lunar_year.cache_clear()
    dates._lunar_months.cache_clear()
    dates.work_out_lunar_years(dt.date(2026, 12, 7))
    before = dates._lunar_year.cache_info()
    dates.solar_term.cache_clear()
    dates.festival_date.cache_clear()
    dates.festival_date("spring_festival", 2027)
    dates.solar_term(2026, "清明")
    assert dates._lunar_year.cache_info().misses == before.misses == 3
