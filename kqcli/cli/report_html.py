"""The manager's month report (``kq report``): one self-contained HTML page with inline SVG
charts. ``month_report`` gathers the figures (pure, over index rows and today's reminders);
``page`` writes the HTML (pure, no network: no script, font or style from elsewhere)."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import TYPE_CHECKING, Any

from ..core import svg
from ..core.amounts import amount
from ..core.classify import classify
from ..core.due import Reminder
from ..core.expenses import per_rep, statement
from ..core.messages import Message
from ..core.scoring import by_owner, scorecards
from ..core.sparkline import FIGURES, figure_lines
from ..schema.enums import Tier
from ..schema.reasons import LABELS
from .i18n import N_, _, english, ngettext, translated
from .labels import enum_label, message_text, text_label

if TYPE_CHECKING:
    from ..schema.config import Settings

Rows = list[tuple[dict[str, Any], dict[str, Any]]]
NOBODY = "(none)"
"""The rep of a customer nobody owns, as the core's scorecards and statements name it; the
page says it in the reader's language (:func:`_rep`)."""
FIGURE_NAMES = {"collections": N_("Collections"), "sell_out": N_("Sell-out"),
                "inventory": N_("Inventory")}
NARROW = "52em"
"""Below this width tables are laid out row by row: the 12-month table needs about this much."""


def _items(settings: Settings) -> dict[str, tuple[str, int]]:
    """Every scorecard item any card uses: key -> (label, points); the label is kq.yaml's,
    or with --lang en the item's English word (as kq score says it), else its key."""
    from .commands.score import WORDS

    out: dict[str, tuple[str, int]] = {}
    for card in settings.score.cards.values():
        for item in card:
            label = (WORDS.get(item.key, ("", item.key.replace("_", " ")))[1] if english()
                     else item.label)
            out.setdefault(item.key, (label, item.points))
    return out


def month_report(ledgers: Rows, reminders: list[Reminder], settings: Settings,
                 today: dt.date, month: str,
                 photos: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """What the page shows: per rep the scorecard items and the change; overdue reminders by
    rep and reason; each customer at risk (a ``risk`` reminder today) with its 12 months up
    to ``month``; the tiers kq classify suggests; the month's expense statement per rep; the
    month's photos per customer (``photos``: customer id -> ``{day, path, src, problem}``,
    the thumbnails already made)."""
    labels = _items(settings)
    cards = scorecards(ledgers, settings, month)
    reps = []
    for card in by_owner(cards):
        reps.append({
            "rep": card["owner"], "customers": card["customers"], "total": card["total"],
            "max": card["max"], "change": card["change"],
            "items": [(key, labels.get(key, (key, 10))[0], value, labels.get(key, (key, 10))[1])
                      for key, value in card["items"].items()],
        })
    overdue: dict[str, dict[str, int]] = {}
    for r in reminders:
        if r.overdue_days(today) > 0:
            counts = overdue.setdefault(r.owner or NOBODY, {})
            counts[r.reason] = counts.get(r.reason, 0) + 1
    team: dict[str, int] = {}
    for counts in overdue.values():
        for reason, n in counts.items():
            team[reason] = team.get(reason, 0) + n
    ledger_of = {s["id"]: (s, f) for s, f in ledgers}
    risks: dict[str, list[str]] = {}  # each risk worded in the reader's language
    for r in reminders:
        if r.reason == "risk" and r.customer in ledger_of:
            risks.setdefault(r.customer, []).append(message_text(r.message))
    at_risk = []
    for cid, messages in sorted(risks.items()):
        s, f = ledger_of[cid]
        at_risk.append({"customer": cid, "name": s["name"], "owner": s.get("owner"),
                        "messages": messages,
                        "lines": figure_lines(f.get("months") or {}, month, settings.risk)})
    lines = statement(ledgers, settings, month)
    return {
        "month": month, "today": today.isoformat(), "reps": reps,
        "assessments": assessments(cards, labels),
        "overdue": dict(sorted(overdue.items())),
        "team_overdue": dict(sorted(team.items(), key=lambda kv: (-kv[1], kv[0]))),
        "at_risk": at_risk,
        "tiers": [s for s in classify(ledgers, settings, today) if s["field"] == "tier"],
        "expenses": per_rep(lines, settings, month),
        "photos": [{"customer": cid, "name": ledger_of[cid][0]["name"],
                    "owner": ledger_of[cid][0].get("owner"), "photos": shown}
                   for cid, shown in sorted((photos or {}).items()) if cid in ledger_of],
    }


def assessments(cards: list[dict[str, Any]], labels: dict[str, tuple[str, int]]
                ) -> list[dict[str, Any]]:
    """The month's cards a manager assessed: the items scored, by whom, on which day, why."""
    out = []
    for c in cards:
        items = [(labels.get(k, (k, 10))[0], c["items"][k]) for k, source in c["sources"].items()
                 if source == "assessment"]
        if items or c.get("assessed_by") or c.get("assessed_on") or c.get("assessment_note"):
            out.append({"customer": c["customer"], "name": c["name"], "owner": c["owner"],
                        "items": items, "by": c.get("assessed_by"), "on": c.get("assessed_on"),
                        "note": c.get("assessment_note")})
    return sorted(out, key=lambda a: (a["owner"] or "~", a["customer"]))


STYLE = f"""
body{{font-family:{svg.FONT_FAMILY};margin:2em auto;padding:0 1em;max-width:60em;color:#222;
line-height:1.4;overflow-wrap:anywhere}}
h1{{font-size:1.5em}}h2{{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}}
table{{border-collapse:collapse;margin:.5em 0}}td,th{{border:1px solid #ddd;padding:.2em .6em}}
th{{background:#f4f4f4;text-align:left}}td.n{{text-align:right;white-space:nowrap}}
section.rep,section.customer{{margin:1em 0;padding:.5em 1em;border:1px solid #eee}}
.up{{color:#2a7d2a}}.down{{color:#d62728}}.muted{{color:#999}}figure{{margin:.5em 0}}
figure svg{{max-width:100%;height:auto}}
div.photos{{display:flex;flex-wrap:wrap;gap:.5em}}figure.photo img{{max-width:100%;height:auto}}
@media (max-width:{NARROW}){{
body{{margin:1em auto;padding:0 .5em}}section.rep,section.customer{{padding:.5em}}
table,tbody,td{{display:block}}thead{{display:none}}
tr{{display:flex;flex-wrap:wrap;border:1px solid #ddd;margin:.4em 0;padding:.2em 0}}
td{{border:0;padding:.1em .5em}}td.n{{text-align:left}}
td:first-child{{flex-basis:100%;font-weight:bold}}
td[data-label]:not(:first-child)::before{{content:attr(data-label) " ";color:#999}}
}}
"""
"""The page's style: a sans-serif that draws Chinese on Windows, macOS and Linux; charts that
shrink with the screen; on a narrow one (a phone), each table row a block of its cells, each
cell with its column's name, so that no table is wider than the screen."""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _rep(name: str | None) -> str:
    return _("(no rep)") if name in (None, "", NOBODY) else name


def _said(message: Any) -> str:
    """A reminder's or risk's message in the page's language: a core ``Message`` worded
    now, a text as it is."""
    return message_text(message) if isinstance(message, Message) else str(message)


def _reason(reason: str) -> str:
    return text_label(LABELS, reason)


def _money(value: Any) -> str:
    return "—" if value is None else amount(value)


def _change(value: float) -> str:
    cls = "up" if value > 0 else "down" if value < 0 else "muted"
    return f'<span class="{cls}">{value:+g}</span>'


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    """Each cell carries its column's name (``data-label``), which a narrow screen shows."""
    numeric = numeric or set()
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    labels = [f' data-label="{_e(h)}"' if h else "" for h in headers]
    body = "".join("<tr>" + "".join(f'<td{" class=n" if i in numeric else ""}{labels[i]}>{cell}'
                                    "</td>" for i, cell in enumerate(row)) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(kind: str, chart: str, caption: str) -> str:
    return (f'<figure data-chart="{kind}">{chart}<figcaption class="muted">{_e(caption)}'
            "</figcaption></figure>")


def _h2(text: str) -> str:
    return f"<h2>{_e(text)}</h2>"


def _empty(text: str) -> str:
    return f'<p class="muted">{_e(text)}</p>'


def page(report: dict[str, Any]) -> str:
    """The whole HTML page, every chart an inline ``<svg>``, every word in the run's
    language (Chinese, or English with --lang en) but the customers' own."""
    month = report["month"]
    title = _("Customer relations report {month}").format(month=month)
    out = [f'<!doctype html><html lang="{"en" if english() else "zh-CN"}"><head>'
           '<meta charset="utf-8">'
           '<meta name="viewport" content="width=device-width, initial-scale=1">'
           f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>",
           f"<h1>{_e(title)}</h1>",
           '<p class="muted">' + _e(_(
               "kq report, {today}: each rep's scorecards, overdue reminders, customers at "
               "risk, suggested tiers, the expense statement, the month's photos").format(
               today=report["today"])) + "</p>"]
    out.append(_h2(_("Scorecards by rep")))
    if not report["reps"]:
        out.append(_empty(_("No scorecards this month")))
    for rep in report["reps"]:
        name = _rep(rep["rep"])
        bars = [(label, value, points) for _key, label, value, points in rep["items"]]
        summary = _e(ngettext(
            "{n} customer, average {total} / {max} points, {change} since last month",
            "{n} customers, average {total} / {max} points, {change} since last month",
            rep["customers"]))
        out.append(f'<section class="rep" data-rep="{_e(rep["rep"])}"><h3>{_e(name)}</h3>'
                   "<p>" + summary.format(n=rep["customers"], total=f"{rep['total']:g}",
                                          max=f"{rep['max']:g}",
                                          change=_change(rep["change"])) + "</p>")
        out.append(_figure("score", svg.hbars(
            bars, _("{rep} {month} scorecard").format(rep=name, month=month),
            empty=_("not assessed")),
            _("Average of each item (not assessed: no manager's score, not counted)")))
        counts = report["overdue"].get(rep["rep"], {})
        if counts:
            out.append("<p>" + _e(_("Overdue reminders: {counts}").format(counts=", ".join(
                f"{_reason(r)} {n}" for r, n in sorted(counts.items())))) + "</p>")
        out.append("</section>")
    out.append(_h2(_("Managers' assessments")))
    if report["assessments"]:
        out.append(_table([_("Customer"), _("Rep"), _("Items scored"), _("Assessed by"),
                           _("Date"), _("Note")],
                          [[_e(a["name"]), _e(_rep(a["owner"])),
                            _e(", ".join(f"{label} {value:g}" for label, value in a["items"])),
                            _e(a["by"] or "—"), _e(a["on"] or "—"), _e(a["note"] or "")]
                           for a in report["assessments"]]))
    else:
        out.append(_empty(_("No manager's assessment this month")))
    out.append(_h2(_("Overdue reminders")))
    team = report["team_overdue"]
    if team:
        out.append(_figure("overdue", svg.hbars(
            [(_reason(r), n, max(team.values())) for r, n in team.items()],
            _("Overdue reminders by reason"), label_width=110),
            _("The team's reminders overdue today, by reason")))
        reasons = list(team)
        out.append(_table([_("Rep"), *[_reason(r) for r in reasons], _("Total")],
                          [[_e(_rep(rep)), *[str(c.get(r, 0)) for r in reasons],
                            str(sum(c.values()))]
                           for rep, c in report["overdue"].items()],
                          set(range(1, len(reasons) + 2))))
    else:
        out.append(_empty(_("No overdue reminders")))
    out.append(_h2(_("Customers at risk")))
    if not report["at_risk"]:
        out.append(_empty(_("No customers at risk")))
    for c in report["at_risk"]:
        lines = {ln["figure"]: ln for ln in c["lines"]}
        money, sell_out = lines["collections"], lines["sell_out"]
        flags = [a or b for a, b in zip(money["risk"], sell_out["risk"], strict=True)]
        out.append(f'<section class="customer" data-customer="{_e(c["customer"])}">'
                   f'<h3>{_e(c["name"])} <span class="muted">{_e(c["customer"])} · '
                   f'{_e(_rep(c["owner"]))}</span></h3><ul>'
                   + "".join(f"<li>{_e(_said(m))}</li>" for m in c["messages"]) + "</ul>")
        out.append(_figure("months", svg.month_columns(
            money["months"], money["values"], flags,
            _("{name}: the last 12 months").format(name=c["name"]), line=sell_out["values"]),
            _("Columns: collections (red: a month that triggers a risk rule; ?: not "
              "reported); line: sell-out")))
        out.append(_table(["", *[m[2:] for m in money["months"]]],
                          [[_e(_(FIGURE_NAMES[f])), *[_money(v) for v in lines[f]["values"]]]
                           for f, _label in FIGURES], set(range(1, 13))))
        out.append("</section>")
    out.append(_h2(_("Suggested tier changes")))
    if report["tiers"]:
        out.append(_table([_("Customer"), _("Rep"), _("Now"), _("Suggested"), _("Reason")],
                          [[_e(t["name"]), _e(_rep(t["owner"])),
                            _e(enum_label(Tier, t["current"])),
                            _e(enum_label(Tier, t["suggested"])), _e(_said(t["reason"]))]
                           for t in report["tiers"]]))
    else:
        out.append(_empty(_("No tier changes suggested")))
    out.append(_h2(_("Expense statement {month}").format(month=month)))
    if report["expenses"]:
        out.append(_table([_("Rep"), _("Customers"), _("Collections"), _("Expenses"),
                           _("Advances"), _("Violations"), _("Spot checks")],
                          [[_e(_rep(r["owner"])), str(r["customers"]),
                            _money(r["collections"]), _money(r["expenses"]),
                            _money(r["advances"]),
                            "<br>".join(_e(message_text(v)) for v in r["violations"])
                            or "—",
                            _e(", ".join(r["spot_check"]))] for r in report["expenses"]],
                          {1, 2, 3, 4}))
    else:
        out.append(_empty(_("No collections or expenses this month")))
    out.append(_h2(_("Display photos")))
    if not report.get("photos"):
        out.append(_empty(_("No photos this month")))
    for c in report.get("photos", []):
        out.append(f'<section class="customer" data-photos="{_e(c["customer"])}">'
                   f'<h3>{_e(c["name"])} <span class="muted">{_e(c["customer"])} · '
                   f'{_e(_rep(c["owner"]))}</span></h3><div class="photos">')
        skipped = []
        for p in c["photos"]:
            if p["src"] is None:
                skipped.append(p)
                continue
            out.append(f'<figure class="photo"><img src="{_e(p["src"])}" alt="{_e(p["path"])}" '
                       f'loading="lazy"><figcaption class="muted">{_e(p["day"])}</figcaption>'
                       "</figure>")
        out.append("</div>")
        if skipped:
            out.append('<ul class="muted">' + "".join(
                "<li>" + _e(_("{path}: cannot read it, left out ({why})").format(
                    path=p["path"], why=translated(p["problem"]))) + "</li>"
                for p in skipped) + "</ul>")
        out.append("</section>")
    out.append("</body></html>\n")
    return "\n".join(out)
