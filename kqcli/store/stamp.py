"""What kq's behaviour rests on besides its input: kq's code, Python and the packages installed.
Standard library only (os, sys): the console script asks before importing anything heavy."""

from __future__ import annotations

import os
import sys

from .. import __version__


def search_path() -> list[str]:
    """``sys.path`` without the folder Python put first (the script's, or the working one for
    ``-m``), which ``python -P`` (kq's server) leaves out."""
    return sys.path if sys.flags.safe_path else sys.path[1:]


_PACKAGE_STAMP: str | None = None  # by hand, not functools.cache: the launcher imports only os, sys
_CODE_STAMP: str | None = None


def package_stamp() -> str:
    """Changes with kq's version and with any edit to any of kq's own files: what every row kept
    in the index (files, agenda, cards) rests on. The whole package, not a list of the modules
    the rows seem to depend on: a list by hand missed ``core/intel.py`` and kept answering the
    old rules after it changed. Worked out once in a process."""
    global _PACKAGE_STAMP
    if _PACKAGE_STAMP is None:
        _PACKAGE_STAMP = f"{__version__}/{_newest_file()}"
    return _PACKAGE_STAMP


def code_stamp() -> str:
    """Changes with kq's version and any edit to its code (a development tree), with Python's version,
    and with any package installed, upgraded or removed (the site-packages folders on
    ``sys.path`` change their mtime; no other folder counts, so the working folder, which an
    empty ``PYTHONPATH`` entry puts there, does not): a new Rich may lay a table out
    differently. Worked out once in a process (a stat of each of kq's files), from the files as
    they were when it started asking: the code it runs (kq's server works it out before it forks
    a child per run; a changed kq talks to another server)."""
    global _CODE_STAMP
    if _CODE_STAMP is None:
        paths = []
        for folder in search_path():
            if not folder.endswith(("site-packages", "dist-packages")):
                continue  # not where packages are installed: the working folder, say
            try:
                paths.append(os.stat(folder or ".").st_mtime_ns)
            except OSError:
                paths.append(0)
        _CODE_STAMP = f"{package_stamp()}/{sys.version}/{paths}"
    return _CODE_STAMP


def _newest_file() -> int:
    """The newest modification time of kq's Python files, in every folder of the package."""
    newest = 0
    folders = [os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]  # kqcli/
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    newest = max(newest, entry.stat().st_mtime_ns)
                elif entry.is_dir() and not entry.name.startswith(("_", ".")):
                    folders.append(entry.path)
    return newest
