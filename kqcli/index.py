"""The incremental index under ``.kq/``: what was learnt from each customer file, keyed by the
file's size and mtime, so a normal run does not re-parse YAML.

The YAML files stay the only source of truth. The index is safe to delete at any time, is
rebuilt for changed files only, and is thrown away whole when kq's version, the schema or the
index format changes. A file modified within the last two seconds is indexed but not trusted
next time (its mtime could repeat within the file system's granularity, like git's racy index).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import __version__
from .problems import Problem

INDEX_FORMAT = 2
RACY_NS = 2_000_000_000
PARALLEL_FROM = 200  # files; below this a process pool costs more than it saves

Record = tuple[str, int, int, int, str, str, str, str, str]


def _code_stamp() -> str:
    """Changes whenever the code that shapes index rows changes (also in a development tree)."""
    here = Path(__file__).parent
    parts = [here / "schema" / "customer.py", here / "schema" / "types.py",
             here / "schema" / "enums.py", here / "core" / "summary.py",
             here / "core" / "facts.py", here / "validate.py", here / "yamlread.py"]
    return str(max((p.stat().st_mtime_ns for p in parts if p.exists()), default=0))


def parse_file(path: str, known: tuple[str, str] | None = None) -> Record:
    """Read, validate and digest one customer file. Runs in worker processes.

    ``known`` is the (name, initials) the index had: an unchanged name keeps its initials
    without importing pypinyin (~180 ms) for a one-file refresh.
    """
    from .core.facts import extract, ledger
    from .core.summary import summarize
    from .validate import validate_customer

    customer_id = os.path.basename(path)[:-5]
    display = os.path.join("customers", os.path.basename(path))
    try:
        st = os.stat(path)
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        problem = Problem(display, 1, 1, "", f"cannot read: {e.strerror}")
        return (customer_id, -1, -1, 0, json.dumps([problem.to_dict()]), "", "", "", "")
    customer, problems = validate_customer(raw, display)
    mtime = st.st_mtime_ns if time.time_ns() - st.st_mtime_ns > RACY_NS else -1
    if customer is None:
        return (customer_id, st.st_size, mtime, 0,
                json.dumps([p.to_dict() for p in problems], ensure_ascii=False), "", "", "", "")
    summary = summarize(customer_id, customer)
    return (customer_id, st.st_size, mtime, 1, "[]",
            json.dumps(summary, ensure_ascii=False),
            json.dumps(extract(customer), ensure_ascii=False),
            json.dumps(ledger(customer), ensure_ascii=False),
            known[1] if known and known[0] == customer.name else _initials(customer.name))


def _initials(name: str) -> str:
    from .pinyin import initials

    return json.dumps(initials(name))


def _parse_many(paths: list[str], jobs: int,
                known: dict[str, tuple[str, str]]) -> Iterator[Record]:
    if jobs <= 1 or len(paths) < PARALLEL_FROM:
        for path in paths:
            yield parse_file(path, known.get(os.path.basename(path)[:-5]))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        yield from pool.map(parse_file, paths, chunksize=max(8, len(paths) // (jobs * 16)))


class Index:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.customers = root / "customers"
        self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        cache = self.root / ".kq"
        stamp = f"{__version__}/{INDEX_FORMAT}/{_code_stamp()}"
        try:
            cache.mkdir(exist_ok=True)
            db = sqlite3.connect(cache / "index.sqlite", timeout=30, isolation_level=None)
            db.execute("pragma journal_mode=wal")
            db.execute("pragma synchronous=normal")
            self._ensure(db, stamp)
            return db
        except (OSError, sqlite3.DatabaseError):
            # Unwritable or corrupt cache: start afresh, or work in memory.
            try:
                for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
                    (cache / name).unlink(missing_ok=True)
                db = sqlite3.connect(cache / "index.sqlite", timeout=30, isolation_level=None)
            except (OSError, sqlite3.DatabaseError):
                db = sqlite3.connect(":memory:", isolation_level=None)
            self._ensure(db, stamp)
            return db

    @staticmethod
    def _ensure(db: sqlite3.Connection, stamp: str) -> None:
        db.execute("create table if not exists meta (key text primary key, value text)")
        row = db.execute("select value from meta where key = 'stamp'").fetchone()
        if row and row[0] == stamp:
            return
        db.execute("begin immediate")
        db.execute("drop table if exists files")
        db.execute("delete from meta where key = 'settings'")
        db.execute("""create table files (id text primary key, size integer, mtime integer,
                      ok integer, problems text, summary text, facts text, ledger text,
                      initials text)""")
        db.execute("insert or replace into meta values ('stamp', ?)", (stamp,))
        db.execute("commit")

    def refresh(self, progress: Callable[[int, int], Any] | None = None) -> None:
        """Bring the index up to date with ``customers/``: re-read changed files only."""
        on_disk: dict[str, tuple[int, int]] = {}
        try:
            entries = list(os.scandir(self.customers))
        except FileNotFoundError:
            entries = []
        for entry in entries:
            if entry.name.endswith(".yaml") and not entry.name.startswith("."):
                try:
                    st = entry.stat()
                except OSError:
                    continue
                on_disk[entry.name[:-5]] = (st.st_size, st.st_mtime_ns)
        known = {row[0]: (row[1], row[2]) for row in
                 self.db.execute("select id, size, mtime from files")}
        stale = sorted(i for i, sig in on_disk.items() if known.get(i) != sig)
        gone = [i for i in known if i not in on_disk]
        if not stale and not gone:
            return
        paths = [str(self.customers / f"{i}.yaml") for i in stale]
        records: list[Record] = []
        wanted = set(stale) if len(stale) < PARALLEL_FROM else set()
        known = {i: (name, letters) for i, name, letters in self.db.execute(
            "select id, json_extract(summary, '$.name'), initials from files where ok = 1")
            if i in wanted}
        for n, record in enumerate(_parse_many(paths, os.cpu_count() or 1, known), 1):
            records.append(record)
            if progress:
                progress(n, len(paths))
        self.db.execute("begin immediate")
        try:
            self.db.executemany("delete from files where id = ?", ((i,) for i in gone))
            self.db.executemany("insert or replace into files values (?,?,?,?,?,?,?,?,?)",
                                records)
            self.db.execute("commit")
        except BaseException:
            self.db.execute("rollback")
            raise

    def problems(self) -> list[Problem]:
        rows = self.db.execute("select problems from files where ok = 0 order by id")
        return [Problem.from_dict(p) for (text,) in rows for p in json.loads(text)]

    def summaries(self) -> list[dict[str, Any]]:
        rows = self.db.execute("select summary from files where ok = 1 order by id")
        return [json.loads(text) for (text,) in rows]

    def facts(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(summary, daily facts) of every valid customer: what kq due and kq route need."""
        rows = self.db.execute("select summary, facts from files where ok = 1 order by id")
        return [(json.loads(s), json.loads(f)) for s, f in rows]

    def ledgers(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(summary, month-end ledger) of every valid customer: score, classify, expenses."""
        rows = self.db.execute("select summary, ledger from files where ok = 1 order by id")
        return [(json.loads(s), json.loads(f)) for s, f in rows]

    def names(self) -> list[tuple[str, str, list[str]]]:
        rows = self.db.execute(
            "select id, json_extract(summary, '$.name'), initials from files where ok = 1")
        return [(i, name, json.loads(letters)) for i, name, letters in rows]

    def invalid_ids(self) -> list[str]:
        return [i for (i,) in self.db.execute("select id from files where ok = 0 order by id")]
