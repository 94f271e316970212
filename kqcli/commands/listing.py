from __future__ import annotations

from typing import Annotated, Any

import typer

from ..render import Format
from . import BomOption, FormatOption, OutputOption, friendly, open_repo, report_skipped

LABELS = {
    "distributor": "经销商", "terminal": "终端", "key_account": "大客户",
    "active": "现有", "prospect": "意向", "potential": "潜在", "terminated": "已终止",
    "key": "重点", "secondary": "次重点", "normal": "非重点",
}


# Lead: these two belong next to FormatOption in commands/__init__.py, for score, classify and
# expenses too.


def _label(value: Any) -> str:
    return LABELS.get(value, value or "")


def _route(value: Any) -> str:
    if not value:
        return ""
    return f"{value['weekday']} {value.get('time') or ''}".strip()


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
    owner: Annotated[str | None, typer.Option(help="The rep who owns the customer.")] = None,
    region: Annotated[str | None, typer.Option(help="Region or its start: 昆明 matches 昆明/五华区.")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="Has this tag (repeat for all of several).")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    bom: BomOption = False,
) -> None:
    """List customers, filtered; enum filters also take the Chinese terms.

    --format xlsx --output FILE writes a sheet with Chinese headers; --format csv --bom is
    for Excel too.

    Example: kq --repo examples list --tier 重点 --owner 李明 --format xlsx --output 重点客户.xlsx
    """
    from ..core.select import Filters, select

    repo = open_repo(ctx)
    filters = Filters.parse(kind=kind, status=status, grade=grade, tier=tier, owner=owner,
                            region=region, tags=tag or [], search=search)
    rows = select(repo.index.summaries(), filters, repo.index.names())
    code = report_skipped(repo)
    from ..render import Column, emit

    columns = [
        Column("id", "id", style="cyan"), Column("name", "名称"),
        Column("kind", "类型", _label), Column("status", "状态", _label),
        Column("grade", "级"), Column("tier", "分层", _label), Column("owner", "业代"),
        Column("region", "区域"), Column("route", "固定拜访", _route),
        Column("last_visit", "上次拜访"),
    ]
    from ..core.summary import FIELDS

    emit(rows, fmt, columns, caption=f"{len(rows)} customers", fields=FIELDS, output=output,
         bom=bom)
    raise typer.Exit(code)
