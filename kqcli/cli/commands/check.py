from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ...store.errors import Text
from ..i18n import N_, _, ngettext, translated
from . import friendly, open_repo

# `git ls-files -u` stages present -> git status's two letters, as `git status --short` shows
UNMERGED = {
    frozenset({1}): ("DD", N_("deleted on both sides")),
    frozenset({2}): ("AU", N_("added by us")),
    frozenset({3}): ("UA", N_("added by them")),
    frozenset({1, 2}): ("UD", N_("deleted by them, changed by us")),
    frozenset({1, 3}): ("DU", N_("deleted by us, changed by them")),
    frozenset({2, 3}): ("AA", N_("added on both sides")),
    frozenset({1, 2, 3}): ("UU", N_("changed on both sides")),
}


def unmerged_problems(listing: str) -> list[Any]:
    """Problems for the files of ``git ls-files -u -z`` output: a sync left them unresolved, so
    the file on disk may be only one side (or none) of what git holds."""
    from ...store.problems import Problem

    stages: dict[str, set[int]] = {}
    for record in listing.split("\0"):
        meta, tab, path = record.partition("\t")
        if tab and meta.split()[2:3]:
            stages.setdefault(path, set()).add(int(meta.split()[2]))
    problems = []
    for path, present in sorted(stages.items()):
        code, what = UNMERGED.get(frozenset(present), ("U", N_("unmerged")))
        problems.append(Problem(path, 1, 1, "", Text(
            "unresolved in git ({code}: {what}); fix the file, then 'git add' it (or 'git rm' it "
            "to keep it deleted)", {"code": code, "what": Text(what)})))
    return problems


def _unresolved(root: Path) -> list[Any]:
    """Files git holds as unmerged; nothing when this is not a git work tree or git is missing."""
    from ...store import gitlog

    try:
        result = gitlog.run(root, "ls-files", "-u", "-z", check=False)
    except OSError:
        return []
    return unmerged_problems(result.stdout) if result.returncode == 0 else []


@friendly
def run(
    ctx: typer.Context,
    files: Annotated[list[Path] | None, typer.Argument(
        help="Only these customer files (the pre-commit hook passes the staged ones).")] = None,
    staged: Annotated[bool, typer.Option(
        "--staged", help="Check the versions staged for commit (the pre-commit hook).")] = False,
    full: Annotated[bool, typer.Option(
        "--full", help="Re-read every file, trusting nothing in the cache under .kq.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line.")] = False,
    stats: Annotated[bool, typer.Option(
        "--stats", help="Print the size of the index under .kq by table, and nothing else.")] = False,
) -> None:
    """Validate kq.yaml and every customer file; print path:line:col: field: message per problem.

    Also checks the expense statements (statements/YYYY-MM.yaml) and reports files a sync
    left unresolved in git. Exits 1 when any file has a problem.

    Example: kq --repo examples check --full
    """
    from ...schema.config import Settings
    from ...store.index import Unreadable, read_regular
    from ...store.validate import validate, validate_customer
    from ..render import warn

    repo = open_repo(ctx, check_settings=False)
    if stats:
        _stats(repo.index.stats())
        return
    repo.full = full
    try:
        raw = read_regular(repo.root / "kq.yaml", Settings().check.max_file_bytes, follow=True)
        problems = validate(raw, "kq.yaml", Settings)[1]
    except Unreadable as e:
        warn("kq.yaml: " + _("cannot read: {reason}").format(reason=translated(e.args[0])))
        problems = [None]
    cap = repo.max_file_bytes()
    if staged:
        from ...store import gitlog

        names = gitlog.run(repo.root, "diff", "--cached", "--name-only", "-z",
                           "--diff-filter=ACMR", "--", "customers/*.yaml").stdout.split("\0")
        names = [n for n in names if n]
        blobs = gitlog.read_blobs(repo.root, {f":{n}" for n in names}) if names else {}
        for name in names:
            blob = blobs.get(f":{name}", b"")
            if len(blob) > cap:
                from ...store.problems import Problem

                problems.append(Problem(name, 1, 1, "", Text(
                    "cannot read: more than {cap} bytes (check.max_file_bytes in kq.yaml)",
                    {"cap": cap})))
                continue
            problems += validate_customer(blob, name)[1]
        count = len(names)
    elif files:
        for file in files:
            try:
                raw = read_regular(file, cap, follow=True)
            except Unreadable as e:
                warn(f"{file}: " + _("cannot read: {reason}").format(reason=translated(e.args[0])))
                problems.append(None)
                continue
            problems += validate_customer(raw, str(file))[1]
        count = len(files)
    else:
        index = repo.index
        for note in index.skipped:
            warn("kq: " + _("skipped {problem}").format(problem=translated(note)))
        from ...store import statements

        problems += (index.problems() + statements.read(repo.root, cap)[1]
                     + _unresolved(repo.root))
        count = index.count()
    for problem in problems:
        if problem is not None:
            typer.echo(translated(problem))
    if not quiet:
        bad = len({p.path for p in problems if p is not None})
        found = (ngettext("{n} problem", "{n} problems", len(problems)).format(n=len(problems))
                 + " " + ngettext("in {n} file", "in {n} files", bad).format(n=bad)
                 if problems else _("all valid"))
        warn(ngettext("{n} customer file checked: {found}", "{n} customer files checked: {found}",
                      count).format(n=count, found=found))
    if problems:
        raise typer.Exit(1)


TABLES = {
    "files": N_("customer files"), "files_sig": N_("file signatures"),
    "agenda": N_("reminders worked out"), "agenda_key": N_("reminders by day"),
    "agenda_id": N_("reminders by customer"),
    "agenda_estimated": N_("estimated dates"), "agenda_changed": N_("customers changed"),
    "agenda_state": N_("when to work each customer out again"),
    "agenda_reads": N_("the settings each customer's rules read"),
    "listed": N_("the listing kept"), "listed_id": N_("the listing by customer"),
    "answers": N_("answers kept"),
    "cards": N_("scorecards"), "meta": N_("stamps and settings"),
}
"""What each table and index of .kq/index.sqlite holds, as ``kq check --stats`` words it
beside the table's own name (in English the name alone)."""


def _stats(found: dict[str, Any]) -> None:
    from ..i18n import english

    def size(n: int) -> str:
        return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"

    def named(table: str) -> str:
        return table if english() or table not in TABLES else f"{_(TABLES[table])} ({table})"

    rows = [(named(name), size(n)) for name, n in found["tables"].items()]
    rows += [(_("free pages"), size(found["free"])), (_("the file"), size(found["pages"]))]
    from ..tabletext import width as cells  # 空闲页 takes six columns, not three

    width = max(cells(name) for name, _n in rows)
    for name, shown in rows:
        typer.echo(f"{name}{' ' * (width - cells(name))}  {shown:>9}")
    typer.echo(ngettext("{count} answer kept", "{count} answers kept", found["answers"]).format(
        count=found["answers"]))
