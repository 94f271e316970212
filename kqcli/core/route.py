"""The day's route (``kq route``): fixed-route customers in time order, then due visits by region."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..schema.config import Settings
from .due import WEEKDAYS, CustomerRules, said

WEEKDAY_WORDS = {**{w: i for i, w in enumerate(WEEKDAYS)},
                 **{w: i for i, w in enumerate(("周一", "周二", "周三", "周四", "周五", "周六", "周日"))},
                 **{w: i for i, w in enumerate(("星期一", "星期二", "星期三", "星期四", "星期五",
                                               "星期六", "星期日"))},
                 "周天": 6, "星期天": 6}


def day_of(word: str | None, today: dt.date) -> dt.date | None:
    """``tue``/``周二`` -> the next such day (today included); ``2026-11-24`` -> that day."""
    if not word:
        return today
    key = word.strip().lower()[:3] if word.isascii() and not word[:1].isdigit() else word.strip()
    if key in WEEKDAY_WORDS:
        return today + dt.timedelta(days=(WEEKDAY_WORDS[key] - today.weekday()) % 7)
    try:
        return dt.date.fromisoformat(word.strip())
    except ValueError:
        return None


def plan(rows: list[tuple[dict[str, Any], dict[str, Any]]], settings: Settings,
         day: dt.date) -> list[dict[str, Any]]:
    """Stops for ``day``: the fixed route first (by time), then due visits grouped by region."""
    fixed, visits = [], []
    for summary, facts in rows:
        if summary.get("status") == "terminated":
            continue
        rules = CustomerRules(summary, facts, settings, day)
        rules.visit_or_route()
        for r in rules.out:
            stop = {"customer": r.customer, "name": r.name, "stop": r.reason,
                    "time": r.time, "region": r.region, "address": summary.get("address"),
                    "due": r.due.isoformat(), "overdue_days": r.overdue_days(day),
                    **said(r.message), "estimated": r.estimated}
            if r.reason == "route" and r.due <= day and WEEKDAYS[day.weekday()] == \
                    summary["route"]["weekday"]:
                fixed.append(stop)
            elif r.reason == "visit" and r.shows_from <= day:
                visits.append(stop)
    fixed.sort(key=lambda s: (s["time"] or "99:99", s["name"]))
    visits.sort(key=lambda s: (s["region"] or "~", -s["overdue_days"], s["name"]))
    return fixed + visits
