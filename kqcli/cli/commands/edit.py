from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ..i18n import _, translated
from . import CustomerArgument, committed, friendly, open_repo


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
    _settings = repo.settings  # a broken kq.yaml stops us before the user spends time editing
    match = repo.resolve(customer)
    path = repo.path_of(match.id)
    original = path.read_bytes()
    edited = edit_file(repo, path, original, f"customers/{path.name}")
    if edited is None:
        typer.echo(_("no changes"))
        return
    save(repo, path, original, edited, "edit", match.name)


def edit_file(repo: Any, path: Path, original: bytes, shown: str) -> bytes | None:
    """The editor's valid text (None: unchanged), once a write is known to be possible: a
    rebase stopped on a conflict or a git lock in the way refuses before the user types."""
    from ...store.errors import KqError
    from ...store.writer import preflight
    from ..editing import GaveUp, edit_until_valid

    preflight(repo.root, repo.settings.git.autocommit)
    try:
        return edit_until_valid(original, shown)
    except GaveUp as e:
        kept = keep_rejected(path, e.text.encode("utf-8"))
        raise KqError(_("{path} not changed ({reason}); your text is kept in {kept}").format(
            path=shown, reason=translated(e.message), kept=kept), code=1) from None


def keep_rejected(path: Path, text: bytes) -> str:
    """Keep what the user typed as ``customers/<id>.yaml.rejected`` (in the temporary folder
    when customers/ cannot be written); where it is, as the user would type it."""
    import os
    import tempfile

    kept = path.with_name(path.name + ".rejected")
    try:
        kept.write_bytes(text)
        return f"customers/{kept.name}"
    except OSError:
        fd, elsewhere = tempfile.mkstemp(prefix=f"kq-{path.stem}-", suffix=".yaml.rejected")
        with os.fdopen(fd, "wb") as f:
            f.write(text)
        return elsewhere


def save(repo: Any, path: Path, original: bytes | None, edited: bytes, verb: str, name: str) -> None:
    """Write what the editor left through the writer (refused mid-rebase, rolled back when the
    commit fails); whatever refuses it (the file changed on disk meanwhile, a rebase or a git
    lock since the editor opened, a failed commit) keeps the user's text in ``.rejected``."""
    from ...core.diff import changes, summary
    from ...store.errors import KqError, failure
    from ...store.writer import customer_locked, write_and_commit
    from ...store.yamlread import load

    old = load(original, "")[0] if original else None
    found = changes(old if isinstance(old, dict) else None, load(edited, "")[0])
    message = f"{verb}: {name} ({summary(found)})"
    with customer_locked(repo.root, path.stem):
        current = path.read_bytes() if path.exists() else None
        if current != original:
            kept = keep_rejected(path, edited)
            raise KqError(_("{path} changed on disk while you edited it; your text is kept in "
                            "{kept}").format(path=f"customers/{path.name}", kept=kept), code=1)
        try:
            sha = write_and_commit(repo.root, [(path, original, edited)], message,
                                   repo.settings.git.autocommit)
        except Exception as e:
            refused = e if isinstance(e, KqError) else failure(e)
            if refused is None:
                raise
            kept = keep_rejected(path, edited)
            raise KqError(_("{reason}; your text is kept in {kept}").format(
                reason=translated(refused.message), kept=kept), code=refused.code) from None
    typer.echo(_("saved {path}").format(path=f"customers/{path.name}") + committed(sha))
