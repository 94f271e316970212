"""kq statement submit|sign|list: each rep's monthly expense statement (月客户采购及客情费统计表)
and its three sign-offs, kept in ``statements/YYYY-MM.yaml``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ...store.errors import KqError
from ..i18n import _, english
from ..render import Format
from . import (
    BomOption,
    FormatOption,
    KeysOption,
    OutputOption,
    friendly,
    open_repo,
    owner_of,
    parse_month,
    said,
)

app = typer.Typer(help="The monthly expense statement (月客户采购及客情费统计表) of each rep: "
                       "submit, sign, list.", no_args_is_help=True)

FIELDS = ("month", "rep", "submitted", "special", "due", "clerk", "clerk_date", "manager",
          "manager_date", "finance", "finance_date", "unsigned", "check_by", "pay_from", "state")
STATES = {"missing": "未提交", "submitted": "待审核", "signed": "已签齐"}

DateOption = Annotated[str | None, typer.Option("--date", "-d", metavar="YYYY-MM-DD",
                                                help="Default: today.")]


def _say(zh: str, en: str) -> None:
    from ..labels import english

    typer.echo(en if english() else zh)


def _rep(repo: Any, name: str | None, option: str) -> str:
    """A rep of the team (or, with no team in kq.yaml, an owner of customers); the only rep
    on the team when none is named."""
    from .due import check_owner

    if name is None or not name.strip():
        present = [r.name for r in repo.settings.reps
                   if r.left is None or r.left > repo.today]
        if len(present) != 1:
            raise KqError(_("{option}: say whose statement ({option} REP)").format(option=option)
                          + (_("; reps: {names}").format(names=", ".join(present))
                             if present else ""))
        return present[0]
    owners = {s["owner"] for s in repo.index.summaries() if s.get("owner")}
    check_owner(name.strip(), owners, repo.settings)
    return name.strip()


def _month(text: str | None, repo: Any) -> str:
    from .score import default_month

    return parse_month(text.strip()) if text else default_month(repo.today)


@app.command("submit")
@friendly
def submit(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option(
        "--month", metavar="YYYY-MM",
        help="The month the statement covers. Default: this month in its last week, else "
             "last month.")] = None,
    owner: Annotated[str | None, typer.Option(
        "--owner", metavar="REP", help="Whose statement. Default: you (KQ_OWNER, kq "
                                       "config me, git's user.name), else the only rep on the "
                                       "team.")] = None,
    special: Annotated[bool, typer.Option(
        "--special", help="The 新客户特殊费用汇总表 (special expenses of new customers) was "
                          "handed in with it.")] = False,
    date: DateOption = None,
) -> None:
    """Record a rep's monthly statement as handed in: kq due stops listing it.

    The statement (expense_statement) is closed; its check (expense_check) stays listed until
    the sales clerk, the sales manager and finance have signed (kq statement sign). Writes
    submitted: (and special: with --special) under the rep in statements/YYYY-MM.yaml, the
    file of the month the statement covers; one commit.

    Example: kq statement submit --month 2026-11 --owner 李明 --special
    """
    from ...core import statements as st
    from ...core.interaction import parse_day
    from ...store import statements as files

    repo = open_repo(ctx)
    period = _month(month, repo)
    rep = _rep(repo, owner_of(repo, owner), "--owner")  # default: me, else the only rep
    day = parse_day(date, "--date", repo.today)
    found = st.entry(repo.statements, period, rep)
    keys = {k: day for k in ("submitted", "special")
            if (k == "submitted" or special) and not found.get(k)}
    if not keys:
        what = "统计表和特殊费用汇总表" if special else "统计表"
        _say(f"{rep} {period} 的{what}已于 {found.get('special') or found['submitted']} "
             "提交; 未写入",
             f"{rep}'s {period} statement was submitted on {found['submitted']}"
             + (f" with the special table on {found['special']}" if special else "")
             + "; nothing written")
        return
    if period > st.current(_calendar(repo), day, repo.settings.expenses.statement_working_day):
        raise KqError(_("--month: {month}'s statement comes after the month ends; nothing to "
                        "submit on {day}").format(month=period, day=day.isoformat()))

    def edit(text: str) -> str:
        for key, value in keys.items():
            text = files.set_value(text, rep, key, value)
        return text

    shown = " + 新客户特殊费用汇总表" if "special" in keys else ""
    sha = files.write(repo, period, edit,
                      f"statement: {rep} {period} submitted {day.isoformat()}{shown}")
    commit = f" (commit {sha})" if sha else ""
    what = ("统计表" if "submitted" in keys else "") + (
        ("和" if "submitted" in keys else "") + "新客户特殊费用汇总表" if "special" in keys else "")
    what_en = " and ".join(w for k, w in (("submitted", "statement"),
                                          ("special", "special table")) if k in keys)
    _say(f"已提交 {rep} {period} 的{what} ({day.isoformat()}); 待 销售内勤、销售经理、财务 审核"
         f"{commit}",
         f"submitted {rep}'s {period} {what_en} ({day.isoformat()}); to be signed by the "
         f"clerk, the manager and finance{commit}")


@app.command("sign")
@friendly
def sign(
    ctx: typer.Context,
    month: Annotated[str, typer.Option("--month", metavar="YYYY-MM",
                                       help="The month the statement covers.")],
    rep: Annotated[str, typer.Option("--rep", metavar="REP", help="Whose statement.")],
    role: Annotated[str, typer.Option(
        "--as", metavar="ROLE", help="clerk | manager | finance (销售内勤, 销售经理, 财务).")],
    by: Annotated[str, typer.Option("--by", metavar="NAME", help="Who signs.")],
    date: DateOption = None,
) -> None:
    """Sign a rep's monthly statement off as the sales clerk, the sales manager or finance.

    Once all three have signed, kq due stops listing its check (expense_check) and payment
    may start on the pay working day (expenses.pay_working_day, the 9th). Writes {by, date}
    under the role in statements/YYYY-MM.yaml; one commit. The statement must have been
    submitted (kq statement submit).

    Example: kq statement sign --month 2026-11 --rep 李明 --as manager --by 赵经理
    """
    from ...core import statements as st
    from ...core.interaction import parse_day
    from ...schema.enums import SignOffRole, parse_enum
    from ...store import statements as files

    try:
        value = parse_enum(SignOffRole, role).value
    except ValueError as e:
        raise KqError(f"--as: {said(e)}") from None
    if not by.strip():
        raise KqError(_("--by: say who signs"))
    repo = open_repo(ctx)
    period = parse_month(month.strip())
    name = _rep(repo, rep, "--rep")
    day = parse_day(date, "--date", repo.today)
    found = st.entry(repo.statements, period, name)
    label = st.ROLE_CN[value]
    if not st.submitted(found):
        raise KqError(_("{name}'s {month} statement has not been submitted; first: {command}")
                      .format(name=name, month=period,
                              command=f"kq statement submit --month {period} --owner {name}"), 1)
    if day.isoformat() < str(found["submitted"]):
        raise KqError(_("--date: {day} is before the statement was submitted ({submitted})")
                      .format(day=day.isoformat(), submitted=found["submitted"]))
    signed = found.get(value)
    if signed:
        if signed["by"] == by.strip():
            _say(f"{name} {period} 的统计表已由{label} {signed['by']} 于 {signed['date']} 签字; "
                 "未写入",
                 f"{name}'s {period} statement was signed by {value} {signed['by']} on "
                 f"{signed['date']}; nothing written")
            return
        raise KqError(_("{name}'s {month} statement was signed as {role} by {by} on {day}; "
                        "change {path} by hand to correct it").format(
            name=name, month=period, role=label if not english() else value, by=signed["by"],
            day=signed["date"], path=f"statements/{period}.yaml"), 1)
    sha = files.write(repo, period, lambda text: files.set_value(
        text, name, value, {"by": by.strip(), "date": day}),
        f"statement: {name} {period} signed as {value} by {by.strip()} {day.isoformat()}")
    commit = f" (commit {sha})" if sha else ""
    after = {**found, value: {"by": by.strip(), "date": day.isoformat()}}
    left = st.unsigned(after)
    if left:
        _say(f"{label} {by.strip()} 已签 {name} {period} 的统计表; 待 "
             f"{'、'.join(st.ROLE_CN[r] for r in left)} 签字{commit}",
             f"{by.strip()} signed {name}'s {period} statement as {value}; waiting for "
             f"{', '.join(left)}{commit}")
        return
    pay = st.pay_from(_calendar(repo), period, repo.settings.expenses.pay_working_day, after)
    _say(f"{label} {by.strip()} 已签 {name} {period} 的统计表; 三方签齐, {pay.isoformat()} "  # type: ignore[union-attr]
         f"起支付{commit}",
         f"{by.strip()} signed {name}'s {period} statement as {value}; all three have signed, "
         f"payable from {pay.isoformat()}{commit}")  # type: ignore[union-attr]


@app.command("list")
@friendly
def listing(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option(
        "--month", metavar="YYYY-MM", help="Every rep's statement of this month. Default: "
                                           "every statement still open, and the next due.")
                     ] = None,
    owner: Annotated[str | None, typer.Option("--owner", metavar="REP",
                                              help="Only this rep's.")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    bom: BomOption = False, keys: KeysOption = False,
) -> None:
    """The monthly statements: when handed in, who signed, and the day payment may start.

    The pay day (pay_from) is given only once all three have signed. Without --month: every
    statement kq due follows (not handed in or not signed off) and each rep's next one.

    Example: kq --repo examples --today 2026-12-08 statement list
    """
    from ...core import statements as st
    from ..labels import text_label
    from ..render import Column, emit

    repo = open_repo(ctx)
    name = _rep(repo, owner, "--owner") if owner else None
    calendar = _calendar(repo)
    keys = _month_rows(repo, parse_month(month.strip())) if month else _open_rows(repo)
    rows = [st.status(repo.statements, repo.settings, calendar, period, rep)
            for period, rep in keys if name is None or rep == name]
    shown = [{**r, **{f"{role}_shown": f"{r[role]} {r[role + '_date'][5:]}" if r[role] else ""
                      for role in st.ROLES}} for r in rows]
    emit(shown, fmt, [
        Column("month", "月份", token=True), Column("rep", "业代", token=True),
        Column("submitted", "提交", token=True), Column("special", "特殊费用表", token=True),
        Column("due", "截止", token=True),
        *(Column(f"{role}_shown", st.ROLE_CN[role], en=role) for role in st.ROLES),
        Column("pay_from", "支付", token=True),
        Column("state", "状态", lambda v: text_label(STATES, v), token=True)],
        title=_("Customer purchases and relationship expenses (statements)"), fields=FIELDS,
        output=output, bom=bom)


def _calendar(repo: Any) -> Any:
    from ...core.due import work_calendar

    return work_calendar(repo.settings)


def _team(repo: Any) -> list[str]:
    reps = [r.name for r in repo.settings.reps]
    return reps or sorted({s["owner"] for s in repo.index.summaries() if s.get("owner")})


def _month_rows(repo: Any, period: str) -> list[tuple[str, str]]:
    """Every rep on the team in ``period``, and any other rep recorded in its file."""
    from ...core import statements as st

    reps = [r for r in _team(repo) if st.active_in(repo.settings, r, period)]
    recorded = [r for r in (repo.statements.get(period) or {}) if r not in reps]
    return [(period, r) for r in [*reps, *recorded]]


def _open_rows(repo: Any) -> list[tuple[str, str]]:
    """The statements kq due follows: every one not submitted or not signed off, and each
    rep's next one (listed or not yet), in month then team order."""
    from ...core import statements as st

    calendar, cfg = _calendar(repo), repo.settings.expenses
    latest = st.current(calendar, repo.today, cfg.statement_working_day)
    found: set[tuple[str, str]] = set()
    for rep in _team(repo):
        start = st.first_owed(repo.statements, rep, latest)
        for period in st.open_periods(repo.statements, rep, start, latest, st.signed):
            if st.active_in(repo.settings, rep, period):
                found.add((period, rep))
    order = {rep: n for n, rep in enumerate(_team(repo))}
    return sorted(found, key=lambda key: (key[0], order.get(key[1], len(order)), key[1]))
