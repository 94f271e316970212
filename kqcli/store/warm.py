"""Answers without the command line: a question asked again of an unchanged repository, and
``kq due``'s JSON from the agenda, with the standard library alone (no typer, pydantic, YAML
or rules).

**Answers kept.** ``kq due``, ``kq score`` and ``kq classify`` (without ``--apply`` or
``--output``) rest only on the customer files, ``kq.yaml``, the expense statements
(``statements/``, whose signature is part of the question), kq itself, the day and a few
environment variables. When one of them runs with stdout not a terminal, what it printed
(stdout, stderr, exit code) is kept in the index under its arguments, the day, those
variables and whether stderr is a terminal (:class:`Question`), if nothing changed in the
index while it ran (the ``generation`` in ``meta``, renewed by every change to the files,
the settings or the agenda, which also empties ``answers``). The same question is then
answered from there after one ``lstat`` per customer file shows that every file still has
the signature the index holds, and kq's code and ``kq.yaml``'s stat are those the answer was made with.

**The terminal page.** ``kq due`` printed to a terminal (colours, one page) is kept the same
way, also under the terminal's size and what decides the pager (:data:`TERMINAL`): the bytes
the terminal got, or those the pager got (handed to the pager again when answered).

**kq due from the agenda.** A ``kq due --format json`` not asked before is built from the
agenda with :func:`listing` (the query the full command uses too) when the record of the
last full ``kq due`` (``due`` in ``meta``) still holds: the agenda's key, no customer due for
a recheck today, no invalid file, and rep-level rows made for this day, window and team.

**A file edited by hand.** When the only change since the last full ``kq due`` is a few
customer files (:func:`edited`), kqcli.store.edited re-indexes them and works out their agenda
again first, and the JSON is then built from the agenda as above.

Anything else, or any doubt, leaves the question to the full command.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sqlite3
import sys

from . import clock
from .context import current
from .files import folder_signature, signature, unchanged
from .local import ALL, owner_inputs
from .root import COMPLETE_VAR, command_line, iso_day, linked, locate
from .stamp import code_stamp

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

URGENCY = """((w_reason + case when :t > d then min((:t - d) * :per_day, :cap)
                              when :t < d then max((:t - d) * :ahead, -:cap) else 0.0 end)
                + case when misfortune and d <= :t then :misfortune else 0.0 end)
               + w_tier + w_grade + w_kind"""
"""``core.due.score``'s urgency, the terms summed in its order (floating point is not
associative)."""

LISTED = """listed as {materialized} (
    select head, dtail, mid, tail, d as due, name, reason, id, seq, grp, owner, :t - d as late,
           {urgency} as x
    from (select *, coalesce(due, :t) as d
          from (select *, 0 as grp from main.agenda union all select *, 1 from temp.everyone)
          where shows_from <= :upto and (shows_from <= :t or due <= :last){where}))"""
"""The listed rows of the agenda and of the rep-level reminders, with their urgency; a
reminder due "today" (``due`` NULL) is due on ``:t``. ``{materialized}``: "materialized" for
the listing, "not materialized" where only some columns are read (SQLite then works out those
alone)."""

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

ANSWERS = """create table answers (key text primary key, day integer, code text, kq_yaml text,
                                     err blob, exit integer, generation text, paged integer,
                                     out blob)"""
"""Answers kept, by question (:class:`Question`), each for the index's generation it was
worked out at (:func:`forget` renews it); those of another generation, or for days more than
:data:`KEEP_DAYS` before the day of an answer being kept, are dropped then (deleting megabytes
is left to :func:`keep`, which kq's server runs after the client has its answer). ``out``
comes last: SQLite writes a zeroblob in a row's last column without making it in memory, and
:func:`_insert` writes the output into it piece by piece."""
KEEP_DAYS = 7
KEEP_ANSWERS = 32
"""At most this many answers are kept, the most recently made ones (a manager's questions of
every rep, every window, every format would otherwise each keep theirs)."""
KEEP_BYTES = 16 * 1024 * 1024
KEEP_PER_CUSTOMER = 3072
"""And at most this many bytes of them, or KEEP_PER_CUSTOMER a customer in a bigger repository
(about a third of what its files take: at 100,000 customers `kq due`, `score` and `list` print
126, 87 and 49 MB, which a warm run then reads back instead of working them out again; with
2 KB a customer the three pushed each other out): newest first, an answer that does not fit
in what is left is dropped (one larger than the room alone is never kept), the smaller older
ones stay."""


def room(db: sqlite3.Connection) -> int:
    """How many bytes of answers the index keeps at most (:data:`KEEP_BYTES`)."""
    customers = db.execute("select count(*) from files").fetchone()[0]
    return max(KEEP_BYTES, KEEP_PER_CUSTOMER * customers)


def forget(db: sqlite3.Connection) -> None:
    """Renew the generation, which makes every answer kept stale (inside the caller's
    transaction, run with every change to the files, the settings or the agenda)."""
    generation = current().generation = f'"{os.urandom(8).hex()}"'
    db.execute("insert or replace into meta values ('generation', ?)", (generation,))


STALE = """select f.id from files f left join agenda_state a on a.id = f.id
           where f.ok = 1 and (a.id is null or ? < a.evaluated or ? >= a.recheck)
           order by f.id"""
"""The customers whose agenda is missing or may differ on day ``?`` (an ordinal, twice)."""


class Listing:
    """What ``kq due`` prints: the JSON array as UTF-8 (SQLite built each object)."""

    def __init__(self, body: bytes, overdue: bool, estimated_years: list[int],
                 owners: set[str]) -> None:
        self.body = body  # the objects of ``json.dumps(rows, ensure_ascii=False)``, encoded
        self.overdue = overdue  # anything listed late (after the filters)
        self.estimated_years = estimated_years  # years whose days off were estimated
        self.owners = owners
        self.dropped: list[dict[str, object]] = []  # messages as core.messages.to_data

    def write(self, out: io.BufferedIOBase) -> None:
        """The array and a newline, written as they are (megabytes at team scale: not copied
        into one, as in a child of kq's server each fresh page costs a fault)."""
        out.write(b"[")
        out.write(self.body)
        out.write(b"]\n")

    def json_text(self) -> str:
        return f"[{self.body.decode()}]"

    def rows(self) -> list[dict[str, object]]:
        import json

        return json.loads(b"[" + self.body + b"]")


ITEM = f"""cast(head || coalesce(:tday || dtail, '') || late || mid
                 || coalesce((select {SHOWN} from (select {HUNDREDTHS} as k)), '@')
                 || tail as blob)"""
"""A listed row's JSON object (``Reminder.to_json``): the stored text around the two values
that depend on today, as UTF-8 bytes; '@' where :data:`HUNDREDTHS` leaves the rounding to
Python."""
ORDER = "x desc, due, name, reason, grp, id, seq"
"""Most urgent first, then a total order (``core.due.morning_list``'s)."""


def listed_sql(where: str) -> str:
    """The listed rows, most urgent first: each row's JSON object, whether it is late, its
    urgency."""
    return f"""with {LISTED.format(materialized="materialized", urgency=URGENCY, where=where)}
        select {ITEM} as item, late > 0 as late, x from listed order by {ORDER}"""


KEPT_LISTING = f"""insert into main.listed
    with {LISTED.format(materialized="materialized", urgency=URGENCY, where="{where}")}
    select x, due, name, reason, grp, coalesce(id, ''), seq, owner, late > 0, {ITEM} from listed
    order by {ORDER}"""
"""The listed rows kept in the index (``listed``) for one day, window and set of rep-level rows,
before the ``--owner``/``--reason`` filters: most of the listing's cost is working them out,
and a changed customer changes only its own rows (``agenda_changed``, noted by each writer)."""


def _kept_listing(db: sqlite3.Connection, params: dict[str, object], key: str) -> bool:
    """Bring the rows in ``listed`` up to date for ``key``: only those of the customers whose
    agenda changed since, when it was made for the same key; made when ``key`` is asked for
    the second time. False when there are none (the first time, a read-only or busy index, a
    read snapshot): the caller works the listing out itself."""
    if db.in_transaction:  # warm.answer's snapshot: use it only if nothing changed since
        return (_raw(db, "listed") == key
                and db.execute("select 1 from agenda_changed limit 1").fetchone() is None)
    try:
        db.execute("begin immediate")
    except sqlite3.Error:
        return False
    try:
        if _raw(db, "listed") == key:
            changed = " and grp = 0 and id in (select id from main.agenda_changed)"
            db.execute("delete from main.listed where" + changed[4:])
            db.execute(KEPT_LISTING.format(where=changed), params)
        elif _raw(db, "listing_asked") != key:
            # The first listing of a day (or window, or rep-level rows) is worked out and not
            # kept: keeping it costs twice as much, and the same question asked again is an
            # answer kept. Another question on it (another --owner) keeps it.
            db.execute("insert or replace into meta values ('listing_asked', ?)", (key,))
            db.execute("commit")
            return False
        else:
            db.execute("delete from main.listed")
            db.execute(KEPT_LISTING.format(where=""), params)
            db.execute("insert or replace into meta values ('listed', ?)", (key,))
        db.execute("delete from main.agenda_changed")
        db.execute("commit")
        return True
    except sqlite3.Error:
        if db.in_transaction:
            db.execute("rollback")
        return False


def owners_of(db: sqlite3.Connection) -> set[str]:
    return {o for (o,) in db.execute(
        "select distinct owner from agenda_state where owner is not null")}


def listing(db: sqlite3.Connection, urgency: dict[str, float], today: dt.date,
            within: int | None, owners: set[str], everyone: list[list[object]], years: list[int],
            owner: str | None = None, reasons: list[str] | None = None) -> Listing:
    """The morning list, most urgent first, from an up-to-date agenda and the rep-level rows
    (``everyone``, with the ``years`` they estimated); ``urgency``: the weights by name."""
    import json

    t = today.toordinal()
    params = _prepared(db, urgency, today, within, everyone)
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
    key = json.dumps([t, within, urgency, everyone, _raw(db, "agenda")], ensure_ascii=False)
    if _kept_listing(db, params, key):
        rows = f"select item, late, x from main.listed where 1{where} order by {ORDER}"
    else:
        rows = listed_sql(where)
    body, overdue, missing = db.execute(JOINED.format(rows=rows), params).fetchone()
    if missing:  # group_concat would leave them out
        raise sqlite3.DatabaseError(f"{missing} reminder(s) of the agenda without their text")
    body = body or b""
    if b'"urgency": @,' in body:  # a tie SQLite cannot round for certain: Python rounds it
        found = db.execute(rows, params).fetchall()  # (body and overdue from one statement)
        body = b", ".join([item.replace(b'"urgency": @,',
                                        f'"urgency": {json.dumps(round(x, 2))},'.encode(), 1)
                           for item, _, x in found])
        overdue = any(late for _, late, _ in found)
    return Listing(body, bool(overdue), years, owners)


def _prepared(db: sqlite3.Connection, urgency: dict[str, float], today: dt.date,
              within: int | None, everyone: list[list[object]]) -> dict[str, object]:
    """:data:`LISTED`'s parameters, with the rep-level rows put where it reads them."""
    import json

    t = today.toordinal()
    db.execute("create temp table if not exists everyone as select * from main.agenda where 0")
    db.execute("delete from temp.everyone")
    db.executemany("insert into temp.everyone values (?" + ", ?" * 16 + ")", everyone)
    return {"t": t, "per_day": urgency["overdue_per_day"], "ahead": urgency["ahead_per_day"],
            "cap": urgency["overdue_cap"], "misfortune": urgency["misfortune"],
            "last": t + within if within is not None else -1,
            "upto": max(t, t + (within or 0)),  # shows_from <= due
            "tday": json.dumps(today.isoformat())}


def late_counts(db: sqlite3.Connection, urgency: dict[str, float], today: dt.date,
                everyone: list[list[object]]) -> list[tuple[str | None, str, int]]:
    """(owner, reason, how many) of the reminders listed today that are late, as ``kq due``
    lists them (``overdue_days`` > 0): counted by SQLite, without the rows' text."""
    # Not materialized: SQLite then works out only the columns counted, not every listed row's
    # urgency and text (0.94 -> 0.66 s at 100,000 customers, kq team's every run).
    listed = LISTED.format(materialized="not materialized", urgency=URGENCY, where="")
    sql = (f"with {listed} select owner, reason, count(*) "
           "from listed where late > 0 group by owner, reason order by owner, reason")
    return db.execute(sql, _prepared(db, urgency, today, None, everyone)).fetchall()


JOINED = ("select cast(group_concat(item, ', ') as blob), max(late), count(*) - count(item)"
          " from ({rows})")
"""The listed rows' JSON objects joined in SQLite, in the order of ``rows`` (an aggregate other
than count, min or max keeps its subquery's ORDER BY: SQLite's own tests hold it to that,
tkt2942.test), whether any is late, and how many rows have no text (which group_concat skips:
a damaged index): one value instead of a Python object per row, which at team scale was most
of the listing's cost (5,300 rows, 1.6 MB at 2,000 customers)."""


def stderr_is_a_terminal() -> bool:
    """Notes for people (which years' days off were estimated) go to a terminal only: a
    script or a pipeline reads ``estimated`` in the rows and gets a clean stderr."""
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (ValueError, OSError):  # closed
        return False


def estimated_warning(years: list[int]) -> str:
    """Which years' days off were estimated, when a listed date depends on them."""
    return (f"kq: the official holiday calendar does not cover {', '.join(map(str, years))} "
            "yet; its days off are estimated from the statutory holidays (元旦, 春节, 清明, "
            "劳动节, 端午, 中秋, 国庆) without 调休 (add exceptions in kq.yaml "
            "due.extra_days_off and due.extra_working_days)")


# -- the question and its answer ---------------------------------------------------------------

CACHED = frozenset({"due", "score", "classify", "list", "expenses", "team", "route", "pool"})
"""Commands whose answer rests only on the files, kq.yaml, kq, the day and :data:`ENVIRONMENT`
(no git, no clock beyond the day); each says :func:`answered` when it has printed it."""
NOT_KEPT = frozenset({"--output", "-o", "--apply", "--help", "-h"})
"""Options that write something (or need no repository): their runs are not kept."""
ENVIRONMENT = ("KQ_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "COLUMNS", "LINES", "TERM",
               "COLORTERM", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")
"""The variables a kept answer is for: the language (kqcli.cli.i18n: KQ_LANG, else the locale)
and what Rich lays a table out and styles it by (a pipe is as wide as ``COLUMNS``, else 1000:
kqcli.cli.render)."""
TERMINAL = frozenset({"due"})
"""Commands whose page for a terminal is kept too: the morning list, asked every morning. A page
is kept when stderr's lines all came before it, and answered for the same terminal size, colour
variables, language and pager."""
PAGER_ENVIRONMENT = ("KQ_PAGER", "PAGER", "PATH")
"""What decides whether a page taller than the terminal goes to a pager (kqcli.cli.pager:
``$KQ_PAGER``, else ``$PAGER``, else ``less`` when the path has one): a terminal's key."""


class Question:
    """One run of a command in :data:`CACHED`: where, on which day, and its key."""

    def __init__(self, argv: list[str], root: str, today: dt.date, command: str,
                 rest: list[str], statements: str = "", terminal: bool = False) -> None:
        self.root, self.today, self.command, self.rest = root, today, command, rest
        self.statements = statements  # statements/'s signature: the answer rests on it too
        self.me = owner_inputs(root)  # what the default --owner rests on (kqcli.store.local)
        self.terminal = terminal  # stdout is a terminal: colours, one page, perhaps a pager
        # ("racy": one was written just now and its times could repeat: nothing is answered
        # from what was kept, nor kept)
        self.key = repr((argv, today.toordinal(), [os.environ.get(n) for n in ENVIRONMENT],
                         sys.stdout.encoding, sys.stdout.errors, stderr_is_a_terminal(),
                         statements, self.me,
                         terminal and (terminal_sizes(), [os.environ.get(n)
                                                          for n in PAGER_ENVIRONMENT])))
        self.index = os.path.join(root, ".kq", "index.sqlite")
        self.unchanged: dict[int, bool] = {}  # by size cap: whether the files are as indexed

    def kq_yaml(self) -> str:
        return signature(os.path.join(self.root, "kq.yaml"), 0)


def question(argv: list[str]) -> Question | None:
    """The question ``argv`` asks, when its answer can be kept or found; else None."""
    found = command_line(argv)
    if found is None or os.environ.get(COMPLETE_VAR):  # a shell asking for completions
        return None
    given, n = found
    if n == len(argv) or argv[n] not in CACHED or given.get("--lang", "zh") not in ("zh", "en"):
        return None
    rest = argv[n + 1:]
    if any(a in NOT_KEPT or a.startswith(("--output=", "-o")) or (a[:1] == "-" and a[1:2] != "-"
                                                                    and len(a) > 2)
           for a in rest):
        return None  # writes a file, asks for help, or bundles short options
    if sys.stdout is None or sys.stderr is None:
        return None  # closed (>&-)
    terminal = sys.stdout.isatty()
    if terminal and argv[n] not in TERMINAL:
        return None  # a terminal: colours, a page and a pager, kept for kq due alone
    today = _today(given.get("--today") or os.environ.get("KQ_TODAY"))
    root = locate(given.get("--repo"))
    if today is None or root is None or linked(root):
        return None  # (the full command says what is wrong)
    statements = folder_signature(os.path.join(root, "statements"))
    return Question(argv, root, today, argv[n], rest, statements, terminal)


def terminal_sizes() -> list[tuple[int, int] | None]:
    """The size of the terminal on stdin, stdout and stderr, as Rich and ``shutil`` look for it
    (each None when not a terminal)."""
    sizes: list[tuple[int, int] | None] = []
    for fd in (0, 1, 2):
        try:
            sizes.append(tuple(os.get_terminal_size(fd)))  # type: ignore[arg-type]
        except (OSError, ValueError):
            sizes.append(None)
    return sizes


class DueRequest:
    """The options of ``kq due`` that :func:`listing` answers."""

    OPTIONS = {"--within": "within", "-w": "within", "--owner": "owner", "--reason": "reason",
               "--format": "format", "-f": "format", "--fail-on": "fail_on"}

    def __init__(self) -> None:
        self.within: str | None = None
        self.owner: str | None = None
        self.reason: list[str] = []
        self.format = "table"
        self.fail_on: str | None = None
        self.pool = False


def parse_due(args: list[str]) -> DueRequest | None:
    """``kq due``'s options as click reads them; None for any other (``--explain``, ``--all``,
    ``--verbose``, help, a stray argument), which the full command handles."""
    request, args = DueRequest(), list(args)
    while args:
        arg = args.pop(0)
        if arg == "--pool":
            request.pool = True
            continue
        name, given, value = arg.partition("=")
        if name not in DueRequest.OPTIONS or (given and not name.startswith("--")):
            return None
        if not given:
            if not args:
                return None
            value = args.pop(0)
        if value.startswith("-"):
            return None
        if DueRequest.OPTIONS[name] == "reason":
            request.reason.append(value)
        else:
            setattr(request, DueRequest.OPTIONS[name], value)
    return request


def _today(text: str | None) -> dt.date | None:
    """The day as the full command reads it (store.root.parse_today); None when it would say
    the text is wrong."""
    if not text:
        try:
            return clock.today()
        except ValueError:
            return None
    try:
        return iso_day(text)
    except ValueError:
        return None


def _connect(path: str) -> sqlite3.Connection:
    """The index. (Not memory-mapped: an answer kept is read in pieces, no slower without it,
    and deleting one read each of its pages through the mapping, which counted in the
    process's memory: 45 MB more at 10,000 customers.)"""
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.execute("pragma synchronous = normal")  # a cache: WAL keeps it whole without an fsync per answer
    return db


def _meta(db: sqlite3.Connection, key: str) -> object:
    import json

    text = _raw(db, key)
    return None if text is None else json.loads(text)


def _raw(db: sqlite3.Connection, key: str) -> str | None:
    """A value of ``meta`` as its JSON text (compared as it is stored, not decoded)."""
    row = db.execute("select value from meta where key = ?", (key,)).fetchone()
    return row[0] if row else None


def _unchanged(db: sqlite3.Connection, q: Question, max_bytes: int) -> bool:
    """Every customer file has the signature the index holds (one lstat each; asked once per
    run and size cap)."""
    if max_bytes not in q.unchanged:
        folder = os.path.join(q.root, "customers")
        q.unchanged[max_bytes] = unchanged(
            folder, dict(db.execute("select id, sig from files")), max_bytes)
    return q.unchanged[max_bytes]


def _cap(db: sqlite3.Connection, kq_yaml: str) -> int | None:
    """``check.max_file_bytes`` as the last validation of this kq.yaml found it."""
    row = db.execute("""select json_extract(value, '$.signature'),
                               json_extract(value, '$.max_file_bytes')
                        from meta where key = 'settings' and json_valid(value)""").fetchone()
    if row and row[0] == kq_yaml != "racy" and isinstance(row[1], int):
        return row[1]
    return None


Chunks = tuple[bytes, ...]
"""Output in the pieces it was written in (at 100,000 customers the listing alone is 126 MB:
joined, it would be held twice)."""
Answer = tuple[Chunks, bytes, int]
"""stdout (in pieces), stderr and the exit code of an answer."""


def write_out(stream: io.BufferedIOBase, out: Chunks) -> None:
    """Write an answer's output, piece by piece."""
    for chunk in out:
        stream.write(chunk)


def answer(q: Question, proven: bool = False,
           page: Callable[[bytes], bool] | None = None) -> int | None:
    """Print the answer to ``q`` and return its exit code; None when the full command must
    run. ``proven``: the index and the agenda were brought up to date with the files in this
    run (kqcli.store.edited), so ``kq due``'s JSON is built from them without proving again
    that no file changed. ``page``: hands a terminal's page that went to the pager to it again
    (False: no pager now). Output that cannot be written raises, for kqcli.cli.run's guard of
    every output."""
    if not os.path.isfile(q.index):
        return None
    if proven:  # (the listing kept is brought up to date, as the full command does)
        found = _read(q, lambda db: _due(db, q, proven=True), snapshot=False)
    else:
        found = _read(q, lambda db: _kept(db, q) or _due(db, q))
    if found is None:
        return None
    out, err, code, *paged = found
    if paged and paged[0] and page is None:
        return None
    if err:
        sys.stderr.buffer.write(err)
        sys.stderr.flush()
    if paged and paged[0]:  # a terminal's page: one screenful or a few
        whole = b"".join(out)
        if not page(whole):  # type: ignore[misc]
            sys.stdout.buffer.write(whole)  # (as the full command prints it without a pager)
    else:
        write_out(sys.stdout.buffer, out)
    sys.stdout.flush()
    return code


def _read(q: Question, work: Callable[[sqlite3.Connection], Answer | None],
          snapshot: bool = True) -> Answer | None:
    """``work`` on one snapshot of the index (an answer and the signatures it is checked
    against), or without one (the listing kept is then brought up to date, as the full
    command does); None when anything unexpected is in the cache: the full command decides."""
    try:
        db = _connect(q.index)
    except sqlite3.Error:
        return None
    try:
        if snapshot:
            db.execute("begin")
        return work(db)
    except (OSError, sqlite3.Error, ValueError, KeyError, TypeError):
        return None
    finally:
        db.close()


FEW = 8
"""At most this many customer files changed since the index was brought up to date (a file or
two edited by hand) are re-indexed before the command line (kqcli.store.edited); more are the
full command's (a progress bar, every core)."""


def edited(q: Question) -> tuple[int, str] | None:
    """When a few customer files (:data:`FEW`) changed since the last full ``kq due`` and
    nothing else did (kq, kq.yaml, the settings kept as plain data, the agenda's key) and ``q``
    is one :func:`listing` answers: the size cap the files were indexed with and the settings
    kept (``settings_plain``'s text), for kqcli.store.edited to bring the index and the agenda
    up to date; else None."""
    handed = current().scan  # the scan that found the files changed, for the refresh
    if (_due_request(q) is None or handed is None
            or handed[0] != os.path.join(q.root, "customers") or handed[3][1]):
        return None  # (a name in customers/ that is not read: the full command notes it)
    try:
        db = _connect(q.index)
    except sqlite3.Error:
        return None
    try:
        kept, plain = _due_record(db, q), _meta(db, "settings_plain")
        if (kept is None or kept["max_bytes"] != handed[1]
                or not isinstance(plain, dict) or plain.get("signature") != kept["kq_yaml"]
                or plain.get("code") != kept["code"] or not isinstance(plain.get("data"), str)):
            return None
        stored = dict(db.execute("select id, sig from files"))
    except (OSError, sqlite3.Error, ValueError, KeyError, TypeError):
        return None
    finally:
        db.close()
    on_disk = handed[3][0]
    changed = {i for i, (_, sig) in on_disk.items()  # (as the refresh finds them)
               if sig in ("racy", "gone") or stored.get(i) != sig} | (
        stored.keys() - on_disk.keys())
    return (handed[1], plain["data"]) if 0 < len(changed) <= FEW else None


def _kept(db: sqlite3.Connection, q: Question) -> Answer | None:
    if q.statements == "racy":
        return None
    row = db.execute("""select code, kq_yaml, rowid, err, exit, paged from answers
                        where key = ? and generation =
                            (select value from meta where key = 'generation')""",
                     (q.key,)).fetchone()
    if row is None or row[0] != code_stamp() or row[1] != q.kq_yaml():
        return None
    cap = _cap(db, row[1])
    if cap is None or not _unchanged(db, q, cap):
        return None  # (the output, megabytes at team scale, is read only when it holds)
    rowid, err, code, paged = row[2:]
    return _pieces(db, rowid), err, code, paged


PIECE = 4 * 1024 * 1024
"""An answer kept is read in pieces of this size (:func:`_pieces`)."""


def _pieces(db: sqlite3.Connection, rowid: int) -> Chunks:
    """The output of an answer kept, read from the row in pieces: as one value, SQLite puts
    the row's pages together in a buffer of its own and Python copies that (at 100,000
    customers, 150 ms for the 126 MB listing; in pieces, 45 ms)."""
    with db.blobopen("answers", "out", rowid, readonly=True) as blob:  # (else a write lock)
        return tuple(iter(lambda: blob.read(PIECE), b""))


def keep(q: Question, generation: str | None, code: str, kq_yaml: str, found: Answer,
         paged: bool = False) -> None:
    """Keep an answer, if the index is still at ``generation`` (nothing kept when the cache is
    read-only or busy: the answer is the same without it); ``paged``: its stdout is a page
    that went to the pager."""
    try:
        db = _connect(q.index)
    except sqlite3.Error:
        return
    try:
        db.execute("pragma busy_timeout = 200")  # never keep the user waiting for this
        db.execute("begin immediate")
        try:
            db.execute("delete from answers where day < ? or generation is not ?",
                       (q.today.toordinal() - KEEP_DAYS, generation))
            if _raw(db, "generation") == generation:  # (else only the stale ones go)
                _insert(db, q.key, q.today.toordinal(), code, kq_yaml, *found, generation,
                        int(paged))
            # the newest KEEP_ANSWERS that fit in the room: one that does not fit beside the
            # newer ones (a team's whole listing) goes, not every older one with it
            left, kept = room(db), 0
            dropped = []
            for rowid, size in db.execute("select rowid, length(out) + length(err) "
                                          "from answers order by rowid desc").fetchall():
                if kept < KEEP_ANSWERS and size <= left:
                    left, kept = left - size, kept + 1
                else:
                    dropped.append((rowid,))
            db.executemany("delete from answers where rowid = ?", dropped)
            db.execute("commit")
            give_back(db, left)
        finally:
            if db.in_transaction:
                db.execute("rollback")
    except sqlite3.Error:
        pass
    finally:
        db.close()


def give_back(db: sqlite3.Connection, spare: int) -> None:
    """Give the pages freed back to the disk beyond ``spare`` bytes of them: the room left for
    answers, which the next ones fill again (every change makes every answer stale at once, so
    at 100,000 customers each keep after a change freed ~260 MB, and giving all of it back cost
    0.5 s, more than the change's own work). The file stays bounded: its free pages never pass
    the answers' room after a keep."""
    page = db.execute("pragma page_size").fetchone()[0]
    excess = db.execute("pragma freelist_count").fetchone()[0] - spare // page
    if excess > 0:
        # (stepped once, as execute does, the pragma frees one page; sqlite3_exec runs it to
        # the end)
        db.executescript(f"pragma incremental_vacuum({excess});")


def _insert(db: sqlite3.Connection, key: str, day: int, code: str, kq_yaml: str, out: Chunks,
            err: bytes, exit_code: int, generation: str | None, paged: int) -> None:
    """Insert an answer's row, its output written into the row piece by piece: bound as one
    value, SQLite would copy it twice more (at 100,000 customers, 300 MB held for a 126 MB
    listing)."""
    size = sum(map(len, out))
    rowid = db.execute("insert or replace into answers values (?, ?, ?, ?, ?, ?, ?, ?, "
                       "zeroblob(?))", (key, day, code, kq_yaml, err, exit_code, generation,
                                        paged, size)).lastrowid
    if size:
        with db.blobopen("answers", "out", rowid, readonly=False) as blob:
            write_out(blob, out)  # type: ignore[arg-type]


def _due_request(q: Question) -> DueRequest | None:
    """The options of a ``kq due --format json`` that :func:`listing` answers; else None."""
    from ..schema.reasons import REASONS

    request = parse_due(q.rest) if q.command == "due" and not q.terminal else None
    if (request is None or request.format != "json" or request.fail_on not in (None, "overdue")
            or any(r not in REASONS for r in request.reason)
            or (request.within is not None and not request.within.isdigit())):
        return None
    return request


def _due_record(db: sqlite3.Connection, q: Question) -> dict[str, object] | None:
    """The record of the last full ``kq due`` (``due`` in ``meta``) when it still holds for
    kq's code, ``kq.yaml`` and the agenda's key; else None."""
    kept = _meta(db, "due")
    if (not isinstance(kept, dict) or kept["code"] != code_stamp()
            or kept["kq_yaml"] != q.kq_yaml() or _meta(db, "agenda") != kept["agenda"]):
        return None
    return kept


def _due(db: sqlite3.Connection, q: Question, proven: bool = False) -> Answer | None:
    """``kq due --format json`` from the agenda, when the last full run's record holds;
    ``proven``: the index was brought up to date with the files in this run."""
    request = _due_request(q)
    if request is None:
        return None
    generation = _raw(db, "generation")
    kept = _due_record(db, q)
    if kept is None or not (proven or _unchanged(db, q, kept["max_bytes"])):
        return None
    code, kq_yaml = kept["code"], kept["kq_yaml"]
    t = q.today.toordinal()
    if (db.execute("select 1 from files where ok = 0 limit 1").fetchone()
            or db.execute(STALE + " limit 1", (t, t)).fetchone()):
        return None
    owners = owners_of(db)
    within = int(request.within) if request.within is not None else None
    # (a window wider than the agenda's cover has no reps' rows kept for it under this agenda's
    # key: the full run that keeps them widens the cover, and so the key, first)
    reps = _meta(db, "agenda_reps")
    if not isinstance(reps, dict) or reps["key"] != [t, within, sorted(owners), kept["agenda"],
                                                     q.statements]:
        return None
    owner = None if request.owner in ALL else request.owner
    if request.owner is None and not request.pool:  # the default owner, as the full run found it
        me = _meta(db, "me")
        if not isinstance(me, dict) or me.get("inputs") != q.me or me.get("kq_yaml") != kq_yaml:
            return None
        owner = me.get("owner")
    if owner and owner not in owners and owner not in kept["reps"]:
        return None  # the full command names the closest reps
    out = listing(db, kept["urgency"], q.today, within, owners, reps["rows"], reps["years"],
                  owner, ["pool"] if request.pool else request.reason)
    warning = (estimated_warning(out.estimated_years) + "\n"
               if out.estimated_years and stderr_is_a_terminal() else "")
    err = warning.encode(sys.stderr.encoding or "utf-8", sys.stderr.errors or "strict")
    found = ((b"[", out.body, b"]\n"), err,
             1 if request.fail_on == "overdue" and out.overdue else 0)
    current().after(lambda: keep(q, generation, code, kq_yaml, found))  # at the generation read
    return found


def due_record(code: str, kq_yaml: str, agenda_key: object, max_bytes: int,
               urgency: dict[str, float], reps: list[str]) -> dict[str, object] | None:
    """What a full ``kq due`` rested on, for :func:`_due` to check: kq's code and kq.yaml's
    signature as they were *before* the run read anything (None when kq.yaml was racy)."""
    if kq_yaml == "racy":
        return None
    return {"code": code, "kq_yaml": kq_yaml, "agenda": agenda_key, "max_bytes": max_bytes,
            "urgency": urgency, "reps": reps}


# -- recording what the full command prints ---------------------------------------------------

class _Tee(io.BufferedIOBase):
    """Writes go to ``target`` at once (no buffer of its own) and are kept; each write's
    stream is noted in ``order`` (shared by the run's two tees)."""

    def __init__(self, target: io.BufferedIOBase, name: str = "", order: list[str] | None = None,
                 cap: int = KEEP_BYTES) -> None:
        super().__init__()
        # the chunks written (not copied: bytes is); None once they are more than an answer
        # kept may be (``cap``, the index's room): such an answer is never kept, so it is not
        # held either
        self.target, self.kept, self.size, self.cap = target, [], 0, cap
        self.name, self.order = name, order if order is not None else []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.target.write(data)
        if self.kept is not None:
            self.size += len(data)
            if self.size > self.cap:
                self.kept = None
            else:
                self.kept.append(bytes(data))
        if data and (not self.order or self.order[-1] != self.name):
            self.order.append(self.name)
        return len(data)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()


def answered() -> None:
    """Said by a command in :data:`CACHED` when it has printed its whole answer: only such a
    run is kept (not one that a closed pipe, a full disk or Ctrl-C ended with the same exit
    code)."""
    current().answered = True


class Recorder:
    """Keeps what the full command prints for ``q``, when nothing changed while it ran."""

    def __init__(self, q: Question) -> None:
        self.q = q
        self.run = current()
        self.start = self._state()
        self.streams = (sys.stdout, sys.stderr)
        self.tees: list[_Tee] = []
        self.order: list[str] = []  # which stream was written, in turn
        if self.start is None:
            return
        cap = self._room()
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            tee = _Tee(stream.buffer, name, self.order, cap)
            self.tees.append(tee)
            setattr(sys, name, io.TextIOWrapper(
                tee, encoding=stream.encoding, errors=stream.errors,  # type: ignore[arg-type]
                line_buffering=stream.line_buffering, write_through=True))

    def _state(self) -> tuple[str | None, str, str, str] | None:
        """The index's generation, kq, kq.yaml and statements/ as they are now."""
        if not os.path.isfile(self.q.index):
            return None
        try:
            db = _connect(self.q.index)
            try:
                return (_raw(db, "generation"), code_stamp(), self.q.kq_yaml(),
                        folder_signature(os.path.join(self.q.root, "statements")))
            finally:
                db.close()
        except (OSError, sqlite3.Error, ValueError):
            return None

    def _room(self) -> int:
        """How much of the output may be kept (:func:`room`): more is not held."""
        try:
            db = _connect(self.q.index)
            try:
                return room(db)
            finally:
                db.close()
        except sqlite3.Error:
            return KEEP_BYTES

    def _replayable(self) -> bool:
        """A terminal got exactly the bytes kept, in the order an answer replays them: stderr
        was written (if at all) before stdout, or before the page went to the pager and nothing
        else to stdout; and no Rich console drew with the legacy Windows console's calls
        instead of bytes."""
        if self.order not in ([], ["stdout"], ["stderr"], ["stderr", "stdout"]) or (
                self.run.paged is not None and "stdout" in self.order):
            return False
        console = sys.modules.get("rich.console") if sys.platform == "win32" else None
        return console is None or not console.detect_legacy_windows()

    def finish(self, exit_code: object) -> None:
        """Restore the streams; keep the answer if the run ended with 0 or 1 and the index,
        kq and kq.yaml are as they were when it started."""
        if not self.tees:
            return
        flushed = True
        for wrapper in (sys.stdout, sys.stderr):
            try:
                wrapper.flush()
            except (OSError, ValueError):
                flushed = False  # a closed pipe: the answer was not printed whole
        sys.stdout, sys.stderr = self.streams
        code = 0 if exit_code is None else exit_code
        if (not flushed or not self.run.answered or code not in (0, 1) or self.start is None
                or "racy" in (self.start[2], self.q.statements)
                or self.start[3] != self.q.statements
                or (self.q.terminal and not self._replayable())):
            return
        now = self._state()
        if now is None or now[1:] != self.start[1:] or (
                now[0] != self.start[0] and now[0] != self.run.generation):
            return  # kq, kq.yaml, statements/ or the index changed, not by this run alone
        out, err = self.tees
        paged = self.run.paged if self.q.terminal else None
        if err.kept is None or (out.kept is None and paged is None):
            return  # too big to keep
        self.run.after(lambda: keep(self.q, now[0], now[1], now[2],
                           (tuple(out.kept) if paged is None else (paged,),
                            b"".join(err.kept), code), paged is not None))
