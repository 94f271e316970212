"""Field-level differences between two versions of a customer (``kq history``, commit messages).

Pure: two parsed YAML mappings in, readable changes out:
``grade: B → A``, ``visits: +1 (2026-11-24 visit)``, ``contacts[王芳].phone: … → …``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LOGS = ("visits", "expenses", "intel")  # appended-to lists: report entries added or removed
NAMED = ("contacts", "products")        # lists of named things: compare item by item


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any

    def __str__(self) -> str:
        if self.field.split(".")[0].split("[")[0] in LOGS and isinstance(self.new, str):
            return f"{self.field}: {self.new}"
        return f"{self.field}: {_show(self.old)} → {_show(self.new)}"


def _show(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    return str(value)


def _entry(item: Any) -> str:
    if isinstance(item, dict):
        parts = [str(item.get(k)) for k in ("date", "kind", "amount", "claim") if item.get(k)]
        return " ".join(parts) or _show(item)
    return _show(item)


def _key(item: Any, index: int) -> str:
    return str(item.get("name")) if isinstance(item, dict) and item.get("name") else str(index)


def changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Change]:
    """What changed from ``old`` to ``new`` (either may be None: created or deleted)."""
    old, new = old or {}, new or {}
    out: list[Change] = []
    for key in list(dict.fromkeys([*old, *new])):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if key in LOGS and isinstance(a or [], list) and isinstance(b or [], list):
            out += _log_change(key, a or [], b or [])
        elif key in NAMED and isinstance(a or [], list) and isinstance(b or [], list):
            out += _named_change(key, a or [], b or [])
        else:
            out += _value_change(str(key), a, b)
    return out


def _canonical(item: Any) -> str:
    import json

    return json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)


def _log_change(key: str, a: list, b: list) -> list[Change]:
    if b[:len(a)] == a:  # the usual case: entries appended
        added, removed = b[len(a):], []
    else:  # compare as multisets, in linear time
        from collections import Counter

        left, right = Counter(map(_canonical, a)), Counter(map(_canonical, b))
        added = [x for x in b if (right - left)[_canonical(x)]]
        removed = [x for x in a if (left - right)[_canonical(x)]]
    out = []
    if added:
        out.append(Change(key, len(a), f"+{len(added)} ({_entries(added)})"))
    if removed:
        out.append(Change(key, len(a), f"-{len(removed)} ({_entries(removed)})"))
    return out


def _entries(items: list, shown: int = 3) -> str:
    """The first entries, then how many more: a file's whole log never floods one line."""
    text = ", ".join(_entry(x) for x in items[:shown])
    return text + (f", … {len(items) - shown} more" if len(items) > shown else "")


def _named_change(key: str, a: list, b: list) -> list[Change]:
    before = {_key(x, i): x for i, x in enumerate(a)}
    after = {_key(x, i): x for i, x in enumerate(b)}
    out = []
    for name in dict.fromkeys([*before, *after]):
        out += _value_change(f"{key}[{name}]", before.get(name), after.get(name))
    return out


def _value_change(path: str, a: Any, b: Any) -> list[Change]:
    if a == b:
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in dict.fromkeys([*a, *b]):
            out += _value_change(f"{path}.{k}", a.get(k), b.get(k))
        return out
    return [Change(path, a, b)]


def summary(found: list[Change], limit: int = 3) -> str:
    """A commit-message-sized description: ``grade, contacts[王芳].phone and 2 more``."""
    fields = list(dict.fromkeys(c.field for c in found))
    if not fields:
        return "no field changes"
    shown = ", ".join(fields[:limit])
    return shown + (f" and {len(fields) - limit} more" if len(fields) > limit else "")


_TOP_KEY = re.compile(r"^([^\s#\-][^:#]*?):(?:\s|$)", re.MULTILINE)


def blocks(text: str) -> dict[str, str] | None:
    """Top-level keys of a block-style YAML mapping and the text of each (None if unusual)."""
    if "\n---" in text or text.lstrip().startswith(("{", "---", "[", "-")):
        return None
    starts = [(m.start(), m.group(1).strip()) for m in _TOP_KEY.finditer(text)]
    if not starts:
        return None
    out: dict[str, str] = {}
    for (start, key), (end, _) in zip(starts, [*starts[1:], (len(text), "")], strict=False):
        if key in out:
            return None
        out[key] = text[start:end]
    return out


def text_changes(old: str | None, new: str | None,
                 load: Callable[[str], Any]) -> list[Change]:
    """``changes`` computed by parsing only the top-level keys whose text changed, and only the
    appended entries of a log — fast over long histories of growing files."""
    a, b = blocks(old or ""), blocks(new or "")
    if old is None or new is None or a is None or b is None:
        left, right = (load(old) if old else None), (load(new) if new else None)
        return changes(left if isinstance(left, dict) else None,
                       right if isinstance(right, dict) else None)
    out: list[Change] = []
    for key in dict.fromkeys([*a, *b]):
        before, after = a.get(key), b.get(key)
        if before == after:
            continue
        if key in LOGS and before and after and after.startswith(before.rstrip("\n") + "\n"):
            head = before.rstrip("\n") + "\n"
            suffix = after[len(head):]
            items = (load(f"{key}:\n{suffix}") or {}).get(key) if suffix.strip() else None
            if isinstance(items, list):
                count = _count_items(before, key, load)
                if count is not None:
                    out.append(Change(key, count, f"+{len(items)} ({_entries(items)})"))
                    continue
        left = load(before) if before else {}
        right = load(after) if after else {}
        out += changes({key: (left or {}).get(key)} if before else {},
                       {key: (right or {}).get(key)} if after else {})
    return out


def _count_items(block: str, key: str, load: Callable[[str], Any]) -> int | None:
    """How many entries a log block has, counted from its '- ' lines without parsing."""
    lines = block.split("\n")[1:]
    dashes = [ln for ln in lines if ln.lstrip().startswith("- ")]
    if not dashes:
        parsed = (load(block) or {}).get(key)
        return len(parsed) if isinstance(parsed, list) else None
    indent = min(len(ln) - len(ln.lstrip()) for ln in dashes)
    return sum(1 for ln in dashes if len(ln) - len(ln.lstrip()) == indent)
