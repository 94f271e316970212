"""Everything that runs git."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path

from .errors import _, reason


def available() -> bool:
    return shutil.which("git") is not None


def has_dot_git(root: Path) -> bool:
    """Whether ``root`` or a folder above it holds ``.git``: a repository even when git is gone."""
    return any((folder / ".git").exists() for folder in (root.resolve(), *root.resolve().parents))


def missing_message(root: Path, command: str) -> str:
    """Why ``command`` cannot use git here: git not installed, or no repository."""
    if not available():
        if has_dot_git(root):
            return _("{command} needs git, which is not installed (not found on PATH), "
                     "although this folder is a git repository").format(command=command)
        return _("{command} needs git, which is not installed (not found on PATH)").format(
            command=command)
    return _("{command} needs a git repository; this one is not under git").format(
        command=command)


def git_path(root: Path, name: str) -> Path:
    """Where git keeps ``name`` (``MERGE_HEAD``, ``index.lock``...), worktrees included."""
    out = run(root, "rev-parse", "--git-path", name).stdout.strip()
    path = Path(out)
    return path if path.is_absolute() else root / path


IN_PROGRESS = (("rebase-merge", "rebase"), ("rebase-apply", "rebase"), ("MERGE_HEAD", "merge"),
               ("CHERRY_PICK_HEAD", "cherry-pick"), ("REVERT_HEAD", "revert"))


def in_progress(root: Path) -> str | None:
    """The git operation stopped half-way in this work tree (``rebase``, ``merge``...), if any."""
    names = [name for name, _ in IN_PROGRESS]
    args = [a for name in names for a in ("--git-path", name)]
    out = run(root, "rev-parse", *args, check=False).stdout.splitlines()
    for found, (_name, operation) in zip(out, IN_PROGRESS, strict=False):
        path = Path(found)
        if (path if path.is_absolute() else root / path).exists():
            return operation
    return None


def unwritable(root: Path) -> str | None:
    """The first git folder a commit must write to that this process cannot, with why."""
    import errno
    import os

    out = run(root, "rev-parse", "--git-dir", "--git-common-dir", "--git-path", "objects",
              check=False).stdout.splitlines()
    for found in dict.fromkeys(out):
        path = Path(found) if Path(found).is_absolute() else root / found
        if path.is_dir() and not os.access(path, os.W_OK):
            read_only_fs = False
            with contextlib.suppress(OSError):
                read_only_fs = bool(os.statvfs(path).f_flag & os.ST_RDONLY)
            code = errno.EROFS if read_only_fs else errno.EACCES
            return _("{path} is not writable ({reason})").format(
                path=relative(root, path), reason=reason(code, os.strerror(code)))
    return None


def lock_files(root: Path) -> list[Path]:
    """The lock files a commit needs that exist now (``index.lock``, ``HEAD.lock``, the branch's)."""
    names = ["index.lock", "HEAD.lock"]
    branch = run(root, "symbolic-ref", "-q", "HEAD", check=False).stdout.strip()
    if branch:
        names.append(f"{branch}.lock")
    out = run(root, "rev-parse", *[a for n in names for a in ("--git-path", n)],
              check=False).stdout.splitlines()
    paths = [Path(found) if Path(found).is_absolute() else root / found for found in out]
    return [path for path in paths if path.exists()]


def relative(root: Path, path: Path) -> str:
    """``path`` as the user would type it from ``root``."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)



def run(root: Path, *args: str, check: bool = True, input: str | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    from .platform import windows

    argv: list[str] | list[bytes] = ["git", "-c", "core.quotePath=false", "-C", str(root), *args]
    if not windows():  # git's text is UTF-8 (a commit message with 华信), whatever the locale
        argv = [a.encode("utf-8", "surrogateescape") for a in argv]
    return subprocess.run(argv, capture_output=True, text=True, check=check, input=input,
                          encoding="utf-8", errors="surrogateescape",
                          env={**os.environ, **env} if env else None)


def is_work_tree(root: Path) -> bool:
    if not available():
        return False
    result = run(root, "rev-parse", "--is-inside-work-tree", check=False)
    return result.returncode == 0 and result.stdout.strip() == "true"


def init(root: Path) -> bool:
    if not available():
        return False
    return run(root, "init", "-q", check=False).returncode == 0


def hooks_dir(root: Path) -> Path:
    out = run(root, "rev-parse", "--git-path", "hooks").stdout.strip()
    path = Path(out)
    return path if path.is_absolute() else root / path


ZERO = "0" * 40


def log_versions(root: Path, paths: list[str], follow: bool = False, since: str | None = None,
                 limit: int | None = None) -> list[dict]:
    """Every change to ``paths`` in one ``git log`` pass: commit, author, date, subject, and the
    old and new blob of each file the commit touched."""
    args = ["log", "--format=%x1e%H%x1f%an%x1f%aI%x1f%s", "--raw", "--no-abbrev",
            "--no-renames" if not follow else "--follow", "-z"]
    if since:
        args.append(f"--since={since}")
    if limit:
        args.append(f"-n{limit}")
    out = run(root, *args, "--", *paths, check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip()
                           else _("git log failed"))
    changes = []
    for record in out.stdout.split("\x1e")[1:]:
        header, _sep, raw = record.partition("\n")
        full, author, date, subject = header.strip("\x00").split("\x1f")
        short = full[:7]
        fields = [f for f in raw.strip("\n\x00").split("\x00")]
        i = 0
        while i < len(fields):
            meta = fields[i].lstrip("\n")
            if not meta.startswith(":"):
                i += 1
                continue
            parts = meta[1:].split()
            old_blob, new_blob, status = parts[2], parts[3], parts[4]
            if status.startswith(("R", "C")):
                old_path, new_path = fields[i + 1], fields[i + 2]
                i += 3
            else:
                old_path = new_path = fields[i + 1]
                i += 2
            changes.append({"commit": full, "short": short, "author": author, "date": date,
                            "subject": subject, "old": None if old_blob == ZERO else old_blob,
                            "new": None if new_blob == ZERO else new_blob,
                            "old_path": old_path, "path": new_path})
    return changes


def read_blobs(root: Path, blobs: set[str]) -> dict[str, bytes]:
    """The content of many blobs through one ``git cat-file --batch`` process."""
    if not blobs:
        return {}
    order = sorted(blobs)
    proc = subprocess.run(["git", "-C", str(root), "cat-file", "--batch"],
                          input=("\n".join(order) + "\n").encode(), capture_output=True, check=True)
    data, pos, found = proc.stdout, 0, {}
    for name in order:  # answers come in the order asked, keyed here by what was asked
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[-1] == b"missing":
            continue
        size = int(header[2])
        found[name] = data[pos:pos + size]
        pos += size + 1
    return found


ATTRIBUTES_LINE = "customers/*.yaml merge=kq"
STATEMENTS_LINE = "statements/*.yaml merge=kq"
"""The monthly statements (kq statement): two reps' statements, or two sign-offs, written on
two clones merge key by key instead of conflicting at the end of the month's file."""


def register_merge_driver(root: Path) -> None:
    """Tell git to merge customer files (and the monthly statements) with ``kq merge-driver``
    (.gitattributes + git config)."""
    import sys

    attributes = root / ".gitattributes"
    current = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    if ATTRIBUTES_LINE not in current.splitlines():
        with attributes.open("a", encoding="utf-8") as f:
            if current and not current.endswith("\n"):
                f.write("\n")
            f.write(f"# kq merges customer files by meaning (see `kq sync --help`)\n"
                    f"{ATTRIBUTES_LINE}\n")
    current = attributes.read_text(encoding="utf-8")
    if STATEMENTS_LINE not in current.splitlines():
        with attributes.open("a", encoding="utf-8") as f:
            if current and not current.endswith("\n"):
                f.write("\n")
            f.write(f"{STATEMENTS_LINE}\n")
    run(root, "config", "merge.kq.name", "kq semantic merge of customer files")
    run(root, "config", "merge.kq.driver", f'"{sys.executable}" -m kqcli merge-driver %O %A %B %P')


def head(root: Path) -> str | None:
    out = run(root, "rev-parse", "--verify", "-q", "HEAD", check=False)
    return out.stdout.strip() or None


def current_branch(root: Path) -> str | None:
    out = run(root, "symbolic-ref", "--short", "-q", "HEAD", check=False)
    return out.stdout.strip() or None


def rebasing_branch(root: Path) -> str | None:
    """The branch a rebase stopped half-way is rewriting (HEAD is detached meanwhile)."""
    for name in ("rebase-merge/head-name", "rebase-apply/head-name"):
        path = git_path(root, name)
        if path.exists():
            ref = path.read_text(encoding="utf-8").strip()
            return ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None
    return None


def upstream(root: Path) -> tuple[str, str] | None:
    """(remote, branch) the current branch tracks, else the only remote and the same branch.
    During a rebase, the branch being rebased."""
    branch = current_branch(root) or rebasing_branch(root)
    out = run(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", f"{branch or ''}@{{u}}",
              check=False)
    if out.returncode == 0 and "/" in out.stdout:
        remote, _, branch = out.stdout.strip().partition("/")
        return remote, branch
    remotes = run(root, "remote", check=False).stdout.split()
    if not remotes or not branch:
        return None
    return ("origin" if "origin" in remotes else remotes[0]), branch
