"""``kq calendar``: the morning list as an iCalendar file for the phone's calendar."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ...store.errors import PROBLEMS, KqError, reason
from ..i18n import _, ngettext, translated
from . import OWNER_HELP, REP, friendly, open_repo, owner_of, report_skipped

REFRESH = dt.timedelta(hours=12)  # how often a subscribed calendar should fetch the file again


@friendly
def run(
    ctx: typer.Context,
    output: Annotated[str, typer.Option(
        "--output", "-o", metavar="FILE.ics", help="Where to write the calendar; '-' for stdout.")],
    owner: Annotated[str | None, typer.Option(click_type=REP, help=OWNER_HELP)] = None,
    days: Annotated[int, typer.Option(
        min=0, max=3660,
        help="Reminders due from today to this many days ahead (overdue ones go on today).")
    ] = 60,
    alarm_at: Annotated[str | None, typer.Option(
        metavar="HH:MM", help="Time of day an all-day event's alarm rings "
        "(default: kq.yaml calendar.alarm_time, 09:00).")] = None,
) -> None:
    """The reminders due in the next days as calendar events, with alarms and stable UIDs.

    Subscribe to the file where it syncs, or import it again: each event keeps its UID. A route
    visit is timed in kq.yaml's timezone (Asia/Shanghai) and rings calendar.travel_minutes (30)
    before it; all-day events ring at calendar.alarm_time on the day they start to show.

    Example: kq --repo examples --today 2026-11-24 calendar --owner 李明 --days 30 -o 李明.ics
    """
    from zoneinfo import ZoneInfo

    from ...core.calendar import calendar_events
    from ...schema.reasons import LABELS
    from ..render import warn
    from .due import check_owner, full_list, warn_estimated

    at = _clock(alarm_at) if alarm_at is not None else None
    target = None if output == "-" else Path(output)
    if target is not None and not target.parent.is_dir():
        raise KqError(_("--output: folder {folder} does not exist").format(
            folder=repr(str(target.parent))))
    repo = open_repo(ctx)
    cfg = repo.settings.calendar
    if at is None:
        at = dt.time.fromisoformat(cfg.alarm_time)
    given = owner
    owner = owner_of(repo, owner)
    reminders, covered, owners = full_list(repo, days)
    if owner and given:
        check_owner(owner, owners, repo.settings)
    if not covered:
        warn_estimated(reminders)
    if owner:
        reminders = [r for r in reminders if r.owner == owner]
    from ..labels import lang, text_label

    events = calendar_events(reminders, repo.today, days,
                             {k: text_label(LABELS, k) for k in LABELS}, at,
                             zone=ZoneInfo(repo.settings.timezone),
                             travel=dt.timedelta(minutes=cfg.travel_minutes), lang=lang())
    last = repo.today + dt.timedelta(days=days)
    data = to_ical(events, f"客情 kq · {owner}" if owner else "客情 kq", (repo.today, last))
    code = report_skipped(repo)
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_ics(target, data)
        warn("kq: " + ngettext("{n} event ({first} to {last}) written to {path}",
                               "{n} events ({first} to {last}) written to {path}",
                               len(events)).format(n=len(events), first=repo.today.isoformat(),
                                                   last=last.isoformat(), path=target))
    raise typer.Exit(code)


def _clock(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text).replace(second=0, microsecond=0)
    except ValueError:
        raise KqError(_("--alarm-at: {value} is not a time of day; write HH:MM").format(
            value=repr(text))) from None


def to_ical(events: list[dict[str, Any]], name: str, window: tuple[dt.date, dt.date]) -> bytes:
    """RFC 5545 text: the library folds long lines, escapes text and writes durations, and
    describes each time zone a timed event names (VTIMEZONE) over the ``window`` of days."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//kq//客情 kq//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for e in events:
        event = icalendar.Event()
        event.add("uid", e["uid"])
        event.add("dtstamp", e["stamp"])
        event.add("sequence", e["sequence"])
        event.add("dtstart", e["start"])
        event.add("dtend", e["end"])
        event.add("summary", e["summary"])
        event.add("description", e["description"])
        event.add("transp", "TRANSPARENT" if e["all_day"] else "OPAQUE")
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", e["summary"])
        alarm.add("trigger", e["alarm"])
        event.add_component(alarm)
        cal.add_component(event)
    # A day either side: an alarm rings before its event, a visit may end after midnight.
    cal.add_missing_timezones(first_date=window[0] - dt.timedelta(days=1),
                              last_date=window[1] + dt.timedelta(days=2))
    return cal.to_ical()


def write_ics(path: Path, data: bytes) -> None:
    """Through a temporary file and a rename, so a syncing app never picks up half a file."""
    from ...store.files import write_whole

    try:
        write_whole(path, data)
    except OSError as e:
        raise KqError(_("cannot write {path}: {reason}").format(
            path=path, reason=translated(reason(e.errno, e.strerror or str(e)))), code=PROBLEMS) from None
