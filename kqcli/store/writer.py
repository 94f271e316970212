"""Writing customer files safely: one lock per file (one for every file, for a write of
many), validation before replace, atomic rename, refusal when the file changed underneath,
and a git commit of exactly what was written.

A write that is to be committed is checked first (no rebase or merge half-way, a writable
``.git``, no lock left by a crashed git), so kq never writes what it cannot commit; when the
commit still fails, every file is put back as it was and the error says so."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import gitlog
from .errors import PROBLEMS, KqError, Text, _, reason
from .files import write_whole
from .problems import listed as _listed

TRAILER = "Committed-by: kq"  # marks kq's commits, for kq undo
LOCK_WAIT = 2.0  # seconds a git lock may take to go before kq calls it in the way
STALE = 10.0  # a git lock this old is not waited for: git holds its locks for moments


CUSTOMERS = ".customers"
"""The lock every customer file's lock is taken under (shared), and a write of many customer
files takes alone (exclusive): one descriptor instead of one per file, which at 2,000 files
ran out of a desktop's 1,024. Locks that are not a customer's start with a dot, as no
customer's id does (a customer named git.yaml once shared the lock of git's commits)."""


@contextlib.contextmanager
def customer_locked(root: Path, name: str) -> Iterator[None]:
    """The lock of one customer file, which a write of many (:func:`all_customers_locked`)
    waits for and holds off."""
    with locked(root, CUSTOMERS, shared=True), locked(root, name):
        yield


def all_customers_locked(root: Path) -> contextlib.AbstractContextManager[None]:
    """Every customer file's lock at once, for a write of many files."""
    return locked(root, CUSTOMERS)


@contextlib.contextmanager
def locked(root: Path, name: str, shared: bool = False) -> Iterator[None]:
    """An advisory lock shared by every kq process on this repository, exclusive unless
    ``shared``. (A customer file's write takes :func:`customer_locked`.)

    The locks live in ``.kq/locks``; where that cannot be written (``.kq`` is a file, a read-only
    tree) they live in the temporary folder, under a name derived from the repository's path.
    """
    from .locks import held

    fallback = Path(tempfile.gettempdir()) / ("kq-locks-" + hashlib.sha1(
        str(root.resolve()).encode()).hexdigest()[:16])
    for folder in (root / ".kq" / "locks", fallback):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            lock = held(folder / f"{name}.lock", shared)
            lock.__enter__()
            break
        except OSError:
            continue
    else:  # nowhere to lock: the write itself will say why it cannot happen
        yield
        return
    with contextlib.ExitStack() as stack:
        stack.push(lock)
        yield


def _shown(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def replace_atomically(path: Path, data: bytes, expected: bytes | None) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    ``expected`` is what the caller read; if the file no longer holds it, nothing is written.
    Any failure (read-only folder, full disk: an ``OSError``) leaves the file as it was.
    """
    current = path.read_bytes() if path.exists() else None
    if current != expected:
        raise KqError(_("{path} changed on disk since kq read it; nothing was written, run the "
                        "command again").format(path=_shown(path)), code=PROBLEMS)
    write_whole(path, data, path.stat().st_mode & 0o777 if path.exists() else 0o644)


def preflight(root: Path, autocommit: bool = True) -> str:
    """Whether a write here will be committed: ``"commit"``, ``"none"`` (no git repository, or
    autocommit off) or ``"git-missing"`` (a repository, but git is not installed).

    Raises, before anything is written, when the write must not happen: a rebase or merge is
    half-way (a commit would land on it and ``git rebase --abort`` would drop it), ``.git`` is
    read-only, or a git lock file stays in the way.
    """
    if not gitlog.available():
        return "git-missing" if gitlog.has_dot_git(root) else "none"
    if not gitlog.is_work_tree(root):
        return "none"
    operation = gitlog.in_progress(root)
    if operation == "rebase":
        raise KqError(_("a git rebase is in progress (kq sync stopped on a conflict?); kq "
                        "writes nothing until it is finished, so nothing is lost: run kq sync to "
                        "see what to do; nothing was written"), code=PROBLEMS)
    if operation:
        raise KqError(_("a git {operation} is in progress; finish it (resolve, git add, git "
                        "commit) or abort it (git {operation} --abort) first; nothing was "
                        "written").format(operation=operation), code=PROBLEMS)
    if not autocommit:
        return "none"
    why = gitlog.unwritable(root)
    if why:
        raise KqError(_("cannot commit: {reason}; nothing was written").format(reason=why),
                      code=PROBLEMS)
    deadline = time.monotonic() + LOCK_WAIT
    while (locks := gitlog.lock_files(root)) and time.monotonic() < deadline \
            and any(_seconds_old(lock) < STALE for lock in locks):
        time.sleep(0.05)
    if locks:
        raise KqError(_("{reason}; nothing was written").format(
            reason=_lock_message(root, locks[0])), code=PROBLEMS)
    return "commit"


def _seconds_old(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _lock_message(root: Path, lock: Path) -> str:
    """Which lock is in the way, how old it is, and how to remove it if git crashed."""
    age = _age(_seconds_old(lock))
    shown = gitlog.relative(root, lock)
    return _("{path} exists: another git process is running, or one crashed and left it "
             "({age}); if no git is running, remove it: rm '{path}'").format(path=shown, age=age)


def _age(seconds: float) -> str:
    if seconds < 90:
        return f"{max(int(seconds), 0)} s old"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min old"
    if seconds < 36 * 3600:
        return f"{round(seconds / 3600)} h old"
    return f"{round(seconds / 86400)} days old"


def commit(root: Path, paths: list[Path], message: str) -> str | None:
    """Commit exactly ``paths`` (other staged changes stay staged). Returns the short hash.

    Serialised between kq processes by a lock. Raises when git refuses; the index is then as
    it was (the caller puts the files back).
    """
    if not gitlog.is_work_tree(root):
        return None
    with locked(root, ".git"):
        return _commit(root, paths, message)


def _commit(root: Path, paths: list[Path], message: str) -> str | None:
    relative = [str(p.resolve().relative_to(root.resolve())) for p in paths]
    tracked = set(gitlog.run(root, "ls-files", "-z", "--", *relative, check=False)
                  .stdout.split("\0"))
    new = [p for p in relative if p not in tracked and (root / p).exists()]
    output = ""
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        added = gitlog.run(root, "add", "--", *new, check=False) if new else None
        done = None
        if added is None or added.returncode == 0:
            done = gitlog.run(root, "commit", "-q", "--no-verify", "-m",
                              f"{message}\n\n{TRAILER}", "--only", "--", *relative, check=False)
            if done.returncode == 0:
                return gitlog.run(root, "rev-parse", "--short", "HEAD").stdout.strip()
            if new:
                gitlog.run(root, "rm", "-q", "--cached", "--ignore-unmatch", "--", *new,
                           check=False)
        output = ((added.stderr if added else "") + (done.stderr + done.stdout if done else ""))
        lowered = output.lower()
        if "nothing to commit" in lowered or "no changes added" in lowered:
            return None
        locks = gitlog.lock_files(root)
        locking = ".lock" in lowered or "unable to lock" in lowered or "cannot lock" in lowered
        if not locking or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    if locking and locks:
        raise KqError(_("git commit failed: {reason}").format(
            reason=_lock_message(root, locks[0])), code=PROBLEMS)
    lines = [ln for ln in output.strip().splitlines() if ln.strip()]
    raise KqError(_("git commit failed: {reason}").format(reason=lines[-1] if lines else "?"),
                  code=PROBLEMS)


def _keep(root: Path, path: Path) -> Path | None:
    """A second name for the file's current content, so putting it back needs no free space.
    It lives in ``.kq/keep`` (ignored by git, as ``.kq`` is), so one that a ``kill -9`` left
    behind never shows in ``git status``; none where ``.kq`` cannot be written."""
    if not path.exists():
        return None
    try:
        shown = path.relative_to(root).as_posix().replace("/", "%")
    except ValueError:
        shown = path.name
    keep = root / ".kq" / "keep" / f"{shown}.{os.getpid()}"
    try:
        keep.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            keep.unlink()
        os.link(path, keep)
    except OSError:
        return None
    return keep


def write_and_commit(root: Path, planned: list[tuple[Path, bytes | None, bytes]], message: str,
                     autocommit: bool = True) -> str | None:
    """Replace each file (``path, before, after``; ``before`` None for a new file) and commit
    them in one commit. Either all of it happens or nothing does: a failed commit puts every
    file back. Returns the short hash, None when nothing was committed."""
    from .errors import warn

    with locked(root, ".git"):  # so no other kq commit holds git's index lock meanwhile
        mode = preflight(root, autocommit)
        written: list[tuple[Path, bytes | None, bytes, Path | None]] = []
        try:
            for path, before, after in planned:
                keep = _keep(root, path)
                try:
                    replace_atomically(path, after, before)
                except BaseException as e:
                    if keep:
                        keep.unlink(missing_ok=True)
                    if isinstance(e, OSError):
                        raise KqError(_("cannot write {path}: {reason}").format(
                            path=_shown(path), reason=reason(e.errno, e.strerror or "")),
                                      code=PROBLEMS) from None
                    raise
                written.append((path, before, after, keep))
            sha = _commit(root, [p for p, *_rest in planned], message) if mode == "commit" else None
        except BaseException as e:
            failed = _put_back(written)
            if isinstance(e, KqError):
                state = (_("could not put back {paths}: check them with git diff").format(
                    paths=", ".join(failed)) if failed else _("nothing was changed") if written
                         else "" if "nothing was written" in e.message else _("nothing was written"))
                raise KqError(_("{reason}; {state}").format(reason=e.message, state=state)
                              if state else e.message, code=e.code) from None
            raise
        for *_rest, keep in written:
            if keep:
                keep.unlink(missing_ok=True)
    if mode == "git-missing":
        names = ", ".join(_shown(p) for p, *_rest in planned)
        warn(Text("kq: {message}", {"message": _(
            "git is not installed (not found on PATH): {paths} written but not committed").format(
            paths=names)}))
    _index_written(root, [p for p, *_rest in planned])
    return sha


def _index_written(root: Path, paths: list[Path]) -> None:
    """Index the customer files just written (those only: a write does not wait for files
    changed by hand), while the schema is loaded anyway: the next command finds their rows
    current, and for a file written less than two seconds before (racy) only compares its
    digest instead of validating it again. The cache is a cache: when it cannot be written,
    the next command indexes the files itself."""
    written = {p.name[:-5] for p in paths if p.parent.name == "customers" and
               p.name.endswith(".yaml")}
    if not written:
        return
    import sqlite3

    from .index import Index
    from .settings import cached_cap

    try:
        index = Index(root)
        try:
            cap = cached_cap(root, index)
            if cap is not None and index.fallback is None:
                index.refresh(max_bytes=cap, only=written)
        finally:
            index.db.close()
    except (OSError, sqlite3.Error):
        pass


def _put_back(written: list[tuple[Path, bytes | None, bytes, Path | None]]) -> list[str]:
    """Undo the replaced files, newest first; the names of those that could not be undone."""
    failed = []
    for path, before, after, keep in reversed(written):
        try:
            if keep is not None:
                os.replace(keep, path)
            elif before is None:
                path.unlink(missing_ok=True)
            else:
                replace_atomically(path, before, after)
        except (OSError, KqError):
            failed.append(_shown(path))
    return failed


def update_customer(root: Path, path: Path, change: Callable[[bytes], bytes], message: str,
                    autocommit: bool = True, new_files: dict[Path, bytes] | None = None
                    ) -> tuple[bytes, str | None]:
    """Read, change, validate and atomically replace one customer file, then commit it, with
    ``new_files`` (files that must not exist yet, such as photos) written and committed in the
    same commit: all of it, or none."""
    from .validate import validate_customer

    shown = f"customers/{path.name}"
    with customer_locked(root, path.stem):
        try:
            before = path.read_bytes()
        except OSError as e:
            raise KqError(_("{path}: cannot read: {reason}").format(
                path=shown, reason=reason(e.errno, e.strerror or ""))) from None
        _model, problems = validate_customer(before, shown)
        if problems:
            raise KqError(_("{path} is not valid; fix it first (kq check):\n{problems}").format(
                path=shown, problems=_listed(problems)), code=PROBLEMS)
        after = change(before)
        _model, problems = validate_customer(after, shown)
        if problems:
            raise KqError(_("the change would make the file invalid; nothing was written:\n"
                            "{problems}").format(problems=_listed(problems)), code=PROBLEMS)
        planned: list[tuple[Path, bytes | None, bytes]] = [(path, before, after)]
        for extra, data in (new_files or {}).items():
            try:
                extra.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise KqError(f"cannot write {_shown(extra)}: {e.strerror}; nothing was written",
                              code=PROBLEMS) from None
            planned.append((extra, None, data))
        sha = write_and_commit(root, planned, message, autocommit)
    return after, sha


def update_many(root: Path, changes: dict[Path, Callable[[bytes], bytes]], message: str,
                autocommit: bool = True) -> str | None:
    """``update_customer`` for several files, all validated before any is replaced; one commit."""
    from .validate import validate_customer

    paths = sorted(changes)
    with all_customers_locked(root):
        planned: list[tuple[Path, bytes | None, bytes]] = []
        for path in paths:
            shown = f"customers/{path.name}"
            try:
                before = path.read_bytes()
            except OSError as e:
                raise KqError(_("{path}: cannot read: {reason}").format(
                    path=shown, reason=reason(e.errno, e.strerror or ""))) from None
            after = changes[path](before)
            _model, problems = validate_customer(after, shown)
            if problems:
                raise KqError(_("{path}: the change would make the file invalid; nothing was "
                                "written:\n{problems}").format(
                    path=shown, problems=_listed(problems)), code=PROBLEMS)
            planned.append((path, before, after))
        if not planned:
            return None
        return write_and_commit(root, planned, message, autocommit)


BOM = b"\xef\xbb\xbf"


def text_change(edit: Callable[[str], str], shown: str) -> Callable[[bytes], bytes]:
    """A text edit (``yamledit``'s functions) as the writer takes it: bytes in and out, a
    byte-order mark kept; an EditError becomes one line naming the file."""
    from .yamledit import EditError

    def change(raw: bytes) -> bytes:
        bom = BOM if raw.startswith(BOM) else b""
        try:
            return bom + edit(raw[len(bom):].decode("utf-8")).encode("utf-8")
        except EditError as e:
            raise KqError(f"{shown}: {e}", code=PROBLEMS) from None

    return change


def edit_customer(repo: Any, customer_id: str, edit: Callable[[str], str],
                  message: str) -> str | None:
    """Run a text edit of one customer file through ``update_customer`` (lock, validate,
    atomic replace, refusal when changed, commit). Returns the commit's short hash."""
    _, sha = update_customer(repo.root, repo.path_of(customer_id),
                             text_change(edit, f"customers/{customer_id}.yaml"), message,
                             autocommit=repo.settings.git.autocommit)
    return sha
