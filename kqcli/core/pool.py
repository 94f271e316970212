"""The customer pool (公海): customers nobody looks after, which any rep may claim.

Pure functions over a customer's index row (summary + daily facts) and the settings. A
customer is in the pool when ``kq.yaml`` has ``pool:``, it is active and of one of the pool's
kinds, and either

- nobody met it in person for ``pool.after_days`` (counted from the last in-person
  interaction, or from the last change of owner (``owners:``) when that is later: a claim or a
  reassignment gives the new owner a fresh ``after_days``; with neither, from ``since``), or
- its owner left the team more than ``pool.departed_days`` ago.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .owners import last_change

if TYPE_CHECKING:  # pydantic stays off kq due's warm path
    from collections.abc import Callable

    from ..schema.config import Settings

FIELDS = ("customer", "name", "owner", "last_in_person", "days")
POOL_FACTS = ("last_in_person",)
"""The daily facts :func:`pool_entry` reads (``Index.facts(POOL_FACTS)``: a column of their
own, not every customer's facts decoded)."""


@dataclass(frozen=True)
class PoolEntry:
    customer: str
    name: str
    owner: str | None
    last_in_person: dt.date | None
    days: int | None  # days since the last in-person interaction (None: never met)
    entered: dt.date  # the day the customer went to the pool
    why: str  # "neglected" or "departed"

    def to_json(self) -> dict[str, Any]:
        return {"customer": self.customer, "name": self.name, "owner": self.owner,
                "last_in_person": self.last_in_person.isoformat() if self.last_in_person
                else None, "days": self.days}


def _d(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def handover_of(summary: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any] | None:
    """The customer's last change of owner, ``{from, to, date}`` (the last entry of
    ``owners``, or a v2 ``handover``); None when it never changed hands."""
    return last_change(summary)


def pool_entry(summary: dict[str, Any], facts: dict[str, Any], settings: Settings,
               today: dt.date, departed: dict[str, dt.date] | None = None,
               changes: Callable[[dt.date], None] | None = None) -> PoolEntry | None:
    """The customer's place in the pool today, or None when it is not in the pool;
    ``changes`` is told each day on which the answer may differ (core.due.CustomerRules)."""
    changes = changes or _nothing
    cfg = settings.pool
    if cfg is None or summary.get("status") != "active" or summary.get("kind") not in cfg.kinds:
        return None
    left = settings.departed() if departed is None else departed
    last = _d(facts.get("last_in_person"))
    handover = handover_of(summary, facts)
    handed = _d(handover.get("date")) if handover else None
    starts = [d for d in (last, handed) if d is not None] or (
        [_d(summary["since"])] if summary.get("since") else [])
    days = (today - last).days if last else None
    owner = summary.get("owner")
    entered: list[tuple[dt.date, str]] = []
    if starts:
        since = max(starts) + dt.timedelta(days=cfg.after_days)
        changes(since)
        if since <= today:
            entered.append((since, "neglected"))
    if owner in left:
        since = left[owner] + dt.timedelta(days=cfg.departed_days + 1)
        changes(since)
        if since <= today:
            entered.append((since, "departed"))
    if not entered:
        return None
    day, why = min(entered)
    if last is not None:
        changes(today + dt.timedelta(days=1))  # days unseen, counted from today
    return PoolEntry(summary["id"], summary["name"], owner, last, days, day, why)


def pool(rows: list[tuple[dict[str, Any], dict[str, Any]]], settings: Settings,
         today: dt.date) -> list[PoolEntry]:
    """Every customer in the pool, longest neglected first (never met before everyone)."""
    left = settings.departed()
    found = [e for s, f in rows if (e := pool_entry(s, f, settings, today, left)) is not None]
    found.sort(key=lambda e: (e.last_in_person or dt.date.min, e.entered, e.customer))
    return found


def _nothing(day: dt.date) -> None:
    """No one to tell (:func:`pool_entry`'s ``changes``)."""
