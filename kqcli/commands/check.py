from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import friendly, open_repo


@friendly
def run(
    ctx: typer.Context,
    files: Annotated[list[Path] | None, typer.Argument(
        help="Only these customer files (the pre-commit hook passes the staged ones).")] = None,
    staged: Annotated[bool, typer.Option(
        "--staged", help="Check the versions staged for commit (the pre-commit hook).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line.")] = False,
) -> None:
    """Validate kq.yaml and every customer file; print path:line:col: field: message per problem.

    Exits 1 when any file has a problem.

    Example: kq --repo examples check
    """
    from ..render import warn
    from ..schema.config import Settings
    from ..validate import validate, validate_customer

    repo = open_repo(ctx, check_settings=False)
    problems = validate((repo.root / "kq.yaml").read_bytes(), "kq.yaml", Settings)[1]
    if staged:
        from .. import gitlog

        names = gitlog.run(repo.root, "diff", "--cached", "--name-only", "-z",
                           "--diff-filter=ACMR", "--", "customers/*.yaml").stdout.split("\0")
        names = [n for n in names if n]
        blobs = gitlog.read_blobs(repo.root, {f":{n}" for n in names}) if names else {}
        for name in names:
            problems += validate_customer(blobs.get(f":{name}", b""), name)[1]
        count = len(names)
    elif files:
        for file in files:
            shown = str(file)
            try:
                raw = file.read_bytes()
            except OSError as e:
                warn(f"{shown}: cannot read: {e.strerror}")
                problems.append(None)
                continue
            problems += validate_customer(raw, shown)[1]
        count = len(files)
    else:
        problems += repo.index.problems()
        count = repo.index.db.execute("select count(*) from files").fetchone()[0]
    for problem in problems:
        if problem is not None:
            typer.echo(str(problem))
    if not quiet:
        bad = len({p.path for p in problems if p is not None})
        warn(f"{count} customer file{'s' if count != 1 else ''} checked: "
             + (f"{len(problems)} problem{'s' if len(problems) != 1 else ''} "
                f"in {bad} file{'s' if bad != 1 else ''}" if problems else "all valid"))
    if problems:
        raise typer.Exit(1)
