"""The Typer app: global options, and the commands, each imported when it runs."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from .. import __version__
from .usage import COMMANDS, HIDDEN, OPTIONS, SUMMARY, help_text

__all__ = ["COMMANDS", "HIDDEN", "app", "load"]



def load(name: str) -> Any:
    """The click command of ``name``, built from its module's ``run`` (or sub-app ``app``)."""
    import importlib

    from typer.main import get_command_from_info, get_group_from_info
    from typer.models import CommandInfo, TyperInfo

    module = importlib.import_module(f"kqcli.cli.commands.{COMMANDS[name][0]}")
    if isinstance(getattr(module, "app", None), typer.Typer):
        return get_group_from_info(TyperInfo(module.app, name=name),
                                   pretty_exceptions_short=app.pretty_exceptions_short,
                                   suggest_commands=app.suggest_commands,
                                   rich_markup_mode=app.rich_markup_mode)
    return get_command_from_info(CommandInfo(name=name, callback=module.run,
                                             hidden=name in HIDDEN),
                                 pretty_exceptions_short=app.pretty_exceptions_short,
                                 rich_markup_mode=app.rich_markup_mode)


class Commands(MutableMapping):
    """The group's commands, each module imported when its command is looked up."""

    def __init__(self) -> None:
        self.loaded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self.loaded:
            if name not in COMMANDS:
                raise KeyError(name)
            self.loaded[name] = load(name)
        return self.loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self.loaded[name]

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or name in self.loaded

    def __iter__(self) -> Iterator[str]:
        return iter([*COMMANDS, *(n for n in self.loaded if n not in COMMANDS)])

    def __len__(self) -> int:
        return len(list(iter(self)))


class LazyGroup(TyperGroup):
    """``kq``: a command's module is imported only when it runs; ``kq --help`` lists every
    command from :data:`COMMANDS` without importing any."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = Commands()  # type: ignore[assignment]
        self.listing = False

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """The global options given after the command count as given before it (as in the
        console script, for the shell's completion and for the app run in-process)."""
        from ..store.root import hoisted

        return super().parse_args(ctx, hoisted(args))

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if self.listing and cmd_name in COMMANDS and cmd_name not in self.commands.loaded:
            summary = COMMANDS[cmd_name][1]
            return TyperCommand(cmd_name, help=summary, short_help=" ".join(summary.split()),
                                hidden=cmd_name in HIDDEN)
        return self.commands.get(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """``kq --help`` as kqcli.cli.usage lays it out (the console script prints the same text
        without importing typer); a command's own --help keeps Rich's panels."""
        formatter.write(help_text(formatter.width))


app = typer.Typer(
    cls=LazyGroup,
    name="kq",
    help=SUMMARY,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


_COMMAND: Any = None


def command() -> Any:
    """The click group of :data:`app`, built once in a process (``app()`` builds it on every
    call): kq's server builds it, with the commands it serves, before it forks a child per
    run."""
    global _COMMAND
    if _COMMAND is None:
        from typer.main import get_command

        _COMMAND = get_command(app)
    return _COMMAND


@dataclass
class Options:
    repo: str | None
    today: str | None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kq {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    repo: Annotated[str | None, typer.Option("--repo", metavar="PATH",
                                             help=OPTIONS["--repo"])] = None,
    today: Annotated[str | None, typer.Option("--today", metavar="YYYY-MM-DD",
                                              help=OPTIONS["--today"])] = None,
    lang: Annotated[str | None, typer.Option("--lang", metavar="zh|en",
                                             help=OPTIONS["--lang"])] = None,
    no_pager: Annotated[bool, typer.Option("--no-pager", help=OPTIONS["--no-pager"])] = False,
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help=OPTIONS["--version"])] = False,
) -> None:
    """客情 kq: whom to visit, call or greet today; one YAML file per customer, kept in git.

    Example: kq --repo examples --today 2026-11-24 list --tier key
    """
    from ..store.errors import KqError
    from .labels import set_lang

    try:
        set_lang(lang)
    except KqError as e:
        typer.echo(f"kq: {e.message}", err=True)
        raise typer.Exit(e.code) from None
    from . import pager

    pager.configure(enabled=not no_pager)
    ctx.obj = Options(repo=repo, today=today)
