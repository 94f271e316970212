"""Customer folders watched by kq's server (Linux inotify), so that a served run knows each
file's ``lstat`` without making one per file: what git's fsmonitor does for ``git status``.

One ``lstat`` per customer file is most of what a run after a change costs before it reads
the changed file (~10 ms at 2,000 files, 50-85 ms at 10,000). The server instead keeps each
watched folder's entries (name -> lstat result) in memory: made by one scan right after the
watch is added, then mended from the kernel's events — before each request, the events
queued so far are read and each name they name is looked at again. A change finished before
the client started is queued by then (the kernel queues the event in the call that makes the
change), so the child forked for the request sees what a scan would. The child computes the
signatures (:mod:`kqcli.store.files`) from these results as from a scan's, so a file changed
less than two seconds ago is still "racy".

Only where the events are complete: a folder on a local file system (a network or FUSE
file system changed by another machine sends none), and never past a lost event (the
kernel's queue overflowed: every folder is scanned again), a folder removed, moved or
replaced (its watch is dropped; the next request watches what is there), or a file with
more than one link (it could be written through a name elsewhere: looked at every time).
Anything this cannot vouch for is scanned as before.
"""

from __future__ import annotations

import os
import struct

from .files import Watched, watched

IN_MODIFY, IN_ATTRIB, IN_MOVED_FROM, IN_MOVED_TO = 0x2, 0x4, 0x40, 0x80
IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF = 0x100, 0x200, 0x400, 0x800
IN_UNMOUNT, IN_Q_OVERFLOW, IN_IGNORED, IN_ONLYDIR = 0x2000, 0x4000, 0x8000, 0x1000000
IN_NONBLOCK, IN_CLOEXEC = 0o4000, 0o2000000
MASK = (IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
        | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
GONE = IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT | IN_IGNORED
"""The folder itself went away (or its watch did): what is at its path is another folder."""
EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len; then the name

LOCAL = {0xEF53: "ext2/3/4", 0x58465342: "xfs", 0x9123683E: "btrfs", 0x01021994: "tmpfs",
         0x794C7630: "overlay", 0xF2F52010: "f2fs", 0x2FC12FC1: "zfs", 0x52654973: "reiserfs",
         0x3153464A: "jfs", 0xCA451A4E: "bcachefs", 0x858458F6: "ramfs"}
"""File systems (statfs's f_type) whose every change is made by this kernel: NFS, SMB, 9p,
FUSE (sshfs, a Windows drive under WSL) and the like are not watched."""
MAX_FOLDERS = 16

Entries = dict[str, "Watched | str | None"]
"""A folder's names, each as :func:`kqcli.store.files.watched` keeps it."""


class Folder:
    def __init__(self, path: str, wd: int, identity: tuple[int, int]) -> None:
        self.path, self.wd, self.identity = path, wd, identity
        self.entries: Entries = {}
        self.changed = True  # a customer file changed since the last request (or may have)

    def rescan(self) -> None:
        entries: Entries = {}
        with os.scandir(self.path) as found:
            for entry in found:
                try:
                    entries[entry.name] = watched(entry.name, entry.stat(follow_symlinks=False))
                except OSError:
                    pass
        self.entries = entries
        self.changed = True

    def look(self, name: str) -> None:
        """Take ``name``'s state as it is now."""
        if name.endswith(".yaml") and not name.startswith("."):
            self.changed = True
        try:
            st = os.lstat(os.path.join(self.path, name))
        except OSError:
            self.entries.pop(name, None)
            return
        self.entries[name] = watched(name, st)


class Watcher:
    """The folders a server watches, each keyed by its real path."""

    def __init__(self) -> None:
        self.fd: int | None = None
        self.folders: dict[str, Folder] = {}  # least recently asked for first
        self.by_wd: dict[int, Folder] = {}
        self.broken = False  # no inotify here: nothing is watched

    def entries(self, folder: str) -> tuple[str, Entries, bool] | None:
        """The real path of ``folder``, its entries as of now, and whether a customer file in
        it changed since it was last asked for; watching it from now on. None when it cannot
        be vouched for (the caller scans)."""
        if self.broken:
            return None
        try:
            real = os.path.realpath(folder)
            st = os.stat(real)
        except OSError:
            return None
        self.drain()
        known = self.folders.pop(real, None)
        if known is not None and known.identity != (st.st_dev, st.st_ino):
            self._drop(known)  # another folder at this path now
            known = None
        if known is None:
            known = self._watch(real, (st.st_dev, st.st_ino))
            if known is None:
                return None
        self.folders[real] = known
        changed, known.changed = known.changed, False
        return real, known.entries, changed

    def _watch(self, real: str, identity: tuple[int, int]) -> Folder | None:
        if fs_type(real) not in LOCAL:
            return None
        if self.fd is None:
            try:
                self.fd = _inotify().inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
            except (OSError, AttributeError):
                self.fd = -1
            if self.fd < 0:
                self.broken = True
                return None
        wd = _inotify().inotify_add_watch(self.fd, os.fsencode(real), MASK)
        if wd < 0:  # out of watches (fs.inotify.max_user_watches), or the folder went
            return None
        if wd in self.by_wd:  # the same folder under another real path (a bind mount)
            return None
        found = Folder(real, wd, identity)
        try:
            found.rescan()  # after the watch: a change meanwhile is also an event
        except OSError:
            _inotify().inotify_rm_watch(self.fd, wd)
            return None
        self.by_wd[wd] = found
        while len(self.folders) >= MAX_FOLDERS:
            self._drop(next(iter(self.folders.values())))
        return found

    def _drop(self, folder: Folder) -> None:
        self.folders.pop(folder.path, None)
        if self.by_wd.pop(folder.wd, None) is not None and self.fd is not None:
            _inotify().inotify_rm_watch(self.fd, folder.wd)  # -1 if the kernel dropped it

    def drain(self) -> None:
        """Read every event queued and mend the entries they name."""
        if self.fd is None or self.fd < 0:
            return
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return
            except OSError:
                return self._lost()
            at = 0
            while at + EVENT.size <= len(data):
                wd, mask, _, size = EVENT.unpack_from(data, at)
                name = data[at + EVENT.size:at + EVENT.size + size].rstrip(b"\0")
                at += EVENT.size + size
                if mask & IN_Q_OVERFLOW:
                    self._lost()
                    continue
                folder = self.by_wd.get(wd)
                if folder is None:
                    continue
                if mask & GONE:
                    self._drop(folder)
                elif name:
                    folder.look(os.fsdecode(name))

    def _lost(self) -> None:
        """Events were lost: every folder's entries are made again."""
        for folder in list(self.folders.values()):
            try:
                folder.rescan()
            except OSError:
                self._drop(folder)


_LIBC = None


def _inotify():
    """libc, with the argument types of the inotify calls (ctypes: imported by the server
    only)."""
    global _LIBC
    if _LIBC is None:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)  # the interpreter's own libc
        libc.inotify_init1.argtypes = [ctypes.c_int]
        libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        libc.inotify_rm_watch.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.statfs.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
        _LIBC = libc
    return _LIBC


def fs_type(path: str) -> int | None:
    """statfs's ``f_type`` of the file system ``path`` is on (None when it cannot be had)."""
    import ctypes

    try:
        buffer = ctypes.create_string_buffer(512)  # struct statfs is 120 bytes on 64-bit Linux
        if _inotify().statfs(os.fsencode(path), buffer) != 0:
            return None
    except (OSError, AttributeError):
        return None
    return ctypes.c_long.from_buffer(buffer).value & 0xFFFFFFFF
