"""The incremental index under ``.kq/``: what was learnt from each customer file, keyed like
git's index by the file's size, mtime, ctime, inode and device, so a normal run does not re-parse
YAML and an edit that restores the mtime (``touch -r``, a sync client) is still seen.

The YAML files stay the only source of truth. The index is safe to delete at any time, is
rebuilt for changed files only, and is thrown away whole when kq's version, the schema or the
index format changes. A file changed within the last two seconds is indexed but not trusted
next time (its times could repeat within the file system's granularity, like git's racy index).
When the cache cannot be written (a full disk, a read-only tree, ``.kq`` being a file), the
index lives in memory for this run and ``fallback`` says why.

Only regular files are read, never more than ``max_file_bytes`` of them: a symbolic link, a
FIFO, a device or a huge file is a located problem, so no customer file can hang or exhaust kq.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from .context import current
from .files import scan, shown, signature
from .problems import Problem
from .stamp import code_stamp
from .warm import ANSWERS, forget

__all__ = ["Index", "Unreadable", "parse_file", "read_regular", "shown", "signature"]

INDEX_FORMAT = 23  # 6: cards, 7: digest, 8: contacts' function and level in the ledger, 9: facts
# keep the months a report is owed for, 10: owners in the summary (no handover in facts), 11: the
# log in the facts (greetings), 12: acks and contact levels in the facts, 13: open issues in the
# facts, 14: assessments with their assessor in the ledger; planned interactions left out of
# facts and summary, 15: location, phone and whom to see in the facts (kq plan), 16: minutes in
# person and photos per month in the ledger, 17: each product's latest shelf check in the
# facts, the month's checks in the ledger, 18: skipped visits in the facts, the days of
# activity in the ledger (kq skip, kq day), 19: the schema's and YAML's problems as msgid and
# values, said in the user's language when shown, 20: an answer's output last in its row,
# 21: the facts of FACT_COLUMNS in columns of their own, 22: facts, ledgers and cards as compact
# JSON (no space after , and :), cards in a rowid table, 23: no days_by_kind in the facts (the
# log has them)
FACT_COLUMNS = ("last_in_person",)
"""Facts that are a string or null, also kept in a column of their own (SQLite's
``json_extract``, worked out when a row is written; not ``->``, which every command would then
need a SQLite of 3.38 or later for): ``kq team`` and ``kq pool`` read one of every customer's
facts, and picking it out of 100,000 facts (~3 KB of JSON each) took 0.8 s of a 6 s
``kq team``."""
PARALLEL_FROM = 200  # files; below this a process pool costs more than it saves
OLDEST_SQLITE = (3, 35)
"""The oldest SQLite the index's SQL runs on (the listing's ``as materialized`` came with 3.35,
generated columns with 3.31): Python uses the system's on Linux (Ubuntu 22.04's 3.37, Debian
12's 3.40), its own on Windows and macOS."""

Record = tuple[str, str, int, str, str, str, str, str, str]

AGENDA_SCHEMA = (
    "drop table if exists agenda",
    "drop table if exists agenda_state",
    "drop table if exists answers",
    # One row per candidate reminder (kqcli.core.agenda.row); dates as ordinals (due NULL:
    # due "today"). Found in shows_from order by a key of its own, so that reading what is
    # listed reads only those: a customer's rows are appended to the table and a few short
    # keys to the indexes. (Kept in a without-rowid table in that order, each row went to its
    # own place in a tree of ~400-byte rows: at 100,000 customers writing the 1.1 million
    # rows of a full evaluation took 31 s, 13 s so; reading the 263,000 rows a morning lists
    # takes 0.8 s instead of 0.4, once a day.)
    """create table agenda (id text, seq integer, name text, reason text, due integer,
       shows_from integer, owner text, misfortune integer, estimated integer, w_reason real,
       w_tier real, w_grade real, w_kind real, head text, dtail text, mid text, tail text)""",
    "create unique index agenda_key on agenda (shows_from, id, seq)",
    "create index agenda_id on agenda (id)",
    # The few rows whose date is estimated (a lunar date past the calendar's table), whose
    # years each listing names: found without reading the agenda.
    "create index agenda_estimated on agenda (shows_from, due) where estimated",
    # The listing kept (kqcli.store.warm._kept_listing) and the customers whose agenda rows changed
    # since it was made, noted by whatever writes the agenda (once a customer: a trigger a row
    # cost a third of writing the rows).
    # In the listing's order and holding what it prints, once: one sequential read (a row
    # lookup per listed row cost twice as much; an index in that order beside a table kept
    # every row twice: 164 + 197 MB at 100,000 customers). A key holds no NULL: the rep-level
    # rows' id is ''. By customer, for replacing a changed one's rows.
    "drop table if exists listed",
    """create table listed (x real, due integer, name text, reason text, grp integer, id text,
       seq integer, owner text, late integer, item blob,
       primary key (x desc, due, name, reason, grp, id, seq)) without rowid""",
    "create index listed_id on listed (id)",
    "drop table if exists agenda_changed",
    "create table agenda_changed (id text primary key) without rowid",
    # Per customer: the day evaluated, the first day the answer may differ (ordinals), and
    # the settings its rules read (kqcli.core.agenda.Reads): which (a key of agenda_reads)
    # and a digest of their values, to find whom a change to kq.yaml concerns; a digest of
    # its rows in agenda, which are not written again when they came out the same.
    """create table agenda_state (id text primary key, evaluated integer, recheck integer,
       owner text, dropped text, reads text, digest text, rows text)""",
    "drop table if exists agenda_reads",
    "create table agenda_reads (key text primary key, paths text) without rowid",
    ANSWERS,
)
"""The agenda kept beside the files (kqcli.store.agenda): rebuilt with them."""

CARDS_SCHEMA = (
    "drop table if exists cards",
    # One month's scorecard of one customer as JSON ('null': not scored), kqcli.store.cards;
    # its owner, total and change again as columns, what kq team reads of every card. A rowid
    # table: a card (~0.9 KB) is too big for a without-rowid table's page, whose rows past
    # ~1 KB spill into an overflow page of their own, 3 KB of it empty (at 10,000 customers
    # 32 MB for 9 MB of cards).
    """create table cards (id text, month text, card text, owner text, total real, change real,
       primary key (id, month))""",
)


def _generated() -> str:
    """The columns of :data:`FACT_COLUMNS`, for the files table's statement."""
    return "".join(f", fact_{k} text generated always as "
                   f"(case when ok = 1 then json_extract(facts, '$.{k}') end) stored"
                   for k in FACT_COLUMNS)  # (a file that does not validate has no facts)


class Unreadable(Exception):
    """Why a path was not read; the message follows ``cannot read: ``."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _link_problem(path: str) -> str:
    """Say where a symbolic link points, so the user knows what to put in its place."""
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    root = os.path.realpath(os.path.dirname(os.path.dirname(os.path.abspath(path))))
    real = os.path.realpath(path)
    where = f"a symbolic link to '{shown(target)}'"
    if not os.path.exists(path):
        where += ", which does not exist"
    elif os.path.commonpath([root, real]) != root:
        where += ", outside the repository"
    return f"{where}; kq reads only regular files: put the file itself here"


def read_regular(path: str | Path, max_bytes: int, follow: bool = False) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; :class:`Unreadable` otherwise.

    Opened without blocking (a FIFO cannot hang kq) and, unless ``follow``, without following
    a symbolic link; the checks are made on the opened file, so a swap in between cannot win.
    """
    path = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        try:
            if stat.S_ISLNK(os.lstat(path).st_mode):
                raise Unreadable(_link_problem(path))
        except OSError as e:
            raise Unreadable(e.strerror or str(e)) from None
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise Unreadable(e.strerror or str(e)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable(f"{_kind(st.st_mode)}, not a regular file")
        too_big = Unreadable(f"more than {max_bytes} bytes (check.max_file_bytes in kq.yaml)")
        if st.st_size > max_bytes:
            raise too_big
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise too_big
        return b"".join(chunks)
    except OSError as e:
        raise Unreadable(e.strerror or str(e)) from None
    finally:
        os.close(fd)


def _refused(customer_id: str, sig: str, message: str) -> Record:
    display = f"customers/{customer_id}.yaml"
    problem = Problem(display, 1, 1, "", message)
    return (customer_id, sig, 0, json.dumps([problem.to_dict()], ensure_ascii=False),
            "", "", "", "", "")


def parse_file(path: str, known: tuple[str, str] | None = None,
               max_bytes: int = 5_000_000, spell: bool = False) -> Record:
    """Read, validate and digest one customer file. Runs in worker processes.

    The name's pinyin initials are worked out only when ``spell`` (a large refresh, where
    importing pypinyin, ~150 ms, is shared by hundreds of files); else they are
    None, left to the first lookup by name (:meth:`Index.names`). ``known`` is the (name,
    initials) the index had: an unchanged name keeps its initials.
    """
    from ..core.facts import extract, ledger
    from ..core.ids import ID_RULE, valid_id
    from ..core.summary import summarize
    from .validate import validate_customer

    customer_id = shown(os.path.basename(path)[:-5])
    display = f"customers/{customer_id}.yaml"
    sig = signature(path, max_bytes)
    if not valid_id(customer_id):
        return _refused(customer_id, sig, f"'{customer_id}' cannot be a customer id: "
                                          f"{ID_RULE}; rename the file")
    try:
        raw = read_regular(path, max_bytes)
    except Unreadable as e:
        return _refused(customer_id, sig, f"cannot read: {e}")
    customer, problems = validate_customer(raw, display)
    if customer is None:
        return (customer_id, sig, 0,
                json.dumps([p.to_dict() for p in problems], ensure_ascii=False), "", "", "", "",
                digest(raw))
    summary = summarize(customer_id, customer)
    return (customer_id, sig, 1, "[]",
            json.dumps(summary, ensure_ascii=False),
            compact(extract(customer)),
            compact(ledger(customer)),
            known[1] if known and known[0] == customer.name
            else _initials(customer.name) if spell else None,
            digest(raw))


def compact(data: Any) -> str:
    """``data`` as JSON without a space after ``,`` and ``:``: what the index keeps of every
    customer (its facts and ledger, ~8 KB together, a tenth of them spaces) and its cards."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def digest(raw: bytes) -> str:
    """What a file's row rests on besides its name: its bytes. A file whose signature changed
    but whose digest did not (touched, rewritten as it was, or read while racy) keeps its row
    and only gets the new signature, as git re-hashes a racily clean entry."""
    import hashlib

    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _initials(name: str) -> str:
    from ..core.pinyin import initials

    return json.dumps(initials(name))


def files_now(db: sqlite3.Connection, ids: Iterable[str]) -> dict[str, str]:
    """The signatures of those of ``ids`` whose files are valid now, read inside the write that
    keeps what was worked out from them: another kq may have indexed a newer version, an
    invalid one or none meanwhile."""
    return dict(db.execute(
        "select id, sig from files where ok = 1 and id in (select value from json_each(?))",
        (json.dumps(list(ids)),)).fetchall())


def still_read(read_sig: dict[str, str], now: dict[str, str]) -> set[str]:
    """Those of the ids read (id -> the signature read, :meth:`Index.read`) whose files still
    have it (``now``: :func:`files_now`): nothing made from an old row is kept."""
    return {i for i, sig in now.items() if read_sig.get(i) == sig}


def _parse_known(known: dict[str, tuple[str, str]], max_bytes: int, spell: bool,
                 path: str) -> Record:
    """:func:`parse_file` with the (name, initials) the index had for the file, if any."""
    return parse_file(path, known.get(shown(os.path.basename(path)[:-5])), max_bytes, spell)


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)


def close_all(connections: list[sqlite3.Connection]) -> None:
    """Close the on-disk indexes a run opened (which checkpoints the write-ahead log into the
    index): a child of kq's server does it after its client has the answer, instead of leaving
    that to the next run (:attr:`kqcli.store.context.Run.connections`)."""
    while connections:
        try:
            connections.pop().close()
        except sqlite3.Error:
            pass


class Index:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.customers = root / "customers"
        self.fallback: str | None = None  # why the cache is in memory this run
        self.skipped: list[str] = []  # notes on names in customers/ that are not read
        if sqlite3.sqlite_version_info < OLDEST_SQLITE:
            from .errors import KqError, _

            raise KqError(_("kq needs SQLite {needed} or later; this Python has SQLite "
                            "{version}").format(needed=".".join(map(str, OLDEST_SQLITE)),
                                                version=sqlite3.sqlite_version))
        self.db = self._open()

    @staticmethod
    def _stamp() -> str:
        return f"{INDEX_FORMAT}/{code_stamp()}"

    def _open(self) -> sqlite3.Connection:
        cache = self.root / ".kq"
        target = cache / "index.sqlite"
        try:
            cache.mkdir(exist_ok=True)
            return self._connect(target)
        except (OSError, sqlite3.OperationalError) as e:
            return self._memory(e, target)  # full, read-only, locked, or .kq not a folder
        except sqlite3.DatabaseError:
            pass
        try:  # a corrupt cache: start afresh on disk
            for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
                (cache / name).unlink(missing_ok=True)
            return self._connect(target)
        except (OSError, sqlite3.DatabaseError) as e:
            return self._memory(e, None)

    def _memory(self, error: BaseException, source: Path | None) -> sqlite3.Connection:
        """An in-memory index for this run, starting from a read-only copy of ``source`` when
        it can be read (its rows are still checked against each file's signature)."""
        self.fallback = _reason(error)
        db = sqlite3.connect(":memory:", isolation_level=None)
        if source is not None and source.is_file():
            try:
                disk = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
                try:
                    disk.backup(db)
                finally:
                    disk.close()
            except (OSError, sqlite3.DatabaseError):
                db.close()
                db = sqlite3.connect(":memory:", isolation_level=None)
        try:
            self._ensure(db, self._stamp())
        except sqlite3.DatabaseError:
            db.close()
            db = sqlite3.connect(":memory:", isolation_level=None)
            self._ensure(db, self._stamp())
        return db

    def _connect(self, target: Path) -> sqlite3.Connection:
        db = sqlite3.connect(target, timeout=30, isolation_level=None)
        try:
            db.execute("pragma journal_mode=wal")
            db.execute("pragma synchronous=normal")
            self._ensure(db, self._stamp())
        except BaseException:
            db.close()
            raise
        opened = current().connections
        if opened is not None:
            opened.append(db)
        return db

    def _to_memory(self, error: BaseException) -> None:
        """Go on in memory from what the disk cache holds (or from nothing), and say why."""
        self.fallback = _reason(error)
        memory = sqlite3.connect(":memory:", isolation_level=None)
        try:
            if self.db.in_transaction:
                self.db.execute("rollback")
            self.db.backup(memory)
            self._ensure(memory, self._stamp())
        except sqlite3.DatabaseError:
            memory.close()
            memory = sqlite3.connect(":memory:", isolation_level=None)
            self._ensure(memory, self._stamp())
        self.db.close()
        self.db = memory

    @staticmethod
    def _ensure(db: sqlite3.Connection, stamp: str) -> None:
        db.execute("create table if not exists meta (key text primary key, value text)")
        row = db.execute("select value from meta where key = 'stamp'").fetchone()
        if row and row[0] == stamp:
            return
        db.execute("begin immediate")
        try:
            db.execute("drop table if exists files")
            db.execute("delete from meta where key in ('settings', 'settings_plain', 'agenda', "
                       "'agenda_base', 'agenda_reps')")
            db.execute(f"""create table files (id text primary key, sig text, ok integer,
                          problems text, summary text, facts text, ledger text,
                          initials text, digest text{_generated()})""")
            # id, sig and ok without reading the rows (a run reads them for every file)
            db.execute("create index files_sig on files (id, sig, ok)")
            for statement in (*AGENDA_SCHEMA, *CARDS_SCHEMA):
                db.execute(statement)
            forget(db)
            db.execute("insert or replace into meta values ('stamp', ?)", (stamp,))
            db.execute("commit")
        except BaseException:
            if db.in_transaction:
                db.execute("rollback")
            raise
        if db.execute("pragma auto_vacuum").fetchone()[0] != 2:
            # pages freed later (answers dropped, files re-read) go back to the disk at once
            # or with `pragma incremental_vacuum`; a cache made before is rebuilt this once
            db.execute("pragma auto_vacuum = incremental")
            db.execute("vacuum")

    def stats(self) -> dict[str, Any]:
        """The index's size: bytes by table (SQLite's dbstat, else the rows' lengths), the file's
        pages and how many of them are free, and the answers kept."""
        db = self.db
        try:
            tables = dict(db.execute("select name, sum(pgsize) from dbstat "
                                     "where name not like 'sqlite_%' group by name"))
        except sqlite3.DatabaseError:  # a SQLite built without dbstat
            tables = {}
            for (name,) in db.execute("select name from sqlite_schema where type = 'table'"):
                columns = [c[1] for c in db.execute(f"pragma table_xinfo('{name}')")]
                total = " + ".join(f"coalesce(length({c}), 0)" for c in columns) or "0"
                tables[name] = db.execute(f"select sum({total}) from '{name}'").fetchone()[0] or 0
        page = db.execute("pragma page_size").fetchone()[0]
        return {"tables": {k: int(v or 0) for k, v in sorted(tables.items())},
                "pages": db.execute("pragma page_count").fetchone()[0] * page,
                "free": db.execute("pragma freelist_count").fetchone()[0] * page,
                "answers": db.execute("select count(*) from answers").fetchone()[0]}

    def get_meta(self, key: str) -> Any:
        """A value kept beside the rows (kq.yaml's verdict); None when absent or unreadable."""
        try:
            row = self.db.execute("select value from meta where key = ?", (key,)).fetchone()
            return json.loads(row[0]) if row else None
        except (sqlite3.DatabaseError, ValueError):
            return None

    def set_meta(self, key: str, value: Any) -> None:
        try:
            self.db.execute("insert or replace into meta values (?, ?)", (key, json.dumps(value)))
        except sqlite3.DatabaseError as e:
            self._to_memory(e)
            self.db.execute("insert or replace into meta values (?, ?)", (key, json.dumps(value)))

    def refresh(self, progress: Callable[[int, int], Any] | None = None,
                max_bytes: int = 5_000_000, full: bool = False,
                only: set[str] | None = None) -> None:
        """Bring the index up to date with ``customers/``: re-read changed files only (every
        file when ``full``; of the ids in ``only``, when given); in memory when the cache
        cannot be written."""
        try:
            self._refresh(progress, max_bytes, full, only)
        except sqlite3.DatabaseError as e:
            self._to_memory(e)
            self._refresh(progress, max_bytes, full, only)

    def _refresh(self, progress: Callable[[int, int], Any] | None, max_bytes: int,
                 full: bool, only: set[str] | None = None) -> None:
        on_disk, self.skipped = scan(str(self.customers), max_bytes)
        known = dict(self.db.execute("select id, sig from files"))  # from the covering index
        if only is not None:
            on_disk = {i: found for i, found in on_disk.items() if i in only}
            known = {i: sig for i, sig in known.items() if i in only}
        stale = sorted(i for i, (_, sig) in on_disk.items()
                       if full or sig in ("racy", "gone") or known.get(i) != sig)
        gone = [i for i in known if i not in on_disk]
        same = [] if full else self._same_content(stale, on_disk, max_bytes)
        if same:
            unchanged = {i for _, i in same}
            stale = [i for i in stale if i not in unchanged]
        if not stale and not gone:
            if same:
                self.write(lambda db: db.executemany("update files set sig = ? where id = ?",
                                                     same))
            return
        from .platform import can_fork
        from .pool import BATCH, batches

        names_known: dict[str, tuple[str, str]] = {}
        for i in stale if len(stale) < PARALLEL_FROM else []:  # a few: one row each
            row = self.db.execute("select json_extract(summary, '$.name'), initials from files "
                                  "where ok = 1 and id = ?", (i,)).fetchone()
            if row:
                names_known[i] = row
        spell = len(stale) >= PARALLEL_FROM  # enough names to be worth importing pypinyin
        jobs = (os.cpu_count() or 1) if spell else 1  # fewer: a pool costs more than it saves
        work = partial(_parse_known, names_known, max_bytes, spell)
        done = 0
        with batches(work, jobs, "fork" if can_fork() else "spawn") as run:
            for start in range(0, max(len(stale), 1), BATCH):
                batch = stale[start:start + BATCH]
                records: list[Record] = []
                for record in run([on_disk[i][0] for i in batch]):
                    records.append(record)
                    done += 1
                    if progress:
                        progress(done, len(stale))
                first = start == 0
                self._store(records, [*batch, *(gone if first else [])],
                            same if first else [])

    def _store(self, records: list[Record], changed: list[str],
               same: list[tuple[str, str]]) -> None:
        """Write one batch of a refresh: the files' new rows (the ``changed`` ones without a
        record are gone) and the new signatures of those whose bytes are the same."""
        self.db.execute("begin immediate")
        try:
            keys = [(i,) for i in changed]  # their agenda is evaluated afresh
            self.db.executemany("delete from files where id = ?", keys)
            self.db.executemany("delete from agenda where id = ?", keys)
            self.db.executemany("insert or ignore into agenda_changed values (?)", keys)
            self.db.executemany("delete from agenda_state where id = ?", keys)
            self.db.executemany("delete from cards where id = ?", keys)
            forget(self.db)
            self.db.executemany("insert or replace into files values (?,?,?,?,?,?,?,?,?)",
                                records)
            self.db.executemany("update files set sig = ? where id = ?", same)
            self.db.execute("commit")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("rollback")
            raise

    def _same_content(self, stale: list[str], on_disk: dict[str, tuple[str, str]],
                      max_bytes: int) -> list[tuple[str, str]]:
        """(new signature, id) of the stale files whose bytes are those the index read."""
        if len(stale) < PARALLEL_FROM:
            stored = {}
            for i in stale:
                row = self.db.execute("select digest from files where id = ?", (i,)).fetchone()
                if row:
                    stored[i] = row[0]
        else:
            stored = dict(self.db.execute("select id, digest from files"))
        same = []
        for i in stale:
            if not stored.get(i):
                continue
            try:
                raw = read_regular(on_disk[i][0], max_bytes)
            except Unreadable:
                continue
            if digest(raw) == stored[i]:
                same.append((on_disk[i][1], i))
        return same

    def write(self, work: Callable[[sqlite3.Connection], Any]) -> None:
        """Run ``work`` in one write transaction; in memory when the cache cannot be written
        (``work`` then runs again on the in-memory copy)."""
        try:
            self._write(work)
        except sqlite3.DatabaseError as e:
            self._to_memory(e)
            self._write(work)

    def _write(self, work: Callable[[sqlite3.Connection], Any]) -> None:
        self.db.execute("begin immediate")
        try:
            work(self.db)
            self.db.execute("commit")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("rollback")
            raise

    def count(self) -> int:
        return self.db.execute("select count(*) from files").fetchone()[0]

    def problems(self) -> list[Problem]:
        rows = self.db.execute("select problems from files where ok = 0 order by id")
        return [Problem.from_dict(p) for (text,) in rows for p in json.loads(text)]

    def summaries(self) -> list[dict[str, Any]]:
        rows = self.db.execute("select summary from files where ok = 1 order by id")
        return [json.loads(text) for (text,) in rows]

    def facts(self, keys: tuple[str, ...] | None = None
              ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(summary, daily facts) of every valid customer: what kq due and kq route need.
        With ``keys``, only those facts (None where a customer has none), picked out by
        SQLite: a customer's facts are ~3 KB of JSON, its summary ~0.4 KB."""
        return self._with("facts", keys)

    def _with(self, column: str, keys: tuple[str, ...] | None
              ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        if column == "facts" and keys and set(keys) <= set(FACT_COLUMNS):
            names = ", ".join(f"fact_{k}" for k in keys)
            return [(json.loads(summary), dict(zip(keys, values, strict=True)))
                    for summary, *values in self.db.execute(
                        f"select summary, {names} from files where ok = 1 order by id")]
        picked = column
        if keys:  # json_extract, not ->: SQLite before 3.38 (Ubuntu 22.04's) has no ->; the
            # keys asked hold objects, arrays or null, which json_extract hands over as JSON
            # (a true or false would come back as 1 or 0: no key asked holds one)
            picked = ("json_object(" + ", ".join(f"'{k}', json_extract({column}, '$.{k}')"
                                                 for k in keys) + ")")
        rows = self.db.execute(f"select summary, {picked} from files where ok = 1 order by id")
        return [(json.loads(s), json.loads(f)) for s, f in rows]

    def ledgers(self, keys: tuple[str, ...] | None = None
                ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(summary, month-end ledger) of every valid customer: score, classify, expenses.
        With ``keys``, only those keys of each ledger (None where a ledger has none): SQLite
        picks them out, so Python parses a fraction of the text."""
        return self._with("ledger", keys)

    def names(self) -> list[tuple[str, str, list[str]]]:
        """(id, name, pinyin initials) of every valid customer; initials not worked out yet
        (a small refresh leaves them, see :func:`parse_file`) are, and kept."""
        rows = self.db.execute(
            "select id, json_extract(summary, '$.name'), initials from files where ok = 1"
        ).fetchall()
        missing = [(i, name) for i, name, letters in rows if letters is None]
        if not missing:
            return [(i, name, json.loads(letters)) for i, name, letters in rows]
        spelled = {i: _initials(name) for i, name in missing}
        if not self.db.in_transaction:  # (a read snapshot keeps nothing)
            try:
                self._write(lambda db: db.executemany(  # unless the name changed meanwhile
                    "update files set initials = ? where id = ? "
                    "and json_extract(summary, '$.name') = ?",
                    [(spelled[i], i, name) for i, name in missing]))
            except sqlite3.DatabaseError:  # read-only or busy: worked out again next time
                pass
        return [(i, name, json.loads(letters if letters is not None else spelled[i]))
                for i, name, letters in rows]

    def owners(self) -> list[str]:
        """The owners the valid customer files name."""
        rows = self.db.execute("select distinct json_extract(summary, '$.owner') from files "
                               "where ok = 1")
        return [owner for (owner,) in rows if owner]

    def read(self, ids: list[str], column: str) -> list[tuple[str, str, str, str]]:
        """(id, summary, ``column``, signature) of the files ``ids``, in one query: a batch of
        a big run's customers, to work out and to write back with :func:`still_read`."""
        return self.db.execute(f"select id, summary, {column}, sig from files "
                               "where id in (select value from json_each(?))",
                               (json.dumps(ids),)).fetchall()

    def invalid_ids(self) -> list[str]:
        return [i for (i,) in self.db.execute("select id from files where ok = 0 order by id")]
