"""Intel (信息): a claim is trusted from two *independent* sources (两个以上的信源)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_SPACE = re.compile(r"\s+")


def claim_key(claim: str) -> str:
    """What makes two claims the same: case, spacing and final punctuation do not count."""
    return _SPACE.sub(" ", claim).strip().rstrip("。.!！?？").strip().casefold()


def find_claim(items: list[Any], claim: str) -> int | None:
    """Index of the open (not dismissed) claim that says ``claim``, if any."""
    key = claim_key(claim)
    return next((n for n, item in enumerate(items)
                 if item.dismissed is None and claim_key(item.claim) == key), None)


def _source_key(source: str) -> str:
    return _SPACE.sub(" ", source).strip()


def has_source(sources: list[str], source: str) -> bool:
    """The same source twice counts once."""
    return _source_key(source) in {_source_key(s) for s in sources}


def independent_sources(sources: Iterable[str]) -> int:
    """How many different sources back a claim (spacing does not make a new one)."""
    return len({_source_key(s) for s in sources})
