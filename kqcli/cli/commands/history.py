from __future__ import annotations

from typing import Annotated, Any

import typer

from ...store.errors import KqError
from ..i18n import _, ngettext
from ..render import Format
from . import BomOption, FormatOption, KeysOption, OptionalCustomerArgument, OutputOption, friendly, open_repo


@friendly
def run(
    ctx: typer.Context,
    customer: OptionalCustomerArgument = None,
    since: Annotated[str | None, typer.Option(help="Only changes after this date (git --since).")] = None,
    field: Annotated[str | None, typer.Option(
        help="Only fields starting with this, e.g. grade, contacts.")] = None,
    limit: Annotated[int, typer.Option(help="Commits to read when no customer is named.")] = 30,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    bom: BomOption = False, keys: KeysOption = False,
) -> None:
    """Field-level changes from git, newest first: grade: B → A, visits: +1 (2026-11-24 visit).

    Renames are followed. One git log pass and one git cat-file process, however long the history.

    Example: kq --repo examples history hxdyfrm --field grade
    """
    from ...core.diff import text_changes
    from ...store import gitlog
    from ...store.yamlread import load

    repo = open_repo(ctx)
    if not gitlog.available() or not gitlog.is_work_tree(repo.root):
        raise KqError(gitlog.missing_message(repo.root, "kq history"))
    try:
        if customer:
            match = repo.resolve(customer)
            rel = str(repo.path_of(match.id).relative_to(repo.root.resolve()))
            versions = gitlog.log_versions(repo.root, [rel], follow=True, since=since)
        else:
            versions = gitlog.log_versions(repo.root, ["customers"], since=since, limit=limit)
    except RuntimeError as e:  # git log refused (no commits yet, a broken repository)
        raise KqError(_("git log failed: {reason}").format(reason=e), code=1) from None
    try:
        blobs = gitlog.read_blobs(repo.root, {b for v in versions for b in (v["old"], v["new"]) if b})
    except Exception as e:  # noqa: BLE001 - git failing is reported, not shown as a traceback
        raise KqError(_("git cat-file failed: {reason}").format(reason=e), code=1) from None
    def text(blob: str | None) -> str | None:
        if blob is None:
            return None
        return blobs.get(blob, b"").decode("utf-8", errors="replace").replace("\r\n", "\n")

    def parse(source: str) -> Any:
        value, problem = load(source.encode("utf-8"), "")
        return value if problem is None and isinstance(value, dict) else {"(unreadable)": True}

    rows = []
    for v in versions:
        cid = v["path"].rsplit("/", 1)[-1].removesuffix(".yaml")
        for c in text_changes(text(v["old"]), text(v["new"]), parse):
            if field and not c.field.startswith(field):
                continue
            rows.append({"commit": v["short"], "date": v["date"][:10], "author": v["author"],
                         "customer": cid, "field": c.field, "old": c.old, "new": c.new,
                         "change": str(c), "subject": v["subject"]})
    from ..render import emit_report

    emit_report(report(rows, whole=not customer), fmt, output=output, bom=bom)


FIELDS = ("commit", "date", "author", "customer", "field", "old", "new", "change", "subject")


def report(rows: list[dict[str, Any]], whole: bool) -> Any:
    """Changes newest first; the customer column only when the whole repository is read."""
    from ..render import Column, Report, Section

    columns = [Column("commit", "commit", style="cyan", token=True),
               Column("date", "日期", token=True), Column("author", "作者", max_width=12, drop=1),
               *([Column("customer", "客户", token=True)] if whole else []),
               Column("shown", "变更", min_width=20, en="change")]
    shown = [{**r, "shown": _labelled(r)} for r in rows]
    # A sheet labels enum values as the table does.
    sheet = [*columns, Column("old", "原值", kind=_label), Column("new", "新值", kind=_label),
             Column("change", "变更", kind=lambda _value, row: _labelled(row))]
    return Report(rows, FIELDS, sheet,
                  sections=[Section(None, shown, columns, caption=ngettext("{n} change", "{n} changes",
                                                                     len(rows)).format(n=len(rows)))],
                  sheet=("变更历史", "history"))


def _label(value: Any, row: dict[str, Any]) -> Any:
    """An old or new value as a sheet shows it: an enum value labelled."""
    from ..labels import enum_label

    enum = _enum_of(row)
    return enum_label(enum, value) if enum is not None and isinstance(value, str) else value


def _labelled(row: dict[str, Any]) -> str:
    """``tier: normal → key`` as ``tier: 非重点 → 重点``: enum values with their labels."""
    from ..labels import enum_label

    enum = _enum_of(row)
    if enum is None or not all(isinstance(v, str | None) for v in (row["old"], row["new"])):
        return row["change"]
    old, new = (enum_label(enum, v) if v is not None else "∅" for v in (row["old"], row["new"]))
    return f"{row['field']}: {old} → {new}"


def _enum_of(row: dict[str, Any]) -> Any:
    """The enum of the changed field's values, if it has one."""
    import re

    from ...schema import enums

    by_field = {"kind": enums.Kind, "status": enums.Status, "grade": enums.Grade,
                "tier": enums.Tier, "relationship": enums.Relationship, "stage": enums.Stage,
                "style": enums.Style, "gender": enums.Gender, "role": enums.ProductRole}
    path = re.sub(r"\[[^]]*\]", "", row["field"]).split(".")
    enum = enums.ProductStage if path[0] == "products" and path[-1] == "stage" else \
        by_field.get(path[-1])
    return None if path[0] == "contacts" and path[-1] == "role" else enum
