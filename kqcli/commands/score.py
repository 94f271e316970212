from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from ..errors import KqError
from ..render import Format
from . import BomOption, FormatOption, OutputOption, friendly, open_repo, parse_month, report_skipped

SHORT = {"relationship_cards": "卡", "mutual_recognition": "认", "mutual_familiarity": "熟",
         "visit_frequency": "访", "favour": "忙", "first_recommendation": "荐",
         "pop_display": "陈", "product_knowledge": "知", "feedback": "馈",
         "regular_communication": "通"}


def default_month(today: dt.date) -> str:
    """The current month in its last week (month end), else the month before."""
    from ..core.dates import add_months, month_key

    if (add_months(today, 1) - today).days <= 7:
        return month_key(today)
    return month_key(add_months(today, -1))


@friendly
def run(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option(
        metavar="YYYY-MM", help="Default: this month in its last week, else last month.")] = None,
    by: Annotated[str | None, typer.Option(help="'owner': one scorecard per rep.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only this rep's customers.")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    bom: BomOption = False,
) -> None:
    """Month-end relationship scorecards (10 items x 10 points by default), with the change.

    Items come from the month's data (cards, familiarity, visits with goal and outcome,
    help/POP/feedback marks, contact rhythm); a manager's assessment always wins; an item
    with no data scores 0 and is listed as missing. An item only a manager can judge that has
    no assessment is 未评 (null in JSON), left out of the total and the maximum.
    Distributors also get the Synergy table and the information-work indicators.

    Example: kq --repo examples score --month 2026-10 --by owner
    """
    from ..core.scoring import by_owner, scorecards

    if by not in (None, "owner"):
        raise KqError(f"--by: {by!r} is not supported; use 'owner'")
    repo = open_repo(ctx)
    month = parse_month(month) if month else default_month(repo.today)
    rows = [(s, f) for s, f in repo.index.ledgers() if not owner or s.get("owner") == owner]
    cards = scorecards(rows, repo.settings, month)
    data = by_owner(cards) if by else cards
    code = report_skipped(repo)
    if fmt is not Format.table:
        from ..render import emit

        emit(data, fmt, [], fields=("owner", "month", "customers", "items", "total", "max",
                                     "previous", "change", "missing") if by else
             ("customer", "name", "owner", "month", "items", "total", "max", "missing",
              "unassessed", "sources", "previous", "change"), output=output, bom=bom)
        raise typer.Exit(code)
    if output or bom:
        raise KqError("--output and --bom need --format xlsx, csv, tsv or json")
    if by:
        _owners(data, month)
    else:
        _customers(data, month, repo.settings)
    raise typer.Exit(code)


def _mark(value: float | None, points: float) -> Any:
    from rich.text import Text

    if value is None:
        return Text("未评", style="dim")
    share = value / points if points else 0
    style = "bold red" if share < 0.5 else ("yellow" if share < 0.7 else None)
    return Text(f"{value:g}", style=style)


def _change(value: float) -> Any:
    from rich.text import Text

    return Text(f"{value:+g}", style="green" if value > 0 else ("red" if value < 0 else None))


def _customers(cards: list[dict[str, Any]], month: str, settings: Any) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from ..render import console

    if not cards:
        console().print(f"{month}: no customers to score")
        return
    keys = list(dict.fromkeys(k for c in cards for k in c["items"]))
    points = {i.key: i.points for card in settings.score.cards.values() for i in card}
    t = Table(title=f"{month} 客情关系量化考核", box=box.SIMPLE_HEAD, title_justify="left",
              caption="卡 关系卡 认 双向认识 熟 双向熟悉 访 拜访 忙 帮忙 荐 首荐 陈 POP/陈列 "
                      "知 产品知识 馈 反馈 通 沟通; 红: 低于一半; 未评: 主管未打分, 不计入总分",
              caption_justify="left")
    t.add_column("客户", min_width=10, overflow="fold")
    t.add_column("业代", no_wrap=True)
    for k in keys:
        t.add_column(SHORT.get(k, k[:3]), justify="right")
    t.add_column("总分", justify="right")
    t.add_column("变化", justify="right")
    t.add_column("缺", justify="right")
    for c in cards:
        t.add_row(Text(c["name"]), Text(c["owner"] or ""),
                  *(_mark(c["items"][k], points.get(k, 10)) if k in c["items"] else ""
                    for k in keys),
                  Text(f"{c['total']:g}/{c['max']}", style="bold"), _change(c["change"]),
                  Text(str(len(c["missing"])) if c["missing"] else ""))
    console().print(t)
    distributors = [c for c in cards if "synergy" in c]
    if distributors:
        from ..render import Column, table

        rows = [{"name": c["name"], "synergy": f"{c['synergy']['total']:g}/{c['synergy']['max']:g}",
                 "supplier": c["synergy"]["supplier"], "distributor": c["synergy"]["distributor"],
                 "changes": "是" if c["information"]["changes_reported"] else "否",
                 "on_time": "按时" if c["information"]["on_time"] else (
                     "迟报" if c["information"]["figures_reported"] else "未报"),
                 "missing": len(c["synergy"]["missing"]) or ""} for c in distributors]
        table(rows, [Column("name", "经销商"), Column("synergy", "Synergy", justify="right"),
                     Column("supplier", "我方要求", justify="right"),
                     Column("distributor", "经销商要求", justify="right"),
                     Column("changes", "经营变化"), Column("on_time", "数据上报"),
                     Column("missing", "未评", justify="right")],
              title=f"{month} 经销商合作 Synergy")


def _owners(rows: list[dict[str, Any]], month: str) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from ..render import console

    t = Table(title=f"{month} 业代客情得分 (客户平均)", box=box.SIMPLE_HEAD, title_justify="left")
    for header, justify in (("业代", "left"), ("客户", "right"), ("平均分", "right"),
                            ("", "left"), ("变化", "right"), ("最弱项", "left")):
        t.add_column(header, justify=justify)
    for r in rows:
        share = r["total"] / r["max"] if r["max"] else 0
        bar = Text("█" * round(share * 20) + "░" * (20 - round(share * 20)),
                   style="green" if share >= 0.7 else ("yellow" if share >= 0.5 else "red"))
        weakest = sorted(((k, v) for k, v in r["items"].items() if v is not None),
                         key=lambda kv: kv[1])[:2]
        t.add_row(Text(r["owner"]), str(r["customers"]), f"{r['total']:g}/{r['max']:g}", bar,
                  _change(r["change"]), Text(", ".join(f"{SHORT.get(k, k)} {v:g}"
                                                       for k, v in weakest)))
    console().print(t)
