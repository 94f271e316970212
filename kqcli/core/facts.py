"""What the commands need to know of a customer, kept in the index beside its summary.

Computed once per file change (independent of today and of kq.yaml), so ``kq due`` over
thousands of customers never re-reads YAML. Two digests: ``extract`` (the daily list: small,
read on every ``kq due``) and ``ledger`` (month end: figures, scorecard counts, expenses).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..schema.customer import Customer
from . import dates
from .intel import independent_sources

IN_PERSON = frozenset({"visit", "training", "event", "deep_visit"})
MONTH_FIGURES = ("collections", "shipments", "inventory", "sell_out", "movement")
RECENT_MONTHS = 6  # months of figures the daily list keeps (risk trends, late reports)
DAILY_FIGURES = frozenset({"collections", "shipments", "sell_out", "inventory", "reported",
                           "stockout"})


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def _done(customer: Customer) -> list[Any]:
    """The interactions that happened, by date: a planned one (``planned: true``) is not done
    until it is logged again without it."""
    return sorted((v for v in customer.visits if not v.planned), key=lambda v: v.date)


def extract(customer: Customer) -> dict[str, Any]:
    visits = _done(customer)
    in_person = [v.date for v in visits if v.kind.value in IN_PERSON]
    care_calls = [v.date for v in visits if v.kind.value == "care_call"]
    deliveries = [v.date for v in visits if v.kind.value == "delivery"]
    deep_visits = [v.date for v in visits if v.kind.value == "deep_visit"]
    # Every interaction, for the greetings (which kinds greet is kq.yaml's), an alert's call and
    # a handover: [day, kind], and the occasions it was logged for when it says so.
    log = [[_iso(v.date), v.kind.value, *([v.for_] if v.for_ else [])] for v in visits]

    follow_up = None
    if deliveries:
        delivered = deliveries[-1]
        follow_up = {"delivered": _iso(delivered),
                     "after": [[_iso(v.date), v.kind.value] for v in visits if v.date > delivered]}

    next_steps = sorted(
        ({"date": _iso(v.next.date), "action": v.next.action, "from": _iso(v.date)}
         for v in visits if v.next is not None and v.next.done_on is None),
        key=lambda step: (step["date"], step["from"]))

    contacts = []
    for c in customer.contacts:
        if c.birthday or c.lunar_birthday or c.events:
            contacts.append({
                "name": c.name, "role": c.role, "birthday": _iso(c.birthday),
                "lunar_birthday": c.lunar_birthday,
                "events": [{"date": _iso(e.date), "kind": e.kind.value, "note": e.note}
                           for e in c.events],
            })

    months = _months(customer)
    return {
        "first_interaction": _iso(visits[0].date) if visits else None,
        "last_interaction": _iso(visits[-1].date) if visits else None,
        "last_in_person": _iso(in_person[-1]) if in_person else None,
        "last_care_call": _iso(care_calls[-1]) if care_calls else None,
        "last_deep_visit": _iso(deep_visits[-1]) if deep_visits else None,
        "log": log,
        "seasons": sorted(set(customer.seasons)),
        "styles": [[c.name, c.role, c.style.value] for c in customer.contacts if c.style],
        "follow_up": follow_up,
        "next_steps": next_steps,
        "contacts": contacts,
        "months": {month: {k: v for k, v in figures.items()
                         if k in DAILY_FIGURES and v is not None and v is not False}
                   for month, figures in list(months.items())[-RECENT_MONTHS:]},
        "profit_chain": _profit_chain(customer),
        "competitors": [[p.name, _iso(p.since)] for p in customer.products
                        if p.competitor and p.since],
        "intel": [{"date": _iso(i.date), "claim": i.claim, "sources": independent_sources(i.sources)}
                  for i in customer.intel if i.dismissed is None],
        "reports": _reports(customer, visits),
        "contact_levels": [[c.name, c.role, c.level.value if c.level else None]
                           for c in customer.contacts],
        "acks": [{"reason": a.reason.value, "on": _iso(a.on), "until": _iso(a.until),
                  "seen": list(a.seen)} for a in customer.acks],
        # open complaints and returns, numbered as in the file (kq issue --close N)
        "issues": [{"n": n, "opened": _iso(i.opened), "kind": i.kind.value, "text": i.text}
                   for n, i in enumerate(customer.issues, 1) if i.closed is None],
        # where the store is and whom to see there (kq plan)
        "location": list(customer.location) if customer.location else None,
        "phone": customer.phone,
        "whom": _whom(customer),
        "shelf": _latest_shelf(visits),
        # planned visits moved (kq skip): [date, to], to None for the next working day
        "skips": sorted([_iso(s.date), _iso(s.to)] for s in customer.skips),
    }


def _whom(customer: Customer) -> list[Any] | None:
    """``[name, role, phone, style]`` of the contact a visit is for: the first with a decision
    style (as kq due's "见 …"), else the first decision maker (manager, executive), else the
    first contact; None without contacts."""
    contacts = customer.contacts
    chosen = (next((c for c in contacts if c.style), None)
              or next((c for c in contacts if c.level and c.level.value != "staff"), None)
              or (contacts[0] if contacts else None))
    if chosen is None:
        return None
    return [chosen.name, chosen.role, chosen.phone, chosen.style.value if chosen.style else None]


def _latest_shelf(visits: list[Any]) -> dict[str, list[Any]]:
    """Each product's latest shelf check (kq shelf): ``{sku: [day, facings, price, stock]}``."""
    out: dict[str, list[Any]] = {}
    for v in visits:
        for c in v.shelf:
            out[c.sku] = [_iso(v.date), c.facings, c.price, c.stock]
    return out


def ledger(customer: Customer) -> dict[str, Any]:
    """What month-end commands need: every month's figures, scorecard counts, expenses."""
    visits = _done(customer)
    return {
        "months": _months(customer),
        "expenses": [{"date": _iso(e.date), "amount": e.amount, "kind": e.kind.value,
                      "applied": _iso(e.applied), "advance": e.advance, "recipient": e.recipient,
                      "purpose": e.purpose} for e in customer.expenses],
        "monthly": _monthly(visits),
        "contact_stats": _contact_stats(customer),
        "contacts": [{"name": c.name, "role": c.role,
                      "function": c.function.value if c.function else None,
                      "level": c.level.value if c.level else None} for c in customer.contacts],
        "assessments": {month: a.model_dump(mode="json")
                        for month, a in customer.assessments.items()},
        "synergy": customer.synergy,
        "business": customer.business.model_dump(
            mode="json", include={"annual_revenue", "consumers", "strength", "management"})
        if customer.business else {},
        "days": active_days(customer),
    }


def active_days(customer: Customer) -> list[str]:
    """Every day the file records something done or decided on (kq day reads these customers'
    files): interactions, planned ones included, expenses, intel, issues opened or closed,
    skipped visits."""
    found = {v.date for v in customer.visits}
    found.update(e.date for e in customer.expenses)
    found.update(i.date for i in customer.intel)
    found.update(i.opened for i in customer.issues)
    found.update(i.closed for i in customer.issues if i.closed is not None)
    found.update(s.date for s in customer.skips)
    return sorted(day.isoformat() for day in found)


def _profit_chain(customer: Customer) -> list[str]:
    """Our products in decline when none is in growth or mature: the chain is broken (利润链)."""
    ours = [p for p in customer.products if not p.competitor]
    declining = [p.name for p in ours if p.stage and p.stage.value == "decline"]
    healthy = any(p.stage and p.stage.value in ("growth", "mature") for p in ours)
    return [] if healthy else declining


def _reports(customer: Customer, visits: list[Any]) -> dict[str, Any]:
    """Which months the customer owes its report for, as far as the file tells, whatever today
    is: ``from`` the first month owed, ``last`` the newest month the file records, and ``open``
    the months from ``from`` to ``last`` neither reported nor waived. ``kq due`` adds the months
    after ``last`` whose deadline has passed.

    Owing begins with the first month in ``months:``; in a file that records none, with the
    month before the first interaction (the first visit asks for last month's figures); never
    before the month of ``since``. A file with neither (``from`` None) owes last month alone,
    as a file imported with an old ``since`` must not owe every month since.
    """
    recorded = sorted(customer.months)
    if recorded:
        start: str | None = recorded[0]
    elif visits:
        start = dates.month_key(dates.add_months(visits[0].date, -1))
    else:
        start = None
    since = dates.month_key(customer.since) if customer.since else None
    if start is not None and since is not None and since > start:
        start = since
    last = recorded[-1] if recorded else None
    closed = {m for m, figures in customer.months.items() if figures.reported or figures.waived}
    open_months = []
    if start is not None and last is not None and start <= last:
        month = dt.date.fromisoformat(f"{start}-01")
        while dates.month_key(month) <= last:
            if dates.month_key(month) not in closed:
                open_months.append(dates.month_key(month))
            month = dates.add_months(month, 1)
    return {"from": start, "last": last, "open": open_months}


def _months(customer: Customer) -> dict[str, dict[str, Any]]:
    return {
        month: {**{k: getattr(m, k) for k in MONTH_FIGURES if getattr(m, k) is not None},
                "reported": _iso(m.reported), "stockout": m.stockout,
                "changes": bool(m.changes)}
        for month, m in sorted(customer.months.items())
    }


def _monthly(visits: list[Any]) -> dict[str, dict[str, Any]]:
    """Per month of the log: the counts the scorecard needs; the minutes spent in person
    (None while no in-person interaction of the month says how long it took) and the photos
    kept, as [day, path], for the month report."""
    out: dict[str, dict[str, Any]] = {}
    for v in visits:
        m = out.setdefault(v.date.strftime("%Y-%m"), {
            "in_person": 0, "planned": 0, "help": 0, "pop_display": 0, "feedback": 0,
            "all": 0, "days": [], "minutes": None, "photos": [], "shelf": []})
        done = {d.value for d in v.done}
        m["all"] += 1
        m["days"].append(v.date.day)
        m["photos"].extend([_iso(v.date), path] for path in v.photos)
        if v.kind.value in IN_PERSON:
            m["in_person"] += 1
            m["planned"] += bool(v.goal and v.outcome)
            if v.minutes is not None:
                m["minutes"] = (m["minutes"] or 0) + v.minutes
        m["help"] += "help" in done
        m["pop_display"] += bool(done & {"pop", "display"})
        m["feedback"] += "feedback" in done
        m["shelf"].extend([c.sku, c.facings, c.pop] for c in v.shelf)
    return out


def _contact_stats(customer: Customer) -> dict[str, Any]:
    """How complete the relationship cards are, and how far contacts span the organisation."""
    contacts = customer.contacts
    return {
        "total": len(contacts),
        "complete": sum(bool(c.name and c.role and (c.phone or c.wechat)
                             and (c.birthday or c.lunar_birthday)
                             and (c.hobbies or c.personality)) for c in contacts),
        "rated": sum(c.familiarity is not None for c in contacts),
        "known": sum((c.familiarity or 0) >= 1 for c in contacts),
        "familiar": sum((c.familiarity or 0) >= 2 for c in contacts),
        "functions": sorted({c.function.value for c in contacts if c.function}),
        "levels": sorted({c.level.value for c in contacts if c.level}),
    }
