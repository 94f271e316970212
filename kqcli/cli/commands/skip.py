"""kq skip: a planned visit moved, and why (the day's report, kq day, says it)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from ...store.errors import KqError
from ..i18n import _
from . import CustomerArgument, committed, friendly, open_repo


@friendly
def run(
    ctx: typer.Context,
    customer: CustomerArgument,
    reason: Annotated[str, typer.Option(
        "--reason", "-r",
        help="Why the visit is not made (the owner is out, the road is flooded).")],
    date: Annotated[str | None, typer.Option(
        "--date", "-d", metavar="YYYY-MM-DD",
        help="The day the visit was planned. Default: today.")] = None,
    to: Annotated[str | None, typer.Option(
        "--to", metavar="YYYY-MM-DD",
        help="The day kq due lists the visit again. Default: the next working day.")] = None,
) -> None:
    """Move a planned visit: kq due does not list the customer's visit from --date until
    --to, and kq day says why.

    Appends {date, reason, to} to the customer's skips:. The customer's visit, fixed-route,
    蹲点 and handover rows are hidden on the days from --date to the day before --to (by
    default the next working day after --date), then listed again as they were. One commit.

    Example: kq --repo examples --today 2026-11-24 skip hx-dongfeng --reason 店主不在
    """
    from ...core.due import work_calendar
    from ...core.interaction import parse_day
    from ...store.writer import edit_customer
    from ...store.yamledit import append_item

    if not reason.strip():
        raise KqError(_("{option}: say why the visit is not made").format(option="--reason"))
    repo = open_repo(ctx)
    day = parse_day(date, "--date", repo.today)
    if to is not None:
        until = parse_day(to, "--to")
        if until <= day:
            raise KqError(_("{option}: {day} is not after the day skipped ({skipped})").format(
                option="--to", day=until.isoformat(), skipped=day.isoformat()))
    else:
        until = work_calendar(repo.settings).next_working_day(day + dt.timedelta(days=1))[0]
    match = repo.resolve(customer)
    repo.load(match.id)  # a file kq cannot read is said before anything is written
    item = {"date": day, "reason": reason.strip(), "to": until}
    sha = edit_customer(repo, match.id, lambda text: append_item(text, "skips", item),
                        f"skip: {match.name} {day.isoformat()} -> {until.isoformat()}: "
                        f"{item['reason']}")
    typer.echo(_("moved the visit to {name} of {day} to {to}: {reason}").format(
        name=match.name, day=day.isoformat(), to=until.isoformat(), reason=item["reason"])
        + committed(sha))

