"""What the operating system offers, asked in one place: every ``os.name``, ``sys.platform``,
fork and ``fcntl`` question kq has goes through here.

``KQ_PORTABLE=1`` makes kq behave as on Windows wherever the two differ (no fork for the
process pool, no server, the cross-platform lock instead of ``fcntl``, no ``PR_SET_PDEATHSIG``),
so that a Linux CI runs the path Windows users take. Standard library only, and cheap: the warm
path of ``kq due`` asks :func:`portable` before anything else is imported.
"""

from __future__ import annotations

import os
import sys


def windows() -> bool:
    """Whether this is Windows itself (its programs: ``notepad``; not KQ_PORTABLE)."""
    return os.name == "nt"


def portable() -> bool:
    """Whether kq keeps to what every platform has: on Windows, and with ``KQ_PORTABLE=1``."""
    return os.name != "posix" or os.environ.get("KQ_PORTABLE", "").strip() not in ("", "0")


def can_fork() -> bool:
    """Whether worker processes may be forked (else they are spawned, or there are none)."""
    return not portable() and hasattr(os, "fork")


def posix_locks() -> bool:
    """Whether kq's locks are ``fcntl.flock`` (shared and exclusive); else the cross-platform
    lock (:mod:`kqcli.store.locks`), exclusive only."""
    return not portable()


def server_possible() -> bool:
    """Whether kq's server can run here: Unix sockets and fork."""
    return can_fork() and hasattr(os, "setsid")


def parent_death_signal() -> bool:
    """Whether a worker can ask the kernel to kill it with its parent (Linux's prctl)."""
    return not portable() and sys.platform.startswith("linux")
