"""Moving customers between reps (``kq reassign``, ``kq claim``): who may take them, which
customers move, and the text edit that records the move. Pure: no file or git access."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from ..schema.config import Settings
from ..store.errors import KqError

FIELDS = ("customer", "name", "from", "to")


def current_reps(settings: Settings, today: dt.date) -> list[str]:
    """The reps on the team today: listed in ``reps`` and not gone (``left`` after today)."""
    return [r.name for r in settings.reps if r.left is None or r.left > today]


def check_rep(name: str, settings: Settings, owners: set[str], today: dt.date,
              option: str) -> str:
    """``name`` when a customer may be given to it: a current rep (when kq.yaml lists the
    team; else any name). A departed rep or a typo is a usage error naming the closest reps."""
    name = name.strip()
    if not settings.reps:
        return name
    current = current_reps(settings, today)
    if name in current:
        return name
    gone = settings.departed()
    if name in gone:
        raise KqError(f"{option}: {name} left on {gone[name].isoformat()}; give the customers "
                      f"to a current rep: {', '.join(current) or '(none listed)'}")
    close = difflib.get_close_matches(name, current, 3, 0.3)
    hint = (f"; did you mean {', '.join(close)}?" if close
            else f"; current reps: {', '.join(current)}" if current else "")
    known = " and owns no customer" if name not in owners else " (only owns customers)"
    raise KqError(f"{option}: {name} is not a current rep in kq.yaml reps{known}{hint}")


def moves(summaries: list[dict[str, Any]], source: str, target: str,
          region: str | None = None, tier: str | None = None, kind: str | None = None,
          only: set[str] | None = None) -> list[dict[str, Any]]:
    """The customers of ``source`` that move to ``target``: all of them, or those in ``only``,
    narrowed by region (a prefix, as in ``kq list``), tier and kind."""
    out = []
    for s in summaries:
        if s.get("owner") != source or (only is not None and s["id"] not in only):
            continue
        if region and not (s.get("region") or "").startswith(region):
            continue
        if (tier and s.get("tier") != tier) or (kind and s.get("kind") != kind):
            continue
        out.append({"customer": s["id"], "name": s["name"], "from": source, "to": target})
    return out


def handover_edit(text: str, owner: str, previous: str | None, day: dt.date) -> str:
    """Set ``owner`` and append ``{from, to, date}`` to ``owners:``, changing nothing else.

    A v2 ``handover: {from, date}`` becomes the entry before the new one (its ``to`` the owner
    until now) and the key goes: the file keeps one history of owners."""
    from ..store.yamledit import EditError, append_in, flow, remove_key, set_value, top_level

    entries = []
    if top_level(text, "handover") is not None:
        old = _mapping(text).get("handover")
        if isinstance(old, dict) and old.get("date"):
            entries.append(_change(old.get("from"), previous, old["date"]))
        text = remove_key(text, "handover")
    entries.append(_change(previous, owner, day))
    text = set_value(text, "owner", owner)
    if top_level(text, "owners") is None:  # a block list of one-line entries
        nl = "\r\n" if "\r\n" in text else "\n"
        body = text if not text or text.endswith(("\n", "\r")) else text + nl
        return body + f"owners:{nl}" + "".join(f"  - {flow(e)}{nl}" for e in entries)
    for entry in entries:
        try:
            text = append_in(text, ("owners",), entry)
        except EditError as e:
            raise EditError(f"owners: {e}") from None
    return text


def _change(previous: str | None, owner: str | None, day: Any) -> dict[str, Any]:
    """An ``owners`` entry; ``from`` and ``to`` only where known."""
    entry: dict[str, Any] = {"from": previous} if previous else {}
    if owner:
        entry["to"] = owner
    entry["date"] = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
    return entry


def _mapping(text: str) -> dict[str, Any]:
    from ..store import yamlread

    data, _ = yamlread.load(text.encode("utf-8"), "")
    return data if isinstance(data, dict) else {}
