"""One run of ``kq ARGS`` in this process: an answer kept or built from the agenda
(:mod:`kqcli.store.warm`), else the command line. The console script (:mod:`kqcli.cli.entry`) and a child
of kq's server (:mod:`kqcli.serve.server`) both run it."""

from __future__ import annotations

import os
import sys

CACHED = ("due", "score", "classify", "list", "expenses", "team", "route", "pool")
"""kqcli.store.warm.CACHED, checked before importing it (tests/test_warm.py checks they agree)."""


def local(args: list[str]) -> None:
    """``kq ARGS`` in this process: an answer kept or built from the agenda (kqcli.store.warm),
    else the command line."""
    question = None
    if any(name in args for name in CACHED):
        from ..store import warm

        question = warm.question(args)
        if question is not None:
            code = warm.answer(question)
            if code is not None:
                sys.stdout.flush()
                sys.exit(code)
    full(args, question)


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
        command()(prog_name="kq")
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
