"""Month-end scorecards (``kq score``): the terminal relationship card, the key-account card,
the distributor card (the Synergy table and the information work), and the cards a team keys
by its reps' roles. Pure functions over index facts.

Which card: the owner's role (kq.yaml ``reps[].role``, ``rep`` for an owner it does not list)
and the customer's kind pick ``score.cards``' ``ROLE.KIND``, else ``ROLE``, else ``KIND``, else
``default``; a card row says which (``role``, ``card``).

How each item is derived from the month's data (a manager's assessment always wins):

- relationship_cards: share of contacts whose card is complete (name, role, phone or WeChat,
  birthday, hobbies or personality);
- mutual_recognition / mutual_familiarity: share of contacts with familiarity >= 1 / >= 2;
- visit_frequency: in-person visits against what the cadence asks in a month (capped at 1),
  times the share of those visits that had both a goal and an outcome;
- favour, pop_display: full points when the month has at least one (done: help; pop/display);
  pop_display, in a month with shelf checks (kq shelf), is instead the share of its checks with
  POP up (pop: yes) and at least the product's minimum facings (kq.yaml ``products``; 1 where
  none is given), its source ``shelf``;
- feedback: clerk feedback items (done: feedback) against the item's monthly target;
- regular_communication: interactions of any kind against the target, halved when a gap in
  the month was longer than the cadence;
- levels / functions: share of the levels (staff, manager, executive) / functions (purchasing,
  finance, logistics, ...) the contacts span, against the item's target (3 / 4: strategic);
- changes_reported: full points when the month's figures tell of changes in the business;
  figures_on_time: full points when they were reported by ``due.report_day`` (missing when
  the month has no figures);
- synergy: the Synergy table's total (weight x score 1-4), scaled to the item's points (the
  table's maximum by default); unknown (未评) while no factor is scored;
- first_recommendation, product_knowledge, and any item a team adds: assessments only.
A manager's assessment of the month (``assessments:``) also says who assessed it, when and why:
``assessed_by``, ``assessed_on``, ``assessment_note`` (None where not said).
A card's ``owner`` is the customer's owner at the end of the month (core.owners), so a month
stays with the rep who did its work after a reassignment. A derived item with no data scores
0 and is listed in ``missing``. An assessment-only item the
manager has not assessed is unknown, not zero: ``None`` (未评), left out of ``total`` and
``max``, listed in ``missing`` and ``unassessed``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from ..schema.config import ScoreItem, Settings
from ..schema.enums import Function, Level
from .dates import add_months, month_key
from .due import cadence_of
from .owners import month_owner

DERIVED = frozenset({"relationship_cards", "mutual_recognition", "mutual_familiarity",
                     "visit_frequency", "favour", "pop_display", "feedback",
                     "regular_communication", "levels", "functions", "changes_reported",
                     "figures_on_time"})  # the items _derive computes from the data


def previous_month(month: str) -> str:
    return month_key(add_months(dt.date.fromisoformat(f"{month}-01"), -1))


def role_of(owner: str | None, settings: Settings) -> str | None:
    """A rep's role (kq.yaml ``reps[].role``); an owner kq.yaml does not list is a rep."""
    if not owner:
        return None
    return next((r.role.value for r in settings.reps if r.name == owner), "rep")


def card_for(summary: dict[str, Any], settings: Settings,
             role: str | None = None) -> tuple[str, list[ScoreItem]]:
    """The card a customer is scored on, with its key in ``score.cards``: its owner's role's
    card for its kind (``ROLE.KIND``), else the role's card, else its kind's, else ``default``."""
    cards = settings.score.cards
    kind = summary.get("kind") or ""
    for key in (f"{role}.{kind}" if role and kind else None, role, kind):
        if key and key in cards:
            return key, cards[key]
    return "default", cards.get("default", [])


def all_items(settings: Settings) -> list[ScoreItem]:
    """Every item of every card, each key once (as the first card to use it has it)."""
    found: dict[str, ScoreItem] = {}
    for card in settings.score.cards.values():
        for item in card:
            found.setdefault(item.key, item)
    return list(found.values())


def _derive(key: str, item: ScoreItem, facts: dict[str, Any], summary: dict[str, Any],
            month: str, settings: Settings) -> float | None:
    stats = facts.get("contact_stats") or {}
    m = (facts.get("monthly") or {}).get(month)
    points = item.points
    if key == "relationship_cards":
        return points * stats["complete"] / stats["total"] if stats.get("total") else None
    if key in ("mutual_recognition", "mutual_familiarity"):
        if not stats.get("rated"):
            return None
        count = stats["known"] if key == "mutual_recognition" else stats["familiar"]
        return points * count / stats["total"]
    if key == "visit_frequency":
        due_days = cadence_of(summary, settings)[1]
        year, mon = map(int, month.split("-"))
        required = max(1, math.floor(calendar.monthrange(year, mon)[1] / due_days))
        if not m or not m["in_person"]:
            return 0.0
        return points * min(1.0, m["in_person"] / required) * m["planned"] / m["in_person"]
    if key in ("levels", "functions"):
        spanned = stats.get(key) or []
        if not spanned:
            return None
        target = item.target or len(Level if key == "levels" else Function)
        return points * min(1.0, len(spanned) / target)
    if key in ("changes_reported", "figures_on_time"):
        if month not in (facts.get("months") or {}):
            return None
        told = information(facts, settings, month)
        return float(points) if told["changes_reported" if key == "changes_reported"
                                      else "on_time"] else 0.0
    if key == "favour":
        return float(points) if m and m["help"] else 0.0
    if key == "pop_display":
        return float(points) if m and m["pop_display"] else 0.0
    if key == "feedback":
        target = item.target or 1
        return points * min(1.0, (m["feedback"] if m else 0) / target)
    if key == "regular_communication":
        if not m:
            return 0.0
        target = item.target or 1
        year, mon = map(int, month.split("-"))
        days = [1, *sorted(m["days"]), calendar.monthrange(year, mon)[1] + 1]
        widest = max(b - a for a, b in zip(days, days[1:], strict=False))
        steady = 1.0 if widest <= cadence_of(summary, settings)[1] else 0.5
        return points * min(1.0, m["all"] / target) * steady
    return None


def scorecard(summary: dict[str, Any], facts: dict[str, Any], settings: Settings,
              month: str) -> dict[str, Any]:
    """One customer's card for ``month``: items, total, max, missing, and where each came from."""
    assessment = (facts.get("assessments") or {}).get(month) or {}
    assessed = assessment.get("items") or {}
    items: dict[str, float | None] = {}
    sources: dict[str, str] = {}
    missing: list[str] = []
    unassessed: list[str] = []
    owner = month_owner(summary, month)
    role = role_of(owner, settings)
    name, card = card_for(summary, settings, role)
    for item in card:
        value: float | None
        if item.key in assessed:
            value, source = float(min(assessed[item.key], item.points)), "assessment"
        elif item.key == "synergy":  # the manager's Synergy scores: unknown until given
            value = _synergy_points(item, facts, settings, month)
            source = "derived" if value is not None else "unassessed"
            if value is None:
                unassessed.append(item.key)
                missing.append(item.key)
        elif item.key == "pop_display" and _shelf_checks(facts, month):
            value, source = _display_share(item, facts, month, settings), "shelf"
        elif item.key not in DERIVED:
            value, source = None, "unassessed"
            unassessed.append(item.key)
            missing.append(item.key)
        else:
            value, source = _derive(item.key, item, facts, summary, month, settings), "derived"
            if value is None:
                missing.append(item.key)
                value, source = 0.0, "missing"
        items[item.key] = None if value is None else round(value, 1)
        sources[item.key] = source
    row = {
        "customer": summary["id"], "name": summary["name"],
        "owner": owner, "role": role, "card": name, "month": month, "items": items,
        "total": round(sum(v for v in items.values() if v is not None), 1),
        "max": sum(i.points for i in card if items[i.key] is not None), "missing": missing,
        "unassessed": unassessed, "sources": sources,
        "assessed_by": assessment.get("by"), "assessed_on": assessment.get("on"),
        "assessment_note": assessment.get("note"),
        "visit_minutes": ((facts.get("monthly") or {}).get(month) or {}).get("minutes"),
    }
    if summary.get("kind") == "distributor":
        row["synergy"] = synergy(facts, settings, month)
        row["information"] = information(facts, settings, month)
    return row


def _shelf_checks(facts: dict[str, Any], month: str) -> list[list[Any]]:
    """The month's shelf checks: ``[sku, facings, pop]`` each."""
    return ((facts.get("monthly") or {}).get(month) or {}).get("shelf") or []


def _display_share(item: ScoreItem, facts: dict[str, Any], month: str,
                   settings: Settings) -> float:
    """POP/陈列 from the month's shelf checks: the points times the share of checks that meet
    the display (POP up and at least the minimum facings)."""
    from .shelf import meets_display

    checks = _shelf_checks(facts, month)
    return item.points * sum(meets_display(c, settings.products) for c in checks) / len(checks)


def _synergy_points(item: ScoreItem, facts: dict[str, Any], settings: Settings,
                    month: str) -> float | None:
    """The Synergy table's total scaled to the item's points; None while no factor is scored."""
    table = synergy(facts, settings, month)
    if len(table["missing"]) == len(settings.score.synergy) or not table["max"]:
        return None
    return item.points * table["total"] / table["max"]


def synergy(facts: dict[str, Any], settings: Settings, month: str) -> dict[str, Any]:
    """Synergy model table: weight x score (1-4) per factor, on both sides of the partnership."""
    scores = (facts.get("synergy") or {}).get(month, {})
    factors = settings.score.synergy
    points = {f.key: f.weight * scores[f.key] for f in factors if f.key in scores}
    return {
        "factors": {k: round(v, 2) for k, v in points.items()},
        "supplier": round(sum(points.get(f.key, 0) for f in factors if f.side == "supplier"), 2),
        "distributor": round(sum(points.get(f.key, 0) for f in factors if f.side != "supplier"), 2),
        "total": round(sum(points.values()), 2),
        "max": round(sum(f.weight * 4 for f in factors), 2),
        "missing": [f.key for f in factors if f.key not in scores],
    }


def information(facts: dict[str, Any], settings: Settings, month: str) -> dict[str, Any]:
    """Information-work indicators: business changes reported; figures reported on time."""
    figures = (facts.get("months") or {}).get(month) or {}
    year, mon = map(int, month.split("-"))
    deadline = (dt.date(year + mon // 12, mon % 12 + 1, settings.due.report_day))
    reported = figures.get("reported")
    return {
        "changes_reported": bool(figures.get("changes")),
        "figures_reported": bool(reported),
        "on_time": bool(reported) and dt.date.fromisoformat(reported) <= deadline,
        "deadline": deadline.isoformat(),
    }


def scorecards(rows: list[tuple[dict[str, Any], dict[str, Any]]], settings: Settings,
               month: str) -> list[dict[str, Any]]:
    """Every active customer's card for ``month`` with the change against the month before."""
    return ordered([c for c in (customer_card(s, f, settings, month) for s, f in rows) if c])


def customer_card(summary: dict[str, Any], facts: dict[str, Any], settings: Settings,
                  month: str) -> dict[str, Any] | None:
    """One customer's card for ``month`` with ``previous`` and ``change``; None for a customer
    not scored (terminated, potential). Depends on nothing but its arguments: kept per
    customer in the index (kqcli.store.cards)."""
    if summary.get("status") in ("terminated", "potential"):
        return None
    card = scorecard(summary, facts, settings, month)
    prior = scorecard(summary, facts, settings, previous_month(month))
    card["previous"] = prior["total"]
    card["change"] = change(card["items"], prior["items"])
    return card


def ordered(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cards by rep (none last), best first, then by customer id."""
    return sorted(cards, key=lambda c: _order(c["owner"], c["total"], c["customer"]))


def _order(owner: str | None, total: float, customer: str) -> tuple[str, float, str]:
    """:func:`ordered`'s key."""
    return owner or "~", -total, customer


def change(items: dict[str, float | None], before: dict[str, float | None]) -> float:
    """The change over the items scored in both months: an item assessed in only one of them
    is no change in the rep's work."""
    return round(sum(v - before[k] for k, v in items.items()
                     if v is not None and before.get(k) is not None), 1)


def _average(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 1) if known else None


def _sum(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def totals_by_owner(cards: Iterable[tuple[str | None, float, str, float]],
                    ) -> list[dict[str, Any]]:
    """:func:`by_owner`'s ``owner``, ``total`` and ``change`` of each rep, from (owner, total,
    customer, change) of every scored card, summed in :func:`ordered` order so that the sums
    are :func:`by_owner`'s to the last bit."""
    groups: dict[str, list[tuple[float, float]]] = {}
    for owner, total, _, moved in sorted(cards, key=lambda c: _order(*c[:3])):
        groups.setdefault(owner or "(none)", []).append((total, moved))
    out = [{"owner": owner, "total": round(sum(t for t, _ in group) / len(group), 1),
            "change": round(sum(c for _, c in group) / len(group), 1)}
           for owner, group in sorted(groups.items())]
    out.sort(key=lambda r: -r["total"])
    return out


def by_owner(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A rep's scorecard: the average of each item over the rep's customers where it is known
    (None where it is known for none), and the totals."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for card in cards:
        groups.setdefault(card["owner"] or "(none)", []).append(card)
    out = []
    for owner, group in sorted(groups.items()):
        keys = list(dict.fromkeys(k for c in group for k in c["items"]))
        n = len(group)
        out.append({
            "owner": owner, "role": group[0].get("role"), "month": group[0]["month"],
            "customers": n,
            "items": {k: _average([c["items"].get(k) for c in group]) for k in keys},
            "total": round(sum(c["total"] for c in group) / n, 1),
            "max": round(sum(c["max"] for c in group) / n, 1),
            "previous": round(sum(c["previous"] for c in group) / n, 1),
            "change": round(sum(c["change"] for c in group) / n, 1),
            "missing": sorted({k for c in group for k in c["missing"]}),
            "visit_minutes": _sum([c.get("visit_minutes") for c in group]),
        })
    out.sort(key=lambda r: -r["total"])
    return out
