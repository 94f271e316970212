from __future__ import annotations

from pathlib import Path

import typer

from ...store.errors import KqError
from . import friendly, open_repo


@friendly
def run(ctx: typer.Context) -> None:
    """Revert the last commit kq made, if it is still the latest commit (nothing built on it).

    The revert is a new commit, so it is safe even after kq sync pushed the change.

    Example: kq undo
    """
    from ...store import gitlog
    from ...store.writer import all_customers_locked, locked

    repo = open_repo(ctx)
    if not gitlog.available() or not gitlog.is_work_tree(repo.root):
        raise KqError(gitlog.missing_message(repo.root, "kq undo"))
    if gitlog.head(repo.root) is None:
        raise KqError("kq undo needs a git repository with commits")
    operation = gitlog.in_progress(repo.root)
    if operation:
        raise KqError(f"a git {operation} is in progress; finish it first (kq sync says how "
                      "after a sync conflict); nothing undone", code=1)
    # No kq write between the checks and the revert: every customer file, kq.yaml, git.
    with all_customers_locked(repo.root), locked(repo.root, ".kq.yaml"), \
            locked(repo.root, ".git"):
        subject = _revert(repo.root)
    typer.echo(f"undone: {subject}")


def _revert(root: Path) -> str:
    """Revert HEAD if kq made it and its files are as it left them; its subject."""
    from ...store import gitlog
    from ...store.writer import TRAILER

    message = gitlog.run(root, "log", "-1", "--format=%B").stdout
    subject = message.splitlines()[0] if message else ""
    if TRAILER not in message:
        raise KqError(f"the latest commit was not made by kq ({subject!r}); nothing undone")
    files = gitlog.run(root, "show", "--format=", "--name-only", "HEAD").stdout.split()
    dirty = gitlog.run(root, "status", "--porcelain", "--", *files).stdout
    if dirty.strip():
        raise KqError("files of that commit have changed since; commit or discard them first:\n"
                      + dirty.rstrip(), code=1)
    why = gitlog.unwritable(root)
    if why:
        raise KqError(f"cannot undo: {why}; nothing undone", code=1)
    reverted = gitlog.run(root, "revert", "--no-edit", "HEAD", check=False)
    if reverted.returncode != 0:
        lines = [ln for ln in reverted.stderr.strip().splitlines() if ln.strip()]
        raise KqError(f"git revert failed: {lines[-1] if lines else '?'}", code=1)
    return subject
