from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from ...store.errors import KqError
from ..i18n import _, ngettext
from . import OptionalCustomerArgument, committed, friendly, open_repo


@friendly
def run(
    ctx: typer.Context,
    customer: OptionalCustomerArgument = None,
    date: Annotated[str | None, typer.Option("--date", "-d", metavar="YYYY-MM-DD",
                                             help="The day it was done. Default: today.")] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="How it went.")] = None,
    action: Annotated[str | None, typer.Option(
        "--action", "-a", help="Close the open step whose action contains this text "
                               "(default: the oldest open step).")] = None,
    upgrade: Annotated[bool, typer.Option(
        "--upgrade", help="Once, after upgrading from kq v1: close every open step a later "
                          "interaction follows (v1 counted those as done), in one commit.")] = False,
) -> None:
    """Close a customer's next step: writes done_on (and --note) into that `next:` mapping.

    A next step stays in `kq due` until it is done, whatever else is logged meanwhile.
    Only the added lines change; the write is validated, atomic, locked and committed.

    Example: kq done hxdyf --date 2026-12-05 --note 端架已送到

    Example: kq done --upgrade   (a repository kept with kq v1, once)
    """
    from ...core.interaction import parse_day
    from ...core.steps import step_to_close

    repo = open_repo(ctx)
    if upgrade:
        if customer or date or note or action:
            raise KqError(_("{option} works on the whole repository; give it alone").format(
                option="--upgrade"))
        _upgrade(repo)
        return
    if customer is None:
        raise KqError(_("{argument}: say whose step is done (or --upgrade for the whole "
                        "repository)").format(argument="CUSTOMER"))
    match = repo.resolve(customer)
    model, _text = repo.load(match.id)
    day = parse_day(date, "--date", repo.today)
    chosen = step_to_close(model, action)  # a StepError is reported by friendly(), exit 1
    if day < model.visits[chosen.visit].date:
        raise KqError(_("{option}: {day} is before the step was agreed ({agreed})").format(
            option="--date", day=day.isoformat(),
            agreed=model.visits[chosen.visit].date.isoformat()))
    sha = close_step(repo, match, chosen.visit, day, note,
                     f"done: {match.name} {chosen.step.action} {day.isoformat()}")
    typer.echo(_("done: {action} ({name}, {day})").format(
        action=chosen.step.action, name=match.name, day=day.isoformat()) + committed(sha))


def _upgrade(repo: Any) -> None:
    """v1 closed a step by any later interaction; v2 only by done_on. Write done_on where v1
    saw a step done, so an upgraded repository's list is what it was, in one commit."""
    from ...core.steps import closed_by_v1
    from ...store.writer import text_change, update_many

    changes, steps = {}, 0
    for customer_id in sorted(s["id"] for s in repo.index.summaries()):
        model, _text = repo.load(customer_id)
        found = closed_by_v1(model)
        if not found:
            continue

        def edit(text: str, found: list = found) -> str:
            for visit, day in found:
                text = mark_done(text, visit, day, None)
            return text

        changes[repo.path_of(customer_id)] = text_change(edit, f"customers/{customer_id}.yaml")
        steps += len(found)
    if not changes:
        typer.echo(_("no step to close: every open step is still open after the last "
                     "interaction"))
        return
    sha = update_many(repo.root, changes, f"done: {steps} steps kq v1 counted as done "
                      f"({len(changes)} customers)", autocommit=repo.settings.git.autocommit)
    customers = ngettext("{n} customer", "{n} customers", len(changes)).format(n=len(changes))
    typer.echo(ngettext("closed {n} step of {customers}", "closed {n} steps of {customers}",
                        steps).format(n=steps, customers=customers) + committed(sha))


def mark_done(text: str, visit: int, day: dt.date, note: str | None) -> str:
    """The text with ``done_on`` (and ``note``) set in ``visits[visit].next``."""
    from ...store.yamledit import set_in

    text = set_in(text, ("visits", visit, "next", "done_on"), day)
    return set_in(text, ("visits", visit, "next", "note"), note) if note else text


def close_step(repo: Any, match: Any, visit: int, day: dt.date, note: str | None,
               message: str) -> str | None:
    from ...store.writer import edit_customer

    return edit_customer(repo, match.id, lambda text: mark_done(text, visit, day, note), message)
