"""A customer file or two edited by hand since the last ``kq due``: re-indexed and their
reminders worked out again before the command line, so that ``kq due --format json`` is then
built from the agenda (:mod:`kqcli.store.warm`) without importing typer, Rich or the commands.
The files are validated as the full command validates them (pydantic); anything else that
changed, or any doubt, leaves the question to the full command."""

from __future__ import annotations

import json
from pathlib import Path

from .warm import Question, edited


def brought_up_to_date(q: Question) -> bool:
    """Re-index the few customer files that changed and work out their agenda again, as the
    full command would first (kqcli.store.repo.Repo.index, kqcli.store.agenda.morning); whether
    it did (an invalid file, a name that is not read or a cache in memory: it did not)."""
    found = edited(q)
    if found is None:
        return False
    max_bytes, settings = found
    from ..core.agenda import from_plain
    from .agenda import bring_up_to_date
    from .index import Index

    index = Index(Path(q.root))
    try:
        index.refresh(max_bytes=max_bytes)  # with the scan that found the change (files.scan)
        if index.fallback or index.skipped or index.invalid_ids():
            return False
        bring_up_to_date(index, json.loads(settings, object_hook=from_plain), settings, q.today)
        return not index.fallback
    finally:
        index.db.close()
