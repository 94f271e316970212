"""The monthly statement of collections and relationship expenses (``kq expenses``), with the
rule checks of 客情费: nothing spent where nothing was collected, payouts within a share of
collections, special expenses for a new customer applied for before the contract, each rep's
cash advances under the cap, expenses only within the manual's scope (客情费使用范围: the
customer's purchasing staff and leaders, a new customer, the customer's events), and the
statement due on the n-th working day. A month whose
collections are not reported is unknown: the collection rules are not checked for it. What a
check finds is a :class:`~kqcli.core.messages.Message`, worded by the renderer."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from typing import Any

from ..schema.config import Settings
from .messages import Message
from .owners import month_owner


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
                      settings: Settings) -> tuple[list[Message], list[Message]]:
    """(violations, unchecked) of a month's expenses against its collections.

    A month whose collections are not reported is unknown, not zero: the rules are not checked.
    """
    max_share = settings.expenses.max_share
    if not total:
        return [], []
    if collected is None:
        return [], [Message("collections_unreported", {"month": month})]
    if not collected:
        return [Message("nothing_collected")], []
    if total > max_share * collected:
        return [Message("above_share", {"total": total, "share": max_share,
                                        "collected": collected})], []
    return [], []


def special_check(expense: dict[str, Any], since: str | None) -> list[Message]:
    """A special expense for a new customer must be applied for before the contract."""
    if expense["kind"] != "special" or not since:
        return []
    applied = expense.get("applied") or expense["date"]
    if applied > since:
        return [Message("special_after_contract", {"applied": applied, "since": since})]
    return []


def recipient_check(expense: dict[str, Any], contacts: list[dict[str, Any]] | None,
                    settings: Settings, status: str | None = None) -> tuple[str, Message] | None:
    """(result, message) of whom an expense went to (客情费使用范围): ① the customer's
    purchasing staff and ② the head of purchasing (a contact with ``function: purchasing``),
    ③ the company leader over purchasing (``level: executive``), or a contact whose role is
    exactly one of ``expenses.allowed_roles``; ④ winning a new customer (a prospect, or a
    special expense) and ⑤ the customer's events (a purpose in ``expenses.event_purposes``)
    need no recipient. Anything else is outside the scope.

    Not checked (unknown is not "nobody"): an expense that names no recipient, and one for a
    customer with no contacts recorded. None where the contacts were not read at all.
    """
    cfg = settings.expenses
    recipient = (expense.get("recipient") or "").strip()
    purpose = (expense.get("purpose") or "").strip().casefold()
    if status == "prospect" or expense.get("kind") == "special":
        return "ok", Message("new_customer_expense")
    if purpose and purpose in {p.strip().casefold() for p in cfg.event_purposes}:
        return "ok", Message("event_expense")
    where = {"amount": expense["amount"], "date": expense["date"]}
    if not recipient:
        return "unchecked", Message("no_recipient", where)
    if contacts is None:
        return None
    if not contacts:
        return "unchecked", Message("no_contacts", {"recipient": recipient})
    found = [c for c in contacts if (c.get("name") or "").strip() == recipient]
    if not found:
        return "broken", Message("recipient_not_a_contact", {**where, "recipient": recipient})
    roles = {r.strip() for r in cfg.allowed_roles}
    if any(c.get("level") == "executive" for c in found):
        return "ok", Message("executive_recipient", {"recipient": recipient})
    if any(c.get("function") == "purchasing" for c in found):
        return "ok", Message("purchasing_recipient", {"recipient": recipient})
    allowed = next((c["role"].strip() for c in found if (c.get("role") or "").strip() in roles),
                   None)
    if allowed is not None:
        return "ok", Message("allowed_recipient", {"recipient": recipient, "role": allowed})
    who = Message("contact_roles", {"recipient": recipient,
                                    "roles": [c.get("role") or Message("no_role") for c in found]})
    return "broken", Message("outside_recipients", {
        **where, "who": who,
        "roles": [Message("purchasing_function"), Message("executive_level"),
                  *cfg.allowed_roles]})


def statement(rows: list[tuple[dict, dict]], settings: Settings, month: str) -> list[dict[str, Any]]:
    """One line per customer with collections or expenses in ``month``, under the rep who
    owned the customer at the end of the month (core.owners).

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
            check = recipient_check(e, f.get("contacts"), settings, s.get("status"))
            violations += [check[1]] if check and check[0] == "broken" else []
        out.append({
            "customer": s["id"], "name": s["name"], "owner": month_owner(s, month),
            "month": month,
            "collections": collected, "expenses": total, "count": len(spent),
            "advances": sum(e["amount"] for e in spent if e.get("advance")),
            "share": round(total / collected, 4) if collected else None,
            "recipients": sorted({e["recipient"] for e in spent if e.get("recipient")}),
            "violations": violations, "unchecked": unchecked,
        })
    out.sort(key=lambda r: (r["owner"] or "~", r["customer"]))
    return out


def expense_checks(expense: dict[str, Any], summary: dict[str, Any], facts: dict[str, Any],
                   settings: Settings, rep_advances: float = 0.0) -> list[dict[str, Any]]:
    """The rule checks one new expense triggers, each ``{rule, result, message}``.

    ``facts`` is the customer's ledger with the new expense in it; ``rep_advances`` what the
    rep (the customer's owner at the end of the expense's month) drew from the cash advance
    that month on other customers.
    """
    month = expense["date"][:7]
    total = sum(e["amount"] for e in facts.get("expenses", []) if e["date"].startswith(month))
    collected = ((facts.get("months") or {}).get(month) or {}).get("collections")
    broken, unchecked = collection_checks(total, collected, month, settings)
    out = [{"rule": "collected_first", "result": "broken", "message": m} for m in broken]
    out += [{"rule": "collected_first", "result": "unchecked", "message": m} for m in unchecked]
    if not broken and not unchecked:
        out.append({"rule": "collected_first", "result": "ok",
                    "message": Message("within_share", {"total": total, "month": month,
                                                        "share": total / collected,
                                                        "collected": collected})})
    if expense["kind"] == "special":
        since = summary.get("since")
        out += ([{"rule": "special_before_contract", "result": "broken", "message": m}
                 for m in special_check(expense, since)]
                or [{"rule": "special_before_contract",
                     "result": "ok" if since else "unchecked",
                     "message": Message("special_before_contract", {"since": since})
                     if since else Message("no_contract_date")}])
    if expense.get("advance"):
        cap = settings.expenses.advance_cap
        drawn = rep_advances + expense["amount"]
        out.append({"rule": "advance_cap", "result": "broken" if drawn > cap else "ok",
                    "message": Message("advances_drawn", {
                        "owner": month_owner(summary, month) or Message("the_rep"),
                        "month": month,
                        "drawn": drawn, "cap": cap})})
    check = recipient_check(expense, facts.get("contacts"), settings, summary.get("status"))
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
            "violations": ([Message("advance_cap", {"advances": advances,
                                                    "cap": cfg.advance_cap})]
                           if advances > cfg.advance_cap else [])
            + [replace(v, subject=line["name"]) for line in group for v in line["violations"]],
            "unchecked": [line["customer"] for line in group if line["unchecked"]],
            "spot_check": [line["customer"] for line in ranked[:cfg.spot_checks]],
        })
    return out
