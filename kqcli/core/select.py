"""Filtering customer summaries (``kq list``): pure functions over index rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..schema.enums import Grade, Kind, Status, Tier, parse_enum
from .errors import InvalidValue, value_message


@dataclass(frozen=True)
class Filters:
    kind: str | None = None
    status: str | None = None
    grade: str | None = None
    tier: str | None = None
    owner: str | None = None
    region: str | None = None
    tags: list[str] = field(default_factory=list)
    search: str | None = None

    @classmethod
    def parse(cls, **given: Any) -> Filters:
        """Canonical values for enum filters (Chinese aliases allowed); exit 2 on a typo."""
        for name, enum in (("kind", Kind), ("status", Status), ("grade", Grade), ("tier", Tier)):
            if given.get(name):
                try:
                    given[name] = parse_enum(enum, given[name]).value
                except ValueError as e:
                    raise InvalidValue(value_message(e), name) from None
        return cls(**given)


def _matches_text(row: dict[str, Any], query: str, letters: list[str] | None) -> bool:
    from .pinyin import matches

    q = query.lower()
    haystack = [row.get("id"), row.get("name"), row.get("region"), row.get("address"),
                row.get("owner"), *(row.get("tags") or [])]
    if any(q in str(v).lower() for v in haystack if v):
        return True
    return bool(letters) and q.isascii() and q.isalnum() and matches(q, letters)


def select(rows: list[dict[str, Any]], f: Filters,
           names: list[tuple[str, str, list[str]]] | None = None) -> list[dict[str, Any]]:
    letters = {i: li for i, _, li in names or []}
    out = []
    for row in rows:
        if f.kind and row.get("kind") != f.kind:
            continue
        if f.status and row.get("status") != f.status:
            continue
        if f.grade and row.get("grade") != f.grade:
            continue
        if f.tier and row.get("tier") != f.tier:
            continue
        if f.owner and row.get("owner") != f.owner:
            continue
        if f.region and not (row.get("region") or "").startswith(f.region):
            continue
        if f.tags and not set(f.tags) <= set(row.get("tags") or []):
            continue
        if f.search and not _matches_text(row, f.search, letters.get(row["id"])):
            continue
        out.append(row)
    return out
