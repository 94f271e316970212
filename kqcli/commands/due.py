from __future__ import annotations

from typing import Annotated, Any

import typer

from ..errors import KqError
from ..render import Format
from . import FormatOption, friendly, open_repo, report_skipped

SECTIONS = (("route", "今日固定拜访 today's route"), ("overdue", "逾期 overdue"),
            ("today", "今天 due today"), ("ahead", "即将 coming up"))


def section_of(row: dict[str, Any]) -> str:
    if row["reason"] == "route" and row["overdue_days"] == 0:
        return "route"
    if row["overdue_days"] > 0:
        return "overdue"
    return "today" if row["overdue_days"] == 0 else "ahead"


@friendly
def run(
    ctx: typer.Context,
    within: Annotated[int | None, typer.Option(
        "--within", "-w", min=0, help="Also list what falls due in the next N days.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only this rep's customers.")] = None,
    reason: Annotated[list[str] | None, typer.Option(
        help="Only these reasons (repeat): visit, route, care_call, follow_up, birthday, …")] = None,
    explain: Annotated[str | None, typer.Option(
        metavar="CUSTOMER", help="Show how each urgency of one customer was reached.")] = None,
    fail_on: Annotated[str | None, typer.Option(
        help="'overdue': exit 1 when anything is overdue (for cron and scripts).")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """What needs doing today, most urgent first: visits, calls, greetings, reports, risks.

    Reasons: visit, route, care_call, follow_up, next_action, birthday, anniversary, holiday,
    event, report_missing, expense_statement, intel_unconfirmed, orphan, risk.

    Example: kq --repo examples --today 2026-11-24 due --within 7 --owner 李明
    """
    from ..core.due import LABELS, REASONS, morning_list
    from ..render import warn

    if fail_on not in (None, "overdue"):
        raise KqError(f"--fail-on: {fail_on!r} is not supported; use 'overdue'")
    for r in reason or []:
        if r not in REASONS:
            raise KqError(f"--reason: {r!r} is not one of {', '.join(REASONS)}")
    repo = open_repo(ctx)
    if explain:
        match = repo.resolve(explain)
        rows = [(s, f) for s, f in repo.index.facts() if s["id"] == match.id]
        reminders, covered = morning_list(rows, repo.settings, repo.today, within=3650,
                                          explain=True)
    else:
        found, owners = evaluate(repo, within)
        reminders, covered = morning_list([], repo.settings, repo.today, within=within,
                                          found=found, owners=owners)
    if not covered:
        warn("kq: the official holiday calendar does not cover this year yet; counting working "
             "days Monday to Friday (list exceptions in kq.yaml due.extra_days_off and "
             "due.extra_working_days)")
    if explain:
        reminders = [r for r in reminders if r.customer == match.id]
        _explain(reminders, repo.today)
        raise typer.Exit(report_skipped(repo))
    if owner:
        reminders = [r for r in reminders if r.owner == owner]
    if reason:
        reminders = [r for r in reminders if r.reason in reason]
    data = [r.to_json(repo.today) for r in reminders]
    code = report_skipped(repo)
    if fmt is Format.table:
        _table(data, LABELS)
    else:
        from ..render import emit

        emit(data, fmt, [], fields=("customer", "name", "reason", "due", "overdue_days",
                                    "urgency", "message", "owner", "region", "time"))
    if fail_on == "overdue" and any(d["overdue_days"] > 0 for d in data):
        code = 1
    raise typer.Exit(code)


PARALLEL_FROM = 3000  # customers; below this, forking costs more than it saves


def evaluate(repo: Any, within: int | None) -> tuple[list[Any], set[str]]:
    """Every customer's listed reminders, on all cores for a large repository."""
    import os

    from ..core.due import customer_reminders

    index, jobs = repo.index, min(os.cpu_count() or 1, 4)
    total = index.db.execute("select count(*) from files where ok = 1").fetchone()[0]
    if jobs < 2 or total < PARALLEL_FROM or os.name != "posix":
        rows = index.facts()
        return (customer_reminders(rows, repo.settings, repo.today, within),
                {s["owner"] for s, _ in rows if s.get("owner")})
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    settings, today = repo.settings, repo.today
    ids = [i for (i,) in index.db.execute("select id from files where ok = 1 order by id")]
    bounds = [ids[n * len(ids) // jobs] for n in range(jobs)] + [None]
    work = [(str(repo.root), bounds[n], bounds[n + 1], settings, today, within)
            for n in range(jobs)]
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        parts = list(pool.map(_evaluate_part, work))
    return [r for part, _ in parts for r in part], {o for _, owners in parts for o in owners}


def _evaluate_part(args: tuple) -> tuple[list[Any], set[str]]:
    """Worker: read one id range of the index and evaluate its customers."""
    import json
    import sqlite3
    from pathlib import Path

    from ..core.due import customer_reminders

    root, low, high, settings, today, within = args
    db = sqlite3.connect(f"file:{Path(root) / '.kq' / 'index.sqlite'}?mode=ro", uri=True)
    query = "select summary, facts from files where ok = 1 and id >= ?"
    params: list[str] = [low]
    if high is not None:
        query += " and id < ?"
        params.append(high)
    rows = [(json.loads(s), json.loads(f)) for s, f in db.execute(query, params)]
    db.close()
    return (customer_reminders(rows, settings, today, within),
            {s["owner"] for s, _ in rows if s.get("owner")})


def _when(row: dict[str, Any]) -> str:
    days = row["overdue_days"]
    if days > 0:
        return f"逾{days}天"
    return "今天" if days == 0 else f"{-days}天后"


def _table(data: list[dict[str, Any]], labels: dict[str, str]) -> None:
    from ..render import Column, console, table

    if not data:
        console().print("今天没有待办 nothing due")
        return
    columns = [Column("urgency", "急", justify="right"), Column("label", "事由"),
               Column("name", "客户", max_width=20), Column("due", "日期", lambda d: d[5:]),
               Column("when", "状态"), Column("message", "说明")]
    for key, title in SECTIONS:
        rows = [{**d, "label": labels[d["reason"]], "when": _when(d),
                 "urgency": f"{d['urgency']:.0f}"} for d in data if section_of(d) == key]
        if key == "route":
            rows.sort(key=lambda d: d.get("time") or "")
        if rows:
            table(rows, columns, title=f"{title} ({len(rows)})",
                  row_style=lambda d: "bold red" if d["overdue_days"] > 0 and
                  float(d["urgency"]) >= 20 else None)


def _explain(reminders: list[Any], today: Any) -> None:
    from rich.markup import escape

    from ..render import console

    out = console()
    if not reminders:
        out.print("no reminders for this customer")
    for r in reminders:
        state = "shown" if r.shows_from <= today else f"shows from {r.shows_from.isoformat()}"
        out.print(f"[bold]{r.reason}[/] due {r.due.isoformat()} "
                  f"({r.overdue_days(today):+d} days, {state}): {escape(r.message)}", markup=True,
                  highlight=False)
        for label, value in r.terms:
            out.print(f"    {value:+6.1f}  {label}", markup=False)
        out.print(f"    {r.urgency:6.1f}  = urgency", markup=False)
