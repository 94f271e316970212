from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from ...store.errors import KqError
from ...store.warm import answered
from ..i18n import _
from ..render import Format
from . import (
    REP,
    BomOption,
    FormatOption,
    KeysOption,
    OutputOption,
    ScoreMonthOption,
    friendly,
    open_repo,
    parse_month,
    report_skipped,
)

SHORT = {"relationship_cards": "卡", "mutual_recognition": "认", "mutual_familiarity": "熟",
         "visit_frequency": "访", "favour": "忙", "first_recommendation": "荐",
         "pop_display": "陈", "product_knowledge": "知", "feedback": "馈",
         "regular_communication": "通", "levels": "层", "functions": "职", "synergy": "合",
         "changes_reported": "变", "figures_on_time": "报"}
SHORT_EN = {"relationship_cards": "crd", "mutual_recognition": "rec", "mutual_familiarity": "fam",
            "visit_frequency": "vis", "favour": "fav", "first_recommendation": "1st",
            "pop_display": "pop", "product_knowledge": "knw", "feedback": "fbk",
            "regular_communication": "com", "levels": "lvl", "functions": "fun",
            "synergy": "syn", "changes_reported": "biz", "figures_on_time": "rpt"}
WORDS = {"relationship_cards": ("关系卡", "cards"), "mutual_recognition": ("双向认识", "recognition"),
         "mutual_familiarity": ("双向熟悉", "familiarity"), "visit_frequency": ("拜访", "visits"),
         "favour": ("帮忙", "favour"), "first_recommendation": ("首荐", "first recommendation"),
         "pop_display": ("POP/陈列", "POP/display"), "product_knowledge": ("产品知识", "knowledge"),
         "feedback": ("反馈", "feedback"), "regular_communication": ("沟通", "communication"),
         "levels": ("层级覆盖", "levels"), "functions": ("职能覆盖", "functions"),
         "synergy": ("Synergy 合作", "Synergy"), "changes_reported": ("经营变化", "business changes"),
         "figures_on_time": ("按时上报", "figures on time")}
"""What a column's short header stands for, in a card's caption (Chinese, English)."""
CARD_TITLES = {"default": ("客情关系量化考核", "relationship scorecards"),
               "terminal": ("客情关系量化考核", "relationship scorecards"),
               "key_account": ("大客户客情考核", "key-account scorecards"),
               "distributor": ("经销商客情考核", "distributor scorecards")}


def default_month(today: dt.date) -> str:
    """The current month in its last week (month end), else the month before."""
    from ...core.dates import add_months, month_key

    if (add_months(today, 1) - today).days <= 7:
        return month_key(today)
    return month_key(add_months(today, -1))


@friendly
def run(
    ctx: typer.Context,
    month: ScoreMonthOption = None,
    by: Annotated[str | None, typer.Option(help="'owner': one scorecard per rep.")] = None,
    owner: Annotated[str | None, typer.Option(
        click_type=REP, help="Only the customers this rep owned that month.")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    bom: BomOption = False, keys: KeysOption = False,
) -> None:
    """Month-end relationship scorecards (10 items x 10 points by default), with the change.

    Terminals are scored on the clerk card (店员), key accounts on the key-account card,
    distributors on the Synergy table and the information work; kq.yaml's score.cards may
    give a rep's role (reps[].role) cards of its own: one table per card.
    Items come from the month's data (cards, familiarity, visits with goal and outcome,
    help/POP/feedback marks, contact rhythm); a manager's assessment always wins; an item
    with no data scores 0 and is listed as missing. An item only a manager can judge that has
    no assessment is n/a (null in JSON), left out of the total and the maximum.

    Example: kq --repo examples score --month 2026-10 --by owner
    """
    from ...core.scoring import by_owner
    from ...store.cards import scorecards

    if by not in (None, "owner"):
        raise KqError(_("--by: {value} is not supported; use 'owner'").format(value=repr(by)))
    repo = open_repo(ctx)
    month = parse_month(month) if month else default_month(repo.today)
    cards = scorecards(repo, month, owner)
    data = by_owner(cards) if by else cards
    code = report_skipped(repo)
    if fmt is Format.table and (output or bom):
        raise KqError(_("--output and --bom need --format xlsx, csv, tsv or json"))
    from ..render import emit_report

    emit_report(report(data, month, repo.settings, bool(by)), fmt, output=output, bom=bom)
    answered()  # the whole answer is printed: kqcli.store.warm may keep it
    raise typer.Exit(code)


def fields(settings: Any, by_owner: bool) -> tuple[str, ...]:
    """Every column of a scorecard, whatever the rows: each item of every card, and for
    distributors the Synergy factors and the information-work indicators (null for others)."""
    from ...core.scoring import all_items
    from ..report import nested

    items = [i.key for i in all_items(settings)]
    if by_owner:
        return ("owner", "month", "customers", *nested("items", items), "total", "max",
                "previous", "change", "role", "missing", "visit_minutes")
    factors = [f.key for f in settings.score.synergy]
    return ("customer", "name", "owner", "month", *nested("items", items), "total", "max",
            "missing", "unassessed", *nested("sources", items), "previous", "change", "role",
            "card", "assessed_by", "assessed_on", "assessment_note", "visit_minutes",
            *nested("synergy.factors", factors),
            *nested("synergy", ["supplier", "distributor", "total", "max", "missing"]),
            *nested("information", ["changes_reported", "figures_reported", "on_time",
                                    "deadline"]))


def report(data: list[dict[str, Any]], month: str, settings: Any, by_owner: bool) -> Any:
    """Scorecards as a report: one object per card with the same keys for every kind."""
    from ..labels import english
    from ..render import Report, Section

    keys = fields(settings, by_owner)
    rows = [{"synergy": None, "information": None, **c} for c in data] if not by_owner else data
    if by_owner:
        shown = [{**r, "score": f"{r['total']:g}/{r['max']:g}",
                  "bar": r["total"] / r["max"] if r["max"] else 0, "weakest": r["items"]}
                 for r in data]
        return Report(rows, keys, _owner_columns(),
                      sections=[Section(f"{month} scores by rep (average per customer)"
                                        if english() else f"{month} 业代客情得分 (客户平均)", shown)],
                      title=f"{month} 业代客情得分" if not english() else f"{month} scores by rep",
                      empty=_("{month}: no customers to score").format(month=month),
                      labels=sheet_labels(settings),
                      sheet=(f"{month} 业代客情得分", f"{month} scores by rep"))
    found = _customers(rows, keys, month, settings)
    found.labels, found.sheet = sheet_labels(settings), (f"{month} 客情关系量化考核",
                                                         f"{month} scorecards")
    return found


def sheet_labels(settings: Any) -> dict[str, tuple[str, str]]:
    """Headers of a sheet's item and factor columns: kq.yaml's label of each item not named
    in kqcli.cli.render.HEADERS (a card of one's own), and of each Synergy factor."""
    from ..render import HEADERS

    out: dict[str, tuple[str, str]] = {}
    for card in settings.score.cards.values():
        for item in card:
            name = HEADERS.get(item.key, item.label)
            out[item.key] = (name, item.key)  # the item named in missing, unassessed
            out[f"items.{item.key}"] = (name, f"items.{item.key}")
            out[f"sources.{item.key}"] = (f"来源.{name}", f"sources.{item.key}")
    for factor in settings.score.synergy:
        out[factor.key] = (factor.label, factor.key)  # named in synergy.missing
        out[f"synergy.factors.{factor.key}"] = (f"Synergy.{factor.label}",
                                                f"synergy.factors.{factor.key}")
    return out


def _short(key: str) -> tuple[str, str]:
    return SHORT.get(key, key[:3]), SHORT_EN.get(key, key[:3])


def _mark(points: float) -> Any:
    """An item's cell: red below half the points, yellow below 70%, 未评 when unassessed."""

    def show(value: Any) -> Any:
        from rich.text import Text

        from ..labels import english

        if value is None:
            return Text("n/a" if english() else "未评", style="dim")
        share = value / points if points else 0
        return Text(f"{value:g}", style="bold red" if share < 0.5 else (
            "yellow" if share < 0.7 else None))

    return show


def _change(value: Any) -> Any:
    from rich.text import Text

    from ..labels import signed

    if value is None:
        return ""
    return Text(signed(value), style="green" if value > 0 else ("red" if value < 0 else None))


def _customers(rows: list[dict[str, Any]], keys: tuple[str, ...], month: str,
               settings: Any) -> Any:
    """One table per card (the clerk card, the key-account card, the distributor card, a
    role's cards), each with its own items; distributors' Synergy table after them."""
    from ..labels import english, yes_no
    from ..render import Column, Report, Section

    en = english()
    groups: dict[str, list[dict[str, Any]]] = {}
    for c in rows:
        groups.setdefault(c.get("card") or "default", []).append(c)
    sections = [_card_section(name, groups[name], month, settings, en)
                for name in sorted(groups, key=_card_order)]
    distributors = [c for c in rows if c.get("synergy")]
    if distributors:
        table = [{"name": c["name"],
                  "synergy": f"{c['synergy']['total']:g}/{c['synergy']['max']:g}",
                  "supplier": c["synergy"]["supplier"], "distributor": c["synergy"]["distributor"],
                  "changes": yes_no(c["information"]["changes_reported"]),
                  "on_time": _on_time(c["information"], en),
                  "missing": len(c["synergy"]["missing"]) or ""} for c in distributors]
        sections.append(Section(f"{month} distributor Synergy" if en else
                                f"{month} 经销商合作 Synergy", table, [
            Column("name", "经销商", min_width=10, en="distributor"),
            Column("synergy", "Synergy", justify="right"),
            Column("supplier", "我方要求", justify="right", en="we require"),
            Column("distributor", "经销商要求", justify="right", en="they require"),
            Column("changes", "经营变化", token=True, en="changes"),
            Column("on_time", "数据上报", token=True, en="figures"),
            Column("missing", "未评", justify="right", en="n/a")]))
    columns = {c.key: c for s in sections[:len(groups)] for c in s.columns or ()}
    return Report(rows, keys, list(columns.values()), sections=sections, compact=True,
                  empty=_("{month}: no customers to score").format(month=month))


KIND_ORDER = ("default", "terminal", "key_account", "distributor")


def _card_order(name: str) -> tuple[int, int]:
    """Cards without a role first, then by role; within each, by kind (default first)."""
    from ...schema.enums import RepRole

    roles = [r.value for r in RepRole]
    role, dot, kind = name.partition(".")
    if not dot:
        role, kind = (name, "default") if name in roles else ("", name)
    return (roles.index(role) + 1 if role in roles else 0,
            KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER))


def _card_title(name: str, month: str, en: bool) -> str:
    from ...schema.enums import Kind, RepRole
    from ..labels import enum_label

    if name in CARD_TITLES:
        return f"{month} {CARD_TITLES[name][1 if en else 0]}"
    role, _, kind = name.partition(".")
    if en:
        return f"{month} scorecards of a {role.replace('_', ' ')}" + (
            f" ({kind.replace('_', ' ')})" if kind else "")
    return f"{month} 客情考核: {enum_label(RepRole, role)}" + (
        f" ({enum_label(Kind, kind)})" if kind else "")


def _caption(items: list[str], en: bool) -> str:
    """What each short header stands for, then the colours, in lines of at most 80 cells,
    never breaking a pair."""
    from ..tabletext import width

    pairs = [f"{_short(k)[1 if en else 0]} {WORDS.get(k, (k, k.replace('_', ' ')))[1 if en else 0]}"
             for k in items]
    pairs[-1] += ";"
    pairs += (["red: below half;", "n/a: not assessed, not in the total"] if en else
              ["红: 低于一半;", "未评: 主管未打分, 不计入总分"])
    lines = [pairs[0]]
    for pair in pairs[1:]:
        if width(f"{lines[-1]} {pair}") <= 80:
            lines[-1] += f" {pair}"
        else:
            lines.append(pair)
    return "\n".join(lines)


def _card_section(name: str, rows: list[dict[str, Any]], month: str, settings: Any,
                  en: bool) -> Any:
    from ..render import Column, Section

    card = dict(settings.score.cards).get(name, [])
    points = {i.key: i.points for i in card}
    items = list(dict.fromkeys([*(i.key for i in card), *(k for c in rows for k in c["items"])]))
    columns = [Column("name", "客户", min_width=10), Column("owner", "业代", token=True),
               *(Column(f"items.{k}", _short(k)[0], _mark(points.get(k, 10)), justify="right",
                        en=_short(k)[1]) for k in items),
               Column("score", "总分", justify="right", en="total"),
               Column("change", "变化", _change, justify="right", en="chg"),
               Column("missing", "缺", lambda m: str(len(m)) if m else "", justify="right",
                      en="miss", drop=1)]
    if name in ("default", "terminal"):  # the manual's clerk card
        caption = ("crd cards rec recognition fam familiarity vis visits fav favour\n"
                   "1st first recommendation pop POP/display knw knowledge fbk feedback\n"
                   "com communication; red: below half; n/a: not assessed, not in the total"
                   if en else
                   "卡 关系卡 认 双向认识 熟 双向熟悉 访 拜访 忙 帮忙 荐 首荐 陈 POP/陈列\n"
                   "知 产品知识 馈 反馈 通 沟通; 红: 低于一半; 未评: 主管未打分, 不计入总分")
    else:
        caption = _caption(items, en)
    shown = [{**c, "score": f"{c['total']:g}/{c['max']}"} for c in rows]
    return Section(_card_title(name, month, en), shown, columns, caption=caption,
                   notes=_assessors(rows, en))


def _assessors(rows: list[dict[str, Any]], en: bool) -> list[str]:
    """One line per card a manager assessed with a name, a day or a note: the assessor's
    signature and date of the manual's form."""
    lines = []
    for c in rows:
        by, on, note = c.get("assessed_by"), c.get("assessed_on"), c.get("assessment_note")
        if en:
            said = [f"by {by}" if by else None, f"on {on}" if on else None, note]
            line = f"assessed {c['name']}: {', '.join(filter(None, said))}"
        else:
            line = f"主管评分 {c['name']}: {' '.join(filter(None, (by, on, note)))}"
        if by or on or note:
            lines.append(line)
    return lines


def _on_time(information: dict[str, Any], en: bool) -> str:
    if information["on_time"]:
        return "on time" if en else "按时"
    if information["figures_reported"]:
        return "late" if en else "迟报"
    return "missing" if en else "未报"


def _owner_columns() -> list[Any]:
    from rich.text import Text

    from ..render import Column

    def bar(share: float) -> Any:
        filled = round(share * 20)
        return Text("█" * filled + "░" * (20 - filled),
                    style="green" if share >= 0.7 else ("yellow" if share >= 0.5 else "red"))

    def weakest(items: dict[str, Any]) -> str:
        from ..labels import english

        low = sorted(((k, v) for k, v in items.items() if v is not None), key=lambda kv: kv[1])[:2]
        return ", ".join(f"{_short(k)[1 if english() else 0]} {v:g}" for k, v in low)

    return [Column("owner", "业代", token=True),
            Column("customers", "客户", justify="right", en="customers"),
            Column("score", "平均分", justify="right", en="average"),
            Column("bar", "", bar, token=True, en="", drop=1),
            Column("change", "变化", _change, justify="right", en="change"),
            Column("weakest", "最弱项", weakest, en="weakest")]
