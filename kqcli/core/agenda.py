"""The agenda: a customer's candidate reminders, evaluated once and kept until a rule's answer
would change, so that ``kq due`` need not run every rule over every customer every morning.

A customer's rules (:class:`CustomerRules`) run with an open window: every candidate is
materialised, listed today or not. The candidates stay valid until ``recheck_on``, the first
day on which the rules give a different answer (a birthday rolling over, a route weekday, a new
report month, a grace period ending). Each rule notes the days on which a comparison it makes
with today turns (``CustomerRules.changes``); the rules are run again on the first of those
days and compared, and so on up to a horizon, so no rule is duplicated here: whatever a rule
makes of "today", the run on that day sees it. (tests/test_agenda_notes.py holds the day found
to the one found by running the rules on every day.) Listing (lead time, ``--within``) and the
part of the urgency that depends on today are applied when the agenda is read.

Also here: :class:`Plain`, the validated ``kq.yaml`` as plain data with the models' attribute
access, so that a cached run does not import pydantic.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .due import Reminder

OPEN = 1_000_000
"""Days ahead for the open window: every candidate is listed."""
HORIZON = 7
"""Days probed after an evaluation by default (a caller that names no :func:`horizon`)."""
PERIOD = 8
"""Each customer has a fixed day in every PERIOD days, by its id (:func:`horizon`), on which its
agenda is worked out again at the latest, unless it was worked out less than REST days before.
After a full evaluation (a new kq, a kq.yaml change) the customers whose answer does not change
then come up again spread over eight mornings, each on its own day, instead of all on the
eighth (1,778 of 2,000 customers on one morning)."""
REST = 4
"""The fewest days before a customer's own day brings it up again (fewer probes, and a customer
just worked out because its answer changed is not worked out again the next morning)."""


def horizon(customer_id: str, today: dt.date) -> int:
    """Days to probe after evaluating ``customer_id`` on ``today``: up to the day before its
    first own day at least REST days ahead (REST - 1 to REST + PERIOD - 2), the same on every
    run and machine."""
    import zlib

    ahead = -(today.toordinal() + zlib.crc32(customer_id.encode("utf-8"))) % PERIOD
    while ahead < REST:
        ahead += PERIOD
    return ahead - 1


Row = tuple[Any, ...]


def floating(reminders: list[Reminder], day: dt.date) -> list[Reminder]:
    """``reminders`` with each one shown and due on ``day`` itself written as due "today"
    (``due`` and ``shows_from`` None): a risk or a never-made visit is due on whatever day it
    is asked about, and need not make its customer be evaluated again every day."""
    return [replace(r, due=None, shows_from=None) if r.due == day == r.shows_from else r
            for r in reminders]


def candidates(summary: dict[str, Any], facts: dict[str, Any], settings: Any, today: dt.date,
               departed: dict[str, dt.date], calendar: Any, horizon: int = HORIZON,
               cover: int | None = None) -> tuple[list[Reminder], list[str], dt.date]:
    """Every candidate reminder of one customer on ``today`` (those due "today", whatever day
    it is, with ``due`` None), the greetings dropped that day, and the first day on which
    either would be different, up to ``horizon`` days ahead. The rules are run again on the
    days they note their answer may change (``CustomerRules.until``), not on every day: the
    same first day, found in a run or two (tests/test_agenda.py checks it against every day).

    ``cover``: only the candidates a listing with ``--within`` up to that many days could show
    on a day answered from these (up to ``horizon`` days ahead): those shown from ``today +
    horizon + cover`` at the latest. The others (a festival months ahead, most birthdays) come
    in at a later evaluation, which comes at the latest the day after the horizon, before any of
    them can be listed. None: every candidate."""
    from .due import CustomerRules, Log

    log = Log(facts)  # parsed once for every day probed
    end = today + dt.timedelta(days=horizon + 1)
    reach = None if cover is None else today + dt.timedelta(days=min(horizon + cover, OPEN))

    def run(day: dt.date) -> tuple[tuple[list[Reminder], list[str]], dt.date]:
        rules = CustomerRules(summary, facts, settings, day, OPEN, departed, calendar, log=log,
                              until=end)
        reminders = rules.all()
        if reach is not None:  # (the same reach on every day probed: their answers compare)
            reminders = [r for r in reminders if r.shows_from <= reach]
        for r in reminders:  # one shown on its due day floats that day only (floating)
            if r.due == r.shows_from:
                if r.due > day:
                    rules.changes(r.due)
                elif r.due == day and r.occasion is None:
                    rules.tomorrow()
        return (floating(reminders, day), rules.dropped), rules.until

    found, until = run(today)
    while until < end:  # the rules are run again only on a day they said may differ
        try:
            probe, next_until = run(until)
        except Exception:  # noqa: BLE001 - a day the rules cannot answer is evaluated on that day
            return (*found, until)
        if probe != found:
            return (*found, until)
        until = next_until
    return (*found, end)


def weights(summary: dict[str, Any] | None, settings: Any,
            ) -> tuple[dict[str, float], float, float, float]:
    """The terms of ``core.due.score`` that do not depend on today, in its order: by reason,
    and the customer's tier, grade and kind (0.0 where ``score`` adds no term): the same for
    each of its rows, so looked up once a customer."""
    u = settings.urgency
    tier, grade, kind = ((table.get(summary.get(key)) or 0.0) if summary else 0.0
                         for key, table in (("tier", u.tier), ("grade", u.grade),
                                            ("kind", u.kind)))
    return u.reasons, tier, grade, kind


DUE, LATE, URGENCY = "\x00due", "\x00late", "\x00urgency"
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(…, ensure_ascii=False)
_DUE, _LATE, _URGENCY = _ENCODE(DUE), _ENCODE(LATE), _ENCODE(URGENCY)


def row(reminder: Reminder, seq: int,
        terms: tuple[dict[str, float], float, float, float]) -> Row:
    """One agenda row: the sort and filter keys (dates as ordinals; a reminder due "today" has
    due None and shows from 0), the urgency's terms (``terms``: :func:`weights` of its
    customer), and ``Reminder.to_json`` as text around the values that depend on today:
    ``head``, [due, ``dtail``,] overdue_days, ``mid``, urgency, ``tail``."""
    today = reminder.due is None
    data = replace(reminder, due=dt.date.min, shows_from=dt.date.min).to_json(dt.date.min) \
        if today else reminder.to_json(reminder.due)
    data["overdue_days"], data["urgency"] = LATE, URGENCY
    if today:
        data["due"] = DUE
    text = _ENCODE(data)
    dtail = None
    if today:
        head, text = text.split(_DUE, 1)
        dtail, text = text.split(_LATE, 1)
    else:
        head, text = text.split(_LATE, 1)
    mid, tail = text.split(_URGENCY, 1)
    return (reminder.customer, seq, reminder.name, reminder.reason,
            None if today else reminder.due.toordinal(),
            0 if today else reminder.shows_from.toordinal(), reminder.owner,
            int(reminder.misfortune), int(reminder.estimated),
            terms[0].get(reminder.reason, 0.0), *terms[1:], head, dtail, mid, tail)


# -- which settings a customer's agenda rests on ---------------------------------------------

class Reads:
    """The settings as the rules read them, noting every value read (``cadence.normal``,
    ``due.greeting_grace_days``, ``urgency.reasons``): a customer's agenda rests on those
    values alone, besides its file, the day, the departed reps and the work calendar. So a
    change to kq.yaml need re-evaluate only the customers one of whose values changed (a
    cadence: those of that tier; ``score:`` weights: none). A section (a model) is followed;
    anything else is a value, noted whole. One per customer: a value read is kept on the
    instance, so reading it again costs a plain attribute."""

    def __init__(self, target: Any, path: str = "", seen: dict[str, Any] | None = None) -> None:
        self.__target, self.__path = target, path
        self.__seen: dict[str, Any] = {} if seen is None else seen

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        value = getattr(self.__target, name)
        if name == "departed" and callable(value):
            return value  # the departed reps are part of the agenda's key (store.agenda)
        if _section(value):
            value = Reads(value, f"{self.__path}{name}.", self.__seen)
        else:
            self.__seen[self.__path + name] = value
        self.__dict__[name] = value
        return value

    def read(self) -> dict[str, Any]:
        """Each value read, by its path."""
        return self.__seen


_VALUES = (int, float, str, tuple, list, dict, type(None))


def _section(value: Any) -> bool:
    return type(value) is Plain or (not isinstance(value, _VALUES)
                                    and hasattr(type(value), "model_fields"))


def reads_of(seen: dict[str, Any]) -> tuple[str, str]:
    """The paths read (sorted, one a line) and a digest of their values."""
    paths = sorted(seen)
    return "\n".join(paths), values_digest([seen[p] for p in paths])


def values_digest(values: list[Any]) -> str:
    import hashlib

    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=as_data)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def values_at(settings: Any, paths: str) -> list[Any]:
    """The values of ``paths`` (as :func:`reads_of` writes them) in ``settings``; a path the
    settings lack reads as a value no settings hold."""
    out = []
    for path in paths.split("\n") if paths else ():
        value = settings
        try:
            for name in path.split("."):
                value = getattr(value, name)
        except AttributeError:
            value = {"$missing": path}
        out.append(value)
    return out


def as_data(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if type(value) is Plain:
        return {k: v for k, v in value.__dict__.items() if not k.startswith("$")}
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump()
    raise TypeError(f"cannot digest {type(value).__name__}")


# -- kq.yaml as plain data ------------------------------------------------------------------

class Plain:
    """A section of the settings as stored data, read by attribute like the pydantic model."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.__dict__.update(data)

    def departed(self) -> dict[str, dt.date]:
        """What ``Settings.departed()`` answered when the settings were stored."""
        return self.__dict__["$departed"]


def to_plain(value: Any) -> Any:
    """A JSON-able copy of validated settings: models, dates and tuples are tagged."""
    fields = getattr(type(value), "model_fields", None)
    if fields is not None:
        data = {name: to_plain(getattr(value, name)) for name in fields}
        if callable(getattr(value, "departed", None)):
            data["$departed"] = {k: {"$date": v.isoformat()} for k, v in value.departed().items()}
        return {"$model": data}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [to_plain(v) for v in value]}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value


def from_plain(node: dict[str, Any]) -> Any:
    """``json.loads`` object hook undoing :func:`to_plain`."""
    if len(node) == 1:
        if "$model" in node:
            return Plain(node["$model"])
        if "$date" in node:
            return dt.date.fromisoformat(node["$date"])
        if "$tuple" in node:
            return tuple(node["$tuple"])
    return node
