from __future__ import annotations

from typing import Annotated, Any

import typer

from ..render import Format
from . import FormatOption, friendly, open_repo

STYLE_LABELS = {"leader": "领导型", "influencer": "施加影响型", "checker": "检查型",
                "follower": "跟随型"}
FAMILIARITY = {0: "0 不认识", 1: "1 认识", 2: "2 熟悉", 3: "3 亲近"}
KIND_LABELS = {"visit": "拜访", "call": "电话", "care_call": "情感电话", "wechat": "微信",
               "delivery": "到货", "training": "培训", "event": "活动",
               "deep_visit": "蹲点"}


@friendly
def run(
    ctx: typer.Context,
    customer: Annotated[str, typer.Argument(help="Id, id prefix, part of the name, or pinyin "
                                                 "initials.")],
    visits: Annotated[int, typer.Option(help="How many of the latest interactions to show.")] = 8,
    fmt: FormatOption = Format.table,
) -> None:
    """One customer's card: profile, contacts, products, latest visits, monthly figures.

    Example: kq --repo examples show hxdyf
    """
    repo = open_repo(ctx)
    match = repo.resolve(customer)
    model, _ = repo.load(match.id)
    data = {"id": match.id, **model.model_dump(mode="json", exclude_none=True)}
    if fmt is not Format.table:
        from ..render import emit

        emit([data], fmt, [])
        return
    card(data, visits)


def _kv(pairs: list[tuple[str, Any]]) -> Any:
    from rich.table import Table
    from rich.text import Text

    from ..render import cell

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for key, value in pairs:
        if value not in (None, "", [], {}):
            grid.add_row(key, Text(value if isinstance(value, str) else cell(value)))
    return grid



def card(c: dict[str, Any], last: int) -> None:
    from rich.panel import Panel
    from rich.text import Text

    from ..render import Column, console, table

    out = console()
    route = c.get("route")
    business = c.get("business") or {}
    profile = _kv([
        ("类型 kind", c.get("kind")), ("状态 status", c.get("status")),
        ("级别 grade", c.get("grade")), ("分层 tier", c.get("tier")),
        ("关系 relationship", c.get("relationship")), ("阶段 stage", c.get("stage")),
        ("业代 owner", c.get("owner")), ("区域 region", c.get("region")),
        ("地址 address", c.get("address")), ("标签 tags", c.get("tags")),
        ("合作 since", c.get("since")), ("店庆 anniversary", c.get("anniversary")),
        ("固定拜访 route", f"{route['weekday']} {route.get('time', '')}".strip() if route else None),
        ("周期 cadence", c.get("cadence")),
        ("品类 categories", business.get("categories")),
        ("营业额 revenue", business.get("annual_revenue")),
        ("品牌 brands", ", ".join(f"{k} {v:.0%}" for k, v in business.get("brands", {}).items())),
        ("备注 notes", c.get("notes")),
    ])
    out.print(Panel(profile, title=Text(f"{c['name']}  ({c['id']})", style="bold"),
                    title_align="left", expand=False))
    contacts = [
        {**p, "birthday": " / ".join(x for x in (p.get("birthday"), p.get("lunar_birthday") and
                                                 f"农历{p['lunar_birthday']}") if x),
         "style": STYLE_LABELS.get(p.get("style"), ""),
         "familiarity": FAMILIARITY.get(p.get("familiarity"), ""),
         "events": "; ".join(f"{e['date']} {e['kind']} {e.get('note', '')}".strip()
                             for e in p.get("events", []))}
        for p in c.get("contacts", [])
    ]
    if contacts:
        table(contacts, [Column("name", "联系人"), Column("role", "职务"), Column("phone", "电话"),
                         Column("wechat", "微信"), Column("birthday", "生日"),
                         Column("style", "决策风格"), Column("familiarity", "熟悉度"),
                         Column("hobbies", "爱好"), Column("events", "家庭大事")],
              title="联系人 contacts")
        from ..core.due import STYLE_ADVICE

        for p in c.get("contacts", []):
            if p.get("style") in STYLE_ADVICE:
                label, advice = STYLE_ADVICE[p["style"]]
                out.print(Text(f"  {p['name']} {label}: {advice}"))
    if c.get("products"):
        table(c["products"], [Column("name", "产品"), Column("role", "角色"),
                              Column("stage", "生命周期"), Column("brand", "品牌"),
                              Column("competitor", "竞品")], title="产品 products")
    recent = c.get("visits", [])[-last:][::-1]
    if recent:
        rows = [{**v, "kind": KIND_LABELS.get(v["kind"], v["kind"]),
                 "next": f"{v['next']['date']} {v['next']['action']}" if v.get("next") else ""}
                for v in recent]
        table(rows, [Column("date", "日期"), Column("kind", "方式"), Column("contact", "联系人"),
                     Column("goal", "目标"), Column("outcome", "结果"), Column("done", "完成"),
                     Column("next", "下一步")],
              title=f"最近往来 latest interactions ({len(recent)} of {len(c.get('visits', []))})")
    months = [{"month": m, **v} for m, v in sorted(c.get("months", {}).items(), reverse=True)]
    if months:
        money = [Column(k, h, justify="right") for k, h in
                 (("collections", "回款"), ("shipments", "提货"), ("inventory", "库存"),
                  ("sell_out", "出销"), ("movement", "动销"))]
        table(months[:6], [Column("month", "月份"), *money, Column("reported", "上报"),
                           Column("changes", "经营变化")], title="月度 months")
    if c.get("expenses"):
        table(c["expenses"][-6:], [Column("date", "日期"), Column("amount", "金额", justify="right"),
                                   Column("purpose", "用途"), Column("recipient", "对象"),
                                   Column("kind", "类型")], title="客情费 expenses")
    if c.get("intel"):
        table(c["intel"][-6:], [Column("date", "日期"), Column("claim", "信息"),
                                Column("sources", "信源")], title="情报 intel")
