"""The monthly statement of collections and relationship expenses (``kq expenses``), with the
rule checks of 客情费: nothing spent where nothing was collected, payouts within a share of
collections, special expenses for a new customer applied for before the contract, each rep's
cash advances under the cap, expenses only to the customer's buyer, store head, owner or staff
(客情费使用范围), and the statement due on the n-th working day. A month whose
collections are not reported is unknown: the collection rules are not checked for it."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from ..schema.config import Settings


def statement_deadline(settings: Settings, month: str) -> tuple[dt.date, bool]:
    """The n-th working day of the month after ``month``, and whether the calendar covered it."""
    days, covered = expense_calendar(settings, month)
    return days[0], covered


def expense_calendar(settings: Settings, month: str) -> tuple[tuple[dt.date, dt.date, dt.date], bool]:
    """(statement due, checked by, paid from) for ``month``'s expenses — the 3rd, 8th and 9th
    working days of the next month by default — and whether the official calendar covered them."""
    from .dates import add_months
    from .due import work_calendar

    after = add_months(dt.date.fromisoformat(f"{month}-01"), 1)
    calendar, cfg = work_calendar(settings), settings.expenses
    found = [calendar.nth_working_day(after.year, after.month, n)
             for n in (cfg.statement_working_day, cfg.check_working_day, cfg.pay_working_day)]
    return (found[0][0], found[1][0], found[2][0]), all(covered for _, covered in found)


def collection_checks(total: float, collected: float | None, month: str,
                      settings: Settings) -> tuple[list[str], list[str]]:
    """(violations, unchecked) of a month's expenses against its collections.

    A month whose collections are not reported is unknown, not zero: the rules are not checked.
    """
    max_share = settings.expenses.max_share
    if not total:
        return [], []
    if collected is None:
        return [], [f"先回款后支付: collections for {month} not reported yet"]
    if not collected:
        return ["expense with nothing collected (先回款后支付)"], []
    if total > max_share * collected:
        return [f"expenses {total:g} above {max_share:.0%} of collections {collected:g}"], []
    return [], []


def special_check(expense: dict[str, Any], since: str | None) -> list[str]:
    """A special expense for a new customer must be applied for before the contract."""
    if expense["kind"] != "special" or not since:
        return []
    applied = expense.get("applied") or expense["date"]
    if applied > since:
        return [f"special expense applied {applied} after the contract {since}: invalid "
                "(须签约前申请)"]
    return []


def recipient_check(expense: dict[str, Any], contacts: list[dict[str, Any]] | None,
                    settings: Settings) -> tuple[str, str] | None:
    """(result, message) of who an expense went to (客情费使用范围): a contact of the customer
    whose role contains one of ``expenses.allowed_roles`` (a 采购经理 is a 采购).

    None where the rule does not apply: no recipient, or no allowed roles (the rule is off).
    A customer with no contacts recorded is not checked: unknown is not "nobody".
    """
    roles = settings.expenses.allowed_roles
    recipient = (expense.get("recipient") or "").strip()
    if not recipient or not roles or contacts is None:
        return None
    if not contacts:
        return "unchecked", f"no contacts recorded: 客情费使用范围 not checked for {recipient}"
    found = [c.get("role") or "" for c in contacts if (c.get("name") or "").strip() == recipient]
    allowed = next((r for r in found if any(a in r for a in roles)), None)
    if allowed is not None:
        return "ok", f"{recipient} is the customer's {allowed} (客情费使用范围)"
    who = (f"{recipient} ({', '.join(r or 'no role' for r in found)})" if found
           else f"{recipient}, not a contact,")
    return "broken", (f"expense {expense['amount']:g} on {expense['date']} to {who} outside "
                      f"客情费使用范围 ({', '.join(roles)})")


def statement(rows: list[tuple[dict, dict]], settings: Settings, month: str) -> list[dict[str, Any]]:
    """One line per customer with collections or expenses in ``month``.

    ``collections`` is None when the month's collections are not reported; ``unchecked`` says
    which rules could not be checked for that reason.
    """
    out = []
    for s, f in rows:
        spent = [e for e in f.get("expenses", []) if e["date"].startswith(month)]
        collected = ((f.get("months") or {}).get(month) or {}).get("collections")
        if not spent and not collected:
            continue
        total = sum(e["amount"] for e in spent)
        violations, unchecked = collection_checks(total, collected, month, settings)
        for e in spent:
            violations += special_check(e, s.get("since"))
            check = recipient_check(e, f.get("contacts"), settings)
            violations += [check[1]] if check and check[0] == "broken" else []
        out.append({
            "customer": s["id"], "name": s["name"], "owner": s.get("owner"), "month": month,
            "collections": collected, "expenses": total, "count": len(spent),
            "advances": sum(e["amount"] for e in spent if e.get("advance")),
            "share": round(total / collected, 4) if collected else None,
            "recipients": sorted({e["recipient"] for e in spent if e.get("recipient")}),
            "violations": violations, "unchecked": unchecked,
        })
    out.sort(key=lambda r: (r["owner"] or "~", r["customer"]))
    return out


def expense_checks(expense: dict[str, Any], summary: dict[str, Any], facts: dict[str, Any],
                   settings: Settings, rep_advances: float = 0.0) -> list[dict[str, str]]:
    """The rule checks one new expense triggers, each ``{rule, result, message}``.

    ``facts`` is the customer's ledger with the new expense in it; ``rep_advances`` what the
    rep drew from the cash advance that month on other customers.
    """
    month = expense["date"][:7]
    total = sum(e["amount"] for e in facts.get("expenses", []) if e["date"].startswith(month))
    collected = ((facts.get("months") or {}).get(month) or {}).get("collections")
    broken, unchecked = collection_checks(total, collected, month, settings)
    out = [{"rule": "collected_first", "result": "broken", "message": m} for m in broken]
    out += [{"rule": "collected_first", "result": "unchecked", "message": m} for m in unchecked]
    if not broken and not unchecked:
        out.append({"rule": "collected_first", "result": "ok",
                    "message": f"expenses {total:g} in {month} are {total / collected:.1%} of "
                               f"collections {collected:g}"})
    if expense["kind"] == "special":
        since = summary.get("since")
        out += ([{"rule": "special_before_contract", "result": "broken", "message": m}
                 for m in special_check(expense, since)]
                or [{"rule": "special_before_contract",
                     "result": "ok" if since else "unchecked",
                     "message": f"applied before the contract {since}" if since else
                     "no contract date (since:): 须签约前申请 not checked"}])
    if expense.get("advance"):
        cap = settings.expenses.advance_cap
        drawn = rep_advances + expense["amount"]
        out.append({"rule": "advance_cap", "result": "broken" if drawn > cap else "ok",
                    "message": f"{summary.get('owner') or 'the rep'}'s cash advances in {month}: "
                               f"{drawn:g} of the cap {cap:g}"})
    check = recipient_check(expense, facts.get("contacts"), settings)
    if check:
        out.append({"rule": "allowed_recipient", "result": check[0], "message": check[1]})
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
            "collections": sum(line["collections"] or 0 for line in group),
            "expenses": sum(line["expenses"] for line in group), "advances": advances,
            "violations": ([f"cash advances {advances:g} above the cap {cfg.advance_cap:g}"]
                           if advances > cfg.advance_cap else [])
            + [f"{line['name']}: {v}" for line in group for v in line["violations"]],
            "unchecked": [line["customer"] for line in group if line["unchecked"]],
            "spot_check": [line["customer"] for line in ranked[:cfg.spot_checks]],
        })
    return out
