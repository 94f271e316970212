from __future__ import annotations

from typing import Annotated

import typer

from ...core.intel import find_claim, has_source
from ...store.errors import KqError
from ..i18n import _, ngettext
from . import CustomerArgument, committed, friendly, open_repo


@friendly
def run(
    ctx: typer.Context,
    customer: CustomerArgument,
    claim: Annotated[str | None, typer.Argument(help="What was heard (about them or a rival).")] = None,
    source: Annotated[str | None, typer.Option("--source", "-s", help="Who said it.")] = None,
    date: Annotated[str | None, typer.Option("--date", "-d", metavar="YYYY-MM-DD",
                                             help="Default: today.")] = None,
    dismiss: Annotated[int | None, typer.Option(metavar="N",
                                                help="Dismiss claim N (1-based, file order).")] = None,
) -> None:
    """Record intel (信息) and its sources: a claim is trusted from two independent sources.

    A CLAIM that matches an open claim adds the source to it (the same source twice counts
    once); otherwise it is a new claim. --dismiss N marks claim N as false: it is no longer
    listed.

    Example: kq intel dist-qjkr "康润往昭通低价走货" --source 昭通仁和药店老板
    """
    from ...core.interaction import parse_day
    from ...store.validate import validate_customer
    from ...store.writer import edit_customer
    from ...store.yamledit import append_in, append_item, set_in

    if dismiss is not None and (claim is not None or source is not None):
        raise KqError(_("--dismiss N goes alone; to add a source, give CLAIM and --source"))
    if dismiss is None and (claim is None or not claim.strip() or not source or not source.strip()):
        raise KqError(_("give CLAIM and --source ({example}), or --dismiss N").format(
            example='kq intel CUSTOMER "CLAIM" --source NAME'))
    repo = open_repo(ctx)
    day = parse_day(date, "--date", repo.today)
    match = repo.resolve(customer)
    model, _text = repo.load(match.id)
    if dismiss is not None:
        if not 1 <= dismiss <= len(model.intel):
            count = len(model.intel)
            raise KqError((ngettext("{option}: {name} has {n} claim; N is 1 to {n}",
                                    "{option}: {name} has {n} claims; N is 1 to {n}", count)
                           if count else _("{option}: {name} has no intel")).format(
                option="--dismiss", name=match.name, n=count))
        item = model.intel[dismiss - 1]
        if item.dismissed is not None:
            typer.echo(_("claim {n} ({claim}) was already dismissed on {day}; nothing "
                         "written").format(n=dismiss, claim=item.claim,
                                           day=item.dismissed.isoformat()))
            return
        sha = edit_customer(repo, match.id,
                         lambda text: set_in(text, ("intel", dismiss - 1, "dismissed"), day),
                         f"intel: {match.name} dismissed: {item.claim}")
        typer.echo(_("dismissed claim {n} ({claim}) of {name}").format(
            n=dismiss, claim=item.claim, name=match.name) + committed(sha))
        return
    assert claim is not None and source is not None
    claim, source = claim.strip(), source.strip()
    needed = repo.settings.due.intel_sources
    found = find_claim(model.intel, claim)
    if found is not None and has_source(model.intel[found].sources, source):
        count = len(set(model.intel[found].sources))
        typer.echo(_("{source} is already a source of claim {n} ({claim}); the same source "
                     "counts once: still {count} of {needed}; nothing written").format(
            source=source, n=found + 1, claim=model.intel[found].claim, count=count,
            needed=needed))
        return

    def edit(text: str) -> str:
        current, _problems = validate_customer(text.encode("utf-8"), match.id)
        at = find_claim(current.intel, claim) if current is not None else None
        if at is None:
            return append_item(text, "intel", {"date": day, "claim": claim, "sources": [source]})
        return append_in(text, ("intel", at, "sources"), source)

    if found is None:
        sha = edit_customer(repo, match.id, edit, f"intel: {match.name} new claim: {claim}")
        typer.echo(_("added claim {n} for {name}: {claim} (1 source of {needed})").format(
            n=len(model.intel) + 1, name=match.name, claim=claim, needed=needed)
            + committed(sha))
        return
    count = len(set(model.intel[found].sources)) + 1
    sha = edit_customer(repo, match.id, edit,
                     f"intel: {match.name} claim {found + 1} +source {source}")
    said = (_("added source {source} to claim {n} ({claim}) of {name}: {count} sources, "
              "trusted") if count >= needed else
            _("added source {source} to claim {n} ({claim}) of {name}: {count} sources, {count} "
              "of {needed}"))
    typer.echo(said.format(source=source, n=found + 1, claim=model.intel[found].claim,
                           name=match.name, count=count, needed=needed) + committed(sha))
