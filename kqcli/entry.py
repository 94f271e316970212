"""The console script. Answers ``kq --version`` before importing anything heavy."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from . import __version__

        sys.stdout.write(f"kq {__version__}\n")
        return
    from .cli import app

    app(prog_name="kq")
