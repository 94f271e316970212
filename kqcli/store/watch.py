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

A folder is held open while it is watched and its names are looked at in it, wherever it is
now: a repository moved away and back is the same folder with the same names throughout
(the events follow the folder, not its path). Each customer file is watched too, by itself:
a hard link made to it elsewhere (``ln``) and a write through that link send their events to
the file's watch, not to the folder's. A file with more than one link, or a symbolic link, is
looked at every time.

Only where the events are complete: a folder on a local file system (a network or FUSE
file system changed by another machine sends none), and never past a lost event (the
kernel's queue overflowed: every folder is scanned again), a mount or unmount anywhere (a
file system mounted over a name sends no event; /proc/self/mountinfo tells: every folder is
scanned again) or a folder removed (its watch is dropped; the next request watches what is
at the path). The folder's own chmod is an event without a name: the folder is scanned
again. Anything but a regular file with one link (a symlink, a folder named ``*.yaml``, a
file linked elsewhere), a name whose lstat is refused, and a file whose own watch cannot be
had (past a quarter of ``fs.inotify.max_user_watches``, which other tools share) are looked
at every time. Anything this cannot vouch for is scanned as before. Not seen by any watch: a
write into a memory-mapped file (no program kq users edit customers with writes that way),
and a change of a file's ctime alone (``chattr``: its content and signature in the index
stay what they were); ``KQ_SERVER_WATCH=0`` turns the watch off.
"""

from __future__ import annotations

import os
import struct

from .files import Watched, customer_name, watched

IN_MODIFY, IN_ATTRIB, IN_MOVED_FROM, IN_MOVED_TO = 0x2, 0x4, 0x40, 0x80
IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF = 0x100, 0x200, 0x400, 0x800
IN_UNMOUNT, IN_Q_OVERFLOW, IN_IGNORED, IN_ONLYDIR = 0x2000, 0x4000, 0x8000, 0x1000000
IN_DONT_FOLLOW, IN_MASK_ADD, IN_NONBLOCK, IN_CLOEXEC = 0x2000000, 0x20000000, 0o4000, 0o2000000
MASK = (IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
        | IN_DELETE_SELF | IN_ONLYDIR | IN_MASK_ADD)
FILE_MASK = IN_MODIFY | IN_ATTRIB | IN_DONT_FOLLOW | IN_MASK_ADD
"""A file's own watch: written (through any of its names) or its links counted anew. Added
to what the inode is watched for already (a watched folder moved in under a customer's name
keeps its own events)."""
GONE = IN_DELETE_SELF | IN_UNMOUNT | IN_IGNORED
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
    """A watched folder: open (``fd``), its watch (``wd``), its (device, inode), its entries,
    and the watch of each customer file in it (``files``: watch -> name; ``watch_of``: name ->
    watch)."""

    def __init__(self, fd: int, wd: int, identity: tuple[int, int]) -> None:
        self.fd, self.wd, self.identity = fd, wd, identity
        self.entries: Entries = {}
        self.files: dict[int, str] = {}
        self.watch_of: dict[str, int] = {}
        self.changed = True  # a customer file changed since the last request (or may have)


class Watcher:
    """The folders a server watches, keyed by their (device, inode)."""

    def __init__(self) -> None:
        self.fd: int | None = None
        self.folders: dict[tuple[int, int], Folder] = {}  # least recently asked for first
        self.by_wd: dict[int, Folder] = {}  # a folder's watch, and its files' watches
        self.broken = False  # no inotify here: nothing is watched
        self.budget = _budget()
        self.mounts = None  # /proc/self/mountinfo, polled once something is watched
        self.polled = None

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
        identity = (st.st_dev, st.st_ino)
        known = self.folders.pop(identity, None)
        if known is None:
            self._let_go_of_removed()
            known = self._watch(real, identity)
            if known is None:
                return None
        self.folders[identity] = known
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
            self._watch_mounts()
        try:
            fd = os.open(real, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            return None
        st = os.fstat(fd)
        wd = _inotify().inotify_add_watch(self.fd, _in(fd), MASK)
        if (st.st_dev, st.st_ino) != identity or wd < 0 or wd in self.by_wd:
            # replaced since it was looked at; out of watches (fs.inotify.max_user_watches);
            # or already watched under another (device, inode) (cannot be vouched for twice)
            if wd >= 0 and wd not in self.by_wd:
                _inotify().inotify_rm_watch(self.fd, wd)
            os.close(fd)
            return None
        found = Folder(fd, wd, identity)
        self.by_wd[wd] = found
        try:
            self._rescan(found)  # after the watch: a change meanwhile is also an event
        except Exception:  # noqa: BLE001 - half a folder's entries are never vouched for
            self._drop(found)
            return None
        while len(self.folders) >= MAX_FOLDERS:
            self._drop(next(iter(self.folders.values())))
        return found

    def _rescan(self, folder: Folder) -> None:
        old = folder.files
        folder.entries, folder.files, folder.watch_of = {}, {}, {}
        folder.changed = True
        with os.scandir(folder.fd) as found:
            for entry in found:
                self._look(folder, entry.name, entry)
        for wd in old.keys() - folder.files.keys():
            self._unwatch(folder, wd)

    def _look(self, folder: Folder, name: str, entry: os.DirEntry | None = None) -> None:
        """Take ``name``'s state in ``folder`` as it is now (a customer file's own watch first:
        a link made after the look is then an event)."""
        wd = -1
        if customer_name(name):
            folder.changed = True
            if len(self.by_wd) < self.budget:
                wd = _inotify().inotify_add_watch(self.fd, _in(folder.fd, name), FILE_MASK)
        try:
            st = entry.stat(follow_symlinks=False) if entry else os.lstat(name, dir_fd=folder.fd)
        except (FileNotFoundError, NotADirectoryError):
            st = None
        except OSError:  # there but not to be looked at (the folder's permissions): as a scan
            st = False   # lists it, each run looks at it (and finds it "gone")
        if st is None or (wd >= 0 and self.by_wd.setdefault(wd, folder) is not folder):
            if wd >= 0 and wd not in self.by_wd:  # gone between the two calls
                _inotify().inotify_rm_watch(self.fd, wd)
            wd = -1  # or in another watched folder too: it has two links
        old = folder.watch_of.pop(name, None)
        if old is not None and old != wd and folder.files.get(old) == name:
            self._unwatch(folder, old)  # what had the name is elsewhere now, or nowhere
        if st is None:
            folder.entries.pop(name, None)
            return
        kept = watched(name, st or None)
        if wd >= 0:
            folder.files[wd] = name
            folder.watch_of[name] = wd
        elif kept and kept.__class__ is tuple and not kept[5]:
            kept = kept[:5] + (True,)  # no watch of its own: looked at every time
        folder.entries[name] = kept

    def _unwatch(self, folder: Folder, wd: int) -> None:
        folder.files.pop(wd, None)
        if self.by_wd.get(wd) is folder:
            del self.by_wd[wd]
            _inotify().inotify_rm_watch(self.fd, wd)  # -1 if the kernel dropped it

    def _drop(self, folder: Folder) -> None:
        if self.folders.get(folder.identity) is folder:
            del self.folders[folder.identity]
        for wd in [wd for wd, held in self.by_wd.items() if held is folder]:
            del self.by_wd[wd]
            _inotify().inotify_rm_watch(self.fd, wd)
        folder.files.clear()
        os.close(folder.fd)

    def _let_go_of_removed(self) -> None:
        """Drop the folders removed since (held open, a removed folder sends no event)."""
        for folder in list(self.folders.values()):
            if os.fstat(folder.fd).st_nlink == 0:
                self._drop(folder)

    def drain(self) -> None:
        """Read every event queued and mend the entries they name."""
        if self.fd is None or self.fd < 0:
            return
        try:
            self._drain()
        except Exception:  # noqa: BLE001 - whatever went wrong, a scan of each folder mends it
            self._lost()

    def _drain(self) -> None:
        if self._mounts_changed():
            return self._lost()
        pending: dict[Folder, set[str]] = {}
        rescan: list[Folder] = []
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            at = 0
            while at + EVENT.size <= len(data):
                wd, mask, _, size = EVENT.unpack_from(data, at)
                name = data[at + EVENT.size:at + EVENT.size + size].rstrip(b"\0")
                at += EVENT.size + size
                if mask & IN_Q_OVERFLOW:
                    return self._lost()
                folder = self.by_wd.get(wd)
                if folder is None:
                    continue
                if wd != folder.wd:  # a customer file's own watch
                    known = folder.files.get(wd)
                    if mask & IN_IGNORED:  # the file was removed, or its watch was
                        del self.by_wd[wd]
                        folder.files.pop(wd, None)
                        if known is not None and folder.watch_of.get(known) == wd:
                            del folder.watch_of[known]
                    if known is not None:
                        pending.setdefault(folder, set()).add(known)
                elif mask & GONE:
                    self._drop(folder)
                    pending.pop(folder, None)
                elif name:
                    pending.setdefault(folder, set()).add(os.fsdecode(name))
                elif mask & IN_ATTRIB:  # the folder's own permissions: what can be looked at
                    rescan.append(folder)
        for folder, names in pending.items():
            if self.by_wd.get(folder.wd) is folder:
                for name in names:
                    self._look(folder, name)
        for folder in rescan:
            if self.by_wd.get(folder.wd) is folder:
                try:
                    self._rescan(folder)
                except Exception:  # noqa: BLE001 - half a folder's entries are never vouched for
                    self._drop(folder)

    def _watch_mounts(self) -> None:
        """From now on, know when anything is mounted or unmounted: a file system mounted over
        a folder or a name sends no event (the kernel flags /proc/self/mountinfo instead)."""
        import select

        try:
            self.mounts = open("/proc/self/mountinfo", "rb", buffering=0)
        except OSError:
            return
        self.polled = select.poll()
        self.polled.register(self.mounts, select.POLLPRI | select.POLLERR)
        self.polled.poll(0)  # what is mounted now is known

    def _mounts_changed(self) -> bool:
        return self.polled is not None and bool(self.polled.poll(0))

    def _lost(self) -> None:
        """Events were lost: every folder's entries are made again."""
        for folder in list(self.folders.values()):
            try:
                self._rescan(folder)
            except Exception:  # noqa: BLE001 - half a folder's entries are never vouched for
                self._drop(folder)

    def close(self) -> None:
        """Let go of every descriptor without unwatching (a child of the server: the watches
        are the server's), and watch nothing more. The entries are left as they are: freeing
        them would write to every page they are on, a fault each in a forked child."""
        for folder in self.folders.values():
            if folder.fd >= 0:
                os.close(folder.fd)
                folder.fd = -1
        if self.fd is not None and self.fd >= 0:
            os.close(self.fd)
        if self.mounts is not None:
            self.mounts.close()
        self.fd, self.broken, self.mounts, self.polled = None, True, None, None


def _budget() -> int:
    """How many watches kq's server takes at most: a quarter of what the kernel allows each
    user (``fs.inotify.max_user_watches``), which editors and other tools watching files share
    (8,192 on kernels before 5.11; a file past the budget is looked at every time)."""
    try:
        with open("/proc/sys/fs/inotify/max_user_watches", "rb") as f:
            return int(f.read()) // 4
    except (OSError, ValueError):
        return 2048


def _in(fd: int, name: str = "") -> bytes:
    """A path to ``name`` in the folder open as ``fd``, wherever that folder is now."""
    return os.fsencode(f"/proc/self/fd/{fd}/{name}" if name else f"/proc/self/fd/{fd}")


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
