"""kq checkout: the open check-in of today ends now; its minutes, goal, outcome and photos."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from ...store.errors import KqError
from ..i18n import _, ngettext
from . import CustomerArgument, committed, friendly, open_repo


def minutes_since(at: str, now: dt.datetime) -> int:
    """Whole minutes from ``at`` (HH:MM, today) to ``now``: at least 1."""
    hours, minutes = (int(x) for x in at.split(":"))
    began = now.replace(hour=hours, minute=minutes, second=0, microsecond=0)
    return max(1, int((now - began).total_seconds() // 60))


@friendly
def run(
    ctx: typer.Context,
    customer: CustomerArgument,
    goal: Annotated[str | None, typer.Option("--goal", "-g",
                                             help="What the visit set out to do.")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", "-o",
                                                help="What it brought back.")] = None,
    note: Annotated[str | None, typer.Option("--note", "-n",
                                             help="Anything else worth keeping.")] = None,
    photos: Annotated[list[Path] | None, typer.Option(
        "--photo", metavar="FILE",
        help="A picture to keep: copied to media/CUSTOMER/DATE-N.jpg and committed with the "
             "visit; repeat for several.")] = None,
) -> None:
    """End today's open check-in of the customer now: writes minutes: (the time since at:, at
    least 1) and the given goal, outcome, note and photos, one commit.

    With no open check-in, nothing is written: kq checkin first, or log the visit with its
    times (kq log --at HH:MM --minutes N).

    Example: kq --repo examples checkout hx-dongfeng --outcome 端架已到位
    """
    from ...core.interaction import build_interaction
    from ...schema.customer import Interaction
    from ...store.clock import now
    from ...store.writer import text_change, update_customer
    from ...store.yamledit import append_in, set_in
    from .checkin import open_visit
    from .log import said_photos, take_photos, warn_plan_and_report

    repo = open_repo(ctx)
    match = repo.resolve(customer)
    model = repo.load(match.id)[0]
    n = open_visit(model, repo.today)
    if n is None:
        raise KqError(_("{name} has no open check-in today: kq checkin {id} first, or log the "
                        "visit with its times (kq log {id} --at HH:MM --minutes N)").format(
            name=match.name, id=match.id))
    visit = model.visits[n]
    took = minutes_since(visit.at, now())
    # the values checked as kq log checks them (texts stripped, a day's length at most)
    given = build_interaction(model, repo.today, kind=visit.kind.value, date=None, contact=None,
                              goal=goal, outcome=outcome, done=None, next_date=None,
                              next_action=None, note=note, minutes=min(took, 24 * 60))
    item: dict[str, Any] = {"date": visit.date, "photos": []}
    new_files = take_photos(repo, match.id, model, item, photos or [])
    changes = [(key, given[key]) for key in ("goal", "outcome", "note", "minutes") if key in given]

    def edit(text: str) -> str:
        for key, value in changes:
            text = set_in(text, ("visits", n, key), value)
        for path in item["photos"]:
            text = append_in(text, ("visits", n, "photos"), path)
        return text

    message = f"checkout: {match.name} {visit.kind.value} {visit.date.isoformat()} " \
              f"{visit.at}, {given['minutes']} min"
    if new_files:
        message += f", {len(new_files)} photo{'s' if len(new_files) != 1 else ''}"
    ended = visit.model_dump(by_alias=True, exclude_defaults=True)
    ended.update(dict(changes))
    warn_plan_and_report(Interaction.model_validate(ended).model_dump(by_alias=True,
                                                                       mode="json"))
    _after, sha = update_customer(repo.root, repo.path_of(match.id),
                                  text_change(edit, f"customers/{match.id}.yaml"), message,
                                  autocommit=repo.settings.git.autocommit, new_files=new_files)
    typer.echo(_("checked out of {name}: {at} to {end}, {minutes}").format(
        name=match.name, at=visit.at, end=f"{now():%H:%M}",
        minutes=ngettext("{n} minute", "{n} minutes", given["minutes"]).format(
            n=given["minutes"])) + committed(sha))
    said_photos(item["photos"])
