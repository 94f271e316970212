"""A pager for long tables, the way git does it: only when stdout is a terminal and the output
is taller than it; ``$KQ_PAGER``, else ``$PAGER``, else ``less`` with ``LESS=FRX`` (colours
kept, one screen printed as is); off with ``kq --no-pager`` or an empty ``$KQ_PAGER``.

The renderer wraps its printing in :func:`paging`::

    with paging():
        console().print(table)

Inside, ``sys.stdout`` is a buffer that still says it is a terminal, so Rich draws colours and
fits the terminal's width; on leaving, the text goes to the pager or straight to stdout.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from ..store.context import current


def configure(enabled: bool) -> None:
    """Set by the global ``--no-pager`` option on every run (also in-process, in tests)."""
    current().paging = enabled


def enabled() -> bool:
    return current().paging


def should_page(lines: int, *, terminal: bool, height: int) -> bool:
    """Page output of ``lines`` lines: only to a terminal, only when it does not fit (the
    shell's prompt needs the last line)."""
    return terminal and height > 0 and lines > height - 1


def command(env: Mapping[str, str]) -> tuple[list[str], dict[str, str]] | None:
    """The pager to run and the environment to run it in; None to print directly."""
    import shlex
    import shutil

    text = env.get("KQ_PAGER", env.get("PAGER"))
    if text is None:
        text = "less" if shutil.which("less", path=env.get("PATH")) else ""
    try:
        argv = shlex.split(text)
    except ValueError:
        return None
    if not argv or argv == ["cat"]:
        return None
    return argv, {**env, **({} if "LESS" in env else {"LESS": "FRX"})}


class _Screen(io.StringIO):
    """Stands in for a terminal stdout while output is collected for the pager."""

    def isatty(self) -> bool:
        return True


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def paging() -> Iterator[None]:
    """Collect what is printed to stdout inside the block, then page it if it is taller than
    the terminal. Nothing is collected when paging cannot happen (a pipe, ``--no-pager``)."""
    if not enabled() or not _stdout_is_terminal():
        yield
        return
    real, screen = sys.stdout, _Screen()
    sys.stdout = screen
    try:
        yield
    finally:
        sys.stdout = real
        show(screen.getvalue(), real)


def show(text: str, stream: io.TextIOBase | None = None) -> None:
    """Print ``text`` through the pager when it is taller than the terminal, else directly."""
    import shutil

    out = stream or sys.stdout
    height = shutil.get_terminal_size().lines
    pager = command(os.environ)
    if pager is None or not should_page(text.count("\n"), terminal=True, height=height):
        out.write(text)
        out.flush()
        return
    out.flush()
    data = text.encode(getattr(out, "encoding", None) or "utf-8", "replace")
    current().paged = data  # what a terminal's page kept is (kqcli.store.warm.Recorder)
    if not _to_pager(data, *pager):  # the pager is not installed: print as if there were none
        current().paged = None
        out.write(text)
        out.flush()


def replay(data: bytes) -> bool:
    """Hand a page kept (the bytes the pager got, kqcli.store.warm) to the pager again; False
    when there is none now (the caller prints it)."""
    pager = command(os.environ)
    return pager is not None and _to_pager(data, *pager)


def _to_pager(data: bytes, argv: list[str], env: dict[str, str]) -> bool:
    """Run the pager on ``data``; False when it cannot be started."""
    page = current().page
    if page is not None:  # a child of kq's server: the client has the terminal
        page(data)
        return True
    import subprocess

    try:
        subprocess.run(argv, input=data, env=env, check=False)
    except OSError:
        return False
    except KeyboardInterrupt:
        pass
    return True
