"""``kq plan``: the day's stops in order, for the road (table, JSON, CSV, an iCalendar file)."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..i18n import _
from ..render import Format
from . import (
    REP,
    BomOption,
    KeysOption,
    OutputOption,
    friendly,
    open_repo,
    owner_of,
    parse_day,
    report_skipped,
)


class PlanFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    xlsx = "xlsx"
    ics = "ics"


FIELDS = ("time", "customer", "name", "reason", "minutes", "travel_minutes", "optional", "address",
          "phone", "contact", "km", "message", "message_key", "message_params", "desk",
          "unplanned", "owner")


@friendly
def run(
    ctx: typer.Context,
    date: Annotated[str | None, typer.Option(
        "--date", metavar="D", help="A date (YYYY-MM-DD) or a weekday (tue, 周二); default today.")
    ] = None,
    owner: Annotated[str | None, typer.Option(
        click_type=REP, help="Whose day ('all': every customer); default this clone's rep.")] = None,
    fmt: Annotated[PlanFormat, typer.Option(
        "--format", "-f", help="table for people; json, csv, tsv for programs; xlsx for Excel; "
        "ics for the phone's calendar.")] = PlanFormat.table,
    output: OutputOption = None,
    bom: BomOption = False,
    keys: KeysOption = False,
) -> None:
    """The day planned: fixed-route visits at their times, then due visits fitted in, shortest way.

    Due visits and 蹲点 are fitted into kq.yaml's plan.day, most urgent first, each taking
    plan.minutes; travel is the distance between customers' locations at plan.speed_kmh, else
    plan.same_region_minutes or other_region_minutes. When time is left, customers on the way
    are added. Calls and greetings follow the stops; what does not fit is listed.

    Example: kq --repo examples --today 2026-11-24 plan --owner 李明
    """
    from ...store.planning import day_plans
    from .due import check_owner

    repo = open_repo(ctx)
    when = parse_day(date, repo.today, "--date")
    rep = owner_of(repo, owner)
    if rep is not None:
        check_owner(rep, set(repo.index.owners()), repo.settings)
    plans = day_plans(repo, when, rep)
    code = report_skipped(repo)
    if fmt is PlanFormat.ics:
        _write_ics(plans, repo, output, when)
    else:
        from ..render import emit_report

        emit_report(report(plans, when), Format(fmt.value), output=output, bom=bom)
    raise typer.Exit(code)


def rows_of(plan: Any) -> list[dict[str, Any]]:
    """The stops, then the desk items, then what was not fitted: one object each, with the
    plan's rep."""
    from ...core.due import said
    from ...core.messages import render

    out = []
    for group, desk, unplanned in ((plan.stops, False, False), (plan.desk, True, False),
                                   (plan.unplanned, False, True)):
        for stop in group:
            row = {k: getattr(stop, k) for k in FIELDS if hasattr(stop, k)}
            if not isinstance(stop.contact, str | None):
                row["contact"] = render(stop.contact, "zh")  # JSON's text is Chinese
            if not isinstance(stop.message, str):
                row.update(said(stop.message))
            out.append({**row, "stop": stop, "desk": desk, "unplanned": unplanned,
                        "owner": plan.owner})
    return out


def report(plans: list[Any], day: dt.date) -> Any:
    """Each rep's day (one for ``--owner NAME``): the stops in time order; the calls and
    greetings; what did not fit."""
    from ..labels import said_text
    from ..render import Column, Report

    each = [rows_of(plan) for plan in plans]
    rows = [row for plan_rows in each for row in plan_rows]
    sections = [section for plan, plan_rows in zip(plans, each, strict=True)
                for section in _sections(plan, plan_rows, several=len(plans) > 1)]
    whom = Column("contact", "见谁/怎么谈", en="whom, how",
                  kind=lambda _value, row: said_text(row["stop"].contact or ""))
    return Report(rows, FIELDS, [whom], sections=sections,
                  empty=_("{date}: nothing to visit, call or greet").format(
                      date=day.isoformat()),
                  sheet=(f"计划 {day.isoformat()}", f"plan {day.isoformat()}"))


def _sections(plan: Any, rows: list[dict[str, Any]], several: bool = False) -> list[Any]:
    """One rep's day: stops, calls and greetings, what did not fit (``several``: one of the
    team's days, each title naming the rep)."""
    from ...schema.reasons import LABELS
    from ..labels import english, said_text, text_label
    from ..render import Column, Section

    def why(row: dict[str, Any]) -> str:
        label = text_label(LABELS, row["reason"])
        if row["optional"]:
            label += " (on the way)" if english() else " (顺路)"
        return label

    def way(row: dict[str, Any]) -> str:
        if not row["travel_minutes"]:
            return ""
        km = f" {row['km']:g}km" if row["km"] else ""
        return f"{row['travel_minutes']}min{km}" if english() else f"{row['travel_minutes']}分{km}"

    shown = [{**r, "why": why(r), "way": way(r), "contact": said_text(r["stop"].contact or ""),
              "message": said_text(r["stop"].message)} for r in rows]
    stops = [r for r in shown if not r["desk"] and not r["unplanned"]]
    desk = [r for r in shown if r["desk"]]
    unplanned = [r for r in shown if r["unplanned"]]
    contact = Column("contact", "见谁/怎么谈", en="whom, how", min_width=16)
    sections = []
    who = f" {plan.owner}" if plan.owner else ""
    if stops:
        sections.append(Section(
            _("{date}{owner}: {n} stops, {start}-{end}").format(
                date=plan.day.isoformat(), owner=who, n=len(stops), start=plan.start,
                end=plan.end), stops, [
                Column("time", "时间", token=True), Column("name", "客户", min_width=12),
                Column("why", "事由", token=True, en="why"),
                Column("way", "路程", token=True, en="travel", drop=1),
                contact, Column("address", "地址", drop=2), Column("phone", "电话", token=True)],
            caption=_("about {km} km between located customers").format(km=f"{plan.km:g}")
            if plan.km else None))
    rep = f"{plan.owner}: " if several and plan.owner else ""
    if desk:
        sections.append(Section(rep + _("Calls and greetings ({n})").format(n=len(desk)), desk, [
            Column("why", "事由", token=True, en="why"), Column("name", "客户", min_width=12),
            contact, Column("phone", "电话", token=True), Column("message", "说明", drop=1)]))
    if unplanned:
        sections.append(Section(rep + _("Not fitted into the day ({n})").format(
            n=len(unplanned)),
                                unplanned, [
            Column("why", "事由", token=True, en="why"), Column("name", "客户", min_width=12),
            Column("minutes", "时长", token=True, en="minutes"),
            Column("message", "说明")]))
    return sections


def ics_events(plan: Any, zone: dt.tzinfo, alarm: dt.timedelta, today: dt.date
               ) -> list[dict[str, Any]]:
    """The stops as timed events (what :func:`kqcli.cli.commands.calendar.to_ical` writes):
    one UID per customer and day, so an imported plan updates its events."""
    from ...core.calendar import event_uid
    from ...schema.reasons import LABELS
    from ..labels import english, said_text, text_label

    events = []
    for stop in plan.stops:
        start = dt.datetime.combine(plan.day, dt.time.fromisoformat(stop.time), tzinfo=zone)
        label = text_label(LABELS, stop.reason) + (
            (" (on the way)" if english() else " (顺路)") if stop.optional else "")
        lines = [said_text(stop.contact or ""), stop.address, stop.phone, said_text(stop.message)]
        events.append({
            "uid": event_uid(f"{stop.customer}|plan|{plan.day.isoformat()}"),
            "stamp": dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC), "sequence": 0,
            "start": start, "end": start + dt.timedelta(minutes=stop.minutes),
            "summary": f"{stop.name} {label}", "all_day": False,
            "description": "\n".join(line for line in lines if line),
            "alarm": -(dt.timedelta(minutes=stop.travel_minutes) if stop.travel_minutes
                       else alarm),
        })
    return events


def _write_ics(plans: list[Any], repo: Any, output: Path | None, day: dt.date) -> None:
    from zoneinfo import ZoneInfo

    from ..render import warn
    from .calendar import to_ical, write_ics

    events = [event for plan in plans for event in ics_events(
        plan, ZoneInfo(repo.settings.timezone),
        dt.timedelta(minutes=repo.settings.calendar.travel_minutes), repo.today)]
    owner = plans[0].owner if len(plans) == 1 else None
    name = f"客情 kq 计划 · {owner}" if owner else "客情 kq 计划"
    data = to_ical(events, name, (day, day))
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_ics(output, data)
    warn(_("kq: {n} stops of {date} written to {path}").format(
        n=len(events), date=day.isoformat(), path=output))
