"""kq's one lock primitive: an advisory lock on a file, held for a ``with`` block, that every kq
process on the machine respects (:func:`held`). :mod:`kqcli.store.writer` decides which files
(the customer files', git's, kq.yaml's) and where they live.

On Linux and macOS it is ``fcntl.flock``, shared or exclusive, as it always was. On Windows, and
with ``KQ_PORTABLE=1`` (:mod:`kqcli.store.platform`), it is the ``filelock`` library's lock
(``msvcrt.locking`` on Windows; ``flock`` again under KQ_PORTABLE on Linux, through the very
code Windows runs): exclusive only, so a shared hold is taken exclusive there, which keeps every
guarantee and only makes two writes of different customers take turns. filelock rather than
portalocker or msvcrt by hand: it is the lock pip's own toolchain (virtualenv, tox) and
huggingface rely on, kept up to date (it handles a lock file deleted under a waiter, network and
read-only file systems), pure Python with no dependency (portalocker needs pywin32 for shared
locks on Windows), and imported only when kq writes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from .platform import posix_locks


@contextlib.contextmanager
def held(path: Path, shared: bool = False) -> Iterator[None]:
    """Hold the lock of the file ``path`` (created if missing) until the block ends; wait for
    it as long as it takes. ``shared``: other shared holders may hold it too (POSIX only).
    Raises ``OSError`` when the file cannot be opened."""
    if posix_locks():
        import fcntl

        with open(path, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return
    from filelock import FileLock

    with FileLock(path, thread_local=False):
        yield
