"""The text edit that records a customer's move between reps (``kq reassign``, ``kq claim``,
the pool): the owner set and the change appended to ``owners:``, nothing else touched."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import yamlread
from .yamledit import EditError, append_in, flow, remove_key, set_value, top_level


def handover_edit(text: str, owner: str, previous: str | None, day: dt.date) -> str:
    """Set ``owner`` and append ``{from, to, date}`` to ``owners:``, changing nothing else.

    A v2 ``handover: {from, date}`` becomes the entry before the new one (its ``to`` the owner
    until now) and the key goes: the file keeps one history of owners."""
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
    data, _ = yamlread.load(text.encode("utf-8"), "")
    return data if isinstance(data, dict) else {}
