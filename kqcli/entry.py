"""The console script. Answers ``kq --version`` before importing anything heavy, and turns a
failure of git, the file system or the index that escaped a command into one line."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from . import __version__

        sys.stdout.write(f"kq {__version__}\n")
        return
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
