"""The morning list (``kq due``): every reminder a customer calls for, and how urgent it is.

Pure functions over a customer's index row (summary + facts) and the settings. A reminder has
a ``due`` date and shows from ``shows_from`` (due minus its lead time). Urgency is a sum of
documented terms, in the spirit of taskwarrior's urgency coefficients.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # pydantic stays off kq due's warm path
    from ..schema.config import Settings
    from .statements import Statements
from . import dates
from .amounts import amount
from .messages import Message, either, joined, render, to_data

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STYLES = ("leader", "influencer", "checker", "follower")
"""Decision styles (决策者的四种风格); how to work with each (from DOMAIN.md) is the message
``style_<name>``."""
MISFORTUNE = frozenset({"illness", "bereavement"})
ACTIVE_WORK = frozenset({"active", "prospect", None})
ONE_DAY = dt.timedelta(days=1)
SKIPPABLE = frozenset({"visit", "route", "deep_visit", "handover"})
"""The reasons of a planned visit: what ``kq skip`` moves (``skips:``) off the days skipped."""


def approach(name: str, role: str | None, style: str | None) -> Message | str:
    """``吴国华(董事长), 领导型: 目标导向, …``: whom to see and, by their decision style, how."""
    who = f"{name}({role})" if role else name
    if style in STYLES:
        return Message("approach", {"who": who, "style": Message(f"style_{style}")})
    return who


@dataclass
class Reminder:
    customer: str | None
    name: str
    reason: str
    due: dt.date
    shows_from: dt.date
    message: Message
    owner: str | None = None
    region: str | None = None
    time: str | None = None
    misfortune: bool = False
    estimated: bool = False  # a date came from the statutory rules, not the official calendar
    occasion: str | None = None
    """Which obligation this is when its ``due`` moves with today (a risk's fingerprint, a
    visit never made): the same one from day to day until it is closed. None: ``due`` says it.
    Read by kq calendar for the event's UID; not in the JSON, nor in the agenda."""
    urgency: float = 0.0
    terms: list[tuple[Message, float]] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list, compare=False)  # --explain: greetings

    def overdue_days(self, today: dt.date) -> int:
        return (today - self.due).days

    def to_json(self, today: dt.date) -> dict[str, Any]:
        return {"customer": self.customer, "name": self.name, "reason": self.reason,
                "due": self.due.isoformat(), "overdue_days": self.overdue_days(today),
                "urgency": round(self.urgency, 2), **said(self.message),
                "owner": self.owner, "region": self.region, "time": self.time,
                "estimated": self.estimated}


def said(message: Message) -> dict[str, Any]:
    """A reminder's message as JSON carries it: ``message`` the Chinese text (as it always
    was), ``message_key`` and ``message_params`` to word it in either language
    (:func:`kqcli.core.messages.from_data` of ``{"key": …, "params": …}``)."""
    data = to_data(message)
    return {"message": render(message, "zh"), "message_key": data["key"],
            "message_params": data.get("params", {})}


def _d(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


class Logged(NamedTuple):
    """One interaction of the log as the greeting rules read it (``facts["log"]``)."""

    day: dt.date
    kind: str
    for_: tuple[str, ...] = ()


class Log:
    """A customer's log (``facts["log"]``) as the rules read it: parsed from the earliest day
    asked for on only, so a long log's years before cost nothing, and once for every day the
    same customer's rules are run on (core.agenda's probes)."""

    def __init__(self, facts: dict[str, Any]) -> None:
        self.raw = facts.get("log", ())
        self.parsed: list[Logged] = []  # the end of raw, parsed
        self.start = len(self.raw)

    def since(self, day: dt.date) -> list[Logged]:
        """The interactions on or after ``day``, oldest first; the same objects every call."""
        at = bisect.bisect_left(self.raw, day.isoformat(), key=_first)
        if at < self.start:
            self.parsed[:0] = [Logged(dt.date.fromisoformat(e[0]), e[1],
                                      tuple(e[2]) if len(e) > 2 else ())
                               for e in self.raw[at:self.start]]
            self.start = at
        return self.parsed[at - self.start:]


def _first(entry: list[Any]) -> Any:
    return entry[0]


@dataclass(frozen=True)
class Occasions:
    """Occasions of which one greeting answers at most one: a contact's birthdays (solar and
    lunar), a customer's festivals, its opening and anniversaries, one family event.
    ``day_of(d)`` is the first of them on or after ``d``; ``reasons`` what ``for:`` names them."""

    key: Any
    day_of: Callable[[dt.date], dt.date | None]
    reasons: frozenset[str]


def can_greet(logged: Logged, day: dt.date, reasons: frozenset[str], lead: int, grace: int,
              kinds: list[str]) -> bool:
    """A greeting (``due.greeting_kinds``) logged for the occasion (``for:``) from its lead-time
    start, or one that names no occasion on its day or in the grace days after it. An
    interaction logged for other occasions greets only those."""
    if logged.kind not in kinds:
        return False
    after = (logged.day - day).days
    if logged.for_:
        return not reasons.isdisjoint(logged.for_) and -lead <= after <= grace
    return 0 <= after <= grace


def match_greetings(days: list[dt.date], log: list[Logged], reasons: frozenset[str], lead: int,
                    grace: int, kinds: list[str]) -> dict[dt.date, Logged]:
    """Which logged interaction greeted which occasion day (``days`` in order, ``log`` oldest
    first): each day, earliest first, takes the
    earliest unused interaction that can greet it, so that the call on 冬至 does not also greet
    元旦 ten days later, and a greeting logged later never reopens an occasion closed before."""
    used: set[int] = set()
    out: dict[dt.date, Logged] = {}
    for day in days:
        # Only what was logged from the lead-time start to the end of the grace days can
        # greet the day (can_greet): the log is in order, so look there alone.
        last = day + dt.timedelta(days=grace)
        for n in range(bisect.bisect_left(log, day - dt.timedelta(days=lead),
                                          key=_logged_day), len(log)):
            g = log[n]
            if g.day > last:
                break
            if n not in used and can_greet(g, day, reasons, lead, grace, kinds):
                used.add(n)
                out[day] = g
                break
    return out


def _logged_day(logged: Logged) -> dt.date:
    return logged.day


@functools.lru_cache(maxsize=4096)
def next_festival_of(keys: tuple[str, ...], day: dt.date) -> dt.date:
    """The first of these festivals on or after ``day`` (every customer greeted asks the same)."""
    return min(dates.next_festival(k, day) for k in keys)


MOVES = 4
"""Days on which a greeting window moves that :meth:`CustomerRules.greetings` looks past when
nothing the occasions ask about changes on them (then it notes the next one)."""


def _asked(matched: dict[dt.date, Logged], day: dt.date, grace: int) -> dict[dt.date, Logged]:
    """What the occasions ask of the matching from ``day`` on: whether a day from the one
    before two grace periods on was greeted, and by what (``CustomerRules.occasion``). Not
    what ``--explain``'s notes name (``unanswered`` reads the whole matching): explain runs
    once, on its day, and never looks ahead."""
    first = day - dt.timedelta(days=2 * grace + 1)
    return {d: g for d, g in matched.items() if d >= first}


def occurrences(day_of: Callable[[dt.date], dt.date | None], start: dt.date, end: dt.date,
                limit: int = 64) -> list[dt.date]:
    """The days ``day_of`` gives from ``start`` to ``end``."""
    out: list[dt.date] = []
    day = day_of(start)
    while day is not None and day <= end and len(out) < limit:
        out.append(day)
        day = day_of(day + ONE_DAY)
    return out


def _md(day: dt.date) -> str:
    return day.isoformat()[5:]


def _said(logged: Logged) -> dict[str, Any]:
    """The parameters naming an interaction in a message: ``11-25 送货``."""
    return {"date": _md(logged.day), "kind": Message(f"interaction_{logged.kind}")}


def cadence_of(summary: dict[str, Any], settings: Settings) -> tuple[int, int]:
    """The customer's own cadence, else its tier's, else the distributor or untiered default."""
    if summary.get("cadence"):
        return tuple(summary["cadence"])  # type: ignore[return-value]
    c = settings.cadence
    if summary.get("kind") == "distributor" and not summary.get("tier"):
        return c.distributor
    return getattr(c, summary.get("tier") or "untiered")


def care_call_interval(customer_id: str, last: dt.date | None, low: int, high: int) -> int:
    """Days to the next care call: irregular on purpose, yet stable for a customer and last call."""
    seed = f"{customer_id}|{last.isoformat() if last else ''}".encode()
    spread = int.from_bytes(hashlib.blake2b(seed, digest_size=4).digest(), "big")
    return low + spread % (high - low + 1)


class CustomerRules:
    """The reminders of one customer (everything except holidays and expense statements)."""

    def __init__(self, summary: dict[str, Any], facts: dict[str, Any], settings: Settings,
                 today: dt.date, within: int | None = None,
                 departed_reps: dict[str, dt.date] | None = None,
                 calendar: dates.WorkCalendar | None = None, explain: bool = False,
                 log: Log | None = None, until: dt.date | None = None) -> None:
        self.s, self.f, self.cfg, self.today = summary, facts, settings, today
        self.within = within
        self.departed = settings.departed() if departed_reps is None else departed_reps
        self.calendar = calendar or work_calendar(settings)
        self.explain = explain  # say in each greeting's notes what closed it or did not
        self.out: list[Reminder] = []
        self.dropped: list[Message] = []  # greetings whose grace period ran out unanswered
        self.risks: list[tuple[str, Message, bool]] = []  # (fingerprint, message, acknowledged)
        self.closed: list[Reminder] = []  # with explain: greetings answered, not listed
        self.log = Log(facts) if log is None else log
        self._matched: dict[Any, dict[dt.date, Logged]] = {}
        self.until = dt.date.max if until is None else until
        """The first day after today on which the rules' answer may differ (:meth:`changes`):
        until then, run on any day, they answer as today. Every rule that compares today with
        a date notes the day the comparison turns; core.agenda runs the rules again on that day
        only, not on each day between. (Given: the day from which the caller does not ask,
        which a rule that can look further itself (:meth:`greetings`) looks up to; a caller
        that gives none does not ask, and no rule looks further.)"""
        self.ahead = 0 if until is None else MOVES

    def changes(self, day: dt.date | None) -> None:
        """Note that the answer may differ from ``day`` on (a day after today, else nothing)."""
        if day is not None and self.today < day < self.until:
            self.until = day

    def tomorrow(self) -> None:
        """Note that the answer moves with today (a count of days, a row due today that is
        overdue tomorrow)."""
        self.changes(self.today + ONE_DAY)

    def listed(self, due: dt.date, lead: int) -> bool:
        """Would a reminder due then, shown ``lead`` days ahead, be listed today?"""
        ahead = (due - self.today).days
        return ahead <= lead or (self.within is not None and ahead <= self.within)

    def add(self, reason: str, due: dt.date, lead: int, message: Message, **extra: Any) -> None:
        shows_from = due - dt.timedelta(days=lead)
        if not self.listed(due, lead):
            return  # not listed yet: most reminders of most customers, so skip them early
        self.out.append(Reminder(self.s["id"], self.s["name"], reason, due, shows_from, message,
                                 self.s.get("owner"), self.s.get("region"), **extra))

    def all(self) -> list[Reminder]:
        if self.pool():
            return self.out  # nobody's customer until claimed: only the manager's pool row
        status = self.s.get("status")
        if status != "terminated":
            self.visit_or_route()
            self.handover()
            self.deep_visit()
            self.alert()
            self.care_call()
            self.follow_up()
            self.occasions()
            self.festivals()
            self.report_missing()
            self.risk()
            self.coverage()
        self.next_action()  # after-termination work is still work (终止后的收尾)
        self.issue()
        self.intel()
        self.orphan()
        if self.f.get("skips") and self.skipped():
            self.out = [r for r in self.out if r.reason not in SKIPPABLE]
        return self.out

    def skipped(self) -> bool:
        """Is today inside a skipped visit's days (kq skip): from its ``date`` until the day
        before its ``to``, by default the next working day after ``date``?"""
        today = self.today.isoformat()
        for day, to in self.f["skips"]:
            if day > today:
                self.changes(_d(day))
                break  # sorted by date: the rest start later
            if to is None:
                to = self.calendar.next_working_day(_d(day) + ONE_DAY)[0].isoformat()
            if today < to:
                self.changes(_d(to))
                return True
        return False

    def log_since(self, since: dt.date) -> list[Logged]:
        """The customer's interactions on or after ``since``, oldest first (:class:`Log`)."""
        return self.log.since(since)

    def greetings(self, group: Occasions, lead: int) -> dict[dt.date, Logged]:
        """The group's occasion days around today that were greeted, and by what.

        Occasions from far enough back that whatever an earlier one took is known, within the
        reach of the greetings logged (from ``grace`` days before the first to ``lead`` days
        after the last).

        The window moves on with today: on the day its first greeting or its first occasion
        day leaves it, what was matched may change, and that day is noted (:meth:`changes`)
        unless the matching then says the same of every day the occasions still ask about
        (:func:`_asked`); then the next such day is looked at, up to MOVES of them before the
        day the caller asks up to (``until``; none given: none looked at). (A day
        noted for nothing costs the agenda a run of every rule on it: two in three of the
        runs that found no change were these.)
        """
        matched = self._matched.get(group.key)
        if matched is not None:
            return matched
        matched, moves = self._match(group, lead, self.today)
        grace = self.cfg.due.greeting_grace_days
        for _ in range(self.ahead):
            if moves is None or moves >= self.until:
                break
            later, then = self._match(group, lead, moves)
            if _asked(later, moves, grace) != _asked(matched, moves, grace):
                break
            moves = then
        self.changes(moves)
        self._matched[group.key] = matched
        return matched

    def _match(self, group: Occasions, lead: int, day: dt.date,
               ) -> tuple[dict[dt.date, Logged], dt.date | None]:
        """:meth:`greetings`' matching as it is on ``day``, and the first day after it on which
        the window moves (None: no greeting in it)."""
        grace = self.cfg.due.greeting_grace_days
        kinds = self.cfg.due.greeting_kinds
        start = day - dt.timedelta(days=3 * grace + 1 + lead)
        log = [g for g in self.log_since(start - dt.timedelta(days=lead)) if g.kind in kinds]
        if not log:
            return {}, None
        days = occurrences(group.day_of, max(start, log[0].day - dt.timedelta(days=grace)),
                           log[-1].day + dt.timedelta(days=lead))
        matched = match_greetings(days, log, group.reasons, lead, grace, kinds)
        # its first greeting leaves the window then, or its first occasion day
        moves = log[0].day + (day - start) + dt.timedelta(days=lead) + ONE_DAY
        if days:
            moves = min(moves, days[0] + (day - start) + ONE_DAY)
        return matched, moves

    def occasion(self, reason: str | Callable[[dt.date], str], day_of: Any, lead: int,
                 message: Any, group: Occasions, **extra: Any) -> None:
        """A dated occasion (birthday, anniversary, festival, happy event).

        ``day_of(d)`` is the occasion's first date on or after ``d``; ``reason`` may depend on
        the day (an opening, then anniversaries); ``group`` holds the occasions one greeting
        may answer. Once passed, it stays listed as overdue for ``due.greeting_grace_days``; a
        greeting (:func:`can_greet`) closes it at once, and the next occurrence takes its place.
        """
        grace = dt.timedelta(days=self.cfg.due.greeting_grace_days)
        greeted = self.greetings(group, lead)
        day = day_of(self.today - grace)
        while day is not None and day in greeted:
            if self.explain:
                self.closed.append(self.answered(reason, day, lead, message(day), greeted[day]))
            day = day_of(day + ONE_DAY)
        if day is not None:
            name = reason(day) if callable(reason) else reason
            notes = self.unanswered(name, day, lead, group, greeted) if self.explain else []
            self.add(name, day, lead, message(day), notes=notes, **extra)
            self.changes(day + grace + ONE_DAY)  # its grace days over: the next one
        missed = day_of(self.today - grace - grace - ONE_DAY)
        if missed is not None:  # (dropped from day's grace days on: noted above)
            self.changes(missed + grace + grace + 2 * ONE_DAY)  # the next one is looked at
        if missed is not None and missed < self.today - grace and missed not in greeted:
            self.dropped.append(Message("dropped_greeting", {
                "name": self.s["name"], "what": message(missed), "day": missed.isoformat(),
                "days": grace.days}))

    def answered(self, reason: str | Callable[[dt.date], str], day: dt.date, lead: int,
                 message: Message, by: Logged) -> Reminder:
        """A greeted occasion as ``--explain`` shows it, naming what greeted it."""
        name = reason(day) if callable(reason) else reason
        if by.day < day:
            note = Message("greeting_closed_ahead", {**_said(by), "reason": name})
        else:
            note = Message("greeting_closed", _said(by))
        return Reminder(self.s["id"], self.s["name"], name, day, day - dt.timedelta(days=lead),
                        message, self.s.get("owner"), self.s.get("region"), notes=[note])

    def unanswered(self, reason: str, day: dt.date, lead: int, group: Occasions,
                   greeted: dict[dt.date, Logged]) -> list[Message]:
        """Why each interaction from the lead-time start to the end of the grace days did not
        greet the occasion of ``day``."""
        grace = self.cfg.due.greeting_grace_days
        kinds = self.cfg.due.greeting_kinds
        taken = {id(g): other for other, g in greeted.items()}
        notes = []
        for g in self.log_since(day - dt.timedelta(days=lead)):
            if (g.day - day).days > grace:
                break
            if g.kind not in kinds:
                notes.append(Message("not_a_greeting", {**_said(g), "kinds": list(kinds)}))
            elif g.for_ and group.reasons.isdisjoint(g.for_):
                notes.append(Message("greeting_for_other", {**_said(g), "reasons": list(g.for_)}))
            elif not g.for_ and g.day < day:
                notes.append(Message("greeting_early", {**_said(g), "day": _md(day),
                                                        "reason": reason}))
            elif id(g) in taken:
                notes.append(Message("greeting_taken", {**_said(g), "other": _md(taken[id(g)])}))
        return notes

    def condolence(self, day: dt.date) -> Logged | None:
        """The first call or visit (``due.condolence_kinds``) on or after an illness or
        bereavement that was not logged for other occasions."""
        kinds = self.cfg.due.condolence_kinds
        return next((g for g in self.log_since(day) if g.kind in kinds
                     and (not g.for_ or "event" in g.for_)), None)

    def unanswered_condolence(self, day: dt.date) -> list[Message]:
        kinds = self.cfg.due.condolence_kinds
        notes = []
        for g in self.log_since(day):
            if g.kind not in kinds:
                notes.append(Message("not_a_condolence", {**_said(g), "kinds": list(kinds)}))
            else:
                notes.append(Message("greeting_for_other", {**_said(g), "reasons": list(g.for_)}))
        return notes

    def visit_or_route(self) -> None:
        if self.s.get("status") not in ACTIVE_WORK:
            return
        last = _d(self.f.get("last_in_person"))
        route = self.s.get("route")
        if route:
            weekday = WEEKDAYS.index(route["weekday"])
            due = self.today - dt.timedelta(days=(self.today.weekday() - weekday) % 7)
            self.changes(due + dt.timedelta(days=7))  # the route's next weekday
            if last is not None and last >= due:
                due += dt.timedelta(days=7)
            time = f" {route['time']}" if route.get("time") else ""
            skipped = []
            info = self.calendar.day(due)
            while info.holiday and len(skipped) < 8:  # a route on a public holiday is skipped
                skipped.append(due)
                due += dt.timedelta(days=7)
                info = self.calendar.day(due)
            note = joined(Message("route_holiday", {"month": d.month, "day": d.day})
                          for d in skipped)
            self.add("route", due, self.cfg.leads.route, Message("route", {
                "weekday": Message(f"weekday_{route['weekday']}"), "time": time,
                "skipped": note, "see": self.see()}),
                     time=route.get("time"), estimated=not info.covered)
            return
        if self.f.get("seasons"):
            self.season_visit(last, self.f["seasons"])
            return
        shows, due_after = cadence_of(self.s, self.cfg)
        if last is None:
            self.add("visit", self.today, 0, Message("visit_never"), occasion="never")
            return
        first, end = last + dt.timedelta(days=shows), last + dt.timedelta(days=due_after)
        shows_from = min(first, end - dt.timedelta(days=self.cfg.leads.visit))
        if not self.could_list(shows_from, first):
            return
        due, note, estimated = self.in_window(first, end)
        self.add("visit", due, (due - shows_from).days, Message("visit_last", {
            "last": last.isoformat(), "shows": shows, "days": due_after, "moved": note,
            "see": self.see()}), estimated=estimated)

    def could_list(self, shows_from: dt.date, earliest: dt.date) -> bool:
        """Could a reminder shown from ``shows_from`` and due on ``earliest`` or later be
        listed today? (Spares the work calendar for the many that cannot.)"""
        if shows_from <= self.today or (
                self.within is not None and (earliest - self.today).days <= self.within):
            return True
        self.changes(shows_from)
        if self.within is not None:
            self.changes(earliest - dt.timedelta(days=self.within))
        return False

    def in_window(self, first: dt.date, end: dt.date) -> tuple[dt.date, Message | str, bool]:
        """The due day of a cadence window ``[first, end]``: its last working day, so that a
        gap never stretches past ``end``; the first working day after it only when every day
        of it is off. Also a note saying where the day moved, and whether it was estimated."""
        due, covered = self.calendar.latest_working_day(first, end)
        note: Message | str = ""
        if due > end:
            note = Message("window_off", {"first": first.isoformat(), "end": end.isoformat(),
                                          "due": due.isoformat()})
        elif due < end:
            note = Message("window_end_off", {"end": end.isoformat(), "due": due.isoformat()})
        return due, note, not covered

    def see(self) -> Message | str:
        """Whom to see on a visit, and how: the first contact with a decision style."""
        for name, role, style in self.f.get("styles", []):
            return Message("see", {"who": approach(name, role, style)})
        return ""

    def season_visit(self, last: dt.date | None, seasons: list[int]) -> None:
        """A seasonal buyer is visited before each season month instead of on a cadence.

        The visit is due on the 1st of the season's month and shows ``due.season_lead_days``
        ahead; any in-person interaction from then on serves it. A missed one stays overdue
        until the next season's lead time begins.
        """
        lead = self.cfg.due.season_lead_days
        ahead = dt.timedelta(days=lead)
        starts = [dt.date(year, month, 1) for year in range(self.today.year - 1,
                                                             self.today.year + 3)
                  for month in seasons]
        months = "/".join(str(m) for m in seasons)
        self.changes(dt.date(self.today.year + 1, 1, 1))  # the seasons looked at move on
        for start, following in zip(starts, starts[1:], strict=False):
            if (last is not None and last >= start - ahead) or following - ahead <= self.today:
                continue
            self.changes(following - ahead)  # the next season's lead time begins
            since = (Message("since_visit", {"last": last.isoformat()}) if last
                     else Message("no_visit"))
            self.add("visit", start, lead, Message("season_visit", {
                "month": start.month, "months": months, "since": since}))
            return

    def deep_visit(self) -> None:
        """蹲点: a manager spends hours at a key terminal, every ``due.deep_visit_days``."""
        if (self.s.get("status") not in ACTIVE_WORK or self.s.get("tier") != "key"
                or self.s.get("kind") not in (None, "terminal")):
            return
        shows, due_after = self.cfg.due.deep_visit_days
        last = _d(self.f.get("last_deep_visit"))
        if last is None:
            self.add("deep_visit", self.today, 0, Message("deep_visit_never"), occasion="never")
            return
        first, end = last + dt.timedelta(days=shows), last + dt.timedelta(days=due_after)
        if not self.could_list(first, first):
            return
        due, note, estimated = self.in_window(first, end)
        self.add("deep_visit", due, (due - first).days, Message("deep_visit_last", {
            "last": last.isoformat(), "shows": shows, "days": due_after, "moved": note}),
                 estimated=estimated)

    def alert(self) -> None:
        """An area alert (flood, epidemic): a call every day it lasts, until one is logged.
        (Its days need no note (:meth:`changes`): its row is due on the day it is shown, which
        core.agenda notes for every such row.)"""
        region = self.s.get("region")
        if self.s.get("status") != "active" or not region:
            return
        kinds = self.cfg.due.alert_kinds
        logged = {entry[0] for entry in self.f.get("log", ()) if entry[1] in kinds}
        for a in self.cfg.alerts:
            if not region.startswith(a.region):
                continue
            day = max(self.today, a.start)
            if day.isoformat() in logged:
                day += dt.timedelta(days=1)  # today's call is made
            if day <= a.end:
                note = f": {a.note}" if a.note else ""
                self.add("alert", day, 0, Message("alert", {
                    "note": note, "region": a.region, "start": a.start.isoformat(),
                    "end": a.end.isoformat()}))

    def care_call(self) -> None:
        cfg = self.cfg.care_calls
        if self.s.get("status") not in ACTIVE_WORK or (
                self.s.get("tier") not in cfg.tiers
                and self.s.get("kind") not in self.cfg.due.care_call_kinds):
            return
        last = _d(self.f.get("last_care_call"))
        first = _d(self.f.get("first_interaction"))
        base = last or first or self.today
        if base == self.today:
            self.tomorrow()  # never in touch: due that many days from whatever day it is
        interval = care_call_interval(self.s["id"], last, cfg.min_days,
                                      max(cfg.max_days, cfg.min_days))
        since = (Message("since_last", {"last": last.isoformat()}) if last
                 else Message("never_called"))
        self.add("care_call", base + dt.timedelta(days=interval), cfg.lead,
                 Message("care_call", {"since": since}),
                 occasion="never" if last is None and first is None else None)  # moves daily

    def follow_up(self) -> None:
        state, cfg = self.f.get("follow_up"), self.cfg.follow_up
        if not state:
            return
        delivered = _d(state["delivered"])
        if (self.today - delivered).days > cfg.window:
            return
        self.changes(delivered + dt.timedelta(days=cfg.window + 1))
        kinds = self.cfg.due.follow_up_kinds
        calls = [_d(day) for day, kind in state["after"] if kind in kinds]
        first = calls[0] if calls else None
        if first is not None and any(day > first for day in calls):
            return  # both calls made
        if first is None:
            since, days = delivered, cfg.first
            key, params = "follow_up_first", {"delivered": delivered.isoformat()}
        else:
            since, days = first, cfg.second
            key, params = "follow_up_second", {"delivered": delivered.isoformat(),
                                               "first": first.isoformat()}
        # "Within N days": the window runs from the next day to day N.
        end = since + dt.timedelta(days=days)
        start = min(since + dt.timedelta(days=1), end)
        if not self.could_list(start - dt.timedelta(days=cfg.lead), start):
            return
        due, note, estimated = self.in_window(start, end)
        self.add("follow_up", due, cfg.lead, Message(key, {**params, "moved": note}),
                 estimated=estimated)

    def next_action(self) -> None:
        """Every open step, until ``kq done`` (or a ``done_on:``) closes it."""
        for step in self.f.get("next_steps", ()):
            self.add("next_action", _d(step["date"]), self.cfg.leads.next_action,
                     Message("next_action", {"action": step["action"], "on": step["from"]}))

    def issue(self) -> None:
        """Every open complaint or return (客诉), shown from the day it was opened and due
        ``due.issue_days`` later, until ``kq issue CUSTOMER --close N`` writes ``closed:``."""
        days = self.cfg.due.issue_days
        for item in self.f.get("issues", ()):
            opened = _d(item["opened"])
            self.add("issue", opened + dt.timedelta(days=days), days, Message("issue", {
                "kind": Message(f"issue_{item['kind']}"), "n": item["n"], "text": item["text"],
                "opened": opened.isoformat(), "days": days}))

    def occasions(self) -> None:
        leads = self.cfg.leads
        for n, c in enumerate(self.f.get("contacts", [])):
            who = f"{c['name']}({c['role']})" if c.get("role") else c["name"]
            born = _d(c.get("birthday"))
            spec = c.get("lunar_birthday")
            solar = (lambda d, b=born: dates.next_solar(b.month, b.day, d)) if born else None
            lunar = (lambda d, spec=spec: dates.next_lunar(spec, d)) if spec else None
            days = [f for f in (solar, lunar) if f is not None]
            birthdays = Occasions(("birthday", n), lambda d, fs=days: min(f(d) for f in fs),
                                  frozenset({"birthday"}))
            if solar is not None:
                self.occasion("birthday", solar, leads.birthday,
                              lambda day, b=born, w=who: Message("birthday", {
                                  "who": w, "age": day.year - b.year, "month": day.month,
                                  "day": day.day}),
                              group=birthdays)
            if lunar is not None:
                self.occasion("birthday", lunar, leads.birthday,
                              lambda day, w=who: Message("lunar_birthday", {
                                  "who": w, "lunar": dates.lunar_spec(day),
                                  "date": day.isoformat()}),
                              group=birthdays)
            for m, e in enumerate(c.get("events", [])):
                day = _d(e["date"])
                note = f": {e['note']}" if e.get("note") else ""
                if e["kind"] in MISFORTUNE:
                    self.misfortune(day, Message("misfortune", {
                        "who": who, "event": Message(f"event_{e['kind']}"), "note": note}))
                else:
                    once = Occasions(("event", n, m), lambda d, day=day: day if d <= day else None,
                                     frozenset({"event"}))
                    self.occasion("event", once.day_of, leads.event,
                                  lambda _, w=who, k=e["kind"], n=note: Message("happy_event", {
                                      "who": w, "event": Message(f"event_{k}"), "note": n}),
                                  group=once)
        if self.s.get("anniversary"):
            opened = _d(self.s["anniversary"])

            def day_of(d: dt.date) -> dt.date:
                return opened if d <= opened else dates.next_solar(opened.month, opened.day, d)

            def message(day: dt.date) -> Message:
                if day == opened:
                    return Message("opening", {"day": day.isoformat()})
                return Message("anniversary", {"years": day.year - opened.year,
                                               "day": day.isoformat()})

            self.occasion(lambda day: "opening" if day == opened else "anniversary", day_of,
                          leads.anniversary, message,
                          group=Occasions("anniversary", day_of,
                                          frozenset({"anniversary", "opening"})))

    def misfortune(self, day: dt.date, what: Message) -> None:
        """Illness or bereavement: call at once, until a call or visit on or after the day
        (``due.condolence_kinds``); one ahead (a planned operation) is listed ahead."""
        if day > self.today:
            self.add("event", day, self.cfg.leads.event, what, misfortune=True)
            self.changes(day)
            return
        if (self.today - day).days > 30:
            return
        self.changes(day + dt.timedelta(days=31))
        answer = self.condolence(day)
        message = Message("misfortune_now", {"what": what})
        if answer is None:
            notes = self.unanswered_condolence(day) if self.explain else []
            self.add("event", day, 0, message, misfortune=True, notes=notes)
        elif self.explain:
            self.closed.append(Reminder(self.s["id"], self.s["name"], "event", day, day, message,
                                        self.s.get("owner"), self.s.get("region"),
                                        misfortune=True,
                                        notes=[Message("condolence_closed", _said(answer))]))

    def festivals(self) -> None:
        """A personal festival greeting for each customer who should get one (due.greet)."""
        greet = self.cfg.due.greet
        if self.s.get("tier") not in greet.tiers and self.s.get("kind") not in greet.kinds:
            return
        keys = tuple(key for key in self.cfg.due.holidays if key in dates.FESTIVALS)
        if not keys:
            return
        festivals = Occasions("holiday", lambda d: next_festival_of(keys, d),
                              frozenset({"holiday"}))
        for key in keys:
            self.occasion("holiday", lambda d, k=key: dates.next_festival(k, d),
                          self.cfg.leads.holiday,
                          lambda day, k=key: Message("festival", {
                              "festival": Message(f"festival_{k}"), "day": day.isoformat()}),
                          group=festivals)

    def report_missing(self) -> None:
        """Every month whose report deadline (``due.report_day`` of the month after) has passed
        stays owed until it is reported or waived (``kq figures … --waive``): one row per
        customer naming the owed months, oldest first, due on the oldest one's deadline."""
        if self.s.get("status") != "active":
            return
        day = self.cfg.due.report_day
        latest = dates.add_months(self.today.replace(day=1), -1)
        if self.today.replace(day=day) > self.today:  # this month's deadline is ahead
            latest = dates.add_months(latest, -1)
            self.changes(self.today.replace(day=day))
        else:
            self.changes(dates.add_months(self.today.replace(day=1), 1).replace(day=day))
        last_due = dates.month_key(latest)
        reports = self.f.get("reports")
        if reports is None:  # facts made before kq kept them: last month alone, as kq did
            reported = (self.f.get("months", {}).get(last_due) or {}).get("reported")
            reports = {"from": last_due, "last": last_due, "open": [] if reported else [last_due]}
        owed = [m for m in reports["open"] if m <= last_due]
        start = max(reports["from"] or last_due, _next_month(reports["last"]))
        month = dt.date.fromisoformat(f"{start}-01")
        while dates.month_key(month) <= last_due:
            owed.append(dates.month_key(month))
            month = dates.add_months(month, 1)
        since = _d(self.s.get("since"))
        if since is not None:  # the customer started after those months
            owed = [m for m in owed if m >= dates.month_key(since)]
        if not owed:
            return
        deadline = dates.add_months(dt.date.fromisoformat(f"{owed[0]}-01"), 1).replace(day=day)
        if len(owed) == 1:
            note = Message("report_deadline", {"deadline": deadline.isoformat()})
        else:
            note = Message("report_deadlines", {"count": len(owed),
                                                "deadline": deadline.isoformat()})
        self.add("report_missing", deadline, self.cfg.leads.report_missing,
                 Message("report_missing", {"months": owed_months(owed), "note": note}))

    def coverage(self) -> None:
        """Decision makers covered: a key account or distributor (``due.coverage_kinds``) none
        of whose contacts has a decision level (``due.decision_levels``: manager, executive)
        is reminded on the first working day of each month, until an in-person interaction
        from that day on; recording a decision maker ends it."""
        if (self.s.get("kind") not in self.cfg.due.coverage_kinds
                or self.s.get("status") not in ACTIVE_WORK):
            return
        contacts = self.f.get("contact_levels", [])
        if any(level in self.cfg.due.decision_levels for _, _, level in contacts):
            return
        first, covered = self.calendar.nth_working_day(self.today.year, self.today.month, 1)
        self.changes(first)  # this month's first working day, or else next month's
        self.changes(dates.add_months(self.today.replace(day=1), 1))
        if first > self.today:
            month = dates.add_months(self.today.replace(day=1), -1)
            first, covered = self.calendar.nth_working_day(month.year, month.month, 1)
        last = _d(self.f.get("last_in_person"))
        if last is not None and last >= first:  # met this month: next month's reminder
            month = dates.add_months(first, 1)
            first, covered = self.calendar.nth_working_day(month.year, month.month, 1)

        def named(level: str | None) -> list[str]:
            return [f"{n}({r})" if r else n for n, r, lv in contacts if lv == level]

        staff, unknown = named("staff"), named(None)
        fill = Message("coverage_fill", {"levels": either(list(self.cfg.due.decision_levels))})
        if not contacts:
            message = Message("coverage_none")
        elif not staff:
            message = Message("coverage_unknown", {"unknown": unknown, "fill": fill})
        else:
            rest = Message("coverage_staff_unknown", {"unknown": unknown, "fill": fill})
            message = Message("coverage_staff", {"staff": staff, "rest": rest if unknown else ""})
        self.add("coverage", first, 0, message, estimated=not covered)

    def intel(self) -> None:
        """A claim stays listed until a second independent source or ``dismissed:``."""
        need = self.cfg.due.intel_sources
        for item in self.f.get("intel", []):
            if item["sources"] < need:
                day = _d(item["date"])
                self.add("intel_unconfirmed", day + dt.timedelta(days=7), 7,
                         Message("intel", {"claim": item["claim"], "sources": item["sources"],
                                           "need": need}))

    def pool(self) -> bool:
        """A customer in the pool (公海) is listed once, for the manager (owner: nobody)."""
        from .pool import pool_entry

        entry = pool_entry(self.s, self.f, self.cfg, self.today, self.departed, self.changes)
        if entry is None:
            return False
        since = (Message("pool_unseen", {"days": entry.days,
                                         "last": entry.last_in_person.isoformat()})
                 if entry.last_in_person else Message("pool_never_met"))
        why = (Message("pool_departed", {"owner": entry.owner}) if entry.why == "departed"
               else Message("pool_owner", {"owner": entry.owner or Message("none")}))
        self.out.append(Reminder(self.s["id"], self.s["name"], "pool", entry.entered,
                                 entry.entered, Message("pool", {
                                     "since": since, "why": why, "id": self.s["id"]}),
                                 None, self.s.get("region")))
        return True

    def handover(self) -> None:
        """A customer that changed hands: its new owner visits within its cadence, until an
        in-person interaction on or after the handover."""
        from .pool import handover_of

        handover = handover_of(self.s, self.f)
        if not handover or self.s.get("status") not in ACTIVE_WORK:
            return
        day = _d(handover["date"])
        last = _d(self.f.get("last_in_person"))
        if last is not None and last >= day:
            return
        before = [entry[0] for entry in self.f.get("log", ()) if entry[0] <= handover["date"]]
        previous = handover.get("from") or Message("none")
        was = (Message("handover_last", {"previous": previous, "last": max(before)}) if before
               else Message("handover_nothing", {"previous": previous}))
        due_after = cadence_of(self.s, self.cfg)[1]
        self.add("handover", day + dt.timedelta(days=due_after), due_after, Message("handover", {
            "previous": previous, "day": day.isoformat(), "days": due_after, "was": was}))

    def orphan(self) -> None:
        owner = self.s.get("owner")
        left = self.departed
        if owner in left:
            self.changes(left[owner])
        if owner in left and left[owner] <= self.today:
            self.add("orphan", left[owner], 0, Message("orphan_left", {
                "owner": owner, "day": left[owner].isoformat()}))
        elif not owner and self.s.get("status") == "active":
            self.add("orphan", self.today, 0, Message("orphan_none"), occasion="unassigned")

    def risk(self) -> None:
        if self.s.get("status") != "active":
            return
        cfg = self.cfg.risk
        months = self.f.get("months", {})
        keys = sorted(months)
        for figure in ("collections", "sell_out"):
            run = [months[k].get(figure) for k in keys[-cfg.falling_months:]]
            if (len(run) == cfg.falling_months and None not in run
                    and falling_run(run, cfg.decline_min)
                    and _consecutive(keys[-cfg.falling_months:])):
                self.risk_row(figure, [*keys[-cfg.falling_months:], *run], self.today,
                              Message("falling", {
                                  "figure": Message(f"figure_{figure}"),
                                  "months": cfg.falling_months,
                                  "run": " → ".join(amount(v) for v in run)}))
        if keys:
            latest = months[keys[-1]]
            inventory, sell_out = latest.get("inventory"), latest.get("sell_out")
            if inventory is not None and sell_out and inventory > cfg.inventory_ratio * sell_out:
                self.risk_row("inventory", [keys[-1], inventory, sell_out], self.today,
                              Message("inventory_high", {
                                  "month": keys[-1], "inventory": amount(inventory),
                                  "sell_out": amount(sell_out),
                                  "ratio": cfg.inventory_ratio}))
            if latest.get("stockout"):
                self.risk_row("stockout", [keys[-1]], self.today,
                              Message("stockout", {"month": keys[-1]}))
        for name, since_text in self.f.get("competitors", []):
            since = _d(since_text)
            self.changes(since)
            self.changes(since + dt.timedelta(days=cfg.competitor_new_days + 1))
            if 0 <= (self.today - since).days <= cfg.competitor_new_days:
                self.risk_row("competitor", [name, since_text], self.today,
                              Message("competitor", {"name": name, "since": since_text}))
        if self.s.get("kind") == "distributor":
            self.dumping(months, keys)
        self.shelf()
        declining = self.f.get("profit_chain")
        if declining:
            self.risk_row("profit_chain", declining, self.today, Message("profit_chain", {
                "declining": ", ".join(declining)}))
        if self.s.get("tier") == "key" or self.s.get("kind") == "key_account":
            cadence = 7 if self.s.get("route") else cadence_of(self.s, self.cfg)[1]
            last = _d(self.f.get("last_interaction"))
            limit = round(cfg.untouched_factor * cadence)
            if last is not None:
                self.changes(last + dt.timedelta(days=limit + 1))
            if last is not None and (self.today - last).days > limit:
                self.risk_row("untouched", [last.isoformat()], last + dt.timedelta(days=limit),
                              Message("untouched", {"days": limit, "last": last.isoformat()}))

    def risk_row(self, kind: str, basis: list[Any], due: dt.date, message: Message) -> None:
        """A risk, unless acknowledged (``kq ack``): an ack hides the rows whose fingerprint it
        saw, from its ``on`` day through its ``until`` (for good without one). The fingerprint
        is taken of what the risk was computed from (the months and figures, the competitor,
        the last contact), so new or changed figures list the risk again."""
        mark = risk_fingerprint(kind, basis)
        for a in self.f.get("acks", ()):
            if a["reason"] == "risk" and mark in a["seen"]:  # hidden from its on to its until
                self.changes(_d(a["on"]))
                if a["until"] is not None:
                    self.changes(_d(a["until"]) + ONE_DAY)
        hidden = any(a["reason"] == "risk" and mark in a["seen"]
                     and _d(a["on"]) <= self.today  # type: ignore[operator]
                     and (a["until"] is None or self.today <= _d(a["until"]))  # type: ignore[operator]
                     for a in self.f.get("acks", ()))
        self.risks.append((mark, message, hidden))
        if not hidden:
            self.add("risk", due, 0, message, occasion=mark)

    def shelf(self) -> None:
        """What each product's latest shelf check (kq shelf) within ``risk.shelf_days`` says: a
        price outside kq.yaml ``products``' band, off the shelf or below its facings, stock
        below its ``stock`` (units on the shelf: the month's sell-out is the whole customer's,
        in yuan, and says nothing of one product's units)."""
        from .shelf import yuan

        checks = self.f.get("shelf")
        if not checks:
            return
        window = self.cfg.risk.shelf_days
        products = self.cfg.products
        for sku, (day, facings, price, stock) in sorted(checks.items()):
            checked = _d(day)
            self.changes(checked)
            self.changes(checked + dt.timedelta(days=window + 1))
            if not 0 <= (self.today - checked).days <= window:  # type: ignore[operator]
                continue
            product = products.get(sku)
            band = getattr(product, "price", None)
            if price is not None and band is not None and not band[0] <= price <= band[1]:
                side = Message("above" if price > band[1] else "below")
                self.risk_row("shelf_price", [sku, day, price, *band], self.today,
                              Message("shelf_price", {
                                  "sku": sku, "price": yuan(price), "side": side,
                                  "low": band[0], "high": band[1], "day": day[5:]}))
            least = getattr(product, "facings", None)
            if facings == 0:
                self.risk_row("shelf_off", [sku, day, facings], self.today,
                              Message("shelf_gone", {"sku": sku, "day": day[5:]}))
            elif facings is not None and least is not None and facings < least:
                self.risk_row("shelf_off", [sku, day, facings, least], self.today,
                              Message("shelf_few", {"sku": sku, "facings": facings,
                                                    "least": least, "day": day[5:]}))
            fewest = getattr(product, "stock", None)
            if stock is not None and fewest is not None and stock < fewest:
                self.risk_row("shelf_stock", [sku, day, stock, fewest], self.today,
                              Message("shelf_low", {"sku": sku, "stock": stock,
                                                    "least": fewest, "day": day[5:]}))

    def dumping(self, months: dict[str, Any], keys: list[str]) -> None:
        """冲货: shipments beyond sell-out plus inventory increase left the territory.

        Judged on the latest month whose shipments, sell-out and inventory, and the month
        before's inventory, are all known.
        """
        share = self.cfg.risk.dumping_share
        for before, key in reversed(list(zip(keys, keys[1:], strict=False))):
            figures = (months[key].get("shipments"), months[key].get("sell_out"),
                       months[key].get("inventory"), months[before].get("inventory"))
            if None in figures or not figures[0] or not _consecutive([before, key]):
                continue
            shipped, sold, stock, stock_before = figures
            increase = stock - stock_before
            gone = shipped - sold - increase
            if gone > share * shipped:
                self.risk_row("dumping", [key, *figures], self.today,
                              Message("dumping", {
                                  "month": key, "shipped": amount(shipped), "sold": amount(sold),
                                  "change": amount(increase, sign=True), "gone": amount(gone),
                                  "share": f"{gone / shipped:.0%}", "limit": f"{share:.0%}"}))
            return


def risk_fingerprint(kind: str, basis: list[Any]) -> str:
    """``collections:3f2a9c01``: the kind of risk and a short hash of what it was computed
    from (numbers as floats, so 1000 and 1000.0 are the same figure)."""
    text = "|".join(repr(float(v)) if isinstance(v, int | float) and not isinstance(v, bool)
                    else str(v) for v in basis)
    return f"{kind}:{hashlib.blake2b(text.encode(), digest_size=4).hexdigest()}"


def _next_month(key: str | None) -> str:
    """The month after ``key`` (YYYY-MM); "" (before every month) for None."""
    if not key:
        return ""
    return dates.month_key(dates.add_months(dt.date.fromisoformat(f"{key}-01"), 1))


def owed_months(months: list[str]) -> list[str]:
    """``2026-10``; ``2026-09``, ``2026-11``; three or more months in a row as one span:
    ``2026-03~2026-08``, ``2026-10`` (a message joins them: ``2026-03~2026-08、2026-10``)."""
    runs: list[list[str]] = []
    for month in months:
        if runs and _next_month(runs[-1][-1]) == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return [m for r in runs for m in ([f"{r[0]}~{r[-1]}"] if len(r) >= 3 else r)]


def falling_run(values: list[float], decline_min: float) -> bool:
    """Each value at least ``decline_min`` (a share) below the one before: 756000 -> 705000
    -> 700000 is not falling (the last step is 0.7 %) with the default 0.05."""
    return all(b < a and (a - b) / a >= decline_min - 1e-12  # 5 % of 705,000 is 5 %, not 4.99…
               for a, b in zip(values, values[1:], strict=False))


def _consecutive(keys: list[str]) -> bool:
    starts = [dt.date.fromisoformat(k + "-01") for k in keys]
    return all(dates.add_months(a, 1) == b for a, b in zip(starts, starts[1:], strict=False))


def work_calendar(settings: Settings) -> dates.WorkCalendar:
    return dates.WorkCalendar.of(settings.due.extra_days_off, settings.due.extra_working_days)


def statement_reminders(settings: Settings, owners: list[str], today: dt.date,
                        statements: Statements | None = None) -> list[Reminder]:
    """The monthly expense statement of each rep, due on the n-th working day of the month
    after it: every month not submitted (``statements/YYYY-MM.yaml``) stays listed, overdue
    once its day has passed, until ``kq statement submit``."""
    from . import statements as st

    calendar = work_calendar(settings)
    n = settings.expenses.statement_working_day
    lead = settings.leads.expense_statement
    latest = st.current(calendar, today, n)
    out = []
    for rep in owners:
        start = st.first_owed(statements, rep, latest)
        for period in st.open_periods(statements, rep, start, latest, st.submitted):
            deadline, covered = st.deadline(calendar, period, n)
            out.append(Reminder(None, rep, "expense_statement", deadline,
                                deadline - dt.timedelta(days=lead),
                                Message("expense_statement", {
                                    "period": period, "n": n, "deadline": deadline.isoformat()}),
                                owner=rep, estimated=not covered))
    return out


def check_reminders(settings: Settings, owners: list[str], today: dt.date,
                    statements: Statements | None = None) -> list[Reminder]:
    """The manager's check of each rep's statement (sales clerk, sales manager and finance
    sign it off), due on ``expenses.check_working_day`` of the month after it: listed until
    all three have signed (``kq statement sign``), naming who has not; payment starts on the
    pay day only then.

    A rep who left during that month still has a statement to check.
    """
    from . import statements as st

    calendar = work_calendar(settings)
    cfg = settings.expenses
    latest = st.current(calendar, today, cfg.check_working_day)
    newest = st.current(calendar, today, cfg.statement_working_day)
    lead = settings.leads.expense_check
    out = []
    for rep in [r.name for r in settings.reps] if settings.reps else owners:
        start = st.first_owed(statements, rep, newest)
        for period in st.open_periods(statements, rep, start, latest, st.signed):
            if not st.active_in(settings, rep, period):
                continue
            deadline, covered = st.deadline(calendar, period, cfg.check_working_day)
            pay, _ = st.deadline(calendar, period, cfg.pay_working_day)
            found = st.entry(statements, period, rep)
            out.append(Reminder(None, rep, "expense_check", deadline,
                                deadline - dt.timedelta(days=lead),
                                Message("expense_check", {
                                    "rep": rep, "period": period, "n": cfg.check_working_day,
                                    "deadline": deadline.isoformat(),
                                    "pay_n": cfg.pay_working_day, "pay": pay.isoformat(),
                                    "missing": st.missing(found)}),
                                estimated=not covered))
    return out


def score(reminder: Reminder, summary: dict[str, Any] | None, settings: Settings,
          today: dt.date, explain: bool = False) -> None:
    """Fill ``urgency`` and, with ``explain``, the labelled ``terms`` that add up to it."""
    u = settings.urgency
    terms: list[tuple[Any, float]] = [(("reason", reminder.reason),
                                       u.reasons.get(reminder.reason, 0.0))]
    late = (today - reminder.due).days
    if late > 0:
        terms.append((("overdue", late), min(late * u.overdue_per_day, u.overdue_cap)))
    elif late < 0:
        terms.append((("ahead", -late), max(late * u.ahead_per_day, -u.overdue_cap)))
    if reminder.misfortune and reminder.due <= today:
        terms.append((("misfortune",), u.misfortune))
    if summary:
        for key, table in (("tier", u.tier), ("grade", u.grade), ("kind", u.kind)):
            value = table.get(summary.get(key))  # type: ignore[arg-type]
            if value:
                terms.append(((key, summary.get(key)), value))
    reminder.urgency = sum(v for _, v in terms)
    if explain:
        reminder.terms = [(_label(what, u), value) for what, value in terms]


def _label(what: tuple, u: Any) -> Message:
    """What an urgency term weighs: ``overdue 4d × 0.5`` (逾期 4 天 × 0.5), ``tier key``."""
    if what[0] == "overdue":
        return Message("term_overdue", {"days": what[1], "per_day": u.overdue_per_day})
    if what[0] == "ahead":
        return Message("term_ahead", {"days": what[1], "per_day": u.ahead_per_day})
    if what[0] == "misfortune":
        return Message("term_misfortune")
    return Message("term", {"what": Message(f"term_{what[0]}"), "value": what[1]})


def visible(reminder: Reminder, today: dt.date, within: int | None) -> bool:
    """Listed once its lead time has begun, or when due falls within ``within`` days."""
    if reminder.shows_from <= today:
        return True
    return within is not None and (reminder.due - today).days <= within


def customer_reminders(rows: list[tuple[dict[str, Any], dict[str, Any]]], settings: Settings,
                       today: dt.date, within: int | None = None, explain: bool = False,
                       dropped: list[Message] | None = None,
                       closed: list[Reminder] | None = None) -> list[Reminder]:
    """The listed reminders of these customers, each with its urgency.

    ``dropped`` collects a line for each greeting whose grace period ran out unanswered; with
    ``explain``, ``closed`` collects the greetings answered (each note says by what), and
    each listed greeting's notes say why the interactions around it did not answer it.
    """
    found: list[Reminder] = []
    left = settings.departed()
    calendar = work_calendar(settings)
    for summary, facts in rows:
        rules = CustomerRules(summary, facts, settings, today, within, left, calendar, explain)
        for r in rules.all():
            score(r, summary, settings, today, explain)
            found.append(r)
        if dropped is not None:
            dropped.extend(rules.dropped)
        if closed is not None:
            closed.extend(rules.closed)
    return found


def morning_list(rows: list[tuple[dict[str, Any], dict[str, Any]]], settings: Settings,
                 today: dt.date, within: int | None = None, explain: bool = False,
                 found: list[Reminder] | None = None,
                 owners: set[str] | None = None,
                 statements: Statements | None = None) -> tuple[list[Reminder], bool]:
    """Every listed reminder, most urgent first; and whether every listed date came from the
    official calendar (False: some year's days off were estimated).

    ``found`` and ``owners`` let a caller that evaluated the customers already pass their
    reminders in instead of ``rows``; ``statements``: the expense statements submitted and
    signed (``statements/``), None as none.
    """
    if found is None:
        found = customer_reminders(rows, settings, today, within, explain)
        owners = {s["owner"] for s, _ in rows if s.get("owner")}
    reps = [r.name for r in settings.reps if r.left is None or r.left > today]
    for r in [*statement_reminders(settings, reps or sorted(owners or ()), today, statements),
              *check_reminders(settings, sorted(owners or ()), today, statements)]:
        if visible(r, today, within):
            score(r, None, settings, today, explain)
            found.append(r)
    found.sort(key=lambda r: (-r.urgency, r.due, r.name, r.reason))
    return found, not any(r.estimated for r in found)
