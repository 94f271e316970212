"""What ``kq plan`` (and ``kq day``) read to plan a rep's day: the index's customers of that
rep and their reminders on the day, handed to :func:`kqcli.core.plan.plan_day`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core.plan import DayPlan


def day_plans(repo: Any, date: dt.date, owner: str | None) -> list[DayPlan]:
    """The day of ``owner`` on ``date``; for None (``--owner all``), each rep's own day, reps
    in name order (a day is one rep's: customers nobody owns, or whose rep has left by then,
    are in nobody's; ``kq due`` lists them as orphans)."""
    if owner is not None:
        return [day_plan(repo, date, owner)]
    from ..core.due import customer_reminders
    from ..core.plan import plan_day

    rows = repo.index.facts()
    reminders = customer_reminders(rows, repo.settings, date)
    left = repo.settings.departed()
    owners = sorted({s["owner"] for s, _ in rows if s.get("owner")}
                    - {rep for rep, day in left.items() if day <= date})
    return [plan_day([(s, f) for s, f in rows if s.get("owner") == rep], repo.settings, date,
                     rep, [r for r in reminders if r.owner == rep]) for rep in owners]


def day_plan(repo: Any, date: dt.date, owner: str | None) -> DayPlan:
    """The day of ``owner`` (None: every customer) on ``date``, from the repository's index."""
    from ..core.due import customer_reminders
    from ..core.plan import plan_day

    rows = [(s, f) for s, f in repo.index.facts() if owner is None or s.get("owner") == owner]
    reminders = customer_reminders(rows, repo.settings, date)
    return plan_day(rows, repo.settings, date, owner, reminders)
