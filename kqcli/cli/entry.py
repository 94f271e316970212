"""The console script. Answers ``kq --version``, ``kq --help`` (:mod:`kqcli.cli.usage`) and a
question asked again of an unchanged repository (:mod:`kqcli.store.warm`) before importing anything
heavy; turns a failure of git, the file system or the index that escaped a command into one
line. The run itself (kept answer, else the command line) is :mod:`kqcli.cli.run`'s, which kq's
server runs too."""

from __future__ import annotations

import os
import sys

from ..store.root import COMPLETE_VAR, hoisted
from .run import full, guarded, local

CHINESE_CODECS = ("gbk", "gb2312", "gb18030", "cp936", "big5", "cp950", "big5hkscs")
"""The encodings of a Chinese console or file (Windows' chcp 936 when kq's output goes to a file
or a pipe): they show Chinese, but not every character."""


def replace_what_chinese_output_cannot_show() -> None:
    """On a GBK stream a character GBK lacks (an emoji in a customer's name) becomes '?' rather
    than stopping the run: the rest is readable. A stream that cannot show Chinese at all
    (cp1252, ASCII) keeps the strict encoding, whose failure is one line saying what to set."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if (encoding in CHINESE_CODECS and getattr(stream, "errors", None) == "strict"
                and hasattr(stream, "reconfigure")):
            stream.reconfigure(errors="replace")


def main() -> None:
    args = hoisted(sys.argv[1:])  # `kq due --today D`: the global options before the command
    if sys.stdout is None:  # `kq ... >&-`: Python has no stdout to write to
        if sys.stderr is not None:
            sys.stderr.write("kq: standard output is closed; nothing done\n")
        sys.exit(1)
    replace_what_chinese_output_cannot_show()
    if os.environ.get(COMPLETE_VAR):  # the shell asks for completions: click answers, from
        full(args)                   # the words in other variables (the command line is empty)
        return
    if args in (["--version"], ["-V"]):
        from .. import __version__

        guarded(lambda: sys.stdout.write(f"kq {__version__}\n"))
        return
    if args in (["--help"], ["-h"], []):
        from .usage import help_text

        if args:
            guarded(lambda: sys.stdout.write(help_text()))
            return
        guarded(lambda: sys.stderr.write(help_text()))  # a usage error (click's no_args_is_help)
        sys.exit(2)
    from ..serve import server  # imports nothing more (os, sys); the one list of what it serves

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
