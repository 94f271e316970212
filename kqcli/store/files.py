"""What is in ``customers/`` and whether it changed: each file's signature, keyed like git's
index by its size, mtime, ctime, inode and device.

Standard library only (no pathlib): the warm path of ``kq due`` (:mod:`kqcli.warm`) scans the
folder with it before anything else is imported, and the index (:mod:`kqcli.index`) decides
with the same scan which files to read again.
"""

from __future__ import annotations

import os
import stat
import time

RACY_NS = 2_000_000_000
"""A file changed this recently is not trusted next time: its times could repeat within the
file system's granularity (git's racy index)."""


def shown(name: str) -> str:
    """A file name as text that can be printed and stored (undecodable bytes as ``\\xNN``)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _stat_key(st: os.stat_result) -> str:
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}"


def signature(path: str, max_bytes: int, now_ns: int | None = None,
              entry: os.DirEntry | None = None) -> str:
    """What must stay the same for an index row to be trusted: the stat key of the entry (and
    of a link's target), and which side of the size cap the file is on. ``racy`` never matches.
    ``entry``: the path's directory entry, whose lstat is cached.
    """
    try:
        st = entry.stat(follow_symlinks=False) if entry is not None else os.lstat(path)
    except OSError:
        return "gone"
    return _signature(path, st, max_bytes, time.time_ns() if now_ns is None else now_ns)


def _signature(path: str, st: os.stat_result, max_bytes: int, now: int) -> str:
    if now - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS:
        return "racy"
    key = _stat_key(st)
    if stat.S_ISLNK(st.st_mode):
        try:
            key += "->" + _stat_key(os.stat(path))
        except OSError:
            key += "->missing"
    return f"{key}:{int(st.st_size > max_bytes)}"


def skipped_note(name: str) -> str | None:
    """Why a name in ``customers/`` that looks like a customer file is not one (None: it is, or
    it does not look like one)."""
    lower = name.lower()
    if name.startswith(".") and lower.endswith((".yaml", ".yml")):
        return "a hidden file (its name starts with '.'), not read"
    if lower.endswith(".yml") or (lower.endswith(".yaml") and not name.endswith(".yaml")):
        return "not read: customer files end in '.yaml'"
    return None


def scan(folder: str, max_bytes: int) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """The customer files in ``folder``: id -> (path, signature); and a note on each name that
    looks like a customer file but is not read, in name order. A missing folder has none.
    One ``lstat`` per file: a warm ``kq due`` runs this over every file."""
    on_disk: dict[str, tuple[str, str]] = {}
    skipped: list[str] = []
    now = time.time_ns()
    try:
        with os.scandir(folder) as found:
            for entry in found:
                name = entry.name
                if not name.endswith(".yaml") or name.startswith("."):
                    note = skipped_note(name)
                    if note:
                        skipped.append(f"customers/{shown(name)}: {note}")
                    if note or not name.endswith(".yaml"):
                        continue
                path = entry.path
                try:
                    sig = _signature(path, entry.stat(follow_symlinks=False), max_bytes, now)
                except OSError:
                    sig = "gone"
                on_disk[name[:-5] if name.isascii() else shown(name[:-5])] = (path, sig)
    except OSError:
        pass
    return on_disk, sorted(skipped)


def unchanged(folder: str, stored: dict[str, str], max_bytes: int) -> bool:
    """Whether the customer files in ``folder`` are exactly those of ``stored`` (id ->
    signature), each with its signature: :func:`scan`'s answer compared as it goes, for the
    warm path, which asks this of every file on every run."""
    now, seen = time.time_ns(), 0
    try:
        with os.scandir(folder) as found:
            for entry in found:
                name = entry.name
                if not name.endswith(".yaml") or name.startswith("."):
                    continue
                key = name[:-5] if name.isascii() else shown(name[:-5])
                sig = _signature(entry.path, entry.stat(follow_symlinks=False), max_bytes, now)
                if sig == "racy" or stored.get(key) != sig:
                    return False  # a file read while racy is stored as "racy": never trusted
                seen += 1
    except OSError:
        return False
    return seen == len(stored)
