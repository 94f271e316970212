"""The monthly expense statement (月客户采购及客情费统计表) of each rep and its three sign-offs:
which months are still open, who has not signed, and when payment may start.

``statements`` is what ``statements/YYYY-MM.yaml`` hold (the month the statement covers), as
plain data: ``{"2026-11": {"李明": {"submitted": "2026-12-02", "special": "2026-12-02",
"clerk": {"by": "周敏", "date": "2026-12-04"}, "manager": {…}, "finance": {…}}}}``.

A statement is due on the n-th working day of the month after (``expenses.statement_working_day``),
checked by the sales clerk, the sales manager and finance by another (``check_working_day``) and
paid from a third (``pay_working_day``) once all three have signed. A rep owes every month from
the first one recorded for them; a rep with none recorded owes the latest month whose deadline
has passed (and the next one), as a team that never used ``kq statement`` must not owe every
month since kq began.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from . import dates
from .messages import TEMPLATES, Message

ROLES = ("clerk", "manager", "finance")
"""The sign-offs, in the order the statement goes round."""
ROLE_CN = {role: TEMPLATES[f"role_{role}"][1] for role in ROLES}
"""The sign-off roles' Chinese names (销售内勤, 销售经理, 财务), as the messages word them."""

Statements = dict[str, dict[str, dict[str, Any]]]
Entry = dict[str, Any]


def entry(statements: Statements | None, period: str, rep: str) -> Entry:
    """What is recorded of ``rep``'s statement of ``period`` ({} when nothing is)."""
    return ((statements or {}).get(period) or {}).get(rep) or {}


def submitted(found: Entry) -> bool:
    return bool(found.get("submitted"))


def unsigned(found: Entry) -> list[str]:
    """The roles that have not signed, in order."""
    return [role for role in ROLES if not found.get(role)]


def signed(found: Entry) -> bool:
    """Submitted and signed by all three: nothing left to check."""
    return submitted(found) and not unsigned(found)


def month_start(period: str) -> dt.date:
    return dt.date.fromisoformat(f"{period}-01")


def next_period(period: str, months: int = 1) -> str:
    return dates.month_key(dates.add_months(month_start(period), months))


def deadline(calendar: dates.WorkCalendar, period: str, n: int) -> tuple[dt.date, bool]:
    """The n-th working day of the month after ``period``, and whether the official calendar
    covers it (False: estimated)."""
    after = dates.add_months(month_start(period), 1)
    return calendar.nth_working_day(after.year, after.month, n)


def current(calendar: dates.WorkCalendar, today: dt.date, n: int) -> str:
    """The month whose n-th working day deadline is the first on or after ``today``."""
    due, _ = calendar.nth_working_day(today.year, today.month, n)
    this = dates.month_key(today)
    return next_period(this, -1) if due >= today else this


def first_recorded(statements: Statements | None, rep: str) -> str | None:
    return min((period for period, reps in (statements or {}).items() if rep in reps),
               default=None)


def first_owed(statements: Statements | None, rep: str, latest: str) -> str:
    """The first month ``rep`` owes, ``latest`` being the month of the statement due next:
    the first month recorded for them (``latest`` at most), else the month before ``latest``
    (the latest one whose deadline has passed)."""
    first = first_recorded(statements, rep)
    return min(first, latest) if first else next_period(latest, -1)


def open_periods(statements: Statements | None, rep: str, start: str, end: str,
                 done: Callable[[Entry], bool]) -> list[str]:
    """The months from ``start`` to ``end`` whose statement is not ``done``, oldest first."""
    out = []
    period = start
    while period <= end:
        if not done(entry(statements, period, rep)):
            out.append(period)
        period = next_period(period)
    return out


def active_in(settings: Any, rep: str, period: str) -> bool:
    """A rep was on the team in ``period`` (one who left during it still has it to check)."""
    found = next((r for r in settings.reps if r.name == rep), None)
    return found is None or found.left is None or found.left >= month_start(period)


def pay_from(calendar: dates.WorkCalendar, period: str, pay_day: int,
             found: Entry) -> dt.date | None:
    """The day payment may start: the pay working day, or the last signature when that came
    later; None until all three have signed."""
    if not signed(found):
        return None
    pay, _ = deadline(calendar, period, pay_day)
    last = max(dt.date.fromisoformat(str(found[role]["date"])) for role in ROLES)
    return max(pay, last)


def missing(found: Entry) -> Message:
    """``未提交``, or ``未签: 销售内勤、财务`` (not submitted; not signed: …)."""
    if not submitted(found):
        return Message("not_submitted")
    return Message("not_signed", {"roles": [Message(f"role_{role}") for role in unsigned(found)]})


def status(statements: Statements | None, settings: Any, calendar: dates.WorkCalendar,
           period: str, rep: str) -> dict[str, Any]:
    """One rep's statement of one month as ``kq statement list`` shows it."""
    cfg = settings.expenses
    found = entry(statements, period, rep)
    due, _ = deadline(calendar, period, cfg.statement_working_day)
    check, _ = deadline(calendar, period, cfg.check_working_day)
    pay = pay_from(calendar, period, cfg.pay_working_day, found)
    row: dict[str, Any] = {"month": period, "rep": rep, "submitted": found.get("submitted"),
                           "special": found.get("special"), "due": due.isoformat()}
    for role in ROLES:
        sign = found.get(role) or {}
        row[role] = sign.get("by")
        row[f"{role}_date"] = sign.get("date")
    state = "signed" if signed(found) else "submitted" if submitted(found) else "missing"
    row.update({"unsigned": unsigned(found), "check_by": check.isoformat(),
                "pay_from": pay.isoformat() if pay else None, "state": state})
    return row
