"""Suggested tiers, ABC grades, status and key-account relationship types (``kq classify``).

Pure functions over index rows; each suggestion carries the reason a manager can check, as a
:class:`~kqcli.core.messages.Message` (a key and its figures) the renderer words.
A month without reported collections is unknown, not zero: "no collections" is only concluded
from months whose collections were reported (``figures_missing`` names the others).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ..schema.config import Settings
from .dates import add_months, month_key, months_before
from .messages import Message

LEDGER_KEYS = ("months", "business", "contact_stats")
"""What classification reads of a customer's ledger (``facts.ledger``): the index hands over
only these."""

FIELDS = ("tier", "grade", "status", "relationship", "route")
TIERS = ("key", "secondary", "normal")
FACTORS = {"turnover": "annual_revenue", "consumers": "consumers", "strength": "strength",
           "management": "management"}


def collections(facts: dict[str, Any], months: list[str]) -> float:
    figures = facts.get("months") or {}
    return float(sum((figures.get(m) or {}).get("collections") or 0 for m in months))


def reported(facts: dict[str, Any], month: str) -> bool:
    """Whether the month's collections were reported (0 is reported; absent is unknown)."""
    return "collections" in ((facts.get("months") or {}).get(month) or {})


def figures_missing(rows: list[tuple[dict, dict]], settings: Settings,
                    today: dt.date) -> list[dict[str, Any]]:
    """Active customers not graded C only because months of collections are unreported."""
    quiet = months_before(today, settings.classify.inactive_months)
    out = []
    for s, f in rows:
        if s.get("status") != "active" or s.get("grade") == "C" or collections(f, quiet):
            continue
        missing = [m for m in quiet if not reported(f, m)]
        if missing:
            out.append({"customer": s["id"], "name": s["name"], "owner": s.get("owner"),
                        "months": missing})
    return out


def suggestion(summary: dict[str, Any], field: str, suggested: Any,
               reason: Message) -> dict[str, Any]:
    return {"customer": summary["id"], "name": summary["name"], "owner": summary.get("owner"),
            "field": field, "current": summary.get(field), "suggested": suggested,
            "reason": reason}


def tiers(rows: list[tuple[dict, dict]], settings: Settings, today: dt.date) -> list[dict]:
    """Per owner: rank active terminals, then top N key, next N secondary, next N normal
    (``tier_counts``). A terminal whose annual revenue is below ``key_min_revenue`` is never
    key: its place goes to the next terminal that reaches it."""
    cfg = settings.classify
    year = months_before(today, cfg.abc_months)
    groups: dict[str, list[tuple[dict, dict]]] = {}
    for s, f in rows:
        if s.get("kind") == "terminal" and s.get("status") == "active":
            groups.setdefault(s.get("owner") or "", []).append((s, f))
    out = []
    for group in groups.values():
        tops = {key: max(((f.get("business") or {}).get(field) or 0 for _, f in group), default=0)
                for key, field in FACTORS.items()}

        ranked = sorted(group, key=lambda row, t=tops: _rank_key(row, t, cfg.weights, year))
        counts, note = tier_counts(cfg.tiers, len(ranked))
        left = dict(counts)
        for position, (s, f) in enumerate(ranked, 1):
            revenue = (f.get("business") or {}).get("annual_revenue")
            low = (cfg.key_min_revenue is not None and revenue is not None
                   and revenue < cfg.key_min_revenue)
            tier = next((t for t in TIERS if left[t] > 0 and not (t == "key" and low)), None)
            parts = (note,) if note else ()
            if low and left["key"] > 0:
                parts += (Message("below_key_min_revenue",
                                  {"revenue": revenue, "floor": cfg.key_min_revenue}),)
            reason = Message("tier_rank", {"rank": position, "count": len(ranked),
                                           "owner": s.get("owner") or Message("no_owner")},
                             parts)
            if tier is None and not (low and left["key"] > 0):
                if s.get("tier") not in (None, "normal"):
                    out.append(suggestion(s, "tier", "normal", Message(
                        "below_tier_counts", {"rank": position, "count": len(ranked)})))
                continue
            if tier is None:
                tier = "normal"  # only a key place was left, and the revenue is below its floor
            else:
                left[tier] -= 1
            if s.get("tier") != tier:
                out.append(suggestion(s, "tier", tier, reason))
    return out


def tier_counts(tiers: dict[str, float], total: int) -> tuple[dict[str, int], Message | None]:
    """How many of a rep's ``total`` terminals go to each tier, and a note when the counts
    were taken as shares.

    Counts (20 key, 20 secondary, 30 normal) fit a county market; a rep with fewer terminals
    than their sum gets the counts as shares of it instead (20/70 key, the next 20/70
    secondary, the rest normal), each cumulative boundary rounded half up, and the best
    terminal key at the least, so a small territory still has a top tier. Shares below 1 are
    rounded up per tier, as before.
    """
    values = {t: tiers.get(t, 0) for t in TIERS}
    whole = sum(values.values())
    if any(0 < n < 1 for n in values.values()) or total >= whole or not whole:
        return {t: _count(n, total) for t, n in values.items()}, None
    counts, before, running = {}, 0, 0.0
    for t, n in values.items():
        running += n
        upto = min(total, max(math.floor(total * running / whole + 0.5),
                              1 if values["key"] >= 1 else 0))
        counts[t], before = upto - before, upto
    return counts, Message("tier_shares", {"total": whole, **counts})


def _rank_key(row: tuple[dict, dict], tops: dict[str, float], weights: dict[str, float],
              months: list[str]) -> tuple[int, float, float]:
    """Weighted share of the best value per factor, over the factors present; then collections."""
    _, f = row
    business = f.get("business") or {}
    present = {k: business[field] / tops[k] for k, field in FACTORS.items()
               if business.get(field) is not None and tops[k]}
    weight = sum(weights.get(k, 0) for k in present)
    score = sum(weights.get(k, 0) * v for k, v in present.items()) / weight if weight else 0.0
    return (0 if present else 1, -score, -collections(f, months))


def _count(n: float, total: int) -> int:
    return math.ceil(n * total) if n < 1 else int(n)


def abc(rows: list[tuple[dict, dict]], settings: Settings, today: dt.date) -> list[dict]:
    """Active customers of each kind by cumulative share of the last 12 months' collections."""
    kinds: dict[str, list[tuple[dict, dict]]] = {}
    for s, f in rows:
        if s.get("status") == "active":
            kinds.setdefault(s.get("kind") or "", []).append((s, f))
    return [r for group in kinds.values() for r in _abc_group(group, settings, today)]


def _abc_group(rows: list[tuple[dict, dict]], settings: Settings, today: dt.date) -> list[dict]:
    cfg = settings.classify
    months = months_before(today, cfg.abc_months)
    # A customer with no collections reported in the window cannot be ranked on them.
    active = [(s, collections(f, months)) for s, f in rows
              if any(reported(f, m) for m in months)]
    total = sum(c for _, c in active)
    if not total:
        return []
    out = []
    running = 0.0
    for s, amount in sorted(active, key=lambda sc: (-sc[1], sc[0]["id"])):
        before = running / total
        running += amount
        grade = "A" if before < cfg.abc.get("A", 0.8) else (
            "B" if before < cfg.abc.get("B", 0.95) else "C")
        if amount == 0:
            grade = "C"
        if s.get("grade") != grade:
            kind = Message(f"kind_{s.get('kind') or 'customer'}")
            out.append(suggestion(s, "grade", grade, Message("abc_share", {
                "amount": amount, "months": len(months), "share": running / total,
                "kind": kind})))
    return out


def paying_run(facts: dict[str, Any], window: list[str]) -> list[str]:
    """The unbroken run of months with collections above 0 that ends at the latest month of
    ``window`` whose collections were reported, oldest first. An unreported month ends the run
    (unknown is not paying), so does a reported 0; an unreported month after the run does not."""
    latest = next((m for m in reversed(window) if reported(facts, m)), None)
    figures = facts.get("months") or {}
    run: list[str] = []
    while latest and ((figures.get(latest) or {}).get("collections") or 0) > 0:
        run.insert(0, latest)
        latest = month_key(add_months(dt.date.fromisoformat(f"{latest}-01"), -1))
    return run


def status(rows: list[tuple[dict, dict]], settings: Settings, today: dt.date) -> list[dict]:
    """Prospects paying ``active_after_months`` reported months in a row become active; active
    customers with ``inactive_months`` reported months of no collections become C."""
    out = []
    cfg = settings.classify
    quiet = months_before(today, cfg.inactive_months)
    for s, f in rows:
        run = paying_run(f, quiet)
        if s.get("status") == "prospect" and len(run) >= cfg.active_after_months:
            out.append(suggestion(s, "status", "active", Message("paying_run", {
                "count": len(run), "first": run[0], "last": run[-1],
                "amount": collections(f, run)})))
        elif (s.get("status") == "active" and s.get("grade") != "C"
              and collections(f, quiet) == 0 and all(reported(f, m) for m in quiet)):
            out.append(suggestion(s, "grade", "C", Message(
                "no_collections", {"months": settings.classify.inactive_months})))
        if s.get("status") == "terminated" and s.get("route"):
            out.append(suggestion(s, "route", None, Message("terminated_on_route")))
    return out


def relationship(rows: list[tuple[dict, dict]], settings: Settings) -> list[dict]:
    """Key-account type from how many functions and levels its contacts span."""
    out = []
    for s, f in rows:
        if s.get("kind") != "key_account":
            continue
        stats = f.get("contact_stats") or {}
        functions, levels = stats.get("functions", []), stats.get("levels", [])
        if not functions and not levels:
            continue  # no data on the contacts' functions: no grounds to change the type
        if len(levels) >= 3 and len(functions) >= 4:
            kind = "strategic"
        elif len(functions) >= 3:
            kind = "partner"
        else:
            kind = "ordinary"
        if s.get("relationship") != kind:
            out.append(suggestion(s, "relationship", kind, Message("contacts_span", {
                "functions": len(functions), "levels": len(levels),
                "names": list(functions) or Message("none")})))
    return out


def classify(rows: list[tuple[dict, dict]], settings: Settings, today: dt.date) -> list[dict]:
    # Status rules come first: "no collections for three months" outranks an ABC grade.
    found = (status(rows, settings, today) + tiers(rows, settings, today)
             + abc(rows, settings, today) + relationship(rows, settings))
    # A status change decides the grade: drop an ABC grade that contradicts it.
    promoted = {r["customer"] for r in found if r["field"] == "status"}
    merged: dict[tuple[str, str], dict] = {}
    for r in found:
        merged.setdefault((r["customer"], r["field"]), r)
    for cid in promoted:
        if (cid, "grade") not in merged:
            s = next(s for s, _ in rows if s["id"] == cid)
            merged[(cid, "grade")] = suggestion(s, "grade", "B", Message("new_active_b"))
    return sorted(merged.values(), key=lambda r: (r["customer"], r["field"]))
