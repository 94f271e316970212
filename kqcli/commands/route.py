from __future__ import annotations

from typing import Annotated

import typer

from ..errors import KqError
from ..render import Format
from . import FormatOption, friendly, open_repo, report_skipped


@friendly
def run(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Argument(
        help="A weekday (tue, 周二) or a date; default today.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only this rep's customers.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The day's route: fixed-route customers in time order, then due visits grouped by region.

    Example: kq --repo examples --today 2026-11-24 route 周二 --owner 李明
    """
    from ..core.route import day_of, plan
    from ..schema.types import day_in_range

    repo = open_repo(ctx)
    when = day_of(day, repo.today)
    if when is None:
        raise KqError(f"{day!r} is neither a weekday (mon…sun, 周一…周日) nor a date (YYYY-MM-DD)")
    try:
        day_in_range(when)
    except ValueError as e:
        raise KqError(f"DAY: {e}") from None
    rows = [(s, f) for s, f in repo.index.facts() if not owner or s.get("owner") == owner]
    stops = plan(rows, repo.settings, when)
    code = report_skipped(repo)
    if fmt is not Format.table:
        from ..render import emit

        emit(stops, fmt, [])
        raise typer.Exit(code)
    from ..render import Column, console, table

    if not stops:
        console().print(f"{when.isoformat()}: no route stops and no visits due")
    fixed = [s for s in stops if s["stop"] == "route"]
    if fixed:
        table(fixed, [Column("time", "时间"), Column("name", "客户"), Column("region", "区域"),
                      Column("address", "地址")], title=f"{when.isoformat()} 固定路线 fixed route")
    regions: dict[str, list[dict]] = {}
    for s in stops:
        if s["stop"] == "visit":
            regions.setdefault(s["region"] or "(未填区域)", []).append(s)
    for region, group in regions.items():
        rows_ = [{**s, "state": f"逾{s['overdue_days']}天" if s["overdue_days"] > 0 else
                  ("今天" if s["overdue_days"] == 0 else f"{-s['overdue_days']}天后")} for s in group]
        table(rows_, [Column("name", "客户"), Column("state", "状态"), Column("address", "地址"),
                      Column("message", "说明")], title=f"{region} ({len(group)})")
    raise typer.Exit(code)
