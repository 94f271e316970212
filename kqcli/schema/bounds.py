"""The dates and numbers kq computes with, which the schema's types bound and the rules compute
in. Pure and free of pydantic, so the warm path (``--today``, ``kq due``) can check a date
without importing the models."""

from __future__ import annotations

import datetime as dt

FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
"""The dates kq computes with: any later and a cadence or a lunar year would overflow."""
MAX_DAYS = 3650  # ten years: the longest cadence or lead time that still means something
MAX_AMOUNT = 10**12  # CNY; larger is a typo (and float sums would lose the cents)


def day_in_range(day: dt.date) -> dt.date:
    """``day``, or a ValueError that says which dates kq works with."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{day.isoformat()} is outside the dates kq works with "
                         f"({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})")
    return day
