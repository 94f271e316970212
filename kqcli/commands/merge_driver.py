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
    from ..core.merge import merge

    texts = [p.read_text(encoding="utf-8") if p.exists() else "" for p in (base, ours, theirs)]
    try:
        result = merge(*texts)
    except Exception:  # noqa: BLE001 - never lose work: fall back to git's line merge
        result = None
    if result is None:
        code = subprocess.call(["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs",
                                str(ours), str(base), str(theirs)])
        raise typer.Exit(1 if code else 0)
    text, conflicts = result
    ours.write_text(text, encoding="utf-8")
    if conflicts:
        typer.echo(f"kq: {path or ours}: conflicting changes to {', '.join(conflicts)}", err=True)
        raise typer.Exit(1)
