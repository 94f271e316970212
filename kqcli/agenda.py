"""The morning list out of the index: the agenda (kqcli.core.agenda) kept in SQLite beside the
files, brought up to date for the customers whose answer may have changed, and read with one
query that filters, sorts and writes the JSON.

A customer's agenda rows are dropped with its index row when its file changes; all of them are
dropped when kq's code or the settings change (the ``agenda`` key in ``meta``). A customer is
evaluated again on its ``recheck_on`` day, or when asked about a day before the one it was
evaluated on. The validated ``kq.yaml`` is kept as plain data (``settings_plain``, keyed by the
file's stat like a customer file), so a warm run neither imports pydantic nor validates it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CODE = ("core", "schema", "agenda.py", "index.py")
"""What the agenda's rows depend on besides the files and kq.yaml: the rules and defaults."""


def _code_stamp() -> str:
    here = Path(__file__).parent
    newest = 0
    for name in CODE:
        path = here / name
        entries = [path] if path.suffix else [e for e in path.iterdir() if e.suffix == ".py"]
        newest = max([newest, *(e.stat().st_mtime_ns for e in entries)])
    from . import __version__

    return f"{__version__}/{newest}"


def light_settings(repo: Any) -> tuple[Any, str]:
    """kq.yaml as :class:`~kqcli.core.agenda.Plain` data, and its text; validated (pydantic)
    only when the file's stat or kq's code changed since it was stored."""
    from .core.agenda import from_plain, to_plain
    from .index import signature

    index = repo.cache  # the stored index; the caller refreshes it
    sig = signature(str(repo.root / "kq.yaml"), 0)
    code = _code_stamp()
    cached = index.get_meta("settings_plain")
    if (sig != "racy" and isinstance(cached, dict) and cached.get("signature") == sig
            and cached.get("code") == code and isinstance(cached.get("data"), str)):
        text = cached["data"]
    else:
        text = json.dumps(to_plain(repo.settings), ensure_ascii=False)
        index.set_meta("settings_plain", {"signature": sig, "code": code, "data": text})
    return json.loads(text, object_hook=from_plain), text


@dataclass
class Listing:
    """What ``kq due`` prints: each row's JSON object as UTF-8 (SQLite built it)."""

    items: list[bytes]
    overdue: bool  # anything listed late (after the filters)
    estimated_years: list[int]  # years whose days off were estimated, among the listed
    dropped: list[str] = field(default_factory=list)
    owners: set[str] = field(default_factory=set)

    def json_bytes(self) -> bytes:
        """Exactly ``json.dumps(rows, ensure_ascii=False)``, encoded."""
        return b"[" + b", ".join(self.items) + b"]"

    def json_text(self) -> str:
        return self.json_bytes().decode()

    def rows(self) -> list[dict[str, Any]]:
        return json.loads(self.json_bytes())


def bring_up_to_date(index: Any, settings: Any, settings_text: str, today: dt.date) -> int:
    """Evaluate the customers whose agenda is missing or may have changed; how many were."""
    from .index import AGENDA_SCHEMA

    # The tables' own text is in the key too: a kq that was running while its code changed
    # stamps by the new files' times, not by the tables it made.
    stamp = "\n".join([_code_stamp(), *AGENDA_SCHEMA, settings_text])
    key = hashlib.blake2b(stamp.encode(), digest_size=12).hexdigest()
    t = today.toordinal()
    if index.get_meta("agenda") != key:
        def wipe(db: Any) -> None:
            for statement in AGENDA_SCHEMA:  # drop and create
                db.execute(statement)
            db.execute("insert or replace into meta values ('agenda', ?)", (json.dumps(key),))

        index.write(wipe)
    ids = [i for (i,) in index.db.execute(
        """select f.id from files f left join agenda_state a on a.id = f.id
           where f.ok = 1 and (a.id is null or ? < a.evaluated or ? >= a.recheck)
           order by f.id""", (t, t))]
    if not ids:
        return 0
    stale = [index.db.execute("select id, summary, facts from files where id = ?",
                              (i,)).fetchone() for i in ids]
    from .core.agenda import candidates, row
    from .core.due import work_calendar

    departed = settings.departed()
    calendar = work_calendar(settings)
    rows: list[tuple[Any, ...]] = []
    states: list[tuple[Any, ...]] = []
    for customer_id, summary_text, facts_text in stale:
        summary = json.loads(summary_text)
        found, dropped, recheck = candidates(summary, json.loads(facts_text), settings, today,
                                             departed, calendar)
        rows.extend(row(r, seq, summary, settings) for seq, r in enumerate(found))
        states.append((customer_id, t, recheck.toordinal(), summary.get("owner") or None,
                       json.dumps(dropped, ensure_ascii=False)))

    def store(db: Any) -> None:
        ids = [(s[0],) for s in states]
        db.executemany("delete from agenda where id = ?", ids)
        db.executemany("insert or replace into agenda_state values (?, ?, ?, ?, ?)", states)
        db.executemany("insert into agenda values (?" + ", ?" * 16 + ")", rows)

    index.write(store)
    return len(stale)


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


def listed_sql(where: str) -> str:
    """The listed rows, most urgent first, each as its JSON object (``Reminder.to_json``):
    the stored text around the two values that depend on today, as UTF-8 bytes."""
    return f"""with {LISTED.format(urgency=URGENCY, where=where)}
        select cast(head || coalesce(:tday || dtail, '') || late || mid
                    || coalesce((select {SHOWN} from (select {HUNDREDTHS} as k)), '@')
                    || tail as blob), late > 0, x
        from listed order by x desc, due, name, reason, grp, id, seq"""


def query(index: Any, settings: Any, today: dt.date, within: int | None,
          owner: str | None = None, reasons: list[str] | None = None,
          dropped: bool = False) -> Listing:
    """The morning list, most urgent first, as ``morning_list`` and ``Reminder.to_json`` make
    it (the agenda must be up to date for ``today``)."""
    db = index.db
    t = today.toordinal()
    owners = {o for (o,) in db.execute(
        "select distinct owner from agenda_state where owner is not null")}
    everyone, years = _reps_rows(index, settings, today, within, owners)
    db.execute("create temp table if not exists everyone as select * from main.agenda where 0")
    db.execute("delete from temp.everyone")
    db.executemany("insert into temp.everyone values (?" + ", ?" * 16 + ")", everyone)
    u = settings.urgency
    params: dict[str, Any] = {"t": t, "per_day": u.overdue_per_day, "ahead": u.ahead_per_day,
                              "cap": u.overdue_cap, "misfortune": u.misfortune,
                              "last": t + within if within is not None else -1,
                              "upto": max(t, t + (within or 0)),  # shows_from <= due
                              "tday": json.dumps(today.isoformat())}
    years = set(years) | {
        dt.date.fromordinal(d).year for (d,) in db.execute(
            "select distinct coalesce(due, :t) from main.agenda where estimated "
            "and shows_from <= :upto and (shows_from <= :t or due <= :last)", params)}
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
    out = Listing(items, overdue, sorted(years), owners=owners)
    if dropped:
        out.dropped = [line for (text,) in db.execute(
            "select dropped from agenda_state where dropped != '[]' order by id")
            for line in json.loads(text)]
    return out


def _reps_rows(index: Any, settings: Any, today: dt.date, within: int | None,
               owners: set[str]) -> tuple[list[list[Any]], list[int]]:
    """The rep-level reminders (expense statement and check) as agenda rows, and the years they
    estimated; computed by ``morning_list`` once a day (and window, and team)."""
    key = [today.toordinal(), within, sorted(owners), index.get_meta("agenda")]
    cached = index.get_meta("agenda_reps")
    if isinstance(cached, dict) and cached.get("key") == key:
        return cached["rows"], cached["years"]
    from .core.agenda import row
    from .core.due import morning_list

    found, _ = morning_list([], settings, today, within=within, found=[], owners=owners)
    rows = [list(row(r, seq, None, settings)) for seq, r in enumerate(found)]
    years = sorted({r.due.year for r in found if r.estimated})
    index.set_meta("agenda_reps", {"key": key, "rows": rows, "years": years})
    return rows, years


def morning(repo: Any, within: int | None, owner: str | None = None,
            reasons: list[str] | None = None, dropped: bool = False,
            ) -> tuple[Listing, Any]:
    """``kq due``'s data for ``repo.today`` through the agenda; and the settings it used."""
    settings, text = light_settings(repo)
    index = repo.index
    bring_up_to_date(index, settings, text, repo.today)
    return query(index, settings, repo.today, within, owner, reasons, dropped), settings
