"""The console script. Answers ``kq --version``, ``kq --help`` (:mod:`kqcli.usage`) and a
question asked again of an unchanged repository (:mod:`kqcli.warm`) before importing anything
heavy; turns a failure of git, the file system or the index that escaped a command into one
line."""

from __future__ import annotations

import os
import sys

CACHED = ("due", "score", "classify", "list", "expenses", "team", "route", "pool")
"""kqcli.warm.CACHED, checked before importing it (tests/test_warm.py checks they agree)."""
SERVED = ("due", "score", "classify", "list", "expenses", "team", "route", "pool", "show",
          "check", "calendar")
"""kqcli.server.SERVED, likewise."""


def main() -> None:
    args = sys.argv[1:]
    if sys.stdout is None:  # `kq ... >&-`: Python has no stdout to write to
        if sys.stderr is not None:
            sys.stderr.write("kq: standard output is closed; nothing done\n")
        sys.exit(1)
    if args in (["--version"], ["-V"]):
        from . import __version__

        sys.stdout.write(f"kq {__version__}\n")
        return
    if args in (["--help"], ["-h"], []):
        from .usage import help_text

        if args:
            sys.stdout.write(help_text())
            return
        sys.stderr.write(help_text())  # a bare `kq` is a usage error (click's no_args_is_help)
        sys.exit(2)
    if any(name in args for name in SERVED):
        from . import server

        if server.enabled() and server.wanted(args):
            code = server.call(args)  # kq's server runs it all, the kept answers included
            if code is not None:
                leave(code)
    local(args)


def leave(code: int) -> None:
    """End a run kq's server answered: the streams flushed, then at once, since nothing of
    this process needs tearing down (~1.5 ms of Python's exit). Tests' probes replace it."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(code)


def local(args: list[str]) -> None:
    """``kq ARGS`` in this process: an answer kept or built from the agenda (kqcli.warm),
    else the command line."""
    question = None
    if any(name in args for name in CACHED):
        from . import warm

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
        from . import warm

        recorder = warm.Recorder(question)
        # The day the answer is kept for is the day the command uses, even past midnight.
        if not os.environ.get("KQ_TODAY"):  # unset or empty: the clock, read once
            os.environ["KQ_TODAY"] = question.today.isoformat()
    from .cli import command

    try:
        command()(prog_name="kq")
    except SystemExit as e:
        if recorder is not None:
            recorder.finish(e.code)
        raise
    except KeyboardInterrupt:
        sys.exit(130)  # Ctrl-C: what a shell expects, without a traceback
    except Exception as e:
        from .errors import failure

        known = failure(e)
        if known is None:
            raise
        sys.stderr.write(f"kq: {known.message}\n")
        sys.exit(known.code)
