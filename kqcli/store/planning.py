"""What ``kq plan`` (and ``kq day``) read to plan a rep's day: the index's customers of that
rep and their reminders on the day, handed to :func:`kqcli.core.plan.plan_day`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core.plan import DayPlan


def day_plan(repo: Any, date: dt.date, owner: str | None) -> DayPlan:
    """The day of ``owner`` (None: every customer) on ``date``, from the repository's index."""
    from ..core.due import customer_reminders
    from ..core.plan import plan_day

    rows = [(s, f) for s, f in repo.index.facts() if owner is None or s.get("owner") == owner]
    reminders = customer_reminders(rows, repo.settings, date)
    return plan_day(rows, repo.settings, date, owner, reminders)
