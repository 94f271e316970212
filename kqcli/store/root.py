"""Where the repository is and what day it is: the two global options.

Standard library only, without pathlib: the warm path (:mod:`kqcli.store.warm`) asks the same two
questions before anything heavy is imported, with :func:`locate` and :func:`iso_day`.
"""

from __future__ import annotations

import os
import stat

from .errors import PROBLEMS, KqError, _
from .files import shown

TYPE_CHECKING = False  # as the standard library does, to keep typing (and re) off start-up
if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping
    from pathlib import Path


GLOBAL = ("--repo", "--today", "--lang")
"""The global options that take a value (``--no-pager`` takes none)."""
COMPLETE_VAR = "_KQ_COMPLETE"
"""Set by the scripts ``kq completion SHELL`` prints: the shell asks for completions (click reads
the words from other variables; the command line is empty)."""


def command_line(argv: list[str]) -> tuple[dict[str, str], int] | None:
    """The global options before the command (``--repo X``, ``--today=X``) and the index of the
    command's name in ``argv``; None when a global option lacks its value."""
    given: dict[str, str] = {}
    n = 0
    while n < len(argv):
        name, equals, value = argv[n].partition("=")
        if argv[n] == "--no-pager":
            n += 1
            continue
        if name not in GLOBAL:
            break
        if not equals:
            if n + 1 == len(argv):
                return None
            n += 1
            value = argv[n]
        given[name] = value
        n += 1
    return given, n


def hoisted(argv: list[str]) -> list[str]:
    """``argv`` with the global options given after the command moved in front of it, as
    hledger does with its general options: ``kq due --today D`` is ``kq --today D due``
    (click reads them only before the command). Nothing after ``--`` moves; a global option
    missing its value stays where it is."""
    found = command_line(argv)
    if found is None or found[1] >= len(argv):
        return argv
    n = found[1]
    front: list[str] = []
    rest: list[str] = []
    i = n + 1
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        if arg == "--no-pager" or (arg.partition("=")[0] in GLOBAL and "=" in arg):
            front.append(arg)
        elif arg in GLOBAL and i + 1 < len(argv):
            front += argv[i:i + 2]
            i += 1
        else:
            rest.append(arg)
        i += 1
    return [*argv[:n], *front, argv[n], *rest] if front else argv


def locate(explicit: str | None, cwd: str | None = None,
           environ: Mapping[str, str] = os.environ) -> str | None:
    """``--repo``, else ``$KQ_REPO``, else the nearest folder upwards holding ``kq.yaml``; None
    when the one named, or every folder upwards, has no ``kq.yaml``. ``cwd``, ``environ``:
    another process's (kq's server locating a request's repository), relative to which a
    relative path is resolved."""
    given = explicit or environ.get("KQ_REPO")
    if given:
        root = os.path.expanduser(given)
        if cwd is not None:
            root = os.path.join(cwd, root)
        return root if os.path.isfile(os.path.join(root, "kq.yaml")) else None
    folder = os.getcwd() if cwd is None else cwd
    while True:
        if os.path.isfile(os.path.join(folder, "kq.yaml")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


FOLDERS = {
    ".kq": "kq keeps its cache only in a folder of its own: remove the link (rm .kq) and kq "
           "makes the folder",
    "customers": "kq reads and writes customer files only in a folder inside the repository: "
                 "put the folder itself here",
}
"""The folders kq writes in, and what to do when one is a symbolic link."""


def linked(root: str) -> str | None:
    """Why kq will not work on ``root``: its ``.kq`` or ``customers`` is a symbolic link (a
    link committed to git), through which kq would write its index, locks and customer files
    wherever it points, and delete what it took for a corrupt cache there. None when neither
    is."""
    for name, what_to_do in FOLDERS.items():
        path = os.path.join(root, name)
        try:
            if not stat.S_ISLNK(os.lstat(path).st_mode):
                continue
        except OSError:
            continue
        try:
            target = shown(os.readlink(path))
        except OSError:
            target = "?"
        return f"{name} is a symbolic link to '{target}'; {what_to_do}"
    return None


def find_root(explicit: str | None) -> Path:
    """:func:`locate`, or a one-line error saying what to do; refused when :func:`linked`."""
    from pathlib import Path

    found = locate(explicit)
    if found is not None:
        why = linked(found)
        if why:
            raise KqError(why, code=PROBLEMS)
        return Path(found)
    given = explicit or os.environ.get("KQ_REPO")
    if given:
        root = Path(given).expanduser()
        raise KqError(_("{path}: not a kq repository (no kq.yaml); run {command}").format(
            path=root, command=f"'kq init {given}'"))
    raise KqError(_("no kq repository here (no kq.yaml in this folder or above); run 'kq init' "
                    "or pass --repo PATH"))


def iso_day(text: str) -> dt.date:
    """``YYYY-MM-DD`` (ASCII digits, surrounding blanks allowed) as a date kq works with; a
    ValueError that says what is wrong otherwise."""
    import datetime as dt  # not on the way to kq's server, which only reads the command line

    from ..schema.bounds import day_in_range

    text = text.strip()
    digits = text[:4] + text[5:7] + text[8:]
    if not (len(text) == 10 and text[4] == text[7] == "-" and digits.isascii()
            and digits.isdigit()):
        raise ValueError(f"{text!r} is not a date; write YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date; write YYYY-MM-DD") from None
    return day_in_range(day)


def parse_today(value: str | None) -> dt.date:
    """``--today``, else ``$KQ_TODAY``, else the wall clock's date (:mod:`kqcli.store.clock`)."""

    text = value or os.environ.get("KQ_TODAY")
    if not text:
        from .clock import today

        try:
            return today()
        except ValueError as e:
            raise KqError(str(e)) from None
    source = "--today" if value else "KQ_TODAY"
    try:
        return iso_day(text)
    except ValueError as e:
        raise KqError(f"{source}: {e}") from None
