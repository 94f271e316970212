from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Annotated

import typer


def run(
    base: Annotated[Path, typer.Argument(help="%O: the common ancestor")],
    ours: Annotated[Path, typer.Argument(help="%A: our version; the result is written here")],
    theirs: Annotated[Path, typer.Argument(help="%B: their version")],
    path: Annotated[str, typer.Argument(help="%P: the file's path in the repository")] = "",
) -> None:
    """Git merge driver for customer files (registered by kq init and kq sync); exits 1 when a
    real conflict is left between markers.

    Example: git config merge.kq.driver "kq merge-driver %O %A %B %P"
    """
    import os

    from ...store.merge import merge

    raw = [p.read_bytes() if p.exists() else b"" for p in (base, ours, theirs)]
    bom = raw[1].startswith(b"\xef\xbb\xbf")
    crlf = b"\r\n" in raw[1]
    # During kq sync's rebase, git's "ours" is the remote's version and "theirs" is yours.
    labels = tuple(os.environ.get("KQ_MERGE_LABELS", "ours,theirs").split(",", 1))
    try:
        texts = [r.decode("utf-8-sig", errors="strict").replace("\r\n", "\n") for r in raw]
        result = merge(*texts, labels=labels)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - never lose work: fall back to git's line merge
        result = None
    if result is None:
        code = subprocess.call(["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs",
                                str(ours), str(base), str(theirs)])
        if code:
            _record(path)  # the user settles it: what they leave is final
        raise typer.Exit(1 if code else 0)
    text, conflicts = result
    _record(path)
    if crlf:
        text = text.replace("\n", "\r\n")
    ours.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    if conflicts:
        from ..i18n import _

        typer.echo("kq: " + _("{path}: conflicting changes to {fields}").format(
            path=path or ours, fields=", ".join(conflicts)), err=True)
        raise typer.Exit(1)


MERGED = "rebase-merge/kq-merged"
"""During kq sync's rebase, the files this driver merged in the commit being replayed: their
entries are as the merge (and the user settling it) left them, and the check after the commit
(``sync.replay_fixup``) leaves them alone."""


def _record(path: str) -> None:
    from ...store import gitlog

    if not path:
        return
    try:
        place = gitlog.git_path(Path.cwd(), MERGED)
        if place.parent.is_dir():  # a rebase: kq sync's, or the user's own
            with open(place, "a", encoding="utf-8") as f:
                f.write(path + "\n")
    except (OSError, subprocess.SubprocessError):
        pass  # the check then puts back what a replay lacks, as before
