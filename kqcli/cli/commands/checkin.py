"""kq checkin: a visit begins now (at:), kq checkout ends it (minutes:)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ...store.errors import KqError
from ..i18n import _
from . import CustomerArgument, committed, friendly, open_repo

IN_PERSON_KINDS = ("visit", "deep_visit", "training", "event")
"""What one checks in to: the in-person kinds."""


def open_visit(model: Any, today: Any) -> int | None:
    """The index in ``visits:`` of today's open check-in (a time, no minutes yet), if any."""
    for n in range(len(model.visits) - 1, -1, -1):
        v = model.visits[n]
        if (v.date == today and v.at is not None and v.minutes is None and not v.planned
                and v.kind.value in IN_PERSON_KINDS):
            return n
    return None


@friendly
def run(
    ctx: typer.Context,
    customer: CustomerArgument,
    kind: Annotated[str, typer.Option(
        "--kind", "-k", help="visit | deep_visit | training | event (拜访, 蹲点…).")] = "visit",
    contact: Annotated[str | None, typer.Option("--contact", "-c",
                                                help="One of the customer's contacts.")] = None,
    goal: Annotated[str | None, typer.Option("--goal", "-g",
                                             help="What the visit sets out to do.")] = None,
) -> None:
    """Start a visit now: today's visit with at: the current time, one commit; kq checkout
    writes how long it took.

    A second check-in while one is open is refused: check out first.

    Example: kq --repo examples checkin hx-dongfeng --goal 查端架陈列
    """
    from ...core.interaction import build_interaction
    from ...store.clock import now
    from ...store.writer import update_customer
    from .log import appending

    repo = open_repo(ctx)
    match = repo.resolve(customer)
    model = repo.load(match.id)[0]
    started = open_visit(model, repo.today)
    if started is not None:
        raise KqError(_("already checked in at {name} at {at}: kq checkout {id} first").format(
            name=match.name, at=model.visits[started].at, id=match.id))
    at = f"{now():%H:%M}"
    item = build_interaction(model, repo.today, kind=kind, date=None, contact=contact, goal=goal,
                             outcome=None, done=None, next_date=None, next_action=None,
                             note=None, at=at)
    if item["kind"] not in IN_PERSON_KINDS:
        raise KqError(_("{option}: one checks in to an in-person visit ({kinds})").format(
            option="--kind", kinds=", ".join(IN_PERSON_KINDS)))
    message = f"checkin: {match.name} {item['kind']} {item['date'].isoformat()} at {at}"
    _after, sha = update_customer(repo.root, repo.path_of(match.id),
                                  appending(match.id, item), message,
                                  autocommit=repo.settings.git.autocommit)
    typer.echo(_("checked in at {name}, {day} {at}").format(
        name=match.name, day=item["date"].isoformat(), at=at) + committed(sha))
