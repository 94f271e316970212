"""kq day: a rep's day written up (工作写实)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ...store.errors import KqError
from . import REP, OutputOption, friendly, open_repo, owner_of, report_skipped


class DayFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"
    html = "html"


@friendly
def run(
    ctx: typer.Context,
    date: Annotated[str | None, typer.Option(
        "--date", "-d", metavar="YYYY-MM-DD", help="The day. Default: today.")] = None,
    owner: Annotated[str | None, typer.Option(
        click_type=REP, help="The rep ('all': the whole team). Default: this clone's rep.")
    ] = None,
    fmt: Annotated[DayFormat, typer.Option(
        "--format", "-f", help="table for people; json for programs; md (Markdown) to paste "
                               "into a chat; html for one offline page.")] = DayFormat.table,
    output: OutputOption = None,
) -> None:
    """A rep's day written up (the day report): what was planned, done and skipped, with times,
    photos, shelf checks, expenses and the kilometres by the plan.

    Done: each interaction of the day with its time (at), minutes, kind, contact, goal and
    outcome, photos and shelf checks (a price outside kq.yaml's band, too few facings, off
    the shelf), and the customer's expenses, intel, issues opened and next step set that day.
    Skipped: each visit moved by kq skip, and why. Planned: the morning's plan, and each
    planned customer neither visited nor skipped. Kilometres: between the day's located
    visits in time order, as the plan estimates travel.

    Example: kq --repo examples --today 2026-11-24 day --owner 李明 --format md
    """
    from ...core.day import planned_stop, written_day
    from ...core.interaction import parse_day
    from ...store.workday import day_files, morning_plans

    repo = open_repo(ctx)
    day = parse_day(date, "--date", repo.today)
    rep = owner_of(repo, owner)
    reps = [rep] if rep is not None else [
        r.name for r in repo.settings.reps if r.left is None or r.left > day]
    plans = morning_plans(repo, day, reps)
    written = written_day(day_files(repo, day, rep), day, rep, repo.settings,
                          [planned_stop(stop, who) for who, (stops, _km) in plans.items()
                           for stop in stops],
                          sum(km for _stops, km in plans.values()))
    code = report_skipped(repo)
    _emit(repo, written, fmt, output)
    raise typer.Exit(code)


def _emit(repo: Any, day: Any, fmt: DayFormat, output: Path | None) -> None:
    from .. import daytext
    from ..render import Format, Report, emit_report

    if fmt is DayFormat.table:
        if output is not None:
            raise KqError("--output needs --format json, md or html")
        rows = [{**r, "what": daytext.what(r), "goal_outcome": daytext.goal_outcome(r),
                 "notes": "\n".join(daytext.notes(r))} for r in day.rows]
        emit_report(Report(rows, _fields(), _columns(), title=daytext.title(day),
                           notes=[daytext.totals_line(day.totals)],
                           empty=daytext.nothing(day)), Format.table)
        return
    if fmt is DayFormat.json:
        emit_report(Report(day.rows, _fields()), Format.json, output=output)
        return
    if fmt is DayFormat.md:
        text = daytext.markdown(day)
    else:
        from ...store.workday import photo_uris

        text = daytext.html(day, photo_uris(repo.root, [p for r in day.rows
                                                         for p in r["photos"]]))
    if output is None:
        typer.echo(text, nl=False)
        return
    from ...store.writer import replace_atomically

    try:
        current = output.read_bytes() if output.exists() else None
        replace_atomically(output, text.encode("utf-8"), current)
    except OSError as e:
        raise KqError(f"{output}: cannot write: {e.strerror}", code=1) from None


def _fields() -> tuple[str, ...]:
    from ...core.day import FIELDS

    return FIELDS


def _columns() -> list[Any]:
    from .. import daytext
    from ..render import Column

    return [
        Column("time", "时间", token=True, en="time"),
        Column("name", "客户", en="customer"),
        Column("what", "事项", token=True, en="what"),
        Column("minutes", "分钟", justify="right", en="min"),
        Column("contact", "见谁", en="contact", drop=2),
        Column("goal_outcome", "目标 → 结果", en="goal → outcome"),
        Column("photos", "照片", lambda v: str(len(v)) if v else "", justify="right",
               en="photos", drop=1),
        Column("shelf", "货架", lambda v: "\n".join(daytext.shelf_check(c) for c in v),
               en="shelf", drop=3),
        Column("expenses", "客情费", lambda v: "\n".join(daytext.expense(e) for e in v),
               en="expenses"),
        Column("notes", "备注", en="notes"),
    ]
