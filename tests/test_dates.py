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
