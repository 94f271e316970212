"""The process pool of a big refresh (the first index, ``kq check --full``, the agenda after a
change to kq.yaml), whose workers never outlive kq.

A worker blocks on the pool's queue, which it also holds open (forked), so it would wait there
forever once kq is gone. So: on Linux each worker asks the kernel to kill it when its parent
dies (``PR_SET_PDEATHSIG``), whatever kills the parent (``kill -9`` included); and while the
pool works, SIGTERM and SIGHUP kill the workers and end kq with 143 and 129 (128 + the
signal, as a shell reports it), as Ctrl-C does with 130. Workers ignore Ctrl-C: the parent
stops them.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .platform import can_fork, parent_death_signal

STOPS = ("SIGTERM", "SIGHUP")
"""The signals that end kq while a pool works: a service manager's stop, a closed terminal."""
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _started(parent: int) -> None:
    """A worker's first act: die with ``parent``; leave Ctrl-C and the stops to it (held
    while it was started: :func:`_stops_held`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in STOPS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _held_signals())
    if parent_death_signal():
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the kernel was asked
        os._exit(1)


@contextlib.contextmanager
def workers(jobs: int, start_method: str) -> Iterator[Any]:
    """A ``ProcessPoolExecutor`` of ``jobs`` workers that die with this process; any way out
    but the pool's work done (an error, Ctrl-C, SIGTERM, SIGHUP) kills them first."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if parent_death_signal():
        import ctypes  # noqa: F401 - imported once here rather than in each worker (_started)
    parent = os.getpid()
    pool = ProcessPoolExecutor(max_workers=jobs,
                               mp_context=multiprocessing.get_context(start_method),
                               initializer=_started, initargs=(parent,))

    stopped: list[int] = []

    def stop(signum: int, frame: object) -> None:
        if os.getpid() != parent:  # a worker, forked before it reset the handler
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        # The workers now; the pool let go of on the way out (below), not here: the signal may
        # have come while the pool held its lock (submit), which shutdown takes again. And the
        # exit said again below: raised in os.fork's after-fork hooks, it is only printed.
        stopped.append(signum)
        for process in _processes(pool):
            with contextlib.suppress(Exception):
                process.kill()
        raise SystemExit(128 + signum)

    previous = {}
    for name in STOPS:
        number = getattr(signal, name, None)
        if number is None:
            continue
        try:
            previous[number] = signal.signal(number, stop)
        except ValueError:  # not the main thread: the workers still die with the process
            break
    try:
        yield pool
    except BaseException:
        _kill(pool)
        if stopped:
            raise SystemExit(128 + stopped[0]) from None
        raise
    else:
        pool.shutdown(wait=True)
        if stopped:
            raise SystemExit(128 + stopped[0])
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)


def _kill(pool: Any) -> None:
    """Kill the workers (their work is only reading: nothing is left half-done) and let the
    pool go without waiting for what was queued."""
    processes = _processes(pool)
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(1)


def _processes(pool: Any) -> list[Any]:
    """The pool's workers (all of them: a worker is started with the stops held until the pool
    has noted it, :func:`_stops_held`)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def _held_signals() -> set[int]:
    return {getattr(signal, name) for name in ("SIGINT", *STOPS) if hasattr(signal, name)}


@contextlib.contextmanager
def _stops_held() -> Iterator[None]:
    """Ctrl-C and the stops held while work is handed to the pool, which starts its workers
    then: the pool notes a worker only after its fork (multiprocessing after its own steps),
    and a stop in between would leave one unknown, waiting for work forever (and kq's exit
    with it: multiprocessing joins its children at exit). Held, the stop comes once every
    worker is noted; a worker lets them through itself (:func:`_started`)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no such signals to hold
        yield
        return
    # The mask as it is, first: a handler that was due runs in the call that blocks.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, ())
    try:
        signal.pthread_sigmask(signal.SIG_BLOCK, _held_signals())
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


BATCH = 2_000
"""Items worked at a time by a big run (the first index, the agenda after a change to kq.yaml
or kq): the caller writes each batch in a transaction of its own, so the run holds one batch in
memory, not a whole repository's (a national company's 100,000 customers), and one
interrupted keeps the batches it wrote."""


@contextlib.contextmanager
def batches(work: Any, jobs: int, start_method: str) -> Iterator[Any]:
    """A function that runs ``work`` over one batch of items, its results in order as they
    come: in this process when ``jobs`` < 2, else in a pool of ``jobs`` workers started for
    the first batch and kept for the next ones."""
    with contextlib.ExitStack() as stack:
        pool: list[Any] = []

        def run(items: list[Any]) -> Iterator[Any]:
            if jobs < 2:
                return map(work, items)
            if not pool:
                pool.append(stack.enter_context(workers(jobs, start_method)))
            with _stops_held():  # (map hands every chunk over before it returns)
                return pool[0].map(work, items, chunksize=max(8, len(items) // (jobs * 16)))

        yield run


def jobs_for(count: int, parallel_from: int) -> int:
    """Workers for ``count`` items: every core from ``parallel_from`` items on, where workers
    can be forked; else 1 (this process alone)."""
    if count < parallel_from or not can_fork():
        return 1
    return os.cpu_count() or 1


def written_behind(index: Any, ids: list[str], column: str,
                   run: Callable[[list[tuple[str, str, str]]], Iterable[Any]],
                   write: Callable[[dict[str, str], Iterable[Any]], None]) -> None:
    """Read the rows of ``ids`` (id, summary, ``column``) a BATCH at a time, start ``run`` on
    each batch, and meanwhile ``write`` the batch before (the signatures of the files as read,
    and ``run``'s results): the workers work one batch out while this process writes the one
    before (the agenda, the scorecards)."""
    waiting = None
    for start in range(0, len(ids), BATCH):
        read = index.read(ids[start:start + BATCH], column)
        results = run([(i, summary, text) for i, summary, text, _sig in read])
        if waiting is not None:
            write(*waiting)
        waiting = ({i: sig for i, *_, sig in read}, results)
    if waiting is not None:
        write(*waiting)
