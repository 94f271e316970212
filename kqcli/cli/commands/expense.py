from __future__ import annotations

from typing import Annotated, Any

import typer

from ...store.errors import KqError
from ..i18n import _
from . import CustomerArgument, committed, friendly, open_repo, said


def marks() -> dict[str, str]:
    """A check's result as the line starts, in the user's language."""
    return {"ok": _("ok"), "broken": _("BROKEN"), "unchecked": _("not checked")}


def check_line(check: dict[str, Any]) -> str:
    """``  BROKEN      expense 100 on …`` (``  违规   …`` in Chinese): the mark in an aligned
    column, then the core's message in the same language."""
    from ..labels import message_text
    from ..usage import cells

    shown = marks()
    mark = shown[check["result"]]
    pad = " " * (max(cells(m) for m in shown.values()) - cells(mark))  # 未核对: 6 cells
    return f"  {mark}{pad} {message_text(check['message'])}"


def build_expense(amount: int | float, purpose: str, *, date: Any, recipient: str | None,
                  kind: str, applied: Any, advance: bool, note: str | None) -> dict[str, Any]:
    """The mapping to append under ``expenses:``, in the schema's key order (defaults left out)."""
    from ...schema.enums import ExpenseKind, parse_enum

    if not purpose.strip():
        raise KqError(_("{option}: say what the money was for (礼品, 宴请, …)").format(
            option="--purpose"))
    try:
        kind_value = parse_enum(ExpenseKind, kind).value
    except ValueError as e:
        raise KqError(f"--kind: {said(e)}") from None
    if applied is not None and kind_value != "special":
        raise KqError(_("{option} is for special expenses (--kind special)").format(
            option="--applied"))
    item: dict[str, Any] = {"date": date, "amount": amount, "purpose": purpose.strip()}
    if recipient:
        item["recipient"] = recipient.strip()
    if kind_value != "regular":
        item["kind"] = kind_value
    if applied is not None:
        item["applied"] = applied
    if advance:
        item["advance"] = True
    if note:
        item["note"] = note
    return item


@friendly
def run(
    ctx: typer.Context,
    customer: CustomerArgument,
    amount: Annotated[str, typer.Argument(help="CNY.")],
    purpose: Annotated[str, typer.Option("--purpose", "-p", help=(
        "What it was for (礼品, 宴请, 陈列支持; event: the customer's event)."))],
    recipient: Annotated[str | None, typer.Option("--recipient", "-r",
                                                  help="Who received it (a contact).")] = None,
    date: Annotated[str | None, typer.Option("--date", "-d", metavar="YYYY-MM-DD",
                                             help="Default: today.")] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="Anything else worth keeping.")] = None,
    kind: Annotated[str, typer.Option(help="regular | special (new-customer expense, 专项).")] = "regular",
    applied: Annotated[str | None, typer.Option(metavar="YYYY-MM-DD",
                                                help="When a special expense was applied for.")] = None,
    advance: Annotated[bool, typer.Option("--advance", help="Paid from the rep's cash advance.")] = False,
) -> None:
    """Record a relationship expense (客情费) and print the rule checks it triggers.

    Checks: paid only where the month's money is collected and within the share of
    collections (not checked while the month's collections are unreported); a special expense
    applied for before the contract; the rep's cash advances under the cap; the recipient
    within 客情费使用范围: a contact in purchasing (function: purchasing), a leader (level:
    executive) or in a role of expenses.allowed_roles; none needed for a prospect, a special
    expense or the customer's event (--purpose event).

    Example: kq expense hxdyf 300 --purpose 中秋礼品 --recipient 王芳 --date 2026-09-20
    """
    from ...core.amounts import amount as money
    from ...core.expenses import expense_checks
    from ...core.facts import ledger
    from ...core.interaction import parse_day
    from ...core.summary import summarize
    from ...store.writer import edit_customer
    from ...store.yamledit import append_item
    from .figures import parse_amount

    value = parse_amount(amount, "AMOUNT")
    if not value:
        raise KqError(_("{argument}: an expense is more than 0").format(argument="AMOUNT"))
    repo = open_repo(ctx)
    item = build_expense(value, purpose, date=parse_day(date, "--date", repo.today),
                         recipient=recipient, kind=kind,
                         applied=parse_day(applied, "--applied"), advance=advance, note=note)
    match = repo.resolve(customer)
    model, _text = repo.load(match.id)
    names = [c.name for c in model.contacts]
    if item.get("recipient") and names and item["recipient"] not in names:
        from ..render import warn

        warn("kq: " + _("{recipient} is not a contact of {name} (contacts: {contacts})").format(
            recipient=item["recipient"], name=match.name, contacts=", ".join(names)))
    message = f"expense: {match.name} {money(value)} {item['purpose']} {item['date'].isoformat()}"
    sha = edit_customer(repo, match.id, lambda text: append_item(text, "expenses", item), message)
    typer.echo(_("recorded expense {amount} ({purpose}) for {name} on {day}").format(
        amount=money(value), purpose=item["purpose"], name=match.name,
        day=item["date"].isoformat()) + committed(sha))

    after, _text = repo.load(match.id)
    summary, facts = summarize(match.id, after), ledger(after)
    month = item["date"].isoformat()[:7]
    drawn = 0.0
    if advance:
        from ...core.owners import month_owner

        rep = month_owner(summary, month)
        drawn = sum(e["amount"] for s, f in repo.index.ledgers()
                    if s["id"] != match.id and month_owner(s, month) == rep
                    for e in f.get("expenses", []) if e.get("advance")
                    and e["date"].startswith(month))
    new = {**item, "date": item["date"].isoformat(), "kind": item.get("kind", "regular"),
           "applied": item["applied"].isoformat() if item.get("applied") else None}
    for check in expense_checks(new, summary, facts, repo.settings, drawn):
        typer.echo(check_line(check))
