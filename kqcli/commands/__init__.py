"""One module per command: options -> load -> core -> render. Heavy imports stay inside."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from ..errors import KqError
from ..render import Format

F = TypeVar("F", bound=Callable[..., Any])

FormatOption = Annotated[Format, typer.Option(
    "--format", "-f", help="table for people; json, csv, tsv for programs; xlsx with --output.")]
OutputOption = Annotated[Path | None, typer.Option(
    "--output", "-o", metavar="FILE", help="Write to FILE instead of stdout (--format xlsx needs it).")]
BomOption = Annotated[bool, typer.Option(
    "--bom", help="Start the csv with a UTF-8 byte-order mark, so Excel reads the Chinese right.")]


def open_repo(ctx: typer.Context, check_settings: bool = True) -> Any:
    """The repository named by the global options, with 'today' resolved; an invalid
    kq.yaml stops every command but ``kq check``, which reports it."""
    from ..repo import Repo, find_root, parse_today

    options = ctx.find_root().obj
    repo = Repo(find_root(options.repo), parse_today(options.today))
    if check_settings:
        repo.check_settings()
    return repo


def report_skipped(repo: Any) -> int:
    """Name each invalid file on stderr; the exit code the command should end with."""
    from ..render import warn

    for problem in repo.problems:
        warn(f"skipped {problem}")
    if repo.problems:
        files = len({p.path for p in repo.problems})
        warn(f"kq: {files} invalid file{'s' if files > 1 else ''} skipped; run 'kq check'")
        return 1
    return 0


def friendly(func: F) -> F:
    """Turn a :class:`KqError` into a one-line message on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KqError as e:
            from ..render import warn

            warn(f"kq: {e.message}")
            raise typer.Exit(e.code) from None
        except BrokenPipeError:
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def parse_month(text: str) -> str:
    """``--month YYYY-MM``, checked; a usage error otherwise."""
    import datetime as dt
    import re

    from ..schema.types import FIRST_DAY, LAST_DAY

    try:
        if not re.fullmatch(r"\d{4}-\d{2}", text):
            raise ValueError
        first = dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise KqError(f"--month: {text!r} is not a month; write YYYY-MM") from None
    if not FIRST_DAY <= first <= LAST_DAY:
        raise KqError(f"--month: {text!r} is outside the months kq works with "
                      f"({FIRST_DAY:%Y-%m} to {LAST_DAY:%Y-%m})")
    return text


