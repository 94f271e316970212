"""What ``kq day`` reads: the files of the customers a rep had on a day that record something
that day (the index's ledger keeps each file's days, so no other file is read)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..schema.customer import Customer


def day_files(repo: Any, day: dt.date, owner: str | None) -> list[tuple[str, Customer]]:
    """(id, customer) of every valid file that records something on ``day`` and whose owner
    that day was ``owner`` (None: anyone's), by id."""
    from ..core.owners import owner_on

    text = day.isoformat()
    found = []
    for summary, ledger in repo.index.ledgers(("days",)):
        if text not in ((ledger or {}).get("days") or ()):
            continue
        if owner is not None and owner_on(summary, day) != owner:
            continue
        model, _ = repo.load(summary["id"])
        found.append((summary["id"], model))
    return found


def morning_rows(repo: Any, day: dt.date) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(summary, daily facts) of every valid customer as the files stood on the morning of
    ``day``: a file recording something on ``day`` or later is read again without those
    entries (:func:`kqcli.core.day.as_of_morning`); the others are the index's rows."""
    from ..core.day import as_of_morning
    from ..core.facts import extract
    from ..core.summary import summarize

    text = day.isoformat()
    later = {summary["id"] for summary, ledger in repo.index.ledgers(("days",))
             if any(d >= text for d in ((ledger or {}).get("days") or ()))}
    rows = []
    for summary, facts in repo.index.facts():
        if summary["id"] in later:
            model = as_of_morning(repo.load(summary["id"])[0], day)
            summary, facts = summarize(summary["id"], model), extract(model)
        rows.append((summary, facts))
    return rows


def morning_plans(repo: Any, day: dt.date, owners: list[str]
                  ) -> dict[str, tuple[tuple[Any, ...], float]]:
    """Each rep's plan of ``day`` as ``kq plan`` made it that morning (:func:`morning_rows`):
    rep -> (the stops, :class:`kqcli.core.plan.Stop`, and the planned km)."""
    from ..core.due import customer_reminders
    from ..core.plan import plan_day

    rows = morning_rows(repo, day)
    mine = [(s, f) for s, f in rows if s.get("owner") in owners]
    reminders = customer_reminders(mine, repo.settings, day)
    plans = {}
    for owner in owners:
        plan = plan_day(mine, repo.settings, day, owner, reminders)
        plans[owner] = (plan.stops, plan.km)
    return plans


IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
               ".gif": "image/gif", ".webp": "image/webp"}
MAX_PHOTO_BYTES = 2_000_000
"""A photo larger than this is named in the page, not put in it."""


def photo_uris(root: Any, paths: list[str]) -> dict[str, str]:
    """``data:`` URIs of the photos (repository paths) that are images inside ``root`` and
    at most MAX_PHOTO_BYTES: the HTML page holds them, so it needs no other file."""
    import base64
    from pathlib import Path

    base = Path(root).resolve()
    found = {}
    for text in paths:
        path = (base / text).resolve()
        kind = IMAGE_TYPES.get(path.suffix.lower())
        if kind is None or not path.is_relative_to(base) or not path.is_file():
            continue
        try:
            if path.stat().st_size > MAX_PHOTO_BYTES:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        found[text] = f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
    return found
