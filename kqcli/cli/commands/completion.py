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
    powershell = "powershell"  # Windows PowerShell 5.1
    pwsh = "pwsh"  # PowerShell 7


def run(shell: Annotated[Shell, typer.Argument(help="bash, zsh, fish, powershell or pwsh.")],
        ) -> None:
    """Print the completion script for SHELL (commands, options, customers from the index).

    `kq --install-completion` installs it for the shell you are in instead.

    Example: kq completion fish > ~/.config/fish/completions/kq.fish

    On Windows, a line in your PowerShell profile ($PROFILE; pwsh for PowerShell 7):
    kq completion powershell | Out-String | Invoke-Expression
    """
    from typer._completion_classes import completion_init
    from typer._completion_shared import get_completion_script

    completion_init()
    typer.echo(get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell.value))


def powershell_words(line: str) -> list[str]:
    """The words of a PowerShell command line as PowerShell reads them: a backtick escapes, not
    a backslash, so ``kq --repo D:\\客情 show hx`` keeps its folder (click's split, for POSIX
    shells, read it as ``D:客情``); a backtick at a line's end continues the line; a quote
    left open ends the last word."""
    import shlex

    line = line.replace("`\r\n", " ").replace("`\n", " ")
    lexer = shlex.shlex(line, posix=True)
    lexer.whitespace_split, lexer.commenters, lexer.escape = True, "", "`"
    words: list[str] = []
    try:
        words.extend(lexer)
    except ValueError:  # the end of the line inside quotes or after a backtick
        words.append(lexer.token)
    return words


def use_powershell_words() -> None:
    """Complete for powershell and pwsh with the line split by :func:`powershell_words`
    (typer's own class otherwise; called once typer registered its classes)."""
    import os

    from typer._click.shell_completion import add_completion_class
    from typer._completion_classes import PowerShellComplete

    class PowerShellWords(PowerShellComplete):
        def get_completion_args(self) -> tuple[list[str], str]:
            incomplete = os.environ.get("_TYPER_COMPLETE_WORD_TO_COMPLETE", "")
            words = powershell_words(os.environ.get("_TYPER_COMPLETE_ARGS", ""))
            return (words[1:-1] if incomplete else words[1:]), incomplete

    for shell in ("powershell", "pwsh"):
        add_completion_class(PowerShellWords, shell)


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
