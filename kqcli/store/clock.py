"""Where kq reads the wall clock: every "now" and "today" goes through here (standard library
only, since the console script asks before importing anything heavy).

``KQ_CLOCK=YYYY-MM-DD`` (or ``YYYY-MM-DDTHH:MM``) moves the wall clock itself, below
``--today``/``KQ_TODAY``, which say which day a command works for. The test suite runs the
tests that read the clock at several dates that have bitten such tools (a year's last day, 除夕,
29 February) this way; ``KQ_CLOCK_LOG=FILE`` appends the name of the test that read it
(pytest's ``PYTEST_CURRENT_TEST``), so that only those are run again.
"""

from __future__ import annotations

import datetime as dt
import os


def now(noted: bool = True) -> dt.datetime:
    """The local time now, or the moved clock's. ``noted``: False for a read no answer rests
    on (kq's server working out dates ahead), which the suite need not run again."""
    text = os.environ.get("KQ_CLOCK")
    log = os.environ.get("KQ_CLOCK_LOG")
    if log and noted:
        _note(log)
    if not text:
        return dt.datetime.now()
    try:
        moved = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"KQ_CLOCK: {text!r} is not a date; write YYYY-MM-DD") from None
    return moved


def today(noted: bool = True) -> dt.date:
    """Today's date by the wall clock (or the moved one)."""
    return now(noted).date()


def _note(log: str) -> None:
    reader = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
    try:
        with open(log, "a", encoding="utf-8") as f:
            f.write(reader + "\n")
    except OSError:
        pass
