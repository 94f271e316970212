from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any

import typer

from ...store.errors import KqError
from ..i18n import _
from . import CustomerArgument, committed, friendly, open_repo, parse_month

FIGURES = ("collections", "shipments", "inventory", "sell_out", "movement")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def parse_amount(text: str | None, option: str) -> int | float | None:
    """``--collections 120,000`` -> 120000; a whole number stays an int so YAML shows no '.0'."""
    if text is None:
        return None
    cleaned = text.strip().replace(",", "").replace("，", "")
    if not _NUMBER.fullmatch(cleaned):
        raise KqError(_("{option}: {value} is not an amount; write a number like 120000").format(
            option=option, value=repr(text)))
    from ...schema.types import MAX_AMOUNT

    value = float(cleaned)
    if value > MAX_AMOUNT:
        raise KqError(_("{option}: {value} is above {most} (a typo?)").format(
            option=option, value=text, most=f"{MAX_AMOUNT:,}"))
    return int(value) if value.is_integer() else value


def month_entry(given: dict[str, Any], reported: dt.date) -> dict[str, Any]:
    """The keys to set for a month: only those given, plus the day the figures came in."""
    entry = {k: v for k, v in given.items() if v is not None}
    entry["reported"] = reported
    return entry


@friendly
def run(
    ctx: typer.Context,
    customer: CustomerArgument,
    month: Annotated[str, typer.Argument(metavar="YYYY-MM", help="The month the figures are for.")],
    collections: Annotated[str | None, typer.Option(help="回款额, CNY.")] = None,
    shipments: Annotated[str | None, typer.Option(help="提货/发货.")] = None,
    inventory: Annotated[str | None, typer.Option(help="库存.")] = None,
    sell_out: Annotated[str | None, typer.Option("--sell-out", help="出销量.")] = None,
    movement: Annotated[str | None, typer.Option(help="动销.")] = None,
    reported: Annotated[str | None, typer.Option(metavar="YYYY-MM-DD",
                                                 help="When the customer reported. Default: today.")] = None,
    changes: Annotated[str | None, typer.Option(help="Business changes (经营变化).")] = None,
    waive: Annotated[bool, typer.Option(
        "--waive", help="The month will never be reported (closed for renovation, data lost): "
                        "writes waived: today and --note; kq due no longer chases it.")] = False,
    note: Annotated[str | None, typer.Option("--note", "-n",
                                             help="Why the month is waived (with --waive).")] = None,
) -> None:
    """Record what a customer reported for a month (months: YYYY-MM), only the keys given.

    Creates the month or updates just those keys; every other line of the file stays as it was.
    A month with no entry stays unknown: kq never reads it as zero. A month whose report is
    missing stays in kq due (report_missing) until it is reported or waived (--waive --note).

    Example: kq figures hxdyf 2026-11 --collections 118000 --sell-out 95000 --inventory 41000

    Example: kq figures wjh 2026-10 --waive --note 总部系统故障, 10 月数据无法导出
    """
    from ...core.amounts import amount
    from ...core.interaction import parse_day
    from ...store.writer import edit_customer

    month = parse_month(month).strip()
    if waive or note is not None:
        _waive(ctx, customer, month, waive, note, given=[
            option for option, value in (
                ("--collections", collections), ("--shipments", shipments),
                ("--inventory", inventory), ("--sell-out", sell_out), ("--movement", movement),
                ("--reported", reported), ("--changes", changes)) if value is not None])
        return
    amounts = {"collections": parse_amount(collections, "--collections"),
               "shipments": parse_amount(shipments, "--shipments"),
               "inventory": parse_amount(inventory, "--inventory"),
               "sell_out": parse_amount(sell_out, "--sell-out"),
               "movement": parse_amount(movement, "--movement")}
    if all(v is None for v in amounts.values()) and changes is None:
        raise KqError(_("give at least one figure ({options}) or {changes}").format(
            options="--collections, --shipments, --inventory, --sell-out, --movement",
            changes="--changes"))
    repo = open_repo(ctx)
    entry = month_entry({**amounts, "changes": changes or None},
                        parse_day(reported, "--reported", repo.today))
    match = repo.resolve(customer)
    model, _text = repo.load(match.id)

    edit = month_edit(match.id, month, entry)

    said = (_("updated {month} for {name}: {figures}") if month in model.months
            else _("added {month} for {name}: {figures}"))
    shown = ", ".join(f"{k} {amount(v)}" for k, v in entry.items() if k != "reported")
    sha = edit_customer(repo, match.id, edit, f"figures: {match.name} {month} {shown}")
    typer.echo(said.format(month=month, name=match.name, figures=shown) + committed(sha))



def _waive(ctx: typer.Context, customer: str, month: str, waive: bool, note: str | None,
           given: list[str]) -> None:
    """``months.MONTH: {waived: today, note: …}``: a month that will never be reported."""
    from ...store.writer import edit_customer

    if not waive:
        raise KqError(_("--note goes with --waive (why a month will never be reported); a "
                        "change in the customer's business goes in --changes"))
    if given:
        raise KqError(_("{option}: a waived month has no figures; leave out {options}").format(
            option="--waive", options=", ".join(given)))
    if not note or not note.strip():
        raise KqError(_("--waive needs --note: say why the month will never be reported"))
    repo = open_repo(ctx)
    match = repo.resolve(customer)
    model, _text = repo.load(match.id)
    current = model.months.get(month)
    if current is not None and current.reported is not None:
        raise KqError(_("{month} of {name} was reported on {day}: nothing to waive").format(
            month=month, name=match.name, day=current.reported.isoformat()), 1)
    entry = {"waived": repo.today, "note": note.strip()}

    edit = month_edit(match.id, month, entry)

    sha = edit_customer(repo, match.id, edit, f"figures: {match.name} {month} waived: {entry['note']}")
    typer.echo(_("waived {month} for {name}: {note}; no longer owed").format(
        month=month, name=match.name, note=entry["note"]) + committed(sha))


def month_edit(customer_id: str, month: str, entry: dict[str, Any]) -> Callable[[str], str]:
    """The edit that writes ``entry`` into ``months.MONTH`` of the file: the whole mapping when
    the month is new, else only the keys given (the rest of the month as it was)."""
    from ...store.yamledit import set_in

    def edit(text: str) -> str:
        from ...store.validate import validate_customer

        now, _problems = validate_customer(text.encode("utf-8"), customer_id)
        if now is None or month not in now.months:
            return set_in(text, ("months", month), entry)
        for key, value in entry.items():
            text = set_in(text, ("months", month, key), value)
        return text

    return edit
