from __future__ import annotations

from typing import Annotated, Any

import typer

from ...store.errors import KqError
from ...store.warm import answered
from ..i18n import N_, _
from ..render import Format
from . import (
    OWNER_HELP,
    REP,
    BomOption,
    FormatOption,
    KeysOption,
    OutputOption,
    friendly,
    open_repo,
    owner_of,
    report_skipped,
)

FIELDS = ("customer", "name", "reason", "due", "overdue_days", "urgency", "message",
          "message_key", "message_params", "owner", "region", "time", "estimated")
SECTIONS = (("route", N_("today's route")), ("overdue", N_("overdue")),
            ("today", N_("due today")), ("ahead", N_("coming up")))


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
    owner: Annotated[str | None, typer.Option(click_type=REP, help=OWNER_HELP)] = None,
    reason: Annotated[list[str] | None, typer.Option(
        help="Only these reasons (repeat): visit, route, care_call, follow_up, birthday, …")] = None,
    explain: Annotated[str | None, typer.Option(
        metavar="CUSTOMER", help="Show how each urgency of one customer was reached.")] = None,
    fail_on: Annotated[str | None, typer.Option(
        help="'overdue': exit 1 when anything is overdue (for cron and scripts).")] = None,
    show_all: Annotated[bool, typer.Option(
        "--all", "-a", help="Every row, even in a terminal (which otherwise gets one page).")] = False,
    pool: Annotated[bool, typer.Option(
        "--pool", help="Only the customers in the pool (公海): the manager's list.")] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Also say on stderr which missed greetings dropped off.")] = False,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    bom: BomOption = False, keys: KeysOption = False,
) -> None:
    """What needs doing today, most urgent first: visits, calls, greetings, reports, risks.

    Reasons: visit, route, deep_visit, care_call, follow_up, next_action, birthday,
    anniversary, opening, holiday, event, alert, report_missing, expense_statement,
    expense_check, intel_unconfirmed, orphan, risk, handover, pool, coverage, issue.

    Nothing closes unless done: a next step until `kq done`, a missed greeting stays overdue
    for due.greeting_grace_days, unconfirmed intel until a second source or `dismissed:`, a
    complaint until `kq issue --close`, a statement until `kq statement submit` and its check
    until `kq statement sign` by all three.

    Example: kq --repo examples --today 2026-11-24 due --within 7 --owner 李明

    Example: kq --repo examples --today 2026-11-24 due -f xlsx -o 待办.xlsx
    """
    import sys

    from ..render import warn

    if fail_on not in (None, "overdue"):
        raise KqError(_("--fail-on: {value} is not supported; use 'overdue'").format(
            value=repr(fail_on)))
    if fmt is Format.table and (output or bom):
        raise KqError(_("--output and --bom need --format xlsx, csv, tsv or json"))
    if reason:
        from ...schema.reasons import REASONS

        for r in reason:
            if r not in REASONS:
                raise KqError(_("--reason: {value} is not one of {reasons}").format(
                    value=repr(r), reasons=", ".join(REASONS)))
    repo = open_repo(ctx)
    if explain:
        from ...core.due import customer_reminders, morning_list

        match = repo.resolve(explain)
        rows = [(s, f) for s, f in repo.index.facts() if s["id"] == match.id]
        closed: list[Any] = []
        found = customer_reminders(rows, repo.settings, repo.today, 3650, explain=True,
                                   closed=closed)
        reminders, covered = morning_list([], repo.settings, repo.today, within=3650,
                                          explain=True, found=found,
                                          owners={s["owner"] for s, _ in rows if s.get("owner")},
                                          statements=repo.statements)
        if not covered:
            warn_estimated(reminders)
        _explain([r for r in reminders if r.customer == match.id], repo.today, closed, fmt,
                 output, bom)
        code = report_skipped(repo)
        answered()
        raise typer.Exit(code)
    # The agenda kept in the index (kqcli.store.agenda): the same rows as a full evaluation.
    from ...store.agenda import morning

    option = "--owner"
    if pool:
        reason = ["pool"]  # a customer in the pool has no owner: only --pool lists it
        owner = owner_of(repo, owner) if owner else None
    elif owner is None:
        owner, option = remember_owner(repo)
    else:
        owner = owner_of(repo, owner)
    listing, settings = morning(repo, within, owner, reason, dropped=verbose)
    if owner:
        check_owner(owner, listing.owners, settings, option)
    if listing.estimated_years:
        warn_estimated([], listing.estimated_years)
    if listing.dropped:
        from ...core.messages import from_data
        from ..labels import message_text

        for line in listing.dropped:
            warn("kq: " + _("dropped {line}").format(line=message_text(from_data(line))))
    code = report_skipped(repo)
    if fmt is Format.json and output is None and not bom and not sys.stdout.isatty():
        sys.stdout.flush()
        out = getattr(sys.stdout, "buffer", None)  # bytes as SQLite built them, when it can
        if out is None:
            sys.stdout.write(listing.json_text() + "\n")
        else:
            listing.write(out)
    elif fmt is Format.table:
        from ...schema.reasons import LABELS

        rows = listing.rows()
        _table(rows, LABELS, None if show_all else _page_rows(), team=owner is None and len(
            {r["owner"] for r in rows} - {None}) > 1)
    else:
        from ..render import Report, emit_report

        emit_report(Report(listing.rows(), FIELDS, sheet=("待办", "due")), fmt, output=output,
                    bom=bom)
    if fail_on == "overdue" and listing.overdue:
        code = 1
    answered()  # the whole answer is printed: kqcli.store.warm may keep it
    raise typer.Exit(code)


def full_list(repo: Any, within: int | None = None) -> tuple[list[Any], bool, set[str]]:
    """The whole morning list evaluated from the index (for commands that need Reminder
    values, not the agenda's rows): reminders most urgent first, whether every date came from
    the official calendar, and the owners found."""
    from ...core.due import customer_reminders, morning_list

    rows = repo.index.facts()
    owners = {s["owner"] for s, _ in rows if s.get("owner")}
    found = customer_reminders(rows, repo.settings, repo.today, within)
    reminders, covered = morning_list([], repo.settings, repo.today, within=within,
                                      found=found, owners=owners, statements=repo.statements)
    return reminders, covered, owners


def warn_estimated(reminders: list[Any], years: list[int] | None = None) -> None:
    """Say which years' days off were estimated, when a listed date depends on them: once, and
    only to a terminal (the rows carry ``estimated`` for scripts)."""
    from ...store.warm import estimated_warning, stderr_is_a_terminal
    from ..render import warn

    if not stderr_is_a_terminal():
        return
    warn(estimated_warning(years or sorted({r.due.year for r in reminders if r.estimated})))


def remember_owner(repo: Any) -> tuple[str | None, str]:
    """The default owner (``owner_of``) and where it came from; kept in the index with what it
    rests on, for kqcli.store.warm to answer ``kq due --format json`` without the command line."""
    from ...store.agenda import light_settings
    from ...store.files import signature
    from ...store.local import owner_inputs
    from . import default_owner

    inputs = owner_inputs(str(repo.root))  # before reading them
    kq_yaml = signature(str(repo.root / "kq.yaml"), 0)
    owner, source = default_owner(repo, light_settings(repo)[0])  # no pydantic: kq.yaml as kept
    record = {"inputs": inputs, "kq_yaml": kq_yaml, "owner": owner}
    if kq_yaml != "racy" and not repo.index.fallback and repo.index.get_meta("me") != record:
        repo.index.set_meta("me", record)
    return owner, source or "--owner"


def check_owner(owner: str, owners: set[str], settings: Any, option: str = "--owner") -> None:
    """An owner that is neither a rep nor owns a customer is a typo: say the closest names."""
    import difflib

    known = {r.name for r in settings.reps} | owners
    if owner in known:
        return
    close = difflib.get_close_matches(owner, sorted(known), 3, 0.3)
    hint = _("; did you mean {names}?").format(names=", ".join(close)) if close else (
        _("; reps: {names}").format(names=", ".join(sorted(known))) if known else "")
    raise KqError(_("{option}: {owner} is not a rep and owns no customer").format(
        option=option, owner=owner) + hint)


def _when(row: dict[str, Any]) -> str:
    from ..labels import english

    days = row["overdue_days"]
    if english():
        return f"{days}d late" if days > 0 else ("today" if days == 0 else f"in {-days}d")
    if days > 0:
        return f"逾{days}天"
    return "今天" if days == 0 else f"{-days}天后"


def _date(row: dict[str, Any]) -> str:
    """The due day as month-day; (估) after it when the day rests on estimated days off."""
    from ..labels import english

    if not row.get("estimated"):
        return row["due"][5:]
    return row["due"][5:] + ("(est.)" if english() else "(估)")


def _grouped_greetings(data: list[dict[str, Any]], shown: int = 6) -> list[dict[str, Any]]:
    """One table row per festival and rep, naming the customers to greet (JSON keeps one
    object per customer)."""
    groups: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    out: list[dict[str, Any]] = []
    for d in data:
        if d["reason"] != "holiday":
            out.append(d)
            continue
        key = (d["due"], d["owner"])
        if key not in groups:
            groups[key] = []
            out.append(d)  # keeps the place of the group's most urgent row
        groups[key].append(d)
    for n, d in enumerate(out):
        members = groups.get((d["due"], d["owner"])) if d["reason"] == "holiday" else None
        if members and len(members) > 1:
            names = "、".join(m["name"] for m in members[:shown])
            more = f" 等 {len(members)} 家" if len(members) > shown else ""
            out[n] = {**d, "name": names + more, "message_key": "holiday_group",
                      "message_params": {"festival": d["message_params"]["festival"],
                                         "count": len(members)}}
    return out


def _page_rows() -> int | None:
    """Rows of a terminal page, or None (every row) when stdout is not a terminal."""
    import shutil
    import sys

    if not sys.stdout.isatty():
        return None
    return max(shutil.get_terminal_size().lines - 2, 12)


def _table(data: list[dict[str, Any]], labels: dict[str, str], page: int | None = None,
           team: bool = False) -> None:
    """The sections; with ``page``, the most urgent rows of each that fit one screen."""
    from ..render import print_report

    print_report(table_report(data, labels, page, team))


def table_report(data: list[dict[str, Any]], labels: dict[str, str],
                 page: int | None = None, team: bool = False) -> Any:
    """The morning list for people: route, overdue, today, coming up; festivals grouped;
    ``team``: the whole team's (of more than one rep), with the rep (业代) of each row."""
    from ..i18n import _
    from ..labels import said_text, text_label, urgency
    from ..render import Column, Report, Section

    columns = [Column("urgency", "急", urgency, justify="right", en="!"),
               Column("reason", "事由", lambda r: text_label(labels, r), token=True),
               Column("name", "客户", max_width=20, min_width=12),
               Column("date", "日期", token=True, en="due"),
               Column("when", "状态", token=True), Column("message", "说明", min_width=16)]
    if team:
        columns.insert(3, Column("owner", "业代", token=True, en="rep", drop=1))
    grouped = _grouped_greetings(data)
    found = [(key, title, [d for d in grouped if section_of(d) == key]) for key, title in SECTIONS]
    found = [(key, title, rows) for key, title, rows in found if rows]
    # A section costs its title, header and rule (5 lines); rows share what is left, most urgent first.
    room = None if page is None else max(page - 5 * len(found) - 1, 3 * len(found))
    hidden = 0
    sections = []
    for key, title, group in found:
        rows = group
        if room is not None:
            fits = max(3, room * len(group) // max(sum(len(f) for *_, f in found), 1))
            hidden += max(len(rows) - fits, 0)
            rows = rows[:fits]
        rows = [{**d, "when": _when(d), "date": _date(d), "message": said_text(d)}
                for d in rows]  # those shown only
        if key == "route":
            rows.sort(key=lambda d: d.get("time") or "")
        more = (_(" — {count} more").format(count=len(group) - len(rows))
                if len(rows) < len(group) else "")
        sections.append(Section(f"{_(title)} ({len(group)}){more}", rows))
    return Report(data, FIELDS, columns, sections=sections, empty=_("nothing due today"),
                  notes=[_("{count} more — kq due --all").format(count=hidden)] if hidden else [],
                  row_style=lambda d: "bold red" if d["overdue_days"] > 0 and
                  d["urgency"] >= 20 else None)


def _explain(reminders: list[Any], today: Any, closed: list[Any] | None = None,
             fmt: Format = Format.table, output: Any = None, bom: bool = False) -> None:
    from ..render import emit_report, print_report

    report = explain_report(reminders, today, closed)
    if fmt is Format.table:
        print_report(report)
    else:
        emit_report(report, fmt, output=output, bom=bom)


def explain_report(reminders: list[Any], today: Any, closed: list[Any] | None = None) -> Any:
    """``kq due --explain``: a key/value section per reminder, its urgency's terms (value,
    what it weighs) and their sum (-0.0 prints as 0.0), then why no interaction closed a
    greeting; then each greeting ``closed`` by an interaction, naming it."""
    from ...schema.reasons import LABELS
    from ..labels import message_text, said_text, text_label
    from ..render import Column, Report, Section

    columns = [Column("value", "", justify="right", style="none"), Column("term", "", style="none")]
    sections = []
    for r in reminders:
        state = _("shown") if r.shows_from <= today else _("shows from {day}").format(
            day=r.shows_from.isoformat())
        rows = [{"value": f"{round(value, 1) or 0.0:+.1f}", "term": said_text(label)}
                for label, value in r.terms]
        rows.append({"value": f"{round(r.urgency, 1) or 0.0:.1f}", "term": _("= urgency")})
        sections.append(Section(_("{reason} due {due} ({days:+d} days, {state}): {message}").format(
            reason=text_label(LABELS, r.reason), due=r.due.isoformat(),
            days=r.overdue_days(today), state=state, message=message_text(r.message)), rows,
                                columns,
                                layout="pairs",
                                indent=4, notes=[f"    · {message_text(n)}" for n in r.notes]))
    closed = closed or []
    for r in closed:
        sections.append(Section(_("{reason} due {due} (greeted): {message}").format(
            reason=text_label(LABELS, r.reason), due=r.due.isoformat(),
            message=message_text(r.message)), [],
                                columns, layout="lines",
                                notes=[f"    · {message_text(n)}" for n in r.notes]))
    rows = [{"reason": r.reason, "due": r.due, "urgency": r.urgency,
             "terms": [{"term": str(label), "value": value} for label, value in r.terms],
             "notes": r.notes, "closed": False} for r in reminders]
    rows += [{"reason": r.reason, "due": r.due, "urgency": None, "terms": [], "notes": r.notes,
              "closed": True} for r in closed]
    return Report(rows, ("reason", "due", "urgency", "terms", "notes", "closed"),
                  sections=sections, empty=_("no reminders for this customer"))
