from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import KqError
from . import friendly, open_repo


@friendly
def run(
    ctx: typer.Context,
    retries: Annotated[int, typer.Option(help="Times to retry when the remote moved meanwhile.")] = 3,
) -> None:
    """Pull with rebase from the team's remote, push, and report what came in.

    Customer files are merged by meaning (registered as a git merge driver): both sides'
    visits, expenses and intel are kept in date order, different fields changed on each side
    both win, and only the same field changed two ways is left for you, between markers.

    Example: kq sync
    """
    from .. import gitlog

    repo = open_repo(ctx)
    root = repo.root
    if not gitlog.is_work_tree(root):
        raise KqError("kq sync needs a git repository with a remote")
    gitlog.register_merge_driver(root)
    target = gitlog.upstream(root)
    if target is None:
        raise KqError("no remote to sync with; add one: git remote add origin URL")
    remote, branch = target
    dirty = gitlog.run(root, "status", "--porcelain", "--", "customers", "kq.yaml").stdout
    if dirty.strip():
        raise KqError("uncommitted changes to customer files; commit them (or kq edit/log "
                      "them) before syncing:\n" + dirty.rstrip(), code=1)
    if gitlog.run(root, "status", "--porcelain", "--", ".gitattributes").stdout.strip():
        gitlog.run(root, "add", ".gitattributes")
        gitlog.run(root, "commit", "-q", "-m", "kq: merge customer files by meaning",
                   "--", ".gitattributes")
    before = gitlog.head(root)
    incoming: str | None = None
    for attempt in range(retries + 1):
        fetched = gitlog.run(root, "fetch", "-q", remote, check=False)
        if fetched.returncode != 0:
            raise KqError(f"git fetch {remote} failed: {_last(fetched.stderr)}", code=1)
        has_remote_branch = gitlog.run(root, "rev-parse", "-q", "--verify",
                                       f"refs/remotes/{remote}/{branch}", check=False).returncode == 0
        if has_remote_branch:
            incoming = gitlog.run(root, "rev-parse", f"refs/remotes/{remote}/{branch}").stdout.strip()
            rebased = gitlog.run(root, "rebase", "-q", f"{remote}/{branch}", check=False,
                                 env={"KQ_MERGE_LABELS": f"{remote} (already shared),yours"})
            if rebased.returncode != 0:
                conflicted = gitlog.run(root, "diff", "--name-only", "--diff-filter=U").stdout.split()
                raise KqError(
                    "conflicts that only you can resolve, in: " + ", ".join(conflicted)
                    + "\nboth versions are kept between <<<<<<< and >>>>>>> markers; edit them, "
                    "then: git add FILE && git rebase --continue && kq sync "
                    "(or git rebase --abort to go back)", code=1)
        pushed = gitlog.run(root, "push", "-q", remote, f"HEAD:{branch}", check=False)
        if pushed.returncode == 0:
            break
        if attempt == retries or not any(w in pushed.stderr for w in
                                          ("fetch first", "non-fast-forward", "rejected")):
            raise KqError(f"git push failed: {_last(pushed.stderr)}", code=1)
        typer.echo(f"the remote moved; trying again ({attempt + 1}/{retries})", err=True)
    _report(root, before, incoming)


def _last(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else "?"


def _report(root: Path, before: str | None, incoming: str | None) -> None:
    """What the remote brought: commits on its tip that were not in our history before."""
    from .. import gitlog

    if incoming is None:
        typer.echo("pushed; nothing came in")
        return
    span = f"{before}..{incoming}" if before else incoming
    if not gitlog.run(root, "rev-list", span).stdout.strip():
        typer.echo("up to date; nothing came in")
        return
    authors: dict[str, set[str]] = {}
    out = gitlog.run(root, "log", "--format=%x1e%an", "--name-only", span,
                     "--", "customers").stdout
    for record in out.split("\x1e")[1:]:
        author, *files = [ln for ln in record.splitlines() if ln.strip()]
        authors.setdefault(author, set()).update(files)
    if not authors:
        typer.echo("synced; no customer changes came in")
    for author, files in sorted(authors.items()):
        typer.echo(f"{len(files)} customer{'s' if len(files) != 1 else ''} changed by {author}")
