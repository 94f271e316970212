"""``kq due``'s warm path: when nothing it depends on changed since the last full run, the
JSON a script pipes is answered from the index with the standard library alone: no typer, no
pydantic, no rules, no YAML.

The full command (:func:`kqcli.agenda.morning`) brings the index and the agenda up to date and
leaves a record (``warm`` in ``meta``) of what its answer rested on: kq's code, ``kq.yaml``'s
stat, the agenda's key, the size cap, the urgency weights and the reps. :func:`answer` takes the
warm path only when every one of those still holds, every customer file has the signature the
index holds, no file is invalid, no customer's agenda is due for a recheck today, and
the rep-level rows were made for this day, window and team. Anything else, or any argument it
does not know, returns None and the full command runs with its checks and messages.

The listing itself (:func:`listing`) is the one both paths use.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import sys

from . import __version__
from .store.files import scan, signature

URGENCY = """((w_reason + case when :t > d then min((:t - d) * :per_day, :cap)
                              when :t < d then max((:t - d) * :ahead, -:cap) else 0.0 end)
                + case when misfortune and d <= :t then :misfortune else 0.0 end)
               + w_tier + w_grade + w_kind"""
"""``core.due.score``'s urgency, the terms summed in its order (floating point is not
associative)."""

LISTED = """listed as materialized (
    select head, dtail, mid, tail, d as due, name, reason, id, seq, grp, :t - d as late,
           {urgency} as x
    from (select *, coalesce(due, :t) as d
          from (select *, 0 as grp from main.agenda union all select *, 1 from temp.everyone)
          where shows_from <= :upto and (shows_from <= :t or due <= :last){where}))"""
"""The listed rows of the agenda and of the rep-level reminders, with their urgency; a
reminder due "today" (``due`` NULL) is due on ``:t``."""

HUNDREDTHS = """case when abs(x) * 100.0 - cast(abs(x) * 100.0 as integer) > 0.5
                   then cast(abs(x) * 100.0 as integer) + 1
                   when abs(x) * 100.0 - cast(abs(x) * 100.0 as integer) < 0.5
                   then cast(abs(x) * 100.0 as integer)
                   when x * 8 = cast(x * 8 as integer)
                   then cast(abs(x) * 100.0 as integer) + cast(abs(x) * 100.0 as integer) % 2
              end"""
"""|x| in hundredths as Python's ``round(x, 2)`` has it: correctly rounded, half to even. A
decimal tie is exact only when 8x is whole; when |x| * 100 lands on .5 otherwise, the exact
value may lie on either side of it: NULL, and Python rounds that one."""

SHOWN = """case when k is null then null
             when k = 0 then (case when x < 0 then '-0.0' else '0.0' end)
             else json_quote((case when x < 0 then -k else k end) / 100.0) end"""
"""``json.dumps(round(x, 2))``: SQLite prints a double with 15 significant digits, which for
k / 100 is the shortest text that reads back as the same double, as Python's repr is."""

ANSWERS = "create table answers (key text primary key, overdue integer, years text, body blob)"
"""Listings answered before, by question (:func:`answer_key`); emptied by every change to the
files, the settings or the agenda, so a hit is the answer a full run would give."""

STALE = """select f.id from files f left join agenda_state a on a.id = f.id
           where f.ok = 1 and (a.id is null or ? < a.evaluated or ? >= a.recheck)
           order by f.id"""
"""The customers whose agenda is missing or may differ on day ``?`` (an ordinal, twice)."""


class Listing:
    """What ``kq due`` prints: the JSON array as UTF-8 (SQLite built each object)."""

    def __init__(self, body: bytes, overdue: bool, estimated_years: list[int],
                 owners: set[str]) -> None:
        self.body = body  # exactly ``json.dumps(rows, ensure_ascii=False)``, encoded
        self.overdue = overdue  # anything listed late (after the filters)
        self.estimated_years = estimated_years  # years whose days off were estimated
        self.owners = owners
        self.dropped: list[str] = []

    def json_bytes(self) -> bytes:
        return self.body

    def json_text(self) -> str:
        return self.body.decode()

    def rows(self) -> list[dict[str, object]]:
        return json.loads(self.body)


def listed_sql(where: str) -> str:
    """The listed rows, most urgent first, each as its JSON object (``Reminder.to_json``):
    the stored text around the two values that depend on today, as UTF-8 bytes."""
    return f"""with {LISTED.format(urgency=URGENCY, where=where)}
        select cast(head || coalesce(:tday || dtail, '') || late || mid
                    || coalesce((select {SHOWN} from (select {HUNDREDTHS} as k)), '@')
                    || tail as blob), late > 0, x
        from listed order by x desc, due, name, reason, grp, id, seq"""


def owners_of(db: sqlite3.Connection) -> set[str]:
    return {o for (o,) in db.execute(
        "select distinct owner from agenda_state where owner is not null")}


def listing(db: sqlite3.Connection, urgency: dict[str, float], today: dt.date,
            within: int | None, owners: set[str], everyone: list[list[object]], years: list[int],
            owner: str | None = None, reasons: list[str] | None = None) -> Listing:
    """The morning list, most urgent first, from an up-to-date agenda and the rep-level rows
    (``everyone``, with the ``years`` they estimated); ``urgency``: the weights by name."""
    t = today.toordinal()
    db.execute("create temp table if not exists everyone as select * from main.agenda where 0")
    db.execute("delete from temp.everyone")
    db.executemany("insert into temp.everyone values (?" + ", ?" * 16 + ")", everyone)
    params: dict[str, object] = {"t": t, "per_day": urgency["overdue_per_day"],
                              "ahead": urgency["ahead_per_day"], "cap": urgency["overdue_cap"],
                              "misfortune": urgency["misfortune"],
                              "last": t + within if within is not None else -1,
                              "upto": max(t, t + (within or 0)),  # shows_from <= due
                              "tday": json.dumps(today.isoformat())}
    years = sorted(set(years) | {
        dt.date.fromordinal(d).year for (d,) in db.execute(
            "select distinct coalesce(due, :t) from main.agenda where estimated "
            "and shows_from <= :upto and (shows_from <= :t or due <= :last)", params)})
    where = ""
    if owner:
        where += " and owner = :owner"
        params["owner"] = owner
    if reasons:
        where += f" and reason in ({', '.join(f':r{n}' for n in range(len(reasons)))})"
        params.update({f"r{n}": r for n, r in enumerate(reasons)})
    items, overdue = [], False
    for item, late, x in db.execute(listed_sql(where), params):
        if b'"urgency": @,' in item:  # a tie SQLite cannot round for certain
            item = item.replace(b'"urgency": @,',
                                f'"urgency": {json.dumps(round(x, 2))},'.encode(), 1)
        items.append(item)
        overdue = overdue or late
    return Listing(b"[" + b", ".join(items) + b"]", overdue, years, owners)


def answer_key(today: dt.date, within: int | None, owner: str | None,
               reasons: list[str] | None) -> str:
    return json.dumps([today.toordinal(), within, owner or None, reasons or []],
                      ensure_ascii=False)


def recall(db: sqlite3.Connection, key: str, owners: set[str]) -> Listing | None:
    """The listing answered before for ``key`` (:func:`answer_key`), unless the files, the
    settings or the agenda changed since: every change to them empties ``answers``."""
    row = db.execute("select body, overdue, years from answers where key = ?",
                     (key,)).fetchone()
    return None if row is None else Listing(row[0], bool(row[1]), json.loads(row[2]), owners)


def remember(db: sqlite3.Connection, key: str, out: Listing) -> None:
    """Keep a listing for the same question asked again (nothing kept when the cache is
    read-only or busy: the answer is the same without it)."""
    try:
        db.execute("insert or replace into answers values (?, ?, ?, ?)",
                   (key, int(out.overdue), json.dumps(out.estimated_years), out.body))
    except sqlite3.Error:
        pass


def estimated_warning(years: list[int]) -> str:
    """Which years' days off were estimated, when a listed date depends on them."""
    return (f"kq: the official holiday calendar does not cover {', '.join(map(str, years))} "
            "yet; its days off are estimated from the statutory holidays (元旦, 春节, 清明, "
            "劳动节, 端午, 中秋, 国庆) without 调休 (add exceptions in kq.yaml "
            "due.extra_days_off and due.extra_working_days)")


# -- the record a full run leaves, and the check of it ----------------------------------------

def code_stamp() -> str:
    """Changes with kq's version and with any edit to its code (a development tree)."""
    newest = 0
    folders = [os.path.dirname(os.path.abspath(__file__))]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    newest = max(newest, entry.stat().st_mtime_ns)
                elif entry.is_dir() and not entry.name.startswith(("_", ".")):
                    folders.append(entry.path)
    return f"{__version__}/{newest}"


def record(root: str, agenda_key: object, max_bytes: int, urgency: dict[str, float],
           reps: list[str]) -> dict[str, object] | None:
    """What a full run's answer rested on, for :func:`answer` to check (None: a run that
    cannot be trusted next time, as ``kq.yaml`` was just written)."""
    sig = signature(os.path.join(root, "kq.yaml"), 0)
    if sig == "racy":
        return None
    return {"code": code_stamp(), "kq_yaml": sig, "agenda": agenda_key, "max_bytes": max_bytes,
            "urgency": urgency, "reps": reps}


class Request:
    """``kq [--repo R] [--today D] [--lang L] [--no-pager] due [options]`` as parsed here."""

    GLOBAL = {"--repo": "repo", "--today": "today", "--lang": "lang"}
    OPTIONS = {"--within": "within", "-w": "within", "--owner": "owner", "--reason": "reason",
               "--format": "format", "-f": "format", "--fail-on": "fail_on"}

    def __init__(self) -> None:
        self.repo: str | None = None
        self.today: str | None = None
        self.lang: str | None = None
        self.within: str | None = None
        self.owner: str | None = None
        self.reason: list[str] = []
        self.format = "table"
        self.fail_on: str | None = None
        self.pool = False


def parse(argv: list[str]) -> Request | None:
    """The arguments of a plain ``kq due``; None for anything else (help, other options,
    other commands), which the full command line handles."""
    request, args, command = Request(), list(argv), False
    while args:
        arg = args.pop(0)
        if not command and arg == "due":
            command = True
            continue
        if arg == "--pool" and command:
            request.pool = True
            continue
        if arg == "--no-pager" and not command:
            continue
        name, given, value = arg.partition("=")
        known = Request.OPTIONS if command else Request.GLOBAL
        if name not in known or (given and not name.startswith("--")):
            return None
        if not given:
            if not args:
                return None
            value = args.pop(0)
        if value.startswith("-"):
            return None
        if known[name] == "reason":
            request.reason.append(value)
        else:
            setattr(request, known[name], value)
    return request if command else None


def _today(text: str | None) -> dt.date | None:
    from .core.bounds import FIRST_DAY, LAST_DAY

    if not text:
        return dt.date.today()
    text = text.strip()
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not (
            text[:4] + text[5:7] + text[8:]).isdigit() or not text.isascii():
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def _root(given: str | None) -> str | None:
    given = given or os.environ.get("KQ_REPO")
    if given:
        root = os.path.expanduser(given)
        return root if os.path.isfile(os.path.join(root, "kq.yaml")) else None
    folder = os.getcwd()
    while True:
        if os.path.isfile(os.path.join(folder, "kq.yaml")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _meta(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("select value from meta where key = ?", (key,)).fetchone()
    return row[0] if row else None


def answer(argv: list[str]) -> int | None:
    """Print ``kq due --format json`` for ``argv`` from a warm index and return the exit code;
    None when the full command must run."""
    from .core.reasons import REASONS

    request = parse(argv)
    if (request is None or request.format != "json" or request.lang not in (None, "zh", "en")
            or request.fail_on not in (None, "overdue") or sys.stdout.isatty()
            or any(r not in REASONS for r in request.reason)
            or (request.within is not None and not request.within.isdigit())):
        return None
    today = _today(request.today or os.environ.get("KQ_TODAY"))
    root = _root(request.repo)
    if today is None or root is None:
        return None
    path = os.path.join(root, ".kq", "index.sqlite")
    if not os.path.isfile(path) or not os.path.isfile(os.path.join(root, ".kq", "schema.json")):
        return None
    try:
        db = sqlite3.connect(path, timeout=30, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        out = _listing(db, request, root, today)
    except (OSError, sqlite3.Error, ValueError, KeyError, TypeError):
        out = None  # anything unexpected in the cache: the full command decides
    finally:
        db.close()
    if out is None:
        return None
    if out.estimated_years:
        sys.stderr.write(estimated_warning(out.estimated_years) + "\n")
    sys.stdout.buffer.write(out.json_bytes() + b"\n")
    return 1 if request.fail_on == "overdue" and out.overdue else 0


def _listing(db: sqlite3.Connection, request: Request, root: str,
             today: dt.date) -> Listing | None:
    """The listing, when everything the last full run's answer rested on still holds."""
    text = _meta(db, "warm")
    kept = json.loads(text) if text else None
    if not isinstance(kept, dict) or kept["code"] != code_stamp():
        return None
    if kept["kq_yaml"] != signature(os.path.join(root, "kq.yaml"), 0):
        return None
    agenda_key = _meta(db, "agenda")
    if agenda_key is None or json.loads(agenda_key) != kept["agenda"]:
        return None
    on_disk, _ = scan(os.path.join(root, "customers"), kept["max_bytes"])
    if dict(db.execute("select id, sig from files")) != {
            i: sig for i, (_, sig) in on_disk.items()}:
        return None  # "racy" and "gone" never equal a stored signature
    t = today.toordinal()
    if (db.execute("select 1 from files where ok = 0 limit 1").fetchone()
            or db.execute(STALE + " limit 1", (t, t)).fetchone()):
        return None
    owners = owners_of(db)
    within = int(request.within) if request.within is not None else None
    reps_text = _meta(db, "agenda_reps")
    reps = json.loads(reps_text) if reps_text else None
    if not isinstance(reps, dict) or reps["key"] != [t, within, sorted(owners), kept["agenda"]]:
        return None
    if request.owner and request.owner not in owners and request.owner not in kept["reps"]:
        return None  # the full command names the closest reps
    reasons = ["pool"] if request.pool else request.reason
    key = answer_key(today, within, request.owner, reasons)
    out = recall(db, key, owners)
    if out is None:
        out = listing(db, kept["urgency"], today, within, owners, reps["rows"], reps["years"],
                      request.owner, reasons)
        remember(db, key, out)
    return out
