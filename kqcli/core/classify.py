"""Suggested tiers, grades, status and key-account relationship types (``kq classify``).

Pure functions over index rows; each suggestion carries the reason a manager can check, as a
:class:`~kqcli.core.messages.Message` (a key and its figures) the renderer words.
A grade says whether a 现有客户 meets the standard (``classify.qualified``): C 不合格 when it
does not, A 重点 when it does and is in the key tier, B 合格 otherwise. The Pareto class of
collections (ABC) is reported beside it as ``abc``, never as the grade. A customer with no
figures recorded for any month of the window is not graded (``figures_missing`` names it).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ..schema.config import Settings
from .dates import add_months, month_key, months_before
from .messages import Message
from .scoring import information

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
    """Active customers not graded because no figures are recorded for any month of the
    qualification window (a grade of C already given stands)."""
    out = []
    for s, f in rows:
        if s.get("status") != "active" or s.get("grade") == "C":
            continue
        window = _since(qualification_window(settings, today), s)
        if _long_enough(window, settings) and not any(m in (f.get("months") or {})
                                                       for m in window):
            out.append({"customer": s["id"], "name": s["name"], "owner": s.get("owner"),
                        "months": window})
    return out


def qualification_window(settings: Settings, today: dt.date) -> list[str]:
    """The last ``classify.qualified.months`` months whose figures were due before today
    (by ``due.report_day`` of the month after), oldest first."""
    latest = add_months(today, -1)
    if _deadline(month_key(latest), settings) >= today:  # last month's figures are not due yet
        latest = add_months(latest, -1)
    return [month_key(add_months(latest, -k))
            for k in reversed(range(settings.classify.qualified.months))]


def _deadline(month: str, settings: Settings) -> dt.date:
    return dt.date.fromisoformat(information({}, settings, month)["deadline"])


def _since(window: list[str], summary: dict[str, Any]) -> list[str]:
    """The months of ``window`` from the customer's start (``since``) on."""
    since = summary.get("since")
    return [m for m in window if not since or m >= since[:7]]


def _long_enough(window: list[str], settings: Settings) -> bool:
    """Whether the standard can be met in ``window`` (a customer that started within it may
    not have had the months yet)."""
    cfg = settings.classify.qualified
    return bool(window) and len(window) >= max(cfg.collections, cfg.on_time)


def qualification(summary: dict[str, Any], facts: dict[str, Any], settings: Settings,
                  today: dt.date) -> dict[str, Any] | None:
    """Whether a customer meets the standard (``classify.qualified``): the window's months
    (from ``since`` on), those with collections above 0 (``paid``), those reported on time
    (``on_time``), those with no figures at all (``missing``), and the verdict ``ok``.

    None where it cannot be judged: no figures recorded for any month of the window, or the
    customer started too recently to have had the months. A month with no figures counts as
    neither paid nor reported on time.
    """
    cfg = settings.classify.qualified
    window = _since(qualification_window(settings, today), summary)
    figures = facts.get("months") or {}
    if not _long_enough(window, settings) or not any(m in figures for m in window):
        return None
    paid = [m for m in window if ((figures.get(m) or {}).get("collections") or 0) > 0]
    on_time = [m for m in window if information(facts, settings, m)["on_time"]]
    return {"window": window, "paid": paid, "on_time": on_time,
            "missing": [m for m in window if m not in figures],
            "ok": len(paid) >= cfg.collections and len(on_time) >= cfg.on_time}


def grade_of(found: dict[str, Any], tier: str | None,
             settings: Settings) -> tuple[str, Message]:
    """The grade a judged qualification gives, and why: C below the standard, A in the key
    tier, B otherwise."""
    cfg = settings.classify.qualified
    window = found["window"]
    span = {"months": len(window), "first": window[0], "last": window[-1]}
    if not found["ok"]:
        parts = []
        if len(found["paid"]) < cfg.collections:
            parts.append(Message("few_collections", {**span, "count": len(found["paid"]),
                                                     "need": cfg.collections}))
        if len(found["on_time"]) < cfg.on_time:
            parts.append(Message("late_reports", {**span, "count": len(found["on_time"]),
                                                  "need": cfg.on_time}))
        if found["missing"]:
            parts.append(Message("no_figures", {"missing": found["missing"]}))
        return "C", Message("unqualified", span, tuple(parts))
    tier_note = (Message("key_tier") if tier == "key"
                 else Message("not_key_tier", {"tier": Message(f"tier_{tier or 'none'}")}))
    return ("A" if tier == "key" else "B"), Message("qualified", {
        **span, "paid": len(found["paid"]), "on_time": len(found["on_time"])}, (tier_note,))


def grades(rows: list[tuple[dict, dict]], settings: Settings, today: dt.date,
           tier_of: dict[str, str | None], promoted: set[str]) -> list[dict]:
    """The grade of each active customer by the standard, in the tier ``tier_of`` suggests
    (else its own). A prospect ``promoted`` to active starts as B: it owed no monthly reports
    as a prospect."""
    out = []
    for s, f in rows:
        if s["id"] in promoted:
            if s.get("grade") != "B":
                out.append(suggestion(s, "grade", "B", Message("new_active_b")))
            continue
        found = qualification(s, f, settings, today) if s.get("status") == "active" else None
        if found is None:
            continue
        grade, reason = grade_of(found, tier_of.get(s["id"], s.get("tier")), settings)
        if s.get("grade") != grade:
            out.append(suggestion(s, "grade", grade, reason))
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


def abc(rows: list[tuple[dict, dict]], settings: Settings, today: dt.date) -> dict[str, str]:
    """The Pareto class of each active customer within its kind, by cumulative share of the
    last ``abc_months`` months' collections: A while the share before it is under ``abc.A``,
    B under ``abc.B``, C the rest and any customer that collected 0. Reported as ``abc``,
    never as the grade; a customer with no collections reported in those months has none."""
    kinds: dict[str, list[tuple[dict, dict]]] = {}
    for s, f in rows:
        if s.get("status") == "active":
            kinds.setdefault(s.get("kind") or "", []).append((s, f))
    return {cid: cls for group in kinds.values()
            for cid, cls in _abc_group(group, settings, today).items()}


def _abc_group(rows: list[tuple[dict, dict]], settings: Settings,
               today: dt.date) -> dict[str, str]:
    cfg = settings.classify
    months = months_before(today, cfg.abc_months)
    # A customer with no collections reported in the window cannot be ranked on them.
    active = [(s, collections(f, months)) for s, f in rows
              if any(reported(f, m) for m in months)]
    total = sum(c for _, c in active)
    if not total:
        return {}
    out = {}
    running = 0.0
    for s, amount in sorted(active, key=lambda sc: (-sc[1], sc[0]["id"])):
        before = running / total
        running += amount
        cls = "A" if before < cfg.abc.get("A", 0.8) else (
            "B" if before < cfg.abc.get("B", 0.95) else "C")
        out[s["id"]] = "C" if amount == 0 else cls
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
    """Prospects paying ``active_after_months`` reported months in a row, the run ending in
    the last ``inactive_months``, become active; a terminated customer leaves its route."""
    out = []
    cfg = settings.classify
    quiet = months_before(today, cfg.inactive_months)
    for s, f in rows:
        run = paying_run(f, quiet)
        if s.get("status") == "prospect" and len(run) >= cfg.active_after_months:
            out.append(suggestion(s, "status", "active", Message("paying_run", {
                "count": len(run), "first": run[0], "last": run[-1],
                "amount": collections(f, run)})))
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
    """Every suggestion, each with the customer's Pareto class ``abc`` beside it. A grade
    follows the tier suggested in the same run, and a prospect's promotion to active."""
    moved = status(rows, settings, today)
    placed = tiers(rows, settings, today)
    promoted = {r["customer"] for r in moved
                if r["field"] == "status" and r["suggested"] == "active"}
    tier_of = {r["customer"]: r["suggested"] for r in placed}
    found = (moved + placed + grades(rows, settings, today, tier_of, promoted)
             + relationship(rows, settings))
    classes = abc(rows, settings, today)
    return sorted(({**r, "abc": classes.get(r["customer"])} for r in found),
                  key=lambda r: (r["customer"], r["field"]))
