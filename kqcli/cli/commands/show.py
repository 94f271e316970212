from __future__ import annotations

from typing import Annotated, Any

import typer

from ...core.amounts import amount
from ...core.dates import lunar_day
from ...store.errors import KqError
from ..i18n import _, lang
from ..render import Column, Format, Report, Section, cell
from . import BomOption, CustomerArgument, FormatOption, KeysOption, OutputOption, friendly, open_repo

FAMILIARITY = {0: "0 不认识", 1: "1 认识", 2: "2 熟悉", 3: "3 亲近"}
FAMILIARITY_EN = {0: "0 none", 1: "1 know", 2: "2 familiar", 3: "3 close"}


@friendly
def run(
    ctx: typer.Context,
    customer: CustomerArgument,
    visits: Annotated[int, typer.Option(help="How many of the latest interactions to show.")] = 8,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    bom: BomOption = False, keys: KeysOption = False,
) -> None:
    """One customer's card: profile, contacts, products, latest visits, monthly figures.

    Example: kq --repo examples show hxdyfrm
    """
    repo = open_repo(ctx)
    match = repo.resolve(customer)
    model, _ = repo.load(match.id)
    data = {"id": match.id, **model.model_dump(mode="json", exclude_none=True)}
    if fmt is not Format.table:
        from ..render import emit

        if fmt is Format.xlsx:
            from ..render import emit_report

            emit_report(book(data), fmt, output=output)
            return
        emit([data], fmt, [], output=output, bom=bom)
        return
    if output or bom:
        raise KqError(_("--output and --bom need --format xlsx, csv, tsv or json"))
    from ..render import print_report

    print_report(card(data, visits, repo.settings.risk))


PAIRS = [Column("field", "项目"), Column("value", "内容", cell)]


def _pairs(title: str | None, pairs: list[tuple[str, Any]], **layout: Any) -> Section:
    """A key/value section of the fields that have a value."""
    rows = [{"field": _one(key), "value": value} for key, value in pairs
            if value not in (None, "", [], {})]
    return Section(title, rows, PAIRS, layout="pairs", **layout)


def _one(label: str) -> str:
    """``类型 kind``: 类型, or kind with --lang en (the card's labels name both)."""
    from ..labels import english

    chinese, _space, english_label = label.partition(" ")
    if chinese.isascii() or not english_label.isascii() or not any(
            c.isalpha() for c in english_label):
        return label  # said in one language already
    return english_label if english() else chinese


def _table(rows: list[dict[str, Any]], columns: list[Column], title: str) -> Section:
    """A card's table without the columns nobody filled in."""
    filled = [c for c in columns if any(r.get(c.key) not in (None, "", [], {}) for r in rows)]
    return Section(_one(title), rows, filled)


def card(c: dict[str, Any], last: int, risk: Any) -> Report:
    """The card as a report: the profile (a framed key/value section), then a table per part
    of the file that has rows, the contacts' style advice under theirs, and the sparklines."""
    from ...schema import enums
    from ..labels import english, enum_label, shows, yes_no

    sections: list[Section] = []
    route = c.get("route")
    business = c.get("business") or {}
    sections.append(_pairs(f"{c['name']}  ({c['id']})", [
        ("类型 kind", enum_label(enums.Kind, c.get("kind"))),
        ("状态 status", enum_label(enums.Status, c.get("status"))),
        ("级别 grade", enum_label(enums.Grade, c.get("grade"))),
        ("分层 tier", enum_label(enums.Tier, c.get("tier"))),
        ("关系 relationship", enum_label(enums.Relationship, c.get("relationship"))),
        ("阶段 stage", enum_label(enums.Stage, c.get("stage"))),
        ("业代 owner", c.get("owner")), ("区域 region", c.get("region")),
        ("地址 address", c.get("address")), ("电话 phone", c.get("phone")),
        ("标签 tags", c.get("tags")),
        ("合作 since", c.get("since")), ("店庆 anniversary", c.get("anniversary")),
        ("固定拜访 route", f"{enum_label(enums.Weekday, route['weekday'])} "
                          f"{route.get('time', '')}".strip() if route else None),
        ("周期 cadence", c.get("cadence")),
        ("品类 categories", business.get("categories")),
        ("营业额 revenue", amount(business.get("annual_revenue"))),
        ("品牌 brands", ", ".join(f"{k} {v:.0%}" for k, v in business.get("brands", {}).items())),
        ("备注 notes", c.get("notes")),
    ], frame=True))
    contacts = [
        {**p, "birthday": " / ".join(x for x in (p.get("birthday"), p.get("lunar_birthday") and
                                                 lunar_day(p["lunar_birthday"], lang())) if x),
         "familiarity": (FAMILIARITY_EN if english() else FAMILIARITY).get(
             p.get("familiarity"), ""),
         "events": "; ".join(f"{e['date']} {enum_label(enums.EventKind, e['kind'])} "
                             f"{e.get('note', '')}".strip() for e in p.get("events", []))}
        for p in c.get("contacts", [])
    ]
    if contacts:
        from ...core.due import STYLES
        from ...core.messages import Message
        from ..labels import message_text

        section = _table(contacts, [
            Column("name", "联系人", token=True), Column("role", "职务", token=True),
            Column("phone", "电话", token=True), Column("wechat", "微信", drop=2),
            Column("birthday", "生日", token=True),
            Column("style", "决策风格", shows(enums.Style), token=True),
            Column("familiarity", "熟悉度", token=True, drop=3),
            Column("hobbies", "爱好", drop=1), Column("events", "家庭大事")], "联系人 contacts")
        section.notes = [f"  {p['name']} {message_text(Message('style_' + p['style']))}"
                         for p in c.get("contacts", []) if p.get("style") in STYLES]
        sections.append(section)
    if c.get("products"):
        sections.append(_table(c["products"], [
            Column("name", "产品"), Column("role", "角色", shows(enums.ProductRole), token=True),
            Column("stage", "生命周期", shows(enums.ProductStage), token=True),
            Column("brand", "品牌"), Column("competitor", "竞品", yes_no, token=True)],
            "产品 products"))
    recent = c.get("visits", [])[-last:][::-1]
    if recent:
        plan = "(planned)" if english() else "(计划)"  # not done yet: no outcome to show
        rows = [{**v, "next": f"{v['next']['date']} {v['next']['action']}" if v.get("next")
                 else "", "done": ",".join(enum_label(enums.Done, d) for d in v.get("done", [])),
                 "outcome": plan if v.get("planned") else v.get("outcome"),
                 "photos": "\n".join(v.get("photos", []))}
                for v in recent]
        sections.append(_table(rows, [
            Column("date", "日期", token=True), Column("at", "时间", token=True),
            Column("minutes", "分钟", justify="right"),
            Column("kind", "方式", shows(enums.InteractionKind), token=True),
            Column("contact", "联系人", token=True), Column("goal", "目标"),
            Column("outcome", "结果"), Column("done", "完成", drop=1), Column("next", "下一步"),
            Column("photos", "照片", token=True)],
            _("Latest interactions ({n} of {total})").format(n=len(recent),
                                                              total=len(c.get("visits", [])))))
    shelf = _latest_shelf(c.get("visits", []))
    if shelf:
        sections.append(_table(shelf, [
            Column("date", "日期", token=True), Column("sku", "商品"),
            Column("facings", "排面", justify="right"),
            Column("price", "价格", lambda v: "" if v is None else f"{v:g}", justify="right"),
            Column("stock", "库存", justify="right"), Column("pop", "POP", yes_no, token=True)],
            "货架 shelf"))
    skips = c.get("skips", [])[-6:][::-1]
    if skips:
        sections.append(_table(skips, [
            Column("date", "日期", token=True), Column("to", "改到", token=True),
            Column("reason", "原因")], "改期 skips"))
    months = [{"month": m, **v} for m, v in sorted(c.get("months", {}).items(), reverse=True)]
    if months:
        money = [Column(k, h, amount, justify="right") for k, h in
                 (("collections", "回款"), ("shipments", "提货"), ("inventory", "库存"),
                  ("sell_out", "出销"), ("movement", "动销"))]
        sections.append(_table(months[:6], [
            Column("month", "月份", token=True), *money, Column("reported", "上报", token=True),
            Column("changes", "经营变化"), Column("waived", "免报", token=True),
            Column("note", "备注")], "月度 months"))
    if c.get("expenses"):
        sections.append(_table(c["expenses"][-6:], [
            Column("date", "日期", token=True), Column("amount", "金额", amount, justify="right"),
            Column("purpose", "用途"), Column("recipient", "对象"),
            Column("kind", "类型", shows(enums.ExpenseKind), token=True)], "客情费 expenses"))
    if c.get("intel"):
        sections.append(_table(c["intel"][-6:], [
            Column("date", "日期", token=True), Column("claim", "信息"),
            Column("sources", "信源")], "情报 intel"))
    issues = [{"n": n, **i} for n, i in enumerate(c.get("issues", []), 1) if not i.get("closed")]
    if issues:
        sections.append(_table(issues, [
            Column("n", "#", token=True, justify="right"), Column("opened", "受理", token=True),
            Column("kind", "类型", shows(enums.IssueKind), token=True), Column("text", "内容")],
            _("Open issues ({n}; {command})").format(
                n=len(issues), command=f"kq issue {c['id']} --close N --note …")))
    if months:
        sections.append(sparklines(c["months"], risk))
    return Report([c], [], sections=sections)


def _latest_shelf(visits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each product's latest shelf check (kq shelf), by product."""
    latest: dict[str, dict[str, Any]] = {}
    for v in visits:
        for check in v.get("shelf") or []:
            if check["sku"] not in latest or str(v["date"]) >= str(latest[check["sku"]]["date"]):
                latest[check["sku"]] = {"date": v["date"], **check}
    return [latest[sku] for sku in sorted(latest)]


def sparklines(months: dict[str, Any], risk: Any) -> Section:
    """The last 12 months of collections, sell-out and inventory as sparklines, the months
    that trigger a risk rule in red with a ^ under them (for a terminal without colour)."""
    from rich.text import Text

    from ...core.sparkline import figure_lines

    lines = figure_lines(months, max(months), risk)
    rows = []
    for line in lines:
        text = Text(f"  {line['label']}  ")
        for char, flagged in zip(line["spark"], line["risk"], strict=True):
            text.append(char, style="bold red" if flagged else None)
        text.append(f"  {amount(line['latest']) if line['latest'] is not None else '未报'}")
        flagged = [m for m, f in zip(line["months"], line["risk"], strict=True) if f]
        if flagged:
            text.append("  " + _("risk: {months}").format(months=", ".join(flagged)), style="red")
        rows.append({"line": text})
        if flagged:
            rows.append({"line": "        " + "".join("^" if f else " " for f in line["risk"])})
    return Section(_("Last 12 months ({first} – {last})").format(first=lines[0]["months"][0],
                                                                last=max(months)), rows,
                   [Column("line", "")], layout="lines")


# A card as a workbook: the customer's own fields on one row, then a sheet per list in the file.
PARTS = (("contacts", "联系人", "contacts"), ("products", "产品", "products"),
         ("visits", "往来", "interactions"), ("months", "月度", "months"),
         ("assessments", "主管评分", "assessments"), ("synergy", "Synergy", "synergy"),
         ("expenses", "客情费", "expenses"), ("intel", "情报", "intel"),
         ("owners", "业代变更", "owners"), ("acks", "已确认", "acks"))


def book(c: dict[str, Any]) -> Report:
    """``kq show --format xlsx``: the profile (a mapping spread over named columns, business.
    annual_revenue), then a sheet per part of the file that has rows; a month's mapping is a
    row per month."""
    from ...schema import enums
    from ..labels import english, enum_label
    from ..render import spread

    def events(value: Any, _: dict[str, Any]) -> str:
        return "; ".join(f"{e['date']} {enum_label(enums.EventKind, e['kind'])} "
                         f"{e.get('note', '')}".strip() for e in value or [])

    def brands(value: Any, _: dict[str, Any]) -> str:
        return ", ".join(f"{k} {v:.0%}" for k, v in (value or {}).items())

    columns = {
        "contacts": [Column("name", "姓名"), Column("events", "家庭大事", kind=events)],
        "products": [Column("name", "产品"),
                     Column("role", "角色", kind=enums.ProductRole),
                     Column("stage", "生命周期", kind=enums.ProductStage),
                     Column("since", "上架日期")],
        "visits": [Column("kind", "方式", kind=enums.InteractionKind)],
        "months": [Column("month", "月份")],
        "expenses": [Column("kind", "类型", kind=enums.ExpenseKind)],
        "intel": [Column("sources", "信源")],
    }
    profile = {k: v for k, v in c.items() if k not in dict.fromkeys(p for p, *_ in PARTS)}
    own = [Column("name", "客户"), Column("business.brands", "品牌", kind=brands)]
    sheets = []
    for part, zh, en in PARTS:
        value = c.get(part)
        rows = ([{"month": m, **v} for m, v in sorted(value.items())]
                if isinstance(value, dict) else value or [])
        if rows:
            sheets.append(Report(rows, spread(rows, columns.get(part, ())),
                                 columns.get(part, ()), sheet=(zh, en)))
    name = c["name"] if not english() else c["id"]
    return Report([profile], spread([profile]), own, sheet=(name, name), more_sheets=sheets)
