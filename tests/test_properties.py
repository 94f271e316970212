"""Properties the code states, checked by hypothesis over many generated cases.

- A cadence window never stretches (kqcli.core.dates.WorkCalendar.latest_working_day): its due
  day is a working day inside the window, the last one, or, only when every day of it is off,
  the first working day after it.
- An amount reads back as the number it was (kqcli.core.amounts.amount): separators and
  dropped trailing zeros lose nothing.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from kqcli.core.amounts import amount
from kqcli.core.dates import WorkCalendar

DAYS = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2028, 12, 31))


@settings(max_examples=300, deadline=None)
@given(first=DAYS, length=st.integers(min_value=0, max_value=10),
       off=st.sets(DAYS, max_size=20), working=st.sets(DAYS, max_size=5))
def test_a_window_is_due_on_its_last_working_day_or_only_then_after_it(first, length, off,
                                                                        working):
    calendar = WorkCalendar.of(off - working, working)
    last = first + dt.timedelta(days=length)
    due, _covered = calendar.latest_working_day(first, last)
    window = [first + dt.timedelta(days=n) for n in range(length + 1)]
    open_days = [d for d in window if calendar.is_working_day(d)[0]]
    assert calendar.is_working_day(due)[0]
    if open_days:
        assert due == open_days[-1]  # never past the window while a day of it is open
    else:
        assert due > last
        between = [last + dt.timedelta(days=n) for n in range(1, (due - last).days)]
        assert not any(calendar.is_working_day(d)[0] for d in between)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.integers(min_value=-10**12, max_value=10**12),
                 st.decimals(min_value=-10**9, max_value=10**9, places=2).map(float)))
def test_an_amount_reads_back_as_the_number_it_was(value):
    text = amount(value)
    assert "e" not in text.lower()
    assert float(text.replace(",", "")) == round(float(value), 2)
