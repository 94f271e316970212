"""The day planned (``kq plan``): one rep's stops on a date, in order, with times and travel.

Pure: the customers' index rows (summary + facts) and kq.yaml in, a :class:`DayPlan` out.

- **Stops** (in person): the fixed-route customers of that weekday keep their route's time; the
  due and overdue visits, deep visits (蹲点) and visits after a handover, most urgent first, are
  fitted into the working day (``plan.day``) between the fixed stops, each taking
  ``plan.minutes`` by kind (distributor, terminal, ``key`` for a key account or key terminal,
  ``squat`` for 蹲点, ``other``). A customer is one stop, for its most urgent reason.
- **Travel**: the great-circle distance at ``plan.speed_kmh`` when both ends have a
  ``location``; else ``plan.same_region_minutes`` within a region, ``other_region_minutes``
  across regions. The day begins at its first stop (no travel from home).
- **Order**: between two fixed stops (or the day's start and end) a nearest-neighbour tour
  improved by 2-opt, so the day's travel is short.
- **On the way** (顺路拜访): when time is left, customers not yet due are added where the detour
  is at most ``same_region_minutes``, those unseen longest first, marked ``optional``.
- **Desk items**: follow-up and care calls, greetings and area alerts due that day are not in
  person: they are listed after the stops, untimed, with no travel.
- What does not fit is listed as ``unplanned``, never dropped.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .due import ACTIVE_WORK, WEEKDAYS, Reminder, approach, customer_reminders
from .messages import Message

if TYPE_CHECKING:
    from ..schema.config import Settings

IN_PERSON = ("route", "visit", "deep_visit", "handover")
"""The reasons of kq due that are a visit: the day's stops."""
AT_DESK = ("follow_up", "care_call", "birthday", "holiday", "event", "opening", "anniversary",
           "alert")
"""The reasons of kq due that are a call or a greeting: listed after the stops."""
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Stop:
    """One line of the day: a visit at ``time`` (``"HH:MM"``; None for a desk item or one not
    fitted), ``minutes`` long, reached after ``travel_minutes`` and ``km`` (0.0 when unknown)
    from the stop before it. ``contact``: whom to see and how to approach them."""

    time: str | None
    customer: str
    name: str
    reason: str
    minutes: int
    travel_minutes: int
    km: float
    optional: bool
    address: str | None
    phone: str | None
    contact: Message | str | None
    message: Message | str = ""
    region: str | None = None
    fixed: bool = False


@dataclass(frozen=True)
class DayPlan:
    """The stops in time order, the calls and greetings of the day (``desk``), what did not fit
    (``unplanned``), and the kilometres between located stops."""

    day: dt.date
    owner: str | None
    start: str
    end: str
    stops: tuple[Stop, ...] = ()
    desk: tuple[Stop, ...] = ()
    unplanned: tuple[Stop, ...] = ()
    km: float = 0.0


@dataclass
class _Place:
    """A customer as the planner sees it (a stop or a candidate)."""

    stop: Stop
    location: tuple[float, float] | None
    urgency: float = 0.0
    last: str | None = None  # last in-person day, for the on-the-way order
    at: int | None = None  # a fixed stop's minute of the day


def haversine_km(a: Sequence[float], b: Sequence[float]) -> float:
    """The great-circle distance between two [latitude, longitude] points, km."""
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (math.sin((la2 - la1) / 2) ** 2
         + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def clock(text: str | None) -> int | None:
    """``"09:30"`` -> 570 (minutes since midnight); None when it is no time of day."""
    try:
        t = dt.time.fromisoformat(text or "")
    except ValueError:
        return None
    return t.hour * 60 + t.minute


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


class Travel:
    """Travel between places by ``plan``'s rules: ``cost`` (float minutes, for ordering) and
    ``leg`` (whole minutes rounded up, and km or 0.0), None being no place (the day's edge)."""

    def __init__(self, settings: Settings) -> None:
        cfg = settings.plan
        self.speed, self.same, self.other = cfg.speed_kmh, cfg.same_region_minutes, \
            cfg.other_region_minutes

    def km(self, a: _Place, b: _Place) -> float | None:
        if a.location is None or b.location is None:
            return None
        return haversine_km(a.location, b.location)

    def cost(self, a: _Place | None, b: _Place | None) -> float:
        if a is None or b is None or a.stop.customer == b.stop.customer:
            return 0.0
        km = self.km(a, b)
        if km is not None:
            return km / self.speed * 60
        same = a.stop.region is not None and a.stop.region == b.stop.region
        return float(self.same if same else self.other)

    def leg(self, a: _Place | None, b: _Place | None) -> tuple[int, float]:
        if a is None or b is None:
            return 0, 0.0
        km = self.km(a, b)
        return math.ceil(self.cost(a, b) - 1e-9), round(km, 1) if km is not None else 0.0


def path_cost(path: Sequence[Any], cost: Callable[[Any, Any], float],
              begin: Any = None, end: Any = None) -> float:
    """Travel of ``begin`` -> path -> ``end`` (None ends cost nothing)."""
    nodes = [begin, *path, end]
    return sum(cost(a, b) for a, b in zip(nodes, nodes[1:], strict=False))


def nearest_neighbour(items: Sequence[Any], cost: Callable[[Any, Any], float],
                      begin: Any = None) -> list[Any]:
    """From ``begin`` (else the first item: the most urgent), always on to the nearest left."""
    left = list(items)
    if not left:
        return []
    here = begin
    out = []
    if here is None:
        here = left.pop(0)
        out.append(here)
    while left:
        n = min(range(len(left)), key=lambda i: cost(here, left[i]))
        here = left.pop(n)
        out.append(here)
    return out


def two_opt(path: Sequence[Any], cost: Callable[[Any, Any], float], begin: Any = None,
            end: Any = None) -> list[Any]:
    """Reverse any stretch of ``path`` that shortens ``begin`` -> path -> ``end``, until none
    does: the path never gets longer."""
    best = list(path)
    improved = True
    while improved:
        improved = False
        nodes = [begin, *best, end]
        for i in range(1, len(nodes) - 2):
            for j in range(i + 1, len(nodes) - 1):
                a, b, c, d = nodes[i - 1], nodes[i], nodes[j], nodes[j + 1]
                if cost(a, c) + cost(b, d) < cost(a, b) + cost(c, d) - 1e-9:
                    nodes[i:j + 1] = reversed(nodes[i:j + 1])
                    improved = True
        best = nodes[1:-1]
    return best


def tour(items: Sequence[Any], cost: Callable[[Any, Any], float], begin: Any = None,
         end: Any = None) -> list[Any]:
    """A short path through ``items``: nearest neighbour, improved by 2-opt."""
    return two_opt(nearest_neighbour(items, cost, begin), cost, begin, end)


def visit_minutes(summary: dict[str, Any], reasons: set[str], settings: Settings) -> int:
    """A visit's expected length: ``plan.minutes`` by 蹲点, kind and tier."""
    minutes = settings.plan.minutes
    kind = summary.get("kind")
    if "deep_visit" in reasons:
        key = "squat"
    elif kind == "distributor":
        key = "distributor"
    elif kind == "key_account" or summary.get("tier") == "key":
        key = "key"
    elif kind == "terminal":
        key = "terminal"
    else:
        key = "other"
    return minutes.get(key) or minutes.get("other") or 30


def contact_text(whom: Sequence[Any] | None) -> Message | str | None:
    """``吴国华(董事长), 领导型: 目标导向, …``: whom to see, and the style advice of kq due."""
    if not whom:
        return None
    name, role, _phone, style = whom
    return approach(name, role, style)


class _Segment:
    """The time between two anchors (fixed stops, or the day's start and end): which flexible
    stops go there, in which order."""

    def __init__(self, begin: _Place | None, start: int, end: _Place | None, stop: int,
                 travel: Travel) -> None:
        self.begin, self.start, self.end, self.stop = begin, start, end, stop
        self.travel = travel
        self.places: list[_Place] = []

    def fits(self, places: Sequence[_Place]) -> bool:
        return self.finish(places) <= self.stop

    def finish(self, places: Sequence[_Place]) -> int:
        """When the last stop is over and the next anchor reached (minute of the day)."""
        t, here = self.start, self.begin
        for p in places:
            t += self.travel.leg(here, p)[0] + p.stop.minutes
            here = p
        return t + self.travel.leg(here, self.end)[0]

    def cost(self, places: Sequence[_Place]) -> float:
        return path_cost(places, self.travel.cost, self.begin, self.end)

    def order(self, places: Sequence[_Place]) -> list[_Place]:
        return tour(places, self.travel.cost, self.begin, self.end)


def plan_day(rows: list[tuple[dict[str, Any], dict[str, Any]]], settings: Settings,
             day: dt.date, owner: str | None = None,
             reminders: list[Reminder] | None = None) -> DayPlan:
    """The day of ``owner``'s customers (``rows``; None: all of them) on ``day``.

    ``reminders``: their reminders on ``day`` when the caller has them, else worked out here.
    """
    if owner is not None:
        rows = [(s, f) for s, f in rows if s.get("owner") == owner]
    if reminders is None:
        reminders = customer_reminders(rows, settings, day)
    travel = Travel(settings)
    day_start, day_end = (clock(t) for t in settings.plan.day)
    assert day_start is not None and day_end is not None  # kq.yaml's Clock checked them
    by_id = {s["id"]: (s, f) for s, f in rows}
    visits: dict[str, list[Reminder]] = {}
    desk = []
    for r in reminders:
        if r.customer not in by_id or r.due > day:
            continue
        if r.reason in IN_PERSON:
            visits.setdefault(r.customer, []).append(r)
        elif r.reason in AT_DESK:
            desk.append(r)

    fixed: list[_Place] = []
    flexible: list[_Place] = []
    for cid, found in visits.items():
        summary, facts = by_id[cid]
        found.sort(key=lambda r: -r.urgency)
        first = found[0]
        route = summary.get("route") or {}
        at = clock(route.get("time"))
        is_fixed = (any(r.reason == "route" for r in found) and at is not None
                    and route.get("weekday") == WEEKDAYS[day.weekday()])
        reasons = {r.reason for r in found}
        # a deep visit is a visit too: its 90 minutes serve both
        reason = "route" if is_fixed else "deep_visit" if "deep_visit" in reasons else first.reason
        message = next(r.message for r in found if r.reason == reason)
        place = _place(summary, facts, reason, visit_minutes(summary, reasons, settings),
                       message, fixed=is_fixed)
        place.urgency = max(r.urgency for r in found)
        if is_fixed:
            place.at = at
            fixed.append(place)
        else:
            flexible.append(place)
    fixed.sort(key=lambda p: (p.at, p.stop.name))
    flexible.sort(key=lambda p: (-p.urgency, p.stop.name))

    segments = _segments(fixed, day_start, day_end, travel)
    unplanned = []
    for place in flexible:
        best: tuple[float, _Segment, list[_Place]] | None = None
        for seg in segments:
            trial = seg.order(sorted([*seg.places, place], key=lambda p: -p.urgency))
            if seg.fits(trial):
                added = seg.cost(trial) - seg.cost(seg.places)
                if best is None or added < best[0] - 1e-9:
                    best = (added, seg, trial)
        if best is None:
            unplanned.append(place)
        else:
            best[1].places = best[2]

    if fixed or any(seg.places for seg in segments):
        planned = {p.stop.customer for p in fixed} | {p.stop.customer for p in flexible}
        _on_the_way(segments, _candidates(rows, planned, day, settings), travel,
                    settings.plan.same_region_minutes)

    stops: list[Stop] = []
    km = 0.0
    here: _Place | None = None
    for seg in segments:
        t = seg.start
        if seg.begin is not None:
            stops.append(_timed(seg.begin, seg.begin.at, here, travel))  # type: ignore[arg-type]
            km += travel.km(here, seg.begin) or 0.0 if here is not None else 0.0
            here = seg.begin
        for p in seg.places:
            t += travel.leg(here, p)[0]
            stops.append(_timed(p, t, here, travel))
            km += travel.km(here, p) or 0.0 if here is not None else 0.0
            t += p.stop.minutes
            here = p
    desk.sort(key=lambda r: (-r.urgency, r.due, r.name, r.reason))
    return DayPlan(day, owner, settings.plan.day[0], settings.plan.day[1], tuple(stops),
                   tuple(_desk(r, by_id[r.customer]) for r in desk),  # type: ignore[index]
                   tuple(p.stop for p in unplanned), round(km, 1))


def _place(summary: dict[str, Any], facts: dict[str, Any], reason: str, minutes: int,
           message: Message | str, optional: bool = False, fixed: bool = False) -> _Place:
    whom = facts.get("whom")
    phone = (whom[2] if whom and whom[2] else None) or facts.get("phone")
    location = facts.get("location")
    return _Place(Stop(None, summary["id"], summary["name"], reason, minutes, 0, 0.0, optional,
                       summary.get("address"), phone, contact_text(whom), message,
                       summary.get("region"), fixed),
                  tuple(location) if location else None,  # type: ignore[arg-type]
                  last=facts.get("last_in_person"))


def _desk(r: Reminder, row: tuple[dict[str, Any], dict[str, Any]]) -> Stop:
    place = _place(row[0], row[1], r.reason, 0, r.message)
    return place.stop


def _timed(place: _Place, minute: int, before: _Place | None, travel: Travel) -> Stop:
    minutes, km = travel.leg(before, place)
    return replace(place.stop, time=hhmm(minute), travel_minutes=minutes, km=km)


def _segments(fixed: list[_Place], day_start: int, day_end: int,
              travel: Travel) -> list[_Segment]:
    """The stretches of the day around the fixed stops."""
    segments = []
    begin: _Place | None = None
    start = day_start
    for p in fixed:
        segments.append(_Segment(begin, start, p, p.at, travel))  # type: ignore[arg-type]
        begin, start = p, p.at + p.stop.minutes  # type: ignore[operator]
    segments.append(_Segment(begin, start, None, day_end, travel))
    return segments


def _candidates(rows: list[tuple[dict[str, Any], dict[str, Any]]], planned: set[str],
                day: dt.date, settings: Settings) -> list[_Place]:
    """Customers that could be seen on the way: working with us, not on a fixed route, not
    already in the plan, not seen that day; the one unseen longest first."""
    out = []
    for summary, facts in rows:
        if (summary["id"] in planned or summary.get("route")
                or summary.get("status") not in ACTIVE_WORK
                or facts.get("last_in_person") == day.isoformat()):
            continue
        last = facts.get("last_in_person")
        note = Message("on_the_way", {"since": Message("since_visit", {"last": last}) if last
                                      else Message("no_visit")})
        out.append(_place(summary, facts, "visit", visit_minutes(summary, set(), settings), note,
                          optional=True))
    out.sort(key=lambda p: (p.last or "", p.stop.name))
    return out


def _on_the_way(segments: list[_Segment], candidates: list[_Place], travel: Travel,
                detour_most: int) -> None:
    """Add, while any fits, the candidate of the smallest detour (ties: unseen longest)."""
    left = list(candidates)
    while left:
        best: tuple[float, int, _Segment, int] | None = None
        for n, place in enumerate(left):
            for seg in segments:
                path = seg.places
                if seg.begin is None and seg.end is None and not path:
                    continue  # nothing to be on the way to
                nodes = [seg.begin, *path, seg.end]
                for i in range(len(nodes) - 1):
                    a, b = nodes[i], nodes[i + 1]
                    if a is None and b is None:
                        continue
                    detour = (travel.cost(a, place) + travel.cost(place, b)
                              - travel.cost(a, b))
                    if detour > detour_most + 1e-9 or (best is not None and detour >= best[0]):
                        continue
                    if seg.fits([*path[:i], place, *path[i:]]):
                        best = (detour, n, seg, i)
        if best is None:
            return
        _, n, seg, i = best
        seg.places = seg.places[:i] + [left.pop(n)] + seg.places[i:]
    for seg in segments:
        shorter = two_opt(seg.places, travel.cost, seg.begin, seg.end)
        if seg.fits(shorter):  # whole minutes rounded up could, just, make it longer
            seg.places = shorter
