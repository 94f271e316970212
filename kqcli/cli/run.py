"""One run of ``kq ARGS`` in this process: an answer kept or built from the agenda
(:mod:`kqcli.store.warm`), else the command line. The console script (:mod:`kqcli.cli.entry`) and a child
of kq's server (:mod:`kqcli.serve.server`) both run it."""

from __future__ import annotations

import errno
import gc
import os
import sys

from ..store.context import begin
from ..store.root import COMPLETE_VAR

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from ..store.context import Run

CACHED = ("due", "score", "classify", "list", "expenses", "team", "route", "pool")
"""kqcli.store.warm.CACHED, checked before importing it (tests/test_warm.py checks they agree)."""

UNWRITABLE = frozenset({errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EFBIG,
                        getattr(errno, "EDQUOT", errno.ENOSPC)})
"""Why the output cannot be written: the reader left (``kq due | head``), the disk or the
quota is full (``> /dev/full``), the file grew too big, the device failed."""


def guarded(work: Callable[[], object]) -> None:
    """Run ``work``, which prints kq's output (an answer kept, the command line, the console
    script's own text), and flush it. Output that cannot be written (:data:`UNWRITABLE`) ends
    the run with one line and exit 1, or silently for a closed pipe, whose reader has gone;
    Ctrl-C ends it with 130; never a traceback, and never the interpreter's own complaint when
    it flushes what is left at exit."""
    try:
        try:
            work()
        except SystemExit:
            _flush()
            raise
        _flush()
    except KeyboardInterrupt:
        try:
            _flush()
        except OSError:
            _discard(sys.stdout)
        raise SystemExit(130) from None
    except OSError as e:
        if e.errno not in UNWRITABLE:
            raise
        _discard(sys.stdout)
        if e.errno != errno.EPIPE:
            from ..store.errors import failure

            known = failure(e)
            try:
                sys.stderr.write(f"kq: {known.message if known else e}\n")
                sys.stderr.flush()
            except (OSError, ValueError, AttributeError):  # stderr cannot be written either
                _discard(sys.stderr)
        raise SystemExit(1) from None


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()


def _discard(stream: object) -> None:
    """Send the rest of ``stream`` (what is buffered, and what the interpreter flushes at
    exit) to the null device."""
    try:
        fd = stream.fileno()  # type: ignore[attr-defined]
        null = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError, AttributeError):  # no file descriptor: a test's capture
        return
    try:
        os.dup2(null, fd)
    except OSError:
        pass
    finally:
        os.close(null)


def local(args: list[str], context: Run | None = None) -> None:
    """``kq ARGS`` in this process, a run of its own (in ``context`` when given: a child of kq's
    server gives one): an answer kept or built from the agenda (kqcli.store.warm), else the
    command line; its output through :func:`guarded`.

    Python's cycle collector is off for the run: what a command makes lives for the run or is
    freed by its count of references (decoded rows are trees), so the collector finds nothing
    to free, yet at 100,000 customers it walked the growing heap again and again (a second of a
    4.5 s ``kq team`` after an edit). The process is kq's for this one command (the console
    script; a child of kq's server), and its workers are forked from it: the same holds there
    (a first ``kq due`` of 100,000 customers peaks at the same memory either way)."""
    gc.disable()
    begin(context)
    guarded(lambda: _local(args))


def _local(args: list[str]) -> None:
    question = None
    if any(name in args for name in CACHED) and not os.environ.get(COMPLETE_VAR):
        from ..store import warm

        question = warm.question(args)
        if question is not None:
            code = warm.answer(question, page=_page)
            if code is None:  # a customer file or two edited by hand since
                from ..store.edited import brought_up_to_date

                if brought_up_to_date(question):
                    code = warm.answer(question, proven=True)
            if code is not None:
                sys.stdout.flush()
                sys.exit(code)
    full(args, question)


def _page(data: bytes) -> bool:
    """A terminal's page kept as the pager got it, handed to the pager again."""
    from .pager import replay

    return replay(data)


def full(args: list[str], question: object = None) -> None:
    """The command line, in this process; ``question``: warm's, when the answer is to be kept."""
    recorder = None
    if question is not None:
        from ..store import warm

        recorder = warm.Recorder(question)
        # The day the answer is kept for is the day the command uses, even past midnight.
        if not os.environ.get("KQ_TODAY"):  # unset or empty: the clock, read once
            os.environ["KQ_TODAY"] = question.today.isoformat()
    from .app import command

    try:
        command()(args=args, prog_name="kq")
    except SystemExit as e:
        if recorder is not None:
            recorder.finish(e.code)
        raise
    except KeyboardInterrupt:
        sys.exit(130)  # Ctrl-C: what a shell expects, without a traceback
    except Exception as e:
        from ..store.errors import failure
        from .i18n import translated

        known = failure(e)
        if known is None:
            raise
        sys.stderr.write(f"kq: {translated(known.message, sys.stderr)}\n")
        sys.exit(known.code)
