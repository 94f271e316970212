"""One module per command: options -> load -> core -> render. Heavy imports stay inside."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer._click.shell_completion import CompletionItem  # typer 0.28 vendors click
from typer._click.types import ParamType

from ...store.errors import KqError
from ..i18n import _, ngettext
from ..render import Format

F = TypeVar("F", bound=Callable[..., Any])

FormatOption = Annotated[Format, typer.Option(
    "--format", "-f",
    help="table for people; json, csv, tsv for programs; xlsx for Excel (--output, or a pipe).")]
OutputOption = Annotated[Path | None, typer.Option(
    "--output", "-o", metavar="FILE", help="Write to FILE instead of stdout (a terminal gets no xlsx).")]
BomOption = Annotated[bool, typer.Option(
    "--bom", help="Start the csv with a UTF-8 byte-order mark, so Excel reads the Chinese right.")]


def _keys(value: bool) -> bool:
    from ..render import keys_option

    return keys_option(value)


KeysOption = Annotated[bool, typer.Option(
    "--keys", callback=_keys,
    help="csv and tsv with the English keys and values, as JSON has them (for scripts); "
         "without it they are for people: the table's headers and labels.")]
ScoreMonthOption = Annotated[str | None, typer.Option(
    "--month", metavar="YYYY-MM",
    help="The scorecard month. Default: this month in its last week, else last month.")]


class _Customer(ParamType):
    """A customer as typed, offered by the shell from the index: by id prefix, part of the
    name or pinyin initials (typer's ``autocompletion=`` would keep only values starting with
    what was typed, so 华信 or hxdyf could never become an id)."""

    name = "customer"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        return value

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
        from .completion import customers

        return [CompletionItem(i, help=n) for i, n in customers(ctx, incomplete)]


class _Rep(ParamType):
    """A rep's name as typed, offered by the shell: kq.yaml's team and the customers' owners,
    by the start of the name or its pinyin initials (``lm``: 李明)."""

    name = "rep"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        return value

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
        from .completion import reps

        return [CompletionItem(name) for name in reps(ctx, incomplete)]


REP = _Rep()
"""``click_type=REP``: an option or argument naming a rep (``--owner``, ``--to``, ``--as``)."""

CUSTOMER_HELP = "Id, id prefix, part of the name, or pinyin initials."
CUSTOMER = _Customer()
"""``click_type=CUSTOMER``: an argument naming a customer (completes ids, names, pinyin)."""
CustomerArgument = Annotated[str, typer.Argument(
    help=CUSTOMER_HELP, click_type=CUSTOMER)]
OptionalCustomerArgument = Annotated[str | None, typer.Argument(
    help=f"{CUSTOMER_HELP[:-1]}; none: the whole repository.", click_type=CUSTOMER)]


def open_repo(ctx: typer.Context, check_settings: bool = True) -> Any:
    """The repository named by the global options, with 'today' resolved; an invalid
    kq.yaml stops every command but ``kq check``, which reports it."""
    from ...store.context import current
    from ...store.repo import Repo, find_root, parse_today
    from ..i18n import translated

    current().say = translated  # the store's texts (a progress bar's label) in the run's language
    options = ctx.find_root().obj
    repo = Repo(find_root(options.repo), parse_today(options.today))
    if check_settings:
        repo.check_settings()
    return repo


OWNER_HELP = ("Only this rep's customers. Default: you (KQ_OWNER, else kq config me, else git's "
              "user.name when it is a rep); 'all': the whole team.")
ALL_OWNERS = ("all", "全部")
"""``--owner all``: the whole team, whatever the default owner is."""


def owner_of(repo: Any, given: str | None) -> str | None:
    """The rep a command is for: ``--owner``, else this clone's default owner (``KQ_OWNER``,
    ``.kq/local.yaml`` ``me``, git ``user.name`` when it names a rep); None for ``--owner all``
    or when no default is known: the whole team."""
    if given in ALL_OWNERS:
        return None
    if given:
        return given
    return default_owner(repo)[0]


def default_owner(repo: Any, settings: Any = None) -> tuple[str | None, str | None]:
    """This clone's rep and where it comes from (``KQ_OWNER``, ``.kq/local.yaml``, ``git
    user.name``); (None, None) when none is known. ``settings``: kq.yaml as already read
    (else ``repo.settings``), whose reps are read only for git's user.name."""
    from ...store.local import default_owner as found

    return found(repo.root, lambda: [r.name for r in (settings or repo.settings).reps])


def report_skipped(repo: Any) -> int:
    """Name each invalid file on stderr; the exit code the command should end with."""
    from ..i18n import translated
    from ..render import warn

    for problem in repo.problems:
        warn(_("skipped {problem}").format(problem=translated(problem)))
    if repo.problems:
        files = len({p.path for p in repo.problems})
        warn("kq: " + ngettext("{n} invalid file skipped; run {command}",
                               "{n} invalid files skipped; run {command}", files).format(
            n=files, command="'kq check'"))
        return 1
    return 0


def said(error: object) -> str:
    """What a person reads of ``error`` in the user's language: an enum's value error
    (``EnumValueError``), the core's (:class:`~kqcli.core.errors.DomainError`), a core
    :class:`~kqcli.core.messages.Message` or a store's :class:`~kqcli.store.errors.Text`;
    any other as it is."""
    from ...core.errors import DomainError, value_message
    from ..i18n import lang, translated
    from ..labels import message_text

    if isinstance(error, DomainError):
        return error.describe(lang=lang())
    if isinstance(error, ValueError):
        found = value_message(error)
        return said(found if not isinstance(found, str) else (error.args or [found])[0])
    if isinstance(error, Exception):
        return said(error.args[0]) if error.args else str(error)
    if hasattr(error, "key") and hasattr(error, "params"):
        return message_text(error)
    return translated(error)


def committed(sha: str | None) -> str:
    """`` (commit abc1234)`` at the end of a confirmation, in the user's language; nothing
    when no commit was made."""
    return _(" (commit {sha})").format(sha=sha) if sha else ""


def option_for(field: str) -> str:
    """The option a user typed for a core field: ``next_date`` -> ``--next-date`` (a label that
    already is an option, such as ``--from``, stays as it is)."""
    return field if field.startswith("-") else "--" + field.replace("_", "-")


def friendly(func: F) -> F:
    """Turn what the user or the machine got wrong into one line on stderr and an exit code:
    :class:`KqError`, a core :class:`DomainError` (its field named as the option), and git, the
    file system or the index failing. Anything else is a bug and keeps its traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ...core.errors import DomainError
        from ...store.errors import failure

        try:
            return func(*args, **kwargs)
        except KqError as e:
            _fail(e.message, e.code)
        except DomainError as e:
            from ..i18n import lang

            _fail(e.describe(option_for, lang()), e.code)
        except BrokenPipeError:
            raise typer.Exit(1) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as e:
            known = failure(e)
            if known is None:
                raise
            _fail(known.message, known.code)

    return wrapper  # type: ignore[return-value]


def _fail(message: str, code: int) -> None:
    import sys

    from ..i18n import translated
    from ..render import warn

    warn(f"kq: {translated(message, sys.stderr)}")
    raise typer.Exit(code) from None


def parse_day(text: str | None, today: Any, option: str) -> Any:
    """A day given as a date (YYYY-MM-DD) or a weekday (tue, 周二: the next one from ``today``,
    or today), within the days kq works with; ``today`` when none is given (kq route DAY,
    kq plan --date)."""
    from ...core.route import day_of
    from ...schema.bounds import day_in_range

    when = day_of(text, today)
    if when is None:
        raise KqError(_("{option}: {value} is neither a date (YYYY-MM-DD) nor a weekday "
                        "(mon…sun, 周一…周日)").format(option=option, value=repr(text)))
    try:
        day_in_range(when)
    except ValueError as e:
        raise KqError(f"{option}: {e}") from None
    return when


def parse_month(text: str) -> str:
    """``--month YYYY-MM``, checked; a usage error otherwise."""
    import datetime as dt
    import re

    from ...schema.bounds import FIRST_DAY, LAST_DAY

    try:
        if not re.fullmatch(r"\d{4}-\d{2}", text):
            raise ValueError
        first = dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise KqError(_("{option}: {value} is not a month; write YYYY-MM").format(
            option="--month", value=repr(text))) from None
    if not FIRST_DAY <= first <= LAST_DAY:
        raise KqError(_("{option}: {value} is outside the months kq works with ({first} to "
                        "{last})").format(option="--month", value=repr(text),
                                          first=f"{FIRST_DAY:%Y-%m}", last=f"{LAST_DAY:%Y-%m}"))
    return text


