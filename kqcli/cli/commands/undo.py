from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from ...store.errors import PROBLEMS, KqError
from ..i18n import _, translated
from ..labels import english
from . import friendly, open_repo


@dataclass
class Commit:
    """The commit kq undo would revert."""

    sha: str
    subject: str
    files: list[str]


@friendly
def run(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option(
        "--yes", "-y", help="Revert without asking (scripts); without a terminal kq undo "
                            "needs it.")] = False,
) -> None:
    """Revert the last commit kq made, if it is still the latest commit (nothing built on it).

    Shows the commit (its subject and files) and asks before reverting it (y/N); --yes does
    not ask. The revert is a new commit, so it is safe even after kq sync pushed the change.

    Example: kq undo
    """
    from ...store import gitlog
    from ...store.writer import all_customers_locked, locked

    repo = open_repo(ctx)
    if not gitlog.available() or not gitlog.is_work_tree(repo.root):
        raise KqError(gitlog.missing_message(repo.root, "kq undo"))
    operation = gitlog.in_progress(repo.root)
    if operation:
        raise KqError(_("a git {operation} is in progress; finish it first (kq sync says how "
                        "after a sync conflict); nothing undone").format(operation=operation),
                      code=PROBLEMS)
    target = _target(repo.root)
    if not yes:
        _ask(target)
    # No kq write between the checks and the revert: every customer file, kq.yaml, git.
    with all_customers_locked(repo.root), locked(repo.root, ".kq.yaml"), \
            locked(repo.root, ".git"):
        if _target(repo.root).sha != target.sha:
            raise KqError(_say(f"最近的提交在确认时变了 ({_short(target)} 已不是最近的); 未撤销",
                               f"the latest commit changed meanwhile ({_short(target)} is no "
                               "longer the latest); nothing undone"), code=PROBLEMS)
        _revert(repo.root)
    typer.echo(_("undone: {subject}").format(subject=target.subject))


def _say(zh: str, en: str) -> str:
    return en if english() else zh


def _short(commit: Commit) -> str:
    return f"{commit.sha[:7]} {commit.subject!r}"


def _ask(target: Commit) -> None:
    """Show what would be reverted and ask (y/N) in a terminal; without one, refuse in a line
    naming --yes."""
    if not sys.stdin.isatty():
        raise KqError(_say(f"kq undo 要确认才撤销 {_short(target)}, 这里没有终端可问; "
                           "确定要撤销就加 --yes",
                           f"kq undo asks before it reverts {_short(target)} and there is no "
                           "terminal to ask in; add --yes to revert it"))
    shown = "\n".join(f"  {name}" for name in target.files)
    typer.echo(_say(f"将撤销 {target.sha[:7]} {target.subject}", f"kq undo reverts "
                    f"{target.sha[:7]} {target.subject}") + (f"\n{shown}" if shown else ""),
               err=True)
    if not typer.confirm(_say("撤销它?", "Revert it?"), default=False, err=True):
        typer.echo(_say("kq: 未撤销", "kq: nothing undone"), err=True)
        raise typer.Exit(PROBLEMS)


def _target(root: Path) -> Commit:
    """HEAD, when kq made it and its files are as it left them; else why kq undo stops."""
    from ...store import gitlog
    from ...store.writer import TRAILER
    from .init import INIT_COMMIT

    sha = gitlog.head(root)
    if sha is None:
        raise KqError(_say("没有可撤销的: 这个仓库还没有提交", "nothing to undo: this repository "
                           "has no commits yet"))
    message = gitlog.run(root, "log", "-1", "--format=%B").stdout
    subject = message.splitlines()[0] if message else ""
    if TRAILER not in message:
        undone = _undid(root, message)
        if undone is not None:
            raise KqError(_say(f"最近的提交已经撤销了 {undone!r}; kq undo 只撤销 kq 最近的一次"
                               "提交, 没有别的可撤销",
                               f"the latest commit already undid {undone!r}; kq undo reverts "
                               "only kq's latest commit, so nothing more to undo"))
        raise KqError(_say(f"最近的提交不是 kq 做的 ({subject!r}); 未撤销",
                           f"the latest commit was not made by kq ({subject!r}); nothing undone"))
    if subject == INIT_COMMIT:
        raise KqError(_say("最近的提交是 kq init 建仓库的提交; 没有可撤销的",
                           "the latest commit is kq init's, which made this repository; "
                           "nothing to undo"))
    files = gitlog.run(root, "show", "--format=", "--name-only", "HEAD").stdout.split("\n")
    files = [name for name in files if name]
    dirty = gitlog.run(root, "status", "--porcelain", "--", *files).stdout
    if dirty.strip():
        raise KqError(_("files of that commit have changed since; commit or discard them "
                        "first:") + "\n" + dirty.rstrip(), code=PROBLEMS)
    return Commit(sha, subject, files)


def _undid(root: Path, message: str) -> str | None:
    """The subject of the kq commit the commit of ``message`` reverted, if it is one."""
    import re

    from ...store import gitlog
    from ...store.writer import TRAILER

    found = re.search(r"^This reverts commit ([0-9a-f]{7,64})\.?$", message, re.MULTILINE)
    if not found:
        return None
    reverted = gitlog.run(root, "log", "-1", "--format=%B", found.group(1), "--", check=False)
    if reverted.returncode != 0 or TRAILER not in reverted.stdout:
        return None
    return reverted.stdout.splitlines()[0]


def _revert(root: Path) -> None:
    """Revert HEAD (checked by :func:`_target`)."""
    from ...store import gitlog

    why = gitlog.unwritable(root)
    if why:
        raise KqError(_("cannot undo: {reason}; nothing undone").format(reason=translated(why)),
                      code=PROBLEMS)
    reverted = gitlog.run(root, "revert", "--no-edit", "HEAD", check=False)
    if reverted.returncode != 0:
        lines = [ln for ln in reverted.stderr.strip().splitlines() if ln.strip()]
        raise KqError(_("git revert failed: {reason}").format(reason=lines[-1] if lines else "?"),
                      code=PROBLEMS)
