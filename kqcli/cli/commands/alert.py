"""kq alert: area alerts (重大环境事件) in kq.yaml, each a daily call for the customers there."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from ...store.errors import KqError
from ..i18n import _, translated
from ..render import Format
from . import BomOption, FormatOption, KeysOption, OutputOption, committed, friendly, open_repo

FIELDS = ("region", "from", "to", "note", "state")


@friendly
def run(
    ctx: typer.Context,
    region: Annotated[str | None, typer.Argument(
        help="Region prefix: every active customer whose region starts with it.")] = None,
    start: Annotated[str | None, typer.Option("--from", metavar="YYYY-MM-DD",
                                              help="First day. Default: today.")] = None,
    end: Annotated[str | None, typer.Option("--to", metavar="YYYY-MM-DD",
                                            help="Last day (required for a new alert).")] = None,
    note: Annotated[str | None, typer.Option("--note", "-n",
                                             help="What happened: heavy rain, a water cut.")] = None,
    listing: Annotated[bool, typer.Option("--list", help="List the alerts.")] = False,
    stop: Annotated[str | None, typer.Option("--end", metavar="REGION",
                                             help="End this region's running alerts today.")
                    ] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    bom: BomOption = False, keys: KeysOption = False,
) -> None:
    """Area alerts (flood, typhoon, epidemic, water cut): while one lasts, `kq due` lists a
    daily `alert` call (关心客户安全) for every active customer in the region, until a call
    or visit is logged that day. Written to kq.yaml `alerts:`, one commit.

    Example: kq alert 昆明/五华区 --from 2026-07-01 --to 2026-07-05 --note 暴雨
    """
    from ...core.interaction import parse_day

    repo = open_repo(ctx)
    if sum((listing, stop is not None, region is not None)) != 1:
        raise KqError(_("give a REGION with --to, or --list, or --end REGION"))
    if listing:
        _list(repo.settings.alerts, repo.today, fmt, output, bom)
        return
    if stop is not None:
        _end(repo, stop)
        return
    first = parse_day(start, "--from", repo.today)
    last = parse_day(end, "--to")
    if last is None:
        raise KqError(_("{option}: a new alert needs its last day (YYYY-MM-DD)").format(
            option="--to"))
    if last < first:
        raise KqError(_("{option}: {day} is before --from {first}").format(
            option="--to", day=last.isoformat(), first=first.isoformat()))
    item = {"region": region.strip(), "from": first, "to": last, **({"note": note} if note else {})}
    sha = _write(repo, lambda text: _append(text, item),
                 f"alert: {item['region']} {first.isoformat()}..{last.isoformat()}"
                 + (f" {note}" if note else ""))
    typer.echo(_("alert: {region} {first} to {last}").format(
        region=item["region"], first=first.isoformat(), last=last.isoformat())
        + (f" {note}" if note else "") + committed(sha))


def state_of(alert: Any, today: dt.date) -> str:
    if alert.end < today:
        return "ended"
    return "upcoming" if alert.start > today else "active"


STATES = {"ended": "已结束", "active": "进行中", "upcoming": "未开始"}


def _list(alerts: list[Any], today: dt.date, fmt: Format, output: Any = None,
          bom: bool = False) -> None:
    from ..render import Column, emit

    rows = [{"region": a.region, "from": a.start.isoformat(), "to": a.end.isoformat(),
             "note": a.note, "state": state_of(a, today)} for a in alerts]
    states = {"ended": _("ended"), "upcoming": _("upcoming"), "active": _("active")}
    emit(rows, fmt, [Column("region", "区域"), Column("from", "开始", kind="date"),
                     Column("to", "结束", kind="date"), Column("note", "事件"),
                     Column("state", "状态", lambda value: states.get(value, value), kind=STATES)],
         title=_("area alerts"), fields=FIELDS, output=output, bom=bom,
         sheet=("区域预警", "alerts"))


def _end(repo: Any, region: str) -> None:
    """End the region's running alerts: their last day becomes yesterday (or their first)."""
    from ...store.yamledit import set_in

    today = repo.today
    running = [i for i, a in enumerate(repo.settings.alerts)
               if a.region == region.strip() and state_of(a, today) == "active"]
    if not running:
        raise KqError(_("{option}: no running alert for {region} (see {command})").format(
            option="--end", region=repr(region), command="kq alert --list"), code=1)
    alerts = repo.settings.alerts
    ends = {i: max(today - dt.timedelta(days=1), alerts[i].start) for i in running}

    def change(text: str) -> str:
        for i, day in ends.items():
            text = set_in(text, ("alerts", i, "to"), day)
        return text

    sha = _write(repo, change, f"alert: end {region.strip()} {today.isoformat()}")
    typer.echo(_("alert ended: {region} ({n})").format(region=region.strip(), n=len(running))
               + committed(sha))


def _append(text: str, item: dict[str, Any]) -> str:
    from ...store.yamledit import append_in

    return append_in(text, ("alerts",), item)


def _write(repo: Any, change: Any, message: str) -> str | None:
    """Change kq.yaml's text, keep its byte-order mark, validate, replace it and commit."""
    from ...schema.config import Settings
    from ...store.validate import validate
    from ...store.writer import locked, write_and_commit
    from ...store.yamledit import EditError

    path = repo.root / "kq.yaml"
    with locked(repo.root, ".kq.yaml"):
        before = path.read_bytes()
        bom = b"\xef\xbb\xbf" if before.startswith(b"\xef\xbb\xbf") else b""
        try:
            after = bom + change(before.decode("utf-8-sig")).encode("utf-8")
        except EditError as e:
            raise KqError(f"kq.yaml: {translated(e.args[0]) if e.args else e}", code=1) from None
        _model, problems = validate(after, "kq.yaml", Settings)
        if problems:
            raise KqError(_("the change would make kq.yaml invalid; nothing was written: "
                            "{problems}").format(problems="; ".join(str(p) for p in problems)),
                          code=1)
        return write_and_commit(repo.root, [(path, before, after)], message,
                                autocommit=repo.settings.git.autocommit)
