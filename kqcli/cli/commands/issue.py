"""kq issue: a customer's complaints and returns (客诉), listed in kq due until closed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from ...store.errors import KqError
from ..i18n import _, ngettext
from ..render import Format
from . import BomOption, CustomerArgument, FormatOption, KeysOption, OutputOption, friendly, open_repo, said

FIELDS = ("customer", "n", "opened", "kind", "text", "due", "closed", "note")


def _say(zh: str, en: str) -> None:
    from ..labels import english

    typer.echo(en if english() else zh)


@friendly
def run(
    ctx: typer.Context,
    customer: CustomerArgument,
    text: Annotated[str | None, typer.Argument(
        metavar="TEXT", help="What the customer raised (a batch returned spoiled). Without it (and "
                             "--close): list the customer's issues.")] = None,
    kind: Annotated[str, typer.Option(
        "--kind", "-k", help="complaint | return | quality | price | dumping (投诉, 退货, 质量, "
                             "价格, 冲货).")] = "complaint",
    close: Annotated[int | None, typer.Option(
        "--close", metavar="N", help="Close issue N (its number in kq show, 1-based).")] = None,
    note: Annotated[str | None, typer.Option(
        "--note", "-n", help="How it was settled (with --close).")] = None,
    date: Annotated[str | None, typer.Option(
        "--date", "-d", metavar="YYYY-MM-DD",
        help="The day it was raised, or settled with --close. Default: today.")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    bom: BomOption = False, keys: KeysOption = False,
) -> None:
    """Open or close a customer's complaint or return (客诉): kq due lists each open one
    (issue) until it is closed.

    An issue is due due.issue_days (3) after the day it was opened and overdue after that.
    It is appended to the customer's issues: {opened, kind, text}; --close N --note T writes
    closed: and note: into issue N, as kq show numbers them. Without TEXT or --close, lists
    the customer's issues, open and closed. One commit per change.

    Example: kq issue bct "变质退货 12 箱" --kind return

    Example: kq issue bct --close 1 --note 批号已查, 整批换货, 店长满意
    """
    from ...core.interaction import parse_day

    if close is not None and text is not None:
        raise KqError(_("--close N goes alone; to open an issue, give TEXT"))
    if note is not None and close is None:
        raise KqError(_("--note goes with --close N (how the issue was settled)"))
    repo = open_repo(ctx)
    match = repo.resolve(customer)
    model, _problems = repo.load(match.id)
    days = repo.settings.due.issue_days
    if close is not None:
        _close(repo, match, model, close, note, parse_day(date, "--date", repo.today))
    elif text is not None:
        _open(repo, match, model, text, kind, parse_day(date, "--date", repo.today), days)
    else:
        _list(match, model, days, fmt, output, bom)


def _open(repo: Any, match: Any, model: Any, text: str, kind: str, day: dt.date,
          days: int) -> None:
    from ...core.messages import Message, render
    from ...schema.enums import IssueKind, parse_enum
    from ...store.writer import edit_customer
    from ...store.yamledit import append_item

    if not text.strip():
        raise KqError(_("TEXT: say what the customer raised (a batch returned spoiled)"))
    try:
        value = parse_enum(IssueKind, kind).value
    except ValueError as e:
        raise KqError(f"--kind: {said(e)}") from None
    item = {"opened": day, "kind": value, "text": text.strip()}
    n = len(model.issues) + 1
    sha = edit_customer(repo, match.id, lambda t: append_item(t, "issues", item),
                        f"issue: {match.name} #{n} {value}: {item['text']}")
    due = (day + dt.timedelta(days=days)).isoformat()
    commit = f" (commit {sha})" if sha else ""
    label = render(Message(f"issue_{value}"), "zh")
    _say(f"已登记 {match.name} 的{label} #{n}: {item['text']}; {days} 天内处理 "
         f"({due} 前){commit}",
         f"opened issue {n} ({value}) of {match.name}: {item['text']}; due {due}{commit}")


def _close(repo: Any, match: Any, model: Any, n: int, note: str | None, day: dt.date) -> None:
    from ...core.messages import Message, render
    from ...store.writer import edit_customer
    from ...store.yamledit import set_in

    if not model.issues:
        raise KqError(_("--close: {name} has no issues").format(name=match.name))
    if not 1 <= n <= len(model.issues):
        raise KqError(ngettext("--close: {name} has {n} issue; N is 1 to {n}",
                               "--close: {name} has {n} issues; N is 1 to {n}",
                               len(model.issues)).format(name=match.name, n=len(model.issues)))
    if not note or not note.strip():
        raise KqError(_("--close needs --note: say how the issue was settled"))
    item = model.issues[n - 1]
    if item.closed is not None:
        _say(f"{match.name} 的#{n} ({item.text}) 已于 {item.closed.isoformat()} 结案; 未写入",
             f"issue {n} ({item.text}) of {match.name} was closed on "
             f"{item.closed.isoformat()}; nothing written")
        return
    if day < item.opened:
        raise KqError(_("--date: {day} is before the issue was opened ({opened})").format(
            day=day.isoformat(), opened=item.opened.isoformat()))

    def edit(text: str) -> str:
        text = set_in(text, ("issues", n - 1, "closed"), day)
        return set_in(text, ("issues", n - 1, "note"), note.strip())  # type: ignore[union-attr]

    sha = edit_customer(repo, match.id, edit,
                        f"issue: {match.name} #{n} closed: {note.strip()}")
    commit = f" (commit {sha})" if sha else ""
    kind = item.kind.value
    label = render(Message(f"issue_{kind}"), "zh")
    _say(f"已结案 {match.name} 的{label} #{n}: {item.text} — {note.strip()}{commit}",
         f"closed issue {n} ({kind}) of {match.name}: {item.text} — {note.strip()}{commit}")


def _list(match: Any, model: Any, days: int, fmt: Format, output: Any, bom: bool) -> None:
    from ...schema.enums import IssueKind
    from ..labels import shows
    from ..render import Column, emit

    rows = [{"customer": match.id, "n": n, "opened": i.opened.isoformat(), "kind": i.kind.value,
             "text": i.text, "due": (i.opened + dt.timedelta(days=days)).isoformat(),
             "closed": i.closed.isoformat() if i.closed else None, "note": i.note}
            for n, i in enumerate(model.issues, 1)]
    emit(rows, fmt, [Column("n", "#", token=True, justify="right"),
                     Column("opened", "受理", token=True),
                     Column("kind", "类型", shows(IssueKind), token=True),
                     Column("text", "内容"), Column("due", "期限", token=True),
                     Column("closed", "结案", token=True), Column("note", "处理")],
         title=_("Issues: {name}").format(name=match.name), fields=FIELDS, output=output, bom=bom)
