"""Where the repository is and what day it is: the two global options."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from ..errors import KqError


def find_root(explicit: str | None) -> Path:
    """``--repo``, else ``$KQ_REPO``, else the nearest folder upwards holding ``kq.yaml``."""
    given = explicit or os.environ.get("KQ_REPO")
    if given:
        root = Path(given).expanduser()
        if not (root / "kq.yaml").is_file():
            raise KqError(f"{root}: not a kq repository (no kq.yaml); run 'kq init {given}'")
        return root
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "kq.yaml").is_file():
            return folder
    raise KqError("no kq repository here (no kq.yaml in this folder or above); "
                  "run 'kq init' or pass --repo PATH")


def parse_today(value: str | None) -> dt.date:
    """``--today``, else ``$KQ_TODAY``, else the system date."""
    text = value or os.environ.get("KQ_TODAY")
    if not text:
        return dt.date.today()
    from ..core.bounds import day_in_range

    source = "--today" if value else "KQ_TODAY"
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise KqError(f"{source}: {text!r} is not a date; write YYYY-MM-DD") from None
    try:
        return day_in_range(day)
    except ValueError as e:
        raise KqError(f"{source}: {e}") from None
