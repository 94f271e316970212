"""Moving customers between reps (``kq reassign``, ``kq claim``): who may take them, which
customers move (the text edit that records a move is :mod:`kqcli.store.handover`). Pure: no
file or git access."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from ..schema.config import Settings
from .errors import InvalidValue

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
        raise InvalidValue(f"{name} left on {gone[name].isoformat()}; give the customers "
                      f"to a current rep: {', '.join(current) or '(none listed)'}", option)
    close = difflib.get_close_matches(name, current, 3, 0.3)
    hint = (f"; did you mean {', '.join(close)}?" if close
            else f"; current reps: {', '.join(current)}" if current else "")
    known = " and owns no customer" if name not in owners else " (only owns customers)"
    raise InvalidValue(f"{name} is not a current rep in kq.yaml reps{known}{hint}", option)


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
