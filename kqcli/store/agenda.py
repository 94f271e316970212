"""The morning list out of the index: the agenda (kqcli.core.agenda) kept in SQLite beside the
files, brought up to date for the customers whose answer may have changed, and read with one
query that filters, sorts and writes the JSON.

A customer's agenda rows are dropped with its index row when its file changes; all of them are
dropped when kq's code changes, or the departed reps or the work calendar (``agenda_base`` in
``meta``); a change to the rest of kq.yaml (``agenda``) brings up again only the customers that
read a value it changed (``agenda_reads``, :class:`kqcli.core.agenda.Reads`). A customer is
evaluated again on its ``recheck_on`` day, or when asked about a day before the one it was
evaluated on. The validated ``kq.yaml`` is kept as plain data (``settings_plain``, keyed by the
file's stat like a customer file), so a warm run neither imports pydantic nor validates it.
The query is :mod:`kqcli.store.warm`'s, which also answers a run that finds nothing changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from .errors import _
from .warm import STALE, Listing, code_stamp, due_record, forget, late_counts, listing, owners_of


def light_settings(repo: Any) -> tuple[Any, str]:
    """kq.yaml as :class:`~kqcli.core.agenda.Plain` data, and its text; validated (pydantic)
    only when the file's stat or kq's code changed since it was stored."""
    from ..core.agenda import from_plain, to_plain
    from .index import signature

    index = repo.cache  # the stored index; the caller refreshes it
    sig = signature(str(repo.root / "kq.yaml"), 0)
    code = code_stamp()
    cached = index.get_meta("settings_plain")
    if (sig != "racy" and isinstance(cached, dict) and cached.get("signature") == sig
            and cached.get("code") == code and isinstance(cached.get("data"), str)):
        text = cached["data"]
    else:
        text = json.dumps(to_plain(repo.settings), ensure_ascii=False)
        index.set_meta("settings_plain", {"signature": sig, "code": code, "data": text})
    return json.loads(text, object_hook=from_plain), text


COVER = 30
"""Days of ``kq due --within`` the agenda answers by default: a customer's rows are those a
listing with that window could show before the customer is evaluated again
(:func:`kqcli.core.agenda.candidates`' ``cover``), not every reminder of the coming year (at
10,000 customers, 112,000 rows, ~half of them festivals months ahead, written at every full
evaluation). A wider window asked widens it for good (:data:`WIDER`; ``agenda_cover`` in
``meta``; every customer is evaluated again, once)."""


WIDER = (60, 120, 365)
"""The covers a wider ``--within`` widens the agenda to (the first that holds it; beyond a
year, the window itself): trying 31, 35 and 40 days works every customer out again once, not
three times."""


def widened(cover: int, within: int | None) -> int:
    """The cover for a listing with ``within`` days, from ``cover``."""
    if within is None or within <= cover:
        return cover
    return next((step for step in WIDER if step >= within), within)


def cover_of(index: Any) -> int:
    """The ``--within`` days the agenda in ``index`` answers (:data:`COVER` at first)."""
    cover = index.get_meta("agenda_cover")
    return cover if isinstance(cover, int) and cover >= COVER else COVER


ROUNDS = 3
"""At most this many passes of :func:`bring_up_to_date`: another kq may move the agenda on
while this one evaluates (a wider cover, other settings); this one's rows are then not written
(:func:`_store` checks the agenda's key), and it goes again from the agenda as it is now."""


def bring_up_to_date(index: Any, settings: Any, settings_text: str, today: dt.date,
                     within: int | None = None) -> int:
    """Evaluate the customers whose agenda is missing or may have changed, for a listing
    with ``within`` days (a wider one than the agenda covers evaluates every customer); how
    many were."""
    evaluated = 0
    for _round in range(ROUNDS):
        key, count = _bring_up_to_date(index, settings, settings_text, today, within)
        evaluated += count
        if index.get_meta("agenda") == key:
            break
    return evaluated


def _bring_up_to_date(index: Any, settings: Any, settings_text: str, today: dt.date,
                      within: int | None) -> tuple[str, int]:
    """One pass of :func:`bring_up_to_date`: the agenda's key it evaluated for, and how many
    customers it evaluated."""
    from .index import AGENDA_SCHEMA

    cover = widened(cover_of(index), within)
    # The tables' own text is in the key too: a kq that was running while its code changed
    # stamps by the new files' times, not by the tables it made. Besides kq, the agenda rests
    # on what every customer shares (the departed reps, the work calendar, the days it covers):
    # a change there evaluates everyone again; a change to the rest of kq.yaml, only the
    # customers that read a value it changed (core.agenda.Reads).
    base = "\n".join([code_stamp(), *AGENDA_SCHEMA, _shared(settings), f"cover {cover}"])
    base_key = hashlib.blake2b(base.encode(), digest_size=12).hexdigest()
    key = hashlib.blake2b(f"{base}\n{settings_text}".encode(), digest_size=12).hexdigest()
    t = today.toordinal()
    if index.get_meta("agenda") != key:
        if index.get_meta("agenda_base") != base_key:
            def wipe(db: Any) -> None:
                found = dict(db.execute("select key, value from meta where key in "
                                        "('agenda_base', 'agenda_cover')"))
                wider = json.loads(found.get("agenda_cover", "null"))
                if found.get("agenda_base") == json.dumps(base_key) or (
                        isinstance(wider, int) and wider > cover):
                    return  # another kq made it meanwhile, or widened it: not undone
                for statement in AGENDA_SCHEMA:  # drop and create
                    db.execute(statement)
                db.execute("insert or replace into meta values ('agenda_base', ?)",
                           (json.dumps(base_key),))
                db.execute("insert or replace into meta values ('agenda', ?)", (json.dumps(key),))
                db.execute("insert or replace into meta values ('agenda_cover', ?)",
                           (json.dumps(cover),))
                # the listing kept went with its table: a change undone brings its key back
                db.execute("delete from meta where key in ('listed', 'listing_asked')")
                forget(db)

            index.write(wipe)
        else:
            _invalidate(index, settings, key)
    if index.get_meta("agenda") != key:
        return key, 0  # another kq's agenda (the next pass takes it up)
    ids = [i for (i,) in index.db.execute(STALE, (t, t))]
    if not ids:
        return key, 0
    from ..core.due import work_calendar
    from .pool import written_behind

    work = Work(settings, today, settings.departed(), work_calendar(settings), cover, {})
    with _evaluator(work, len(ids)) as evaluate:
        written_behind(index, ids, "facts", evaluate,
                       lambda read_sig, results: _store(index, read_sig, results, t, key))
    return key, len(ids)


def _store(index: Any, read_sig: dict[str, str],
           evaluated: Iterable[tuple[list[tuple[Any, ...]], tuple[Any, ...], str]], t: int,
           key: str) -> None:
    """Write the agenda of one batch of customers, evaluated from the rows whose signatures
    were ``read_sig`` for the agenda ``key`` (nothing, when another kq has moved the agenda
    on to another key meanwhile: a wider cover, other settings)."""
    from .index import files_now, still_read

    rows: list[tuple[Any, ...]] = []
    states: list[tuple[Any, ...]] = []
    reads: dict[str, str] = {}
    for found, state, paths in evaluated:
        rows.extend(found)
        states.append(state)
        reads.setdefault(state[5], paths)
    digests = {s[0]: s[7] for s in states}

    def store(db: Any) -> None:
        if db.execute("select value from meta where key = 'agenda'").fetchone() != (
                json.dumps(key),):
            return
        # Another kq may have indexed a newer version of a file while these were evaluated:
        # this run lists what it read, and the next one evaluates that customer again.
        # And a file deleted (or now invalid) meanwhile has no agenda: that kq's refresh
        # removed its rows, which would otherwise come back and be listed every day.
        valid = files_now(db, read_sig)
        current = still_read(read_sig, valid)
        kept = [s if s[0] in current else (s[0], t, t, *s[3:]) for s in states if s[0] in valid]
        # A customer whose rows came out as they were (most of those whose recheck day came)
        # keeps them: only its state is written.
        same = {i for i, digest in db.execute(
            "select id, rows from agenda_state where id in (select value from json_each(?))",
            (json.dumps(list(read_sig)),)) if digests.get(i) == digest}
        written = [s[0] for s in kept if s[0] not in same]
        gone, new = _changed_rows(db, written,
                                  [r for r in rows if r[0] not in same and r[0] in valid])
        db.executemany("delete from agenda where rowid = ?", gone)
        db.executemany("insert or ignore into agenda_changed values (?)", [(i,) for i in written])
        db.executemany("insert or replace into agenda_state values (?, ?, ?, ?, ?, ?, ?, ?)",
                       kept)
        db.executemany("insert or ignore into agenda_reads values (?, ?)", reads.items())
        db.executemany("insert into agenda values (?" + ", ?" * 16 + ")", new)
        forget(db)

    index.write(store)


def _changed_rows(db: Any, ids: list[str], rows: list[tuple[Any, ...]],
                  ) -> tuple[list[tuple[int]], list[tuple[Any, ...]]]:
    """Of the agenda rows kept for the customers ``ids`` and their ``rows`` now: the rowids of
    those to delete and the rows to write. A row that came out as it was stays: after a change
    of a cadence, say, a customer's visit row moves and its other rows (~5 of 6) do not; at
    100,000 customers writing all of them again took 3.6 s of the 14 s."""
    if not ids:
        return [], rows
    old = {(row[0], row[1]): (rowid, tuple(row)) for rowid, *row in db.execute(
        "select rowid, * from agenda where id in (select value from json_each(?))",
        (json.dumps(ids),))}
    stay, new = set(), []
    for row in rows:
        found = old.get((row[0], row[1]))
        if found is not None and found[1] == row:
            stay.add(found[0])
        else:
            new.append(row)
    return [(rowid,) for rowid, _ in old.values() if rowid not in stay], new


def _shared(settings: Any) -> str:
    """What every customer's agenda rests on besides the values it reads: the departed reps
    and the work calendar's days."""
    from ..core.agenda import as_data

    due = settings.due
    return json.dumps([settings.departed(), due.extra_days_off, due.extra_working_days],
                      sort_keys=True, ensure_ascii=False, default=as_data)


def _invalidate(index: Any, settings: Any, key: str) -> None:
    """After a change to kq.yaml: the customers one of whose values read (``agenda_reads``)
    differs in ``settings`` come up for evaluation (``recheck`` 0); the others keep their
    agenda."""
    from ..core.agenda import values_at, values_digest

    fresh = [(k, values_digest(values_at(settings, paths)))
             for k, paths in index.db.execute("select key, paths from agenda_reads")]

    def invalidate(db: Any) -> None:
        db.execute("create temp table if not exists fresh (key text primary key, digest text)")
        db.execute("delete from temp.fresh")
        db.executemany("insert into temp.fresh values (?, ?)", fresh)
        db.execute("""update agenda_state set recheck = 0 where digest is not
                      (select f.digest from temp.fresh f where f.key = agenda_state.reads)""")
        db.execute("delete from agenda_reads where key not in (select reads from agenda_state)")
        db.execute("insert or replace into meta values ('agenda', ?)", (json.dumps(key),))
        forget(db)

    index.write(invalidate)


PARALLEL_FROM = 200
"""Customers; evaluating fewer in a process pool costs more than it saves."""


class Work(NamedTuple):
    """What every customer's evaluation in one run shares (handed to the worker processes)."""

    settings: Any
    today: dt.date
    departed: dict[str, dt.date]
    calendar: Any
    cover: int  # the --within days the agenda answers (COVER)
    reads: dict[tuple[str, ...], tuple[str, str, str]]
    """The settings' paths a customer read (in the order read) -> (the paths one a line, its key,
    the digest of their values): the same for every customer that read the same paths, since
    they read the same settings (most customers of a tier read the same ~30); filled as the
    run goes, in each worker its own."""


def _evaluate(work: Work, item: tuple[str, str, str],
              ) -> tuple[list[tuple[Any, ...]], tuple[Any, ...], str]:
    """One customer's agenda rows, state (with a digest of the settings it read and of its
    rows) and the settings it read (one a line), by ``work`` (runs in worker processes)."""
    from ..core.agenda import Reads, candidates, horizon, reads_of, row, weights
    from ..core.messages import to_data

    customer_id, summary_text, facts_text = item
    settings, today = work.settings, work.today
    summary = json.loads(summary_text)
    reads = Reads(settings)
    found, dropped, recheck = candidates(summary, json.loads(facts_text), reads, today,
                                         work.departed, work.calendar,
                                         horizon(customer_id, today), work.cover)
    terms = weights(summary, reads) if found else None  # (a customer with none reads none)
    rows = [row(r, seq, terms) for seq, r in enumerate(found)]
    seen = reads.read()
    known = work.reads.get(tuple(seen))
    if known is None:
        paths, digest = reads_of(seen)
        known = work.reads[tuple(seen)] = (
            paths, hashlib.blake2b(paths.encode(), digest_size=8).hexdigest(), digest)
    paths, paths_key, digest = known
    return (rows, (customer_id, today.toordinal(), recheck.toordinal(),
                   summary.get("owner") or None,
                   json.dumps([to_data(m) for m in dropped], ensure_ascii=False),
                   paths_key, digest,
                   hashlib.blake2b(repr(rows).encode(), digest_size=12).hexdigest()), paths)


@contextlib.contextmanager
def _evaluator(work: Work, total: int) -> Iterator[
        Callable[[list[tuple[str, str, str]]], Iterator[tuple[Any, ...]]]]:
    """A function that starts :func:`_evaluate` over a batch of customers, of ``total`` in
    all, and gives the results in order as they come, with a progress bar when it takes
    long; on every core when there are many (after a change to kq.yaml or kq itself, every
    customer), where the workers start on the batch at once, so that the caller can write the
    batch before meanwhile."""
    from .pool import batches, jobs_for
    from .progress import progress

    jobs = jobs_for(total, PARALLEL_FROM)
    done = 0
    with progress(_("working out reminders")) as tick, batches(
            functools.partial(_evaluate, work), jobs, "fork") as run:
        def evaluate(stale: list[tuple[str, str, str]]) -> Iterator[tuple[Any, ...]]:
            nonlocal done
            first = []
            if jobs > 1 and done == 0:
                # The first customer here, before the workers fork: what the rules import when
                # first run (the lunar calendar, the pool's rules) and the dates they cache are
                # then each worker's without working them out again in each.
                first.append(_evaluate(work, stale[0]))
                stale = stale[1:]
                done += 1
            results = run(stale) if stale else iter(())  # the workers start now

            def collect() -> Iterator[tuple[Any, ...]]:
                nonlocal done
                yield from first
                for result in results:
                    done += 1
                    tick(done, total)
                    yield result

            return collect()

        yield evaluate


def query(index: Any, settings: Any, today: dt.date, within: int | None,
          owner: str | None = None, reasons: list[str] | None = None,
          dropped: bool = False, statements: tuple[str | None, Any] = (None, None),
          ) -> Listing:
    """The morning list, most urgent first, as ``morning_list`` and ``Reminder.to_json`` make
    it (the agenda must be up to date for ``today``); ``statements``: the signature of
    ``statements/`` ("racy" or None: not to be kept) and what it holds."""
    owners = owners_of(index.db)
    everyone, years = _reps_rows(index, settings, today, within, owners, statements)
    out = listing(index.db, urgency_of(settings), today, within, owners, everyone, years,
                  owner, reasons)
    if dropped:
        out.dropped = [line for (text,) in index.db.execute(
            "select dropped from agenda_state where dropped != '[]' order by id")
            for line in json.loads(text)]
    return out


def urgency_of(settings: Any) -> dict[str, float]:
    u = settings.urgency
    return {name: getattr(u, name)
            for name in ("overdue_per_day", "ahead_per_day", "overdue_cap", "misfortune")}


def _reps_rows(index: Any, settings: Any, today: dt.date, within: int | None,
               owners: set[str], statements: tuple[str | None, Any] = (None, None),
               ) -> tuple[list[list[Any]], list[int]]:
    """The rep-level reminders (expense statement and check) as agenda rows, and the years they
    estimated; computed by ``morning_list`` once a day (and window, team and ``statements/``,
    whose signature is ``statements[0]``: "racy" or None, not kept)."""
    sig, submitted = statements
    key = [today.toordinal(), within, sorted(owners), index.get_meta("agenda"), sig]
    cached = index.get_meta("agenda_reps")
    if isinstance(cached, dict) and cached.get("key") == key:
        return cached["rows"], cached["years"]
    from ..core.agenda import row, weights
    from ..core.due import morning_list

    found, _dropped = morning_list([], settings, today, within=within, found=[], owners=owners,
                                   statements=submitted)
    terms = weights(None, settings)
    rows = [list(row(r, seq, terms)) for seq, r in enumerate(found)]
    years = sorted({r.due.year for r in found if r.estimated})
    if sig is not None and sig != "racy":
        index.set_meta("agenda_reps", {"key": key, "rows": rows, "years": years})
    return rows, years


def _up_to_date(repo: Any, within: int | None = None,
                ) -> tuple[Any, Any, tuple[str | None, Any]]:
    """The index with its agenda brought up to date for ``repo.today`` (and a listing with
    ``within`` days), the settings, and ``statements/`` (its signature, None when not to be
    kept, and what it holds)."""
    settings, text = light_settings(repo)
    index = repo.index
    bring_up_to_date(index, settings, text, repo.today, within)
    submitted = repo.statements  # its problems, if any, are the repository's: nothing kept
    return index, settings, (repo.statements_signature if not repo.problems else None,
                             submitted)


def overdue(repo: Any) -> list[tuple[str | None, str, int]]:
    """(owner, reason, how many) of today's overdue reminders, as ``kq due`` lists them."""
    index, settings, statements = _up_to_date(repo)
    everyone, _ = _reps_rows(index, settings, repo.today, None, owners_of(index.db),
                             statements)
    return late_counts(index.db, urgency_of(settings), repo.today, everyone)


def morning(repo: Any, within: int | None, owner: str | None = None,
            reasons: list[str] | None = None, dropped: bool = False,
            ) -> tuple[Listing, Any]:
    """``kq due``'s data for ``repo.today`` through the agenda; and the settings it used."""
    from .index import signature

    stamp, kq_yaml = code_stamp(), signature(str(repo.root / "kq.yaml"), 0)  # before reading
    index, settings, statements = _up_to_date(repo, within)
    out = query(index, settings, repo.today, within, owner, reasons, dropped, statements)
    if not index.fallback and not repo.problems:
        kept = due_record(stamp, kq_yaml, index.get_meta("agenda"), repo.max_file_bytes(),
                          urgency_of(settings), sorted(r.name for r in settings.reps))
        if kept is not None and index.get_meta("due") != kept:
            index.set_meta("due", kept)
    return out, settings
