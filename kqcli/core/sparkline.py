"""Terminal sparklines of a customer's last 12 months (``kq show``), with the months that
trigger a risk rule marked. Pure: months in, characters out.

A month the customer did not report is unknown, not zero: it is a gap (a space), and a run of
falling months must be unbroken by gaps, as in ``kq due``'s risk rule.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .dates import add_months, month_key
from .due import falling_run

if TYPE_CHECKING:
    from ..schema.config import Risk

BARS = "▁▂▃▄▅▆▇█"
GAP = " "
FIGURES = (("collections", "回款"), ("sell_out", "出销"), ("inventory", "库存"))


def last_months(end: str, n: int = 12) -> list[str]:
    """The ``n`` months ending with ``end`` (YYYY-MM), oldest first."""
    last = dt.date.fromisoformat(f"{end}-01")
    return [month_key(add_months(last, k - n + 1)) for k in range(n)]


def sparkline(values: list[float | None]) -> str:
    """One bar per value, scaled from the lowest known value to the highest; None is a gap.
    When every known value is the same the bars sit in the middle."""
    known = [v for v in values if v is not None]
    if not known:
        return GAP * len(values)
    lo, hi = min(known), max(known)
    if hi == lo:
        return "".join(GAP if v is None else BARS[3] for v in values)
    top = len(BARS) - 1
    return "".join(GAP if v is None else BARS[round((v - lo) / (hi - lo) * top)]
                   for v in values)


def falling(values: list[float | None], run: int, decline_min: float = 0.0) -> list[bool]:
    """Months that end a run of ``run`` known values, each below the one before by at least
    ``decline_min`` (a share, ``risk.decline_min``)."""
    out = []
    for i in range(len(values)):
        window = values[max(0, i - run + 1):i + 1]
        out.append(len(window) == run and None not in window
                   and falling_run(window, decline_min))  # type: ignore[arg-type]
    return out


def overstocked(inventory: list[float | None], sell_out: list[float | None],
                ratio: float) -> list[bool]:
    """Months whose inventory is above ``ratio`` times that month's sell-out."""
    return [i is not None and bool(s) and i > ratio * s  # type: ignore[operator]
            for i, s in zip(inventory, sell_out, strict=True)]


def figure_lines(months: dict[str, dict[str, Any]], end: str, risk: Risk,
                 n: int = 12) -> list[dict[str, Any]]:
    """One line per figure (collections, sell-out, inventory): the months shown, the values,
    the sparkline, which months trigger a risk rule, and the latest known value."""
    keys = last_months(end, n)
    series = {f: [(months.get(k) or {}).get(f) for k in keys] for f, _ in FIGURES}
    flags = {
        "collections": falling(series["collections"], risk.falling_months, risk.decline_min),
        "sell_out": falling(series["sell_out"], risk.falling_months, risk.decline_min),
        "inventory": overstocked(series["inventory"], series["sell_out"], risk.inventory_ratio),
    }
    out = []
    for figure, label in FIGURES:
        values = series[figure]
        known = [v for v in values if v is not None]
        out.append({"figure": figure, "label": label, "months": keys, "values": values,
                    "spark": sparkline(values), "risk": flags[figure],
                    "latest": known[-1] if known else None})
    return out
