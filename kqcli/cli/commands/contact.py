"""``kq contact CUSTOMER NAME [--role …]``: add a person met at a customer, or change only the
given fields of one already on the card; byte-preserving like ``kq log``, one commit."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from ...store.errors import KqError
from ..i18n import _
from . import CustomerArgument, committed, friendly, open_repo, option_for

FIELDS = ("role", "phone", "wechat", "birthday", "lunar_birthday", "function", "level", "style",
          "gender")
"""The fields kq contact sets, in the order a new contact gets them."""


@friendly
def run(
    ctx: typer.Context,
    customer: CustomerArgument,
    name: Annotated[str, typer.Argument(help="The contact's name, as on the card.")],
    role: Annotated[str | None, typer.Option(help="Position: 老板, 店长, 采购…")] = None,
    phone: Annotated[str | None, typer.Option(help="Phone number.")] = None,
    wechat: Annotated[str | None, typer.Option(help="WeChat id.")] = None,
    birthday: Annotated[str | None, typer.Option(
        metavar="YYYY-MM-DD", help="Gregorian birthday.")] = None,
    lunar_birthday: Annotated[str | None, typer.Option(
        metavar="MM-DD", help="Lunar birthday; a leap month LMM-DD.")] = None,
    function: Annotated[str | None, typer.Option(
        help="purchasing, finance, logistics, sales, marketing, rnd… (采购, 财务…)")] = None,
    level: Annotated[str | None, typer.Option(
        help="staff, manager or executive (店员, 经理, 高管).")] = None,
    style: Annotated[str | None, typer.Option(
        help="Decision style: leader, influencer, checker, follower (领导型…).")] = None,
    gender: Annotated[str | None, typer.Option(help="male or female (男, 女).")] = None,
) -> None:
    """Add a contact met at a customer, or change only the given fields of one on the card.

    Only the lines of that contact change: comments, order and layout stay as they were. A
    bad value is refused before anything is written. One commit.

    Example: kq --repo examples contact hx-dongfeng 周建国 --lunar-birthday 06-28 --level 经理
    """
    from ...store.writer import text_change, update_customer

    given = {k: v for k, v in (
        ("role", role), ("phone", phone), ("wechat", wechat), ("birthday", birthday),
        ("lunar_birthday", lunar_birthday), ("function", function), ("level", level),
        ("style", style), ("gender", gender)) if v is not None}
    name = name.strip()
    if not name:
        raise KqError(_("NAME: the contact's name is empty"))
    values, wanted = _checked(name, given)
    repo = open_repo(ctx)
    match = repo.resolve(customer)
    model, _raw = repo.load(match.id)
    found = next((i for i, c in enumerate(model.contacts) if c.name == name), None)
    if found is None:
        item = {"name": name, **values}
        edit = _adding(item)
        lines = [_("added {name} to {customer}").format(name=name, customer=match.name)]
        lines += [f"  {field}: {_shown(value)}" for field, value in values.items()]
        message = f"contact: {match.name} + {name}"
    else:
        if not values:
            raise KqError(_("{name} is already a contact of {customer}; give what to change "
                            "({options})").format(name=name, customer=match.name, options=", ".join(
                                option_for(f) for f in FIELDS)))
        have = model.contacts[found]
        changed = {f: v for f, v in values.items() if getattr(have, f) != getattr(wanted, f)}
        if not changed:
            typer.echo(_("{name} at {customer}: nothing changed").format(
                name=name, customer=match.name))
            return
        edit = _updating(found, changed)
        lines = [_("updated {name} at {customer}").format(name=name, customer=match.name)]
        lines += [f"  {f}: {_shown(getattr(have, f)) or '-'} → {_shown(v)}"
                  for f, v in changed.items()]
        message = f"contact: {match.name} {name}: {', '.join(changed)}"
    _after, sha = update_customer(repo.root, repo.path_of(match.id),
                                  text_change(edit, f"customers/{match.id}.yaml"), message,
                                  autocommit=repo.settings.git.autocommit)
    lines[0] += committed(sha)
    typer.echo("\n".join(lines))


def _checked(name: str, given: dict[str, str]) -> tuple[dict[str, Any], Any]:
    """The given values as they will be written (a birthday as a date), and the contact they
    make; a bad one is one line naming its option."""
    from ...schema.customer import Contact
    from ...store.validate import validate
    from ...store.yamledit import scalar

    values: dict[str, Any] = {}
    for field, text in given.items():
        text = text.strip()
        if field == "birthday":
            try:
                values[field] = dt.date.fromisoformat(text)
                continue
            except ValueError:
                pass
        values[field] = text
    raw = "".join(f"{k}: {scalar(v)}\n" for k, v in {"name": name, **values}.items())
    model, problems = validate(raw.encode("utf-8"), "contact", Contact)
    if problems or model is None:
        problem = problems[0]
        field = problem.field.split(".")[0].split("[")[0]
        raise KqError(f"{option_for(field) if field in FIELDS else 'NAME'}: {problem.message}")
    return values, model


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _adding(item: dict[str, Any]) -> Any:
    from ...store.yamledit import append_item

    return lambda text: append_item(text, "contacts", item)


def _updating(index: int, changed: dict[str, Any]) -> Any:
    from ...store.yamledit import set_in

    def edit(text: str) -> str:
        for field, value in changed.items():
            text = set_in(text, ["contacts", index, field], value)
        return text

    return edit
