"""The day written up (工作写实, ``kq day``): what a rep planned, did and skipped on one day.

Pure: the customer files that record something that day, kq.yaml's products and the plan as
it stood that morning in; rows and totals out, labels left to the command line.

- **Done**: each interaction dated that day (not ``planned: true``), with its time (``at``),
  ``minutes``, kind, contact, goal and outcome, photos and shelf checks; the customer's
  expenses, intel, issues opened and the next step set that day ride on its first row.
- **Skipped**: each ``skips:`` entry dated that day, with its reason and the day it moved to.
- **Planned**: the stops of the morning's plan (``kq plan``) and the interactions logged ahead
  for that day (``planned: true``); a planned customer neither visited nor skipped is ``missed``.
- **Kilometres**: the great-circle distance between the day's located in-person visits in the
  order of their times (the plan's estimate of travel), and the planned tour's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .facts import IN_PERSON
from .owners import owner_on
from .plan import haversine_km

if TYPE_CHECKING:
    from ..schema.config import Settings
    from ..schema.customer import Customer

FIELDS = ("time", "customer", "name", "kind", "minutes", "goal", "outcome", "photos", "shelf",
          "expenses", "skipped", "state", "planned", "reason", "contact", "owner", "intel",
          "issues", "next", "note", "km")
"""The JSON keys of a row (CONTRACT v3 first)."""
STATES = ("done", "skipped", "missed", "other")
"""A row's ``state``: an interaction done; a visit skipped (kq skip); a planned customer
neither visited nor skipped; expenses, intel or an issue without an interaction."""
TOTALS = ("rep", "date", "planned", "done", "skipped", "missed", "visits", "minutes", "photos",
          "expenses", "km", "planned_km")
"""The keys of a day's totals (``kq team --day``'s row)."""


@dataclass(frozen=True)
class PlannedStop:
    """A customer on the morning's plan: when and why (a ``kq due`` reason), how far from the
    stop before it (km, 0.0 when unknown)."""

    customer: str
    name: str
    reason: str | None = None
    time: str | None = None
    km: float = 0.0
    optional: bool = False
    owner: str | None = None


def planned_stop(stop: Any, owner: str | None) -> PlannedStop:
    """kq plan's ``Stop`` of ``owner``'s plan as the day report keeps it."""
    return PlannedStop(stop.customer, stop.name, stop.reason, stop.time, stop.km,
                       stop.optional, owner)


@dataclass
class WrittenDay:
    day: dt.date
    owner: str | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)


def shelf_findings(check: Any, products: dict[str, Any]) -> list[dict[str, Any]]:
    """What a shelf check found against kq.yaml's ``products``: ``off_shelf`` (no facings),
    ``few_facings`` (below the minimum), ``price_low`` / ``price_high`` (outside the band),
    ``no_pop`` (no POP or display up); each with the figures it was judged by."""
    found: list[dict[str, Any]] = []
    product = products.get(check.sku)
    least = getattr(product, "facings", None)
    band = getattr(product, "price", None)
    if check.facings == 0:
        found.append({"finding": "off_shelf"})
    elif check.facings is not None and least is not None and check.facings < least:
        found.append({"finding": "few_facings", "facings": check.facings, "least": least})
    if check.price is not None and band is not None:
        if check.price < band[0]:
            found.append({"finding": "price_low", "price": check.price, "band": list(band)})
        elif check.price > band[1]:
            found.append({"finding": "price_high", "price": check.price, "band": list(band)})
    if check.pop is False:
        found.append({"finding": "no_pop"})
    return found


def as_of_morning(customer: Customer, day: dt.date) -> Customer:
    """The customer as its file stood on the morning of ``day``: no interaction, skip,
    expense, intel or issue dated that day or later (what the day's plan was made from)."""
    return customer.model_copy(update={
        "visits": [v for v in customer.visits if v.date < day],
        "skips": [s for s in customer.skips if s.date < day],
        "expenses": [e for e in customer.expenses if e.date < day],
        "intel": [i for i in customer.intel if i.date < day],
        "issues": [i for i in customer.issues if i.opened < day],
    })


def written_day(customers: Iterable[tuple[str, Customer]], day: dt.date, owner: str | None,
                settings: Settings, plan: Sequence[PlannedStop] = (),
                planned_km: float = 0.0) -> WrittenDay:
    """The day's rows, done ones by time (untimed after), then skipped and missed ones; and
    its totals. ``customers``: the files of the customers ``owner`` had that day (any may
    record nothing that day); ``plan``: the morning's stops (:func:`planned_stop`)."""
    products = settings.products
    rows: list[dict[str, Any]] = []
    located: dict[str, tuple[float, float]] = {}
    done_ids: set[str] = set()
    skipped_ids: set[str] = set()
    planned: dict[str, dict[str, Any]] = {
        s.customer: {"name": s.name, "reason": s.reason, "time": s.time, "km": s.km,
                     "owner": s.owner or owner} for s in plan if not s.optional}
    for cid, c in customers:
        if c.location is not None:
            located[cid] = c.location
        rep = owner or owner_on(c.model_dump(mode="json", by_alias=True,
                                             include={"owner", "owners", "handover"}), day)
        base = {"customer": cid, "name": c.name, "owner": rep}
        mine: list[dict[str, Any]] = []
        for v in c.visits:
            if v.date != day:
                continue
            if v.planned:
                planned.setdefault(cid, {"name": c.name, "reason": None, "time": v.at,
                                         "km": 0.0, "owner": rep})
                continue
            mine.append(_done_row(base, v, products))
            if v.kind.value in IN_PERSON:
                done_ids.add(cid)
        extras = {
            "expenses": [{"amount": e.amount, "purpose": e.purpose, "recipient": e.recipient,
                          "kind": e.kind.value} for e in c.expenses if e.date == day],
            "intel": [i.claim for i in c.intel if i.date == day],
            "issues": [{"kind": i.kind.value, "text": i.text} for i in c.issues
                       if i.opened == day],
        }
        for s in c.skips:
            if s.date == day:
                skipped_ids.add(cid)
                mine.append({**base, **_empty(), "state": "skipped",
                             "skipped": {"reason": s.reason, "to": s.to.isoformat()
                                         if s.to else None}})
        mine.sort(key=lambda r: (r["time"] is None, r["time"] or ""))
        if any(extras.values()):
            if not mine:
                mine.append({**base, **_empty(), "state": "other"})
            for key, value in extras.items():
                mine[0][key] = value
        rows.extend(mine)
    others = {r["customer"]: r for r in rows if r["state"] == "other"}
    for cid, stop in planned.items():
        if cid in others and cid not in done_ids and cid not in skipped_ids:
            others[cid].update(state="missed", time=stop["time"])  # expenses, intel, issues
        elif cid not in done_ids and cid not in skipped_ids:
            rows.append({"customer": cid, "name": stop["name"],
                         "owner": stop.get("owner") or owner, **_empty(),
                         "state": "missed", "time": stop["time"]})
    for row in rows:
        stop = planned.get(row["customer"])
        row["planned"] = stop is not None
        row["reason"] = stop["reason"] if stop else None
    order = {state: n for n, state in enumerate(STATES)}
    rows.sort(key=lambda r: (order[r["state"]] if r["state"] != "other" else 0,
                             r["time"] is None, r["time"] or "", r["name"]))
    km = _travelled(rows, located)
    rows = [{k: r.get(k) for k in FIELDS} for r in rows]
    done = [r for r in rows if r["state"] == "done"]
    totals = {
        "rep": owner, "date": day.isoformat(), "planned": len(planned),
        "done": len({r["customer"] for r in done}),
        "skipped": sum(r["state"] == "skipped" for r in rows),
        "missed": sum(r["state"] == "missed" for r in rows),
        "visits": sum(r["kind"] in IN_PERSON for r in done),
        "minutes": sum(r["minutes"] or 0 for r in done),
        "photos": sum(len(r["photos"]) for r in rows),
        "expenses": sum(e["amount"] for r in rows for e in r["expenses"]),
        "km": km, "planned_km": round(planned_km, 1),
    }
    return WrittenDay(day, owner, rows, totals)


def _empty() -> dict[str, Any]:
    return {"time": None, "kind": None, "minutes": None, "goal": None, "outcome": None,
            "photos": [], "shelf": [], "expenses": [], "skipped": None, "contact": None,
            "intel": [], "issues": [], "next": None, "note": None, "km": None}


def _done_row(base: dict[str, Any], v: Any, products: dict[str, Any]) -> dict[str, Any]:
    return {**base, **_empty(), "state": "done", "time": v.at, "kind": v.kind.value,
            "minutes": v.minutes, "goal": v.goal, "outcome": v.outcome, "contact": v.contact,
            "photos": list(v.photos), "note": v.note,
            "shelf": [{**s.model_dump(mode="json"), "findings": shelf_findings(s, products)}
                      for s in v.shelf],
            "next": {"date": v.next.date.isoformat(), "action": v.next.action}
            if v.next is not None else None}


def _travelled(rows: list[dict[str, Any]], located: dict[str, tuple[float, float]]) -> float:
    """Km between the day's located in-person visits in time order (each row's ``km``: from
    the visit before it); the day's total."""
    total, before = 0.0, None
    for row in rows:
        if row["state"] != "done" or row["kind"] not in IN_PERSON:
            continue
        here = located.get(row["customer"])
        if here is None:
            continue
        if before is not None and before != here:
            row["km"] = round(haversine_km(before, here), 1)
            total += row["km"]
        before = here
    return round(total, 1)


def team_day(customers: Iterable[tuple[str, Customer]], day: dt.date, reps: Sequence[str],
             settings: Settings, plans: dict[str, tuple[Sequence[Any], float]] | None = None,
             ) -> list[dict[str, Any]]:
    """One row of totals per rep (``kq team --day``): ``reps`` in their order, then anyone
    else who owned a customer recording something that day; ``plans``: each rep's morning
    plan and its km."""
    by_rep: dict[str | None, list[tuple[str, Customer]]] = {rep: [] for rep in reps}
    for cid, c in customers:
        rep = owner_on(c.model_dump(mode="json", by_alias=True,
                                    include={"owner", "owners", "handover"}), day)
        by_rep.setdefault(rep, []).append((cid, c))
    plans = plans or {}
    for rep in plans:
        by_rep.setdefault(rep, [])
    rows = []
    for rep, files in by_rep.items():
        stops, km = plans.get(rep or "", ((), 0.0))
        rows.append(written_day(files, day, rep, settings,
                                [planned_stop(s, rep) for s in stops], km).totals)
    return rows
