from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ...store.errors import KqError
from ..i18n import _, ngettext, translated
from . import friendly, open_repo

EXEC_MARK = "kqcli.cli.commands.sync"  # in the todo of every rebase kq sync starts


@friendly
def run(
    ctx: typer.Context,
    retries: Annotated[int, typer.Option(help="Times to retry when the remote moved meanwhile.")] = 3,
) -> None:
    """Pull with rebase from the team's remote, push, and report what came in.

    Customer files are merged by meaning (registered as a git merge driver): both sides'
    visits, expenses and intel are kept in date order (the same call logged by two reps is two
    calls), different fields changed on each side both win, and only the same field changed two
    ways, or a file deleted on one side and changed on the other, is left for you. Until that is
    settled kq writes nothing; run kq sync again once it is.

    Example: kq sync
    """
    from ...store import gitlog

    repo = open_repo(ctx)
    root = repo.root
    if not gitlog.available() or not gitlog.is_work_tree(root):
        raise KqError(_("{problem} with a remote").format(
            problem=translated(gitlog.missing_message(root, "kq sync"))))
    target = gitlog.upstream(root)
    if target is None:
        raise KqError(_("no remote to sync with; add one: {command}").format(
            command="git remote add origin URL"))
    remote, branch = target
    labels = {"KQ_MERGE_LABELS": f"{remote} (already shared),yours"}
    why = _unwritable(root)
    if why:
        raise KqError(_("cannot sync: {reason}; nothing was changed").format(
            reason=translated(why)), code=1)
    before = None
    operation = gitlog.in_progress(root)
    if operation == "rebase" and _started_by_kq(root):
        before = _continue(root, remote, labels)
    elif operation:
        raise KqError(_("a git {operation} you started is in progress; finish it or abort it "
                        "(git {operation} --continue / --abort), then kq sync").format(
            operation=operation), code=1)
    gitlog.register_merge_driver(root)
    dirty = _uncommitted(root)
    if dirty:
        raise KqError(_("uncommitted changes to customer files; commit them (or kq edit/log "
                        "them) before syncing:") + "\n" + "\n".join(dirty), code=1)
    if gitlog.run(root, "status", "--porcelain", "--", ".gitattributes").stdout.strip():
        gitlog.run(root, "add", ".gitattributes")
        gitlog.run(root, "commit", "-q", "-m", "kq: merge customer files by meaning",
                   "--", ".gitattributes")
    before = before or gitlog.head(root)
    incoming: str | None = None
    for attempt in range(retries + 1):
        fetched = gitlog.run(root, "fetch", "-q", remote, check=False)
        if fetched.returncode != 0:
            raise KqError(_("{command} failed: {reason}").format(
                command=f"git fetch {remote}", reason=_last(fetched.stderr)), code=1)
        has_remote_branch = gitlog.run(root, "rev-parse", "-q", "--verify",
                                       f"refs/remotes/{remote}/{branch}", check=False).returncode == 0
        if has_remote_branch:
            incoming = gitlog.run(root, "rev-parse", f"refs/remotes/{remote}/{branch}").stdout.strip()
            # Every local commit is replayed, even one equal to a remote commit (two reps logging
            # the same call), and after each the entries it appended are checked (replay_fixup).
            rebased = gitlog.run(root, "rebase", "-q", "--reapply-cherry-picks", "--empty=keep",
                                 "--exec", _fixup_command(), f"{remote}/{branch}", check=False,
                                 env=labels)
            if rebased.returncode != 0:
                _stopped(root, remote, rebased.stderr)
        pushed = gitlog.run(root, "push", "-q", remote, f"HEAD:{branch}", check=False)
        if pushed.returncode == 0:
            break
        if attempt == retries or not any(w in pushed.stderr for w in
                                          ("fetch first", "non-fast-forward", "rejected")):
            raise KqError(_("{command} failed: {reason}").format(
                command="git push", reason=_last(pushed.stderr)), code=1)
        typer.echo(_("the remote moved; trying again ({n}/{retries})").format(
            n=attempt + 1, retries=retries), err=True)
    _report(root, before, incoming)


def _uncommitted(root: Path) -> list[str]:
    """``git status`` lines of the changes sync would not share: any change to a tracked file
    in customers/ or to kq.yaml, and a new customer file not yet committed. Other new files
    beside them (a rejected edit kept in ``<id>.yaml.rejected``, an editor's swap file) are
    not kq's to share and do not stop a sync."""
    from ...store import gitlog
    from ...store.files import customer_name, shown

    fields = gitlog.run(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--",
                        "customers", "kq.yaml").stdout.split("\0")
    lines, rest = [], iter(fields)
    for field in rest:
        if len(field) < 4:
            continue
        code, path = field[:2], field[3:]
        if code[0] in "RC":
            next(rest, None)  # the name it had
        if code == "??" and not customer_name(path.rstrip("/").rsplit("/", 1)[-1]):
            continue
        lines.append(f"{code} {shown(path)}")
    return lines


def _unwritable(root: Path) -> str | None:
    """Why sync could not write here (it commits, rebases and rewrites customer files)."""
    from ...store import gitlog

    for folder in (root, root / "customers"):
        if folder.is_dir() and not os.access(folder, os.W_OK):
            return _("{path} is read-only").format(
                path=gitlog.relative(root, folder) if folder != root else root)
    return gitlog.unwritable(root)


def _started_by_kq(root: Path) -> bool:
    from ...store import gitlog

    for name in ("rebase-merge/git-rebase-todo", "rebase-merge/done"):
        path = gitlog.git_path(root, name)
        if path.exists() and EXEC_MARK in path.read_text(encoding="utf-8", errors="replace"):
            return True
    return False


def _continue(root: Path, remote: str, labels: dict[str, str]) -> str | None:
    """Finish the rebase a previous kq sync stopped, once the user has settled every file.
    Returns the commit the branch was at before that sync."""
    from ...store import gitlog

    unmerged = gitlog.run(root, "diff", "--name-only", "--diff-filter=U").stdout.split()
    if unmerged:
        _stopped(root, remote, "")
    staged = gitlog.run(root, "diff", "--cached", "--name-only", "-z").stdout.split("\0")
    for name in filter(None, staged):
        path = root / name
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines() \
            if path.is_file() else []
        marked = next((n for n, ln in enumerate(lines, 1)
                       if ln.startswith(("<<<<<<< ", ">>>>>>> "))), None)
        if marked:
            raise KqError(_("{path}:{line}: still has conflict markers; keep one version, then "
                            "{command}").format(path=name, line=marked,
                                                command=f"git add {name} && kq sync"), code=1)
    orig = gitlog.git_path(root, "rebase-merge/orig-head")
    before = orig.read_text(encoding="utf-8").strip() if orig.exists() else None
    done = gitlog.run(root, "rebase", "--continue", check=False,
                      env={**labels, "GIT_EDITOR": "true"})
    if done.returncode != 0:
        _stopped(root, remote, done.stderr)
    return before


def _stopped(root: Path, remote: str, stderr: str) -> None:
    """Raise the message for a rebase that stopped: what is left in which file, what to do."""
    from ...store import gitlog

    if gitlog.in_progress(root) != "rebase":
        raise KqError(_("{command} failed: {reason}; nothing was changed").format(
            command="git rebase", reason=_last(stderr)), code=1)
    out = gitlog.run(root, "status", "--porcelain=v1", "-z", "--", ".").stdout
    entries = [(e[:2], e[3:]) for e in out.split("\0") if len(e) > 3]
    lines = describe_conflicts(entries, remote)
    if not lines:
        lines = [_("git stopped: {reason}").format(reason=_last(stderr))]
    raise KqError(
        _("sync stopped; only you can settle this (nothing was pushed, your commits are safe, "
          "and kq writes nothing until it is settled):") + "\n"
        + "\n".join(f"  {line}" for line in lines) + "\n"
        + _("then run kq sync again to finish.") + "\n"
        + _("to give up this sync instead: {command} (your branch goes back to your commits as "
            "they were before kq sync)").format(command="git rebase --abort"), code=1)


UNMERGED = {"DD", "AU", "UD", "UA", "DU", "AA", "UU"}


def describe_conflicts(entries: list[tuple[str, str]], remote: str) -> list[str]:
    """One line per unsettled file from ``git status --porcelain`` codes during kq sync's
    rebase, where git's "us" is the remote and "them" is your commit being replayed."""
    lines = []
    shared = _("{remote} (already shared)").format(remote=remote)
    for code, path in entries:
        if code not in UNMERGED:
            continue
        if code == "DU":
            line = _("{path}: deleted on {shared}, changed by you; there are no markers. Keep "
                     "your version: git add {path}; or let it go: git rm {path}")
        elif code == "UD":
            line = _("{path}: deleted by you, changed on {shared}; there are no markers. Keep "
                     "their version: git add {path}; or delete it: git rm {path}")
        elif code in ("UU", "AA"):
            line = _("{path}: both versions are kept between <<<<<<< and >>>>>>> markers; keep "
                     "one (kq check shows where), then: git add {path}")
        else:
            line = _("{path}: added or deleted on both sides ({code}); keep it: git add {path}; "
                     "or delete it: git rm {path}")
        lines.append(line.format(path=path, shared=shared, code=code))
    return lines


def _fixup_command() -> str:
    import shlex
    import sys

    return (f"{shlex.quote(sys.executable)} -c "
            f"'from {EXEC_MARK} import replay_fixup; replay_fixup()'")


def replay_fixup() -> None:
    """Run by git after each commit kq sync replays: git merges two identical versions of a
    file without asking the merge driver, so an entry both sides appended identically would
    arrive once; put back every entry the original commit appended and its replay lost, in the
    replayed commit itself (amended). A file the merge driver merged is left as it is: its
    entries are kept once per side, and what the user removed while settling a conflict in it
    stays removed. A replay left empty is dropped, as git would."""
    from ...store import gitlog
    from ...store.merge import restore_appended
    from .merge_driver import MERGED

    root = Path.cwd()
    merged = gitlog.git_path(root, MERGED)
    try:  # what the merge driver merged for this pick (read whatever happens to the pick)
        settled = set(merged.read_text(encoding="utf-8").splitlines())
        merged.unlink()
    except OSError:
        settled = set()
    done = gitlog.git_path(root, "rebase-merge/done")
    picks = [ln.split()[1] for ln in done.read_text(encoding="utf-8").splitlines()
             if ln.split()[:1] in (["pick"], ["p"])] if done.exists() else []
    if not picks:
        return
    original = picks[-1]
    same = [gitlog.run(root, "log", "-1", "--format=%an%x00%ae%x00%at%x00%B", rev,
                       check=False).stdout for rev in (original, "HEAD")]
    if same[0] != same[1]:
        return  # not its replay: the user skipped it (git rebase --skip), HEAD is another's
    parent = gitlog.run(root, "rev-parse", "-q", "--verify", f"{original}^", check=False)
    base = parent.stdout.strip() or None
    files = gitlog.run(root, "diff-tree", "-r", "--no-commit-id", "--name-only", "-z",
                       "--root", original, "--", "customers").stdout.split("\0")
    # What the merge driver merged (and the user may have settled) is as they left it.
    files = [f for f in files if f.endswith(".yaml") and f not in settled]
    specs = {f"{rev}:{f}" for f in files for rev in (original, "HEAD", "HEAD^", base) if rev}
    blobs = gitlog.read_blobs(root, specs) if specs else {}

    def text(rev: str | None, name: str) -> str:
        raw = blobs.get(f"{rev}:{name}", b"") if rev else b""
        return raw.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")

    fixed = []
    for name in files:
        result = restore_appended(text(base, name), text(original, name), text("HEAD^", name),
                                  text("HEAD", name))
        if result is None:
            continue
        raw = blobs.get(f"HEAD:{name}", b"")
        if b"\r\n" in raw:
            result = result.replace("\n", "\r\n")
        (root / name).write_bytes((b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b"")
                                  + result.encode("utf-8"))
        fixed.append(name)
    if fixed:
        gitlog.run(root, "add", "--", *fixed)
        gitlog.run(root, "commit", "-q", "--amend", "--no-edit", "--no-verify")
    elif _empty(root, "HEAD") and base and not _empty(root, original):
        gitlog.run(root, "reset", "-q", "--soft", "HEAD^")


def _empty(root: Path, rev: str) -> bool:
    from ...store import gitlog

    parent = gitlog.run(root, "rev-parse", "-q", "--verify", f"{rev}^", check=False).stdout.strip()
    return bool(parent) and gitlog.run(root, "diff", "--quiet", parent, rev,
                                       check=False).returncode == 0


def _last(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else "?"


def _report(root: Path, before: str | None, incoming: str | None) -> None:
    """What the remote brought: commits on its tip that were not in our history before."""
    from ...store import gitlog

    if incoming is None:
        typer.echo(_("pushed; nothing came in"))
        return
    span = f"{before}..{incoming}" if before else incoming
    if not gitlog.run(root, "rev-list", span).stdout.strip():
        typer.echo(_("up to date; nothing came in"))
        return
    authors: dict[str, set[str]] = {}
    out = gitlog.run(root, "log", "--format=%x1e%an", "--name-only", span,
                     "--", "customers").stdout
    for record in out.split("\x1e")[1:]:
        author, *files = [ln for ln in record.splitlines() if ln.strip()]
        authors.setdefault(author, set()).update(files)
    if not authors:
        typer.echo(_("synced; no customer changes came in"))
    for author, files in sorted(authors.items()):
        typer.echo(ngettext("{n} customer changed by {author}", "{n} customers changed by {author}",
                            len(files)).format(n=len(files), author=author))
