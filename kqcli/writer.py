"""Writing customer files safely: one lock per file, validation before replace, atomic rename,
refusal when the file changed underneath, and a git commit of exactly what was written."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from . import gitlog
from .errors import PROBLEMS, KqError

TRAILER = "Committed-by: kq"  # marks kq's commits, for kq undo


@contextlib.contextmanager
def locked(root: Path, name: str) -> Iterator[None]:
    """An exclusive advisory lock shared by every kq process on this repository."""
    folder = root / ".kq" / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.lock", "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: best effort without a lock
            yield
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def replace_atomically(path: Path, data: bytes, expected: bytes | None) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    ``expected`` is what the caller read; if the file no longer holds it, nothing is written.
    """
    current = path.read_bytes() if path.exists() else None
    if current != expected:
        raise KqError(f"{path.parent.name}/{path.name} changed on disk since kq read it; "
                      "nothing was written, run the command again", code=PROBLEMS)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def commit(root: Path, paths: list[Path], message: str) -> str | None:
    """Commit exactly ``paths`` (other staged changes stay staged). Returns the short hash.

    Serialised between kq processes by a lock; retried while another git process holds
    the index lock.
    """
    if not gitlog.is_work_tree(root):
        return None
    relative = [str(p.resolve().relative_to(root.resolve())) for p in paths]
    with locked(root, "git"):
        for attempt in range(40):
            added = gitlog.run(root, "add", "--", *relative, check=False)
            done = added.returncode == 0 and gitlog.run(
                root, "commit", "-q", "--no-verify", "-m", f"{message}\n\n{TRAILER}", "--only",
                "--", *relative,
                check=False)
            if done and done.returncode == 0:
                return gitlog.run(root, "rev-parse", "--short", "HEAD").stdout.strip()
            output = (added.stderr + (done.stderr + done.stdout if done else "")).lower()
            if ".lock" in output or "unable to lock" in output or "cannot lock" in output:
                time.sleep(0.05 * (attempt + 1))
                continue
            if "nothing to commit" in output or "no changes added" in output:
                return None
            raise KqError(f"git commit failed: {output.strip().splitlines()[-1] if output else '?'}",
                          code=PROBLEMS)
    raise KqError("git commit failed: the index stayed locked by another git process",
                  code=PROBLEMS)


def update_customer(root: Path, path: Path, change: Callable[[bytes], bytes], message: str,
                    autocommit: bool = True) -> tuple[bytes, str | None]:
    """Read, change, validate and atomically replace one customer file, then commit it."""
    from .validate import validate_customer

    shown = f"customers/{path.name}"
    with locked(root, path.stem):
        try:
            before = path.read_bytes()
        except OSError as e:
            raise KqError(f"{shown}: cannot read: {e.strerror}") from None
        _, problems = validate_customer(before, shown)
        if problems:
            raise KqError(f"{shown} is not valid; fix it first (kq check):\n"
                          + "\n".join(str(p) for p in problems), code=PROBLEMS)
        after = change(before)
        _, problems = validate_customer(after, shown)
        if problems:
            raise KqError("the change would make the file invalid; nothing was written:\n"
                          + "\n".join(str(p) for p in problems), code=PROBLEMS)
        replace_atomically(path, after, before)
        sha = commit(root, [path], message) if autocommit else None
    return after, sha


def update_many(root: Path, changes: dict[Path, Callable[[bytes], bytes]], message: str,
                autocommit: bool = True) -> str | None:
    """``update_customer`` for several files, all validated before any is replaced; one commit."""
    from .validate import validate_customer

    paths = sorted(changes)
    with contextlib.ExitStack() as stack:
        for path in paths:
            stack.enter_context(locked(root, path.stem))
        planned: list[tuple[Path, bytes, bytes]] = []
        for path in paths:
            shown = f"customers/{path.name}"
            before = path.read_bytes()
            after = changes[path](before)
            _, problems = validate_customer(after, shown)
            if problems:
                raise KqError(f"{shown}: the change would make the file invalid; nothing was "
                              "written:\n" + "\n".join(str(p) for p in problems), code=PROBLEMS)
            planned.append((path, before, after))
        for path, before, after in planned:
            replace_atomically(path, after, before)
        return commit(root, paths, message) if autocommit and paths else None
