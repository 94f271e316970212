"""What is in ``customers/`` and whether it changed: each file's signature, keyed like git's
index by its size, mtime, ctime, inode and device.

Standard library only (no pathlib): the warm path of ``kq due`` (:mod:`kqcli.store.warm`) scans the
folder with it before anything else is imported, and the index (:mod:`kqcli.store.index`) decides
with the same scan which files to read again.
"""

from __future__ import annotations

import os
import stat
import time

from .context import current


def _racy_ns() -> int:
    try:
        return int(os.environ.get("KQ_TEST_RACY_MS") or 2000) * 1_000_000
    except ValueError:
        return 2_000_000_000


RACY_NS = _racy_ns()
"""A file changed this recently is not trusted next time: its times could repeat within the
file system's granularity (git's racy index). Two seconds (FAT's granularity, a Windows USB
stick's); ``KQ_TEST_RACY_MS`` shortens it for the tests only (tests/helpers.py ``RACY_ENV``), so
that the suite does not wait two seconds for a file to be trusted: anywhere else a window
shorter than the file system's granularity would let a changed file pass for unchanged."""


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


def customer_name(name: str) -> bool:
    """Whether a name in ``customers/`` is a customer file's (a hidden one never is)."""
    return name.endswith(".yaml") and not name.startswith(".")


def skipped_note(name: str) -> str | None:
    """Why a name in ``customers/`` that looks like a customer file is not one (None: it is, or
    it does not look like one)."""
    lower = name.lower()
    if name.startswith(".") and lower.endswith((".yaml", ".yml")):
        return "a hidden file (its name starts with '.'), not read"
    if lower.endswith(".yml") or (lower.endswith(".yaml") and not name.endswith(".yaml")):
        return "not read: customer files end in '.yaml'"
    return None


HANDED_NS = 1_000_000_000
"""How long a scan handed on in a run stays good (see :func:`unchanged`)."""

def scan(folder: str, max_bytes: int) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """The customer files in ``folder``: id -> (path, signature); and a note on each name that
    looks like a customer file but is not read, in name order. A missing folder has none.
    One ``lstat`` per file: a warm ``kq due`` runs this over every file."""
    run = current()
    handed, run.scan = run.scan, None
    if (handed is not None and handed[:2] == (folder, max_bytes)
            and time.monotonic_ns() - handed[2] < HANDED_NS):
        return handed[3]
    return _scan(folder, max_bytes)


def _scan(folder: str, max_bytes: int) -> tuple[dict[str, tuple[str, str]], list[str]]:
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
                i = _id(name)
                if i in on_disk:
                    _one_of_two(on_disk, skipped, i, path, sig)
                else:
                    on_disk[i] = (path, sig)
    except OSError:
        pass
    return on_disk, sorted(skipped)


def _id(name: str) -> str:
    return name[:-5] if name.isascii() else shown(name[:-5])


def _one_of_two(on_disk: dict[str, tuple[str, str]], skipped: list[str], i: str, path: str,
                sig: str) -> None:
    """Two names read as one id (``\\xff.yaml`` and a name with the byte 0xFF): the one first
    in name order is read, whichever the folder lists first; the other is noted."""
    kept = on_disk[i]
    if os.path.basename(path) < os.path.basename(kept[0]):
        on_disk[i], path = (path, sig), kept[0]
    skipped.append(f"customers/{shown(os.path.basename(path))}: not read: its name reads as"
                   f" {i}.yaml, as another file's does")


def unchanged(folder: str, stored: dict[str, str], max_bytes: int) -> bool:
    """Whether the customer files in ``folder`` are exactly those of ``stored`` (id ->
    signature), each with its signature (a file read while racy is stored as "racy": never
    trusted). The scan is handed to the next :func:`scan` of the folder in this run (within
    :data:`HANDED_NS`): the index's refresh would otherwise make it again (one lstat per file
    is most of a warm run), after a change or when the files are unchanged but the question
    is not one kept (the first run of a day). A file changed in between is seen by the next
    run, as one changed just after this run would be."""
    found = _scan(folder, max_bytes)
    on_disk = found[0]
    current().scan = (folder, max_bytes, time.monotonic_ns(), found)
    return len(on_disk) == len(stored) and all(
        sig != "racy" and stored.get(i) == sig for i, (_, sig) in on_disk.items())


def folder_signature(folder: str) -> str:
    """The ``.yaml`` files of ``folder`` (``statements/``), each name with its signature: what an
    answer resting on them was made from. "" when there are none; "racy" when one changed just
    now (never trusted)."""
    now = time.time_ns()
    found = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".yaml") and not entry.name.startswith("."):
                    try:
                        sig = _signature(entry.path, entry.stat(follow_symlinks=False), 0, now)
                    except OSError:
                        sig = "gone"
                    if sig == "racy":
                        return "racy"
                    found.append(f"{shown(entry.name)}={sig}")
    except OSError:
        return ""
    return "|".join(sorted(found))


def write_whole(path: str | os.PathLike[str], data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it and a rename: the file is
    wholly the old or wholly the new one, whatever stops the write (a full disk, a kill)."""
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp",
                               dir=os.path.dirname(path) or ".")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
