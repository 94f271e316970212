from __future__ import annotations

from typing import Annotated, Any

import typer

from ...store.warm import answered
from ..i18n import _, ngettext
from ..render import Format
from . import (
    REP,
    BomOption,
    FormatOption,
    KeysOption,
    OutputOption,
    friendly,
    open_repo,
    parse_month,
    report_skipped,
)


@friendly
def run(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option(metavar="YYYY-MM", help="Default: last month.")] = None,
    by: Annotated[str | None, typer.Option(help="'owner': one line per rep.")] = None,
    owner: Annotated[str | None, typer.Option(
        click_type=REP, help="Only the customers this rep owned that month.")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    bom: BomOption = False, keys: KeysOption = False,
) -> None:
    """Monthly statement of collections and relationship expenses, with the 客情费 rule checks.

    The 月客户采购及客情费统计表 per customer or rep (--by owner); exits 1 when a rule is broken.
    Where a month's collections are not reported they are unknown (empty), not zero: the
    collection rules are not checked for that customer, and kq says so.

    Example: kq --repo examples expenses --month 2026-10 --format csv > 2026-10-客情费.csv
    """

    from ...core.dates import add_months, month_key
    from ...core.expenses import expense_calendar, per_rep, statement
    from ...store.errors import KqError
    from ..render import emit_report, warn

    if by not in (None, "owner"):
        raise KqError(_("{option}: {value} is not supported; use {choice}").format(
            option="--by", value=repr(by), choice="'owner'"))
    repo = open_repo(ctx)
    month = parse_month(month) if month else month_key(add_months(repo.today, -1))
    lines = [line for line in statement(repo.index.ledgers(), repo.settings, month)
             if not owner or line["owner"] == owner]  # the month's owner (core.owners)
    reps = per_rep(lines, repo.settings, month)
    (deadline, checked, paid), covered = expense_calendar(repo.settings, month)
    if not covered:
        warn("kq: " + _("the official holiday calendar does not cover that year yet; its days "
                        "off are estimated from the statutory holidays"))
    code = report_skipped(repo)
    unchecked = [line["name"] for line in lines if line["unchecked"]]
    if unchecked:
        warn("kq: " + ngettext(
            "collections for {month} not reported for {n} customer ({names}): 先回款后支付 not "
            "checked for them ({command} records them)",
            "collections for {month} not reported for {n} customers ({names}): 先回款后支付 not "
            "checked for them ({command} records them)", len(unchecked)).format(
            month=month, n=len(unchecked), names=", ".join(unchecked), command="kq figures"))
    dates_line = (_("statement due {due}, checked by {checked}, paid from {paid}")
                  if repo.today <= deadline else
                  _("statement due {due} (past), checked by {checked}, paid from {paid}")).format(
        due=deadline.isoformat(), checked=checked.isoformat(), paid=paid.isoformat())
    emit_report(report(reps if by else lines, month, dates_line, bool(by)), fmt, output=output,
                bom=bom)
    if any(r["violations"] for r in reps):
        code = 1
    answered()  # the whole answer is printed: kqcli.store.warm may keep it
    raise typer.Exit(code)


LINE_FIELDS = ("customer", "name", "owner", "month", "collections", "expenses", "count",
               "advances", "share", "recipients", "violations", "violation_keys", "unchecked",
               "unchecked_keys")
REP_FIELDS = ("owner", "month", "customers", "collections", "expenses", "advances",
              "violations", "violation_keys", "unchecked", "spot_check")


def report(rows: list[dict[str, Any]], month: str, dates_line: str, by_owner: bool) -> Any:
    """The statement (per customer, or per rep): violations in Chinese for people, with their
    English keys (``violation_keys``) beside the English texts in JSON (the renderer words the
    core's messages); per customer, the rules that could not be checked the same way
    (``unchecked``, ``unchecked_keys``; per rep, ``unchecked`` names those customers)."""
    from ...core.amounts import amount
    from ..labels import messages_text
    from ..render import Column, Report

    rows = [{**r, "violation_keys": [m.key for m in r["violations"]]} for r in rows]
    if not by_owner:
        rows = [{**r, "unchecked_keys": [m.key for m in r["unchecked"]]} for r in rows]

    def money(value: Any) -> str:
        if value is None:
            return _("not reported")
        return amount(value)

    listed = ",".join
    if by_owner:
        columns = [Column("owner", "业代", token=True),
                   Column("customers", "客户", justify="right", en="customers"),
                   Column("collections", "回款", money, justify="right"),
                   Column("expenses", "客情费", money, justify="right"),
                   Column("advances", "借支", money, justify="right"),
                   Column("spot_check", "抽查", listed, drop=1), Column("violations", "违规",
                                                                     messages_text, min_width=16)]
        return Report(rows, REP_FIELDS, columns,
                      title=_("{month} 客情费 by rep; {dates}").format(month=month,
                                                                      dates=dates_line),
                      caption=ngettext("{n} rep", "{n} reps", len(rows)).format(n=len(rows)),
                      sheet=(f"{month} 客情费 按业代", f"{month} expenses by rep"))
    columns = [Column("name", "客户", min_width=10), Column("owner", "业代", token=True, drop=2),
               Column("collections", "回款", money, justify="right"),
               Column("expenses", "客情费", money, justify="right"),
               Column("recipients", "对象", listed, drop=1),
               Column("violations", "违规", messages_text, min_width=16)]
    return Report(rows, LINE_FIELDS, columns,
                  title=_("{month} customer purchases and relationship expenses; {dates}").format(
                      month=month, dates=dates_line),
                  caption=ngettext("{n} customer", "{n} customers", len(rows)).format(n=len(rows)),
                  sheet=(f"{month} 客户采购及客情费统计表", f"{month} expenses"))
