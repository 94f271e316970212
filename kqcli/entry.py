"""The console script. Answers ``kq --version``, and ``kq due --format json`` when nothing
changed (:mod:`kqcli.warm`), before importing anything heavy; turns a failure of git, the
file system or the index that escaped a command into one line."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from . import __version__

        sys.stdout.write(f"kq {__version__}\n")
        return
    if "due" in sys.argv[1:]:  # a script's `kq due --format json` when nothing changed
        from .warm import answer

        code = answer(sys.argv[1:])
        if code is not None:
            sys.stdout.flush()
            sys.exit(code)
    from .cli import app

    try:
        app(prog_name="kq")
    except KeyboardInterrupt:
        sys.exit(130)  # Ctrl-C: what a shell expects, without a traceback
    except Exception as e:
        from .errors import failure

        known = failure(e)
        if known is None:
            raise
        sys.stderr.write(f"kq: {known.message}\n")
        sys.exit(known.code)
