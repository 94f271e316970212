from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated, Any

import typer

from ..errors import KqError
from . import CustomerArgument, friendly, open_repo


@friendly
def run(
    ctx: typer.Context,
    customer: CustomerArgument,
    kind: Annotated[str, typer.Option(
        "--kind", "-k",
        help="visit | call | care_call | wechat | delivery | training | event (拜访, 电话…)")] = "visit",
    date: Annotated[str | None, typer.Option("--date", "-d", metavar="YYYY-MM-DD",
                                             help="Default: today.")] = None,
    contact: Annotated[str | None, typer.Option("--contact", "-c",
                                                help="One of the customer's contacts.")] = None,
    goal: Annotated[str | None, typer.Option("--goal", "-g", help="What the visit set out to do.")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", "-o", help="What it brought back.")] = None,
    done: Annotated[str | None, typer.Option(
        help="Comma-separated: pop, display, help, feedback, training (陈列, 帮忙…)")] = None,
    next_date: Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="Next step's date.")] = None,
    next_action: Annotated[str | None, typer.Option(help="Next step.")] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="Anything else worth keeping.")] = None,
    closes_next: Annotated[bool, typer.Option(
        "--closes-next", help="This interaction did the oldest open next step: close it too.")] = False,
) -> None:
    """Append one interaction to a customer's log, validate, write atomically and commit.

    Only the appended lines change: comments, order, quoting and layout stay as they were.

    Example: kq log hxdyf --contact 王芳 --goal 推新品陈列 --outcome 同意端架两周 --done pop,display

    Example: kq log hxdyf --kind visit --outcome 端架物料已送到 --closes-next
    """
    from ..core.interaction import build_interaction
    from ..core.steps import StepError, step_to_close
    from ..writer import update_customer
    from ..yamledit import EditError, append_item
    from .done import mark_done

    repo = open_repo(ctx)
    match = repo.resolve(customer)
    model, _ = repo.load(match.id)
    fields: dict[str, Any] = dict(kind=kind, date=date, contact=contact, goal=goal,
                                  outcome=outcome, done=done, next_date=next_date,
                                  next_action=next_action, note=note)
    if sys.stdin.isatty() and sys.stdout.isatty() and not any(
            (date, contact, goal, outcome, done, next_date, next_action, note)):
        fields = _prompt(fields, model, repo.today)
    item = build_interaction(model, repo.today, **fields)
    closing = None
    if closes_next:
        try:
            closing = step_to_close(model)
        except StepError as e:
            raise KqError(f"--closes-next: {e}", code=1) from None

    def change(raw: bytes) -> bytes:
        text = raw.decode("utf-8-sig")
        bom = raw[:3] if raw.startswith(b"\xef\xbb\xbf") else b""
        try:
            text = append_item(text, "visits", item)
            if closing is not None:
                text = mark_done(text, closing.visit, item["date"], None)
        except EditError as e:
            raise KqError(f"customers/{match.id}.yaml: {e}") from None
        after = bom + text.encode("utf-8")
        _check_appended(raw, after, item, closing.visit if closing else None)
        return after

    message = f"log: {match.name} {item['kind']} {item['date'].isoformat()}"
    if closing is not None:
        message += f", done: {closing.step.action}"
    after, sha = update_customer(repo.root, repo.path_of(match.id), change, message,
                                 autocommit=repo.settings.git.autocommit)
    typer.echo(f"logged {item['kind']} {item['date'].isoformat()} for {match.name}"
               + (f", done: {closing.step.action}" if closing else "")
               + (f" (commit {sha})" if sha else ""))


def _prompt(fields: dict[str, Any], model: Any, today: dt.date) -> dict[str, Any]:
    names = ", ".join(c.name for c in model.contacts)
    fields["kind"] = typer.prompt("kind", default=fields["kind"])
    fields["date"] = typer.prompt("date", default=today.isoformat())
    fields["contact"] = typer.prompt(f"contact ({names})" if names else "contact",
                                     default="", show_default=False) or None
    fields["goal"] = typer.prompt("goal", default="", show_default=False) or None
    fields["outcome"] = typer.prompt("outcome", default="", show_default=False) or None
    fields["next_action"] = typer.prompt("next step", default="", show_default=False) or None
    if fields["next_action"]:
        fields["next_date"] = typer.prompt("next step date (YYYY-MM-DD)")
    return fields


def _check_appended(before: bytes, after: bytes, item: dict[str, Any],
                    closed: int | None = None) -> None:
    """The edit must read back as the old log plus exactly the new interaction (and the
    closed step's ``done_on``)."""
    from ..schema.customer import Interaction
    from ..validate import validate_customer

    old, _ = validate_customer(before, "before")
    new, problems = validate_customer(after, "after")
    if problems or new is None or old is None:
        return  # update_customer reports invalid results with their locations
    expected = [*old.visits, Interaction.model_validate(item)]
    if closed is not None:
        step = expected[closed].next.model_copy(update={"done_on": item["date"]})
        expected[closed] = expected[closed].model_copy(update={"next": step})
    if new.visits != expected:
        raise KqError("the appended text did not read back as the new interaction; "
                      "nothing was written (please report this)")
