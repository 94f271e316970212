"""What kq's behaviour rests on besides its input: kq's code, Python and the packages installed.
Standard library only (os, sys): the console script asks before importing anything heavy."""

from __future__ import annotations

import os
import sys

from . import __version__


def search_path() -> list[str]:
    """``sys.path`` without the folder Python put first (the script's, or the working one for
    ``-m``), which ``python -P`` (kq's server) leaves out."""
    return sys.path if sys.flags.safe_path else sys.path[1:]


_CODE_STAMP: str | None = None  # by hand, not functools.cache: the client does not import it


def code_stamp() -> str:
    """Changes with kq's version and any edit to its code (a development tree), with Python's
    version, and with any package installed, upgraded or removed (the folders on ``sys.path``
    change their mtime): a new Rich may lay a table out differently. Worked out once in a
    process (a stat of each of kq's files), from the files as they were when it started
    asking: the code it runs (kq's server works it out before it forks a child per run; a
    changed kq talks to another server)."""
    global _CODE_STAMP
    if _CODE_STAMP is None:
        _CODE_STAMP = _code_stamp()
    return _CODE_STAMP


def _code_stamp() -> str:
    newest = 0
    folders = [os.path.dirname(os.path.abspath(__file__))]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    newest = max(newest, entry.stat().st_mtime_ns)
                elif entry.is_dir() and not entry.name.startswith(("_", ".")):
                    folders.append(entry.path)
    paths = []
    for folder in search_path():
        try:
            paths.append(os.stat(folder or ".").st_mtime_ns)
        except OSError:
            paths.append(0)
    return f"{__version__}/{newest}/{sys.version}/{paths}"
