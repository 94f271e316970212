"""kq shelf: per-product shelf checks (铺货 / 陈列 / 价格 / 库存) in the day's visit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from ...store.errors import KqError
from ..i18n import _, ngettext
from . import CustomerArgument, committed, friendly, open_repo

VISITS = ("visit", "deep_visit")
"""The interactions a shelf check goes into: the day's visit or 蹲点."""


@friendly
def run(
    ctx: typer.Context,
    customer: CustomerArgument,
    sku: Annotated[str | None, typer.Option(
        "--sku", "-s", help="The product, as kq.yaml products: names it (维C泡腾片).")] = None,
    facings: Annotated[str | None, typer.Option(
        "--facings", metavar="N", help="Facings on the shelf; 0: not on the shelf.")] = None,
    price: Annotated[str | None, typer.Option(
        "--price", metavar="YUAN", help="The shelf price.")] = None,
    stock: Annotated[str | None, typer.Option(
        "--stock", metavar="N", help="Units in stock.")] = None,
    pop: Annotated[str | None, typer.Option(
        "--pop", metavar="yes|no", help="POP or display material up: yes or no.")] = None,
    source: Annotated[Path | None, typer.Option(
        "--from", metavar="FILE",
        help="A .csv (UTF-8 with or without BOM, or GBK from Excel) or .xlsx with a header row "
             "sku, facings, price, stock, pop (or their Chinese names) and a row per product.")] = None,
    date: Annotated[str | None, typer.Option(
        "--date", "-d", metavar="YYYY-MM-DD", help="The day of the visit. Default: today.")] = None,
) -> None:
    """Record shelf checks (on the shelf, display, price, stock) in the day's visit of a customer.

    Each check goes into the shelf: list of that day's visit (a visit is added when the day
    has none); a product checked again the same day replaces its earlier check. A product
    kq.yaml products: does not list is recorded with a warning naming the ones it does. kq due
    lists a risk for a product whose latest check (within risk.shelf_days) has a price outside
    its band, is off the shelf or below its facings, or has stock below a week of sell-out.
    One commit.

    Example: kq shelf hx-dongfeng --sku 维C泡腾片 --facings 4 --price 19.5 --stock 30 --pop yes
    """
    from ...core.interaction import parse_day
    from ...core.shelf import BadCell, check_of, merged, unknown
    from ...store.writer import edit_customer
    from ...store.yamledit import append_item
    from ..render import warn

    given = {"facings": facings, "price": price, "stock": stock, "pop": pop}
    if source is not None:
        if sku is not None or any(v is not None for v in given.values()):
            raise KqError(_("--from FILE goes alone: the file gives each product's figures"))
        checks = _read(source)
    elif sku is None:
        raise KqError(_("which product? give --sku SKU with its figures, or --from FILE"))
    else:
        try:
            checks = [check_of({"sku": sku, **given})]
        except BadCell as e:
            raise KqError(f"--{e.field}: {_said(e.said)}") from None
    repo = open_repo(ctx)
    day = parse_day(date, "--date", repo.today)
    if day > repo.today:
        raise KqError(_("{option}: {day} is after today ({today}): a shelf is checked at a "
                        "visit that took place").format(option="--date", day=day.isoformat(),
                                                         today=repo.today.isoformat()))
    match = repo.resolve(customer)
    model, _text = repo.load(match.id)
    products = repo.settings.products
    strange = unknown(checks, products)
    if strange:
        warn("kq: " + ngettext("{skus} is not in kq.yaml products: ({known}); recorded anyway",
                               "{skus} are not in kq.yaml products: ({known}); recorded anyway",
                               len(strange)).format(skus=", ".join(strange),
                                                    known=", ".join(products)))
    at = _visit_of(model, day)
    if at is None:
        item = {"date": day, "kind": "visit", "shelf": merged([], checks)}

        def edit(text: str) -> str:
            return append_item(text, "visits", item)
    else:
        before = [c.model_dump(exclude_none=True) for c in model.visits[at].shelf]
        after = merged(before, checks)

        def edit(text: str) -> str:
            return _set_shelf(text, at, before, after)
    names = list(dict.fromkeys(c["sku"] for c in checks))
    sha = edit_customer(repo, match.id, edit,
                        f"shelf: {match.name} {day.isoformat()} {', '.join(names)}")
    typer.echo(ngettext("checked {n} product of {name} on {day}: {skus}",
                        "checked {n} products of {name} on {day}: {skus}", len(names)).format(
        n=len(names), name=match.name, day=day.isoformat(), skus=", ".join(names))
        + committed(sha))


def _set_shelf(text: str, at: int, before: list[dict[str, Any]],
               after: list[dict[str, Any]]) -> str:
    """The visit's ``shelf:`` made ``after``: rewritten as one flow list when it is one (as kq
    writes it), else, in a block list written by hand, each changed value set in its item and
    each new product appended."""
    from ...core.shelf import FIELDS
    from ...store.yamledit import EditError, append_in, set_in

    path = ("visits", at, "shelf")
    try:
        return set_in(text, path, after)
    except EditError:
        if not before:
            raise
    for n, check in enumerate(after):
        if n >= len(before):
            text = append_in(text, path, check)
            continue
        for key in FIELDS[1:]:
            if before[n].get(key) != check.get(key):
                text = set_in(text, (*path, n, key), check.get(key))
    return text


def _visit_of(model: Any, day: dt.date) -> int | None:
    """The index in the log of the day's (last) visit done, None when the day has none."""
    found = [n for n, v in enumerate(model.visits)
             if v.date == day and v.kind.value in VISITS and not v.planned]
    return found[-1] if found else None


def _read(path: Path) -> list[dict[str, Any]]:
    """The checks of a sheet, or one line naming the file, the row and the column."""
    from ...core.shelf import BadRow, checks_of_rows
    from .import_ import read_cells

    try:
        return checks_of_rows(read_cells(path))
    except BadRow as e:
        where = (_("{file}: row {row}, column {column}") if e.column
                 else _("{file}: row {row}")).format(file=path, row=e.row, column=e.column)
        raise KqError(f"{where}: {_said(e.said)}") from None


def _said(message: Any) -> str:
    """A core message in the reader's language."""
    from ..labels import english

    return message.text("en" if english() else "zh")
