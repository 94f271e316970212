"""The day written up (``kq day``) for people: table cells, Markdown to paste into a chat, and
one offline HTML page; Chinese by default, English with ``--lang en``."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from ..schema.enums import ExpenseKind, InteractionKind, IssueKind
from .i18n import _, ngettext
from .labels import english, enum_label

if TYPE_CHECKING:
    from ..core.day import WrittenDay

WEEKDAYS_CN = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def title(day: WrittenDay) -> str:
    weekday = (day.day.strftime("%a") if english() else WEEKDAYS_CN[day.day.weekday()])
    return _("Day report: {rep} {date} {weekday}").format(
        rep=day.owner or _("whole team"), date=day.day.isoformat(), weekday=weekday)


def totals_line(t: dict[str, Any]) -> str:
    return _("planned {planned}, done {done}, skipped {skipped}, not visited {missed}; "
             "{minutes} min, photos {photos}, expenses {expenses}; about {km} km by the "
             "plan's estimate (planned {planned_km} km)").format(
        planned=t["planned"], done=t["done"], skipped=t["skipped"], missed=t["missed"],
        minutes=t["minutes"], photos=t["photos"], expenses=money(t["expenses"]),
        km=f"{t['km']:g}", planned_km=f"{t['planned_km']:g}")


def money(amount: Any) -> str:
    return f"¥{amount:,.2f}".replace(".00", "") if amount else "¥0"


def what(row: dict[str, Any]) -> str:
    """The kind of an interaction, or what became of the customer."""
    if row["state"] == "skipped":
        return _("skipped")
    if row["state"] == "missed":
        return _("not visited")
    return enum_label(InteractionKind, row["kind"])


def goal_outcome(row: dict[str, Any]) -> str:
    goal, outcome = row["goal"], row["outcome"]
    if goal and outcome:
        return f"{goal} → {outcome}"
    return goal or outcome or ""


def finding(f: dict[str, Any]) -> str:
    kind = f["finding"]
    if kind == "off_shelf":
        return _("off the shelf")
    if kind == "few_facings":
        return _("{facings} facings, fewer than {least}").format(**f)
    if kind in ("price_low", "price_high"):
        text = (_("price {price} below {low}-{high}") if kind == "price_low"
                else _("price {price} above {low}-{high}"))
        return text.format(price=f"{f['price']:g}", low=f"{f['band'][0]:g}",
                           high=f"{f['band'][1]:g}")
    if kind == "no_pop":
        return _("no POP")
    return kind


def shelf_check(check: dict[str, Any]) -> str:
    """``华康AD奶 排面 4, ¥12.5, 库存 30, POP (价格 12.5 高于 10-12)``."""
    parts = []
    if check.get("facings") is not None:
        parts.append(_("{n} facings").format(n=check["facings"]))
    if check.get("price") is not None:
        parts.append(f"¥{check['price']:g}")
    if check.get("stock") is not None:
        parts.append(_("stock {n}").format(n=check["stock"]))
    if check.get("pop") is True:
        parts.append("POP")
    found = "; ".join(finding(f) for f in check.get("findings", []))
    return f"{check['sku']} " + ", ".join(parts) + (f" ({found})" if found else "")


def shelf(row: dict[str, Any]) -> str:
    return "\n".join(shelf_check(c) for c in row["shelf"])


def expense(e: dict[str, Any]) -> str:
    extra = [x for x in (e.get("purpose"), e.get("recipient")) if x]
    kind = f"{enum_label(ExpenseKind, e['kind'])} " if e.get("kind") == "special" else ""
    return f"{kind}{money(e['amount'])}" + (f" ({', '.join(extra)})" if extra else "")


def expenses(row: dict[str, Any]) -> str:
    return "\n".join(expense(e) for e in row["expenses"])


def notes(row: dict[str, Any]) -> list[str]:
    """What else the row says: why it was skipped, intel, issues opened, the next step."""
    out = []
    if row["skipped"]:
        s = row["skipped"]
        out.append(_("moved to {to}: {reason}").format(to=s["to"] or "—", reason=s["reason"])
                   if s.get("to") else s["reason"])
    if row["state"] == "missed" and row["reason"]:
        from ..schema.reasons import LABELS

        out.append(_("planned for: {reason}").format(
            reason=row["reason"] if english() else LABELS.get(row["reason"], row["reason"])))
    out.extend(_("intel: {claim}").format(claim=c) for c in row["intel"])
    out.extend(_("{kind} opened: {text}").format(kind=issue_kind(i["kind"]), text=i["text"])
               for i in row["issues"])
    if row["next"]:
        out.append(_("next: {date} {action}").format(**row["next"]))
    if row["note"]:
        out.append(row["note"])
    return out


def nothing(day: WrittenDay) -> str:
    return _("nothing recorded on {date}").format(date=day.day.isoformat())


def issue_kind(kind: str) -> str:
    """投诉, 退货, 质量问题 … as kq due and kq issue say them; the key in English."""
    from ..core.messages import TEMPLATES, Message, render

    if english():
        return kind
    if f"issue_{kind}" not in TEMPLATES:
        return enum_label(IssueKind, kind)
    return render(Message(f"issue_{kind}"), "zh")


def markdown(day: WrittenDay) -> str:
    """The day as Markdown to paste into a chat: a heading, the totals, then what was done,
    skipped and not visited, one list item each."""
    lines = [f"**{title(day)}**", "", totals_line(day.totals), ""]
    for state, heading in (("done", _("Done")), ("skipped", _("Skipped")),
                           ("missed", _("Planned, not visited")), ("other", _("Other"))):
        rows = [r for r in day.rows if r["state"] == state]
        if not rows:
            continue
        lines.append(f"**{heading}**")
        for r in rows:
            head = [r["time"] or "", r["name"]]
            if state == "done":
                head.append(what(r) + (_(" {n} min").format(n=r["minutes"]) if r["minutes"]
                                       else ""))
                if r["contact"]:
                    head.append(_("saw {contact}").format(contact=r["contact"]))
            lines.append("- " + " · ".join(h for h in head if h))
            details = []
            if goal_outcome(r):
                details.append(goal_outcome(r))
            details.extend(_("shelf: {check}").format(check=shelf_check(c)) for c in r["shelf"])
            if r["photos"]:
                details.append(ngettext("{n} photo", "{n} photos", len(r["photos"])).format(
                    n=len(r["photos"])))
            details.extend(_("expense: {expense}").format(expense=expense(e))
                           for e in r["expenses"])
            details.extend(notes(r))
            lines.extend(f"  - {d}" for d in details)
        lines.append("")
    if not day.rows:
        lines.append(nothing(day))
    return "\n".join(lines).rstrip("\n") + "\n"


STYLE = """body{font-family:system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
margin:1.5em;color:#222}h1{font-size:1.3em}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right}.skipped{color:#a60}.missed{color:#b00}
img{max-width:160px;max-height:120px;margin:2px;border:1px solid #ccc}ul{margin:0;padding-left:1.1em}
.totals{margin:.5em 0 1em}"""


def html(day: WrittenDay, images: dict[str, str] | None = None) -> str:
    """One offline page: the totals and a table of the day; a photo whose data is in
    ``images`` (path -> ``data:`` URI) is shown inline, any other is named."""
    images = images or {}
    heads = [_("Time"), _("Customer"), _("What"), _("Minutes"), _("Contact"),
             _("Goal → outcome"), _("Photos"), _("Shelf"), _("Expenses"), _("Notes")]
    body = []
    for r in day.rows:
        photos = "".join(
            f'<img src="{images[p]}" alt="{escape(p)}">' if p in images
            else f"<div>{escape(p)}</div>" for p in r["photos"])
        cells = [escape(r["time"] or ""), escape(r["name"]), escape(what(r)),
                 str(r["minutes"] or ""), escape(r["contact"] or ""), escape(goal_outcome(r)),
                 photos, _items([shelf_check(c) for c in r["shelf"]]),
                 _items([expense(e) for e in r["expenses"]]), _items(notes(r))]
        body.append(f'<tr class="{r["state"]}">' + "".join(
            f'<td class="n">{c}</td>' if n == 3 else f"<td>{c}</td>"
            for n, c in enumerate(cells)) + "</tr>")
    table = ("<table><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in heads)
             + "</tr></thead><tbody>" + "".join(body) + "</tbody></table>") if body else (
        f"<p>{escape(nothing(day))}</p>")
    lang = "en" if english() else "zh-CN"
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title(day))}</title><style>{STYLE}</style></head><body>"
            f"<h1>{escape(title(day))}</h1><p class=\"totals\">{escape(totals_line(day.totals))}"
            f"</p>{table}</body></html>\n")


def _items(texts: list[str]) -> str:
    if not texts:
        return ""
    if len(texts) == 1:
        return escape(texts[0])
    return "<ul>" + "".join(f"<li>{escape(t)}</li>" for t in texts) + "</ul>"
