"""``kq help [COMMAND]``: the whole manual, written from the same help text as ``--help``
(the module is manual.py, not to shadow ``help``).

A wheel has no reliable place for a man page (pip, pipx and venvs do not put share/man on
MANPATH), so the manual ships inside kq and always matches the installed version; ``--roff``
prints it as a man(1) page for a distribution package or ``man -l``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any

import typer

from ..i18n import _
from . import friendly

SYNOPSIS = "kq [--repo PATH] [--today YYYY-MM-DD] [--no-pager] COMMAND [ARGS] [OPTIONS]"


def description() -> str:
    return _("""\
kq keeps a field sales rep's customers as one YAML file per customer in a git repository, and
says each day whom to visit, call or greet (kq due).

The global options come before the command; --format and the filters belong to the command.
A customer is named by its id, a unique id prefix, a unique part of its name, or unique pinyin
initials (hxdyf).""")


def environment() -> list[tuple[str, str]]:
    return [
        ("KQ_REPO", _("The repository when --repo is not given.")),
        ("KQ_TODAY", _("Pretend today is this day (YYYY-MM-DD) when --today is not given.")),
        ("KQ_CLOCK", _("Move the wall clock itself to this day (YYYY-MM-DD or "
                       "YYYY-MM-DDTHH:MM), below --today and KQ_TODAY; the test suite runs on "
                       "other days this way.")),
        ("KQ_PAGER, PAGER", _("The pager for tables taller than the terminal (default less, with "
                              "LESS=FRX); an empty KQ_PAGER or --no-pager turns it off.")),
        ("VISUAL, EDITOR", _("The editor of kq edit and kq new.")),
        ("KQ_SERVER", _("Unset: a command that only reads (due, show, list, score, ...) runs in "
                        "a child of kq's server when one was started with kq server start; none "
                        "is started otherwise. 1 or on: the first such run starts one in the "
                        "background (it exits after 15 idle minutes). 0 or off: never use one.")),
        ("KQ_SERVER_DIR", _("The folder of the server's socket (default $XDG_RUNTIME_DIR/kq, "
                            "else /tmp/kq-UID); it must be yours and closed to others.")),
        ("KQ_OWNER", _("The rep kq due, route, calendar, claim and the others are for when "
                       "--owner is not given (before .kq/local.yaml's me and git's user.name); "
                       "all: the whole team.")),
        ("KQ_LANG", _("The language of what kq says when --lang is not given: zh or en (else "
                      "kq.yaml's lang, else the locale: LC_ALL, LC_MESSAGES, LANG).")),
        ("NO_COLOR", _("Print tables without colour.")),
    ]


def exit_status() -> list[tuple[str, str]]:
    return [
        ("0", _("Success.")),
        ("1", _("The command ran and found problems: invalid files, --fail-on conditions, git or "
                "the file system failing.")),
        ("2", _("Usage error, unknown or ambiguous customer.")),
    ]


def files() -> list[tuple[str, str]]:
    return [
        ("kq.yaml", _("The repository's settings (cadences, scorecard, reminder lead times, "
                      "reps).")),
        ("customers/ID.yaml", _("One file per customer; the file's stem is the customer's id.")),
        (".kq/", _("Generated: the index (with kq due's agenda, the scorecards and the answers "
                   "kept for a question asked again) and schema.json for editors; never the "
                   "only copy of anything, safe to delete.")),
        (".kq/local.yaml", _("This clone's own settings, never committed (kq config): me, the "
                             "rep kq is for by default, and server; deleting .kq/ forgets them.")),
    ]


@dataclass
class Page:
    """One command's part of the manual."""

    name: str
    usage: str
    help: str
    arguments: list[tuple[str, str]] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)


def pages(root: Any, only: list[str] | None = None) -> list[Page]:
    """The manual's pages, walked from the click command tree: the program, then every visible
    command (``only``: that command, or that group's commands)."""
    from typer import _click as click

    def visit(command: Any, path: list[str], parent: Any) -> Iterator[Page]:
        ctx = click.Context(command, info_name=path[-1], parent=parent)
        yield _page(command, ctx, " ".join(path))
        for name, sub in (getattr(command, "commands", None) or {}).items():
            if not sub.hidden:
                yield from visit(sub, [*path, name], ctx)

    found = list(visit(root, ["kq"], None))
    if not only:
        return found
    wanted = " ".join(["kq", *only])
    chosen = [p for p in found if p.name == wanted or p.name.startswith(wanted + " ")]
    if not chosen:
        from ...store.errors import KqError

        raise KqError(_("no command {name}; {command} lists them all").format(
            name=repr(" ".join(only)), command="'kq help'"))
    return chosen


def _page(command: Any, ctx: Any, name: str) -> Page:
    # click's pieces, not its formatter's "Usage: …" (in the run's language once a help page
    # was printed: kqcli.cli.app.help_words)
    usage = " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])
    page = Page(name, re.sub(r"\s+", " ", usage), (_(command.help) if command.help else "").strip())
    for param in command.params:
        record = param.get_help_record(ctx)
        if record is None or getattr(param, "hidden", False):
            continue
        meaning = _said(record[1], getattr(param, "help", None))
        if param.param_type_name == "argument":
            page.arguments.append((param.human_readable_name, meaning))
        else:
            page.options.append((record[0], meaning))
    return page


def _said(record: str, help_text: str | None) -> str:
    """An option's help record in the user's language: its help (the program's own options
    are not translated on the group, only in its --help) and click's [required], [default: …]
    as the command's --help words them (typer's words, :data:`kqcli.cli.usage.TYPER_WORDS`)."""
    if help_text:
        record = record.replace(help_text, _(help_text), 1)
    record = record.replace("[required]", _("[required]"))
    return re.sub(r"\[default: (.*?)\]", lambda m: _("[default: {}]").format(m.group(1)), record)


def text(manual: list[Page], whole: bool) -> str:
    """The manual for a terminal: indented sections, as ``man`` shows them."""
    out: list[str] = []

    def section(title: str, items: list[tuple[str, str]]) -> None:
        out.append(title)
        for term, meaning in items:
            out.append(f"    {term}")
            out.extend(f"        {line}" for line in meaning.splitlines())
        out.append("")

    if whole:
        out += [SYNOPSIS, *(f"    {line}".rstrip() for line in description().splitlines()), ""]
    for page in manual:
        out.append(page.usage)
        out.extend(f"    {line}".rstrip() for line in page.help.splitlines())
        out.append("")
        if page.arguments:
            section("  " + _("Arguments") + ":", page.arguments)
        if page.options:
            section("  " + _("Options") + ":", page.options)
    if whole:
        section(_("ENVIRONMENT"), environment())
        section(_("EXIT STATUS"), exit_status())
        section(_("FILES"), files())
    return "\n".join(out).rstrip("\n") + "\n"


def _roff(line: str) -> str:
    line = line.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + line if line.startswith((".", "'")) else line


def roff(manual: list[Page], version: str, date: str) -> str:
    """The manual as a man(1) page in the user's language: ``kq help --roff > kq.1``; ``date``
    (the version's, for .TH) keeps the page the same whenever it is printed."""
    first, *commands = manual
    title = _("kq manual")
    out = [f'.TH KQ 1 "{date}" "kq {version}" "{_roff(title)}"', ".SH " + _("NAME"),
           _roff(f"kq - {first.help.splitlines()[0] if first.help else 'kq'}"),
           ".SH " + _("SYNOPSIS"), _roff(SYNOPSIS), ".SH " + _("DESCRIPTION")]
    out += [_roff(line) if line.strip() else ".PP" for line in description().splitlines()]

    def items(pairs: list[tuple[str, str]]) -> None:
        for term, meaning in pairs:
            out.extend([".TP", f"\\fB{_roff(term)}\\fR", *(_roff(m) for m in meaning.splitlines())])

    out.append(".SH " + _("OPTIONS"))
    items(first.options)
    out.append(".SH " + _("COMMANDS"))
    for page in commands:
        out += [".SS " + _roff(page.name.removeprefix("kq ")), _roff(page.usage), ".PP"]
        out += [_roff(line) if line.strip() else ".PP" for line in page.help.splitlines()]
        items(page.arguments + page.options)
    for title, pairs in ((_("ENVIRONMENT"), environment()), (_("EXIT STATUS"), exit_status()),
                         (_("FILES"), files())):
        out.append(f".SH {title}")
        items(pairs)
    return "\n".join(out) + "\n"


@friendly
def run(
    command: Annotated[list[str] | None, typer.Argument(
        help="A command (or 'import customers'); none: the whole manual.")] = None,
    as_roff: Annotated[bool, typer.Option(
        "--roff", help="Print the whole manual as a man(1) page.")] = False,
) -> None:
    """The full manual: every command and option, environment, exit status; --roff: a man page.

    In a terminal it goes through the pager.

    Example: kq help --roff > ~/.local/share/man/man1/kq.1 && man kq
    """
    from typer.main import get_command

    from ... import __date__, __version__
    from ..app import app
    from ..pager import paging

    root = get_command(app)
    if as_roff:
        typer.echo(roff(pages(root), __version__, __date__), nl=False)
        return
    manual = pages(root, command)
    with paging():
        typer.echo(text(manual, whole=not command), nl=False)
