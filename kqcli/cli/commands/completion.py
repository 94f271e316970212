"""``kq completion SHELL``: the shell's completion script; and the completion of customers."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from ...store.root import COMPLETE_VAR

PROG = "kq"


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


def run(shell: Annotated[Shell, typer.Argument(help="bash, zsh or fish.")]) -> None:
    """Print the completion script for SHELL (commands, options, customers from the index).

    `kq --install-completion` installs it for the shell you are in instead.

    Example: kq completion fish > ~/.config/fish/completions/kq.fish
    """
    from typer._completion_classes import completion_init
    from typer._completion_shared import get_completion_script

    completion_init()
    typer.echo(get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell.value))


def customers(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """Customer ids for the shell, with their names; nothing (never an error) where there is no
    repository or the index cannot be read: a shell prints whatever a completer writes."""
    try:
        from ...store.clock import today
        from ...store.names import completions
        from ...store.repo import Repo
        from ...store.root import find_root

        given: Any = ctx.find_root().params.get("repo")
        repo = Repo(find_root(given), today())
        return completions(incomplete, repo.index.names())
    except Exception:  # noqa: BLE001 - completion must stay silent, whatever went wrong
        return []


def reps(ctx: Any, incomplete: str) -> list[str]:
    """Rep names for the shell: kq.yaml's team and the owners the files name; nothing (never an
    error) where there is no repository or it cannot be read."""
    try:
        from ...store.clock import today
        from ...store.names import rep_completions
        from ...store.repo import Repo
        from ...store.root import find_root

        given: Any = ctx.find_root().params.get("repo")
        repo = Repo(find_root(given), today())
        team = [r.name for r in repo.settings.reps]
        return rep_completions(incomplete, [*team, *repo.index.owners()])
    except Exception:  # noqa: BLE001 - completion must stay silent, whatever went wrong
        return []
