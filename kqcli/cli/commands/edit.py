from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from . import CustomerArgument, friendly, open_repo


@friendly
def run(
    ctx: typer.Context,
    customer: CustomerArgument,
) -> None:
    """Edit a customer in $VISUAL/$EDITOR; validated on save, reopened until valid; committed.

    Problems are shown at the top of the file as comments; if you give up, your text is kept
    in customers/<id>.yaml.rejected.

    Example: EDITOR=nano kq edit hxdyf
    """
    repo = open_repo(ctx)
    _ = repo.settings  # a broken kq.yaml stops us before the user spends time editing
    match = repo.resolve(customer)
    path = repo.path_of(match.id)
    original = path.read_bytes()
    edited = edit_file(repo, path, original, f"customers/{path.name}")
    if edited is None:
        typer.echo("no changes")
        return
    save(repo, path, original, edited, "edit", match.name)


def edit_file(repo: Any, path: Path, original: bytes, shown: str) -> bytes | None:
    from ...store.errors import KqError
    from ..editing import GaveUp, edit_until_valid

    try:
        return edit_until_valid(original, shown)
    except GaveUp as e:
        kept = path.with_name(path.name + ".rejected")
        kept.write_text(e.text, encoding="utf-8")
        raise KqError(f"{shown} not changed ({e.message}); your text is kept in "
                      f"customers/{kept.name}", code=1) from None


def save(repo: Any, path: Path, original: bytes | None, edited: bytes, verb: str, name: str) -> None:
    """Write what the editor left through the writer (refused mid-rebase, rolled back when the
    commit fails); a file changed on disk meanwhile keeps the user's text in ``.rejected``."""
    from ...core.diff import changes, summary
    from ...store.errors import KqError
    from ...store.writer import customer_locked, write_and_commit
    from ...store.yamlread import load

    old = load(original, "")[0] if original else None
    found = changes(old if isinstance(old, dict) else None, load(edited, "")[0])
    message = f"{verb}: {name} ({summary(found)})"
    with customer_locked(repo.root, path.stem):
        current = path.read_bytes() if path.exists() else None
        if current != original:
            kept = path.with_name(path.name + ".rejected")
            kept.write_bytes(edited)
            raise KqError(f"customers/{path.name} changed on disk while you edited it; your text "
                          f"is kept in customers/{kept.name}", code=1)
        sha = write_and_commit(repo.root, [(path, original, edited)], message,
                               repo.settings.git.autocommit)
    typer.echo(f"saved customers/{path.name}" + (f" (commit {sha})" if sha else ""))
