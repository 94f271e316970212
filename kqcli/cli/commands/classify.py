from __future__ import annotations

from typing import Annotated, Any

import typer

from ...store.warm import answered
from ..i18n import _, ngettext
from ..render import Format
from . import (
    REP,
    BomOption,
    FormatOption,
    KeysOption,
    OutputOption,
    committed,
    friendly,
    open_repo,
    report_skipped,
)


@friendly
def run(
    ctx: typer.Context,
    apply: Annotated[bool, typer.Option("--apply", help="Write the suggestions (one commit).")] = False,
    field: Annotated[list[str] | None, typer.Option(
        help="Only these fields (repeat): tier, grade, status, relationship, route.")] = None,
    owner: Annotated[str | None, typer.Option(click_type=REP, help="Only this rep's customers.")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    bom: BomOption = False, keys: KeysOption = False,
) -> None:
    """Suggest tiers, grades, status and key-account types, with reasons; --apply writes them.

    Tiers rank active terminals on turnover, consumer base, economic strength and management
    level (weights in kq.yaml; on what is present, then on collections). Grades follow the
    standard (classify.qualified): C 不合格 without collections in 2 and reports on time in 2
    of the last 3 months, else A 重点 in the key tier, B 合格 in the others. A customer with
    no figures for any of those months is not graded; kq names it. Column ABC (JSON abc) is
    the Pareto class of the last 12 months' collections (A to 80%, B to 95%), never written.

    Example: kq --repo examples --today 2026-11-30 classify --field tier --owner 李明
    """
    from ...core.classify import FIELDS, LEDGER_KEYS, classify, figures_missing
    from ...store.errors import KqError

    for name in field or []:
        if name not in FIELDS:
            raise KqError(_("{option}: {value} is not one of {choices}").format(
                option="--field", value=repr(name), choices=", ".join(FIELDS)))
    repo = open_repo(ctx)
    # Rank over the whole repository (ABC is per kind across reps), then filter.
    rows = repo.index.ledgers(LEDGER_KEYS)
    found = [r for r in classify(rows, repo.settings, repo.today)
             if not owner or r["owner"] == owner]
    if field:
        promoted = {r["customer"] for r in found if r["field"] == "status" and "status" in field}
        found = [r for r in found if r["field"] in field
                 or (r["field"] == "grade" and r["customer"] in promoted)]
    code = report_skipped(repo)
    from ..render import emit_report, warn

    if not field or "grade" in field:
        for line in missing_notes(figures_missing(rows, repo.settings, repo.today), owner):
            warn(line)

    emit_report(report(found, apply), fmt, output=output, bom=bom)
    if apply and found:
        _apply(repo, found)
    answered()  # the whole answer is printed: kqcli.store.warm may keep it
    raise typer.Exit(code)


FIELDS = ("customer", "name", "owner", "field", "current", "suggested", "reason", "reason_key",
          "abc")


def report(found: list[dict[str, Any]], applied: bool) -> Any:
    """Suggestions: values and reasons in Chinese for people; JSON keeps the English reason
    (the renderer words the core's message) and adds its ``reason_key``."""
    from ..labels import field_label, message_text
    from ..render import Column, Report

    rows = [{**r, "reason_key": r["reason"].key} for r in found]
    shown = [{**r, "current": _value(r["field"], r["current"]),
              "suggested": _value(r["field"], r["suggested"])} for r in rows]
    columns = [Column("customer", "id", token=True, drop=1), Column("name", "客户", min_width=10),
               Column("owner", "业代", token=True, drop=2),
               Column("field", "字段", field_label, token=True, kind="field"),
               Column("current", "现在", token=True, kind=_cell),
               Column("suggested", "建议", token=True, kind=_cell),
               Column("abc", "ABC", token=True, drop=3, en="ABC"),
               Column("reason", "原因", message_text, min_width=16)]
    caption = (ngettext("{n} suggestion", "{n} suggestions", len(rows)).format(n=len(rows))
               + ("" if applied or not rows else
                  _("; {command} writes them").format(command="kq classify --apply")))
    from ..render import Section

    return Report(rows, FIELDS, columns, sections=[Section(None, shown, caption=caption)],
                  sheet=("分类建议", "classify"))


def _cell(value: Any, row: dict[str, Any]) -> str:
    """A sheet's cell of ``current`` or ``suggested``: the value of the row's field, labelled."""
    return _value(row["field"], value)


def _value(field: str, value: Any) -> str:
    """A suggested or current value as a person reads it: 重点, 伙伴, 周二 09:30, 无."""
    from ...schema import enums
    from ..labels import enum_label

    if value is None:
        return _("none")
    if isinstance(value, dict):  # a route
        return f"{enum_label(enums.Weekday, value.get('weekday'))} {value.get('time') or ''}".strip()
    by_field = {"tier": enums.Tier, "grade": enums.Grade, "status": enums.Status,
                "relationship": enums.Relationship}
    return enum_label(by_field[field], value) if field in by_field else str(value)


def missing_notes(missing: list[dict[str, Any]], owner: str | None) -> list[str]:
    """One line per set of unreported months, naming the customers left ungraded for it."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for m in missing:
        if not owner or m["owner"] == owner:
            groups.setdefault(tuple(m["months"]), []).append(m["name"])
    return ["kq: " + _("figures missing for {months}: {names}; not graded ({command} records "
                       "them)").format(months=", ".join(months), names=", ".join(names),
                                       command="kq figures")
            for months, names in sorted(groups.items())]


def _apply(repo: Any, found: list[dict[str, Any]]) -> None:
    from ...store.writer import text_change, update_many
    from ...store.yamledit import set_value
    from ..render import warn

    per_customer: dict[str, list[dict[str, Any]]] = {}
    for r in found:
        per_customer.setdefault(r["customer"], []).append(r)

    def change_for(items: list[dict[str, Any]]) -> Any:
        def edit(text: str) -> str:
            for r in items:
                text = set_value(text, r["field"], r["suggested"])
            return text
        return text_change(edit, f"customers/{items[0]['customer']}.yaml")

    changes = {repo.path_of(cid): change_for(items) for cid, items in per_customer.items()}
    def shown(value: Any) -> str:
        if isinstance(value, dict):
            return " ".join(str(v) for v in value.values())
        return str(value) if value else "-"

    lines = [f"{r['name']}: {r['field']} {shown(r['current'])} → {shown(r['suggested'])}"
             for r in found]
    message = f"classify: {len(found)} changes to {len(changes)} customers\n\n" + "\n".join(lines)
    sha = update_many(repo.root, changes, message, autocommit=repo.settings.git.autocommit)
    customers = ngettext("{n} customer", "{n} customers", len(changes)).format(n=len(changes))
    warn("kq: " + ngettext("applied {n} change to {customers}", "applied {n} changes to "
                           "{customers}", len(found)).format(n=len(found), customers=customers)
         + committed(sha))
