from __future__ import annotations

import typer

from ..errors import KqError
from . import friendly, open_repo


@friendly
def run(ctx: typer.Context) -> None:
    """Revert the last commit kq made, if it is still the latest commit (nothing built on it).

    The revert is a new commit, so it is safe even after kq sync pushed the change.

    Example: kq undo
    """
    from .. import gitlog
    from ..writer import TRAILER

    repo = open_repo(ctx)
    if not gitlog.is_work_tree(repo.root) or gitlog.head(repo.root) is None:
        raise KqError("kq undo needs a git repository with commits")
    message = gitlog.run(repo.root, "log", "-1", "--format=%B").stdout
    subject = message.splitlines()[0] if message else ""
    if TRAILER not in message:
        raise KqError(f"the latest commit was not made by kq ({subject!r}); nothing undone")
    files = gitlog.run(repo.root, "show", "--format=", "--name-only", "HEAD").stdout.split()
    dirty = gitlog.run(repo.root, "status", "--porcelain", "--", *files).stdout
    if dirty.strip():
        raise KqError("files of that commit have changed since; commit or discard them first:\n"
                      + dirty.rstrip(), code=1)
    reverted = gitlog.run(repo.root, "revert", "--no-edit", "HEAD", check=False)
    if reverted.returncode != 0:
        raise KqError(f"git revert failed: {reverted.stderr.strip()}", code=1)
    typer.echo(f"undone: {subject}")
