"""Everything that runs git."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def available() -> bool:
    return shutil.which("git") is not None


def run(root: Path, *args: str, check: bool = True, input: str | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(["git", "-c", "core.quotePath=false", "-C", str(root), *args],
                          capture_output=True, text=True, check=check, input=input,
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
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "git log failed")
    changes = []
    for record in out.stdout.split("\x1e")[1:]:
        header, _, raw = record.partition("\n")
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


def register_merge_driver(root: Path) -> None:
    """Tell git to merge customer files with ``kq merge-driver`` (.gitattributes + git config)."""
    import sys

    attributes = root / ".gitattributes"
    current = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    if ATTRIBUTES_LINE not in current.splitlines():
        with attributes.open("a", encoding="utf-8") as f:
            if current and not current.endswith("\n"):
                f.write("\n")
            f.write(f"# kq merges customer files by meaning (see `kq sync --help`)\n"
                    f"{ATTRIBUTES_LINE}\n")
    run(root, "config", "merge.kq.name", "kq semantic merge of customer files")
    run(root, "config", "merge.kq.driver", f'"{sys.executable}" -m kqcli merge-driver %O %A %B %P')


def head(root: Path) -> str | None:
    out = run(root, "rev-parse", "--verify", "-q", "HEAD", check=False)
    return out.stdout.strip() or None


def current_branch(root: Path) -> str | None:
    out = run(root, "symbolic-ref", "--short", "-q", "HEAD", check=False)
    return out.stdout.strip() or None


def upstream(root: Path) -> tuple[str, str] | None:
    """(remote, branch) the current branch tracks, else the only remote and the same branch."""
    out = run(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}", check=False)
    if out.returncode == 0 and "/" in out.stdout:
        remote, _, branch = out.stdout.strip().partition("/")
        return remote, branch
    remotes = run(root, "remote", check=False).stdout.split()
    branch = current_branch(root)
    if not remotes or not branch:
        return None
    return ("origin" if "origin" in remotes else remotes[0]), branch
