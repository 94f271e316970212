"""kq reassign: hand a rep's customers to another rep, in one commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

import typer

from ...store.errors import KqError
from ...store.writer import text_change
from ..i18n import _, ngettext
from ..render import Format
from . import (
    REP,
    BomOption,
    FormatOption,
    KeysOption,
    OutputOption,
    committed,
    friendly,
    open_repo,
    report_skipped,
    said,
)


def handover(owner: str, previous: str | None, day: dt.date) -> Callable[[str], str]:
    from ...store.handover import handover_edit

    return lambda text: handover_edit(text, owner, previous, day)


@friendly
def run(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="FROM", click_type=REP,
                                          help="The rep whose customers move.")],
    customers: Annotated[list[str] | None, typer.Argument(
        metavar="[CUSTOMER]...", help="Only these customers (id, name part, pinyin initials).",
        show_default=False)] = None,
    to: Annotated[str, typer.Option("--to", metavar="REP", click_type=REP,
                                    help="The current rep who takes them over.")] = "",
    region: Annotated[str | None, typer.Option(help="Only this region or its start: 昆明 "
                                               "matches 昆明/五华区.")] = None,
    tier: Annotated[str | None, typer.Option(help="Only this tier: key | secondary | normal.")
                    ] = None,
    kind: Annotated[str | None, typer.Option(help="Only this kind: distributor | terminal | "
                                             "key_account.")] = None,
    apply: Annotated[bool, typer.Option("--apply", help="Write the move (one commit); without "
                                        "it, only show what would move.")] = False,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    bom: BomOption = False, keys: KeysOption = False,
) -> None:
    """Move FROM's customers (a departed rep's orphans, or a territory) to the rep --to.

    A dry run unless --apply: prints what would move. --apply sets each customer's owner and
    appends `{from, to, date}` to `owners:` in its file (byte-preserving, one commit); the new
    owner then gets a `handover` reminder in kq due to visit within the customer's cadence.
    Months that ended before today stay FROM's in kq score, kq expenses, kq team and kq report.

    Example: kq --repo examples reassign 张强 --to 李明 --apply
    """
    from ...core.reassign import FIELDS, check_rep, moves
    from ...schema.enums import Kind, Tier
    from ..render import Column, emit, warn

    if not to:
        raise KqError(_("{option}: say which rep takes the customers over (--to REP)").format(
            option="--to"))
    tier = _enum(tier, Tier, "--tier")
    kind = _enum(kind, Kind, "--kind")
    repo = open_repo(ctx)
    summaries = repo.index.summaries()
    owners = {s["owner"] for s in summaries if s.get("owner")}
    target = check_rep(to, repo.settings, owners, repo.today, "--to")
    source = source.strip()
    if source not in owners and source not in {r.name for r in repo.settings.reps}:
        from .due import check_owner

        try:
            check_owner(source, owners, repo.settings)
        except KqError as e:
            raise KqError(e.message.replace("--owner: ", "FROM: ", 1)) from None
    if source == target:
        raise KqError(_("{option}: {rep} already owns {source}'s customers").format(
            option="--to", rep=target, source=source))
    only = {repo.resolve(c).id for c in customers} if customers else None
    found = moves(summaries, source, target, region, tier, kind, only)
    if only:
        named = {m["customer"] for m in found}
        for cid in sorted(only - named):
            owner = next((s.get("owner") for s in summaries if s["id"] == cid), None)
            raise KqError(_("{id} is not {source}'s customer (owner: {owner})").format(
                id=cid, source=source, owner=owner or _("nobody")))
    code = report_skipped(repo)
    emit(found, fmt, [Column("customer", "id"), Column("name", "客户"), Column("from", "原业代"),
                      Column("to", "新业代")],
         title=_("reassign {source} → {rep}").format(source=source, rep=target),
         caption=ngettext("{n} customer", "{n} customers", len(found)).format(n=len(found))
         + ("" if apply or not found else _("; {option} moves them").format(option="--apply")),
         fields=FIELDS, output=output, bom=bom,
         sheet=(f"交接 {source} → {target}", f"reassign {source} → {target}"))
    if apply and found:
        from ...store.writer import update_many

        changes = {repo.path_of(m["customer"]): text_change(
            handover(target, source, repo.today), f"customers/{m['customer']}.yaml")
            for m in found}
        n = len(found)
        message = (f"reassign: {source} → {target}, {n} customer{'s' if n != 1 else ''}\n\n"
                   + "\n".join(f"{m['name']} ({m['customer']})" for m in found))
        sha = update_many(repo.root, changes, message, autocommit=repo.settings.git.autocommit)
        warn("kq: " + ngettext("moved {n} customer from {source} to {rep}",
                               "moved {n} customers from {source} to {rep}", n).format(
            n=n, source=source, rep=target) + committed(sha))
    elif apply:
        warn("kq: " + _("{source} has no customers that match; nothing to move").format(
            source=source))
    raise typer.Exit(code)


def _enum(value: str | None, enum: Any, option: str) -> str | None:
    """An enum option, Chinese aliases accepted (``重点`` is ``key``)."""
    if value is None:
        return None
    from ...schema.enums import parse_enum

    try:
        return parse_enum(enum, value.strip()).value
    except ValueError as e:
        raise KqError(f"{option}: {said(e)}") from None
