"""The morning list as calendar events (``kq calendar``), for reps who live in their phone's
calendar.

A pure function: reminders in, plain event dicts out; ``commands/calendar.py`` turns them into
iCalendar. The rules, so that a re-imported or re-synced file updates events instead of
duplicating them:

- one event per reminder due in ``[today, today + days]``; an overdue one goes on today, since
  today is when it must be done;
- all-day, except a ``route`` reminder with a time, which starts at that time in ``zone``
  (kq.yaml ``timezone``, Asia/Shanghai by default): a phone set to another zone, or a rep
  travelling, still sees the visit at the hour the customer expects;
- the UID hashes customer + reason + occasion: the original due date, so an overdue reminder
  keeps its UID while it moves day by day; or, for a reminder whose due date is today whatever
  day it is (a risk, a deep visit never made), its ``occasion``, the same until it is closed;
- ``sequence`` counts the days an overdue event has been moved to today (for one keyed by its
  occasion, the days since :data:`SEQUENCE_EPOCH`: it moves every day), and ``stamp`` is today,
  so an importer that compares SEQUENCE then DTSTAMP (RFC 5546) takes the newer file;
- the alarm fires on the day the reminder starts to show (its lead time), never before today:
  at ``alarm_at`` o'clock for an all-day event, ``travel`` before the start for a timed one
  (time to get there);
- an event dated by days off estimated for a year the official calendar does not cover yet says
  so in its description.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from .due import Reminder
from .messages import Message, render

VISIT_LENGTH = dt.timedelta(hours=1)  # how long a route visit blocks the calendar
UID_DOMAIN = "kq"
"""Said in an event whose day rests on days off estimated from the statutory rules."""
SEQUENCE_EPOCH = dt.date(2020, 1, 1)
"""An event keyed by its occasion moves every day: its SEQUENCE is the days since then."""


def uid_key(reminder: Reminder) -> str:
    """What identifies a reminder across exports: whose, why, and which occasion — the day it
    was due, or the ``occasion`` of one due whatever day it is.

    A reminder without a customer (an expense statement, a repository-wide festival) is named by
    its ``name`` (the rep or the festival) instead.
    """
    who = reminder.customer if reminder.customer is not None else f"~{reminder.name}"
    occasion = f"@{reminder.occasion}" if reminder.occasion else reminder.due.isoformat()
    return f"{who}|{reminder.reason}|{occasion}"


def event_uid(key: str) -> str:
    return f"{hashlib.sha256(key.encode()).hexdigest()[:24]}@{UID_DOMAIN}"


def _start_time(reminder: Reminder) -> dt.time | None:
    """The route's "HH:MM", if it has a readable one."""
    if reminder.reason != "route" or not reminder.time:
        return None
    try:
        return dt.time.fromisoformat(reminder.time)
    except ValueError:
        return None


def calendar_events(reminders: Iterable[Reminder], today: dt.date, days: int,
                    labels: Mapping[str, str], alarm_at: dt.time = dt.time(9, 0),
                    zone: dt.tzinfo | None = None, travel: dt.timedelta = dt.timedelta(0),
                    lang: str = "zh") -> list[dict[str, Any]]:
    """The events for the reminders due by ``today + days``, in the order of their start.

    Each event: ``uid, summary, description, start`` (a date when ``all_day``, else a datetime
    in ``zone``; naive, floating, without one), ``end`` (exclusive), ``all_day, alarm`` (the
    trigger, relative to the start), ``sequence, stamp`` (UTC), and ``customer, reason, due,
    estimated`` for the curious.
    """
    last = today + dt.timedelta(days=days)
    chosen = [r for r in reminders if r.due <= last]
    keys = Counter(uid_key(r) for r in chosen)
    events = []
    for r in chosen:
        key = uid_key(r)
        if keys[key] > 1:  # two birthdays on one day, two risks found today: tell them apart
            key = f"{key}|{render(r.message, 'zh')}"  # the same UID in either language
        overdue = (today - r.due).days
        day = max(r.due, today)
        lead = max(0, min((r.due - r.shows_from).days, (day - today).days))
        at = _start_time(r) if overdue <= 0 else None
        description = render(r.message, lang)
        if overdue > 0:
            description += "\n" + render(Message("calendar_overdue", {
                "due": r.due.isoformat(), "days": overdue}), lang)
        if r.estimated:
            description += "\n" + render(Message("calendar_estimated"), lang)
        if at is None:
            start: dt.date | dt.datetime = day
            end: dt.date | dt.datetime = day + dt.timedelta(days=1)
            alarm = dt.timedelta(days=-lead, hours=alarm_at.hour, minutes=alarm_at.minute)
        else:
            start = dt.datetime.combine(day, at, tzinfo=zone)
            end = start + VISIT_LENGTH
            alarm = -dt.timedelta(days=lead) - travel
        events.append({
            "uid": event_uid(key), "summary": f"{r.name} {labels.get(r.reason, r.reason)}",
            "description": description, "start": start, "end": end, "all_day": at is None,
            "alarm": alarm,
            "sequence": (today - SEQUENCE_EPOCH).days if r.occasion else max(0, overdue),
            "stamp": dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC),
            "customer": r.customer, "reason": r.reason, "due": r.due, "estimated": r.estimated,
        })
    events.sort(key=lambda e: (e["start"].isoformat(), e["summary"], e["uid"]))
    return events
