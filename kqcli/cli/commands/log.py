from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ...schema.enums import InteractionKind
from ...schema.reasons import LABELS
from ...store.errors import KqError
from ..i18n import _, lang, ngettext, translated
from ..labels import enum_label, text_label
from . import CUSTOMER, CUSTOMER_HELP, REP, committed, friendly, open_repo, owner_of

VISIT_KINDS = ("visit", "deep_visit")
"""Visits, which take a plan out and bring a report back (goal and outcome)."""
DESK_KINDS = ("call", "wechat", "care_call")
"""Greetings a rep sends many customers from the desk: ``--due``'s default kind is the first of
``due.greeting_kinds`` among these."""


@friendly
def run(
    ctx: typer.Context,
    customer: Annotated[str | None, typer.Argument(
        help=f"{CUSTOMER_HELP[:-1]}; none with --due.", click_type=CUSTOMER)] = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", "-k",
        help="visit | call | care_call | wechat | delivery | training | event | deep_visit | gift "
             "(拜访, 电话, 送礼…). Default: visit; with --due the first call or WeChat of "
             "due.greeting_kinds.")] = None,
    date: Annotated[str | None, typer.Option("--date", "-d", metavar="YYYY-MM-DD",
                                             help="Default: today.")] = None,
    contact: Annotated[str | None, typer.Option("--contact", "-c",
                                                help="One of the customer's contacts.")] = None,
    occasions: Annotated[list[str] | None, typer.Option(
        "--for", metavar="REASON",
        help="The occasion it greets, as kq due's reason: birthday, anniversary, opening, "
             "holiday, event (生日, 节日…); repeat for several.")] = None,
    goal: Annotated[str | None, typer.Option("--goal", "-g", help="What the visit set out to do.")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", "-o", help="What it brought back.")] = None,
    done: Annotated[str | None, typer.Option(
        help="Comma-separated: pop, display, help, feedback, training (陈列, 帮忙…)")] = None,
    next_date: Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="Next step's date.")] = None,
    next_action: Annotated[str | None, typer.Option(help="Next step.")] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="Anything else worth keeping.")] = None,
    closes_next: Annotated[bool, typer.Option(
        "--closes-next", help="This interaction did the oldest open next step: close it too.")] = False,
    due: Annotated[bool, typer.Option(
        "--due", help="No customer: log one greeting --for the occasion to every customer whose "
                      "row of it is due today (or overdue) for --owner, in one commit.")] = False,
    owner: Annotated[str | None, typer.Option(
        click_type=REP, help="With --due: the rep whose customers. Default: you (KQ_OWNER, "
                             "kq config me, git's user.name).")] = None,
    planned: Annotated[bool, typer.Option(
        "--planned", help="Planned ahead, not done yet (planned: true): a visit dated after "
                          "today needs it; it counts for nothing until logged again without "
                          "it.")] = False,
    at: Annotated[str | None, typer.Option(
        "--at", metavar="HH:MM", help="When it began (at:), e.g. 09:40.")] = None,
    minutes: Annotated[int | None, typer.Option(
        "--minutes", metavar="N", help="How long it took, in minutes (minutes:).")] = None,
    photos: Annotated[list[Path] | None, typer.Option(
        "--photo", metavar="FILE",
        help="A picture to keep (the shelf, the display): copied to media/CUSTOMER/DATE-N.jpg "
             "and committed with the log; repeat for several.")] = None,
) -> None:
    """Append one interaction to a customer's log, validate, write atomically and commit.

    Only the appended lines change: comments, order, quoting and layout stay as they were.
    A birthday, anniversary, opening, festival or happy event is closed by a greeting
    (due.greeting_kinds) logged --for it from its lead-time start, or on or after its day.

    Example: kq log hx-dongfeng --contact 王芳 --goal 推新品陈列 --outcome 同意端架两周 --done pop,display

    Example: kq log hx-dongfeng --kind visit --outcome 端架物料已送到 --closes-next

    Example: kq log hx-dongfeng --date 2026-11-27 --goal 送陈列物料 --planned

    Example: kq log hx-dongfeng --at 09:40 --minutes 50 --goal 查端架 --outcome 端架已到位

    Example: kq log fst --kind call --contact 赵德明 --for birthday

    Example: kq log --for holiday --due --owner 李明 --kind wechat --note 冬至快乐
    """
    from ...core.interaction import build_interaction
    from ...core.steps import StepError, step_to_close
    from ...store.writer import update_customer

    repo = open_repo(ctx)
    if due:
        if customer is not None:
            raise KqError(_("--due logs to every customer with the occasion due; name no "
                            "customer (or leave out --due)"))
        given = [option for option, value in (
            ("--date", date), ("--contact", contact), ("--goal", goal), ("--outcome", outcome),
            ("--done", done), ("--next-date", next_date), ("--next-action", next_action),
            ("--closes-next", closes_next), ("--planned", planned), ("--at", at),
            ("--minutes", minutes), ("--photo", photos)) if value]
        if given:
            raise KqError(_("--due logs one greeting today with --kind and --note only; "
                            "{options} do not go with it").format(options=", ".join(given)))
        _greet_due(repo, occasions or [], owner_of(repo, owner), kind, note)  # default: me
        return
    if customer is None:
        raise KqError(_("which customer? kq log CUSTOMER … (or --for REASON --due --owner REP)"))
    if owner is not None:
        raise KqError(_("--owner goes with --due"))
    match = repo.resolve(customer)
    model, _problems = repo.load(match.id)
    fields: dict[str, Any] = dict(kind=kind or "visit", date=date, contact=contact, goal=goal,
                                  outcome=outcome, done=done, next_date=next_date,
                                  next_action=next_action, note=note)
    if sys.stdin.isatty() and sys.stdout.isatty() and not any(
            (date, contact, goal, outcome, done, next_date, next_action, note, occasions, at,
             minutes, photos)):
        fields = _prompt(fields, model, repo.today)
    item = build_interaction(model, repo.today, **fields, occasions=occasions, planned=planned,
                             at=at, minutes=minutes)
    _check_when(item, repo.today)
    if photos and planned:
        raise KqError(_("{option}: a planned visit has not happened yet; keep its pictures when "
                        "you log it done").format(option="--photo"))
    new_files = take_photos(repo, match.id, model, item, photos or [])
    _warn_not_greeting(item, repo.settings)
    warn_plan_and_report(item)
    closing = None
    if closes_next and planned:
        raise KqError(_("--closes-next: a planned visit has done nothing yet; close the step "
                        "when you log the visit done"))
    if closes_next:
        try:
            closing = step_to_close(model)
        except StepError as e:
            raise KqError(f"--closes-next: {e.describe(lang=lang())}", code=1) from None

    message = f"log: {match.name} {item['kind']} {item['date'].isoformat()}"
    if planned:
        message += " (planned)"
    if item.get("for"):
        message += f" for {', '.join(item['for'])}"
    if closing is not None:
        message += f", done: {closing.step.action}"
    if new_files:
        message += f", {len(new_files)} photo{'s' if len(new_files) != 1 else ''}"
    after, sha = update_customer(repo.root, repo.path_of(match.id),
                                 appending(match.id, item, closing.visit if closing else None),
                                 message, autocommit=repo.settings.git.autocommit,
                                 new_files=new_files)
    said = (_("planned {kind} {date} for {name}") if planned else
            _("logged {kind} {date} for {name}")).format(
        kind=enum_label(InteractionKind, item["kind"]), date=item["date"].isoformat(),
        name=match.name)
    typer.echo(said + (_(", done: {action}").format(action=closing.step.action) if closing else "")
               + committed(sha))
    said_photos(item.get("photos", []))


def take_photos(repo: Any, customer_id: str, model: Any, item: dict[str, Any],
                files: list[Path]) -> dict[Path, bytes]:
    """``--photo FILE…``: each picture checked and named ``media/ID/DATE-N.EXT`` (the next free
    N of the interaction's day), listed in ``item``'s ``photos``; the files to write with the
    customer's file, in its commit. A missing file or one that is no picture stops the command
    before anything is written."""
    from ...store.media import plan_photos

    if not files:
        return {}
    listed = [p for v in model.visits for p in v.photos]
    planned = plan_photos(repo.root, customer_id, item["date"], files, listed)
    item["photos"] = [*item.get("photos", []), *(path for path, _data in planned)]
    return {repo.root / path: data for path, data in planned}


def said_photos(paths: list[str]) -> None:
    """Where each picture was kept, one line each."""
    for path in paths:
        typer.echo(_("photo kept: {path}").format(path=path))


def appending(customer_id: str, item: dict[str, Any], closing: int | None = None) -> Any:
    """The writer's change: ``item`` appended to the log (and the step ``closing`` closed),
    checked to read back as exactly that."""
    from ...store.yamledit import EditError, append_item
    from .done import mark_done

    def change(raw: bytes) -> bytes:
        text = raw.decode("utf-8-sig")
        bom = raw[:3] if raw.startswith(b"\xef\xbb\xbf") else b""
        try:
            text = append_item(text, "visits", item)
            if closing is not None:
                text = mark_done(text, closing, item["date"], None)
        except EditError as e:
            raise KqError(f"customers/{customer_id}.yaml: {translated(e.args[0])}") from None
        after = bom + text.encode("utf-8")
        _check_appended(raw, after, item, closing)
        return after

    return change


def _check_when(item: dict[str, Any], today: dt.date) -> None:
    """An in-person interaction after today has not happened: it is logged only as planned
    (--planned); a planned one is for today or later."""
    from ...core.facts import IN_PERSON

    day = item["date"]
    if item.get("planned") and day < today:
        raise KqError(_("--planned: {day} is before today ({today}); log what was done without "
                        "--planned").format(day=day.isoformat(), today=today.isoformat()))
    if not item.get("planned") and day > today and item["kind"] in IN_PERSON:
        raise KqError(_("--date: {day} is after today ({today}): log the {kind} once it is "
                        "done, or plan it with --planned").format(
            day=day.isoformat(), today=today.isoformat(),
            kind=enum_label(InteractionKind, item["kind"])))


def warn_plan_and_report(item: dict[str, Any]) -> None:
    """A visit without a goal or an outcome is logged, with a word that the manual asks for
    both (带一个方案出去, 带一个报告回来); a planned one has no outcome yet."""
    from ..labels import english
    from ..render import warn

    if item["kind"] not in VISIT_KINDS:
        return
    wanted = ["goal"] if item.get("planned") else ["goal", "outcome"]
    lacking = [key for key in wanted if not item.get(key)]
    if not lacking:
        return
    options = ", ".join(f"--{key}" for key in lacking)
    if english():
        what = " and no ".join(lacking)
        warn(f"kq: the {item['kind']} has no {what} ({options}): the manual asks to take a "
             "plan out and bring a report back")
    else:
        what = "和".join({"goal": "目标", "outcome": "结果"}[key] for key in lacking)
        warn(f"kq: 这次拜访没写{what} ({options}): 手册要求带一个方案出去, 带一个报告回来")


def _warn_not_greeting(item: dict[str, Any], settings: Any) -> None:
    """Logged for an occasion, yet of a kind that never closes one: say so (it is logged)."""
    from ...schema.reasons import OCCASIONS
    from ..render import warn

    kinds = settings.due.greeting_kinds
    occasions = [r for r in item.get("for", ()) if r in OCCASIONS]
    if occasions and item["kind"] not in kinds:
        warn("kq: " + _("a {kind} does not greet {occasions}: only {kinds} do "
                        "(due.greeting_kinds)").format(
            kind=enum_label(InteractionKind, item["kind"]),
            occasions=", ".join(text_label(LABELS, o) for o in occasions),
            kinds=", ".join(enum_label(InteractionKind, k) for k in kinds)))


def _greet_due(repo: Any, occasions: list[str], owner: str | None, kind: str | None,
               note: str | None) -> None:
    """``kq log --for holiday --due --owner REP``: one greeting to every customer whose row of
    the occasion is due today or overdue for the rep, in one commit."""
    from ...core.interaction import reasons_of
    from ...schema.enums import InteractionKind, parse_enum
    from ...schema.reasons import OCCASIONS
    from ...store.agenda import morning
    from ...store.writer import update_many
    from ..render import warn
    from .due import check_owner

    reasons = reasons_of(occasions)
    if not reasons:
        raise KqError(_("--due greets the rows of an occasion: say which with --for (e.g. --for "
                        "holiday)"))
    other = [r for r in reasons if r not in OCCASIONS]
    if other:
        raise KqError(_("--for {reasons}: --due greets occasions only ({occasions})").format(
            reasons=", ".join(other), occasions=", ".join(OCCASIONS)))
    if owner is None:
        raise KqError(_("--due: whose customers? add --owner REP"))
    kinds = repo.settings.due.greeting_kinds
    if kind is None:
        kind_value = next((k for k in kinds if k in DESK_KINDS), None)
        if kind_value is None:
            raise KqError(_("--due: due.greeting_kinds ({kinds}) has no call or WeChat to send "
                            "from the desk; say which with --kind").format(kinds=", ".join(kinds)))
    else:
        try:
            kind_value = parse_enum(InteractionKind, kind).value
        except ValueError as e:
            raise KqError(f"--kind: {e}") from None
        if kind_value not in kinds:
            raise KqError(_("--kind: a {kind} does not greet ({kinds} do: "
                            "due.greeting_kinds)").format(
                kind=enum_label(InteractionKind, kind_value),
                kinds=", ".join(enum_label(InteractionKind, k) for k in kinds)))
    listing, settings = morning(repo, None, owner, reasons)
    check_owner(owner, listing.owners, settings)
    names: dict[str, str] = {}
    for row in listing.rows():
        if row["customer"] and row["overdue_days"] >= 0:
            names.setdefault(row["customer"], row["name"])
    if not names:
        warn("kq: " + _("no {reasons} row is due today for {owner}; nothing logged").format(
            reasons=", ".join(text_label(LABELS, r) for r in reasons), owner=owner))
        return
    item: dict[str, Any] = {"date": repo.today, "kind": kind_value, "for": reasons}
    if note:
        item["note"] = note
    changes = {repo.path_of(cid): appending(cid, item) for cid in names}
    n = len(names)
    message = (f"log: {kind_value} {repo.today.isoformat()} for {', '.join(reasons)} to {n} "
               f"customer{'s' if n != 1 else ''} of {owner}\n\n"
               + "\n".join(f"{name} ({cid})" for cid, name in sorted(names.items())))
    sha = update_many(repo.root, changes, message, autocommit=repo.settings.git.autocommit)
    for name in names.values():
        typer.echo(_("logged {kind} {date} for {name}").format(
            kind=enum_label(InteractionKind, kind_value), date=repo.today.isoformat(), name=name))
    warn("kq: " + ngettext("greeted {n} customer of {owner} for {reasons}",
                           "greeted {n} customers of {owner} for {reasons}", n).format(
        n=n, owner=owner, reasons=", ".join(text_label(LABELS, r) for r in reasons))
         + committed(sha))


def _prompt(fields: dict[str, Any], model: Any, today: dt.date) -> dict[str, Any]:
    names = ", ".join(c.name for c in model.contacts)
    fields["kind"] = typer.prompt("kind", default=fields["kind"])
    fields["date"] = typer.prompt("date", default=today.isoformat())
    fields["contact"] = typer.prompt(f"contact ({names})" if names else "contact",
                                     default="", show_default=False) or None
    fields["goal"] = typer.prompt("goal", default="", show_default=False) or None
    fields["outcome"] = typer.prompt("outcome", default="", show_default=False) or None
    fields["next_action"] = typer.prompt("next step", default="", show_default=False) or None
    if fields["next_action"]:
        fields["next_date"] = typer.prompt("next step date (YYYY-MM-DD)")
    return fields


def _check_appended(before: bytes, after: bytes, item: dict[str, Any],
                    closed: int | None = None) -> None:
    """The edit must read back as the old log plus exactly the new interaction (and the
    closed step's ``done_on``)."""
    from ...schema.customer import Interaction
    from ...store.validate import validate_customer

    old, _ = validate_customer(before, "before")
    new, problems = validate_customer(after, "after")
    if problems or new is None or old is None:
        return  # update_customer reports invalid results with their locations
    expected = [*old.visits, Interaction.model_validate(item)]
    if closed is not None:
        step = expected[closed].next.model_copy(update={"done_on": item["date"]})
        expected[closed] = expected[closed].model_copy(update={"next": step})
    if new.visits != expected:
        raise KqError(_("the appended text did not read back as the new interaction; "
                        "nothing was written (please report this)"))
