"""The Typer app: global options, and the commands, each imported when it runs."""

from __future__ import annotations

import functools
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from .. import __version__
from .usage import COMMANDS, HIDDEN, OPTIONS, SUMMARY, TYPER_WORDS, help_text

__all__ = ["COMMANDS", "HIDDEN", "app", "load"]



def load(name: str, translated: bool = True) -> Any:
    """The click command of ``name``, built from its module's ``run`` (or sub-app ``app``),
    its help in the user's language (English, the catalogue's source, unless ``translated``)."""
    command = _build(name)
    if translated:
        translate(command)
    return command


def translate(command: Any) -> None:
    """The help of ``command``, its options and its subcommands, through the catalogue."""
    from .i18n import _

    command.help = _(command.help) if command.help else command.help
    if getattr(command, "short_help", None):
        command.short_help = _(command.short_help)
    for param in getattr(command, "params", []):
        if getattr(param, "help", None):
            param.help = _(param.help)
    for sub in getattr(command, "commands", {}).values():
        translate(sub)
    original = command.get_help_option

    def help_option(ctx: Any) -> Any:
        """The --help option in the user's language; what it prints too (typer's panels)."""
        option = original(ctx)
        if option is not None and not getattr(option, "kq_translated", False):
            option.help, option.kq_translated = _(option.help), True
            shows = option.callback

            def show(ctx: Any, param: Any, value: Any) -> Any:
                if value and not ctx.resilient_parsing:
                    help_words()
                return shows(ctx, param, value)

            option.callback = show
        return option

    command.get_help_option = help_option
    if getattr(command, "no_args_is_help", False):
        parse = command.parse_args

        def parse_args(ctx: Any, args: list[str]) -> Any:
            """A group run without its command prints its help (while click raises
            NoArgsIsHelpError): typer's words in the user's language first."""
            if not args and not ctx.resilient_parsing:
                help_words()
            return parse(ctx, args)

        command.parse_args = parse_args


def help_words() -> None:
    """typer's words in a command's help, and click's "Usage:", in the user's language: set
    only when a help page is printed (``typer.rich_utils`` imports Rich). "Usage:" is looked up
    each time it is written (one process may print help in both languages: the tests, the
    server), and help texts fold where Rich would cut them with "…": a Chinese sentence has no
    spaces, so to Rich it is one word, wider than an option's column; and they are plain text,
    never Rich markup (a YAML list such as ``[terminal]`` is printed as it is)."""
    from typer import rich_utils
    from typer._click import formatting

    from .i18n import _

    for name, text in TYPER_WORDS.items():
        setattr(rich_utils, name, _(text))
    write_usage = formatting.HelpFormatter.write_usage
    if not getattr(write_usage, "kq", False):
        def translated(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
            write_usage(self, prog, args, _("Usage:") + " " if prefix is None else prefix)

        translated.kq = True  # type: ignore[attr-defined]
        formatting.HelpFormatter.write_usage = translated
    make_text = rich_utils._make_rich_text
    if not getattr(make_text, "kq", False):
        def folded(**kwargs: Any) -> Any:
            from rich.markup import escape

            # kq's help is plain text: `kinds: [terminal]` is YAML, not a Rich style
            kwargs["text"] = escape(kwargs["text"])
            text = make_text(**kwargs)
            if getattr(text, "overflow", "") is None:
                text.overflow = "fold"
            return text

        folded.kq = True  # type: ignore[attr-defined]
        rich_utils._make_rich_text = folded


def _build(name: str) -> Any:
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

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """click's main, but a usage error is one line in the user's language with the next
        step (:mod:`kqcli.cli.usage_error`), not a box of English."""
        import os
        import sys

        from typer._click import exceptions as x
        from typer.exceptions import Abort

        from ..store.root import COMPLETE_VAR, command_line, hoisted
        from .i18n import LangError, set_flag

        argv = list(kwargs.get("args") or (args[0] if args else None) or sys.argv[1:])
        given = command_line(hoisted(argv))  # --lang after the command too, as parse_args takes it
        try:  # before click: --help is answered while the options are parsed
            set_flag((given or ({}, 0))[0].get("--lang"))
        except LangError:
            pass  # the --lang option says it
        if os.environ.get(COMPLETE_VAR, "").endswith(("_powershell", "_pwsh")):
            from .commands.completion import use_powershell_words

            use_powershell_words()
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except x.NoArgsIsHelpError as e:
            e.show()
            sys.exit(e.exit_code)
        except x.ClickException as e:
            from .usage_error import line

            sys.stderr.write(line(e) + "\n")
            sys.exit(e.exit_code)
        except Abort:
            from .i18n import _

            sys.stderr.write(_("Aborted.") + "\n")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

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


@functools.cache
def command() -> Any:
    """The click group of :data:`app`, built once in a process (``app()`` builds it on every
    call): kq's server builds it, with the commands it serves, before it forks a child per
    run."""
    from typer.main import get_command

    return get_command(app)


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
    from .i18n import LangError, set_flag

    try:
        set_flag(lang)
    except LangError as e:
        typer.echo(f"kq: {e}", err=True)
        raise typer.Exit(2) from None
    from . import pager

    pager.configure(enabled=not no_pager)
    ctx.obj = Options(repo=repo, today=today)
