"""The Typer app: global options, and the commands, each imported when it runs."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from . import __version__

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module in kqcli.commands, the first paragraph of its help, which `kq --help`
    # lists: kept here so that listing the commands imports none; tests/test_agenda.py checks
    # that the two agree)
    "init": ("init",
             'Create a repository: kq.yaml with every default commented, customers/, git and '
             'its hook.'),
    "check": ("check",
             'Validate kq.yaml and every customer file; print path:line:col: field: message '
             'per problem.'),
    "list": ("listing",
             'List customers, filtered; enum filters also take the Chinese terms.'),
    "show": ("show",
             "One customer's card: profile, contacts, products, latest visits, monthly "
             'figures.'),
    "schema": ("schema",
             'Print the JSON Schema of a customer file, for editors (yaml-language-server).'),
    "due": ("due",
             'What needs doing today, most urgent first: visits, calls, greetings, reports, '
             'risks.'),
    "calendar": ("calendar",
             'The reminders due in the next days as calendar events, with alarms and stable '
             'UIDs.'),
    "log": ("log",
             "Append one interaction to a customer's log, validate, write atomically and "
             'commit.'),
    "done": ("done",
             "Close a customer's next step: writes done_on (and --note) into that `next:` "
             'mapping.'),
    "route": ("route",
             "The day's route: fixed-route customers in time order, then due visits grouped "
             'by region.'),
    "score": ("score",
             'Month-end relationship scorecards (10 items x 10 points by default), with the '
             'change.'),
    "classify": ("classify",
             'Suggest tiers, ABC grades, status and key-account types, with reasons; --apply '
             'writes them.'),
    "expenses": ("expenses",
             'Monthly statement of collections and relationship expenses, with the 客情费 rule '
             'checks.'),
    "alert": ("alert",
             'Area alerts (flood, typhoon, epidemic, water cut): while one lasts, `kq due` '
             'lists a\n'
             'daily `alert` call (关心客户安全) for every active customer in the region, until a '
             'call\n'
             'or visit is logged that day. Written to kq.yaml `alerts:`, one commit.'),
    "figures": ("figures",
             'Record what a customer reported for a month (months: YYYY-MM), only the keys '
             'given.'),
    "expense": ("expense",
             'Record a relationship expense (客情费) and print the rule checks it triggers.'),
    "intel": ("intel",
             'Record intel (信息) and its sources: a claim is trusted from two independent '
             'sources.'),
    "history": ("history",
             'Field-level changes from git, newest first: grade: B → A, visits: +1 '
             '(2026-11-24 visit).'),
    "pool": ("pool",
             "Customers in the pool (公海): active customers of the pool's kinds nobody met in "
             'person\n'
             'for pool.after_days, or whose rep left more than pool.departed_days ago. Any '
             'rep may take\n'
             'one with `kq claim`. Off until kq.yaml has `pool: {after_days: 90, kinds: '
             '[terminal]}`.'),
    "claim": ("claim",
             'Take a customer from the pool (公海): sets its owner and records the handover '
             '(one\n'
             'commit); the new owner gets a `handover` visit in kq due, and the customer '
             'leaves the pool.'),
    "reassign": ("reassign",
             "Move FROM's customers (a departed rep's orphans, or a territory) to the rep "
             '--to.'),
    "team": ("team",
             'One row per rep: customers (重点/次重点/非重点), reminders overdue today by reason, '
             'the\n'
             "share of key and secondary customers met within their cadence, the month's "
             'average\n'
             'scorecard total and its change, customers in the pool (公海), and for a rep who '
             'left the\n'
             'customers not yet reassigned (kq reassign).'),
    "report": ("report",
             'The month as one HTML page a manager opens in any browser, offline: per rep '
             'the\n'
             'scorecard items as bars and the change; overdue reminders by reason; each '
             'customer at\n'
             'risk with a chart of its last 12 months; suggested tier changes; the expense '
             'statement.\n'
             'Charts are inline SVG: the file needs nothing else. Without --output, the page '
             'goes to\n'
             'stdout.'),
    "new": ("new",
             'Create a customer from a commented template, open it in $EDITOR, validate, and '
             'commit.'),
    "edit": ("edit",
             'Edit a customer in $VISUAL/$EDITOR; validated on save, reopened until valid; '
             'committed.'),
    "sync": ("sync",
             "Pull with rebase from the team's remote, push, and report what came in."),
    "undo": ("undo",
             'Revert the last commit kq made, if it is still the latest commit (nothing '
             'built on it).'),
    "merge-driver": ("merge_driver",
             'Git merge driver for customer files (registered by kq init and kq sync); exits '
             '1 when a\n'
             'real conflict is left between markers.'),
    "completion": ("completion",
             'Print the completion script for SHELL (commands, options, customers from the '
             'index).'),
    "help": ("manual",
             'The full manual: every command and option, environment, exit status; --roff: a '
             'man page.'),
    "import": ("import_",
             'Import customers or the monthly sales sheet from Excel (.xlsx, .xls) or CSV '
             '(UTF-8 or GBK).'),
}
HIDDEN = frozenset({"merge-driver"})


def load(name: str) -> Any:
    """The click command of ``name``, built from its module's ``run`` (or sub-app ``app``)."""
    import importlib

    from typer.main import get_command_from_info, get_group_from_info
    from typer.models import CommandInfo, TyperInfo

    module = importlib.import_module(f"kqcli.commands.{COMMANDS[name][0]}")
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

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if self.listing and cmd_name in COMMANDS and cmd_name not in self.commands.loaded:
            summary = COMMANDS[cmd_name][1]
            return TyperCommand(cmd_name, help=summary, short_help=" ".join(summary.split()),
                                hidden=cmd_name in HIDDEN)
        return self.commands.get(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Plain text like git's and taskwarrior's: Rich's panels cost more to import than
        the rest of ``kq --help`` (a command's own --help keeps them)."""
        self.listing = True
        try:
            super(TyperGroup, self).format_help(ctx, formatter)
        finally:
            self.listing = False


app = typer.Typer(
    cls=LazyGroup,
    name="kq",
    help="客情 kq: whom to visit, call or greet today; one YAML file per customer, kept in git.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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
                                             help="The repository (else $KQ_REPO, else the "
                                                  "nearest folder upwards with kq.yaml).")] = None,
    today: Annotated[str | None, typer.Option("--today", metavar="YYYY-MM-DD",
                                              help="Pretend today is this day (else $KQ_TODAY).")
                     ] = None,
    lang: Annotated[str | None, typer.Option("--lang", metavar="zh|en",
                                             help="Labels in tables: zh (default) or en, for an "
                                                  "English-speaking manager (else $KQ_LANG); "
                                                  "json and csv are the same either way.")
                    ] = None,
    no_pager: Annotated[bool, typer.Option("--no-pager", help="Print long tables straight to the "
                                           "terminal (else $KQ_PAGER, $PAGER or less).")] = False,
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """客情 kq: whom to visit, call or greet today; one YAML file per customer, kept in git.

    Example: kq --repo examples --today 2026-11-24 list --tier key
    """
    from .errors import KqError
    from .labels import set_lang

    try:
        set_lang(lang)
    except KqError as e:
        typer.echo(f"kq: {e.message}", err=True)
        raise typer.Exit(e.code) from None
    from . import pager

    pager.configure(enabled=not no_pager)
    ctx.obj = Options(repo=repo, today=today)
