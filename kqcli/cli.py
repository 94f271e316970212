"""The Typer app: global options, and one registered function per command module."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import typer

from . import __version__
from .commands import (
    alert,
    calendar,
    check,
    claim,
    classify,
    completion,
    done,
    due,
    edit,
    expense,
    expenses,
    figures,
    history,
    import_,
    init,
    intel,
    listing,
    log,
    manual,
    merge_driver,
    new,
    pool,
    reassign,
    report,
    route,
    schema,
    score,
    show,
    sync,
    team,
    undo,
)

app = typer.Typer(
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


app.command("init")(init.run)
app.command("check")(check.run)
app.command("list")(listing.run)
app.command("show")(show.run)
app.command("schema")(schema.run)
app.command("due")(due.run)
app.command("calendar")(calendar.run)
app.command("log")(log.run)
app.command("done")(done.run)
app.command("route")(route.run)
app.command("score")(score.run)
app.command("classify")(classify.run)
app.command("expenses")(expenses.run)
app.command("alert")(alert.run)
app.command("figures")(figures.run)
app.command("expense")(expense.run)
app.command("intel")(intel.run)
app.command("history")(history.run)
app.command("pool")(pool.run)
app.command("claim")(claim.run)
app.command("reassign")(reassign.run)
app.command("team")(team.run)
app.command("report")(report.run)
app.command("new")(new.run)
app.command("edit")(edit.run)
app.command("sync")(sync.run)
app.command("undo")(undo.run)
app.add_typer(import_.app, name="import")
app.command("merge-driver", hidden=True)(merge_driver.run)
app.command("completion")(completion.run)
app.command("help")(manual.run)
