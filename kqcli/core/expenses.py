"""The monthly statement of collections and relationship expenses (``kq expenses``), with the
rule checks of 客情费: nothing spent where nothing was collected, payouts within a share of
collections, special expenses for a new customer applied for before the contract, each rep's
cash advances under the cap, and the statement due on the n-th working day."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from ..schema.config import Settings
from .dates import WorkCalendar


def statement_deadline(settings: Settings, month: str) -> tuple[dt.date, bool]:
    """The n-th working day of the month after ``month``, and whether the calendar covered it."""
    year, m = map(int, month.split("-"))
    year, m = (year + 1, 1) if m == 12 else (year, m + 1)
    calendar = WorkCalendar.of(settings.due.extra_days_off, settings.due.extra_working_days)
    return calendar.nth_working_day(year, m, settings.expenses.statement_working_day)


def statement(rows: list[tuple[dict, dict]], settings: Settings, month: str) -> list[dict[str, Any]]:
    """One line per customer with collections or expenses in ``month``."""
    cfg = settings.expenses
    out = []
    for s, f in rows:
        spent = [e for e in f.get("expenses", []) if e["date"].startswith(month)]
        collected = ((f.get("months") or {}).get(month) or {}).get("collections") or 0
        if not spent and not collected:
            continue
        total = sum(e["amount"] for e in spent)
        violations = []
        if total and not collected:
            violations.append("expense with nothing collected (先回款后支付)")
        elif collected and total > cfg.max_share * collected:
            violations.append(f"expenses {total:g} above {cfg.max_share:.0%} of collections "
                              f"{collected:g}")
        since = s.get("since")
        for e in spent:
            if e["kind"] == "special":
                applied = e.get("applied") or e["date"]
                if since and applied > since:
                    violations.append(f"special expense applied {applied} after the contract "
                                      f"{since}: invalid (须签约前申请)")
        out.append({
            "customer": s["id"], "name": s["name"], "owner": s.get("owner"), "month": month,
            "collections": collected, "expenses": total, "count": len(spent),
            "advances": sum(e["amount"] for e in spent if e.get("advance")),
            "share": round(total / collected, 4) if collected else None,
            "recipients": sorted({e["recipient"] for e in spent if e.get("recipient")}),
            "violations": violations,
        })
    out.sort(key=lambda r: (r["owner"] or "~", r["customer"]))
    return out


def per_rep(lines: list[dict[str, Any]], settings: Settings, month: str) -> list[dict[str, Any]]:
    """Each rep's totals, the cash-advance check, and the customers to spot-check."""
    cfg = settings.expenses
    reps: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        reps.setdefault(line["owner"] or "(none)", []).append(line)
    out = []
    for rep, group in sorted(reps.items()):
        advances = sum(line["advances"] for line in group)
        ranked = sorted(group, key=lambda line: hashlib.blake2b(
            f"{month}|{rep}|{line['customer']}".encode(), digest_size=4).digest())
        out.append({
            "owner": rep, "month": month, "customers": len(group),
            "collections": sum(line["collections"] for line in group),
            "expenses": sum(line["expenses"] for line in group), "advances": advances,
            "violations": ([f"cash advances {advances:g} above the cap {cfg.advance_cap:g}"]
                           if advances > cfg.advance_cap else [])
            + [f"{line['name']}: {v}" for line in group for v in line["violations"]],
            "spot_check": [line["customer"] for line in ranked[:cfg.spot_checks]],
        })
    return out
