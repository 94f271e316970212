"""kq team: the manager's overview, one row per rep."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ...store.errors import KqError
from ...store.warm import answered
from ..i18n import _
from ..render import Format
from . import (
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


@friendly
def run(
    ctx: typer.Context,
    month: ScoreMonthOption = None,
    fail_on: Annotated[str | None, typer.Option(
        help="'overdue': exit 1 when any rep has an overdue reminder.")] = None,
    day: Annotated[str | None, typer.Option(
        "--day", metavar="YYYY-MM-DD",
        help="Every rep's day instead (kq day): planned, done, skipped, minutes, photos, "
             "km.")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    bom: BomOption = False, keys: KeysOption = False,
) -> None:
    """One row per rep: customers (重点/次重点/非重点), reminders overdue today by reason, the
    share of key and secondary customers met within their cadence, the month's average
    scorecard total and its change, customers in the pool (公海), and for a rep who left the
    customers not yet reassigned (kq reassign).

    With --day D: one row per rep of the day written up (kq day): customers planned, done,
    skipped and planned but not visited, visits, minutes, photos, expenses and kilometres.

    Example: kq --repo examples --today 2026-11-24 team --month 2026-10

    Example: kq --repo examples --today 2026-11-24 team --day 2026-11-20
    """
    from ...core.pool import pool
    from ...core.team import TEAM_FACTS, team
    from ...store.agenda import overdue
    from ...store.cards import owner_totals
    from .score import default_month

    if fail_on not in (None, "overdue"):
        raise KqError(_("--fail-on: {value} is not supported; use 'overdue'").format(
            value=repr(fail_on)))
    repo = open_repo(ctx)
    if day is not None:
        if month is not None or fail_on is not None:
            raise KqError(_("{option} goes alone: it is the team's day, not its month").format(
                option="--day"))
        _team_day(repo, day, fmt, output, bom)
        return
    month = parse_month(month) if month else default_month(repo.today)
    rows = repo.index.facts(TEAM_FACTS)
    # today's overdue reminders as kq due lists them, counted from the agenda kept in the
    # index (a changed file is worked out again, not every customer)
    late = overdue(repo)
    cards = owner_totals(repo, month)
    data = team(rows, late, cards, pool(rows, repo.settings, repo.today), repo.settings,
                repo.today)
    code = report_skipped(repo)
    _emit(data, fmt, month, repo.settings.departed(), output, bom)
    if fail_on == "overdue" and any(r["overdue"]["total"] for r in data):
        code = 1
    answered()  # the whole answer is printed: kqcli.store.warm may keep it
    raise typer.Exit(code)


def _emit(data: list[dict[str, Any]], fmt: Format, month: str, left: dict[str, Any],
          output: Any = None, bom: bool = False) -> None:
    from ...core.team import FIELDS
    from ...schema.reasons import LABELS
    from ..labels import text_label
    from ..render import Column, Report, emit_report

    def tiers(c: dict[str, int]) -> str:
        return f"{c['total']} ({c['key']}/{c['secondary']}/{c['normal']})"

    def overdue(o: dict[str, int]) -> str:
        parts = sorted(((n, r) for r, n in o.items() if r != "total" and n), reverse=True)
        return f"{o['total']}" + (": " + " ".join(f"{text_label(LABELS, r)}{n}"
                                                   for n, r in parts[:4])
                                  if parts else "")

    def share(value: float | None) -> str:
        return "—" if value is None else f"{value:.0%}"

    def score(row: dict[str, Any]) -> str:
        if row["score_avg"] is None:
            return "—"
        return f"{row['score_avg']:g} ({row['score_change']:+g})"

    rows = [{**r, "who": r["rep"] + (_(" (left)") if r["rep"] in left else ""),
             "score": score(r)} for r in data]
    columns = [Column("who", "业代", token=True), Column("customers", "客户 (重点/次/非)", tiers),
               Column("overdue", "逾期", overdue), Column("visited_share", "按周期拜访", share,
                                                        justify="right"),
               Column("score", f"{month} 客情分 (变化)", justify="right"),
               Column("pool", "公海", justify="right"),
               Column("unassigned", "待交接", justify="right")]
    emit_report(Report(rows, FIELDS, columns, title=_("Team ({month})").format(month=month),
                       empty=_("kq.yaml lists no reps and no customer has an owner"),
                       labels=sheet_labels(), sheet=(f"团队 {month}", f"team {month}")), fmt,
                output=output, bom=bom)


def sheet_labels() -> dict[str, tuple[str, str]]:
    """Headers of the nested counts, for a sheet: 客户数.重点, 逾期.拜访."""
    from ...core.team import FIELDS
    from ...schema.enums import Tier
    from ...schema.reasons import LABELS
    from ..labels import ENUM_LABELS

    tiers = {**ENUM_LABELS[Tier], "total": "合计", "untiered": "未分层"}
    parts = {"customers": ("客户数", tiers), "overdue": ("逾期", {**LABELS, "total": "合计"})}
    out = {}
    for key in FIELDS:
        parent, _, inner = key.partition(".")
        if parent in parts:
            header, names = parts[parent]
            out[key] = (f"{header}.{names.get(inner, inner)}", key)
    return {**out, "rep": ("业代", "rep"), "visited_share": ("按周期拜访", "visited_share"),
            "score_avg": ("客情分", "score_avg"), "score_change": ("客情分变化", "score_change"),
            "pool": ("公海", "pool"), "unassigned": ("待交接", "unassigned")}


def _team_day(repo: Any, text: str, fmt: Format, output: Any, bom: bool) -> None:
    """``--day D``: every rep's day written up, one row each (core.day's totals)."""
    from ...core.day import TOTALS, team_day
    from ...core.interaction import parse_day
    from ...store.workday import day_files, morning_plans
    from ..render import Column, Report, emit_report

    day = parse_day(text, "--day")
    reps = [r.name for r in repo.settings.reps if r.left is None or r.left > day]
    rows = team_day(day_files(repo, day, None), day, reps, repo.settings,
                    morning_plans(repo, day, reps))
    code = report_skipped(repo)
    columns = [Column("rep", "业代", token=True, en="rep"),
               Column("planned", "计划", justify="right", en="planned"),
               Column("done", "完成", justify="right", en="done"),
               Column("skipped", "改期", justify="right", en="skipped"),
               Column("missed", "未去", justify="right", en="not visited"),
               Column("visits", "拜访", justify="right", en="visits"),
               Column("minutes", "分钟", justify="right", en="minutes"),
               Column("photos", "照片", justify="right", en="photos"),
               Column("expenses", "客情费", justify="right", en="expenses"),
               Column("km", "公里", lambda v: f"{v:g}", justify="right", en="km")]
    emit_report(Report(rows, TOTALS, columns,
                       title=_("The team's day: {date}").format(date=day.isoformat()),
                       empty=_("nothing recorded on {date}").format(date=day.isoformat()),
                       sheet=(f"团队 {day.isoformat()}", f"team {day.isoformat()}")), fmt,
                output=output, bom=bom)
    raise typer.Exit(code)
