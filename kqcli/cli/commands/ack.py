from __future__ import annotations

from typing import Annotated

import typer

from ...store.errors import PROBLEMS, KqError
from ..i18n import _, ngettext
from . import CustomerArgument, committed, friendly, open_repo, said


@friendly
def run(
    ctx: typer.Context,
    customer: CustomerArgument,
    reason: Annotated[str, typer.Argument(metavar="REASON",
                                          help="What is acknowledged: risk (风险).")],
    until: Annotated[str | None, typer.Option(
        "--until", metavar="YYYY-MM-DD",
        help="Hidden through this day. Default: until the figures change.")] = None,
    note: Annotated[str | None, typer.Option("--note", "-n",
                                             help="What was done about it.")] = None,
) -> None:
    """Acknowledge a customer's risk rows: kq due hides them until --until has passed or the
    figures they were computed from change.

    A risk is listed as due today every day it holds. This appends {reason: risk, on: today,
    until, note, seen} to the customer's acks:, where seen holds a fingerprint of each risk
    listed today: its kind and a hash of what it was computed from (the months and figures,
    the competitor, the last contact). A new month reported or a figure corrected lists that
    risk again; so does every risk after --until. One commit.

    Example: kq ack qjkr risk --until 2026-12-31 --note 已约老板 12 月对账
    """
    from ...core.due import CustomerRules
    from ...core.facts import extract
    from ...core.interaction import parse_day
    from ...core.summary import summarize
    from ...schema.enums import AckReason, EnumValueError, parse_enum
    from ...store.writer import edit_customer
    from ...store.yamledit import append_item

    try:
        kind = parse_enum(AckReason, reason)
    except EnumValueError as e:
        raise KqError(f"REASON: {said(e)}") from None
    repo = open_repo(ctx)
    end = parse_day(until, "--until") if until else None
    if end is not None and end < repo.today:
        raise KqError(_("{option}: {day} is before today ({today})").format(
            option="--until", day=end.isoformat(), today=repo.today.isoformat()))
    match = repo.resolve(customer)
    model, _text = repo.load(match.id)
    rules = CustomerRules(summarize(match.id, model), extract(model), repo.settings, repo.today)
    rules.all()
    if not rules.risks:
        raise KqError(_("no risk is listed for {name} on {day}: nothing to acknowledge").format(
            name=match.name, day=repo.today.isoformat()), PROBLEMS)
    item = {"reason": kind.value, "on": repo.today, "until": end,
            "note": note.strip() if note and note.strip() else None,
            "seen": [risk[0] for risk in rules.risks]}
    item = {k: v for k, v in item.items() if v is not None}
    shown = f" until {end.isoformat()}" if end else " until the figures change"
    sha = edit_customer(repo, match.id, lambda text: append_item(text, "acks", item),
                        f"ack: {match.name} risk{shown}" + (f": {item['note']}" if "note" in item
                                                             else ""))
    count = len(rules.risks)
    if end:
        shown = ngettext("acknowledged {n} risk of {name} until {day}",
                         "acknowledged {n} risks of {name} until {day}", count)
    else:
        shown = ngettext("acknowledged {n} risk of {name} until the figures change",
                         "acknowledged {n} risks of {name} until the figures change", count)
    typer.echo(shown.format(n=count, name=match.name, day=end.isoformat() if end else "")
               + committed(sha))
    from ..labels import message_text

    for _mark, message, _seen in rules.risks:
        typer.echo(f"  {message_text(message)}")
