from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from ...store.warm import answered
from ..i18n import _
from ..render import Format
from . import (
    OWNER_HELP,
    REP,
    BomOption,
    FormatOption,
    KeysOption,
    OutputOption,
    friendly,
    open_repo,
    owner_of,
    parse_day,
    report_skipped,
)


@friendly
def run(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Argument(
        help="A weekday (tue, 周二) or a date; default today.")] = None,
    owner: Annotated[str | None, typer.Option(click_type=REP, help=OWNER_HELP)] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    bom: BomOption = False, keys: KeysOption = False,
) -> None:
    """The day's route: fixed-route customers in time order, then due visits grouped by region.

    Example: kq --repo examples --today 2026-11-24 route 周二 --owner 李明
    """
    from ...core.route import plan

    repo = open_repo(ctx)
    when = parse_day(day, repo.today, "DAY")
    owner = owner_of(repo, owner)
    rows = [(s, f) for s, f in repo.index.facts() if not owner or s.get("owner") == owner]
    stops = plan(rows, repo.settings, when)
    if owner is None:  # the whole team's: whose each stop is
        owners = {s["id"]: s.get("owner") for s, _f in rows}
        stops = [{**s, "owner": owners.get(s["customer"])} for s in stops]
    code = report_skipped(repo)
    from ..render import emit_report

    team = owner is None and len({s["owner"] for s in stops} - {None}) > 1
    emit_report(report(stops, when, team=team), fmt, output=output, bom=bom)
    answered()  # the whole answer is printed: kqcli.store.warm may keep it
    raise typer.Exit(code)


FIELDS = ("customer", "name", "stop", "time", "region", "address", "due", "overdue_days",
          "message", "message_key", "message_params", "estimated")



def report(stops: list[dict[str, Any]], when: dt.date, team: bool = False) -> Any:
    """The fixed route in time order, then one table per region of the visits due; ``team``:
    the whole team's, with the rep (业代) of each stop."""
    from ..labels import english, said_text
    from ..render import Column, Report, Section

    def state(days: int) -> str:
        if english():
            return f"{days}d late" if days > 0 else ("today" if days == 0 else f"in {-days}d")
        return f"逾{days}天" if days > 0 else ("今天" if days == 0 else f"{-days}天后")

    rep = [Column("owner", "业代", token=True, en="rep", drop=1)] if team else []
    sections = []
    fixed = [s for s in stops if s["stop"] == "route"]
    if fixed:
        sections.append(Section(_("{day} fixed route").format(day=when.isoformat()), fixed, [
            Column("time", "时间", token=True), Column("name", "客户", min_width=12), *rep,
            Column("region", "区域", drop=1), Column("address", "地址")]))
    regions: dict[str, list[dict[str, Any]]] = {}
    for s in stops:
        if s["stop"] == "visit":
            regions.setdefault(s["region"] or _("(no region)"), []).append(s)
    for region, group in regions.items():
        sections.append(Section(f"{region} ({len(group)})", [
            {**s, "state": state(s["overdue_days"]), "message": said_text(s)} for s in group], [
            Column("name", "客户", min_width=12), *rep, Column("state", "状态", token=True),
            Column("address", "地址", drop=1), Column("message", "说明")]))
    return Report(stops, FIELDS, sections=sections,
                  empty=_("{day}: no route stops and no visits due").format(day=when.isoformat()),
                  sheet=(f"路线 {when.isoformat()}", f"route {when.isoformat()}"))
