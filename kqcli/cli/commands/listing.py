from __future__ import annotations

from typing import Annotated, Any

import typer

from ...store.warm import answered
from ..i18n import ngettext
from ..render import Format
from . import REP, BomOption, FormatOption, KeysOption, OutputOption, friendly, open_repo, report_skipped


def _route(value: Any) -> str:
    """``tue 09:30`` as 周二 09:30 (tue 09:30 with --lang en)."""
    from ...schema.enums import Weekday
    from ..labels import enum_label

    if not value:
        return ""
    return f"{enum_label(Weekday, value['weekday'])} {value.get('time') or ''}".strip()


def report(rows: list[dict[str, Any]]) -> Any:
    """The customer list: every summary field for programs; for people the columns a morning
    needs, region and route going first when the terminal is narrow."""
    from ...core.summary import FIELDS
    from ...schema.enums import Grade, Kind, Status, Tier
    from ..labels import shows
    from ..render import Column, Report

    columns = [
        Column("id", "id", style="cyan", token=True), Column("name", "名称", min_width=18),
        Column("kind", "类型", shows(Kind), token=True),
        Column("status", "状态", shows(Status), token=True, drop=1),
        Column("grade", "级", shows(Grade), en="grade", token=True),
        Column("tier", "分层", shows(Tier), token=True), Column("owner", "业代", token=True),
        Column("region", "区域", drop=3), Column("route", "固定拜访", _route, token=True, drop=4),
        Column("last_visit", "上次拜访", en="last visit", token=True, drop=2),
    ]
    # A route is {weekday, time}: two named columns in CSV, one object in JSON.
    fields = [g for f in FIELDS for g in (("route.weekday", "route.time") if f == "route" else (f,))]
    return Report(rows, fields, columns, caption=ngettext(
        "{n} customer", "{n} customers", len(rows)).format(n=len(rows)),
                  sheet=("客户", "customers"))


@friendly
def run(
    ctx: typer.Context,
    search: Annotated[str | None, typer.Argument(
        help="Free text: part of the name, id, region, address, tag or owner, or pinyin "
             "initials (hxdyf).")] = None,
    kind: Annotated[str | None, typer.Option(help="distributor | terminal | key_account (经销商…)")] = None,
    status: Annotated[str | None, typer.Option(help="active | prospect | potential | terminated")] = None,
    grade: Annotated[str | None, typer.Option(help="A | B | C | near | later")] = None,
    tier: Annotated[str | None, typer.Option(help="key | secondary | normal (重点…)")] = None,
    owner: Annotated[str | None, typer.Option(click_type=REP, help="The rep who owns the customer.")] = None,
    region: Annotated[str | None, typer.Option(help="Region or its start: 昆明 matches 昆明/五华区.")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="Has this tag (repeat for all of several).")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    bom: BomOption = False, keys: KeysOption = False,
) -> None:
    """List customers, filtered; enum filters also take the Chinese terms.

    --format xlsx --output FILE writes a sheet with Chinese headers; --format csv --bom is
    for Excel too.

    Example: kq --repo examples list --tier 重点 --owner 李明 --format xlsx --output 重点客户.xlsx
    """
    from ...core.select import Filters, select

    repo = open_repo(ctx)
    filters = Filters.parse(kind=kind, status=status, grade=grade, tier=tier, owner=owner,
                            region=region, tags=tag or [], search=search)
    names = repo.index.names() if filters.search else None  # pinyin initials, for --search
    rows = select(repo.index.summaries(), filters, names)
    code = report_skipped(repo)
    from ..render import emit_report

    emit_report(report(rows), fmt, output=output, bom=bom)
    answered()  # the whole answer is printed: kqcli.store.warm may keep it
    raise typer.Exit(code)
